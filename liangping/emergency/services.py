"""Business actions of the flood-season ledger: each takes explicit arguments, runs in one transaction
and writes the audit entry. Refusals are WarningError with a Chinese message (and the form field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from liangping.core.audit import UNSET, record
from liangping.core.models import Org, User
from liangping.emergency import links, loop, scope
from liangping.emergency.config import ack_minutes
from liangping.emergency.models import (
    AckVia,
    CallLog,
    ChainLink,
    ChainRole,
    Contact,
    Delivery,
    DeliveryStatus,
    DutyLogEntry,
    DutyShift,
    Hazard,
    Level,
    LogEvent,
    Person,
    Point,
    PointCall,
    PointKind,
    Readiness,
    Supply,
    Team,
    TeamMember,
    Warning,
    WarningSource,
    WarningStatus,
)
from liangping.emergency.tasks import dispatch_now


class WarningError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class WarningDraft:
    """What a warning is issued with, from the form or from a CAP 1.2 alert."""

    level: str
    hazard: str
    text: str
    valid_until: dt.datetime | None
    towns: list[str] = field(default_factory=list)  # town names: all their active points
    point_ids: list[int] = field(default_factory=list)
    is_drill: bool = False
    source: str = WarningSource.FORM
    cap_identifier: str = ""
    cap_sender: str = ""
    areas: str = ""


def _issuing_org(actor: User) -> Org | None:
    return actor.org


def target_points(actor: User, draft: WarningDraft) -> list[Point]:
    """The active points a draft covers, within what the actor sees."""
    if not draft.towns and not draft.point_ids:
        return []
    wanted = Q(pk__in=draft.point_ids) | Q(town_name__in=draft.towns) | Q(town__name__in=draft.towns)
    return list(
        scope.points_for(actor).filter(active=True).filter(wanted).select_related("district").order_by("pk")
    )


def _next_code(year: int, drill: bool) -> str:
    prefix = f"{'YL' if drill else 'YJ'}{year}-"
    last = (
        Warning.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    n = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{n:04d}"


def issue_warning(actor: User, draft: WarningDraft, now: dt.datetime | None = None) -> Warning:
    """Issue to every responsible person of every point, or to none: calls, contacts with their links,
    the first deliveries (queued) and the log, in one transaction."""
    now = now or timezone.now()
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以发布预警")
    if draft.level not in Level.values:
        raise WarningError("请选择预警级别（蓝色、黄色、橙色、红色）", "level")
    if draft.hazard not in Hazard.values:
        raise WarningError("请选择预警类型（暴雨、洪水、干旱、地质灾害）", "hazard")
    if not draft.text.strip():
        raise WarningError("请填写预警内容", "text")
    if draft.valid_until is None:
        raise WarningError("请填写有效期", "valid_until")
    if draft.valid_until <= now:
        raise WarningError("有效期不能早于当前时间，请填写预警解除前的时间", "valid_until")
    if not draft.towns and not draft.point_ids:
        raise WarningError("预警没有影响区域：请至少选择一个镇街或点位", "towns")
    points = target_points(actor, draft)
    if set(draft.point_ids) - {p.pk for p in points}:
        raise WarningError("所选点位中有不存在或不在您管辖范围内的点位，请重新选择", "points")
    if not points:
        raise WarningError("所选镇街或点位中没有在用的防汛责任点位，请核对影响区域", "towns")
    chains = loop.links_by_point({p.pk for p in points})
    without = [
        p.name for p in points if not any(link.role == ChainRole.FIRST for link in chains.get(p.pk, []))
    ]
    if without:
        names = "、".join(without[:5]) + (f" 等 {len(without)} 个点位" if len(without) > 5 else "")
        raise WarningError(f"{names}没有第一责任人，预警不能发布：请先补全包保责任链", "towns")
    minutes = ack_minutes(draft.level)
    towns = sorted({p.town_name for p in points})
    areas = draft.areas or "、".join(towns)
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    warning = Warning.objects.create(
                        code=_next_code(timezone.localtime(now).year, draft.is_drill),
                        level=draft.level,
                        hazard=draft.hazard,
                        text=draft.text.strip(),
                        areas=areas[:500],
                        is_drill=draft.is_drill,
                        issued_by=actor,
                        issuer_name=actor.name[:50],
                        issuing_org=_issuing_org(actor),
                        issued_at=now,
                        valid_until=draft.valid_until,
                        ack_minutes=minutes,
                        source=draft.source,
                        cap_identifier=draft.cap_identifier[:200],
                        cap_sender=draft.cap_sender[:200],
                    )
                break
            except IntegrityError:
                continue
        else:
            raise WarningError("预警编号冲突，请重试")
        calls = [
            PointCall(warning=warning, point=p, stage=0, next_at=now + dt.timedelta(minutes=minutes))
            for p in points
        ]
        PointCall.objects.bulk_create(calls, batch_size=500)
        if any(c.pk is None for c in calls):  # a backend that does not return keys
            by_point = dict(PointCall.objects.filter(warning=warning).values_list("point_id", "pk"))
            for c in calls:
                c.pk = by_point[c.point_id]
        rows = loop.Rows([], [], [])
        for call in calls:
            call.warning = warning
            part = loop.calling_rows(call, 0, chains[call.point_id], {}, now)
            rows.contacts += part.contacts
            rows.deliveries += part.deliveries
            rows.logs += part.logs
        rows.logs.insert(
            0,
            CallLog(
                warning=warning,
                at=now,
                event=LogEvent.ISSUED,
                detail=f"{warning} 发布至 {len(calls)} 个点位（{areas}）"[:300],
                actor_name=actor.name[:50],
            ),
        )
        loop.save_rows(rows)
        transaction.on_commit(dispatch_now)
        DutyLogEntry.objects.create(
            at=now,
            org=warning.issuing_org,
            author=actor,
            author_name=actor.name[:50],
            warning=warning,
            text=f"发布{warning}（{warning.code}），{len(calls)} 个点位，确认时限 {minutes} 分钟",
        )
        record(
            actor,
            "emergency.issue",
            warning,
            changes={
                "level": [None, warning.get_level_display()],
                "hazard": [None, warning.get_hazard_display()],
                "points": [None, len(calls)],
                "contacts": [None, len(rows.contacts)],
                "valid_until": [None, warning.valid_until.isoformat()],
                "drill": [None, warning.is_drill],
                "source": [None, warning.get_source_display()],
            },
        )
    return warning


# --- acknowledgement --------------------------------------------------------------------------------


@dataclass
class AckResult:
    call: PointCall
    first: bool  # this answer is the point's acknowledgement (not a later one)
    by: str  # who acknowledged the point


def contact_by_token(token: str) -> Contact | None:
    if not token or len(token) > 64:
        return None
    return (
        Contact.objects.filter(token_hash=links.token_hash(token))
        .select_related("person", "call__warning", "call__point", "call__ack_person")
        .first()
    )


def link_problem(contact: Contact, now: dt.datetime) -> str:
    """Why a link no longer works, or ""."""
    warning = contact.call.warning
    if contact.used_at is not None:
        used = timezone.localtime(contact.used_at)
        return f"该确认链接已于 {used:%m月%d日 %H:%M} 使用过，每个链接只能使用一次"
    if warning.status != WarningStatus.ACTIVE:
        return "该预警已解除，确认链接已失效"
    if warning.valid_until <= now:
        return "该预警已过有效期，确认链接已失效"
    return ""


def acknowledge(
    contact: Contact,
    via: str,
    note: str = "",
    *,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> AckResult:
    """「收到，已部署」 from `contact` (by the link, in the app, or recorded by the duty officer after a
    phone call: `actor` is then the officer). The first answer of a point stops its loop."""
    now = now or timezone.now()
    note = note.strip()[:200]
    if via == AckVia.LINK:
        problem = link_problem(contact, now)
        if problem:
            raise WarningError(problem)
    elif contact.call.warning.status != WarningStatus.ACTIVE:
        raise WarningError("该预警已解除，无需再确认")
    call = contact.call
    with transaction.atomic():
        if via == AckVia.LINK:
            used = Contact.objects.filter(pk=contact.pk, used_at__isnull=True).update(used_at=now)
            if not used:
                raise WarningError("该确认链接已使用过，每个链接只能使用一次")
            contact.used_at = now
        first = bool(
            PointCall.objects.filter(pk=call.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=now,
                ack_person=contact.person,
                ack_via=via,
                ack_note=note,
                ack_recorded_by=actor if via == AckVia.PHONE else None,
                next_at=None,
            )
        )
        call.refresh_from_db()
        if first:
            Delivery.objects.filter(contact__call=call, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.CANCELLED
            )
        how = AckVia(via).label
        recorded = f"（{actor.name}记录）" if via == AckVia.PHONE and actor is not None else ""
        detail = f"{contact.get_role_display()}{contact.person.name}：收到，已部署（{how}{recorded}）"
        if note:
            detail += f"。{note}"
        if not first:
            detail += "（本点位此前已有人确认）"
        CallLog.objects.create(
            warning_id=call.warning_id,
            call=call,
            person=contact.person,
            at=now,
            event=LogEvent.ACKNOWLEDGED,
            detail=detail[:300],
            actor_name=(actor.name if actor is not None else contact.person.name)[:50],
        )
        record(
            actor,
            "emergency.acknowledge",
            call,
            object_repr=f"{call.warning.code} {call.point.name}",
            # without an actor of a unit (a one-time link): the point's city, not the issuer's (the
            # province's warning reaches the points of several cities)
            tenant=call.point.district.tenant_id if actor is None or actor.org_id is None else UNSET,
            changes={
                "acknowledged_by": [None, contact.person.name],
                "via": [None, how],
                "first": [None, first],
            },
            reason=note,
        )
    by = call.ack_person.name if call.ack_person is not None else contact.person.name
    return AckResult(call=call, first=first, by=by)


def record_phone_ack(
    actor: User, call: PointCall, person_id: int, note: str, now: dt.datetime | None = None
) -> AckResult:
    """The duty officer reached someone of the point by phone: recorded as such, with the officer."""
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以记录电话确认")
    if not note.strip():
        raise WarningError("请填写电话记录（通话时间、对方答复）", "note")
    now = now or timezone.now()
    contact = (
        Contact.objects.filter(call=call, person_id=person_id)
        .select_related("person", "call__warning")
        .first()
    )
    if contact is None:
        link = (
            ChainLink.objects.filter(point=call.point, person_id=person_id).select_related("person").first()
        )
        if link is None:
            raise WarningError("请选择该点位包保责任链上的人员", "person")
        contact = Contact(call=call, person=link.person, role=link.role, stage=call.stage, added_at=now)
        contact.nonce = links.new_nonce()
        contact.token_hash = links.token_hash(links.token_for(contact.nonce))
        contact.save()
        contact.call = call
    return acknowledge(contact, AckVia.PHONE, note, actor=actor, now=now)


# --- closing ----------------------------------------------------------------------------------------


def close_warning(
    actor: User, warning: Warning, reason: str, expected_version: int, now: dt.datetime | None = None
) -> Warning:
    """解除: refused while a point is unanswered unless the duty officer gives a reason."""
    now = now or timezone.now()
    reason = reason.strip()
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以解除预警")
    if warning.status != WarningStatus.ACTIVE:
        raise WarningError("该预警已解除")
    open_calls = PointCall.objects.filter(warning=warning).open().count()
    if open_calls and not reason:
        raise WarningError(f"尚有 {open_calls} 个点位未确认收到，解除预警须填写原因", "reason")
    with transaction.atomic():
        changed = Warning.objects.filter(
            pk=warning.pk, version=expected_version, status=WarningStatus.ACTIVE
        ).update(
            status=WarningStatus.CLOSED,
            closed_at=now,
            closed_by=actor,
            close_reason=reason,
            version=expected_version + 1,
        )
        if not changed:
            raise WarningError("该预警刚被他人修改，请刷新页面后再操作")
        PointCall.objects.filter(warning=warning, acknowledged_at__isnull=True).update(next_at=None)
        Delivery.objects.filter(contact__call__warning=warning, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.CANCELLED
        )
        text = f"解除{warning}（{warning.code}）" + (
            f"，{open_calls} 个点位未确认。原因：{reason}" if open_calls else ""
        )
        CallLog.objects.create(
            warning=warning, at=now, event=LogEvent.CLOSED, detail=text[:300], actor_name=actor.name[:50]
        )
        DutyLogEntry.objects.create(
            at=now,
            org=warning.issuing_org,
            author=actor,
            author_name=actor.name[:50],
            warning=warning,
            text=text,
        )
        record(
            actor,
            "emergency.close",
            warning,
            changes={"status": ["生效中", "已解除"], "unanswered": [None, open_calls]},
            reason=reason,
        )
    warning.refresh_from_db()
    return warning


# --- the duty roster and the duty log ---------------------------------------------------------------


def add_duty_note(actor: User, text: str, warning: Warning | None = None) -> DutyLogEntry:
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以记录值班日志")
    text = text.strip()
    if not text:
        raise WarningError("请填写日志内容", "text")
    with transaction.atomic():
        entry = DutyLogEntry.objects.create(
            org=actor.org, author=actor, author_name=actor.name[:50], warning=warning, text=text[:2000]
        )
        record(actor, "emergency.duty_note", entry, changes={"text": [None, text[:200]]})
    return entry


def save_shift(
    actor: User,
    *,
    date: dt.date,
    shift: str,
    org: Org,
    leader_name: str,
    leader_phone: str,
    officer_name: str,
    officer_phone: str,
) -> DutyShift:
    """Add or replace one shift of the roster (the same date, shift and level is one row)."""
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以编排值班表")
    if not (scope.sees_all(actor) or org.is_within(actor.org)):
        raise WarningError("只能编排本级及下级的值班表", "org")
    if not leader_name.strip() or not officer_name.strip():
        raise WarningError("带班领导和值班员都必须填写", "leader_name")
    with transaction.atomic():
        row, created = DutyShift.objects.update_or_create(
            date=date,
            shift=shift,
            org=org,
            defaults={
                "leader_name": leader_name.strip(),
                "leader_phone": leader_phone.strip(),
                "officer_name": officer_name.strip(),
                "officer_phone": officer_phone.strip(),
                "officer": User.objects.filter(display_name=officer_name.strip(), org=org).first(),
            },
        )
        record(
            actor,
            "emergency.shift",
            row,
            changes={
                "leader": [None, row.leader_name],
                "officer": [None, row.officer_name],
                "new": [None, created],
            },
        )
    return row


# --- points -----------------------------------------------------------------------------------------


@dataclass
class ChainEntry:
    role: str
    name: str
    phone: str = ""


def person_for(name: str, phone: str, cache: dict[tuple[str, str], Person] | None = None) -> Person:
    key = (name.strip(), phone.strip())
    if cache is not None and key in cache:
        return cache[key]
    person, _ = Person.objects.get_or_create(name=key[0], phone=key[1])
    if person.user_id is None and key[1]:
        user = User.objects.filter(phone=key[1], display_name=key[0], is_active=True).first()
        if user is not None:
            person.user = user
            person.email = person.email or user.email
            person.save(update_fields=["user", "email"])
    if cache is not None:
        cache[key] = person
    return person


def save_point(
    actor: User,
    *,
    code: str,
    name: str,
    kind: str,
    district: Org,
    town_name: str,
    village: str,
    chain: Iterable[ChainEntry],
    note: str = "",
) -> Point:
    """Create or update a point and replace its chain. A point needs a first responsible person."""
    if not scope.may_run(actor):
        raise WarningError("只有值班员可以维护防汛责任点位")
    if not scope.districts_for(actor).filter(pk=district.pk).exists():
        raise WarningError("只能在本辖区内设置点位", "district")
    if kind not in PointKind.values:
        raise WarningError("请选择点位类型", "kind")
    entries = [e for e in chain if e.name.strip()]
    if not any(e.role == ChainRole.FIRST for e in entries):
        raise WarningError("点位必须有第一责任人（姓名和手机号）", "first_name")
    if not code.strip() or not name.strip() or not town_name.strip():
        raise WarningError("点位编号、名称和镇街都必须填写", "code")
    town = Org.objects.filter(name=town_name.strip(), parent=district).first()
    with transaction.atomic():
        point = Point.objects.filter(code=code.strip()).first()
        if point is not None and not scope.points_for(actor).filter(pk=point.pk).exists():
            raise WarningError("该点位编号已被其他辖区使用", "code")
        created = point is None
        point = point or Point(code=code.strip())
        point.name, point.kind, point.district = name.strip(), kind, district
        point.town, point.town_name, point.village, point.note = (
            town,
            town_name.strip(),
            village.strip(),
            note.strip(),
        )
        point.save()
        ChainLink.objects.filter(point=point).delete()
        for i, e in enumerate(entries):
            ChainLink.objects.create(point=point, person=person_for(e.name, e.phone), role=e.role, sort=i)
        record(
            actor,
            "emergency.point_create" if created else "emergency.point_update",
            point,
            changes={"chain": [None, "；".join(f"{ChainRole(e.role).label}{e.name}" for e in entries)]},
        )
    return point


# --- supplies and rescue teams ----------------------------------------------------------------------


def save_supply(
    actor: User,
    *,
    store: str,
    district: Org,
    item: str,
    quantity: Decimal,
    unit: str,
    keeper: str,
    phone: str,
) -> Supply:
    """Set a store's stock of one item (the same store and item is one row)."""
    if not scope.may_run(actor) or not scope.districts_for(actor).filter(pk=district.pk).exists():
        raise WarningError("只能维护本辖区的应急物资", "district")
    with transaction.atomic():
        old = Supply.objects.filter(store=store.strip(), item=item.strip()).first()
        if old is not None and old.district_id != district.pk:
            raise WarningError("该储备库属于其他区（市）", "store")
        supply, _ = Supply.objects.update_or_create(
            store=store.strip(),
            item=item.strip(),
            defaults={
                "district": district,
                "quantity": quantity,
                "unit": unit.strip(),
                "keeper": keeper.strip(),
                "phone": phone.strip(),
                "updated_at": timezone.now(),
            },
        )
        record(
            actor,
            "emergency.supply",
            supply,
            changes={"quantity": [str(old.quantity) if old else None, str(quantity)]},
        )
    return supply


