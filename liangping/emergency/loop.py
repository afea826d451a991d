"""The 叫应 loop as plain functions of `now` (the periodic job passes the clock; tests inject one).

- `calling_rows(...)`: the contacts, deliveries and log rows of one stage of one call.
- `advance(now)`: every unanswered call whose limit has passed takes its next stage: re-sent to the
  first responsible person, then escalated to the backups and the town leader, then to the district
  leader; past the last stage the chain has ended and the duty officer is alerted on the console.
- `dispatch(now)`: sends the queued deliveries. Each is claimed (committed) before it is sent and
  marked after; a worker killed in between leaves it claimed, and the next run re-sends it only after
  STUCK_AFTER with the same idempotency key, which the gateway uses to drop the repeat.

Both are idempotent: a stage is taken by a conditional UPDATE on the call's stage, a delivery by a
conditional UPDATE on its status, so two workers or a restarted one never take the same step twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q

from liangping.core.audit import bulk_record
from liangping.core.models import AuditLog
from liangping.emergency import channels, links
from liangping.emergency.models import (
    CallLog,
    ChainLink,
    ChainRole,
    Contact,
    Delivery,
    DeliveryStatus,
    DutyLogEntry,
    LogEvent,
    PointCall,
    Warning,
    WarningStatus,
)

log = logging.getLogger(__name__)

# stage → (roles called at that stage, what the log calls it)
STEPS: list[tuple[tuple[str, ...], str]] = [
    ((ChainRole.FIRST,), LogEvent.NOTIFIED),
    ((ChainRole.FIRST,), LogEvent.RESENT),
    ((ChainRole.BACKUP, ChainRole.TOWN), LogEvent.ESCALATED),
    ((ChainRole.DISTRICT,), LogEvent.ESCALATED),
]
STAGE_LABELS = ["已通知第一责任人", "已再次通知", "已升级至备用责任人和镇街领导", "已升级至区级领导"]
ADVANCE_BATCH = 500
DISPATCH_BATCH = 500
STUCK_AFTER = dt.timedelta(minutes=2)  # longer than any channel's own time-out


@dataclass
class Rows:
    contacts: list[Contact]
    deliveries: list[Delivery]
    logs: list[CallLog]


def stage_label(call: PointCall) -> str:
    if call.acknowledged_at is not None:
        return "已确认"
    if call.chain_ended_at is not None:
        return "责任链用尽，未确认"
    return STAGE_LABELS[min(call.stage, len(STAGE_LABELS) - 1)]


def message_text(warning: Warning, point_name: str, minutes: int, stage: int) -> tuple[str, str]:
    """(title, text) of a notice."""
    drill = "【演练】" if warning.is_drill else ""
    again = "【再次通知】" if stage == 1 else ("【升级通知】" if stage >= 2 else "")
    title = f"{drill}{again}{warning.title}：{point_name}"
    text = (
        f"{drill}{again}{warning.title}（{warning.code}），影响{point_name}。{warning.text} "
        f"请在 {minutes} 分钟内确认「收到，已部署」。"
    )
    if stage >= 2:
        text += "第一责任人未在时限内确认，请立即联系并部署。"
    return title, text


def _delivery_key(contact: Contact, stage: int, channel: str) -> str:
    return f"{contact.nonce[:16]}:{stage}:{channel}"


def _deliveries(contact: Contact, stage: int, now: dt.datetime) -> list[Delivery]:
    person = contact.person
    return [
        Delivery(
            contact=contact,
            stage=stage,
            channel=channel,
            key=_delivery_key(contact, stage, channel),
            queued_at=now,
        )
        for channel in channels.channels_for(person.user_id is not None, person.email, person.phone, stage)
    ]


def calling_rows(
    call: PointCall, stage: int, links_: list[ChainLink], known: dict[int, Contact], now: dt.datetime
) -> Rows:
    """The rows of stage `stage` of `call`: new contacts (the persons not called before), a delivery
    per channel for each person called at this stage, and a log row per person. `known`: the call's
    contacts by person id (updated with the new ones)."""
    roles, event = STEPS[stage]
    rows = Rows([], [], [])
    for link in links_:
        if link.role not in roles:
            continue
        contact = known.get(link.person_id)
        if contact is None:
            contact = Contact(
                call=call,
                person=link.person,
                role=link.role,
                stage=stage,
                added_at=now,
                nonce=links.new_nonce(),
            )
            contact.token_hash = links.token_hash(links.token_for(contact.nonce))
            known[link.person_id] = contact
            rows.contacts.append(contact)
        elif stage != 1:
            continue  # already called at an earlier stage: the re-send is stage 1's
        deliveries = _deliveries(contact, stage, now)
        rows.deliveries += deliveries
        names = "、".join(d.get_channel_display() for d in deliveries) or "无可用渠道，请电话联系"
        rows.logs.append(
            CallLog(
                warning_id=call.warning_id,
                call=call,
                person=link.person,
                at=now,
                event=event,
                detail=f"{link.get_role_display()}{link.person.name}：{names}"[:300],
            )
        )
    return rows


def save_rows(rows: Rows) -> None:
    """Write contacts first (deliveries need their keys), then deliveries and log rows."""
    Contact.objects.bulk_create(rows.contacts, batch_size=500)
    for d in rows.deliveries:
        d.contact_id = d.contact.pk
    Delivery.objects.bulk_create(rows.deliveries, batch_size=500)
    CallLog.objects.bulk_create(rows.logs, batch_size=500)


def links_by_point(point_ids: set[int]) -> dict[int, list[ChainLink]]:
    out: dict[int, list[ChainLink]] = defaultdict(list)
    for link in (
        ChainLink.objects.filter(point_id__in=point_ids).select_related("person").order_by("sort", "pk")
    ):
        out[link.point_id].append(link)
    return out


# --- the timer --------------------------------------------------------------------------------------


def advance(now: dt.datetime) -> int:
    """Take the next stage of every call whose time has come; returns the calls advanced."""
    done = 0
    while True:
        due = list(
            PointCall.objects.filter(
                acknowledged_at__isnull=True,
                chain_ended_at__isnull=True,
                next_at__lte=now,
                warning__status=WarningStatus.ACTIVE,
                warning__valid_until__gt=now,
            )
            .select_related("warning", "point__district")  # the district: the audit entry's city
            .order_by("next_at", "pk")[:ADVANCE_BATCH]
        )
        if not due:
            return done
        done += _advance_batch(due, now)
        if len(due) < ADVANCE_BATCH:
            return done


def _advance_batch(due: list[PointCall], now: dt.datetime) -> int:
    chains = links_by_point({c.point_id for c in due})
    known: dict[int, dict[int, Contact]] = defaultdict(dict)
    for contact in Contact.objects.filter(call__in=due).select_related("person"):
        known[contact.call_id][contact.person_id] = contact
    rows = Rows([], [], [])
    audits: list[AuditLog] = []
    duty: list[DutyLogEntry] = []
    advanced = 0
    with transaction.atomic():
        for call in due:
            stage, people = call.stage + 1, chains.get(call.point_id, [])
            # a stage with nobody on it (no backup, no town leader) passes on at once
            while stage < len(STEPS) and not any(link.role in STEPS[stage][0] for link in people):
                stage += 1
            ended = stage >= len(STEPS)
            minutes = call.warning.ack_minutes
            changes = {
                "stage": stage,
                "next_at": None if ended else now + dt.timedelta(minutes=minutes),
                "chain_ended_at": now if ended else None,
            }
            if stage >= 2 and call.escalated_at is None:
                changes["escalated_at"] = now
            taken = PointCall.objects.filter(
                pk=call.pk, stage=call.stage, acknowledged_at__isnull=True, chain_ended_at__isnull=True
            ).update(**changes)
            if not taken:
                continue  # answered or advanced meanwhile
            advanced += 1
            for name, value in changes.items():
                setattr(call, name, value)
            if ended:
                text = f"{call.point.name}：责任链上所有人均未在时限内确认，请值班员立即电话叫应"
                rows.logs.append(
                    CallLog(
                        warning_id=call.warning_id, call=call, at=now, event=LogEvent.CHAIN_ENDED, detail=text
                    )
                )
                duty.append(
                    DutyLogEntry(
                        at=now,
                        org=call.warning.issuing_org,
                        author_name="系统",
                        warning=call.warning,
                        text=f"{call.warning.code} {text}",
                    )
                )
            else:
                part = calling_rows(call, stage, people, known[call.pk], now)
                rows.contacts += part.contacts
                rows.deliveries += part.deliveries
                rows.logs += part.logs
            audits.append(
                AuditLog(
                    actor=None,
                    actor_name="系统",
                    action="emergency.chain_end" if ended else "emergency.escalate",
                    object_type="emergency.pointcall",
                    object_id=str(call.pk),
                    object_repr=f"{call.warning.code} {call.point.name}"[:255],
                    changes={"stage": [call.stage if ended else stage - 1, stage]},
                    reason=stage_label(call),
                    tenant_id=call.point.district.tenant_id,  # the point's city reads it
                )
            )
        save_rows(rows)
        for entry in duty:
            entry.save()
        bulk_record(audits)
    return advanced


# --- sending ----------------------------------------------------------------------------------------


@dataclass
class Dispatched:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


def dispatch(now: dt.datetime, limit: int = 0) -> Dispatched:
    """Send every queued delivery (at most `limit` when given). Each is claimed on its own just before
    it is sent, so a worker that dies holds back one message, not a batch."""
    result = Dispatched()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=DeliveryStatus.QUEUED
    )
    mark = uuid.uuid4().hex
    while True:
        size = DISPATCH_BATCH if not limit else min(DISPATCH_BATCH, limit - result.sent - result.failed)
        if size <= 0:
            return result
        batch = list(
            Delivery.objects.filter(status=DeliveryStatus.QUEUED)
            .select_related("contact__person", "contact__call__warning", "contact__call__point")
            .order_by("queued_at", "pk")[:size]
        )
        if not batch:
            return result
        _send(batch, now, result, mark)


def _send(batch: list[Delivery], now: dt.datetime, result: Dispatched, mark: str) -> None:
    logs: list[CallLog] = []
    for d in batch:
        call = d.contact.call
        warning = call.warning
        if call.acknowledged_at is not None or warning.status != WarningStatus.ACTIVE:
            Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.CANCELLED
            )
            result.cancelled += 1
            continue
        claimed = Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, claimed_at=now, claim=mark, tries=F("tries") + 1
        )
        if not claimed:
            continue  # another worker has it
        person = d.contact.person
        title, text = message_text(warning, call.point.name, warning.ack_minutes, d.stage)
        msg = channels.Message(
            key=d.key,
            channel=d.channel,
            name=person.name,
            phone=person.phone,
            email=person.email,
            user_id=person.user_id,
            title=title,
            text=text,
            ack_url=links.absolute(links.ack_path(d.contact.nonce)),
            level=warning.level,
            warning=warning.code,
            point=call.point.name,
            drill=warning.is_drill,
        )
        sender = channels.SENDERS.get(d.channel)
        try:
            if sender is None:
                raise channels.DeliveryError("渠道未启用")
            detail, status = sender(msg), DeliveryStatus.SENT
            result.sent += 1
        except channels.DeliveryError as exc:
            detail, status = str(exc), DeliveryStatus.FAILED
            result.failed += 1
        except Exception as exc:  # one bad address or a dropped connection must not stop the others
            log.warning("叫应通知发送失败：%s", d.key, exc_info=True)
            detail, status = f"发送出错：{type(exc).__name__}", DeliveryStatus.FAILED
            result.failed += 1
        Delivery.objects.filter(pk=d.pk, claim=mark).update(
            status=status, sent_at=now if status == DeliveryStatus.SENT else None, detail=detail[:300]
        )
        logs.append(
            CallLog(
                warning=warning,
                call=call,
                person=person,
                at=now,
                event=LogEvent.SENT if status == DeliveryStatus.SENT else LogEvent.FAILED,
                channel=d.channel,
                detail=f"{d.get_channel_display()}：{detail}"[:300],
            )
        )
        if len(logs) >= 50:
            CallLog.objects.bulk_create(logs)
            logs = []
    CallLog.objects.bulk_create(logs, batch_size=500)


def pending_deliveries(warning: Warning) -> int:
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.SENDING), contact__call__warning=warning
    ).count()
