"""The write steps every monthly report shares (project reports, task progress reports).

A first submission is an insert that may race another one (both models keep who sent it first
and when, `first_submitted_by` / `first_submitted_at`, which a resubmission never changes); a
resubmission and a review are updates guarded by the version that was read (optimistic locking:
SQLite ignores select_for_update). Each step writes its audit entry. The caller checks who may do
it and what the values mean; `conflict` turns the stored report into the caller's own conflict
error, with who saved it and when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from liangping.core.audit import diff, record, snapshot
from liangping.core.models import User

SUBMITTED, APPROVED, RETURNED = "submitted", "approved", "returned"

R = TypeVar("R", bound=models.Model)
Conflict = Callable[[Any], Exception]


def submit_first(
    model: type[R], actor: User, key: dict[str, Any], values: dict[str, Any], *,
    fields: list[str], action: str, conflict: Conflict, reason: str = "",
) -> R:  # fmt: skip
    """Insert the month's first report. Two people may both have seen none (PostgreSQL lets both
    look at once): the loser's insert fails on the unique key and becomes a conflict."""
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives the refusal
            now = timezone.now()
            report = model._default_manager.create(  # type: ignore[attr-defined]
                **key,
                submitted_by=actor,
                submitted_at=now,
                first_submitted_by=actor,
                first_submitted_at=now,
                **values,
            )
    except IntegrityError:
        raise conflict(model._default_manager.get(**key)) from None  # type: ignore[attr-defined]
    record(actor, f"{action}.submit", report, changes=diff({}, snapshot(report, fields)), reason=reason)
    return report


def resubmit(
    existing: R, actor: User, values: dict[str, Any], expected_version: int, *,
    fields: list[str], action: str, conflict: Conflict, reason: str = "",
) -> R:  # fmt: skip
    """Overwrite a report with new values, only if nobody saved it since `expected_version` was read.
    The first submission (`first_submitted_*`, what lateness is judged by) is kept."""
    if expected_version != existing.version:  # type: ignore[attr-defined]
        raise conflict(existing)
    before = snapshot(existing, fields)
    updated = (
        type(existing)
        ._default_manager.filter(pk=existing.pk, version=expected_version)
        .update(
            **values,
            submitted_by=actor,
            submitted_at=timezone.now(),
            reviewed_by=None,
            reviewed_at=None,
            version=F("version") + 1,
        )
    )
    if updated != 1:
        raise conflict(existing)
    existing.refresh_from_db()
    record(
        actor, f"{action}.resubmit", existing, changes=diff(before, snapshot(existing, fields)), reason=reason
    )
    return existing


def review(
    report: R, actor: User, *, approve: bool, note: str, expected_version: int, action: str,
    conflict: Conflict,
) -> R:  # fmt: skip
    """Approve a submitted report or return it (the caller has checked that a return has a reason),
    only if it is still the submitted version that was read."""
    updated = (
        type(report)
        ._default_manager.filter(pk=report.pk, version=expected_version, status=SUBMITTED)
        .update(
            status=APPROVED if approve else RETURNED,
            review_note=note.strip(),
            reviewed_by=actor,
            reviewed_at=timezone.now(),
            version=F("version") + 1,
        )
    )
    if updated != 1:
        raise conflict(report)
    before = report.status  # type: ignore[attr-defined]
    report.refresh_from_db()
    record(
        actor,
        f"{action}.{'approve' if approve else 'return'}",
        report,
        changes={"status": [before, report.status]},  # type: ignore[attr-defined]
        reason=note.strip(),
    )
    return report
