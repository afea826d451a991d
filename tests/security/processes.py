"""Running the real `liangping` command against a database file, and killing it at a chosen moment.

The moment is observed from outside, as an operator would see it: SQLite lets one writer at a time,
so a second connection that cannot start `BEGIN IMMEDIATE` proves the command is inside its write
transaction; the -wal file growing while that lock is held proves rows are being written.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

COMMAND = Path(sys.executable).with_name("liangping")
REPO = Path(__file__).resolve().parents[2]


def env_for(db: Path) -> dict[str, str]:
    """The environment of a `liangping` process using the SQLite file `db` (never DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        LIANGPING_ENV="test",
        LIANGPING_SQLITE_PATH=str(db),
        LIANGPING_VAR_DIR=str(db.parent),
        LIANGPING_MEDIA_ROOT=str(db.parent / "media"),
        PYTHONPATH=str(REPO),
    )
    return env


def run(args: Sequence[str | Path], db: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COMMAND), *map(str, args)],
        env=env_for(db),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def copy_db(template: Path, target: Path) -> Path:
    """A copy of the database file with the audit key it was sealed with (var/audit_key beside it): the
    audit chain of a copy verifies only with the key of the original."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    key = template.parent / "audit_key"
    if key.exists() and not (target.parent / "audit_key").exists():
        shutil.copyfile(key, target.parent / "audit_key")
    return target


def write_locked(db: Path) -> bool:
    """True while another connection holds the write lock of `db`."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def wal_size(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def kill_when(
    args: Sequence[str | Path],
    db: Path,
    moment: Callable[[], bool],
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `liangping ARGS` and SIGKILL it as soon as `moment()` holds; fail if it ends first."""
    process = subprocess.Popen(
        [str(COMMAND), *map(str, args)],
        env={**env_for(db), **(env or {})},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(
                    f"the command ended (status {process.returncode}) before the kill: {err}"
                )
            if moment():
                os.kill(process.pid, signal.SIGKILL)
                break
            if time.monotonic() > deadline:
                raise AssertionError("the awaited moment never came")
            time.sleep(0.001)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, process.returncode
    return process


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """A fresh connection, as the next process to open the file would make (it recovers the WAL)."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def counts(db: Path, *tables: str) -> dict[str, int]:
    return {t: int(query(db, f'SELECT COUNT(*) FROM "{t}"')[0][0]) for t in tables}  # type: ignore[call-overload]


def integrity(db: Path) -> str:
    return str(query(db, "PRAGMA integrity_check")[0][0])
