"""Case transitions. Each runs in one transaction, checks who may act, writes a step and an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from liangping.cases.models import Case, CaseKind, CaseStatus, CaseStep
from liangping.core.audit import record
from liangping.core.config import get_setting
from liangping.core.models import Org, Role, User
from liangping.core.workdays import WorkCalendar

ACTION_LABELS = {
    "register": "登记",
    "assign": "交办",
    "handle": "办理",
    "reply": "答复",
    "verify": "核实",
    "close": "销号",
    "return": "退回",
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


def allowed_actions(user: User, case: Case) -> list[str]:
    """The actions this user may take on this case now (drives the buttons and the API)."""
    out = []
    for action, (sources, _target) in TRANSITIONS.items():
        if case.status not in sources:
            continue
        if action in ("handle", "reply"):
            if is_handler(user, case):
                out.append(action)
        elif user.role == Role.SUPERVISOR:
            out.append(action)
    return out


def _step(case: Case, actor: User, action: str, from_status: str, note: str) -> None:
    CaseStep.objects.create(
        case=case, action=action, from_status=from_status, to_status=case.status, actor=actor, note=note
    )
    record(actor, f"case.{action}", case, changes={"status": [from_status, case.status]}, reason=note)


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
        label = ACTION_LABELS[action]
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
    return case


@transaction.atomic
def advance(
    actor: User, case: Case, action: str, note: str = "", *, expected_version: int | None = None
) -> Case:
    """handle, reply, verify, close or return."""
    if action not in TRANSITIONS or action == "assign":
        raise CaseError(f"未知操作：{action}")
    before = _check(actor, case, action, expected_version)
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
    _step(case, actor, action, before, note)
    return case
