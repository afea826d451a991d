"""Faults: a process killed with SIGKILL in the middle of its work leaves the database as it was.

The real `liangping` command runs against a database file holding the demo city (loaded once per
session with `liangping demo --no-serve`, then copied per test) and is killed from outside at a moment
observed in the database itself (see processes.py): no hook in the application code.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.security import processes as proc
from tests.security.conftest import OPEN_PERIOD
from tests.sheets.builders import LEDGER_HEADER, ledger_row

pytestmark = pytest.mark.slow

LEDGER_TABLES = ("projects_project", "projects_stageevent", "core_org", "core_user", "core_auditlog")
DATA_TABLES = LEDGER_TABLES[:-1]  # the audit log keeps the entries of a reverted import, and says so
BIG_ROWS = 3000
CHUNK = 500
WRITING = 256 * 1024  # bytes of -wal written inside the transaction: rows are going in


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    return proc.copy_db(demo_db, tmp_path / "fault.sqlite3")


def write_ledger(path: Path, rows: int, prefix: str) -> Path:
    """A ledger of new projects in the demo city (its districts; new companies are created)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(LEDGER_HEADER)
    for i in range(rows):
        sheet.append(ledger_row(f"{prefix}{i:05d}", **{"建设单位": f"第{i % 200}号建设有限公司"}))
    book.save(path)
    return path


def written(db: Path, table: str, at_least: int) -> bool:
    return proc.counts(db, table)[table] >= at_least


@pytest.mark.parametrize("chunks_committed", [0, 2], ids=["inside-first-chunk", "after-two-chunks"])
def test_import_killed_half_way_writes_nothing(db, tmp_path, chunks_committed):
    """Killed inside a chunk's transaction, or after chunks committed: `liangping import recover` takes
    the whole import back at once (the process is known dead), and the audit log says so."""
    big = write_ledger(tmp_path / "BIG.xlsx", BIG_ROWS, "K")
    before = proc.counts(db, *LEDGER_TABLES)
    projects = before["projects_project"]

    if chunks_committed:  # rows of two chunks are in the file for everyone to see
        moment = lambda: written(db, "projects_project", projects + 2 * CHUNK)  # noqa: E731
    else:
        moment = lambda: proc.write_locked(db) and proc.wal_size(db) > WRITING  # noqa: E731
    proc.kill_when(["import", "projects", big], db, moment, env={"LIANGPING_IMPORT_CHUNK": str(CHUNK)})

    assert proc.integrity(db) == "ok"
    recovered = proc.run(["import", "recover"], db)
    assert recovered.returncode == 0, recovered.stderr
    assert proc.counts(db, *DATA_TABLES) == {t: before[t] for t in DATA_TABLES}
    assert proc.query(db, "SELECT COUNT(*) FROM projects_project WHERE code LIKE 'K%'") == [(0,)]
    assert proc.query(db, "SELECT COUNT(*) FROM sheets_importchange") == [(0,)]
    if chunks_committed:
        assert "已撤销中断的导入“BIG.xlsx”" in recovered.stderr
        assert proc.query(db, "SELECT COUNT(*) FROM core_auditlog WHERE action = 'import.revert'") == [(1,)]
    verified = proc.run(["audit", "verify"], db)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # The file is not left locked or half-recovered: the next import goes through.
    small = write_ledger(tmp_path / "small.xlsx", 3, "S")
    done = proc.run(["import", "projects", small, "--json"], db)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert proc.counts(db, "projects_project")["projects_project"] == before["projects_project"] + 3


def period_state(db: Path, code: str) -> tuple[str, int]:
    status = proc.query(db, "SELECT status FROM core_period WHERE code = ?", code)
    snapshots = proc.query(
        db,
        "SELECT COUNT(*) FROM grading_snapshot s JOIN core_period p ON p.id = s.period_id WHERE p.code = ?",
        code,
    )
    return (str(status[0][0]) if status else "absent", int(snapshots[0][0]))  # type: ignore[call-overload]


def test_period_lock_killed_half_way_leaves_the_period_open(db):
    code = OPEN_PERIOD
    assert period_state(db, code) == ("open", 0)
    items = proc.counts(db, "grading_snapshotitem", "core_auditlog")

    proc.kill_when(["period", "lock", code, "--yes"], db, lambda: proc.write_locked(db))

    assert proc.integrity(db) == "ok"
    assert period_state(db, code) == ("open", 0)
    assert proc.counts(db, "grading_snapshotitem", "core_auditlog") == items
    # Locking again after the crash works and gives snapshot version 1.
    done = proc.run(["period", "lock", code, "--yes"], db)
    assert done.returncode == 0, done.stderr
    assert "快照第1版" in done.stdout
    assert period_state(db, code) == ("locked", 1)
