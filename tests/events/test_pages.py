"""The tournament pages: the public page, the screen and its JSON (anonymous, no personal data,
constant queries, ETag), result entry through the form, the team import upload."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangping.events import services
from liangping.events.models import Match, Player, Stage
from tests.events.conftest import build, play
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db


def finish(cup, actor) -> None:  # type: ignore[no-untyped-def]
    for m in Match.objects.filter(tournament=cup.t, stage=Stage.GROUP).select_related("home", "away"):
        play(actor, m, 2, 1, home_scorers="7 10", away_scorers="7")


def test_the_public_page_and_screen_show_no_personal_data(scheduled, cast):
    finish(scheduled, cast.district)
    anonymous = Client()
    births = [p.birth_date for p in Player.objects.filter(team__tournament=scheduled.t)]
    names = [p.name for p in Player.objects.filter(team__tournament=scheduled.t)]
    for name in ("events:public", "events:screen", "events:data"):
        response = anonymous.get(reverse(name, args=[scheduled.t.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        if name == "events:data":
            text = text.encode().decode("unicode_escape") if "\\u" in text else text
        assert "滕州测试邀请赛" in text
        for born in births:
            assert born.isoformat() not in text and f"{born:%Y年}" not in text
        assert not any(n in text for n in names), "players' full names are masked"
        assert "教练" not in text  # no coach
    data = anonymous.get(reverse("events:data", args=[scheduled.t.pk])).json()
    assert re.fullmatch("队×+", data["scorers"][0]["player"])
    assert data["groups"][0]["complete"] and data["groups"][0]["rows"][0]["advances"]


def test_full_names_only_when_the_organiser_chooses_them(scheduled, cast):
    finish(scheduled, cast.district)
    t = scheduled.t
    services.update_tournament(cast.district, t, {"public_player_names": True}, expected_version=t.version)
    data = Client().get(reverse("events:data", args=[t.pk])).json()
    assert "×" not in data["scorers"][0]["player"]


def test_a_tournament_not_public_does_not_exist_publicly(cup):
    for name in ("events:public", "events:screen", "events:data"):
        assert Client().get(reverse(name, args=[cup.other.pk])).status_code == 404


def test_the_screen_data_has_an_etag_and_answers_304(scheduled):
    url = reverse("events:data", args=[scheduled.t.pk])
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# measured when written (8, 8, 8, 10, 8) plus one
PAGES = {"events:public": 9, "events:screen": 9, "events:data": 9, "events:detail": 11, "events:schedule": 9}


def test_pages_cost_a_constant_number_of_queries(cast):
    """A tournament of 2 teams with nothing played against one of 12 teams with every group match
    played and scorers: the same number of queries, within the budget."""
    small = build(
        cast.district, cast.tengzhou, "小赛", teams=2, group_count=1, group_size=2, third_place=False
    )
    big = build(cast.district, cast.tengzhou, "大赛")
    for t in (small, big):
        services.draw_groups(cast.district, t, method="random", seed="q")
        services.generate_schedule(cast.district, t)
    for m in Match.objects.filter(tournament=big, stage=Stage.GROUP):
        play(cast.district, m, 2, 1, home_scorers="7 10", away_scorers="10")
    client = Client()
    client.force_login(cast.district)
    problems = []
    for name, budget in PAGES.items():
        n_small = count(client, reverse(name, args=[small.pk]))
        n_big = count(client, reverse(name, args=[big.pk]))
        if n_big > n_small or n_big > budget:
            problems.append(f"{name}: {n_small} → {n_big}（上限 {budget}）")
    list_small = count(client, reverse("events:list"))
    assert not problems, problems
    assert list_small <= 10


def test_result_entry_through_the_form(scheduled, cast):
    m = Match.objects.filter(tournament=scheduled.t, code="A-1-1").get()
    client = Client()
    client.force_login(cast.specialist)
    url = reverse("events:match", args=[m.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'inputmode="numeric"' in page.content.decode()
    bad = client.post(url, {"home_goals": "-2", "away_goals": "1", "version": m.version})
    assert bad.status_code == 400 and "主队进球数不能为负数" in bad.content.decode()
    ok = client.post(url, {"home_goals": "2", "away_goals": "1", "home_scorers": "7×2", "version": m.version})
    assert ok.status_code == 302
    stale = client.post(url, {"home_goals": "0", "away_goals": "0", "version": m.version, "reason": "更正"})
    assert stale.status_code == 400
    assert re.search(
        r"已被专员甲于\d\d:\d\d:\d\d录入或修改，您的录入未保存.*您填写的是 0:0", stale.content.decode()
    )
    m.refresh_from_db()
    assert (m.home_goals, m.away_goals) == (2, 1)


def test_the_team_import_page(cup, cast, tmp_path):
    empty = build(cast.district, cast.tengzhou, "空赛", teams=0)
    client = Client()
    client.force_login(cast.district)
    path = write_xlsx(
        tmp_path / "名单.xlsx",
        [
            ["队名", "所在城市", "姓名", "号码", "出生日期"],
            ["甲队", "枣庄", "张三", 5, "2014-01-01"],
            ["乙队", "", "李四", 5, "2009-01-01"],
        ],
    )
    with path.open("rb") as f:
        refused = client.post(reverse("events:teams", args=[empty.pk]), {"action": "import", "imp-file": f})
    text = refused.content.decode()
    assert refused.status_code == 400 and "未导入任何数据" in text and "早于本赛事年龄组要求" in text
    assert not empty.teams.exists()


def test_a_hand_draw_with_a_team_twice_is_refused_and_keeps_the_choices(cup, cast):
    client = Client()
    client.force_login(cast.district)
    teams = list(cup.t.teams.order_by("pk"))
    body = {"method": "manual"}
    for i in range(6):
        body[f"g-A-{i + 1}"] = str(teams[i].pk)
        body[f"g-B-{i + 1}"] = str(teams[6 + i].pk)
    body["g-B-6"] = str(teams[0].pk)  # 菲特宝 in A and in B
    response = client.post(reverse("events:draw", args=[cup.t.pk]), body)
    text = response.content.decode()
    assert response.status_code == 400 and f"{teams[0].name} 同时被分在A组和B组" in text
    assert f'<option value="{teams[11].pk}" selected>' not in text  # B6 as posted, not as before
    assert text.count(f'<option value="{teams[0].pk}" selected>') == 2
    assert not cup.t.teams.exclude(group="").exists()
    body["g-B-6"] = str(teams[11].pk)
    assert client.post(reverse("events:draw", args=[cup.t.pk]), body).status_code == 302
    assert sorted(cup.t.teams.values_list("group", flat=True)) == ["A"] * 6 + ["B"] * 6
