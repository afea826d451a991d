"""Load the kinds the services app owns: 帮办代办 (assist), 一件事 (bundle) and its parts (bundle_part).
Idempotent: an unchanged file changes nothing (a fresh database already has them from the cases app's
load of every shipped file)."""

from django.db import migrations

from liangping.cases.kindload import load_files
from liangping.kinds.spec import KINDS_DIR

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")
FILES = ("assist.toml", "bundle_part.toml", "bundle.toml")


def forward(apps, schema_editor):
    models = {name: apps.get_model("cases", name) for name in MODELS}
    load_files([KINDS_DIR / name for name in FILES], models)


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Kind = apps.get_model("cases", "CaseKind")
    codes = ["assist", "bundle", "bundle_part"]
    if Case.objects.filter(kind__in=codes).exists():
        return  # cases of these kinds keep their kinds
    for kind in Kind.objects.filter(code__in=codes):
        apps.get_model("cases", "CaseTimeLimit").objects.filter(kind=kind).delete()
        apps.get_model("cases", "CaseCategory").objects.filter(kind=kind).delete()
        kind.current = None
        kind.save(update_fields=["current"])
        apps.get_model("cases", "CaseKindVersion").objects.filter(kind=kind).delete()
        kind.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0001_initial"),
        ("cases", "0006_time_limit_calendar_units"),
    ]

    operations = [migrations.RunPython(forward, backward)]
