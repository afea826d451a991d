"""Digests for the audit log (prev_hash, hash) and a data step that chains the entries already written."""

from typing import Any

from django.db import migrations, models

BATCH = 2000


def chain_existing(apps: Any, schema_editor: Any) -> None:
    from liangping.core import auditchain

    AuditLog = apps.get_model("core", "AuditLog")
    using = schema_editor.connection.alias
    hash_func = auditchain.legacy_hasher()  # the chain was unkeyed then; 0005 re-seals it keyed
    prev = auditchain.GENESIS
    last_id = 0
    while True:  # batches by id, no cursor left open over the rows being updated
        batch = list(AuditLog.objects.using(using).filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            return
        for entry in batch:
            entry.prev_hash = prev
            entry.hash = auditchain.digest(entry, prev, hash_func)
            prev = entry.hash
        AuditLog.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=128, verbose_name="前一条摘要"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=128, verbose_name="摘要"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
    ]
