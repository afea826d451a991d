"""Existing chains become the installation's city's: their 链长's city where the leader has one, else the
installation's first city. Its own migration: on PostgreSQL a table with pending foreign-key checks
cannot be altered in the same transaction."""

from django.db import migrations


def fill(apps, schema_editor):
    Chain = apps.get_model("chains", "Chain")
    Org = apps.get_model("core", "Org")
    city = Org.objects.filter(kind="city").order_by("id").values_list("pk", flat=True).first()
    for chain in Chain.objects.filter(tenant__isnull=True).select_related("leader__org"):
        own = chain.leader.org.tenant_id if chain.leader is not None and chain.leader.org is not None else None
        chain.tenant_id = own or city
        chain.save(update_fields=["tenant"])


class Migration(migrations.Migration):
    dependencies = [
        ("chains", "0002_chain_tenant"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
