"""Writers in parallel threads (own connections, own transactions) never link to the same predecessor."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from liangping.core import auditchain
from liangping.core.audit import bulk_record, record
from liangping.core.models import AuditLog
from liangping.sheets.bulk import audit_entry

WRITERS = 6
EACH = 10


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_chain(cast):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite 内存库在线程间共享缓存，锁语义与文件库不同；文件库与 PostgreSQL 上运行此测试")
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    if i % 3 == 0:
                        bulk_record(
                            [
                                audit_entry(cast.supervisor, "project.import", cast.inside, {"w": n}, "")
                                for _ in range(3)
                            ]
                        )
                    else:
                        record(cast.supervisor, "project.update", cast.inside, changes={"w": [n, i]})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = list(AuditLog.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(rows) == WRITERS * (EACH + 2 * 4)
    assert len({prev for prev, _ in rows}) == len(rows)  # no two entries share a predecessor
    assert auditchain.verify(AuditLog).broken is None


SQLITE_SCRIPT = """
import threading
import django
django.setup()
from django.core.management import call_command
from django.db import connections, transaction
from liangping.core import auditchain
from liangping.core.audit import bulk_record, record
from liangping.core.models import AuditLog

call_command("migrate", verbosity=0)
start = threading.Barrier(6)
errors = []

def writer(n):
    try:
        start.wait()
        for i in range(15):
            with transaction.atomic():
                if i % 5 == 0:
                    entries = [AuditLog(action="x.bulk", object_type="t", changes={"w": n}) for _ in range(4)]
                    bulk_record(entries)
                else:
                    record(None, "x.one", None, object_type="t", changes={"w": [n, i]})
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
report = auditchain.verify(AuditLog)
prevs = list(AuditLog.objects.values_list("prev_hash", flat=True))
print(len(errors), report.count, report.broken is None, len(set(prevs)) == len(prevs))
"""


@pytest.mark.slow
def test_parallel_writers_on_a_sqlite_file(tmp_path):
    """The SQLite path: BEGIN IMMEDIATE serialises writers of a real database file (WAL, busy timeout)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "liangping.settings",
        "LIANGPING_ENV": "test",
        "LIANGPING_SQLITE_PATH": str(tmp_path / "chain.sqlite3"),
        "LIANGPING_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # 6 writers x (12 single entries + 3 bulks of 4)
    assert done.stdout.split() == ["0", str(6 * (12 + 3 * 4)), "True", "True"]
