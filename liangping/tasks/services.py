"""Task actions (攻坚事项, DOMAIN §7): each takes explicit arguments, runs in one transaction and
writes the audit log. Who may act is checked here as well as in the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from liangping.core import images, reporting
from liangping.core import uploads as evidence
from liangping.core.audit import diff, record, snapshot
from liangping.core.models import Org, OrgKind, Role, User
from liangping.tasks.models import Milestone, Task, TaskReport, TaskReportStatus
from liangping.tasks.permissions import (
    TaskConflict,
    TaskError,
    can_manage,
    can_record_milestone,
    can_report,
    can_review,
)
from liangping.tasks.permissions import conflict as _conflict

__all__ = [
    "TaskConflict",
    "TaskError",
    "add_milestone",
    "can_manage",
    "can_record_milestone",
    "can_report",
    "can_review",
    "create_task",
    "delete_milestone",
    "record_milestone",
    "review_report",
    "submit_report",
    "update_milestone",
    "update_task",
]

TASK_FIELDS = [
    "code",
    "title",
    "year",
    "leader",
    "lead_department",
    "goal",
    "target_value",
    "target_unit",
]
MILESTONE_FIELDS = ["title", "planned_date", "actual_date", "note", "evidence_name"]
REPORT_FIELDS = ["actual_value", "progress", "status", "review_note"]


# --- tasks --------------------------------------------------------------------------------------


def _clean_task(values: dict[str, Any], co_departments: list[Org], pk: int | None) -> dict[str, Any]:
    values = dict(values)
    for name in ("code", "title", "goal", "target_unit"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if not values.get("code"):
        raise TaskError("请填写事项编号", field="code")
    if Task.objects.filter(code=values["code"]).exclude(pk=pk or 0).exists():
        raise TaskError(f"事项编号“{values['code']}”已被其他攻坚事项使用", field="code")
    if not values.get("title"):
        raise TaskError("请填写攻坚事项名称", field="title")
    year = values.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise TaskError("年度应为 2000–2100 之间的年份", field="year")
    leader = values.get("leader")
    if not isinstance(leader, User) or leader.role != Role.LEADER or not leader.is_active:
        raise TaskError("请选择领衔市领导（须为在职的市领导账号）", field="leader")
    lead = values.get("lead_department")
    if not isinstance(lead, Org) or lead.kind != OrgKind.DEPARTMENT:
        raise TaskError("请选择牵头部门（须为市直部门）", field="lead_department")
    for org in co_departments:
        if org.kind != OrgKind.DEPARTMENT:
            raise TaskError(f"配合部门“{org.name}”不是市直部门", field="co_departments")
        if org.pk == lead.pk:
            raise TaskError("牵头部门不能同时作为配合部门", field="co_departments")
    if not values.get("goal"):
        raise TaskError("请填写攻坚目标", field="goal")
    target = values.get("target_value")
    if target is not None and target <= 0:
        raise TaskError("目标值必须大于 0；没有量化目标时请留空", field="target_value")
    if target is not None and not values.get("target_unit"):
        raise TaskError("填写目标值时请同时填写计量单位", field="target_unit")
    return values


def _co_names(orgs: Iterable[Org]) -> list[str]:
    return sorted(o.name for o in orgs)


@transaction.atomic
def create_task(
    actor: User,
    values: dict[str, Any],
    co_departments: Iterable[Org] = (),
    milestones: Iterable[tuple[str, dt.date]] = (),
) -> Task:
    """A new task with its co-departments and, optionally, its first milestones (title, planned date)."""
    if not can_manage(actor):
        raise TaskError("只有督查人员可以新建攻坚事项")
    co = list(co_departments)
    task = Task(**_clean_task(values, co, None))
    task.save()
    task.co_departments.set(co)
    changes = diff({}, {**snapshot(task, TASK_FIELDS), "co_departments": _co_names(co)})
    record(actor, "task.create", task, changes=changes)
    for title, planned in milestones:
        add_milestone(actor, task, title, planned)
    return task


@transaction.atomic
def update_task(
    actor: User,
    task: Task,
    values: dict[str, Any],
    *,
    expected_version: int,
    co_departments: Iterable[Org] | None = None,
    reason: str = "",
) -> Task:
    """Apply `values` (and the co-departments when given); refuse if the task changed since
    `expected_version` was read."""
    if not can_manage(actor):
        raise TaskError("只有督查人员可以修改攻坚事项")
    if task.version != expected_version:
        raise _conflict()
    old_co = list(task.co_departments.all())
    co = old_co if co_departments is None else list(co_departments)
    before = {**snapshot(task, TASK_FIELDS), "co_departments": _co_names(old_co)}
    current = {name: getattr(task, name) for name in TASK_FIELDS}
    cleaned = _clean_task({**current, **values}, co, task.pk)
    for key, value in cleaned.items():
        setattr(task, key, value)
    after = {**snapshot(task, TASK_FIELDS), "co_departments": _co_names(co)}
    changes = diff(before, after)
    if not changes:
        return task
    updated = Task.objects.filter(pk=task.pk, version=expected_version).update(
        **{f: getattr(task, f) for f in TASK_FIELDS}, version=F("version") + 1
    )
    if updated != 1:
        raise _conflict()
    task.version = expected_version + 1
    if "co_departments" in changes:
        task.co_departments.set(co)
    record(actor, "task.update", task, changes=changes, reason=reason.strip())
    return task


# --- milestones ---------------------------------------------------------------------------------


def _milestone_repr(milestone: Milestone) -> str:
    return f"{milestone.task.code} {milestone.title}"[:255]


@transaction.atomic
def add_milestone(actor: User, task: Task, title: str, planned_date: dt.date, note: str = "") -> Milestone:
    if not can_manage(actor):
        raise TaskError("只有督查人员可以设置节点")
    title = title.strip()
    if not title:
        raise TaskError("请填写节点名称", field="title")
    if planned_date is None:
        raise TaskError("请填写计划完成日期", field="planned_date")
    milestone = Milestone.objects.create(task=task, title=title[:200], planned_date=planned_date, note=note)
    record(
        actor,
        "milestone.create",
        milestone,
        changes=diff({}, snapshot(milestone, MILESTONE_FIELDS)),
        object_repr=_milestone_repr(milestone),
    )
    return milestone


def _save_milestone(
    actor: User, milestone: Milestone, action: str, before: dict[str, Any], version: int
) -> None:
    changes = diff(before, snapshot(milestone, MILESTONE_FIELDS))
    fields = {f: getattr(milestone, f) for f in ("title", "planned_date", "actual_date", "note")}
    fields |= {"evidence": milestone.evidence.name, "evidence_type": milestone.evidence_type}
    updated = Milestone.objects.filter(pk=milestone.pk, version=version).update(
        **fields, evidence_name=milestone.evidence_name, version=F("version") + 1
    )
    if updated != 1:
        raise _conflict()
    milestone.version = version + 1
    record(actor, action, milestone, changes=changes, object_repr=_milestone_repr(milestone))


@transaction.atomic
def update_milestone(
    actor: User, milestone: Milestone, values: dict[str, Any], *, expected_version: int
) -> Milestone:
    """The supervisor corrects a milestone: title, planned date, actual date (may be cleared), note."""
    if not can_manage(actor):
        raise TaskError("只有督查人员可以修改节点")
    if milestone.version != expected_version:
        raise _conflict()
    before = snapshot(milestone, MILESTONE_FIELDS)
    for key in ("title", "planned_date", "actual_date", "note"):
        if key in values:
            setattr(milestone, key, values[key])
    milestone.title = (milestone.title or "").strip()
    if not milestone.title:
        raise TaskError("请填写节点名称", field="title")
    if milestone.planned_date is None:
        raise TaskError("请填写计划完成日期", field="planned_date")
    if milestone.actual_date and milestone.actual_date > timezone.localdate():
        raise TaskError("实际完成日期不能晚于今天", field="actual_date")
    if diff(before, snapshot(milestone, MILESTONE_FIELDS)):
        _save_milestone(actor, milestone, "milestone.update", before, expected_version)
    return milestone


@transaction.atomic
def record_milestone(
    actor: User,
    milestone: Milestone,
    *,
    actual_date: dt.date,
    expected_version: int,
    note: str | None = None,
    upload: tuple[str, bytes] | None = None,
    upload_size: int | None = None,
) -> Milestone:
    """The lead department (or the supervisor) records a milestone as done, with optional evidence.

    The evidence is checked by its content (PDF, JPEG, PNG, .docx, .xlsx) and its size
    (settings.LIANGPING_MAX_UPLOAD_MB) and stored under a generated name, never a public URL."""
    task = milestone.task
    if not can_record_milestone(actor, task):
        raise TaskError("只有牵头部门或督查人员可以登记节点完成情况")
    if milestone.version != expected_version:
        raise _conflict()
    if actual_date is None:
        raise TaskError("请填写实际完成日期", field="actual_date")
    if actual_date > timezone.localdate():
        raise TaskError("实际完成日期不能晚于今天", field="actual_date")
    kind = None
    content = b""
    if upload is not None:
        try:
            kind = evidence.check(upload[0], upload[1], upload_size)
        except evidence.UploadError as exc:
            raise TaskError(str(exc), field="evidence") from exc
        content = upload[1]
        if kind in (evidence.JPEG, evidence.PNG):  # a photographed document: no bombs, no EXIF/GPS
            try:
                images.inspect(upload[0], content)
            except images.ImageRefused as exc:
                raise TaskError(str(exc), field="evidence") from exc
            content = images.stored_bytes(content)
    replaced = milestone.evidence.name if upload is not None else ""
    before = snapshot(milestone, MILESTONE_FIELDS)
    milestone.actual_date = actual_date
    if note is not None:
        milestone.note = note.strip()[:255]
    if upload is not None and kind is not None:
        stored = f"milestone{milestone.pk}.{kind.extensions[0]}"
        milestone.evidence.save(stored, ContentFile(content), save=False)
        milestone.evidence_name = upload[0].strip()[:200] or stored
        milestone.evidence_type = kind.content_type
    if diff(before, snapshot(milestone, MILESTONE_FIELDS)) or upload is not None:
        _save_milestone(actor, milestone, "milestone.record", before, expected_version)
    if replaced and replaced != milestone.evidence.name:
        discard_file(milestone.evidence.storage, replaced)
    return milestone


def discard_file(storage: Storage, name: str) -> None:
    """Remove a file that no record points to any more, once the change that dropped it is committed
    (a rolled-back change keeps it). 等保2.0 剩余信息保护: replaced evidence does not linger on disk."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_milestone(actor: User, milestone: Milestone, *, expected_version: int, reason: str) -> None:
    if not can_manage(actor):
        raise TaskError("只有督查人员可以删除节点")
    if not reason.strip():
        raise TaskError("删除节点必须写明原因", field="reason")
    if Milestone.objects.filter(pk=milestone.pk, version=expected_version).delete()[0] != 1:
        raise _conflict()
    if milestone.evidence:
        discard_file(milestone.evidence.storage, milestone.evidence.name or "")
    record(
        actor,
        "milestone.delete",
        object_type=Milestone._meta.label_lower,
        object_id=str(milestone.pk),
        object_repr=_milestone_repr(milestone),
        changes=diff(snapshot(milestone, MILESTONE_FIELDS), {}),
        reason=reason.strip(),
    )


