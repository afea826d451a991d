"""The case engine: register a case of any kind and act on it, driven entirely by the kind's spec.

Every write runs in one transaction, checks who may act (the kind's parties), writes one step and
one audit entry per action, and announces the event after commit (core.hooks). Two people acting on
one case at once: the version column lets one win, the other gets CaseConflict.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from liangping.cases.clock import (
    add_duration,
    case_tenant,
    deadline_preview,
    default_limit,
    end_of_day,
    resume,
    start_clock,
    time_limit,
)
from liangping.cases.fields import FieldProblem, clean_data, clean_value, display_value, normalise_phone
from liangping.cases.models import Case, CaseAttachment, CaseCategory, CaseKind, CaseStep
from liangping.cases.scope import is_party, may_register
from liangping.core import images, uploads
from liangping.core.audit import record
from liangping.core.hooks import emit
from liangping.core.models import Org, User
from liangping.core.workdays import WorkCalendar
from liangping.kinds.spec import KindSpec, State, Transition

MAX_ATTACHMENTS = 5
Upload = tuple[str, bytes, int | None]  # file name, content (at most the limit plus one byte), declared size
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
RECEIPT_LENGTH = 12
REGISTERED = "case.registered"
__all__ = [
    "deadline_preview",
    "default_limit",
    "time_limit",
]  # re-exported: the deadline helpers live in clock


class CaseError(ValueError):
    """A refused action, with a message for people; nothing was changed."""


class CaseConflict(CaseError):
    """Someone else acted on the case since it was read."""


class CaseFieldError(CaseError):
    """A value that breaks the kind's schema; `field` names the form field or JSON key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def stale_message(spec: KindSpec) -> str:
    return f"该{spec.noun}已被他人处理，请刷新页面后再操作"


# --- kinds ---------------------------------------------------------------------------------------


def kind_row(code: str) -> CaseKind:
    kind = CaseKind.objects.select_related("current").filter(code=code, active=True).first()
    if kind is None or kind.current is None:
        raise CaseError(f"未知的事项类型：{code}")
    return kind


# --- who may do what -------------------------------------------------------------------------------


class _Lazy:
    """Per-call memo of what several checks need (co-units, the step log, the calendar)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._co: list[Org] | None = None
        self._calendars: dict[Any, WorkCalendar] = {}

    @property
    def co_orgs(self) -> list[Org]:
        if self._co is None:
            self._co = list(self.case.co_orgs.all())
        return self._co

    @property
    def calendar(self) -> WorkCalendar:
        """The calendar of the case's city as it stands (an assignment may have just set its unit)."""
        tenant = case_tenant(self.case)
        if tenant not in self._calendars:
            self._calendars[tenant] = WorkCalendar.load(tenant)
        return self._calendars[tenant]


def _by(user: Any, t: Transition, case: Case, spec: KindSpec, memo: _Lazy) -> bool:
    for party in t.by:
        co = memo.co_orgs if party == "co_unit" else None
        if is_party(user, party, case, spec, co):
            return True
    return False


def _awaits(case: Case, t: Transition) -> bool:
    """once_after: no step of this action since the latest step of the action it answers (one query)."""
    last = case.steps.filter(action__in=[t.once_after, t.action]).order_by("-at", "-id").first()
    return last is not None and last.action == t.once_after


def _within_until(case: Case, t: Transition, memo: _Lazy) -> dt.datetime | None:
    """The end of the window a `within` transition must be taken in, counted from entering the state."""
    if t.within is None:
        return None
    entered = (
        case.steps.filter(to_status=case.status).order_by("-at", "-id").values_list("at", flat=True).first()
    )
    start = entered or case.registered_at
    return add_duration(start, timezone.localdate(start), t.within, memo.calendar)


def children(case: Case) -> list[Case]:
    """The cases a fan_out of this case created (their subject is this case), oldest first."""
    if case.pk is None:
        return []
    return list(Case.objects.for_subject(case).select_related("lead_org").order_by("id"))


def _when(case: Case, t: Transition) -> bool:
    """A transition's condition on the case's child cases ("children_closed": some, every one closed)."""
    if t.when == "children_closed":
        kids = children(case)
        return bool(kids) and all(not (k.spec.state(k.status) or _OPEN).open for k in kids)
    return True


_OPEN = State("", "", True)


def _may(user: Any, case: Case, spec: KindSpec, t: Transition, memo: _Lazy, status: str) -> bool:
    """The state and the party allow it (composites: every part in turn)."""
    if t.combines:
        for part in t.combines:
            pt = spec.transition(part)
            if pt is None or status not in pt.sources or not _by(user, pt, case, spec, memo):
                return False
            status = pt.to
        return True
    return status in t.sources and _by(user, t, case, spec, memo)


