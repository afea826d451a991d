"""The write steps every monthly report shares (project reports, task progress reports).

A first submission is an insert that may race another one (both models keep who sent it first
and when, `first_submitted_by` / `first_submitted_at`, which a resubmission never changes); a
resubmission and a review are updates guarded by the version that was read (optimistic locking:
SQLite ignores select_for_update). Each step writes its audit entry. The caller checks who may do
it and what the values mean; `conflict` turns the stored report into the caller's own conflict
error, with who saved it and when.

`report_history` reads a report's steps back from the audit log for its 报送与审核记录; the caller
says which audit actions are its own and how a resubmission's changed figure reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from liangping.core.audit import diff, record, snapshot
from liangping.core.config import get_setting
from liangping.core.models import AuditLog, User

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


def due_date(month: dt.date) -> dt.date:
    """Reports for a month are due by day N of the following month (setting report_due_day)."""
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt.replace(day=min(int(get_setting("report_due_day")), 28))


def due_deadline(month: dt.date) -> dt.datetime:
    """The first moment after the due day: a report submitted from then on is late."""
    after = due_date(month) + dt.timedelta(days=1)
    return dt.datetime.combine(after, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class Step:
    """One step in a report's history: a submission, a return (with its reason) or an approval."""

    label: str
    tone: str
    at: dt.datetime
    actor: str
    note: str = ""
    late: bool = False


STEPS = {
    "submit": ("首次报送", "blue"),
    "resubmit": ("重新报送", "blue"),
    "return": ("退回", "red"),
    "approve": ("审核通过", "blue"),
}
ChangeNote = Callable[[dict[str, Any]], str]


def report_history(report: Any, *, action: str, change_note: ChangeNote | None = None) -> list[Step]:
    """Every submission, return and approval of `report`, oldest first (one query, two if the
    report's first submitter or reviewer is not loaded).

    `action` is the prefix its write steps were audited under (`report`, `task_report`);
    `change_note` turns a resubmission's audited changes into its note (empty: none). The audit log
    holds the steps; a report written before it kept them (or loaded as demo data) shows its first
    submission and its latest review from the report itself."""
    deadline = due_deadline(report.month)
    actions = {f"{action}.{step}": step for step in STEPS}
    entries = AuditLog.objects.filter(
        object_type=report._meta.label_lower, object_id=str(report.pk), action__in=list(actions)
    ).order_by("at", "id")
    steps: list[Step] = []
    for e in entries:
        step = actions[e.action]
        label, tone = STEPS[step]
        note = e.reason if step in ("return", "approve") else ""
        if step == "resubmit" and change_note is not None:
            note = change_note(e.changes)
        if step in ("submit", "resubmit") and e.reason and not note:
            note = e.reason
        late = step in ("submit", "resubmit") and e.at >= deadline
        steps.append(Step(label, tone, e.at, e.actor_name or "—", note, late))
    if not any(s.label == STEPS["submit"][0] for s in steps):
        first_at = report.first_submitted_at or report.submitted_at
        first = report.first_submitted_by if report.first_submitted_at else report.submitted_by
        steps.insert(
            0, Step(*STEPS["submit"], first_at, getattr(first, "name", "—"), late=first_at >= deadline)
        )
    if report.reviewed_at and not any(s.at == report.reviewed_at for s in steps):
        returned = report.status == RETURNED
        who = report.reviewed_by.name if report.reviewed_by else "—"
        label, tone = STEPS["return" if returned else "approve"]
        steps.append(Step(label, tone, report.reviewed_at, who, report.review_note))
    return steps
