"""Settings and holiday overrides per city: a row without a tenant is the installation's default,
a city's own row overrides it there. Existing rows stay the installation's defaults."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_periods_to_the_city'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='calendarday',
            options={'ordering': ['date', 'id'], 'verbose_name': '节假日调整', 'verbose_name_plural': '节假日调整'},
        ),
        migrations.AlterModelOptions(
            name='calendaryear',
            options={'ordering': ['year', 'id']},
        ),
        migrations.AddField(
            model_name='calendarday',
            name='tenant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.org', verbose_name='所属城市'),
        ),
        migrations.AddField(
            model_name='calendaryear',
            name='tenant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.org', verbose_name='所属城市'),
        ),
        migrations.AddField(
            model_name='setting',
            name='tenant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.org', verbose_name='所属城市'),
        ),
        migrations.AlterField(
            model_name='calendarday',
            name='date',
            field=models.DateField(verbose_name='日期'),
        ),
        migrations.AlterField(
            model_name='calendaryear',
            name='year',
            field=models.PositiveIntegerField(verbose_name='年份'),
        ),
        migrations.AlterField(
            model_name='setting',
            name='key',
            field=models.CharField(max_length=60),
        ),
        migrations.AddConstraint(
            model_name='calendarday',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'date'), name='calendar_day_date_tenant_unique'),
        ),
        migrations.AddConstraint(
            model_name='calendarday',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('date',), name='calendar_day_date_unique'),
        ),
        migrations.AddConstraint(
            model_name='calendaryear',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'year'), name='calendar_year_tenant_unique'),
        ),
        migrations.AddConstraint(
            model_name='calendaryear',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('year',), name='calendar_year_unique'),
        ),
        migrations.AddConstraint(
            model_name='setting',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', False)), fields=('tenant', 'key'), name='setting_key_tenant_unique'),
        ),
        migrations.AddConstraint(
            model_name='setting',
            constraint=models.UniqueConstraint(condition=models.Q(('tenant__isnull', True)), fields=('key',), name='setting_key_unique'),
        ),
    ]
