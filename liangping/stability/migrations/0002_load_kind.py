"""Load the stability case kind (liangping/kinds/stability.toml) into the case engine's tables.

Idempotent: a database where the kind is already stored (cases 0005 loads every shipped file into a
new database) keeps it as it is; categories and time limits an administrator edited stay as edited."""

from django.db import migrations

from liangping.cases.kindload import load_files
from liangping.kinds.spec import KINDS_DIR

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")


def forward(apps, schema_editor):
    models = {name: apps.get_model("cases", name) for name in MODELS}
    load_files([KINDS_DIR / "stability.toml"], models)


class Migration(migrations.Migration):
    dependencies = [
        ("stability", "0001_initial"),
        ("cases", "0006_time_limit_calendar_units"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
