"""Load the 企业服务工作室 request kind (liangping/kinds/firm_service.toml) into a database that loaded
the shipped kinds before it existed. Idempotent: an unchanged stored kind is left as it is."""

from django.db import migrations

from liangping.cases.kindload import load_files
from liangping.kinds.spec import KINDS_DIR

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")


def forward(apps, schema_editor):
    models = {name: apps.get_model("cases", name) for name in MODELS}
    load_files([KINDS_DIR / "firm_service.toml"], models)


class Migration(migrations.Migration):
    dependencies = [
        ("firms", "0001_initial"),
        ("cases", "0005_load_kinds"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
