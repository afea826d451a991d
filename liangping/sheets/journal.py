"""The journal of a confirmed import: short transactions inside one logical import that can be undone.

A confirmed import writes in chunks of at most LIANGPING_IMPORT_CHUNK rows, each its own transaction,
so other writers (a sign-in, a case saved) wait for one chunk, not for the whole file. Every row a chunk
creates or updates is recorded in the same transaction (ImportChange: the primary key, and for an update
the values it had before), so undo.revert() can take the whole import back if it fails midway or its
process dies. The import's ImportRun row is its lease: each chunk first renews its heartbeat, and a run
that someone else has started to revert stops at its next chunk. See docs/decisions/0002-chunked-imports.md.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from liangping.sheets.models import ImportChange, ImportJob, ImportRun, RunStatus

DEAD_AFTER = 60  # seconds without a heartbeat after which a run on another host counts as dead
UNJOURNALED_APPS = ("sheets",)
UNJOURNALED_MODELS = ("core.auditlog",)  # the audit log is append-only: a revert is audited, not erased

_active: ContextVar[Journal | None] = ContextVar("liangping_import_journal", default=None)


class Abandoned(RuntimeError):
    """The run was taken over (its revert started elsewhere): stop writing at once."""


def chunk_size() -> int:
    return max(50, int(getattr(settings, "LIANGPING_IMPORT_CHUNK", 1000)))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:150]


def worker_alive(worker: str) -> bool | None:
    """False if `worker` ("host:pid") is a process of this host that has ended; None if it is elsewhere."""
    host, _, pid = worker.rpartition(":")
    if not host or not pid.isdigit():
        return None
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped by its parent is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def run_is_dead(run: ImportRun) -> bool:
    alive = worker_alive(run.worker)
    if alive is not None:
        return not alive
    return (timezone.now() - run.heartbeat_at).total_seconds() > DEAD_AFTER


def _plain(value: Any) -> Any:
    return (
        DjangoJSONEncoder().default(value)
        if not isinstance(value, str | int | float | bool | None)
        else value
    )


class Journal:
    """The journal of one confirmed import. Its ImportRun is created by the first chunk, so a file that
    changes nothing writes nothing at all."""

    def __init__(
        self,
        start: Callable[[], ImportRun],
        planned: Callable[[], int],
        main_model: str,
        on_write: Callable[[int, int], None],
    ) -> None:
        self.start = start
        self.run: ImportRun | None = None
        self.planned = planned
        self.main_model = main_model
        self.on_write = on_write
        self.written = 0
        self.new_keys: dict[str, set[Any]] = {}  # model label → keys of the rows this run created

    # -- the lease ---------------------------------------------------------------------------------
    def beat(self) -> None:
        """Renew the heartbeat (or open the run); raise Abandoned if the run is no longer ours to write."""
        if self.run is None:
            self.run = self.start()
            return
        alive = ImportRun.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).update(
            heartbeat_at=timezone.now(), rows_written=self.written, rows_planned=self.planned()
        )
        if alive != 1:
            raise Abandoned(f"import run {self.run.pk} is being reverted")

    @contextmanager
    def chunk(self) -> Iterator[None]:
        started = time.monotonic()
        with transaction.atomic():
            self.beat()
            yield
        yield_to_others(time.monotonic() - started)

    # -- what the chunk wrote ----------------------------------------------------------------------
    def created(self, model: type[models.Model], pks: Iterable[Any]) -> None:
        """Record rows created in this chunk: one journal row for all of them (their keys as a list),
        so a 10,000-row file writes a dozen journal rows, not ten thousand."""
        label = model._meta.label_lower
        assert self.run is not None, "journal entries are written inside a chunk"
        keys = list(pks)
        if not keys:
            return
        self.new_keys.setdefault(label, set()).update(keys)
        listed = (
            ImportChange._meta.get_field("created").get_db_prep_save(keys, connection)
            if len(keys) > 1
            else None
        )
        _write_changes([(self.run.pk, label, keys[0], None, listed)])
        self._count(label, len(keys))

    def before_update(self, model: type[models.Model], pks: list[Any], fields: list[str]) -> None:
        """Record the current values of `fields` of the rows about to be updated."""
        assert self.run is not None, "journal entries are written inside a chunk"
        meta: Any = model._meta
        new = self.new_keys.get(meta.label_lower)
        if new:  # a row this run created is deleted by a revert: its values before do not matter
            pks = [pk for pk in pks if pk not in new]
            if not pks:
                return
        attnames = [meta.get_field(f).attname for f in fields]
        old = model._base_manager.filter(pk__in=pks).values_list("pk", *attnames)
        before = ImportChange._meta.get_field("before")
        n = _write_changes(
            [
                (
                    self.run.pk,
                    meta.label_lower,
                    values[0],
                    before.get_db_prep_save(
                        {name: _plain(v) for name, v in zip(fields, values[1:], strict=True)}, connection
                    ),
                    None,
                )
                for values in old
            ]
        )
        self._count(meta.label_lower, n)

    def _count(self, label: str, n: int) -> None:
        if label == self.main_model:
            self.written += n
            self.on_write(self.written, max(self.planned(), self.written))


def _write_changes(rows: list[tuple[Any, str, Any, Any, Any]]) -> int:
    """INSERT journal rows (run, model, object_pk, before and created as the database stores them) in
    one executemany: building ImportChange objects and bulk_create's SQL would cost more than the rows
    they journal."""
    if rows:
        meta: Any = ImportChange._meta
        qn = connection.ops.quote_name
        names = ("run", "model", "object_pk", "before", "created")
        columns = ", ".join(qn(meta.get_field(n).column) for n in names)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)", rows
            )
    return len(rows)


def active() -> Journal | None:
    return _active.get()


@contextmanager
def activate(journal: Journal) -> Iterator[Journal]:
    token = _active.set(journal)
    try:
        yield journal
    finally:
        _active.reset(token)


@contextmanager
def chunk() -> Iterator[None]:
    """One chunk of writes: journaled under the active journal, else a plain (nested) transaction."""
    journal = _active.get()
    if journal is None:
        with transaction.atomic():
            yield
        return
    with journal.chunk():
        yield


def yield_to_others(spent: float) -> None:
    """On SQLite, pause between chunks so that a writer polling for the lock gets it.

    SQLite has no queue of waiting writers: each polls (up to every 100 ms, its busy timeout's back-off),
    so a loop that takes the lock again at once would starve it. A pause as long as the chunk took
    (at most LIANGPING_IMPORT_PAUSE_MS) halves the import's share of the lock. PostgreSQL queues lock
    waiters fairly and needs none.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    limit = int(getattr(settings, "LIANGPING_IMPORT_PAUSE_MS", 100)) / 1000
    time.sleep(min(spent, limit))


def start_run(kind: str, filename: str, actor: Any, job: ImportJob | None) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind, filename=filename[:255], actor=actor, job=job, worker=worker_id()
    )


