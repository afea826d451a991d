"""Running an import (or its dry run) and an export; the same path serves the command line and the web."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from liangping.core.audit import record
from liangping.core.models import User
from liangping.sheets import columns, journal, registry, undo
from liangping.sheets.context import ImportContext, Progress, no_progress
from liangping.sheets.errors import ImportResult, Issue, SheetError
from liangping.sheets.mapping import stored as stored_mapping
from liangping.sheets.models import ImportJob
from liangping.sheets.reading import open_workbook
from liangping.sheets.table import Table, locate


class UnknownKind(KeyError):
    pass


_paused = 0
_paused_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is imported (and for every import running in the
    process at once): a 10,000-row import allocates some 300,000 objects (cells, values, rows, the
    audit entry's detail) that all live until it ends, and each collection the allocations trigger
    walks them and every other object of the process, to find no garbage: measured, a third of the
    import's time. An import makes no reference cycles that need collecting early; whatever it
    leaves behind, the first collection after it frees."""
    global _paused
    with _paused_lock:
        if _paused == 0 and not gc.isenabled():  # paused by someone else: theirs to resume
            owner = False
        else:
            owner = True
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        if owner:
            with _paused_lock:
                _paused -= 1
                if _paused == 0:
                    gc.enable()


def run_import(
    kind: str,
    path: Path | str,
    *,
    filename: str | None = None,
    actor: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    write_progress: Progress | None = None,
    job: ImportJob | None = None,
    mapping: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import `path` with the importer registered as `kind`. Any error → nothing written.

    The dry run goes through the same code and stops before the writes, so its report is the same.
    A real run checks the whole file first (no transaction open), then writes in journaled chunks
    (journal.py); if anything fails once writing has begun, what was written is reverted (undo.py).
    `progress` sees the rows checked, `write_progress` the rows written.
    Headers the importer does not know are read as the field the actor's office mapped them to
    (sheets.mapping), or as `mapping` says ({normalised header: field}, which wins); the others are
    listed in `result.unmapped` with the nearest field.
    `options` (layout, period, confirm …) go to importers that declare them (Importer.options).
    """
    entry = registry.importer(kind)
    if entry is None:
        raise UnknownKind(kind)
    with collector_paused():
        return _run_import(
            kind, entry, Path(path), filename, actor, dry_run, progress, write_progress, job, mapping, options
        )


def _run_import(
    kind: str,
    entry: registry.Importer,
    path: Path,
    filename: str | None,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None,
    write_progress: Progress | None,
    job: ImportJob | None,
    mapping: Mapping[str, str] | None,
    options: Mapping[str, str] | None,
) -> ImportResult:
    name = filename or path.name
    result = ImportResult(kind=kind, filename=name, dry_run=dry_run)
    options = {k: v for k, v in (options or {}).items() if k in entry.options and v}
    try:
        chosen = columns.clean_mapping({**stored_mapping(actor, kind), **(mapping or {})}, entry.columns)
        book = open_workbook(path, name)
        if entry.locate is not None:
            table = entry.locate(book, chosen, options)
        else:
            table = locate(book, entry.columns, entry.label, chosen)
    except SheetError as exc:
        result.errors.append(exc.issue)
        return result
    result.layout = table.layout
    if table.records is not None:
        result.unmapped = [
            {"index": i, "column": header, "key": "", "reason": why} for i, header, why in table.not_imported
        ]
    else:
        result.unmapped = [u.as_dict() for u in columns.describe(table, entry.columns, chosen)]
    result.header_row = table.header_row
    result.errors.extend(table.issues)
    result.rows_total = len(table.rows)
    if result.errors:
        result.refuse()
        return result
    if not table.rows:
        result.errors.append(Issue(table.header_row, "", "表头下面没有数据行，请填写数据后再导入"))
        return result
    if dry_run:
        entry.run(ImportContext(table, result, actor, name, dry_run, progress or no_progress, options))
    else:
        _write(
            entry,
            table,
            result,
            actor,
            name,
            job,
            progress or no_progress,
            write_progress or no_progress,
            options,
        )
    if result.errors:
        result.refuse()
    return result


def _write(
    entry: registry.Importer,
    table: Table,
    result: ImportResult,
    actor: User | None,
    name: str,
    job: ImportJob | None,
    progress: Progress,
    write_progress: Progress,
    options: Mapping[str, str],
) -> None:
    log = journal.Journal(
        lambda: journal.start_run(entry.name, name, actor, job),
        lambda: result.created + result.updated,
        entry.model,
        write_progress,
    )
    try:
        with journal.activate(log):
            entry.run(ImportContext(table, result, actor, name, False, progress, options))
    except journal.Abandoned:
        raise  # someone else is reverting this run
    except BaseException:
        if log.run is not None:
            undo.revert(log.run, actor, f"导入中途出错，撤销已写入的部分：{name}")
        raise
    if log.run is None:
        return
    if result.errors:  # found while writing (the data changed since the check): take it all back
        undo.revert(log.run, actor, f"导入发现错误，撤销已写入的部分：{name}")
    else:
        journal.finish_run(log.run)


def run_export(
    kind: str,
    out: IO[bytes],
    *,
    user: User | None,
    actor: User | None,
    filters: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the export `kind` scoped to `user` (None: everything) and record who exported what."""
    entry = registry.exporter(kind)
    if entry is None:
        raise UnknownKind(kind)
    filters = {k: v for k, v in (filters or {}).items() if v}
    count = entry.run(user, filters, out, progress)
    record(
        actor,
        "export",
        None,
        object_type=f"sheets.{kind}",
        object_repr=f"导出{entry.label}",
        changes={"rows": count, "filters": entry.describe_filters(filters)},
    )
    return count
