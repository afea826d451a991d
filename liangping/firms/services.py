"""Business actions of the studio and the incentives: opening a request on the case engine, applying a
measure to a firm, and writing imported rows. Each runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.chains import creditcode
from liangping.core.audit import bulk_record, entry_tenant, record
from liangping.core.models import AuditLog, Org, OrgKind, Role, User
from liangping.core.scope import AnyUser, city_scope, role_of
from liangping.firms.models import Application, Firm, Measure, Studio, num

KIND = "firm_service"
UNIT_ROLES = (Role.DEPARTMENT, Role.DISTRICT)


class FirmError(ValueError):
    """A refused action; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# -- who may do what -------------------------------------------------------------------------------


def is_staff_of(user: AnyUser, studio: Studio | None) -> bool:
    """A unit account whose org is the studio's or contains it (the engine's lead-unit rule)."""
    if studio is None or role_of(user) not in UNIT_ROLES:
        return False
    own = getattr(user, "org", None)
    return own is not None and studio.org.is_within(own)


def serves(user: AnyUser, firm: Firm) -> bool:
    """May open requests for the firm: its studio's staff, or the supervision office of its city."""
    if role_of(user) == Role.SUPERVISOR:
        return city_scope(user) in (None, firm.tenant_id)
    return is_staff_of(user, firm.studio)


def may_apply(user: AnyUser, firm: Firm, measure: Measure) -> bool:
    """May record that a measure was applied: the measure's department, the firm's studio, or the
    supervision office."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return city_scope(user) in (None, firm.tenant_id)
    if role not in UNIT_ROLES:
        return False
    own = getattr(user, "org", None)
    return own is not None and (measure.department.is_within(own) or is_staff_of(user, firm.studio))


def applies_any(user: AnyUser) -> bool:
    return role_of(user) in (Role.SUPERVISOR, *UNIT_ROLES)


def butlers(studio: Studio) -> QuerySet[User]:
    """The people a studio may name as 管家: the active unit accounts of its org."""
    return User.objects.filter(
        org__path__startswith=studio.org.path, role__in=UNIT_ROLES, is_active=True
    ).order_by("display_name", "id")


def studios_for(user: AnyUser) -> QuerySet[Studio]:
    qs = Studio.objects.select_related("org")
    role = role_of(user)
    if role == Role.DISTRICT:  # as Firm.objects.visible_to: a district reads the studios in it
        path = getattr(getattr(user, "org", None), "path", None)
        return qs.filter(org__path__startswith=path) if path else qs.none()
    city = city_scope(user)
    return qs.filter(org__tenant_id=city) if city is not None else qs


# -- requests on the case engine ----------------------------------------------------------------------


CATEGORY_LABELS = {"establish": "设立", "change": "变更", "cancel": "注销"}


@transaction.atomic
def open_request(
    actor: User,
    firm: Firm,
    category: str,
    butler: User | None,
    *,
    note: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    accept: bool = True,
    at: dt.datetime | None = None,
) -> Case:
    """Register a 设立/变更/注销 request for the firm and (by default) accept it at once, handing it to
    the studio with the named 管家. Refused (FirmError naming the field) when the actor does not serve
    the firm, the firm has no studio, or the 管家 is not one of the studio's people."""
    if not serves(actor, firm):
        raise FirmError("您不能为该企业登记服务事项")
    studio = firm.studio
    if studio is None:
        raise FirmError("该企业不在企业服务工作室的服务名录中，请先加入名录", "firm")
    if category not in CATEGORY_LABELS:
        raise FirmError("请选择事项类别（设立、变更、注销）", "category")
    if butler is None or not butlers(studio).filter(pk=butler.pk).exists():
        raise FirmError(f"请选择{studio.name}的工作人员作为管家", "butler")
    data: dict[str, Any] = {"butler": butler.pk}
    if contact_name.strip():
        data["contact_name"] = contact_name.strip()
    if contact_phone.strip():
        data["contact_phone"] = contact_phone.strip()
    try:
        case = engine.register(
            KIND,
            actor=actor,
            title=f"{firm.name}{CATEGORY_LABELS[category]}登记",
            description=note,
            category=category,
            channel="",
            data=data,
            subject=firm,
            source="studio",
            at=at,
        )
        if accept:
            engine.act(case, "accept", actor=actor, lead_org=studio.org, note=f"管家：{butler.name}", at=at)
    except engine.CaseFieldError as exc:
        raise FirmError(str(exc), exc.field) from exc
    except engine.CaseError as exc:
        raise FirmError(str(exc)) from exc
    return case