def allowed_actions(user: Any, case: Case, at: dt.datetime | None = None) -> list[str]:
    """The actions this user may take on this case now (or at `at`), in the kind's order (drives the
    buttons and the API)."""
    spec = case.spec
    at = at or timezone.now()
    memo = _Lazy(case)
    out = []
    for t in spec.transitions:
        if not _may(user, case, spec, t, memo, case.status):
            continue
        if t.once_after and not _awaits(case, t):
            continue
        until = _within_until(case, t, memo) if t.within else None
        if until is not None and at > until:
            continue
        if t.when and not _when(case, t):
            continue
        out.append(t.action)
    return out


def may_ever(user: Any, case: Case, action: str) -> bool:
    """Whether the user is a party that could take this action on this case in some state."""
    spec = case.spec
    t = spec.transition(action)
    if t is None:
        return False
    memo = _Lazy(case)
    parts = [spec.transition(p) for p in t.combines] if t.combines else [t]
    return all(p is not None and _by(user, p, case, spec, memo) for p in parts)


# --- writing ----------------------------------------------------------------------------------------


def check_uploads(files: Iterable[Upload]) -> list[tuple[str, bytes, uploads.Kind]]:
    """Each file with its real kind, or CaseError naming the file and what is wrong with it."""
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise CaseFieldError("attachments", f"每次最多上传 {MAX_ATTACHMENTS} 个附件")
    checked = []
    for name, data, size in files:
        try:
            kind = uploads.check(name, data, size)
            if kind in (uploads.JPEG, uploads.PNG):  # a photographed document: no bombs, no EXIF/GPS
                images.inspect(name, data)
                data = images.stored_bytes(data)
        except (uploads.UploadError, images.ImageRefused) as exc:
            raise CaseFieldError("attachments", str(exc)) from exc
        checked.append((name.strip()[:200] or f"附件.{kind.extensions[0]}", data, kind))
    return checked


def _attach(step: CaseStep, checked: list[tuple[str, bytes, uploads.Kind]]) -> None:
    for name, data, kind in checked:
        attachment = CaseAttachment(
            case=step.case, step=step, name=name, content_type=kind.content_type, size=len(data)
        )
        attachment.file.save(f"case{step.case_id}.{kind.extensions[0]}", ContentFile(data), save=False)
        attachment.save()


def _step(
    case: Case,
    actor: User | None,
    action: str,
    from_status: str,
    note: str,
    at: dt.datetime,
    *,
    changes: dict[str, Any] | None = None,
    **extra: Any,
) -> CaseStep:
    step = CaseStep.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        at=at,
        note=note,
        **extra,
    )
    record(
        actor, f"case.{action}", case, changes=changes or {"status": [from_status, case.status]}, reason=note
    )
    return step


def _save(case: Case, fields: list[str], spec: KindSpec) -> None:
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        **{f: getattr(case, f) for f in dict.fromkeys(fields)}, version=F("version") + 1
    )
    if updated != 1:
        raise CaseConflict(stale_message(spec))
    case.version += 1


def _receipt_no() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


