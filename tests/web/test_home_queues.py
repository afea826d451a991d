"""The start page per role: 待审核 with batch approval (audited per report), 被退回 with the reason,
my open problems with their deadlines, my red and yellow items — totals, 查看全部, scoped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import Case
from liangping.core.models import AuditLog
from liangping.grading import services as grading
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from tests.cast import Cast


def report(
    project: Project, month: int, status: str = ReportStatus.SUBMITTED, note: str = ""
) -> MonthlyReport:
    return MonthlyReport.objects.create(
        project=project, month=dt.date(2025, month, 1), month_investment=Decimal(1),
        ytd_investment=Decimal(120000 if project.code.endswith("1") else 15000), status=status,
        review_note=note, submitted_at=timezone.now(),
    )  # fmt: skip


def queue(html: str, key: str) -> str:
    """The HTML of one queue of the start page ("" when the page has no such queue)."""
    marker = f'id="queue-{key}"'
    return html.split(marker, 1)[1].split("</section>", 1)[0] if marker in html else ""


@pytest.mark.django_db
def test_supervisor_approves_several_reports_at_once_each_audited(client: Client, cast: Cast) -> None:
    first, second = report(cast.inside, 5), report(cast.outside, 5)
    client.force_login(cast.supervisor)
    pending = queue(client.get("/").content.decode(), "submitted")
    assert "共 2 项" in pending and "查看全部" in pending and "status=submitted&amp;month=2025-05" in pending
    assert f'value="{first.pk}:{first.version}"' in pending and "批量审核通过所选调度" in pending
    response = client.post(
        "/projects/reports/approve/",
        {"report": [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}"]},
    )
    assert response.status_code == 302
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    audited = AuditLog.objects.filter(action="report.approve").values_list("object_id", flat=True)
    assert sorted(audited) == sorted([str(first.pk), str(second.pk)])
    assert "没有待审核的调度" in queue(client.get("/").content.decode(), "submitted")


@pytest.mark.django_db
def test_a_stale_report_in_a_batch_is_skipped_and_named(client: Client, cast: Cast) -> None:
    fresh, stale = report(cast.inside, 5), report(cast.outside, 5)
    client.force_login(cast.supervisor)
    response = client.post(
        "/projects/reports/approve/",
        {"report": [f"{fresh.pk}:{fresh.version}", f"{stale.pk}:{stale.version + 1}"]},
        follow=True,
    )
    html = response.content.decode()
    assert "已审核通过 1 份调度" in html and "未审核：示例智慧物流项目（2025年5月）" in html
    stale.refresh_from_db()
    assert stale.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_batch_approval_never_reaches_outside_a_supervisor(client: Client, cast: Cast) -> None:
    mine = report(cast.inside, 5)
    client.force_login(cast.owner)
    assert (
        client.post("/projects/reports/approve/", {"report": f"{mine.pk}:{mine.version}"}).status_code == 404
    )
    mine.refresh_from_db()
    assert mine.status == ReportStatus.SUBMITTED


@pytest.mark.django_db
def test_project_unit_sees_its_returned_reports_with_the_reason_and_nothing_else(
    client: Client, cast: Cast
) -> None:
    report(cast.inside, 4, ReportStatus.RETURNED, "累计投资与上月不衔接")
    report(cast.outside, 4, ReportStatus.RETURNED, "外部项目")
    client.force_login(cast.owner)
    html = client.get("/").content.decode()
    returned = queue(html, "returned")
    assert "共 1 项" in returned and "退回原因：累计投资与上月不衔接" in returned
    assert "外部项目" not in html and queue(html, "submitted") == ""


@pytest.mark.django_db
def test_department_sees_the_problems_it_leads_with_their_deadlines(client: Client, cast: Cast) -> None:
    case = cases.register(cast.supervisor, "用地手续待办", subject=cast.inside)
    cases.assign(cast.supervisor, case, lead_org=cast.fagai)
    case.refresh_from_db()
    client.force_login(cast.department)
    problems = queue(client.get("/").content.decode(), "problems")
    assert "本单位牵头的未销号问题" in problems and "用地手续待办" in problems
    assert f"期限 {case.deadline:%Y-%m-%d}" in problems and "共 1 项" in problems
    client.force_login(cast.outsider)
    assert "用地手续待办" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_leader_sees_own_red_and_yellow_items_of_the_locked_period(client: Client, cast: Cast) -> None:
    Project.objects.update(plan_year=2025)
    report(cast.inside, 6, ReportStatus.APPROVED)  # 40 % at 50 % time progress: yellow
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)
    client.force_login(cast.leader)
    grades = queue(client.get("/").content.decode(), "leader")
    assert "我包保的项目" in grades and "示例动力电池项目" in grades
    assert "黄牌（2025年6月） · 滞后时序进度10个百分点" in grades
    assert f"leader={cast.leader.pk}&amp;grade=red,yellow" in grades
    client.force_login(cast.leader2)  # the outside project has no report: also yellow, but not the leader's
    other = queue(client.get("/").content.decode(), "leader")
    assert "示例动力电池项目" not in other and "示例智慧物流项目" in other


@pytest.mark.django_db
def test_leader_queue_puts_overdue_problems_first(client: Client, cast: Cast) -> None:
    Project.objects.update(plan_year=2025)
    report(cast.inside, 6, ReportStatus.APPROVED)
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)
    later = cases.register(cast.supervisor, "施工用水待接入", subject=cast.inside)
    cases.assign(cast.supervisor, later, cast.fagai)
    late = cases.register(cast.supervisor, "环评批复超期", subject=cast.inside)
    cases.assign(cast.supervisor, late, cast.fagai)
    Case.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=10))
    cases.register(cast.supervisor, "不相干项目的问题", subject=cast.outside)
    client.force_login(cast.leader)
    page = client.get("/").content.decode()
    assert 'id="queue-problems"' not in page and 'id="queue-grades"' not in page
    mine = queue(page, "leader")
    order = [mine.index(t) for t in ("环评批复超期", "示例动力电池项目", "施工用水待接入")]
    assert order == sorted(order), mine
    assert "已逾期" in mine and "共 3 项" in mine and "不相干项目的问题" not in mine


@pytest.mark.django_db
def test_start_page_costs_a_constant_number_of_queries(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for month in range(1, 13):
        report(cast.inside, month)
        report(cast.outside, month, ReportStatus.RETURNED, "重报")
    client.force_login(cast.supervisor)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200
