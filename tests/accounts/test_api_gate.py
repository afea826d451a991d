"""The API passes the same sign-in gate as the pages: a session that has only passed the password step
(two-factor login pending) or must still change an administrator-set password is refused whatever
Authorization header it adds; only a token that authentication accepted passes on its own."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from liangping.core import approvals
from liangping.core.api import create_token
from liangping.core.models import Role
from liangping.projects import services
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.cast import PASSWORD

HEADERS = ["x", "", "Bearer bogus", "Bearer lp_not-a-token", "Basic eDp5"]
INITIAL = "Chushi#2025"


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client(REMOTE_ADDR="10.7.7.7", enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def attempts(client: Client, project_id: int, report: MonthlyReport) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    csrf = client.cookies["csrftoken"].value
    for header in HEADERS:
        extra = {"HTTP_AUTHORIZATION": header}
        out.append((f"GET projects {header!r}", client.get("/api/v1/projects", **extra)))
        out.append((f"GET project {header!r}", client.get(f"/api/v1/projects/{project_id}", **extra)))
        review = client.post(
            f"/api/v1/reports/{report.pk}/review",
            json.dumps({"approve": True, "note": "同意", "version": report.version}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
            **extra,
        )
        out.append((f"POST review {header!r}", review))
    return out


@pytest.fixture
def report(cast) -> MonthlyReport:  # type: ignore[no-untyped-def]
    return services.submit_report(
        cast.owner,
        cast.inside,
        dt.date(2025, 5, 1),
        month_investment=Decimal("10"),
        ytd_investment=Decimal("50"),
    )


@pytest.mark.django_db
def test_a_session_without_its_second_factor_cannot_use_the_api_with_any_header(cast, strict, report):
    client = sign_in("supervisor")  # must enrol an authenticator first
    problems = []
    for label, response in attempts(client, cast.inside.pk, report):
        body = response.json()  # type: ignore[attr-defined]
        if response.status_code not in (401, 403) or "动态口令" not in body["detail"]:  # type: ignore[attr-defined]
            problems.append(f"{label}: {response.status_code} {body}")  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_an_account_that_must_change_its_password_cannot_use_the_api(cast, report):
    request = approvals.create_user(
        cast.secadmin,
        username="xiaoli",
        display_name="小李",
        role=Role.SUPERVISOR,
        org=cast.office,
        password=INITIAL,
    )
    approvals.approve(cast.sysadmin, request)  # type: ignore[arg-type]  # a supervisor: two people
    client = sign_in("xiaoli", INITIAL)
    problems = []
    for label, response in attempts(client, cast.inside.pk, report):
        body = response.json()  # type: ignore[attr-defined]
        if response.status_code not in (401, 403) or "修改初始密码" not in body["detail"]:  # type: ignore[attr-defined]
            problems.append(f"{label}: {response.status_code} {body}")  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_a_valid_token_passes_even_from_a_half_signed_in_session(cast, strict):
    """The token is its own authentication: what the session has not finished does not matter."""
    _, raw = create_token(cast.sysadmin, cast.supervisor, "对接")
    client = sign_in("supervisor")
    assert client.get("/api/v1/projects").status_code == 401
    response = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["count"] >= 1
    # and a token alone, with no session at all
    assert Client().get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.django_db
def test_a_fully_signed_in_session_still_uses_the_api(cast):
    client = sign_in("district")
    assert client.get("/api/v1/projects", HTTP_AUTHORIZATION="x").status_code == 200