def requests_of(firm: Firm, user: AnyUser) -> Any:
    """The firm's requests the user may see, newest first."""
    return (
        Case.objects.visible_to(user)
        .of_kind(KIND)
        .for_subject(firm)
        .select_related("category", "lead_org")
        .order_by("-registered_at", "-id")
    )


def butler_names(cases: Sequence[Case]) -> dict[int, str]:
    """case pk → its 管家's name (one query)."""
    ids = {c.data.get("butler") for c in cases if isinstance(c.data, dict)}
    people = {u.pk: u.name for u in User.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    return {c.pk: people.get(c.data.get("butler"), "") for c in cases}


# -- incentives -------------------------------------------------------------------------------------


@dataclass
class Lookup:
    firm: Firm
    day: dt.date
    measures: list[Measure]


def lookup(user: AnyUser, written: str, day: dt.date | None = None) -> Lookup:
    """「这家企业能享受哪些措施」: the measures valid on `day` (today) that the firm qualifies for."""
    try:
        code = creditcode.validate(written)
    except creditcode.CreditCodeError as exc:
        raise FirmError(str(exc), "code") from exc
    firm = Firm.objects.visible_to(user).filter(credit_code=code).select_related("studio").first()
    if firm is None:
        raise FirmError(f"未找到统一社会信用代码为“{code}”的企业，或您无权查看该企业", "code")
    day = day or timezone.localdate()
    measures = list(
        Measure.objects.for_firm(firm).valid_on(day).select_related("department").order_by("code", "id")
    )
    return Lookup(firm, day, measures)


@transaction.atomic
def apply_measure(
    actor: User, firm: Firm, measure: Measure, note: str = "", *, at: dt.datetime | None = None
) -> Application:
    """Record that the measure was applied to the firm (append-only, audited). Refused when the measure
    is not valid today or the firm does not qualify."""
    at = at or timezone.now()
    if not may_apply(actor, firm, measure):
        raise FirmError("您不能登记该措施的兑现")
    if measure.tenant_id != firm.tenant_id:
        raise FirmError("该措施不是本市的措施", "measure")
    day = timezone.localdate(at)
    if not measure.valid(day):
        raise FirmError(f"措施“{measure.name}”在{day}不在有效期内", "measure")
    if not measure.qualifies(firm):
        raise FirmError(f"{firm.name}不符合措施“{measure.name}”的条件", "measure")
    note = note.strip()
    if len(note) > 300:
        raise FirmError("兑现说明最多 300 个字", "note")
    application = Application.objects.create(
        firm=firm, measure=measure, applied_by=actor, applied_at=at, note=note
    )
    record(
        actor,
        "firms.measure.apply",
        application,
        changes={"企业": [None, firm.credit_code], "措施": [None, measure.code]},
        reason=note,
        object_repr=f"{firm.name}：{measure.name}",
    )
    return application


# -- imported rows ----------------------------------------------------------------------------------


def import_city(actor: User | None) -> Org | None:
    """The city an import writes into: the importer's, else the installation's only city."""
    city = city_scope(actor) if actor is not None else None
    if city is not None:
        return Org.objects.get(pk=city)
    cities = list(Org.objects.filter(kind=OrgKind.CITY)[:2])
    return cities[0] if len(cities) == 1 else None


@dataclass
class FirmRow:
    credit_code: str
    name: str
    park: str
    studio: Studio | None
    credit_level: str | None = None  # None: not in the file (kept as is)
    score: Decimal | None = None
    has_score: bool = False
    rated_on: dt.date | None = None
    sample: bool = False
    columns: frozenset[str] = frozenset({"park", "studio"})  # the register columns the file has


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Studio):
        return value.name
    return value


def _entry(actor: User | None, action: str, obj: Any, changes: dict[str, Any], reason: str) -> AuditLog:
    return AuditLog(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.name if actor is not None and actor.pk else "系统")[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes,
        reason=reason,
        tenant_id=entry_tenant(actor, obj),
    )


