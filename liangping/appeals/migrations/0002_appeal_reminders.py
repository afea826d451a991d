"""The appeal kind's file gained reminders before the finish deadline: store it as the kind's new
version (idempotent; cases keep the version they were registered under)."""

from django.db import migrations

from liangping.cases.kindload import load_files
from liangping.kinds.spec import KINDS_DIR

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")


def forward(apps, schema_editor):
    models = {name: apps.get_model("cases", name) for name in MODELS}
    load_files([KINDS_DIR / "appeal.toml"], models)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("cases", "0005_load_kinds"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
