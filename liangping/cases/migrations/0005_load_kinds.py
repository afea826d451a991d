"""Load the shipped case kinds and bring the existing project problems under the engine.

Every existing case is a project problem (the only kind registered before the engine): it gets the
kind's first stored version and the deadline fields the engine keeps (due_at at the end of its
deadline day, finished_at when it was replied). The reply limit an administrator may have set
(the 问题答复时限 setting) becomes the project-problem kind's time limit."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

from liangping.cases.kindload import load_files

MODELS = ("CaseKind", "CaseKindVersion", "CaseCategory", "CaseTimeLimit")
STOPPED = ("replied", "verified", "closed")


def forward(apps, schema_editor):
    models = {name: apps.get_model("cases", name) for name in MODELS}
    load_files(None, models)
    Kind = models["CaseKind"]
    Limit = models["CaseTimeLimit"]
    Setting = apps.get_model("core", "Setting")
    Case = apps.get_model("cases", "Case")
    kind = Kind.objects.get(code="project_problem")
    stored = Setting.objects.filter(key="case_reply_workdays").first()
    if stored is not None and isinstance(stored.value, int) and stored.value > 0:
        Limit.objects.filter(kind=kind, category__isnull=True, urgency="").update(finish_amount=stored.value)
        stored.delete()
    kinds = {k.code: k.current_id for k in Kind.objects.all()}
    for case in Case.objects.filter(kind_version__isnull=True).iterator():
        case.kind_version_id = kinds.get(case.kind)
        fields = ["kind_version"]
        if case.deadline is not None and case.due_at is None:
            end = dt.datetime.combine(case.deadline, dt.time.max)
            case.due_at = timezone.make_aware(end)
            case.finish_unit = "workdays"
            case.clock_started_at = case.assigned_at
            fields += ["due_at", "finish_unit", "clock_started_at"]
        if case.status in STOPPED and case.finished_at is None and case.replied_at is not None:
            case.finished_at = case.replied_at
            fields.append("finished_at")
        case.save(update_fields=fields)


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.update(kind_version=None)
    apps.get_model("cases", "CaseTimeLimit").objects.all().delete()
    Category = apps.get_model("cases", "CaseCategory")
    Category.objects.update(parent=None)  # a tree: children point at their parents (PROTECT)
    Category.objects.all().delete()
    Kind = apps.get_model("cases", "CaseKind")
    Kind.objects.update(current=None)
    apps.get_model("cases", "CaseKindVersion").objects.all().delete()
    Kind.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_engine"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