def save_firms(
    actor: User | None,
    city: Org,
    rows: list[FirmRow],
    *,
    reason: str = "",
    write: bool = True,
    create: bool = True,
) -> dict[str, int]:
    """Create or update firms by credit code within the city, in one transaction, every change audited.
    `create` False only updates (the credit file names firms already in the register)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    entries: list[AuditLog] = []
    with transaction.atomic():
        existing = {f.credit_code: f for f in Firm.objects.filter(tenant=city).select_related("studio")}
        new: list[Firm] = []
        for row in rows:
            values: dict[str, Any] = {"name": row.name}
            if create and "park" in row.columns:
                values["park"] = row.park
            if create and "studio" in row.columns:
                values["studio"] = row.studio
            if row.credit_level is not None:
                values["credit_level"] = row.credit_level
            if row.has_score:
                values["score"] = row.score
            if row.rated_on is not None:
                values["rated_on"] = row.rated_on
            firm = existing.get(row.credit_code)
            if firm is None:
                counts["created"] += 1
                if write:
                    new.append(Firm(tenant=city, credit_code=row.credit_code, sample=row.sample, **values))
                continue
            changes = {
                k: [_plain(getattr(firm, k)), _plain(v)] for k, v in values.items() if getattr(firm, k) != v
            }
            if not changes:
                counts["unchanged"] += 1
                continue
            counts["updated"] += 1
            if write:
                for k, v in values.items():
                    setattr(firm, k, v)
                firm.version += 1
                firm.save()
                entries.append(_entry(actor, "firms.firm.update", firm, changes, reason))
        if write and new:
            Firm.objects.bulk_create(new, batch_size=500)
            made = Firm.objects.filter(tenant=city, credit_code__in=[f.credit_code for f in new])
            for firm in made.select_related("studio"):
                changes = {
                    k: [None, _plain(getattr(firm, k))]
                    for k in ("credit_code", "name", "park", "studio", "credit_level", "score", "rated_on")
                    if getattr(firm, k) not in (None, "")
                }
                entries.append(_entry(actor, "firms.firm.create", firm, changes, reason))
        if write:
            bulk_record(entries)
    return counts


@dataclass
class MeasureRow:
    code: str
    name: str
    department: Org
    benefit: str
    levels: str
    score_min: Decimal | None
    score_max: Decimal | None
    starts_on: dt.date
    ends_on: dt.date | None
    sample: bool = False


MEASURE_FIELDS = ("name", "department", "benefit", "levels", "score_min", "score_max", "starts_on", "ends_on")


def _plain_measure(value: Any) -> Any:
    return value.name if isinstance(value, Org) else _plain(value)


def check_measure(row: MeasureRow) -> None:
    """The rules a measure keeps however it is written (import, demo): Chinese errors naming the field."""
    if row.ends_on is not None and row.ends_on < row.starts_on:
        raise FirmError(f"截止日期（{row.ends_on}）早于生效日期（{row.starts_on}）", "ends_on")
    if not row.levels and row.score_min is None and row.score_max is None:
        raise FirmError("请填写适用信用等级或榴花分区间（至少一项）", "levels")
    if row.score_min is not None and row.score_max is not None and row.score_max < row.score_min:
        raise FirmError(f"榴花分上限（{num(row.score_max)}）低于下限（{num(row.score_min)}）", "score_max")


def save_measures(
    actor: User | None, city: Org, rows: list[MeasureRow], *, reason: str = "", write: bool = True
) -> dict[str, int]:
    """Create or update measures by 措施编号 within the city, in one transaction, every change audited."""
    for row in rows:
        check_measure(row)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    entries: list[AuditLog] = []
    with transaction.atomic():
        existing = {m.code: m for m in Measure.objects.filter(tenant=city).select_related("department")}
        new: list[Measure] = []
        for row in rows:
            values = {k: getattr(row, k) for k in MEASURE_FIELDS}
            measure = existing.get(row.code)
            if measure is None:
                counts["created"] += 1
                if write:
                    new.append(Measure(tenant=city, code=row.code, sample=row.sample, **values))
                continue
            changes = {
                k: [_plain_measure(getattr(measure, k)), _plain_measure(v)]
                for k, v in values.items()
                if getattr(measure, k) != v
            }
            if not changes:
                counts["unchanged"] += 1
                continue
            counts["updated"] += 1
            if write:
                for k, v in values.items():
                    setattr(measure, k, v)
                measure.version += 1
                measure.save()
                entries.append(_entry(actor, "firms.measure.update", measure, changes, reason))
        if write and new:
            Measure.objects.bulk_create(new, batch_size=500)
            made = Measure.objects.filter(tenant=city, code__in=[m.code for m in new]).select_related(
                "department"
            )
            for measure in made:
                changes = {k: [None, _plain_measure(getattr(measure, k))] for k in ("code", *MEASURE_FIELDS)}
                entries.append(_entry(actor, "firms.measure.create", measure, changes, reason))
        if write:
            bulk_record(entries)
    return counts