@transaction.atomic
def register(
    kind: str,
    *,
    actor: User | None,
    title: str,
    description: str = "",
    category: str | None = None,
    urgency: str = "",
    channel: str = "",
    data: dict[str, Any] | None = None,
    place_org: Org | None = None,
    contact_phone: str = "",
    subject: models.Model | None = None,
    requester: User | None = None,
    attachments: Iterable[Upload] = (),
    at: dt.datetime | None = None,
    source: str = "",
    source_ref: str = "",
    lead_org: Org | None = None,
    fanned_from: Case | None = None,
) -> Case:
    """Register a case of a kind. Bad values raise CaseFieldError naming the field; nothing is saved.

    `lead_org` registers it already led by a unit. `fanned_from` is the parent case whose fan_out
    transition creates this one (the subject; the parent's transition authorised the actor)."""
    row = kind_row(kind)
    assert row.current is not None
    spec = row.current.load()
    if fanned_from is not None:
        subject = fanned_from
    elif actor is not None and not may_register(actor, spec):
        raise CaseError(f"您不能登记{spec.name}")
    title = title.strip()
    if not title:
        raise CaseFieldError("title", f"请填写{spec.noun}内容")
    cat = None
    if spec.categories or category:
        if not category:
            raise CaseFieldError("category", "请选择分类")
        cat = CaseCategory.objects.filter(kind=row, code=category, active=True).first()
        if cat is None:
            raise CaseFieldError("category", f"分类“{category}”不存在或已停用")
    if spec.urgencies or urgency:
        if urgency not in dict(spec.urgencies):
            raise CaseFieldError(
                "urgency", f"请选择{spec.urgency_name}（{'、'.join(label for _, label in spec.urgencies)}）"
            )
    if channel and spec.channels and channel not in dict(spec.channels):
        raise CaseFieldError("channel", f"渠道“{channel}”不存在")
    try:
        cleaned = clean_data(spec, data or {})
    except FieldProblem as exc:
        raise CaseFieldError(exc.field, str(exc)) from exc
    checked = check_uploads(attachments)
    at = at or timezone.now()
    phone = normalise_phone(contact_phone) if contact_phone.strip() else ""
    if not phone:
        phone = next((cleaned[f.code] for f in spec.fields if f.type == "phone" and f.code in cleaned), "")
    case = Case(
        kind=kind,
        kind_version=row.current,
        title=title[:200],
        description=description,
        source=source or channel or "manual",
        source_ref=source_ref,
        status=spec.initial,
        category=cat,
        urgency=urgency,
        channel=channel,
        data=cleaned,
        contact_phone=phone[:30],
        place_org=place_org,
        requester=requester,
        registered_by=actor,
        registered_at=at,
        receipt_no=_receipt_no(),
        lead_org=lead_org,
        assigned_at=at if lead_org is not None else None,
    )
    if subject is not None:
        case.subject = subject
    memo = _Lazy(case)
    if "start_clock" in spec.register_effects:
        start_clock(case, spec, at, None, memo.calendar)
    if "respond" in spec.register_effects:
        case.responded_at = at
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:  # a receipt number drawn twice (1 in 32^12): draw again
            case.pk, case.receipt_no = None, _receipt_no()
    else:  # pragma: no cover
        raise CaseError("生成受理编号失败，请重试")
    step = _step(case, actor, "register", "", description, at, lead_org=lead_org)
    _attach(step, checked)
    emit(REGISTERED, case=case, actor=actor)
    return case


def _clean_judgement(t: Transition, rating: str, note: str) -> str:
    judgement = t.judgement
    if not judgement:
        return ""
    scale = dict(t.choices)
    if rating not in scale:
        message = (
            "请选择满意或不满意" if judgement == "verdict" else f"请选择满意度（{'、'.join(scale.values())}）"
        )
        raise CaseFieldError(judgement, message)
    if rating in t.reason_if and not note:
        raise CaseFieldError("note", t.reason_error or f"{scale[rating]}时请写明原因")
    return rating


