"""Ten thousand rows: imported in bulk (no per-row queries), re-imported without a single write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangping.core.auditlog import changes_of
from liangping.core.models import AuditLog
from liangping.projects.models import Project, StageEvent
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_ten_thousand_rows(imp, tmp_path):
    rows = [
        ledger_row(
            f"L{i:05d}",
            **{"建设单位": f"第{i % 300}号建设有限公司", "建设阶段": ["在建", "签约", "储备"][i % 3]},
        )
        for i in range(10000)
    ]
    path = write_xlsx(tmp_path / "big.xlsx", [["2025年重点项目台账"], ["单位：万元"], LEDGER_HEADER, *rows])
    with CaptureQueriesContext(connection) as queries:
        result = imp(path)
    assert result.ok and result.created == 10000 and len(result.warnings) == 300  # 300 new companies
    # Lookups once; each chunk of journal.chunk_size() rows is a transaction of a handful of statements
    # (heartbeat, rows, their journal entries): the count grows with chunks, never with rows.
    assert len(queries) < 400, "lookups are loaded once and rows written in batches"
    assert Project.objects.count() == 10002 and StageEvent.objects.count() == 10000
    # one audit entry for the file, carrying every project's fields; each project's history finds it
    entry = AuditLog.objects.get(action="project.import")
    part = entry.changes["objects"]["projects.project"]
    assert len(part["created"]) == 10000 and "updated" not in part
    last = Project.objects.get(code="L09999")
    assert AuditLog.objects.about("projects.project", last.pk).get() == entry
    assert changes_of(entry, "projects.project", last.pk)["stage"] == [None, last.stage]
    created_entry = entry.pk
    before = (AuditLog.objects.count(), StageEvent.objects.count())
    with CaptureQueriesContext(connection) as queries:
        again = imp(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10000)
    assert (AuditLog.objects.count(), StageEvent.objects.count()) == before
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    changed = [
        ledger_row(f"L{i:05d}", **{"建设单位": f"第{i % 300}号建设有限公司", "建设阶段": "投产"})
        for i in range(10000)
    ]
    result = imp(write_xlsx(tmp_path / "big2.xlsx", [LEDGER_HEADER, *changed]))
    assert result.updated == 10000
    assert StageEvent.objects.count() == 20000
    entry = AuditLog.objects.filter(action="project.import").latest("id")
    part = entry.changes["objects"]["projects.project"]
    assert len(part["updated"]) == 10000 and "created" not in part
    assert [e.pk for e in AuditLog.objects.about("projects.project", last.pk)] == [entry.pk, created_entry]
    assert changes_of(entry, "projects.project", last.pk)["stage"][1] == "operating"
