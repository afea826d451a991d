"""Ledger actions: each takes explicit arguments, runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import Case
from liangping.core import images, reporting
from liangping.core.audit import diff, record, snapshot
from liangping.core.models import Role, User
from liangping.core.scope import read_only
from liangping.projects.models import (
    MonthlyReport,
    Project,
    ReportStatus,
    Stage,
    StageEvent,
    Visit,
    VisitPhoto,
)

PROJECT_FIELDS = [
    "code",
    "name",
    "level",
    "district",
    "industry",
    "unit",
    "total_investment",
    "annual_plan",
    "stage",
    "planned_start",
    "planned_end",
    "leader",
    "department",
    "specialist",
    "contact_name",
    "contact_phone",
]
REPORT_FIELDS = [
    "month_investment",
    "ytd_investment",
    "progress",
    "problems",
    "status",
    "review_note",
    "correction_reason",
]


class LedgerError(ValueError):
    """A refused ledger change, with a message for people (and the field it concerns, if any)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class ConflictError(LedgerError):
    """Someone else saved the record since it was opened."""


CONFLICT = "该记录已被{who}于{when}修改，您的修改未保存。请刷新查看最新内容后重新填写。"


def _conflict(obj: Any) -> ConflictError:
    latest = type(obj).objects.filter(pk=obj.pk).first()
    when = timezone.localtime(getattr(latest, "updated_at", None) or timezone.now()).strftime(
        "%Y-%m-%d %H:%M"
    )
    return ConflictError(CONFLICT.format(who="他人", when=when))


def can_edit_project(user: User) -> bool:
    return user.role == Role.SUPERVISOR and not read_only(user)


def can_submit_report(user: User, project: Project) -> bool:
    if read_only(user):  # the province's office reads
        return False
    if user.role == Role.SUPERVISOR:
        return True
    if user.role == Role.SPECIALIST:
        return project.specialist_id == user.pk
    if user.role == Role.OWNER:
        return project.unit is not None and user.org is not None and project.unit.is_within(user.org)
    return False


@transaction.atomic
def create_project(actor: User, values: dict[str, Any], reason: str = "") -> Project:
    project = Project(**values)
    project.save()
    StageEvent.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        date=timezone.localdate(),
        author=actor,
        note="建档",
    )
    record(
        actor, "project.create", project, changes=diff({}, snapshot(project, PROJECT_FIELDS)), reason=reason
    )
    return project


def plan_warning(total: Decimal | None, plan: Decimal | None) -> str:
    """年度计划投资 above 总投资 is unusual (most often a unit slip), not impossible: the form, the
    API and the import all save it and say so in these words; an empty string when it is not."""
    if total is None or plan is None or plan <= total:
        return ""
    return f"年度计划投资（{plan:,.2f} 万元）大于总投资（{total:,.2f} 万元），请核对金额和单位"


