"""Ledger changes are attributable, keep their history and never overwrite silently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangping.cases.models import Case
from liangping.core.models import AuditLog
from liangping.projects import services
from liangping.projects.models import MonthlyReport, Project, ReportStatus, Stage


@pytest.mark.django_db
def test_update_records_diff_and_stage_event(cast):
    project = cast.inside
    services.update_project(
        cast.supervisor,
        project,
        {"stage": Stage.OPERATING, "total_investment": Decimal("2100000")},
        expected_version=project.version,
        reason="6月竣工验收",
        stage_date=dt.date(2025, 6, 20),
    )
    entry = AuditLog.objects.get(action="project.update")
    assert entry.changes == {
        "total_investment": ["2000000", "2100000"],
        "stage": ["construction", "operating"],
    }
    assert entry.reason == "6月竣工验收" and entry.actor == cast.supervisor
    event = project.stage_events.get()
    assert (event.from_stage, event.to_stage, event.date) == (
        "construction",
        "operating",
        dt.date(2025, 6, 20),
    )


@pytest.mark.django_db
def test_second_editor_gets_a_conflict(cast):
    first = Project.objects.get(pk=cast.inside.pk)
    second = Project.objects.get(pk=cast.inside.pk)
    services.update_project(cast.supervisor, first, {"name": "甲改的名称"}, expected_version=first.version)
    with pytest.raises(services.ConflictError, match="未保存"):
        services.update_project(
            cast.supervisor, second, {"name": "乙改的名称"}, expected_version=second.version
        )
    assert Project.objects.get(pk=cast.inside.pk).name == "甲改的名称"


@pytest.mark.django_db
def test_stage_change_needs_a_reason_and_only_supervisors_edit(cast):
    project = cast.inside
    with pytest.raises(services.LedgerError, match="原因"):
        services.update_project(
            cast.supervisor, project, {"stage": Stage.COUNTED}, expected_version=project.version
        )
    with pytest.raises(services.LedgerError, match="督查"):
        services.update_project(cast.leader, project, {"name": "x"}, expected_version=project.version)


@pytest.mark.django_db
def test_report_submit_review_and_resubmit(cast):
    month = dt.date(2025, 5, 1)
    report = services.submit_report(
        cast.owner,
        cast.inside,
        month,
        month_investment=Decimal("1000"),
        ytd_investment=Decimal("5000"),
        progress="主体封顶",
        problems="",
    )
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(services.LedgerError, match="原因"):
        services.review_report(
            cast.supervisor, report, approve=False, note="", expected_version=report.version
        )
    services.review_report(
        cast.supervisor, report, approve=False, note="累计数与上月不衔接", expected_version=report.version
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.review_note == "累计数与上月不衔接"
    services.submit_report(
        cast.owner,
        cast.inside,
        month,
        month_investment=Decimal("1000"),
        ytd_investment=Decimal("6000"),
        expected_version=report.version,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.ytd_investment == Decimal("6000")
    assert AuditLog.objects.filter(object_type="projects.monthlyreport").count() == 3


@pytest.mark.django_db
def test_concurrent_report_edit_is_refused(cast):
    month = dt.date(2025, 5, 1)
    report = services.submit_report(
        cast.specialist, cast.inside, month, month_investment=Decimal("1"), ytd_investment=Decimal("1")
    )
    version = report.version
    services.submit_report(
        cast.owner,
        cast.inside,
        month,
        month_investment=Decimal("2"),
        ytd_investment=Decimal("2"),
        expected_version=version,
    )
    with pytest.raises(services.ConflictError, match="企业甲"):
        services.submit_report(
            cast.specialist,
            cast.inside,
            month,
            month_investment=Decimal("3"),
            ytd_investment=Decimal("3"),
            expected_version=version,
        )
    assert MonthlyReport.objects.get().month_investment == Decimal("2")


@pytest.mark.django_db
def test_report_rules(cast):
    month = dt.date(2025, 5, 1)
    with pytest.raises(services.LedgerError, match="负数"):
        services.submit_report(
            cast.owner, cast.inside, month, month_investment=Decimal("-1"), ytd_investment=Decimal("1")
        )
    with pytest.raises(services.LedgerError, match="不能小于"):
        services.submit_report(
            cast.owner, cast.inside, month, month_investment=Decimal("5"), ytd_investment=Decimal("1")
        )
    with pytest.raises(services.LedgerError, match="不能为该项目"):
        services.submit_report(
            cast.outsider, cast.inside, month, month_investment=Decimal("1"), ytd_investment=Decimal("1")
        )
    with pytest.raises(services.LedgerError, match="未来"):
        services.submit_report(
            cast.owner,
            cast.inside,
            dt.date(2999, 1, 1),
            month_investment=Decimal("1"),
            ytd_investment=Decimal("1"),
        )


@pytest.mark.django_db
def test_problems_in_a_report_become_one_case(cast):
    month = dt.date(2025, 5, 1)
    report = services.submit_report(
        cast.owner,
        cast.inside,
        month,
        month_investment=Decimal("1"),
        ytd_investment=Decimal("1"),
        problems="电力增容未批复\n需协调供电公司",
    )
    case = Case.objects.get()
    assert (
        case.title == "电力增容未批复"
        and case.subject == cast.inside
        and case.source_ref == f"report:{report.pk}"
    )
    assert services.raise_problem_from(cast.owner, report) == case


@pytest.mark.django_db
def test_report_due_date_is_configurable(cast):
    from liangping.core.config import set_setting

    assert services.report_due_date(dt.date(2025, 12, 1)) == dt.date(2026, 1, 5)
    set_setting(cast.sysadmin, "report_due_day", 10, reason="市政府办通知")
    assert services.report_due_date(dt.date(2025, 6, 1)) == dt.date(2025, 7, 10)
    assert AuditLog.objects.filter(action="setting.update").get().changes == {"report_due_day": [5, 10]}