# --- monthly reports ----------------------------------------------------------------------------


def _report_conflict(report: TaskReport) -> TaskConflict:
    latest = TaskReport.objects.select_related("submitted_by", "reviewed_by").get(pk=report.pk)
    who = latest.reviewed_by if latest.reviewed_at and latest.reviewed_by else latest.submitted_by
    return _conflict(who.name if who else "他人", latest.reviewed_at or latest.submitted_at)


def _check_report(task: Task, month: dt.date, actual_value: Decimal | None, progress: str) -> None:
    if month > timezone.localdate().replace(day=1):
        raise TaskError("不能报送未来月份的进展", field="month")
    if month.year != task.year:
        raise TaskError(f"该事项为{task.year}年度攻坚事项，只能报送{task.year}年的月份", field="month")
    if actual_value is not None and actual_value < 0:
        raise TaskError("累计完成值不能为负数", field="actual_value")
    if actual_value is None and task.target_value is not None:
        unit = f"（{task.target_unit}）" if task.target_unit else ""
        raise TaskError(f"该事项有量化目标，请填写累计完成值{unit}", field="actual_value")
    if not progress.strip():
        raise TaskError("请填写进展情况", field="progress")


@transaction.atomic
def submit_report(
    actor: User,
    task: Task,
    month: dt.date,
    *,
    actual_value: Decimal | None,
    progress: str,
    expected_version: int | None = None,
) -> TaskReport:
    """Submit the month's report, or resubmit it: a resubmission needs the version that was read."""
    if not can_report(actor, task):
        raise TaskError("只有牵头部门或督查人员可以报送该事项的进展")
    month = month.replace(day=1)
    _check_report(task, month, actual_value, progress)
    values: dict[str, Any] = {
        "actual_value": actual_value,
        "progress": progress.strip(),
        "status": TaskReportStatus.SUBMITTED,
        "review_note": "",
    }
    existing = TaskReport.objects.select_related("submitted_by").filter(task=task, month=month).first()
    if existing is None:
        return reporting.submit_first(
            TaskReport,
            actor,
            {"task": task, "month": month},
            values,
            fields=REPORT_FIELDS,
            action="task_report",
            conflict=_report_conflict,
        )
    if existing.status == TaskReportStatus.APPROVED and not can_manage(actor):
        raise TaskError("该月进展已审核通过，如需更正请联系督查人员")
    if expected_version is None:
        who = existing.submitted_by.name if existing.submitted_by else "他人"
        when = timezone.localtime(existing.submitted_at).strftime("%Y-%m-%d %H:%M")
        raise TaskConflict(
            f"{month.year}年{month.month}月的进展已由{who}于{when}报送，如需修改请打开已报送的内容后重新报送"
        )
    return reporting.resubmit(
        existing, actor, values, expected_version, fields=REPORT_FIELDS, action="task_report",
        conflict=_report_conflict,
    )  # fmt: skip


@transaction.atomic
def review_report(
    actor: User, report: TaskReport, *, approve: bool, note: str = "", expected_version: int
) -> TaskReport:
    """The supervisor approves a submitted report or returns it with a reason."""
    if not can_review(actor):
        raise TaskError("只有督查人员可以审核攻坚事项进展")
    if not approve and not note.strip():
        raise TaskError("退回必须写明原因", field="note")
    if report.status != TaskReportStatus.SUBMITTED:
        raise TaskError(f"该报送当前为“{report.get_status_display()}”，不能再次审核")
    return reporting.review(
        report, actor, approve=approve, note=note, expected_version=expected_version,
        action="task_report", conflict=_report_conflict,
    )  # fmt: skip
