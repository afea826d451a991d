"""Org names unique per kind within a tenant (two cities may each have a 市中区), towns and villages
under their parent; division codes unique."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_org_codes_and_tenants'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='org',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False), models.Q(('kind__in', ['town', 'village']), _negated=True)), fields=('tenant', 'kind', 'name'), name='org_tenant_kind_name_unique'),
        ),
        migrations.AddConstraint(
            model_name='org',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['town', 'village'])), fields=('parent', 'kind', 'name'), name='org_parent_kind_name_unique'),
        ),
        migrations.AddConstraint(
            model_name='org',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('kind', 'name'), name='org_kind_name_unique_untenanted'),
        ),
        migrations.AddConstraint(
            model_name='org',
            constraint=models.UniqueConstraint(condition=models.Q(('code', ''), _negated=True), fields=('code',), name='org_code_unique'),
        ),
    ]
