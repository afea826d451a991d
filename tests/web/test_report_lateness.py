"""A report sent on time, returned after the due day and sent again is not late: lateness is judged by
the first submission. The report page shows every submission, return (with its reason) and approval;
the list, the daily digest and the grading agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from liangping.core.workdays import WorkCalendar
from liangping.grading.compute import grade_projects
from liangping.grading.services import active_ruleset
from liangping.notices.digest import digest_data
from liangping.projects import services
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.cast import Cast
from tests.web.test_reports_pages import SEPTEMBER, rows_of

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=timezone.get_current_timezone())


def returned_and_resubmitted(cast: Cast) -> MonthlyReport:
    """Sent on 4 October (due 5 October), returned on 6 October, sent again on 8 October by someone else."""
    with time_machine.travel(at(10, 4), tick=False):
        report = services.submit_report(
            cast.specialist, cast.inside, SEPTEMBER,
            month_investment=Decimal("1500"), ytd_investment=Decimal("12000"),
        )  # fmt: skip
    with time_machine.travel(at(10, 6), tick=False):
        services.review_report(
            cast.supervisor, report, approve=False, note="累计完成投资与上月不衔接", expected_version=1
        )
    with time_machine.travel(at(10, 8), tick=False):
        report = services.submit_report(
            cast.supervisor, cast.inside, SEPTEMBER,
            month_investment=Decimal("1600"), ytd_investment=Decimal("12100"), expected_version=2,
        )  # fmt: skip
    with time_machine.travel(at(10, 9), tick=False):
        services.review_report(cast.supervisor, report, approve=True, note="已核实", expected_version=3)
    report.refresh_from_db()
    return report


def test_resubmission_after_a_return_is_not_late(client: Client, cast: Cast) -> None:
    report = returned_and_resubmitted(cast)
    assert report.first_submitted_at == at(10, 4) and report.first_submitted_by == cast.specialist
    assert report.submitted_at == at(10, 8) and report.submitted_by == cast.supervisor
    client.force_login(cast.supervisor)
    html = client.get("/projects/reports/", {"month": "2026-09"}).content.decode()
    row = rows_of(html)[cast.inside.code]
    assert "逾期报送" not in row
    assert cast.specialist.name in row and "2026-10-04 10:00" in row  # the first submitter first
    assert f"重新报送：{cast.supervisor.name}" in row
    assert not client.get("/projects/reports/", {"month": "2026-09", "status": "late"}).context["rows"]


def test_report_page_shows_the_whole_history(client: Client, cast: Cast) -> None:
    report = returned_and_resubmitted(cast)
    client.force_login(cast.specialist)
    html = client.get(f"/projects/reports/{report.pk}/").content.decode()
    title = html.split("<h1>")[1].split("</h1>")[0]
    assert "逾期报送" not in title
    history = html.split('id="report-history"')[1].split("</section>")[0]
    labels = [chunk.split("</span>")[0].split('">')[1] for chunk in history.split('<span class="badge ')[1:]]
    assert [x for x in labels if x != "晚于报送期限"] == ["首次报送", "退回", "重新报送", "审核通过"]
    assert "退回原因：累计完成投资与上月不衔接" in history and "审核意见：已核实" in history
    assert "2026-10-04 10:00" in history and "2026-10-06 10:00" in history and "2026-10-08 10:00" in history
    assert "晚于报送期限" in history  # the resubmission itself is after the due day, and says so
    first = html.split('id="first-submission"')[1].split("</dd>")[0]
    assert cast.specialist.name in first and "按时报送" in first


def test_digest_and_grading_agree(cast: Cast) -> None:
    returned_and_resubmitted(cast)
    digest = digest_data(cast.supervisor, dt.date(2026, 10, 12), WorkCalendar.load())
    assert digest.closed_month == SEPTEMBER and digest.late == 0
    graded = {g.project_id: g for g in grade_projects(2026, 9, active_ruleset().rules)}
    assert graded[cast.inside.pk].result.reason != "未按时报送"


def test_a_late_first_submission_stays_late_after_a_return(client: Client, cast: Cast) -> None:
    with time_machine.travel(at(10, 7), tick=False):
        report = services.submit_report(
            cast.specialist, cast.inside, SEPTEMBER,
            month_investment=Decimal("1500"), ytd_investment=Decimal("12000"),
        )  # fmt: skip
        services.review_report(cast.supervisor, report, approve=False, note="请补充", expected_version=1)
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    digest = digest_data(cast.supervisor, dt.date(2026, 10, 12), WorkCalendar.load())
    assert digest.late == 1
    client.force_login(cast.supervisor)
    row = rows_of(client.get("/projects/reports/", {"month": "2026-09"}).content.decode())[cast.inside.code]
    assert "逾期报送" in row
