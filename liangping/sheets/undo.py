"""Taking an unfinished import back: revert what its journal recorded, newest first, in short transactions.

Used when an import fails midway (from its own process), and for an import whose process died (from the
job page, `liangping import recover`, or the next `liangping import`), at once rather than after a
time-out: a run whose process is known to be gone is dead.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.models import User
from liangping.sheets import journal
from liangping.sheets.bulk import restore_rows
from liangping.sheets.models import ImportChange, ImportJob, ImportRun, JobStatus, RunStatus

REVERT_BATCH = 500


def unfinished() -> list[ImportRun]:
    return list(ImportRun.objects.filter(status__in=[RunStatus.RUNNING, RunStatus.REVERTING]).order_by("id"))


def dead_runs() -> list[ImportRun]:
    """Unfinished runs nobody is writing any more: their process ended, or (elsewhere) fell silent."""
    return [r for r in unfinished() if r.status == RunStatus.REVERTING or journal.run_is_dead(r)]


def revert(run: ImportRun, actor: User | None, reason: str) -> int:
    """Undo every change of `run` (newest first) and audit it; returns the number of rows put back.

    The status moves to REVERTING first, so a writer still alive stops at its next chunk.
    """
    ImportRun.objects.filter(pk=run.pk).exclude(status=RunStatus.REVERTED).update(status=RunStatus.REVERTING)
    undone = 0
    while True:
        with transaction.atomic():
            batch = _next_batch(run)
            if not batch:
                break
            for (label, created), changes in groupby(batch, key=lambda c: (c.model, c.before is None)):
                _undo(label, created, list(changes))
            ImportChange.objects.filter(pk__in=[c.pk for c in batch]).delete()
            undone += sum(len(c.created_pks()) or 1 for c in batch)
        journal.yield_to_others(0.05)
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.REVERTED, finished_at=timezone.now())
        record(
            actor,
            "import.revert",
            run,
            changes={"kind": run.kind, "filename": run.filename, "rows": undone},
            reason=reason,
        )
    run.status = RunStatus.REVERTED
    return undone


def _next_batch(run: ImportRun) -> list[ImportChange]:
    """The newest journal entries of `run` that together hold about REVERT_BATCH rows (at least one
    entry: an entry of created rows holds the keys of a whole chunk)."""
    batch: list[ImportChange] = []
    rows = 0
    for change in ImportChange.objects.filter(run=run).order_by("-id")[:REVERT_BATCH]:
        size = len(change.created_pks()) or 1
        if batch and rows + size > REVERT_BATCH:
            break
        batch.append(change)
        rows += size
    return batch


def _undo(label: str, created: bool, changes: list[ImportChange]) -> None:
    model: Any = apps.get_model(label)
    if created:
        pks = [pk for change in changes for pk in change.created_pks()]
        model._base_manager.filter(pk__in=pks).delete()
        return
    by_fields: dict[tuple[str, ...], list[Any]] = {}
    for change in changes:
        before = change.before or {}
        obj = model(pk=change.object_pk)
        for name, value in before.items():
            field = model._meta.get_field(name)
            setattr(obj, field.attname, field.to_python(value) if value is not None else None)
        by_fields.setdefault(tuple(sorted(before)), []).append(obj)
    for fields, objs in by_fields.items():
        restore_rows(model, objs, list(fields))


def recover(run: ImportRun, actor: User | None) -> int:
    """Revert a dead run and give its web job back to the person to confirm again."""
    undone = revert(run, actor, "导入进程中断，撤销已写入的部分")
    if run.job_id is not None:
        ImportJob.objects.filter(pk=run.job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.PREVIEWED,
            rows_done=0,
            worker="",
            message="上次导入中断，已写入的部分已撤销，可重新确认导入。",
        )
    return undone


def recover_dead(actor: User | None) -> Iterator[tuple[ImportRun, int]]:
    for run in dead_runs():
        yield run, recover(run, actor)
