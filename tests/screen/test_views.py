"""The public screen and its data endpoint; the internal dashboard."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from liangping.projects.queries import month_label, reporting_month, shift_month
from liangping.screen.data import screen_data
from tests.screen.world import add_unpublished, report

DATA = "/screen/data.json"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_endpoint_nothing_published(cast):
    response = Client().get(DATA)
    assert response.status_code == 200 and response.json() == {"published": False}
    assert response["Cache-Control"] == "no-cache" and response["ETag"].startswith('"')
    page = Client().get(reverse("screen:index")).content.decode()
    assert "暂无已发布的数据" in page


@pytest.mark.django_db
def test_endpoint_etag_and_304(world):
    c = Client()
    first = c.get(DATA)
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    assert json.loads(first.content) == screen_data()
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong
    assert first["Cache-Control"] == "no-cache"
    again = c.get(DATA, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert again["Cache-Control"] == "no-cache"
    assert c.get(DATA, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert c.get(DATA, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert c.post(DATA).status_code == 405
    assert c.head(DATA).status_code == 200


@pytest.mark.django_db
def test_a_new_publication_changes_the_etag(world):
    from liangping.grading import services

    etag = Client().get(DATA)["ETag"]
    services.reopen_period(world.cast.supervisor, world.q2, "更正")
    services.lock_period(world.cast.supervisor, world.q2)
    between = Client().get(DATA, headers={"If-None-Match": etag})  # re-locked, not yet published: Q1
    assert between.status_code == 200 and between.json()["as_of"]["period"] == "2025Q1"
    services.publish_period(world.cast.supervisor, world.q2)
    response = Client().get(DATA, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.json()["as_of"]["version"] == 2


@pytest.mark.django_db
def test_unpublished_periods_never_leak_through_the_endpoint_or_the_page(world):
    q3, july = add_unpublished(world)
    report(world.cast.inside, dt.date(2025, 7, 1), "1")
    plain = Client().get(DATA)
    for params in (
        {"period": q3.code},
        {"period": july.code},
        {"period": "2025Q3", "snapshot": "999", "version": "2"},
        {"live": "1", "kind": "month"},
    ):
        response = Client().get(DATA, params)
        assert response.status_code == 200 and response.content == plain.content, params
        assert response["ETag"] == plain["ETag"]
        page = Client().get(reverse("screen:index"), params).content.decode()
        assert "2025年第二季度" in page and "2025年第三季度" not in page and "2025年7月" not in page
    assert plain.json()["as_of"]["period"] == "2025Q2"


@pytest.mark.django_db
def test_warm_endpoint_costs_one_query(world, django_assert_max_num_queries):
    Client().get(DATA)
    with django_assert_max_num_queries(1):
        assert Client().get(DATA).status_code == 200


@pytest.mark.django_db
def test_screen_page_is_public_and_has_no_inline_code(world):
    response = Client().get(reverse("screen:index"), {"kiosk": "1", "interval": "20", "poll": "5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "数据截至" in page and "2025年第二季度" in page
    assert 'data-interval="20"' in page and 'data-poll="5"' in page and 'class="screen kiosk"' in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts
    for attrs, body in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        if "src=" in attrs:
            assert not body.strip()
    assert "/static/vendor/echarts.min.js" in page and "/static/screen/screen.js" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from another origin
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers either
    island = re.search(r'<script id="screen-data" type="application/json">(.*?)</script>', page, re.S)
    assert island and json.loads(island.group(1)) == screen_data()


@pytest.mark.django_db
def test_screen_page_rubbish_parameters_fall_back(world):
    page = (
        Client()
        .get(reverse("screen:index"), {"interval": "abc", "poll": "-3", "page": "<x>"})
        .content.decode()
    )
    assert 'data-interval="15"' in page and 'data-poll="1"' in page and 'data-page="overview"' in page
    page = Client().get(reverse("screen:index"), {"interval": "0", "page": "ranking"}).content.decode()
    assert 'data-interval="0"' in page and 'data-page="ranking"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_dashboard_is_for_ledger_users(world, who):
    assert Client().get(reverse("screen:dashboard")).status_code == 302
    assert client_for(getattr(world.cast, who)).get(reverse("screen:dashboard")).status_code == 404


@pytest.mark.django_db
def test_dashboard_published_and_live_for_the_supervisor(world):
    report(world.cast.outside, dt.date(2025, 7, 1), "1000")
    page = client_for(world.cast.supervisor).get(reverse("screen:dashboard"), {"period": "2025-07"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "已发布" in html and "2025年第二季度" in html and "33.00" in html
    assert "临时" in html and "2025年7月" in html
    assert "/grading/?period=2025Q2&amp;district=%E6%BB%95%E5%B7%9E%E5%B8%82" in html  # 滕州市
    assert "/grading/?period=2025-07&amp;district=" in html
    assert reverse("projects:detail", args=[world.cast.outside.pk]) in html
    assert reverse("disclosure:report", args=["2025Q2"]) in html


@pytest.mark.django_db
def test_dashboard_live_part_is_scoped_to_the_leader(world):
    report(world.cast.outside, dt.date(2025, 7, 1), "1000")
    report(world.cast.inside, dt.date(2025, 7, 1), "1000")
    html = (
        client_for(world.cast.leader).get(reverse("screen:dashboard"), {"period": "2025-07"}).content.decode()
    )
    live = html.split('id="sd-live"', 1)[1]
    assert "示例动力电池项目" in live and "示例智慧物流项目" not in live
    published = html.split('id="sd-live"', 1)[0]
    # the public red list shows every red project, but links only to the ones the leader may open
    assert "示例智慧物流项目" in published
    assert reverse("projects:detail", args=[world.cast.outside.pk]) not in html
    assert reverse("projects:detail", args=[world.cast.inside.pk]) in html
    # the public rows name projects by code; the link is resolved within the leader's scope, and the
    # project outside it stays a 404 however its address is reached
    leader = client_for(world.cast.leader)
    assert leader.get(reverse("projects:detail", args=[world.cast.outside.pk])).status_code == 404


@pytest.mark.django_db
def test_dashboard_with_nothing_published(cast):
    html = client_for(cast.supervisor).get(reverse("screen:dashboard")).content.decode()
    assert "暂无已发布的数据" in html


def live_title(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html.split('id="sd-live">', 1)[1].split("</h2>", 1)[0])


@pytest.mark.django_db
def test_dashboard_live_half_opens_on_the_latest_month_with_reports(cast):
    collecting = reporting_month()
    older = shift_month(collecting, -3)
    report(cast.outside, older, "1000")
    html = client_for(cast.supervisor).get(reverse("screen:dashboard")).content.decode()
    assert month_label(older) in live_title(html)  # not the empty month being collected
    assert 'name="period"' in html and f'<option value="{older:%Y-%m}" selected' in html
    report(cast.inside, collecting, "1000")
    html = client_for(cast.supervisor).get(reverse("screen:dashboard")).content.decode()
    assert month_label(collecting) in live_title(html)
    assert f'<option value="{older:%Y-%m}"' in html  # still offered
    html = client_for(cast.supervisor).get(reverse("screen:dashboard"), {"period": f"{older:%Y-%m}"})
    assert month_label(older) in live_title(html.content.decode())  # asked for: kept