def finish_run(run: ImportRun) -> None:
    """Mark the run done and drop its journal, in short transactions."""
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    forget(run)


def forget(run: ImportRun) -> None:
    """Delete the run's journal, 5,000 rows per short transaction, each one statement (its (run, id)
    index finds them; no list of keys travels to Python and back)."""
    meta: Any = ImportChange._meta
    qn = connection.ops.quote_name
    table, pk, run_id = qn(meta.db_table), qn(meta.pk.column), qn(meta.get_field("run").column)
    sql = (
        f"DELETE FROM {table} WHERE {pk} IN "
        f"(SELECT {pk} FROM {table} WHERE {run_id} = %s ORDER BY {pk} LIMIT 5000)"
    )
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [run.pk])
            if cursor.rowcount < 5000:
                return


def _journal_orm_creation(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    """Objects an importer creates through the ORM (e.g. the case registered from a report's problems)."""
    journal = _active.get()
    if journal is None or not created or kwargs.get("raw"):
        return
    meta = sender._meta
    if meta.app_label in UNJOURNALED_APPS or meta.label_lower in UNJOURNALED_MODELS:
        return
    if journal.run is None:  # an ORM write outside any chunk opens the run
        journal.beat()
    if isinstance(instance.pk, int):
        journal.created(sender, [instance.pk])


def connect_signals() -> None:
    post_save.connect(_journal_orm_creation, dispatch_uid="liangping.sheets.journal")
