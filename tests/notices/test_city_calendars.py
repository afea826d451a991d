"""Each city's deadlines and reminders count working days in its own calendar: a holiday 济南 declares
moves 济南's deadlines and reminders, never 枣庄's; a job run reads the calendars once, whatever the
number of cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.cases import clock, engine
from liangping.cases import services as cases
from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from liangping.core.models import CalendarDay, Org, OrgKind, Role
from liangping.core.workdays import Calendars, WorkCalendar
from liangping.notices.digest import send_supervisor_digest
from liangping.notices.jobs import escalate_overdue_cases, send_report_reminders
from liangping.notices.models import Notification
from liangping.notices.reminders import remind_due_cases
from liangping.projects.models import Project
from tests.cast import make_user
from tests.notices.test_due_reminders import KIND
from tests.province.cities import SecondCity, build_second_city

pytestmark = pytest.mark.django_db
ASSIGNED = dt.date(2026, 9, 22)  # 枣庄: five working days across the Mid-Autumn holiday → Wed 30 Sep


def day(m: int, d: int) -> dt.date:
    return dt.date(2026, m, d)


def _jinan(cast) -> tuple[SecondCity, Org]:
    jn = build_second_city(cast)
    department = Org.objects.create(name="市发展改革委", kind=OrgKind.DEPARTMENT, parent=jn.city)
    make_user("jn_department", Role.DEPARTMENT, department, "济南发改员")
    return jn, department


def _holiday(city: Org, *days: dt.date) -> None:
    for d in days:
        CalendarDay.objects.create(date=d, is_workday=False, note="济南调休", tenant=city)


def _calendar_queries(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if "core_calendarday" in q["sql"])


def test_a_citys_own_holiday_puts_its_deadline_one_working_day_later(cast):
    jn, department = _jinan(cast)
    _holiday(jn.city, day(9, 29))  # a Tuesday, a working day everywhere else
    zz = cases.register(cast.specialist, "枣庄施工用电接入滞后", subject=cast.inside)
    cases.assign(cast.supervisor, zz, cast.fagai, today=ASSIGNED)
    jn_case = cases.register(jn.supervisor, "济南用地手续未办结", subject=jn.project)
    cases.assign(jn.supervisor, jn_case, department, today=ASSIGNED)
    assert zz.deadline == day(9, 30)
    # 济南 loses 29 September; 1–7 October is National Day: its fifth working day is 8 October
    assert jn_case.deadline == day(10, 8)
    assert jn_case.deadline == WorkCalendar.load(jn.city.pk).add_workdays(ASSIGNED, 5)
    assert WorkCalendar.load(cast.city.pk).add_workdays(zz.deadline, 1) == jn_case.deadline
    # the case's page counts down in its city's calendar
    assert clock.case_calendar(jn_case).is_workday(day(9, 29)) is False
    assert clock.case_calendar(zz).is_workday(day(9, 29)) is True


def _cases(cast, jn: SecondCity, department: Org, n: int) -> tuple[list[Case], list[Case]]:
    zz, jnc = [], []
    for i in range(n):
        a = cases.register(cast.specialist, f"枣庄问题{i}", subject=cast.inside)
        zz.append(cases.assign(cast.supervisor, a, cast.fagai, today=ASSIGNED))
        b = cases.register(jn.supervisor, f"济南问题{i}", subject=jn.project)
        jnc.append(cases.assign(jn.supervisor, b, department, today=ASSIGNED))
    return zz, jnc


def test_escalation_counts_each_citys_working_days_and_reads_the_calendars_once(cast):
    jn, department = _jinan(cast)
    _holiday(jn.city, day(9, 29), day(10, 12))
    zz, jnc = _cases(cast, jn, department, 3)
    assert {c.deadline for c in zz} == {day(9, 30)} and {c.deadline for c in jnc} == {day(10, 8)}
    # Saturday 10 October (an adjusted working day): 枣庄's are 3 working days late, 济南's 2
    with CaptureQueriesContext(connection) as ctx:
        done = escalate_overdue_cases(day(10, 10))
    assert {e.case_id for e in done} == {c.pk for c in zz}
    assert {e.overdue_workdays for e in done} == {3}
    assert _calendar_queries(ctx) == 1  # one read of every city's overrides for six cases
    # Monday 12 October is 济南's day off: none of its cases is escalated that day
    assert escalate_overdue_cases(day(10, 12)) == []
    done = escalate_overdue_cases(day(10, 13))
    assert {e.case_id for e in done} == {c.pk for c in jnc}
    assert {e.overdue_workdays for e in done} == {3}  # 9, 10 and 13 October


def test_report_reminders_count_each_projects_city_calendar(cast):
    jn, _department = _jinan(cast)
    Project.objects.filter(pk=jn.project.pk).update(specialist=jn.supervisor)
    # September's reports are due 5 October (National Day). 枣庄 is reminded 3 working days before,
    # on 24 September; 济南, with 28 September off, is 3 working days away already on 23 September.
    _holiday(jn.city, day(9, 28))
    with CaptureQueriesContext(connection) as ctx:
        sent = send_report_reminders(day(9, 23))
    assert {n.recipient.username for n in sent} == {"jn_supervisor"}
    assert "还有 3 个工作日" in sent[0].body
    assert _calendar_queries(ctx) == 1
    sent = send_report_reminders(day(9, 24))
    assert {n.recipient.username for n in sent} == {"owner", "specialist", "specialist2"}
    assert Notification.objects.filter(recipient=jn.supervisor).count() == 1


def test_reminders_before_the_deadline_count_the_lead_units_city_calendar(cast):
    jn, department = _jinan(cast)
    load_text(KIND)
    monday = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))
    _holiday(jn.city, day(11, 18))  # 济南's Wednesday off
    made = []
    for actor, lead in ((cast.supervisor, cast.fagai), (jn.supervisor, department)) * 3:
        case = engine.register("pothole", actor=actor, title="路面坑洼", urgency="normal", at=monday)
        made.append(engine.act(case, "send", actor=actor, lead_org=lead, at=monday))
    zz, jnc = made[0::2], made[1::2]
    # three working days: 枣庄's Thursday 19, 济南's Friday 20 November
    assert {c.deadline for c in zz} == {day(11, 19)} and {c.deadline for c in jnc} == {day(11, 20)}
    # Tuesday: neither is a working day from its deadline (2 left for 枣庄, 2 for 济南)
    with CaptureQueriesContext(connection) as ctx:
        assert remind_due_cases(monday + dt.timedelta(days=1)) == []
    assert _calendar_queries(ctx) == 1
    # Wednesday: 枣庄's have 1 working day left; it is 济南's day off
    sent = remind_due_cases(monday + dt.timedelta(days=2))
    assert {r.case_id for r in sent} == {c.pk for c in zz}
    # Thursday: 济南's have 1 working day left
    with CaptureQueriesContext(connection) as ctx:
        sent = remind_due_cases(monday + dt.timedelta(days=3))
    assert {r.case_id for r in sent} == {c.pk for c in jnc}
    assert _calendar_queries(ctx) == 1


def test_the_calendars_of_a_run_are_each_citys_and_built_once(cast):
    jn, _department = _jinan(cast)
    _holiday(jn.city, day(9, 29))
    CalendarDay.objects.create(date=day(9, 30), is_workday=False, note="全省", tenant=None)
    CalendarDay.objects.create(date=day(9, 30), is_workday=True, note="济南照常上班", tenant=jn.city)
    with CaptureQueriesContext(connection) as ctx:
        calendars = Calendars.load()
        for _ in range(5):
            jinan, zaozhuang, province = (
                calendars.of(jn.city.pk),
                calendars.of(cast.city.pk),
                calendars.of(None),
            )
    assert len(ctx) == 2
    assert calendars.of(jn.city.pk) is jinan
    for tenant, calendar in ((jn.city.pk, jinan), (cast.city.pk, zaozhuang), (None, province)):
        loaded = WorkCalendar.load(tenant)
        assert calendar.overrides == loaded.overrides and calendar.entered_years == loaded.entered_years
    assert (jinan.is_workday(day(9, 29)), jinan.is_workday(day(9, 30))) == (False, True)
    assert (zaozhuang.is_workday(day(9, 29)), zaozhuang.is_workday(day(9, 30))) == (True, False)
    assert calendars.tenants() == {None, jn.city.pk}


def test_each_citys_supervisors_get_their_own_citys_digest(cast):
    jn, department = _jinan(cast)
    _cases(cast, jn, department, 1)
    assert len(escalate_overdue_cases(day(10, 13))) == 2  # one in each city
    _holiday(jn.city, day(10, 13))  # then 济南 rests on the digest's day, 枣庄 works
    assert send_supervisor_digest(day(10, 13)) != []
    zz_digest = Notification.objects.get(recipient=cast.supervisor, kind="digest")
    assert "枣庄问题0" in zz_digest.body and "济南" not in zz_digest.body
    assert "逾期未答复的问题：1 个" in zz_digest.body  # 枣庄's one, not both cities'
    assert not Notification.objects.filter(recipient=jn.supervisor, kind="digest").exists()
    send_supervisor_digest(day(10, 14))
    jn_digest = Notification.objects.get(recipient=jn.supervisor, kind="digest")
    assert "济南问题0" in jn_digest.body and "枣庄" not in jn_digest.body
