"""The data steps of core 0004 (chain the entries written before the chain) and 0005 (re-seal it keyed)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.models import AuditLog

BEFORE = [("core", "0003_apitoken")]
AFTER = [("core", "0004_audit_chain")]
KEYED = [("core", "0005_audit_keyed")]


@pytest.fixture(autouse=True)
def _complete_schema_afterwards():
    """Each test leaves the schema at every app's latest migration, whatever it stopped at (or failed
    at): the tests that follow in the same process need the later tables and a consistent history."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_chained():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldLog = old_apps.get_model("core", "AuditLog")
    for i in range(5):
        OldLog.objects.create(
            at=timezone.now(),
            actor_name="系统",
            action="project.update",
            object_type="projects.project",
            object_id=str(i),
            changes={"name": [f"旧{i}", f"新{i}"]},
            reason="迁移前",
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    rows = list(AuditLog.objects.order_by("id"))
    assert len(rows) == 5 and rows[0].prev_hash == auditchain.GENESIS
    assert all(r.hash for r in rows)
    legacy = auditchain.walk(iter(rows), {}, auditchain.legacy_hasher())
    assert legacy.broken is None
    assert auditchain.verify(AuditLog).broken is not None  # not yet under the key

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(KEYED)
    keyed = list(AuditLog.objects.order_by("id"))
    assert len(keyed) == 6 and [r.id for r in keyed[:5]] == [r.id for r in rows]
    assert all(new.hash != old.hash for new, old in zip(keyed, rows, strict=False))
    rekey = keyed[-1]
    assert rekey.action == "audit.rekey"
    assert rekey.changes == {
        "legacy_count": 5,
        "legacy_head": legacy.head,
        "legacy_intact": True,
        "legacy_broken_id": None,
    }
    assert auditchain.verify(AuditLog).broken is None


@pytest.mark.django_db(transaction=True)
def test_a_broken_legacy_chain_is_resealed_and_the_break_recorded():
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    OldLog = executor.loader.project_state(AFTER).apps.get_model("core", "AuditLog")
    prev = auditchain.GENESIS
    ids = []
    for i in range(3):
        entry = OldLog(at=timezone.now(), actor_name="系统", action="x.y", object_type="t", reason=str(i))
        entry.prev_hash = prev
        entry.hash = auditchain.digest(entry, prev, auditchain.legacy_hasher())
        entry.save()
        prev = entry.hash
        ids.append(entry.id)
    OldLog.objects.filter(id=ids[1]).update(reason="改过")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(KEYED)
    rekey = AuditLog.objects.order_by("-id").first()
    assert rekey.changes["legacy_intact"] is False and rekey.changes["legacy_broken_id"] == ids[1]
    assert auditchain.verify(AuditLog).broken is None
