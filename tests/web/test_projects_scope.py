"""Who may open which project, report and visit page: the whole matrix, cast × page × inside/outside.

200: the page opens; 404: outside the person's scope or role (the page does not exist for them);
302: anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from liangping.projects import services
from liangping.projects.models import MonthlyReport, Project, Visit, VisitPhoto
from tests.cast import Cast

LEDGER = {"supervisor", "leader", "department", "district", "specialist", "owner", "outsider"}
ADMINS = {"sysadmin", "secadmin", "auditor"}
# Who sees the project `inside` (the supervisor sees `outside` too; nobody else in the cast does).
SEES_INSIDE = {"supervisor", "leader", "department", "district", "specialist", "owner"}
VISIT_ROLES = {"supervisor", "leader", "department", "district", "specialist"}  # not project units
EVERYONE = LEDGER | ADMINS


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def report_on(cast: Cast, project: Project) -> MonthlyReport:
    submitter = cast.specialist if project == cast.inside else cast.specialist2
    return services.submit_report(
        submitter,
        project,
        dt.date(2026, 9, 1),
        month_investment=Decimal("100"),
        ytd_investment=Decimal("900"),
        progress="主体施工",
    )


def visit_on(cast: Cast, project: Project) -> Visit:
    specialist = cast.specialist if project == cast.inside else cast.specialist2
    return services.record_visit(
        specialist, project, dt.date(2026, 10, 8), "现场施工正常", [("site.png", png_bytes())]
    )


def expected(page: str, who: str, where: str) -> int:
    if who == "anonymous":
        return 302
    inside = where == "inside"
    sees = who == "supervisor" or (inside and who in SEES_INSIDE)
    if page in ("list", "reports"):
        return 200 if who in LEDGER else 404
    if page in ("detail", "report_detail"):
        return 200 if sees else 404
    if page == "edit":
        return 200 if who == "supervisor" else 404
    if page in ("report_new", "report_edit"):
        return 200 if sees and who in ("supervisor", "specialist", "owner") else 404
    if page == "visits":
        return 200 if who in VISIT_ROLES else 404
    if page in ("visit_detail", "visit_photo"):
        return 200 if sees and who in VISIT_ROLES else 404
    if page == "visit_new":
        return 200 if sees and who in ("supervisor", "specialist") else 404
    if page == "visit_stats":
        return 200 if who in ("supervisor", "specialist") else 404
    raise AssertionError(page)


def urls(cast: Cast, project: Project) -> dict[str, str]:
    report = report_on(cast, project)
    visit = visit_on(cast, project)
    photo = VisitPhoto.objects.get(visit=visit)
    pk = project.pk
    return {
        "list": "/projects/",
        "reports": "/projects/reports/?month=2026-09",
        "visits": "/projects/visits/",
        "visit_stats": "/projects/visits/stats/",
        "detail": f"/projects/{pk}/",
        "edit": f"/projects/{pk}/edit/",
        "report_new": f"/projects/{pk}/reports/new/?month=2026-10",
        "report_detail": f"/projects/reports/{report.pk}/",
        "report_edit": f"/projects/reports/{report.pk}/edit/",
        "visit_new": f"/projects/{pk}/visits/new/",
        "visit_detail": f"/projects/visits/{visit.pk}/",
        "visit_photo": f"/projects/visits/photo/{photo.pk}/",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_scope_matrix(cast: Cast, where: str) -> None:
    project = cast.inside if where == "inside" else cast.outside
    pages = urls(cast, project)
    got: dict[tuple[str, str], int] = {}
    want: dict[tuple[str, str], int] = {}
    for who in [*sorted(EVERYONE), "anonymous"]:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        for page, url in pages.items():
            got[(page, who)] = client.get(url).status_code
            want[(page, who)] = expected(page, who, where)
    wrong = {k: (got[k], want[k]) for k in got if got[k] != want[k]}
    assert not wrong, f"(page, who): (got, expected) {wrong}"


@pytest.mark.django_db
def test_anonymous_goes_to_login(cast: Cast) -> None:
    response = Client().get("/projects/?q=电池")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/projects/")


@pytest.mark.django_db
def test_posts_outside_scope_are_404_and_change_nothing(client: Client, cast: Cast) -> None:
    report = report_on(cast, cast.outside)
    client.force_login(cast.specialist)
    edit = {"month_investment": "1", "ytd_investment": "2", "version": report.version}
    assert client.post(f"/projects/reports/{report.pk}/edit/", edit).status_code == 404
    assert client.post(f"/projects/{cast.outside.pk}/reports/new/", {"month": "2026-10"}).status_code == 404
    visit = {"date": "2026-10-01", "findings": "越权走访"}
    assert client.post(f"/projects/{cast.outside.pk}/visits/new/", visit).status_code == 404
    review = {"decision": "approve", "version": report.version}
    assert client.post(f"/projects/reports/{report.pk}/review/", review).status_code == 404
    client.force_login(cast.leader)  # sees the report of `inside` but may not review it
    mine = report_on(cast, cast.inside)
    review = {"decision": "approve", "version": mine.version}
    assert client.post(f"/projects/reports/{mine.pk}/review/", review).status_code == 404
    client.force_login(cast.department)
    assert client.post(f"/projects/{cast.inside.pk}/edit/", {"name": "改名"}).status_code == 404
    report.refresh_from_db()
    mine.refresh_from_db()
    assert report.ytd_investment == Decimal("900") and report.status == "submitted"
    assert mine.status == "submitted"
    assert not Visit.objects.filter(findings="越权走访").exists()
    assert Project.objects.get(pk=cast.inside.pk).name == "示例动力电池项目"
