"""The city each audit entry belongs to (AuditLog.tenant), and a data step that fills it for the entries
written before: an actor's entry takes the actor's city; an entry without an actor of a unit (the
system's jobs) takes its record's city (core.audit.tenant_of), when its record still exists and tells.
The rest stay without a city: the province's auditor reads them. The column is not in the digest
(core.auditchain), so filling it leaves the chain as it was."""

from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill_tenants(apps: Any, schema_editor: Any) -> None:
    from liangping.core.audit import tenant_of

    AuditLog = apps.get_model("core", "AuditLog")
    Org = apps.get_model("core", "Org")
    User = apps.get_model("core", "User")
    using = schema_editor.connection.alias
    log = AuditLog.objects.using(using)
    # the actor's city, in one statement per city
    for tenant_id in Org.objects.using(using).exclude(tenant=None).values_list("tenant_id", flat=True).distinct():
        actors = User.objects.using(using).filter(org__tenant_id=tenant_id).values("pk")
        log.filter(tenant=None, actor__in=actors).update(tenant_id=tenant_id)
    # no actor of a unit: the record's city
    orgs = dict(Org.objects.using(using).values_list("pk", "tenant_id"))
    unplaced = log.filter(tenant=None).filter(models.Q(actor=None) | models.Q(actor__org=None)).exclude(object_id="")
    wanted: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in unplaced.values_list("object_type", "object_id").distinct().iterator():
        wanted[object_type].add(object_id)
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue  # not a record: a file, a setting, the demo
        keys = [int(i) for i in ids if i.isdigit()]
        by_tenant: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(keys), BATCH):
            for pk, obj in model._default_manager.using(using).in_bulk(keys[start : start + BATCH]).items():
                tenant_id = tenant_of(obj, orgs)
                if tenant_id is not None:
                    by_tenant[tenant_id].append(str(pk))
        for tenant_id, found in by_tenant.items():
            for start in range(0, len(found), BATCH):
                unplaced.filter(object_type=object_type, object_id__in=found[start : start + BATCH]).update(
                    tenant_id=tenant_id
                )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_deputy_member_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="tenant",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.org",
                verbose_name="所属城市",
            ),
        ),
        migrations.RunPython(fill_tenants, migrations.RunPython.noop, elidable=False),
    ]