def save_team(
    actor: User,
    *,
    name: str,
    district: Org,
    leader: str,
    phone: str,
    readiness: str,
    specialty: str,
    members: list[tuple[str, str]],
) -> Team:
    if not scope.may_run(actor) or not scope.districts_for(actor).filter(pk=district.pk).exists():
        raise WarningError("只能维护本辖区的抢险队伍", "district")
    if readiness not in Readiness.values:
        raise WarningError("请选择备勤状态", "readiness")
    with transaction.atomic():
        old = Team.objects.filter(name=name.strip()).first()
        if old is not None and old.district_id != district.pk:
            raise WarningError("同名队伍属于其他区（市）", "name")
        team, _created = Team.objects.update_or_create(
            name=name.strip(),
            defaults={
                "district": district,
                "leader": leader.strip(),
                "phone": phone.strip(),
                "readiness": readiness,
                "specialty": specialty.strip(),
                "updated_at": timezone.now(),
            },
        )
        if members:
            TeamMember.objects.filter(team=team).delete()
            TeamMember.objects.bulk_create([TeamMember(team=team, name=n, phone=p) for n, p in members])
        record(
            actor,
            "emergency.team",
            team,
            changes={
                "readiness": [old.get_readiness_display() if old else None, team.get_readiness_display()],
                "members": [None, len(members)] if members else [None, None],
            },
        )
    return team
