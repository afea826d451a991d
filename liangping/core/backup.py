"""Backups of the whole database and their restore (等保2.0 三级 数据备份恢复).

SQLite: the sqlite3 online backup API, page by page while the application keeps running; the backup
is an ordinary SQLite file. PostgreSQL (and kin): pg_dump in its custom format (-Fc), restored by
pg_restore --clean in one transaction, so a failed restore leaves the database as it was.

A restore refuses a database that already holds data unless told --force, and refuses a file of the
other kind. It also refuses a backup whose audit chain does not verify (core.backupchain) unless told
--force with a --reason, which goes into the restore's audit entry. Both are recorded in the audit
log: the backup before it is taken (so the backup holds its own entry), the restore after it (appended
to the restored chain).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

from liangping.core import backupchain
from liangping.core.audit import record
from liangping.core.models import AuditLog, User
from liangping.env import private_dir, private_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
OWN_APPS_PREFIX = "liangping."
PAGES_PER_STEP = 1024


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with a message in Chinese saying why and what to do."""


def vendor(using: str = DEFAULT_DB_ALIAS) -> str:
    return str(connections[using].vendor)


def own_models() -> list[Any]:
    """The concrete models of the project's own apps (not Django's contenttypes, permissions, sessions)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith(OWN_APPS_PREFIX) and not m._meta.proxy and m._meta.managed
    ]


def counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per model of the project's apps: what a restore must bring back."""
    return {m._meta.label: m._default_manager.using(using).count() for m in own_models()}


def is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True for a database nobody has used yet: no accounts and no audit entries (or no tables at all).

    Everything that writes ledger data writes an audit entry, and nothing is done without an account,
    so this is what "holds data" means; the reference tables a fresh `migrate` fills (the 16 cities,
    the indicator catalogue) do not count.
    """
    tables = set(connections[using].introspection.table_names())
    for model in (User, AuditLog):
        if model._meta.db_table in tables and model._default_manager.using(using).exists():
            return False
    return True


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install postgresql-client，"
            "或运行 make pg-client），版本不低于数据库服务器"
        )
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what}失败：{' '.join(detail)}")


def backup(path: Path, actor: Any = None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write a backup of the whole database to `path`; the row counts it holds."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise BackupError(f"{path} 是一个目录，请给出备份文件名")
    private_dir(path.parent)
    record(actor, "system.backup", None, object_type="core.backup", object_repr=f"备份数据库到 {path.name}")
    held = counts(using)
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        tmp = path.with_name(path.name + ".part")
        tmp.unlink(missing_ok=True)
        private_file(tmp)  # a backup holds everything: the service account's alone (0600)
        target = sqlite3.connect(tmp)
        try:
            connection.connection.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
        tmp.replace(path)
    elif connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        private_file(path)
        args = [
            _tool("pg_dump"),
            "-Fc",
            "--no-owner",
            "--no-privileges",
            "-f",
            str(path),
            settings_dict["NAME"],
        ]
        _run(args, _pg_env(settings_dict), "pg_dump 备份")
        private_file(path)
    else:
        raise BackupError(f"暂不支持备份 {connection.vendor} 数据库，请用该数据库自带的备份工具")
    return held


def check_chain(path: Path, *, force: bool, reason: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The backup's audit chain, verified; refused when broken unless forced with a reason.

    Returns what the restore's audit entry says about it."""
    if connections[using].vendor == "postgresql":
        chain = backupchain.check(
            path, using, pg_restore=_tool("pg_restore"), env=_pg_env(connections[using].settings_dict)
        )
    else:
        chain = backupchain.check(path, using)
    if not chain.problem:
        report = chain.report
        return {"chain": "legacy" if chain.legacy else "keyed", "entries": report.count if report else 0}
    if not (force and reason.strip()):
        raise BackupError(
            f"备份 {path.name} 中的审计日志校验不通过：{chain.problem}。这份备份可能被改动过，"
            "或来自使用另一个审计密钥（LIANGPING_AUDIT_KEY）的系统。"
            '确认仍要恢复时请加 --force --reason "原因"，原因会记入审计日志'
        )
    return {"chain": "broken", "problem": chain.problem}


def restore(
    path: Path,
    *,
    force: bool = False,
    reason: str = "",
    actor: Any = None,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, int]:
    """Replace the database with the backup at `path`; the row counts afterwards."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    with path.open("rb") as handle:
        head = handle.read(16)
    connection = connections[using]
    kind = connection.vendor
    if kind == "sqlite" and not head.startswith(SQLITE_MAGIC):
        raise BackupError(f"{path.name} 不是 SQLite 备份文件（当前数据库是 SQLite），请确认备份文件")
    if kind == "postgresql" and not head.startswith(PGDUMP_MAGIC):
        raise BackupError(
            f"{path.name} 不是 pg_dump（-Fc）备份文件（当前数据库是 PostgreSQL），请确认备份文件"
        )
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"暂不支持恢复 {kind} 数据库，请用该数据库自带的恢复工具")
    chain = check_chain(path, force=force, reason=reason, using=using)
    if not force and not is_empty(using):
        raise BackupError("当前数据库已有数据，恢复会覆盖全部现有数据。确认要覆盖时请加 --force")
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection, pages=PAGES_PER_STEP)
        finally:
            source.close()
    else:
        settings_dict = connection.settings_dict
        connection.close()
        args = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            settings_dict["NAME"],
            str(path),
        ]
        _run(args, _pg_env(settings_dict), "pg_restore 恢复")
    connection.close()  # the next query sees the restored database
    held = counts(using)
    record(
        actor,
        "system.restore",
        None,
        object_type="core.backup",
        object_repr=f"从 {path.name} 恢复数据库",
        changes=chain,
        reason=reason,
    )
    return held
