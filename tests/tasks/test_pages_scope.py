"""Who may open which task page: the whole matrix, cast × page × a task inside / outside their scope.

200: the page opens; 404: outside the person's role or scope (the page does not exist for them);
302: anonymous visitors are sent to the login page. Only the supervisor, city leaders and department
users have task pages at all; a leader sees the tasks they lead, a department user the tasks their
department leads or co-handles.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.tasks.conftest import Tasks

ROLES = [
    "supervisor",
    "leader",
    "department",
    "district",
    "specialist",
    "owner",
    "outsider",
    "sysadmin",
    "secadmin",
    "auditor",
    "anonymous",
]
TASK_ROLES = {"supervisor", "leader", "department"}
SEES = {"inside": {"supervisor", "leader", "department"}, "outside": {"supervisor"}}
ACTS = {"supervisor", "department"}  # the lead department of `inside` and the supervisor
PAGES = [
    "list",
    "new",
    "detail",
    "edit",
    "milestone_new",
    "milestone",
    "evidence",
    "report_new",
    "report_detail",
    "report_edit",
]


def expected(page: str, who: str, where: str) -> int:
    if who == "anonymous":
        return 302
    sees = who in SEES[where]
    return {
        "list": 200 if who in TASK_ROLES else 404,
        "new": 200 if who == "supervisor" else 404,
        "detail": 200 if sees else 404,
        "report_detail": 200 if sees else 404,
        "evidence": 200 if sees else 404,
        "edit": 200 if sees and who == "supervisor" else 404,
        "milestone_new": 200 if sees and who == "supervisor" else 404,
        "milestone": 200 if sees and who in ACTS else 404,
        "report_new": 200 if sees and who in ACTS else 404,
        "report_edit": 200 if sees and who in ACTS else 404,
    }[page]


def url(page: str, tasks: Tasks, where: str) -> str:
    task = getattr(tasks, where)
    milestone = tasks.get("milestone", where)
    report = tasks.get("report", where)
    return {
        "list": reverse("tasks:list"),
        "new": reverse("tasks:new"),
        "detail": reverse("tasks:detail", args=[task.pk]),
        "edit": reverse("tasks:edit", args=[task.pk]),
        "milestone_new": reverse("tasks:milestone_new", args=[task.pk]),
        "milestone": reverse("tasks:milestone", args=[milestone.pk]),
        "evidence": reverse("tasks:evidence", args=[milestone.pk]),
        "report_new": reverse("tasks:report_new", args=[task.pk]),
        "report_detail": reverse("tasks:report_detail", args=[report.pk]),
        "report_edit": reverse("tasks:report_edit", args=[report.pk]),
    }[page]


def _cases():
    for page in PAGES:
        for who in ROLES:
            for where in ["inside", "outside"] if page not in ("list", "new") else ["-"]:
                yield pytest.param(page, who, where, id=f"{page}|{who}|{where}")


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "who", "where"), list(_cases()))
def test_page_matrix(cast, tasks, login, page, who, where):
    client = login(None if who == "anonymous" else getattr(cast, who))
    place = "inside" if where == "-" else where
    response = client.get(url(page, tasks, place))
    assert response.status_code == expected(page, who, place)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "department", "district", "specialist", "owner"])
def test_posts_outside_scope_or_role_are_404_and_change_nothing(cast, tasks, login, who):
    client = login(getattr(cast, who))
    out = tasks.outside
    assert client.post(reverse("tasks:edit", args=[out.pk]), {"title": "x"}).status_code == 404
    assert client.post(reverse("tasks:milestone_new", args=[out.pk]), {"ms-title": "x"}).status_code == 404
    report = tasks.report_out
    data = {"decision": "approve", "note": "", "version": report.version}
    assert client.post(reverse("tasks:report_detail", args=[report.pk]), data).status_code == 404
    milestone = tasks.milestone_out
    data = {"action": "delete", "version": milestone.version, "reason": "x"}
    assert client.post(reverse("tasks:milestone", args=[milestone.pk]), data).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"
    assert out.milestones.count() == 1


@pytest.mark.django_db
def test_the_department_may_not_review_its_own_report(cast, tasks, login):
    client = login(cast.department)
    report = tasks.report_in
    page = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert "审核意见（退回时必须写明原因）" not in page
    data = {"decision": "approve", "note": "", "version": report.version}
    assert client.post(reverse("tasks:report_detail", args=[report.pk]), data).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
def test_a_co_department_sees_the_task_but_may_not_act(cast, tasks, login):
    tasks.outside.co_departments.add(cast.fagai)
    client = login(cast.department)
    detail = client.get(reverse("tasks:detail", args=[tasks.outside.pk]))
    assert detail.status_code == 200
    assert "报送月度进展" not in detail.content.decode()
    assert client.get(reverse("tasks:report_new", args=[tasks.outside.pk])).status_code == 404
    assert client.get(reverse("tasks:milestone", args=[tasks.milestone_out.pk])).status_code == 404
    assert client.get(reverse("tasks:evidence", args=[tasks.milestone_out.pk])).status_code == 200


@pytest.mark.django_db
def test_the_evidence_is_served_only_through_the_scoped_view(cast, tasks, login):
    client = login(cast.leader)
    detail = client.get(reverse("tasks:detail", args=[tasks.inside.pk])).content.decode()
    evidence_url = reverse("tasks:evidence", args=[tasks.milestone_in.pk])
    assert evidence_url in detail
    assert "/media/" not in detail
    response = client.get(evidence_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get("/media/" + tasks.milestone_in.evidence.name).status_code == 404


@pytest.mark.parametrize(
    ("who", "shown"),
    [("supervisor", True), ("leader", True), ("department", True), ("district", False), ("owner", False)],
)
@pytest.mark.django_db
def test_the_menu_shows_tasks_to_the_roles_that_have_them(cast, login, who, shown):
    page = login(getattr(cast, who)).get(reverse("home")).content.decode()
    assert (f'href="{reverse("tasks:list")}"' in page) is shown
