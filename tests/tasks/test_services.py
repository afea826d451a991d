"""Task services: who may act, what is refused, the audit trail and optimistic locking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.core.models import AuditLog
from liangping.tasks import services
from liangping.tasks.models import Milestone, Task, TaskReport
from liangping.tasks.services import TaskConflict, TaskError
from tests.tasks.conftest import PDF, task_values

pytestmark = pytest.mark.django_db


def actions(obj) -> list[str]:
    return list(
        AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- tasks ----------------------------------------------------------------------------------------


def test_the_supervisor_creates_a_task_with_milestones_and_every_step_is_audited(cast):
    task = services.create_task(
        cast.supervisor,
        task_values(cast),
        co_departments=[cast.gongxin],
        milestones=[("签约落地", dt.date(2025, 3, 31))],
    )
    assert list(task.co_departments.all()) == [cast.gongxin]
    entry = AuditLog.objects.get(action="task.create")
    assert entry.actor == cast.supervisor
    assert entry.changes["co_departments"] == [None, ["市工业和信息化局"]]
    assert entry.changes["leader"] == [None, "领导甲"]
    [milestone] = task.milestones.all()
    assert actions(milestone) == ["milestone.create"]


@pytest.mark.parametrize("who", ["leader", "department", "district", "specialist", "owner", "sysadmin"])
def test_only_the_supervisor_creates_or_edits_tasks(cast, who):
    with pytest.raises(TaskError, match="只有督查人员"):
        services.create_task(getattr(cast, who), task_values(cast))
    task = services.create_task(cast.supervisor, task_values(cast))
    with pytest.raises(TaskError, match="只有督查人员"):
        services.update_task(getattr(cast, who), task, {"title": "改名"}, expected_version=task.version)
    assert not Task.objects.filter(title="改名").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": " "}, "code", "请填写事项编号"),
        ({"title": ""}, "title", "请填写攻坚事项名称"),
        ({"year": 1999}, "year", "年度"),
        ({"goal": "  "}, "goal", "请填写攻坚目标"),
        ({"target_value": Decimal(0)}, "target_value", "目标值必须大于 0"),
        ({"target_value": Decimal(-5)}, "target_value", "目标值必须大于 0"),
        ({"target_unit": ""}, "target_unit", "计量单位"),
    ],
)
def test_task_values_are_checked(cast, overrides, field, message):
    with pytest.raises(TaskError, match=message) as caught:
        services.create_task(cast.supervisor, task_values(cast, **overrides))
    assert caught.value.field == field
    assert not Task.objects.exists()


def test_the_leader_must_be_a_city_leader_and_departments_must_be_departments(cast):
    with pytest.raises(TaskError, match="领衔市领导") as caught:
        services.create_task(cast.supervisor, task_values(cast, leader=cast.department))
    assert caught.value.field == "leader"
    with pytest.raises(TaskError, match="牵头部门") as caught:
        services.create_task(cast.supervisor, task_values(cast, lead_department=cast.tengzhou))
    with pytest.raises(TaskError, match="不是市直部门"):
        services.create_task(cast.supervisor, task_values(cast), co_departments=[cast.shizhong])
    with pytest.raises(TaskError, match="不能同时作为配合部门"):
        services.create_task(cast.supervisor, task_values(cast), co_departments=[cast.fagai])


def test_a_code_is_unique(cast):
    services.create_task(cast.supervisor, task_values(cast))
    with pytest.raises(TaskError, match="已被其他攻坚事项使用"):
        services.create_task(cast.supervisor, task_values(cast, title="另一个"))


def test_update_records_old_and_new_values_and_bumps_the_version(cast):
    task = services.create_task(cast.supervisor, task_values(cast))
    services.update_task(
        cast.supervisor,
        task,
        {"target_value": Decimal(250), "leader": cast.leader2},
        co_departments=[cast.gongxin],
        expected_version=1,
        reason="市政府常务会议调整目标",
    )
    task.refresh_from_db()
    assert (task.version, task.target_value, task.leader) == (2, Decimal(250), cast.leader2)
    entry = AuditLog.objects.get(action="task.update")
    assert entry.changes == {
        "leader": ["领导甲", "领导乙"],
        "target_value": ["200", "250"],
        "co_departments": [[], ["市工业和信息化局"]],
    }
    assert entry.reason == "市政府常务会议调整目标"


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(cast):
    task = services.create_task(cast.supervisor, task_values(cast))
    stale = Task.objects.get(pk=task.pk)
    services.update_task(cast.supervisor, task, {"title": "第一次修改"}, expected_version=1)
    with pytest.raises(TaskConflict, match="您的修改未保存"):
        services.update_task(cast.supervisor, stale, {"title": "第二次修改"}, expected_version=1)
    task.refresh_from_db()
    assert task.title == "第一次修改"
    assert actions(task) == ["task.create", "task.update"]


# --- milestones -----------------------------------------------------------------------------------


def test_the_lead_department_records_a_milestone_with_evidence(cast, tasks):
    milestone = tasks.inside.milestones.get(title="全面完成")
    services.record_milestone(
        cast.department,
        milestone,
        actual_date=dt.date(2025, 6, 1),
        note="提前完成",
        upload=("完成报告.pdf", PDF),
        expected_version=milestone.version,
    )
    milestone.refresh_from_db()
    assert milestone.actual_date == dt.date(2025, 6, 1)
    assert (milestone.evidence_name, milestone.evidence_type) == ("完成报告.pdf", "application/pdf")
    assert milestone.evidence.name.endswith(f"milestone{milestone.pk}.pdf")
    with milestone.evidence.open("rb") as handle:
        assert handle.read() == PDF
    entry = AuditLog.objects.filter(action="milestone.record").order_by("id").last()
    assert entry.actor == cast.department
    assert entry.changes["actual_date"] == [None, "2025-06-01"]
    assert entry.changes["evidence_name"] == ["", "完成报告.pdf"]


@pytest.mark.parametrize("who", ["leader", "leader2", "district", "specialist", "owner"])
def test_others_may_not_record_a_milestone(cast, tasks, who):
    milestone = tasks.inside.milestones.get(title="全面完成")
    with pytest.raises(TaskError, match="只有牵头部门或督查人员"):
        services.record_milestone(
            getattr(cast, who), milestone, actual_date=dt.date(2025, 6, 1), expected_version=milestone.version
        )


def test_a_co_department_may_not_record_a_milestone_or_report(cast, tasks):
    # 市发展改革委 co-handles `outside` but does not lead it
    tasks.outside.co_departments.add(cast.fagai)
    milestone = tasks.outside.milestones.get()
    with pytest.raises(TaskError):
        services.record_milestone(
            cast.department, milestone, actual_date=dt.date(2025, 4, 1), expected_version=milestone.version
        )
    with pytest.raises(TaskError):
        services.submit_report(
            cast.department, tasks.outside, dt.date(2025, 6, 1), actual_value=None, progress="x"
        )


def test_milestone_dates_and_versions_are_checked(cast, tasks):
    milestone = tasks.inside.milestones.get(title="全面完成")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(TaskError, match="不能晚于今天") as caught:
        services.record_milestone(
            cast.department, milestone, actual_date=tomorrow, expected_version=milestone.version
        )
    assert caught.value.field == "actual_date"
    with pytest.raises(TaskConflict):
        services.record_milestone(
            cast.department,
            milestone,
            actual_date=dt.date(2025, 6, 1),
            expected_version=milestone.version - 1,
        )


def test_only_the_supervisor_adds_corrects_or_deletes_milestones(cast, tasks):
    with pytest.raises(TaskError, match="只有督查人员"):
        services.add_milestone(cast.department, tasks.inside, "中期评估", dt.date(2025, 9, 30))
    milestone = services.add_milestone(cast.supervisor, tasks.inside, "中期评估", dt.date(2025, 9, 30))
    with pytest.raises(TaskError, match="只有督查人员"):
        services.update_milestone(
            cast.department, milestone, {"planned_date": dt.date(2025, 10, 31)}, expected_version=1
        )
    services.update_milestone(
        cast.supervisor, milestone, {"planned_date": dt.date(2025, 10, 31)}, expected_version=1
    )
    milestone.refresh_from_db()
    assert (milestone.planned_date, milestone.version) == (dt.date(2025, 10, 31), 2)
    with pytest.raises(TaskError, match="必须写明原因"):
        services.delete_milestone(cast.supervisor, milestone, expected_version=2, reason=" ")
    services.delete_milestone(cast.supervisor, milestone, expected_version=2, reason="合并到全面完成节点")
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert actions(milestone) == ["milestone.create", "milestone.update", "milestone.delete"]


# --- reports --------------------------------------------------------------------------------------


def test_the_lead_department_submits_and_the_report_is_audited(cast, tasks):
    report = services.submit_report(
        cast.department, tasks.inside, dt.date(2025, 6, 15), actual_value=Decimal(95), progress="已签约95个"
    )
    assert (report.month, report.status, report.version) == (dt.date(2025, 6, 1), "submitted", 1)
    assert report.submitted_by == cast.department
    assert actions(report) == ["task_report.submit"]


@pytest.mark.parametrize("who", ["leader", "district", "specialist", "owner", "outsider", "auditor"])
def test_others_may_not_submit(cast, tasks, who):
    with pytest.raises(TaskError, match="只有牵头部门或督查人员"):
        services.submit_report(
            getattr(cast, who), tasks.inside, dt.date(2025, 6, 1), actual_value=Decimal(1), progress="x"
        )


@pytest.mark.parametrize(
    ("month", "value", "progress", "field", "message"),
    [
        (None, Decimal(1), "x", "month", "不能报送未来月份"),
        (dt.date(2024, 12, 1), Decimal(1), "x", "month", "只能报送2025年的月份"),
        (dt.date(2025, 6, 1), Decimal(-1), "x", "actual_value", "不能为负数"),
        (dt.date(2025, 6, 1), None, "x", "actual_value", "请填写累计完成值（个）"),
        (dt.date(2025, 6, 1), Decimal(1), "  ", "progress", "请填写进展情况"),
    ],
)
def test_report_values_are_checked(cast, tasks, month, value, progress, field, message):
    if month is None:  # next month
        month = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
        tasks.inside.year = month.year
    with pytest.raises(TaskError, match=message) as caught:
        services.submit_report(cast.department, tasks.inside, month, actual_value=value, progress=progress)
    assert caught.value.field == field


def test_a_task_without_target_needs_no_value(cast, tasks):
    report = services.submit_report(
        cast.supervisor, tasks.outside, dt.date(2025, 6, 1), actual_value=None, progress="推进中"
    )
    assert report.actual_value is None


def test_resubmission_needs_the_version_that_was_read(cast, tasks):
    report = tasks.report_in
    with pytest.raises(TaskConflict, match="2025年5月的进展已由发改员于"):
        services.submit_report(
            cast.department, tasks.inside, report.month, actual_value=Decimal(81), progress="更正"
        )
    again = services.submit_report(
        cast.department,
        tasks.inside,
        report.month,
        actual_value=Decimal(81),
        progress="更正",
        expected_version=report.version,
    )
    assert (again.pk, again.version, again.actual_value) == (report.pk, 2, Decimal(81))
    with pytest.raises(TaskConflict, match="发改员"):
        services.submit_report(
            cast.department,
            tasks.inside,
            report.month,
            actual_value=Decimal(82),
            progress="再次更正",
            expected_version=report.version,  # stale: 1
        )
    assert actions(report) == ["task_report.submit", "task_report.resubmit"]
    assert TaskReport.objects.get(pk=report.pk).actual_value == Decimal(81)


def test_return_needs_a_reason_and_approval_is_final_for_the_department(cast, tasks):
    report = tasks.report_in
    with pytest.raises(TaskError, match="退回必须写明原因") as caught:
        services.review_report(cast.supervisor, report, approve=False, note="  ", expected_version=1)
    assert caught.value.field == "note"
    with pytest.raises(TaskError, match="只有督查人员"):
        services.review_report(cast.department, report, approve=True, expected_version=1)
    services.review_report(cast.supervisor, report, approve=False, note="数据与台账不符", expected_version=1)
    report.refresh_from_db()
    assert (report.status, report.review_note, report.reviewed_by) == (
        "returned",
        "数据与台账不符",
        cast.supervisor,
    )
    entry = AuditLog.objects.get(action="task_report.return")
    assert (entry.reason, entry.changes) == ("数据与台账不符", {"status": ["submitted", "returned"]})
    with pytest.raises(TaskError, match="不能再次审核"):
        services.review_report(cast.supervisor, report, approve=True, expected_version=report.version)
    report = services.submit_report(
        cast.department,
        tasks.inside,
        report.month,
        actual_value=Decimal(78),
        progress="已核实",
        expected_version=report.version,
    )
    assert (report.status, report.review_note) == ("submitted", "")
    services.review_report(cast.supervisor, report, approve=True, expected_version=report.version)
    report.refresh_from_db()
    assert report.status == "approved"
    with pytest.raises(TaskError, match="已审核通过"):
        services.submit_report(
            cast.department,
            tasks.inside,
            report.month,
            actual_value=Decimal(1),
            progress="x",
            expected_version=report.version,
        )


def test_review_with_a_stale_version_is_a_conflict(cast, tasks):
    report = tasks.report_in
    with pytest.raises(TaskConflict):
        services.review_report(cast.supervisor, report, approve=True, expected_version=report.version + 1)
    report.refresh_from_db()
    assert report.status == "submitted"
