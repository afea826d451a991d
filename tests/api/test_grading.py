"""The grading data over the API: same numbers as the pages, scoped board, Chinese 422."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.grading import services
from liangping.projects.models import MonthlyReport, Project, ReportStatus


@pytest.fixture
def june(cast):
    Project.objects.update(plan_year=2025)
    for p, ytd in ((cast.inside, "150000"), (cast.outside, "2000")):
        MonthlyReport.objects.create(
            project=p,
            month=dt.date(2025, 6, 1),
            month_investment=Decimal(0),
            ytd_investment=Decimal(ytd),
            status=ReportStatus.APPROVED,
            submitted_at=timezone.now(),
        )


@pytest.mark.django_db
def test_board_live_then_locked(api_as, cast, june):
    data = api_as("supervisor").get("/grading/board", period="2025-06").json()
    assert data["period"]["provisional"] is True and data["counts"]["red"] == 1
    red = next(i for i in data["items"] if i["grade"] == "red")
    assert (red["code"], red["gap"], red["reason"]) == ("ZZ-2025-002", "-40", "滞后时序进度40个百分点")
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"))
    locked = api_as("supervisor").get("/grading/board", period="2025-06").json()
    assert locked["period"]["provisional"] is False and locked["snapshot_version"] == 1
    assert [i["code"] for i in api_as("leader").get("/grading/board", period="2025-06").json()["items"]] == [
        "ZZ-2025-001"
    ]
    assert api_as("auditor").get("/grading/board", period="2025-06").json()["items"] == []


@pytest.mark.django_db
def test_bad_period_is_a_field_error(api_as, cast):
    response = api_as("supervisor").get("/grading/ranking", period="六月")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period"
    assert "2025-06" in response.json()["detail"][0]["message"]


@pytest.mark.django_db
def test_ranking_and_periods(api_as, cast):
    from liangping.indicators.demo import load_indicator_demo

    load_indicator_demo()
    data = api_as("district").get("/grading/ranking", period="2022-06").json()
    gdp = next(i for i in data["indicators"] if i["name"] == "地区生产总值")
    home = next(r for r in gdp["rows"] if r["home"])
    assert (home["growth"], home["rank"], home["change_card"]) == ("4.1000", 3, "↑2 进位")
    assert gdp["distances"]["3"] == "0.0000"
    services.lock_period(cast.supervisor, services.get_or_create_period("2022-06"))
    periods = api_as("leader").get("/grading/periods").json()
    assert periods[0]["code"] == "2022-06" and periods[0]["snapshots"] == [1]


@pytest.mark.django_db
def test_a_token_sees_what_its_user_sees(api_as, cast, june):
    """A token authenticates its user for the grading answers too: the same board, ranking and unit
    scores as the user's session (not the empty board of an anonymous visitor, nor a 404)."""
    from django.test import Client

    from liangping.core.api import create_token

    def by_token(who: str, path: str) -> object:
        _, raw = create_token(cast.secadmin, getattr(cast, who), "对接")
        return Client().get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    session = api_as("supervisor").get("/grading/board", period="2025-06").json()
    token = by_token("supervisor", "/grading/board?period=2025-06")
    assert token.status_code == 200 and token.json() == session and len(session["items"]) == 2
    leader = by_token("leader", "/grading/board?period=2025-06").json()
    assert [i["code"] for i in leader["items"]] == ["ZZ-2025-001"]
    for path in ("/grading/ranking", "/grading/units", "/grading/periods", "/grading/summons"):
        assert by_token("supervisor", path).status_code == 200, path
    assert by_token("sysadmin", "/grading/ranking").status_code == 404  # administrators: no grading
    assert by_token("sysadmin", "/grading/board?period=2025-06").json()["items"] == []