@transaction.atomic
def update_project(
    actor: User,
    project: Project,
    values: dict[str, Any],
    *,
    expected_version: int,
    reason: str = "",
    stage_date: dt.date | None = None,
) -> Project:
    """Apply `values`; refuse if the record changed since `expected_version` was read."""
    if not can_edit_project(actor):
        raise LedgerError("只有督查人员可以修改项目台账")
    before = snapshot(project, PROJECT_FIELDS)
    old_stage = project.stage
    for key, value in values.items():
        setattr(project, key, value)
    after = snapshot(project, PROJECT_FIELDS)
    changes = diff(before, after)
    if not changes:
        return project
    if old_stage != project.stage and not reason.strip():
        raise LedgerError("变更建设阶段必须填写原因", field="reason")
    updated = Project.objects.filter(pk=project.pk, version=expected_version).update(
        **{f: getattr(project, f) for f in PROJECT_FIELDS},
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise _conflict(project)
    project.version = expected_version + 1
    if old_stage != project.stage:
        StageEvent.objects.create(
            project=project,
            from_stage=old_stage,
            to_stage=project.stage,
            date=stage_date or timezone.localdate(),
            author=actor,
            note=reason,
        )
    record(actor, "project.update", project, changes=changes, reason=reason)
    return project


def report_due_date(month: dt.date) -> dt.date:
    """Reports for a month are due by day N of the following month (setting report_due_day)."""
    return reporting.due_date(month)


def _check_amounts(month_investment: Decimal, ytd_investment: Decimal) -> None:
    if month_investment < 0:
        raise LedgerError("本月完成投资不能为负数", field="month_investment")
    if ytd_investment < 0:
        raise LedgerError("累计完成投资不能为负数", field="ytd_investment")
    if ytd_investment < month_investment:
        raise LedgerError("累计完成投资不能小于本月完成投资", field="ytd_investment")


def previous_month(month: dt.date) -> dt.date | None:
    """The month before `month` in the same year (累计 starts again in January), or None."""
    return month.replace(month=month.month - 1, day=1) if month.month > 1 else None


def previous_ytd(project: Project, month: dt.date) -> Decimal | None:
    """Last month's cumulative figure of the year, if last month was reported."""
    before = previous_month(month)
    if before is None:
        return None
    reports = MonthlyReport.objects.filter(project=project, month=before)
    return reports.values_list("ytd_investment", flat=True).first()


def below_previous(ytd: Decimal, previous: Decimal | None) -> str:
    """The refusal of a cumulative figure below last month's (empty when it is not below)."""
    if previous is None or ytd >= previous:
        return ""
    return (
        f"累计完成投资（{ytd:,.2f} 万元）低于上月累计（{previous:,.2f} 万元）。"
        "累计数只增不减，请核对；如确需更正上月数据，请填写更正说明"
    )


@transaction.atomic
def submit_report(
    actor: User,
    project: Project,
    month: dt.date,
    *,
    month_investment: Decimal,
    ytd_investment: Decimal,
    progress: str = "",
    problems: str = "",
    expected_version: int | None = None,
    raise_problem: bool = True,
    correction_reason: str = "",
) -> MonthlyReport:
    """Submit or resubmit the report of `month`. A resubmission needs the version that was read.
    A cumulative figure below last month's is refused unless `correction_reason` says why (it is
    stored on the report and is the reason of the audit entry)."""
    if not can_submit_report(actor, project):
        raise LedgerError("您不能为该项目报送月度调度")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise LedgerError("不能报送未来月份的调度", field="month")
    _check_amounts(month_investment, ytd_investment)
    correction_reason = correction_reason.strip()
    if (refusal := below_previous(ytd_investment, previous_ytd(project, month))) and not correction_reason:
        raise LedgerError(refusal, field="ytd_investment")
    if not refusal:
        correction_reason = ""
    existing = MonthlyReport.objects.filter(project=project, month=month).first()
    values = {
        "month_investment": month_investment,
        "ytd_investment": ytd_investment,
        "progress": progress.strip(),
        "problems": problems.strip(),
        "status": ReportStatus.SUBMITTED,
        "review_note": "",
        "correction_reason": correction_reason,
    }
    reason = f"更正说明：{correction_reason}" if correction_reason else ""
    if existing is None:
        report = reporting.submit_first(
            MonthlyReport,
            actor,
            {"project": project, "month": month},
            values,
            fields=REPORT_FIELDS,
            action="report",
            conflict=_conflict_report,
            reason=reason,
        )
    else:
        if existing.status == ReportStatus.APPROVED and actor.role != Role.SUPERVISOR:
            raise LedgerError("该月调度已审核通过，如需更正请联系督查人员退回")
        if expected_version is None:
            raise _conflict_report(existing)
        report = reporting.resubmit(
            existing, actor, values, expected_version, fields=REPORT_FIELDS, action="report",
            conflict=_conflict_report, reason=reason,
        )  # fmt: skip
    if raise_problem and report.problems:
        raise_problem_from(actor, report)
    return report


def _conflict_report(report: MonthlyReport) -> ConflictError:
    latest = MonthlyReport.objects.select_related("submitted_by").get(pk=report.pk)
    who = latest.submitted_by.name if latest.submitted_by else "他人"
    when = timezone.localtime(latest.reviewed_at or latest.submitted_at).strftime("%Y-%m-%d %H:%M")
    return ConflictError(CONFLICT.format(who=who, when=when))


@transaction.atomic
def review_report(
    actor: User, report: MonthlyReport, *, approve: bool, note: str = "", expected_version: int
) -> MonthlyReport:
    if actor.role != Role.SUPERVISOR:
        raise LedgerError("只有督查人员可以审核月度调度")
    if not approve and not note.strip():
        raise LedgerError("退回必须写明原因", field="review_note")
    if report.status != ReportStatus.SUBMITTED:
        raise LedgerError(f"该调度当前为“{report.get_status_display()}”，不能再次审核")
    return reporting.review(
        report, actor, approve=approve, note=note, expected_version=expected_version, action="report",
        conflict=_conflict_report,
    )  # fmt: skip


def raise_problem_from(actor: User, source: MonthlyReport | Visit, title: str = "") -> Case:
    """Register the problems written in a report or a visit as a case on the project."""
    kind = "report" if isinstance(source, MonthlyReport) else "visit"
    text = source.problems if isinstance(source, MonthlyReport) else source.findings
    ref = f"{kind}:{source.pk}"
    existing = Case.objects.filter(source_ref=ref).first()
    if existing is not None:
        return existing
    return cases.register(
        actor,
        title or text.splitlines()[0][:200],
        description=text,
        subject=source.project,
        source=kind,
        source_ref=ref,
    )


ALLOWED_PHOTO_TYPES = images.FORMATS
Photo = tuple[str, bytes | IO[bytes]]  # (name as uploaded, the bytes or an uploaded file)


def _photo_size(source: bytes | IO[bytes]) -> int:
    if isinstance(source, bytes):
        return len(source)
    size = getattr(source, "size", None)
    if size is None:
        size = source.seek(0, 2)
        source.seek(0)
    return int(size)


def check_photo(name: str, source: bytes | IO[bytes], max_mb: int) -> str:
    """The photo's real content type, or a LedgerError saying what is wrong with it.

    The size is checked before anything is read, the pixel count from the header before decoding
    (core.images)."""
    if _photo_size(source) > max_mb * 1024 * 1024:
        raise LedgerError(f"照片“{name}”超过 {max_mb} MB，请压缩后再上传", field="photos")
    try:
        return images.inspect(name, source)
    except images.ImageRefused as exc:
        raise LedgerError(str(exc), field="photos") from exc


@transaction.atomic
def record_visit(
    actor: User,
    project: Project,
    date: dt.date,
    findings: str,
    photos: Sequence[Photo] = (),
    *,
    max_photo_mb: int = 10,
    raise_problem: bool = False,
) -> Visit:
    from django.core.files.base import ContentFile

    if actor.role not in (Role.SPECIALIST, Role.SUPERVISOR):
        raise LedgerError("只有项目专员可以登记走访")
    if actor.role == Role.SPECIALIST and project.specialist_id != actor.pk:
        raise LedgerError("您不是该项目的项目专员")
    if date > timezone.localdate():
        raise LedgerError("走访日期不能晚于今天", field="date")
    if not findings.strip():
        raise LedgerError("请填写走访情况", field="findings")
    checked = [(name, source, check_photo(name, source, max_photo_mb)) for name, source in photos]
    visit = Visit.objects.create(project=project, specialist=actor, date=date, findings=findings.strip())
    for name, source, ctype in checked:
        data = images.stored_bytes(source)  # one photo at a time in memory, without EXIF
        photo = VisitPhoto(visit=visit, content_type=ctype, size=len(data), original_name=name[:200])
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[ctype]
        photo.image.save(f"visit{visit.pk}.{ext}", ContentFile(data), save=False)
        photo.save()
    record(actor, "visit.create", visit, changes={"date": [None, str(date)], "photos": [0, len(checked)]})
    if raise_problem:
        raise_problem_from(actor, visit)
    return visit


STAGE_LABELS = dict(Stage.choices)
