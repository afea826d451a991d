"""The chain pages: who sees them, what they show, and the Chinese errors of the supervisor's forms."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from liangping.chains.mapdata import public_document
from liangping.chains.models import ProjectLink, Segment
from liangping.chains.services import publish_snapshot, take_snapshot
from liangping.grading import services as grading

pytestmark = pytest.mark.django_db


def client(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_the_chain_page_shows_segments_capacities_and_the_comparison(cast, cw):
    take_snapshot(cast.supervisor, cw.chain, 2022, public_document(cw.chain))
    page = client(cast.supervisor).get(reverse("chains:detail", args=[cw.chain.pk])).content.decode()
    for text in (
        "锂电产业链",
        "正极材料",
        "PACK组装",
        "亿㎡",
        "GWh",
        "2022年",
        "当前",
        "「1+3+3」",
        "湿法隔膜龙头企业",
    ):
        assert text in page, text
    assert 'id="chain-data"' in page


def test_roles_without_chains_get_404(cast, cw):
    for who in (cast.specialist, cast.owner, cast.sysadmin):
        assert client(who).get(reverse("chains:detail", args=[cw.chain.pk])).status_code == 404


def test_linking_with_a_wrong_unit_says_what_to_fix_and_saves_nothing(cast, cw):
    c = client(cast.supervisor)
    url = reverse("chains:link", args=[cw.chain.pk])
    response = c.post(
        url,
        {"project": cast.outside.code, "segment": cw.cathode.pk, "capacity": "3", "unit": "GWh"},
        follow=True,
    )
    assert "【单位】“正极材料”的产能单位是万吨，不能填写GWh" in response.content.decode()
    assert not ProjectLink.objects.filter(segment=cw.cathode).exists()
    response = c.post(url, {"project": "NO-SUCH", "segment": cw.cathode.pk}, follow=True)
    assert "没有项目编号为“NO-SUCH”的重点项目" in response.content.decode()


def test_the_segment_form_refuses_a_cycle_with_a_field_error(cast, cw):
    c = client(cast.supervisor)
    response = c.post(
        reverse("chains:segment", args=[cw.cell.pk]),
        {"parent": cw.pack.pk, "position": "30", "target_firms": "", "version": cw.cell.version},
    )
    assert response.status_code == 400
    assert "循环" in response.content.decode()
    assert Segment.objects.get(pk=cw.cell.pk).parent_id is None


def test_the_public_screen_shows_published_snapshots_only(cast, cw):
    anonymous = Client()
    assert "暂无已发布的产业链数据" in anonymous.get(reverse("screen:chains")).content.decode()
    snap = take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    assert "暂无已发布的产业链数据" in anonymous.get(reverse("screen:chains")).content.decode()
    publish_snapshot(cast.supervisor, snap)
    page = anonymous.get(reverse("screen:chains")).content.decode()
    assert "2025年" in page and "「1+3+3」" in page
    script = page.split('<script id="chain-data" type="application/json">')[1].split("</script>")[0]
    text = json.dumps(json.loads(script), ensure_ascii=False)
    assert "甲锂能科技有限公司" in text
    assert "乙隔膜内部有限公司" not in text and "湿法隔膜龙头企业" not in text


def test_the_screen_shows_grades_of_published_periods_only(cast, cw):
    publish_snapshot(
        cast.supervisor, take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    )

    def project_grades() -> dict[str, str]:
        page = Client().get(reverse("screen:chains")).content.decode()
        data = json.loads(
            page.split('<script id="chain-data" type="application/json">')[1].split("</script>")[0]
        )
        return {p["code"]: p["grade"] for s in data["segments"] for p in s["projects"]}

    assert project_grades() == {"ZZ-2025-001": "", "ZZ-2025-002": ""}
    period = grading.get_or_create_period("2025-05")
    grading.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    assert project_grades() == {"ZZ-2025-001": "", "ZZ-2025-002": ""}  # locked, not published
    grading.publish_period(cast.supervisor, period)
    grades = project_grades()
    assert grades["ZZ-2025-001"] in ("red", "yellow", "blue") and grades["ZZ-2025-002"] in (
        "red",
        "yellow",
        "blue",
    )
