"""Case transitions. Each runs in one transaction, checks who may act, writes a step and an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from liangping.cases.models import Case, CaseAttachment, CaseKind, CaseStatus, CaseStep, Verdict
from liangping.core import images, uploads
from liangping.core.audit import record
from liangping.core.config import get_setting
from liangping.core.hooks import emit
from liangping.core.models import Org, Role, User
from liangping.core.workdays import WorkCalendar

# Events announced after the change commits (core.hooks): notices tells the people concerned.
ASSIGNED = "case.assigned"  # case, actor
RETURNED = "case.returned"  # case, actor, note
MAX_ATTACHMENTS = 5
Upload = tuple[str, bytes, int | None]  # file name, content (at most the limit plus one byte), declared size

ACTION_LABELS = {
    "register": "登记",
    "assign": "交办",
    "handle": "办理",
    "reply": "答复",
    "verify": "核实",
    "close": "销号",
    "return": "退回",
    "feedback": "项目单位评价",
    "verify_close": "核实并销号",
    "escalate": "超期升级",  # written by the reminder jobs when a reply is overdue
}

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": ((CaseStatus.REGISTERED,), CaseStatus.ASSIGNED),
    "handle": ((CaseStatus.ASSIGNED,), CaseStatus.HANDLING),
    "reply": ((CaseStatus.ASSIGNED, CaseStatus.HANDLING), CaseStatus.REPLIED),
    "verify": ((CaseStatus.REPLIED,), CaseStatus.VERIFIED),
    "close": ((CaseStatus.VERIFIED,), CaseStatus.CLOSED),
    "return": ((CaseStatus.REPLIED, CaseStatus.VERIFIED), CaseStatus.HANDLING),
}


class CaseError(ValueError):
    """A refused transition, with a message for people."""


def is_handler(user: User, case: Case) -> bool:
    if user.role == Role.SUPERVISOR:
        return True
    if user.org is None or user.role not in (Role.DEPARTMENT, Role.DISTRICT):
        return False
    return case.lead_org is not None and case.lead_org.is_within(user.org)


def awaits_feedback(case: Case) -> bool:
    """Whether the latest reply has no feedback from the project unit yet (one query)."""
    last = case.steps.filter(action__in=["reply", "feedback"]).order_by("-at", "-id").first()
    return last is not None and last.action == "reply"


def allowed_actions(user: User, case: Case) -> list[str]:
    """The actions this user may take on this case now (drives the buttons and the API).

    The supervisor, who may both verify and close, also gets 核实并销号 (both at once) on a reply;
    the project unit gets 评价 on a reply it has not judged yet."""
    out = []
    for action, (sources, _target) in TRANSITIONS.items():
        if case.status not in sources:
            continue
        if action in ("handle", "reply"):
            if is_handler(user, case):
                out.append(action)
        elif user.role == Role.SUPERVISOR:
            out.append(action)
    if "verify" in out and user.role == Role.SUPERVISOR:
        out.append("verify_close")
    if case.status == CaseStatus.REPLIED and user.role == Role.OWNER and awaits_feedback(case):
        out.append("feedback")
    return out


def _step(
    case: Case, actor: User, action: str, from_status: str, note: str, *, verdict: str = ""
) -> CaseStep:
    step = CaseStep.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        note=note,
        verdict=verdict,
    )
    changes: dict[str, list[str | None]] = {"status": [from_status, case.status]}
    if verdict:
        changes = {"verdict": [None, Verdict(verdict).label]}
    record(actor, f"case.{action}", case, changes=changes, reason=note)
    return step


def check_uploads(files: Iterable[Upload]) -> list[tuple[str, bytes, uploads.Kind]]:
    """Each file with its real kind, or CaseError naming the file and what is wrong with it."""
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise CaseError(f"每次最多上传 {MAX_ATTACHMENTS} 个附件")
    checked = []
    for name, data, size in files:
        try:
            kind = uploads.check(name, data, size)
            if kind in (uploads.JPEG, uploads.PNG):  # a photographed document: no bombs, no EXIF/GPS
                images.inspect(name, data)
                data = images.stored_bytes(data)
        except (uploads.UploadError, images.ImageRefused) as exc:
            raise CaseError(str(exc)) from exc
        checked.append((name.strip()[:200] or f"附件.{kind.extensions[0]}", data, kind))
    return checked


def _attach(step: CaseStep, checked: list[tuple[str, bytes, uploads.Kind]]) -> None:
    for name, data, kind in checked:
        attachment = CaseAttachment(
            case=step.case, step=step, name=name, content_type=kind.content_type, size=len(data)
        )
        attachment.file.save(f"case{step.case_id}.{kind.extensions[0]}", ContentFile(data), save=False)
        attachment.save()


@transaction.atomic
def register(
    actor: User,
    title: str,
    *,
    description: str = "",
    subject: models.Model | None = None,
    kind: str = CaseKind.PROJECT_PROBLEM,
    source: str = "manual",
    source_ref: str = "",
) -> Case:
    title = title.strip()
    if not title:
        raise CaseError("请填写问题内容")
    case = Case(
        kind=kind,
        title=title[:200],
        description=description,
        source=source,
        source_ref=source_ref,
        registered_by=actor,
    )
    if subject is not None:
        case.subject = subject
    case.save()
    _step(case, actor, "register", "", description)
    return case


def _check(actor: User, case: Case, action: str, expected_version: int | None) -> str:
    if expected_version is not None and expected_version != case.version:
        raise CaseError("该问题已被他人处理，请刷新页面后再操作")
    if action not in allowed_actions(actor, case):
        label = "评价" if action == "feedback" else ACTION_LABELS[action]
        raise CaseError(f"当前状态（{case.get_status_display()}）下您不能{label}此问题")
    return case.status


def _save(case: Case, fields: list[str]) -> None:
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        **{f: getattr(case, f) for f in fields}, version=F("version") + 1
    )
    if updated != 1:
        raise CaseError("该问题已被他人处理，请刷新页面后再操作")
    case.version += 1


@transaction.atomic
def assign(
    actor: User,
    case: Case,
    lead_org: Org,
    co_orgs: Iterable[Org] = (),
    *,
    note: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    before = _check(actor, case, "assign", expected_version)
    calendar = WorkCalendar.load()
    start = today or timezone.localdate()
    case.lead_org = lead_org
    case.assigned_at = timezone.now()
    case.deadline = calendar.add_workdays(start, int(get_setting("case_reply_workdays")))
    case.deadline_note = calendar.warning()
    case.status = CaseStatus.ASSIGNED
    _save(case, ["lead_org", "assigned_at", "deadline", "deadline_note", "status"])
    case.co_orgs.set([o for o in co_orgs if o.pk != lead_org.pk])
    _step(case, actor, "assign", before, note or f"牵头单位：{lead_org.name}，答复期限：{case.deadline}")
    emit(ASSIGNED, case=case, actor=actor)
    return case


@transaction.atomic
def advance(
    actor: User,
    case: Case,
    action: str,
    note: str = "",
    *,
    expected_version: int | None = None,
    files: Iterable[Upload] = (),
) -> Case:
    """handle, reply (with its attachments), verify, close or return."""
    if action not in TRANSITIONS or action == "assign":
        raise CaseError(f"未知操作：{action}")
    before = _check(actor, case, action, expected_version)
    checked = check_uploads(files) if action == "reply" else []
    note = note.strip()
    if action in ("reply", "return") and not note:
        raise CaseError("请填写答复内容" if action == "reply" else "退回必须写明原因")
    case.status = TRANSITIONS[action][1]
    fields = ["status"]
    if action == "reply":
        case.reply, case.replied_at = note, timezone.now()
        fields += ["reply", "replied_at"]
    elif action == "close":
        case.closed_at = timezone.now()
        fields.append("closed_at")
    elif action == "return":
        case.return_count += 1
        fields.append("return_count")
    _save(case, fields)
    step = _step(case, actor, action, before, note)
    _attach(step, checked)
    if action == "return":
        emit(RETURNED, case=case, actor=actor, note=note)
    return case


@transaction.atomic
def verify_and_close(actor: User, case: Case, note: str = "", *, expected_version: int | None = None) -> Case:
    """核实并销号: whoever may verify and close does both at once; the history keeps both steps."""
    before = _check(actor, case, "verify_close", expected_version)
    note = note.strip()
    case.status = CaseStatus.VERIFIED
    _save(case, ["status"])
    _step(case, actor, "verify", before, note)
    case.status, case.closed_at = CaseStatus.CLOSED, timezone.now()
    _save(case, ["status", "closed_at"])
    _step(case, actor, "close", CaseStatus.VERIFIED, note or "核实无误，销号")
    return case


@transaction.atomic
def give_feedback(
    actor: User, case: Case, verdict: str, note: str = "", *, expected_version: int | None = None
) -> Case:
    """The project unit says whether the reply satisfies it (满意/不满意, with a note when not).

    The case stays 已答复; the supervisor reads the verdict before verifying or returning it."""
    _check(actor, case, "feedback", expected_version)
    if verdict not in Verdict.values:
        raise CaseError("请选择满意或不满意")
    note = note.strip()
    if verdict == Verdict.UNSATISFIED and not note:
        raise CaseError("不满意时请写明原因")
    _save(case, [])
    _step(case, actor, "feedback", case.status, note, verdict=verdict)
    return case


def countdown(case: Case, calendar: WorkCalendar, today: dt.date) -> tuple[str, str]:
    """(text, tone) of the reply deadline while a reply is awaited: 剩余 N 个工作日 / 今天到期 /
    已逾期 N 个工作日; ("", "") otherwise."""
    if case.deadline is None or case.status not in (CaseStatus.ASSIGNED, CaseStatus.HANDLING):
        return "", ""
    left = calendar.workdays_between(today, case.deadline)
    if case.deadline < today:
        late = calendar.workdays_between(case.deadline, today)
        return (f"已逾期 {late} 个工作日" if late else "已过答复期限"), "red"
    if left == 0:
        return "今天到期", "yellow"
    return f"剩余 {left} 个工作日", "yellow" if left <= 2 else "blue"
