"""Retention of the audit log: entries are kept at least 180 days (等保2.0 三级: audit records kept
no less than six months); older ones may be purged without breaking the chain.

A purge first appends its own entry (action "audit.purge") carrying the digest of the last entry it
removes (the anchor) and that entry's id, then deletes the prefix of the log up to that id. The first
entry left links to the anchor, and `verify` accepts an anchor only from a purge entry that is itself
part of the chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.audit import record
from liangping.core.models import AuditLog, AuditSubject, User

MIN_RETENTION_DAYS = 180


class PurgeRefused(ValueError):
    """A purge that would remove entries younger than the retention period."""


@dataclass
class Purged:
    count: int
    through_id: int | None
    anchor_hash: str


def retention_days() -> int:
    """The configured retention (LIANGPING_AUDIT_RETENTION_DAYS), never below 180 days."""
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "LIANGPING_AUDIT_RETENTION_DAYS", 0) or 0))


def earliest_allowed(today: dt.date | None = None) -> dt.date:
    """The latest `before` date a purge accepts: everything before it is older than the retention."""
    return (today or timezone.localdate()) - dt.timedelta(days=retention_days())


def purge_before(before: dt.date, actor: User | None = None, *, today: dt.date | None = None) -> Purged:
    """Remove the entries written before `before` (local midnight), keeping the chain verifiable."""
    limit = earliest_allowed(today)
    if before > limit:
        raise PurgeRefused(
            f"审计日志至少保留 {retention_days()} 天，不能清理 {before:%Y-%m-%d} 之前的记录；"
            f"最晚只能清理到 {limit:%Y-%m-%d} 之前（请把 --before 设为 {limit:%Y-%m-%d} 或更早）"
        )
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    using = router.db_for_write(AuditLog)
    with transaction.atomic(using=using):
        auditchain.lock(using)
        # A prefix in id order (the chain order) of entries all older than the cutoff.
        first_kept = (
            AuditLog.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        )
        doomed = AuditLog.objects.all() if first_kept is None else AuditLog.objects.filter(id__lt=first_kept)
        last = doomed.order_by("-id").values_list("id", "hash").first()
        if last is None:
            return Purged(0, None, "")
        through_id, anchor = last
        count = doomed.count()
        record(
            actor,
            auditchain.PURGE_ACTION,
            None,
            object_type="core.auditlog",
            object_repr=f"清理 {before:%Y-%m-%d} 之前的审计日志",
            changes={
                "before": before.isoformat(),
                "count": count,
                "through_id": through_id,
                "anchor_hash": anchor,
            },
            reason=f"超过保留期（{retention_days()} 天）的审计日志清理",
        )
        qn = connections[using].ops.quote_name
        table = qn(AuditLog._meta.db_table)
        subjects = qn(AuditSubject._meta.db_table)
        with connections[using].cursor() as cursor:  # the queryset refuses delete(): this is the one way
            cursor.execute(f"DELETE FROM {subjects} WHERE entry_id <= %s", [through_id])
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [through_id])
    return Purged(count, through_id, anchor)
