"""Grading pages: who may open them, what they show, the lock flow, constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.core.models import Period, PeriodStatus
from liangping.grading import services
from liangping.indicators.models import City, Indicator, IndicatorValue
from liangping.projects.models import MonthlyReport, Project, ReportStatus

LEDGER = ["supervisor", "leader", "department", "district", "specialist", "owner", "outsider"]
ADMINS = ["sysadmin", "secadmin", "auditor"]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def june_reports(cast, status=ReportStatus.APPROVED):
    Project.objects.update(plan_year=2025)
    for p, ytd in ((cast.inside, "150000"), (cast.outside, "2000")):
        MonthlyReport.objects.create(
            project=p,
            month=dt.date(2025, 6, 1),
            month_investment=Decimal(0),
            ytd_investment=Decimal(ytd),
            status=status,
            submitted_at=timezone.now(),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("who", LEDGER + ADMINS)
@pytest.mark.parametrize("name", ["board", "ranking", "units", "summons", "periods"])
def test_page_access(cast, who, name):
    response = client_for(getattr(cast, who)).get(reverse(f"grading:{name}"), {"period": "2025-06"})
    allowed = who in LEDGER
    if name == "periods":
        allowed = who == "supervisor"
    if name == "summons":
        allowed = who in ("supervisor", "leader")
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.django_db
def test_anonymous_goes_to_login(cast):
    assert Client().get(reverse("grading:board")).status_code == 302


@pytest.mark.django_db
def test_live_board_is_provisional_and_scoped(cast):
    june_reports(cast)
    page = client_for(cast.supervisor).get(reverse("grading:board"), {"period": "2025-06"}).content.decode()
    assert "临时结果" in page and "ZZ-2025-001" in page and "ZZ-2025-002" in page
    assert "滞后时序进度40个百分点" in page
    leader = client_for(cast.leader).get(reverse("grading:board"), {"period": "2025-06"}).content.decode()
    assert "ZZ-2025-001" in leader and "ZZ-2025-002" not in leader


def test_board_filters_offer_the_names_and_keep_the_current_one(cast):
    june_reports(cast)
    c = client_for(cast.supervisor)
    page = c.get(reverse("grading:board"), {"period": "2025-06"}).content.decode()
    assert "<option>滕州市</option>" in page and "<option>市中区</option>" in page
    page = c.get(reverse("grading:board"), {"period": "2025-06", "district": "滕州市"}).content.decode()
    assert "<option selected>滕州市</option>" in page and "<option>市中区</option>" in page


@pytest.mark.django_db
def test_lock_flow_through_the_pages(cast):
    june_reports(cast, status=ReportStatus.SUBMITTED)
    c = client_for(cast.supervisor)
    page = c.post(reverse("grading:period_action", args=["lock"]), {"period": "2025-06"}).content.decode()
    assert "确认锁定" in page and "ZZ-2025-001" in page
    assert Period.objects.get(code="2025-06").status == PeriodStatus.OPEN
    c.post(reverse("grading:period_action", args=["lock"]), {"period": "2025-06", "confirm": "1"})
    assert Period.objects.get(code="2025-06").status == PeriodStatus.LOCKED
    board = c.get(reverse("grading:board"), {"period": "2025-06"}).content.decode()
    assert "临时结果" not in board and "锁定结果" in board
    response = c.post(
        reverse("grading:period_action", args=["reopen"]), {"period": "2025-06", "reason": ""}, follow=True
    )
    assert "必须写明原因" in response.content.decode()
    c.post(reverse("grading:period_action", args=["publish"]), {"period": "2025-06"})
    assert Period.objects.get(code="2025-06").status == PeriodStatus.PUBLISHED
    snap = services.current_snapshot(Period.objects.get(code="2025-06"))
    assert snap is not None
    assert c.get(reverse("grading:snapshot", args=[snap.pk])).status_code == 200


@pytest.mark.django_db
def test_ranking_page_shows_double_cards(cast):
    from liangping.indicators.demo import load_indicator_demo

    load_indicator_demo()
    page = client_for(cast.leader).get(reverse("grading:ranking"), {"period": "2022-06"}).content.decode()
    assert "地区生产总值" in page and "14 / 15" in page and "↑2 进位" in page
    gdp = Indicator.objects.get(name="地区生产总值").pk  # ids differ once a transactional test flushed
    history = client_for(cast.leader).get(reverse("grading:indicator", args=[gdp])).content.decode()
    assert "2022年1-6月" in history and "菏泽" in history


@pytest.mark.django_db
def test_board_queries_do_not_grow(cast, django_assert_max_num_queries):
    june_reports(cast)
    c = client_for(cast.supervisor)
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"))

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("grading:board"), {"period": "2025-06"}).status_code == 200
            assert c.get(reverse("grading:board"), {"period": "2025-07"}).status_code == 200
        return len(ctx)

    count()  # the first view of a locked period fills the board's per-snapshot cache
    small = count()
    base = Project.objects.get(pk=cast.inside.pk)
    for n in range(60):
        base.pk, base.code = None, f"X-{n:03d}"
        base.save()
    assert count() == small


@pytest.mark.django_db
def test_pages_offer_the_exports(cast):
    june_reports(cast)
    c = client_for(cast.supervisor)
    board = c.get(reverse("grading:board"), {"period": "2025-06", "grade": "red"}).content.decode()
    assert "/sheets/export/grades.xlsx?period=2025-06&amp;grade=red" in board
    ranking = c.get(reverse("grading:ranking"), {"period": "2025-06"}).content.decode()
    assert "/sheets/export/ranking.xlsx" not in ranking  # no indicator values that month: nothing to export
    gdp = Indicator.objects.get(name="地区生产总值")
    for growth, city in enumerate(City.objects.filter(name__in=["济南", "枣庄"])):
        IndicatorValue.objects.create(
            indicator=gdp, city=city, year=2025, month=6, growth=Decimal(growth + 3)
        )
    ranking = c.get(reverse("grading:ranking"), {"period": "2025-06"}).content.decode()
    assert "/sheets/export/ranking.xlsx?period=2025-06" in ranking
    download = c.get("/sheets/export/grades.xlsx", {"period": "2025-06", "grade": "red"})
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(download.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["ZZ-2025-002"]  # the board's filter carries into the file
