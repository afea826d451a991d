"""The periods an installation already has belong to its city when it has exactly one (a single-city
installation keeps working as before); with several cities (or none) they stay the province's.
Its own migration: on PostgreSQL a table with pending foreign-key checks cannot be altered in the same
transaction."""

from django.db import migrations


def to_the_city(apps, schema_editor):
    Org = apps.get_model("core", "Org")
    Period = apps.get_model("core", "Period")
    cities = list(Org.objects.filter(kind="city").values_list("pk", flat=True)[:2])
    if len(cities) == 1:
        Period.objects.filter(tenant__isnull=True).update(tenant_id=cities[0])


def to_the_province(apps, schema_editor):
    Period = apps.get_model("core", "Period")
    Period.objects.update(tenant_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_period_tenant"),
    ]

    operations = [
        migrations.RunPython(to_the_city, to_the_province),
    ]
