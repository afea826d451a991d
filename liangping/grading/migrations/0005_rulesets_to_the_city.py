"""The rule sets an installation already has belong to its city when it has exactly one (they were
its supervisors' edits); with several cities (or none) they stay the province's defaults."""

from django.db import migrations


def to_the_city(apps, schema_editor):
    Org = apps.get_model("core", "Org")
    RuleSet = apps.get_model("grading", "RuleSet")
    cities = list(Org.objects.filter(kind="city").values_list("pk", flat=True)[:2])
    if len(cities) == 1:
        RuleSet.objects.filter(tenant__isnull=True).update(tenant_id=cities[0])


def to_the_province(apps, schema_editor):
    RuleSet = apps.get_model("grading", "RuleSet")
    RuleSet.objects.update(tenant_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_periods_to_the_city"),
        ("grading", "0004_ruleset_tenant"),
    ]

    operations = [
        migrations.RunPython(to_the_city, to_the_province),
    ]
