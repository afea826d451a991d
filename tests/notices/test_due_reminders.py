"""Reminders before a case's finish deadline, from the kind's configuration alone ([[reminders]]
before = …): per urgency in hours or working days, to the lead unit, once per deadline, with a step
and an audit entry; a new deadline (an approved extension) earns a new reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.kindload import load_text
from liangping.core.models import AuditLog
from liangping.kinds.spec import KindConfigError, load_spec
from liangping.notices.models import DueReminder, Notification
from liangping.notices.reminders import remind_due_cases

KIND = """
code = "pothole"
name = "坑洼报修"
version = 1
noun = "报修"
initial = "new"
deadline_label = "修复期限"
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
lead_unit = "subtree"
[[urgencies]]
code = "urgent"
label = "紧急"
[[urgencies]]
code = "normal"
label = "一般"
[[limits]]
urgency = "urgent"
finish = { hours = 4 }
[[limits]]
urgency = "normal"
finish = { workdays = 3 }
[[reminders]]
before = { hours = 1 }
urgency = "urgent"
[[reminders]]
before = { workdays = 1 }
[[reminders]]
after = { workdays = 2 }
[[states]]
code = "new"
label = "待分派"
clock = "run"
[[states]]
code = "sent"
label = "已分派"
clock = "run"
[[states]]
code = "waiting"
label = "延期待批"
clock = "pause"
[[states]]
code = "fixed"
label = "已修复"
open = false
clock = "stop"
[[transitions]]
action = "send"
label = "分派"
from = ["new"]
to = "sent"
by = ["dispatcher"]
needs = ["lead_org"]
effects = ["assign"]
[[transitions]]
action = "extend"
label = "申请延期"
from = ["sent"]
to = "waiting"
by = ["lead_unit"]
needs = ["days"]
reason = true
effects = ["request_extension"]
[[transitions]]
action = "approve"
label = "同意延期"
from = ["waiting"]
to = "sent"
by = ["dispatcher"]
effects = ["approve_extension"]
[[transitions]]
action = "fix"
label = "修复"
from = ["sent"]
to = "fixed"
by = ["lead_unit"]
reason = true
effects = ["reply", "close"]
"""

MONDAY = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))  # an ordinary working Monday


def new(cast, urgency: str):
    case = engine.register(
        "pothole", actor=cast.supervisor, title=f"{urgency}路面坑洼", urgency=urgency, at=MONDAY
    )
    return engine.act(case, "send", actor=cast.supervisor, lead_org=cast.fagai, at=MONDAY)


@pytest.mark.django_db
def test_reminders_before_the_deadline_per_urgency(cast):
    load_text(KIND)
    urgent, normal = new(cast, "urgent"), new(cast, "normal")
    assert urgent.due_at == MONDAY + dt.timedelta(hours=4) and normal.deadline == dt.date(2026, 11, 19)

    # Two hours in: neither is due for a reminder.
    assert remind_due_cases(MONDAY + dt.timedelta(hours=2)) == []
    # Three hours and a quarter in: the urgent one (an hour before its deadline), not the normal one.
    sent = remind_due_cases(MONDAY + dt.timedelta(hours=3, minutes=15))
    assert [r.case_id for r in sent] == [urgent.pk]
    step = urgent.steps.get(action="remind")
    assert "距修复期限（2026年11月16日 13:00）还有 45 分钟" in step.note and "市发展改革委" in step.note
    assert step.actor is None and step.from_status == step.to_status == "sent"
    assert AuditLog.objects.filter(action="case.remind", object_id=str(urgent.pk)).count() == 1
    note = Notification.objects.get(recipient=cast.department, key__startswith=f"case_due:case:{urgent.pk}:")
    assert note.title == "报修即将到期：urgent路面坑洼" and note.url == f"/cases/{urgent.pk}/"
    # Run again: nothing new (once per case and deadline).
    assert remind_due_cases(MONDAY + dt.timedelta(hours=3, minutes=30)) == []
    # Past the deadline: no reminder (escalation's business).
    assert DueReminder.objects.count() == 1

    # The normal one: deadline Thu 19 Nov; Tuesday leaves 2 working days, Wednesday 1.
    tuesday = MONDAY + dt.timedelta(days=1)
    assert remind_due_cases(tuesday) == []
    sent = remind_due_cases(tuesday + dt.timedelta(days=1))
    assert [r.case_id for r in sent] == [normal.pk]
    assert "还有 1 个工作日" in normal.steps.get(action="remind").note

    # An approved extension moves the deadline: a new reminder when the new one nears.
    wednesday = tuesday + dt.timedelta(days=1)
    engine.act(normal, "extend", actor=cast.department, days=2, note="等沥青", at=wednesday)
    engine.act(normal, "approve", actor=cast.supervisor, at=wednesday)
    normal.refresh_from_db()
    assert normal.deadline == dt.date(2026, 11, 23)
    assert remind_due_cases(MONDAY + dt.timedelta(days=3)) == []  # Thursday: 2 working days left
    sent = remind_due_cases(MONDAY + dt.timedelta(days=4))  # Friday: 1 working day left (Monday)
    assert [r.case_id for r in sent] == [normal.pk]
    assert normal.steps.filter(action="remind").count() == 2
    assert "2026年11月23日）还有 1 个工作日" in normal.steps.filter(action="remind").order_by("-id")[0].note
    assert remind_due_cases(MONDAY + dt.timedelta(days=7)) == []  # reminded once for this deadline


@pytest.mark.django_db
def test_no_reminder_on_a_day_off_in_working_days(cast):
    load_text(KIND)
    case = new(cast, "normal")  # deadline Thu 19 Nov
    saturday = MONDAY + dt.timedelta(days=5)
    engine.act(case, "extend", actor=cast.department, days=2, note="等沥青", at=MONDAY)
    engine.act(case, "approve", actor=cast.supervisor, at=MONDAY)
    case.refresh_from_db()
    assert case.deadline == dt.date(2026, 11, 23)
    assert remind_due_cases(saturday) == []  # a day off: the working-day reminder waits
    assert [r.case_id for r in remind_due_cases(saturday + dt.timedelta(days=2))] == [case.pk]
    assert "今天到期" in case.steps.get(action="remind").note


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("[[reminders]]\nbefore = { hours = 1 }\nafter = { workdays = 1 }", "中的一个"),
        ('[[reminders]]\nbefore = { hours = 1 }\nurgency = "lost"', "紧急程度“lost”不在 urgencies 中"),
        ("[[reminders]]\nafter = { hours = 3 }", "after（超期升级）只能按工作日计"),
        ("[[reminders]]\nbefore = { hours = 1 }\n[[reminders]]\nbefore = { hours = 2 }", "到期前提醒重复"),
        ('[[reminders]]\nbefore = { hours = 1 }\nnotify = ["dispatcher"]', "notify 只能是 lead_unit"),
    ],
)
def test_bad_reminders_are_refused_at_load_time(rows, message):
    text = KIND.split("[[reminders]]")[0] + rows + "\n[[states]]" + KIND.split("[[states]]", 1)[1]
    with pytest.raises(KindConfigError, match=message):
        load_spec(text)


def test_the_urgencys_own_reminder_wins():
    spec = load_spec(KIND)
    urgent, normal = spec.reminder_before("urgent"), spec.reminder_before("normal")
    assert urgent is not None and urgent.before is not None and urgent.before.unit == "hours"
    assert normal is not None and normal.before is not None and normal.before.text() == "1 个工作日"


def test_appeals_remind_on_the_deadline_day_or_one_working_day_before():
    from liangping.kinds.spec import KINDS_DIR

    spec = load_spec(KINDS_DIR / "appeal.toml")
    texts = {u: (r.before.amount, r.before.unit) for u in ("urgent", "consult", "normal")
             if (r := spec.reminder_before(u)) is not None and r.before is not None}  # fmt: skip
    assert texts == {"urgent": (0, "workdays"), "consult": (0, "workdays"), "normal": (1, "workdays")}


@pytest.mark.django_db
def test_an_urgent_appeal_is_reminded_on_its_deadline_day_from_eight(cast):
    from liangping.appeals.intake import file_appeal  # noqa: F401 - the kind is loaded by migration

    case = engine.register(
        "appeal", actor=cast.supervisor, title="小区停水", category="other", urgency="urgent",
        data={"requester_name": "张三", "requester_phone": "13912345678"}, at=MONDAY,
    )  # fmt: skip
    assert case.spec.reminder_before("urgent") is not None
    case.lead_org = cast.fagai
    case.save(update_fields=["lead_org"])
    assert case.deadline == dt.date(2026, 11, 17)
    tuesday_early = MONDAY + dt.timedelta(hours=22)  # 07:00 on the deadline day
    assert remind_due_cases(MONDAY + dt.timedelta(hours=5)) == []
    assert remind_due_cases(tuesday_early) == []
    sent = remind_due_cases(tuesday_early + dt.timedelta(hours=1))
    assert [r.case_id for r in sent] == [case.pk]
    assert "今天到期" in case.steps.get(action="remind").note
