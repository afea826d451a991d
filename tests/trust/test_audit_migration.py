"""The data step of core 0004 chains the entries written before the chain existed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.models import AuditLog

BEFORE = [("core", "0003_apitoken")]
AFTER = [("core", "0004_audit_chain")]


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
    assert auditchain.verify(AuditLog).broken is None
