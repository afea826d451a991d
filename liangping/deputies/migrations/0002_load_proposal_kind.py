"""Load the proposal kind (liangping/kinds/proposal.toml) that this app owns."""

from django.db import migrations

from liangping.cases.kindload import load_files
from liangping.kinds.spec import KINDS_DIR

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")


def forward(apps, schema_editor):
    load_files([KINDS_DIR / "proposal.toml"], {name: apps.get_model("cases", name) for name in MODELS})


class Migration(migrations.Migration):
    dependencies = [("deputies", "0001_initial"), ("cases", "0006_time_limit_calendar_units")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
