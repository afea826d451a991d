"""Rule sets belong to a city (tenant) or, with no tenant, to the province as its defaults."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_period_tenant'),
        ('grading', '0003_board_order_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='ruleset',
            options={'ordering': ['-version', '-id'], 'verbose_name': '分级规则', 'verbose_name_plural': '分级规则'},
        ),
        migrations.AddField(
            model_name='ruleset',
            name='tenant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.org', verbose_name='所属城市'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='version',
            field=models.PositiveIntegerField(verbose_name='版本'),
        ),
        migrations.AddConstraint(
            model_name='ruleset',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'version'), name='ruleset_tenant_version'),
        ),
        migrations.AddConstraint(
            model_name='ruleset',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('version',), name='ruleset_province_version'),
        ),
    ]
