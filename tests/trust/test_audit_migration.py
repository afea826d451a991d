"""The data steps of core 0004 (chain the entries written before the chain) and 0005 (re-seal it keyed)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.models import AuditLog

BEFORE = [("core", "0003_apitoken")]
AFTER = [("core", "0004_audit_chain")]
KEYED = [("core", "0005_audit_keyed")]
# The schemas these tests stop at predate AuditLog.tenant (core 0015): today's model reads without it.


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
    rows = list(AuditLog.objects.defer("tenant").order_by("id"))
    assert len(rows) == 5 and rows[0].prev_hash == auditchain.GENESIS
    assert all(r.hash for r in rows)
    legacy = auditchain.walk(iter(rows), {}, auditchain.legacy_hasher())
    assert legacy.broken is None
    assert auditchain.verify(AuditLog).broken is not None  # not yet under the key

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(KEYED)
    keyed = list(AuditLog.objects.defer("tenant").order_by("id"))
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
    rekey = AuditLog.objects.defer("tenant").order_by("-id").first()
    assert rekey.changes["legacy_intact"] is False and rekey.changes["legacy_broken_id"] == ids[1]
    assert auditchain.verify(AuditLog).broken is None


BEFORE_TENANT = [("core", "0014_deputy_member_roles")]
TENANT = [("core", "0015_audit_tenant")]


@pytest.mark.django_db(transaction=True)
def test_existing_entries_take_their_city_and_the_chain_still_verifies():
    """core 0015: an actor's entry takes the actor's city, one without an actor of a unit its record's
    city where the record tells; the rest none. The chain, sealed before, verifies after, and with
    new entries of every kind appended to it."""
    from liangping.core.audit import record
    from liangping.core.models import Org, OrgKind, Role
    from tests.cast import make_user

    province = Org.objects.create(name="山东省", kind=OrgKind.PROVINCE)
    jinan = Org.objects.create(name="济南市", kind=OrgKind.CITY, parent=province)
    district = Org.objects.create(name="历下区", kind=OrgKind.DISTRICT, parent=jinan)
    zaozhuang = Org.objects.create(name="枣庄市", kind=OrgKind.CITY, parent=province)
    jn_user = make_user("jn", Role.SUPERVISOR, district, "济南督查员")
    zz_user = make_user("zz", Role.DISTRICT, zaozhuang, "枣庄用户")
    sheng = make_user("sheng", Role.SUPERVISOR, province, "省督查员")
    nobody = make_user("nobody", Role.SYSADMIN, None, "无单位管理员")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_TENANT)
    OldLog = executor.loader.project_state(BEFORE_TENANT).apps.get_model("core", "AuditLog")
    cases = [  # (actor, object_type, object_id) → the city the entry should take
        ((jn_user, "projects.project", "424242"), jinan.pk),
        ((sheng, "core.org", str(district.pk)), None),  # the province's people: the province's
        ((None, "core.org", str(district.pk)), jinan.pk),  # the system, about a 济南 unit
        ((None, "core.user", str(zz_user.pk)), zaozhuang.pk),  # the system, about a 枣庄 person
        ((nobody, "core.org", str(district.pk)), jinan.pk),  # an actor without a unit: the record's
        ((None, "demo", "2026-12-06"), None),  # no record
        ((None, "core.org", "999999"), None),  # a record gone
    ]
    entries = [
        OldLog(
            at=timezone.now(),
            actor_id=actor.pk if actor else None,
            actor_name=actor.name if actor else "系统",
            action="x.update",
            object_type=object_type,
            object_id=object_id,
            reason="迁移前",
        )
        for (actor, object_type, object_id), _ in cases
    ]
    with transaction.atomic():
        auditchain.lock("default")
        auditchain.seal(OldLog, entries, "default")
        OldLog.objects.bulk_create(entries)
    assert auditchain.verify(OldLog).broken is None

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(TENANT)
    got = list(AuditLog.objects.filter(reason="迁移前").order_by("id").values_list("tenant_id", flat=True))
    assert got == [want for _, want in cases]
    assert auditchain.verify(AuditLog).broken is None
    record(None, "project.update", district, changes={"name": ["a", "b"]})
    record(zz_user, "project.update", None, object_type="projects.project", object_id="1")
    record(None, "case_kind.load", None, object_type="cases.casekind")
    report = auditchain.verify(AuditLog)
    assert report.broken is None and report.count == len(cases) + 3
    assert list(AuditLog.objects.order_by("-id").values_list("tenant_id", flat=True)[:3]) == [
        None,
        zaozhuang.pk,
        jinan.pk,
    ]