@transaction.atomic
def act(
    case: Case,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    expected_version: int | None = None,
    lead_org: Org | None = None,
    co_orgs: Sequence[Org] = (),
    rating: str = "",
    days: int | None = None,
    attachments: Iterable[Upload] = (),
    at: dt.datetime | None = None,
    today: dt.date | None = None,
    children: Sequence[dict[str, Any]] = (),
    data: dict[str, Any] | None = None,
    date: dt.date | None = None,
) -> Case:
    """Take one of the kind's transitions. Refused (CaseError, nothing changed) when the state or the
    actor does not allow it or a required value is missing; CaseConflict when expected_version is stale.

    `today` is the day the clock starts from when the action starts it (default: the day of `at`).
    `children` (for a fan_out): one dict per child case, {"lead_org": Org, "title": …, "data": {…}};
    without it, one child per unit in co_orgs.
    `data`: the values of the kind fields the transition asks for (its `fields`); `date`: the day a
    `dated` step happened (default today)."""
    spec = case.spec
    t = spec.transition(action)
    if t is None:
        raise CaseError(f"未知操作：{action}")
    if expected_version is not None and expected_version != case.version:
        raise CaseConflict(stale_message(spec))
    memo = _Lazy(case)
    status_label = spec.state_label(case.status)
    if not _may(actor, case, spec, t, memo, case.status) or (t.once_after and not _awaits(case, t)):
        raise CaseError(f"当前状态（{status_label}）下您不能{t.verb_text}此{spec.noun}")
    at = at or timezone.now()
    until = _within_until(case, t, memo)
    if until is not None and at > until:
        assert t.within is not None
        raise CaseError(
            f"{t.label}须在{status_label}后 {t.within.text()}内提出，已超过时限；如有疑问请联系派单人员"
        )
    if t.when and not _when(case, t):
        raise CaseError(f"子事项尚未全部办结，暂不能{t.verb_text}")
    parts = [spec.transition(p) for p in t.combines] if t.combines else [t]
    needs = {n for p in parts if p is not None for n in (*p.needs, *p.optional)}
    checked = []
    if t.attachments != "none":
        checked = check_uploads(attachments)
        if t.attachments == "required" and not checked:
            raise CaseFieldError("attachments", f"{t.label}须上传附件")
    elif list(attachments):
        raise CaseFieldError("attachments", f"{t.label}不需要上传附件")
    note = note.strip()
    if t.reason and not note:
        raise CaseFieldError("note", t.reason_error or f"{t.label}必须写明原因")
    judgement = _clean_judgement(t, rating, note)
    if "lead_org" in t.needs and lead_org is None:
        raise CaseFieldError("lead_org", "请选择牵头单位")
    if t.lead_org == "parent" and lead_org is not None:
        parent = case.lead_org.parent if case.lead_org is not None else None
        if parent is None or lead_org.pk != parent.pk:
            where = f"上一级单位（{parent.name}）" if parent is not None else "上一级单位，当前单位已无上级"
            raise CaseFieldError("lead_org", f"{t.label}只能交给{where}")
    fan = [p for p in parts if p is not None and "fan_out" in p.effects]
    kids = list(children) or [{"lead_org": o} for o in co_orgs]
    if fan and not kids:
        raise CaseFieldError("co_orgs", "请选择至少一个办理单位")
    if "days" in t.needs and (days is None or days <= 0):
        raise CaseFieldError("days", "请填写天数（正整数，按工作日计）")
    co = [o for o in co_orgs if lead_org is None or o.pk != lead_org.pk] if "co_orgs" in needs else []
    values = _step_values(case, spec, t, data or {})
    if t.dated:
        at = _dated(case, t, date, at)
    last = len(parts) - 1
    for i, part in enumerate(parts):
        assert part is not None
        part_note = note or (t.default_note if i == last else "")
        _apply(case, spec, part, actor, part_note, at, today, memo, lead_org, co, judgement, days, values)
        if "fan_out" in part.effects:
            case.co_orgs.set([kid["lead_org"] for kid in kids])  # the units it went to see it
            for kid in kids:
                register(
                    part.child_kind,
                    actor=actor,
                    title=str(kid.get("title") or case.title),
                    description=str(kid.get("description", "")),
                    data=kid.get("data") or {},
                    place_org=case.place_org,
                    requester=case.requester,
                    at=at,
                    source="fan_out",
                    lead_org=kid["lead_org"],
                    fanned_from=case,
                )
    if checked:
        step = case.steps.order_by("-id").first()
        assert step is not None
        _attach(step, checked)
    return case


def _step_values(case: Case, spec: KindSpec, t: Transition, data: dict[str, Any]) -> dict[str, Any]:
    """The kind fields a transition asks for, checked (each one required at this step)."""
    extra = sorted(set(data) - set(t.fields))
    if extra:
        raise CaseFieldError(extra[0], f"{t.label}时不能填写“{extra[0]}”")
    out: dict[str, Any] = {}
    for code in t.fields:
        f = spec.field(code)
        assert f is not None  # checked when the kind was loaded
        try:
            value = clean_value(f, data.get(code))
        except FieldProblem as exc:
            raise CaseFieldError(exc.field, str(exc)) from exc
        if value is None:
            raise CaseFieldError(code, f"{t.label}须填写{f.label}")
        out[code] = value
    return out


def _dated(case: Case, t: Transition, date: dt.date | None, at: dt.datetime) -> dt.datetime:
    """When a dated step happened: its day (today by default), never before the case's latest step
    and never in the future; the time of day is now's when it is today, else noon."""
    today = timezone.localdate(at)
    day = date or today
    label = t.date_label
    if day > today:
        raise CaseFieldError("date", f"{label}不能晚于今天（{today.isoformat()}）")
    registered = timezone.localdate(case.registered_at)
    if day < registered:
        raise CaseFieldError("date", f"{label}不能早于登记日期（{registered.isoformat()}）")
    latest = case.steps.order_by("-at", "-id").values_list("at", flat=True).first()
    if latest is not None and day < timezone.localdate(latest):
        raise CaseFieldError(
            "date", f"{label}不能早于上一步办理的日期（{timezone.localdate(latest).isoformat()}）"
        )
    if day == today:
        return at
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    return max(moment, latest) if latest is not None else moment


