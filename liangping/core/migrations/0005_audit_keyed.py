"""Re-seal the audit chain with the keyed digest (HMAC with LIANGPING_AUDIT_KEY).

The unkeyed chain is checked first; the result (intact or where it broke, its length and head) goes
into an entry "audit.rekey" appended to the re-sealed chain, so the legacy head stays on record under
the key. The first entry keeps its prev_hash (the genesis, or the anchor of a purge), as verify expects.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone

BATCH = 2000


def reseal(apps: Any, schema_editor: Any) -> None:
    from liangping.core import auditchain

    AuditLog = apps.get_model("core", "AuditLog")
    using = schema_editor.connection.alias
    legacy = auditchain.legacy_hasher()
    keyed = auditchain.hasher()
    anchors = auditchain.anchors(AuditLog, using)
    old_prev: str | None = None
    new_prev: str | None = None
    broken_id: int | None = None
    count = 0
    last_id = 0
    while True:  # batches by id, no cursor left open over the rows being updated
        batch = list(AuditLog.objects.using(using).filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            break
        for entry in batch:
            count += 1
            if broken_id is None:
                first_ok = old_prev is not None or entry.prev_hash == auditchain.GENESIS or (
                    anchors.get(entry.prev_hash, entry.id) < entry.id
                )
                link_ok = old_prev is None or entry.prev_hash == old_prev
                if not (first_ok and link_ok and auditchain.digest(entry, entry.prev_hash, legacy) == entry.hash):
                    broken_id = entry.id
            old_prev = entry.hash
            if new_prev is None:
                new_prev = entry.prev_hash  # genesis or a purge anchor: kept
            entry.prev_hash = new_prev
            entry.hash = auditchain.digest(entry, new_prev, keyed)
            new_prev = entry.hash
        AuditLog.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
        last_id = batch[-1].id
    if not count:
        return
    entry = AuditLog(
        at=timezone.now(),
        actor_name="系统",
        action="audit.rekey",
        object_type="core.auditlog",
        object_repr="审计日志摘要链改为密钥摘要（HMAC）",
        changes={
            "legacy_count": count,
            "legacy_head": old_prev,
            "legacy_intact": broken_id is None,
            "legacy_broken_id": broken_id,
        },
        reason="升级：审计日志摘要链加密钥",
    )
    entry.prev_hash = new_prev
    entry.hash = auditchain.digest(entry, new_prev, keyed)
    entry.save(using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_chain"),
    ]

    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop, elidable=False),
    ]
