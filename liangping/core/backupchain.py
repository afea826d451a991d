"""The audit chain inside a backup file, checked before the backup replaces the database.

A restore is the one way to swap the whole audit log at once, so a backup whose chain does not verify
(edited rows, or a chain sealed with another key) is refused unless the operator forces it with a reason.

SQLite: the backup is an SQLite file, read directly. PostgreSQL: pg_restore writes the data of the audit
table as COPY text, which is loaded into a temporary table of this session and read back with the
server's own types; nothing of the live database is touched.

A backup taken before the chain was keyed (no migration core 0005 in it) is checked with the unkeyed
digest of that time and reported as legacy; `liangping migrate` re-seals it under the key after restore.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db import connections, transaction

from liangping.core import auditchain

AUDIT_TABLE = "core_auditlog"
KEYED_MIGRATION = "0005_audit_keyed"
COLUMNS = ["id", "prev_hash", "hash", *auditchain.HASHED_FIELDS]  # the stored row, in the chain's order
TEMP_TABLE = "lp_restore_auditlog"
TEMP_DDL = (
    f"CREATE TEMPORARY TABLE {TEMP_TABLE} (id bigint, prev_hash text, hash text, actor_id bigint, "
    "actor_name text, action text, object_type text, object_id text, object_repr text, changes jsonb, "
    "reason text, ip inet, at timestamptz, tenant_id bigint) ON COMMIT DROP"  # tenant: not hashed
)
FETCH = 2000


@dataclass
class BackupChain:
    report: auditchain.Report | None  # None: the backup has no chain to check
    legacy: bool = False
    problem: str = ""  # why it does not verify, in Chinese ("" when it does)


def _entry(row: tuple[Any, ...]) -> SimpleNamespace:
    values = dict(zip(COLUMNS, row, strict=True))
    changes = values["changes"]
    values["changes"] = json.loads(changes) if isinstance(changes, str) else changes
    at = values["at"]
    values["at"] = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    values["prev_hash"] = values["prev_hash"] or ""
    values["hash"] = values["hash"] or ""
    return SimpleNamespace(**values)


def _anchors(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (changes,) in rows:
        data = json.loads(changes) if isinstance(changes, str) else changes
        if isinstance(data, dict) and data.get("anchor_hash"):
            out[str(data["anchor_hash"])] = int(data.get("through_id") or 0)
    return out


def _judge(entries: Iterator[Any], anchors: dict[str, int], legacy: bool) -> BackupChain:
    hash_func = auditchain.legacy_hasher() if legacy else auditchain.hasher()
    report = auditchain.walk(entries, anchors, hash_func)
    problem = ""
    if report.broken is not None:
        problem = f"第一处断链在记录 {report.broken.id}：{report.broken.reason}"
    return BackupChain(report, legacy, problem)


def _sqlite(path: Path) -> BackupChain:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if AUDIT_TABLE not in tables:
            return BackupChain(None, problem="备份中没有审计日志表，无法校验")
        columns = {r[1] for r in source.execute(f"PRAGMA table_info({AUDIT_TABLE})")}
        if "hash" not in columns:
            return BackupChain(None, problem="备份来自审计日志摘要链之前的版本，无法校验")
        legacy = not source.execute(
            "SELECT 1 FROM django_migrations WHERE app = 'core' AND name = ?", [KEYED_MIGRATION]
        ).fetchone()
        anchors = _anchors(
            source.execute(
                f"SELECT changes FROM {AUDIT_TABLE} WHERE action = ?", [auditchain.PURGE_ACTION]
            ).fetchall()
        )
        cursor = source.execute(f"SELECT {', '.join(COLUMNS)} FROM {AUDIT_TABLE} ORDER BY id")
        return _judge((_entry(row) for row in cursor), anchors, legacy)
    finally:
        source.close()


def _copy_blocks(pg_restore: str, path: Path, env: dict[str, str], cursor: Any) -> tuple[bool, set[str]]:
    """Stream pg_restore's COPY text of the audit table into the temporary table.

    Returns (whether the dump has the chain columns, the core migrations it records)."""
    args = [pg_restore, "--data-only", "-t", AUDIT_TABLE, "-t", "django_migrations", "-f", "-", str(path)]
    chained = False
    migrations: set[str] = set()
    with subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        assert proc.stdout is not None
        lines = iter(proc.stdout)
        for line in lines:
            if not line.startswith("COPY ") or "FROM stdin;" not in line:
                continue
            table = line.split()[1].split(".")[-1].strip('"')
            columns = line[line.index("(") + 1 : line.index(")")]
            if table == "django_migrations":
                names = [c.strip() for c in columns.split(",")]
                for data in lines:
                    if data.startswith("\\."):
                        break
                    row = dict(zip(names, data.rstrip("\n").split("\t"), strict=False))
                    if row.get("app") == "core":
                        migrations.add(row.get("name", ""))
            elif table == AUDIT_TABLE:
                chained = "hash" in [c.strip() for c in columns.split(",")]
                with cursor.copy(f"COPY {TEMP_TABLE} ({columns}) FROM STDIN") as copy:
                    for data in lines:
                        if data.startswith("\\."):
                            break
                        copy.write(data)
    if proc.returncode != 0:
        raise RuntimeError(f"pg_restore 读取备份失败（退出码 {proc.returncode}）")
    return chained, migrations


def _postgresql(path: Path, using: str, pg_restore: str, env: dict[str, str]) -> BackupChain:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(TEMP_DDL)
        chained, migrations = _copy_blocks(pg_restore, path, env, cursor.cursor)
        if not chained:
            return BackupChain(None, problem="备份来自审计日志摘要链之前的版本，无法校验")
        cursor.execute(f"SELECT changes::text FROM {TEMP_TABLE} WHERE action = %s", [auditchain.PURGE_ACTION])
        anchors = _anchors(cursor.fetchall())
        select = ", ".join(
            "changes::text" if c == "changes" else "host(ip)" if c == "ip" else c for c in COLUMNS
        )
        cursor.execute(f"SELECT {select} FROM {TEMP_TABLE} ORDER BY id")

        def rows() -> Iterator[Any]:
            while batch := cursor.fetchmany(FETCH):
                yield from (_entry(row) for row in batch)

        return _judge(rows(), anchors, KEYED_MIGRATION not in migrations)


def check(path: Path, using: str, *, pg_restore: str = "", env: dict[str, str] | None = None) -> BackupChain:
    """Verify the audit chain held in the backup at `path` (of the kind of database `using` is)."""
    if connections[using].vendor == "sqlite":
        return _sqlite(path)
    return _postgresql(path, using, pg_restore, env or {})