def _apply(
    case: Case,
    spec: KindSpec,
    t: Transition,
    actor: User | None,
    note: str,
    at: dt.datetime,
    today: dt.date | None,
    memo: _Lazy,
    lead_org: Org | None,
    co: list[Org],
    judgement: str,
    days: int | None,
    values: dict[str, Any] | None = None,
) -> None:
    before = case.status
    target, effects = t.to, t.effects
    if t.reopen is not None and judgement in t.reopen.ratings and case.reopen_count < t.reopen.max:
        target, effects = t.reopen.to, ("reopen",)
    fields: list[str] = ["status"]
    changes: dict[str, Any] = {}
    if values:
        for code, value in values.items():
            f = spec.field(code)
            assert f is not None
            old = case.data.get(code)
            if old != value:
                changes[code] = [display_value(f, old) or None, display_value(f, value)]
        case.data = {**case.data, **values}
        fields.append("data")
    step_extra: dict[str, Any] = {}
    set_co = False
    old_state, new_state = spec.state(before), spec.state(target)
    if (
        old_state is not None
        and old_state.clock == "pause"
        and (new_state is None or new_state.clock != "pause")
    ):
        fields += resume(case, at, memo.calendar)
    for effect in effects:
        if effect in ("assign", "transfer"):
            assert lead_org is not None
            if effect == "transfer" or case.lead_org_id != lead_org.pk:
                changes["lead_org"] = [case.lead_org.name if case.lead_org else None, lead_org.name]
            if effect == "transfer":
                case.responded_at = None
                fields.append("responded_at")
            case.lead_org = lead_org
            case.assigned_at = at
            fields += ["lead_org", "assigned_at"]
            step_extra["lead_org"] = lead_org
            set_co = True
        elif effect == "unassign":
            changes["lead_org"] = [case.lead_org.name if case.lead_org else None, None]
            case.lead_org, case.responded_at = None, None
            fields += ["lead_org", "responded_at"]
            set_co = True
        elif effect == "start_clock":
            fields += start_clock(case, spec, at, today, memo.calendar)
        elif effect == "respond":
            if case.responded_at is None:
                case.responded_at = at
                fields.append("responded_at")
        elif effect == "reply":
            case.reply, case.replied_at, case.finished_at = note, at, at
            fields += ["reply", "replied_at", "finished_at"]
        elif effect == "close":
            case.closed_at = at
            case.finished_at = case.finished_at or at
            fields += ["closed_at", "finished_at"]
        elif effect == "count_return":
            case.return_count += 1
            fields.append("return_count")
        elif effect == "request_extension":
            case.extension_days = days
            fields.append("extension_days")
            step_extra["days"] = days
            changes["extension_days"] = [None, days]
        elif effect == "approve_extension":
            extra = case.extension_days or 0
            if extra and case.due_at is not None:
                case.due_at = end_of_day(memo.calendar.add_workdays(timezone.localdate(case.due_at), extra))
                case.deadline = timezone.localdate(case.due_at)
                changes["deadline"] = [None, case.deadline.isoformat()]
            case.extended_days += extra
            case.extension_days = None
            step_extra["days"] = extra
            fields += ["due_at", "deadline", "extended_days", "extension_days"]
        elif effect == "reject_extension":
            case.extension_days = None
            fields.append("extension_days")
        elif effect == "reopen":
            case.reopen_count += 1
            case.finished_at, case.closed_at = None, None
            fields += ["reopen_count", "finished_at", "closed_at"]
            fields += start_clock(case, spec, at, today, memo.calendar, respond=False)
    if (
        new_state is not None
        and new_state.clock == "pause"
        and (old_state is None or old_state.clock != "pause")
    ):
        case.paused_at = at
        fields.append("paused_at")
    case.status = target
    _save(case, fields, spec)
    if set_co:
        case.co_orgs.set(co if case.lead_org is not None else [])
    if not note and "assign" in effects and case.lead_org is not None:
        note = f"牵头单位：{case.lead_org.name}"
        if case.deadline is not None:
            note += f"，{spec.deadline_label}：{case.deadline}"
    if judgement:
        step_extra["verdict" if t.judgement == "verdict" else "rating"] = judgement
        if before == target and not changes:
            changes = {t.judgement: [None, spec.rating_label(judgement)]}
        else:
            changes[t.judgement] = [None, spec.rating_label(judgement)]
    if before != target or not changes:
        changes = {"status": [before, target], **changes}
    _step(case, actor, t.action, before, note, at, changes=changes, **step_extra)
    emit(t.event or f"case.{t.action}", case=case, actor=actor, note=note)
