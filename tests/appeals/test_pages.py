"""The staff pages on the engine: the intake with its duplicate offer, 三率 with the ranking, the public
screen's appeals page and the dashboard's figures, and the rule-set weight in unit scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.appeals import intake
from liangping.appeals.queries import Month, appeal_rows, month_ranking, screen_figures
from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind
from liangping.grading.units import blended

pytestmark = pytest.mark.django_db


def file(cast, phone: str, at: dt.datetime, category: str = "urban_sanitation"):
    return intake.file_appeal(
        actor=cast.supervisor,
        channel="hotline",
        category=category,
        description="路灯不亮",
        name="孙七",
        phone=phone,
        address="滕州市荆河街道",
        place_org=cast.tengzhou,
        at=at,
    ).case


def test_the_intake_page_registers_and_offers_duplicates(client, cast):
    client.force_login(cast.supervisor)
    page = client.get("/appeals/new/")
    assert page.status_code == 200 and "领导干部接热线" in page.content.decode()
    body = {
        "channel": "hotline",
        "name": "孙七",
        "phone": "13506327777",
        "category": "urban_sanitation",
        "urgency": "normal",
        "address": "滕州市荆河街道",
        "description": "路灯不亮。晚上很黑",
    }
    done = client.post("/appeals/new/", body)
    first = Case.objects.of_kind("appeal").get()
    assert done.status_code == 302 and done["Location"] == f"/cases/{first.pk}/"
    offered = client.post("/appeals/new/", body)
    assert offered.status_code == 409 and first.receipt_no in offered.content.decode()
    merged = client.post("/appeals/new/", {**body, "dedupe": f"merge:{first.pk}"})
    assert merged.status_code == 302 and merged["Location"] == f"/cases/{first.pk}/"
    assert Case.objects.of_kind("appeal").filter(status="merged").count() == 1
    refused = client.post("/appeals/new/", {**body, "phone": "1"})
    assert refused.status_code == 400 and "不是有效的号码" in refused.content.decode()


def test_rates_and_ranking_follow_the_loop(client, cast):
    now = timezone.now()
    start = now - dt.timedelta(days=1) if now.day > 1 else now
    case = file(cast, "13506320001", start)
    case = engine.act(
        case, "dispatch", actor=cast.supervisor, lead_org=cast.tengzhou, at=start + dt.timedelta(minutes=5)
    )
    case = engine.act(case, "accept", actor=cast.district, at=start + dt.timedelta(minutes=30))
    case = engine.act(case, "reply", actor=cast.district, note="已修复", at=start + dt.timedelta(hours=3))
    engine.act(case, "callback", actor=cast.supervisor, rating="satisfied", at=start + dt.timedelta(hours=5))
    other = file(cast, "13506320002", start, "traffic_road")
    engine.act(
        other, "dispatch", actor=cast.supervisor, lead_org=cast.shizhong, at=start + dt.timedelta(minutes=5)
    )
    ranked = {u.unit: u for u in month_ranking(Month.of(timezone.localtime(start)), now)}
    assert ranked["滕州市"].respond_rate == 1 and ranked["滕州市"].satisfied_rate == 1
    assert ranked["滕州市"].rank == 1
    client.force_login(cast.leader)
    page = client.get("/appeals/rates/", {"month": Month.of(timezone.localtime(start)).code}).content.decode()
    assert "滕州市" in page and "100.0%" in page and "响应率" in page and "已回访评价" in page
    city = cast.city.pk
    figures = screen_figures(Month.of(timezone.localtime(start)), now, tenant=city, installation=city)
    assert figures["total"] == 2 and dict(figures["by_category"]) == {"城市管理": 1, "交通运输": 1}  # type: ignore[arg-type]
    text = str(figures)
    assert "孙七" not in text and "1350632" not in text and "荆河街道" not in text


def test_an_appeal_counts_for_the_ranked_unit_above_its_lead_unit(cast):
    """appeal_rows reads only the orgs its appeals name and the ranked units: a town counts for its
    district, a department's office for the department, a unit under neither for none."""
    town = Org.objects.create(name="荆河街道", kind=OrgKind.TOWN, parent=cast.tengzhou)
    desk = Org.objects.create(name="市发改委项目科", kind=OrgKind.OFFICE, parent=cast.fagai)
    now = timezone.now()
    start = now - dt.timedelta(days=1) if now.day > 1 else now
    for i, org in enumerate([town, desk, cast.shizhong, cast.office]):
        case = file(cast, f"1350632010{i}", start)
        engine.act(case, "dispatch", actor=cast.supervisor, lead_org=org, at=start + dt.timedelta(minutes=5))
    rows = appeal_rows(Month.of(timezone.localtime(start)))
    assert sorted((r.unit_kind, r.unit) for r in rows) == [
        ("department", "市发展改革委"),
        ("district", "市中区"),
        ("district", "滕州市"),
    ]


