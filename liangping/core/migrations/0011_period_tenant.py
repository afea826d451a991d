"""Periods belong to a city (tenant), or with no tenant to the province: codes unique per tenant."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0010_audit_subject'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='period',
            name='period_kind_year_month',
        ),
        migrations.AddField(
            model_name='period',
            name='tenant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.org', verbose_name='所属城市'),
        ),
        migrations.AlterField(
            model_name='period',
            name='code',
            field=models.CharField(max_length=10, verbose_name='考核期'),
        ),
        migrations.AddConstraint(
            model_name='period',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'kind', 'year', 'month'), name='period_tenant_kind_year_month'),
        ),
        migrations.AddConstraint(
            model_name='period',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('kind', 'year', 'month'), name='period_province_kind_year_month'),
        ),
        migrations.AddConstraint(
            model_name='period',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'code'), name='period_tenant_code'),
        ),
        migrations.AddConstraint(
            model_name='period',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('code',), name='period_province_code'),
        ),
    ]
