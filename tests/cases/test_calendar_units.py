"""Time limits in calendar days and months (a proposal answered within 3 months): a toy kind from a
TOML string, its deadline the end of the same day n months on, overdue the day after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.clock import add_months
from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from liangping.kinds.spec import KindConfigError, load_spec

LETTER = """
code = "letter"
name = "来信"
version = 1
noun = "来信"
initial = "new"
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
[[limits]]
respond = { days = 10 }
finish = { months = 3 }
[[states]]
code = "new"
label = "办理中"
clock = "run"
[[states]]
code = "done"
label = "已答复"
open = false
clock = "stop"
[[transitions]]
action = "answer"
label = "答复"
from = ["new"]
to = "done"
by = ["dispatcher"]
reason = true
effects = ["reply", "close"]
"""


def test_adding_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 10, 31), 2) == dt.date(2026, 12, 31)
    assert add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)


def test_the_spec_names_calendar_units_and_refuses_others():
    spec = load_spec(LETTER)
    assert spec.limits[0].finish is not None and spec.limits[0].finish.text() == "3 个月"
    assert spec.limits[0].respond is not None and spec.limits[0].respond.text() == "10 天"
    with pytest.raises(KindConfigError, match="months（月）"):
        load_spec(LETTER.replace("months = 3", "weeks = 3"))


@pytest.mark.django_db
def test_a_case_due_in_three_calendar_months(cast):
    load_text(LETTER)
    at = timezone.make_aware(dt.datetime(2026, 3, 15, 10, 0))
    case = engine.register("letter", actor=cast.supervisor, title="来信一件", at=at)
    assert case.deadline == dt.date(2026, 6, 15)
    assert case.finish_unit == "months"
    assert timezone.localdate(case.respond_by) == dt.date(2026, 3, 25)
    assert not case.is_overdue(dt.date(2026, 6, 15))
    assert case.is_overdue(dt.date(2026, 6, 16))
    assert list(Case.objects.overdue(dt.date(2026, 6, 16)).values_list("pk", flat=True)) == [case.pk]
    assert not Case.objects.overdue(dt.date(2026, 6, 15)).exists()