def test_the_public_screen_page_and_the_dashboard(client, cast):
    file(cast, "13506320003", timezone.now() - dt.timedelta(minutes=5))
    page = client.get("/screen/appeals/")
    assert page.status_code == 200 and "群众诉求" in page.content.decode()
    data = client.get("/screen/appeals/data.json").json()
    assert data["total"] == 1 and "孙七" not in str(data)
    client.force_login(cast.district)
    dashboard = client.get("/screen/dashboard/").content.decode()
    assert "群众诉求" in dashboard and "本月受理" in dashboard


def test_the_weight_blends_the_appeal_score_into_unit_scores():
    assert blended(Decimal(80), Decimal(60), Decimal("0.25")) == Decimal(75)
    assert blended(Decimal(80), None, Decimal("0.25")) == Decimal(80)
    assert blended(None, Decimal(60), Decimal("0.25")) == Decimal(60)
    assert blended(Decimal(80), Decimal(60), Decimal(0)) == Decimal(80)


def test_the_rule_set_counts_the_period_appeal_score_only_when_weighted(cast):
    from liangping.grading.services import appeal_scores_for, get_or_create_period

    now = timezone.now()
    case = file(cast, "13506320009", now - dt.timedelta(hours=2))
    case = engine.act(
        case, "dispatch", actor=cast.supervisor, lead_org=cast.tengzhou, at=now - dt.timedelta(hours=1)
    )
    engine.act(case, "accept", actor=cast.district, at=now - dt.timedelta(minutes=30))
    period = get_or_create_period(Month.of(timezone.localtime(now)).code)
    assert appeal_scores_for(period, {"unit_score": {"blue": 2, "yellow": 1}}) == {}
    scores = appeal_scores_for(period, {"unit_score": {"blue": 2, "yellow": 1, "appeals": "0.3"}})
    assert scores == {("district", "滕州市"): Decimal(100)}  # accepted in time; nothing else due yet


def test_the_pages_read_in_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    from liangping.appeals import rosters

    def counted(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(cast.supervisor)
    now = timezone.now()
    file(cast, "13506321000", now - dt.timedelta(hours=1))
    rosters.add_duty(cast.supervisor, date=now.date(), start=dt.time(1), end=dt.time(2), leader="甲")
    few = {url: counted(url) for url in ("/appeals/rates/", "/appeals/duty/", "/screen/appeals/data.json")}
    for i in range(12):
        case = file(cast, f"135063220{i:02d}", now - dt.timedelta(minutes=50 - i), "traffic_road")
        engine.act(
            case, "dispatch", actor=cast.supervisor, lead_org=cast.shizhong, at=now - dt.timedelta(minutes=30)
        )
        rosters.add_duty(
            cast.supervisor, date=now.date(), start=dt.time(3 + i), end=dt.time(4 + i), leader=f"乙{i}"
        )
    for url, n in few.items():
        with django_assert_max_num_queries(n):
            client.get(url)
