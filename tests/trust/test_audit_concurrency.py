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
