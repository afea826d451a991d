import liangping.core.fields
from django.db import migrations


class Migration(migrations.Migration):
    """The audit entry's JSON column writes the text its seal encoded (core.fields.SealedJSONField):
    the same column type, so the database is not touched (on SQLite an AlterField would copy the
    whole log into a new table)."""

    dependencies = [
        ("core", "0015_audit_tenant"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditlog",
                    name="changes",
                    field=liangping.core.fields.SealedJSONField(
                        blank=True, default=dict, verbose_name="变更（旧值 → 新值）"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
