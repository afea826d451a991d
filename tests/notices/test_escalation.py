"""Overdue problems escalated to the lead unit's leadership after N working days, once, in its history."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.cases import services as cases
from liangping.core.config import set_setting
from liangping.core.models import AuditLog, Org, OrgKind, Role
from liangping.notices.jobs import escalate_overdue_cases
from liangping.notices.models import Escalation, NoticeKind, Notification
from tests.cast import make_user

from .conftest import overdue_case

pytestmark = pytest.mark.django_db


def day(m: int, d: int) -> dt.date:
    return dt.date(2026, m, d)


def test_escalated_on_the_adjusted_working_saturday_after_three_working_days(people, mailoutbox):
    # Deadline Wed 30 September. National Day runs 1–7 October; the working days after the deadline
    # are 8 Oct (1), 9 Oct (2) and Saturday 10 Oct (3, an adjusted working day). A Monday–Friday count
    # would have escalated on 5 October, in the middle of the holiday.
    case = overdue_case(people)
    for d in [day(10, n) for n in range(1, 10)]:
        assert escalate_overdue_cases(d) == [], d
    done = escalate_overdue_cases(day(10, 10))
    assert [e.case for e in done] == [case]
    escalation = done[0]
    assert escalation.deadline == day(9, 30)
    assert escalation.overdue_workdays == 3
    assert escalation.escalated_on == day(10, 10)
    # the lead unit (市发展改革委)'s account and the project's accountable city leader; nobody else
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"department", "leader"}
    note = Notification.objects.get(recipient=people.department)
    assert note.kind == NoticeKind.ESCALATION
    assert note.title == "问题超期未答复：施工用电接入滞后"
    assert "市发展改革委牵头" in note.body and "2026年9月30日" in note.body and "3 个工作日" in note.body
    assert note.url == f"/cases/{case.pk}/"
    assert sorted(m.to[0] for m in mailoutbox) == ["department@zaozhuang.example", "leader@zaozhuang.example"]


def test_the_escalation_is_in_the_case_history_and_the_audit_log(people):
    case = overdue_case(people)
    escalate_overdue_cases(day(10, 10))
    step = case.steps.get(action="escalate")
    assert step.actor is None and step.from_status == step.to_status == "assigned"
    assert "发改员" in step.note and "领导甲" in step.note
    entry = AuditLog.objects.get(action="case.escalate")
    assert entry.object_id == str(case.pk) and entry.actor_name == "系统"
    assert entry.tenant_id == people.city.pk  # the lead unit's city: its auditor reads it
    case.refresh_from_db()
    assert case.status == "assigned"  # escalating changes who is told, not where the case stands


def test_running_twice_escalates_and_mails_once(people, mailoutbox):
    overdue_case(people)
    assert len(escalate_overdue_cases(day(10, 10))) == 1
    assert escalate_overdue_cases(day(10, 10)) == []
    assert escalate_overdue_cases(day(10, 12)) == []
    assert escalate_overdue_cases(day(10, 20)) == []
    assert Escalation.objects.count() == 1
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


def test_days_off_run_nothing(people):
    overdue_case(people)
    assert escalate_overdue_cases(day(10, 11)) == []  # Sunday, although 4 working days late by then
    assert len(escalate_overdue_cases(day(10, 12))) == 1


def test_replied_and_closed_cases_are_not_escalated(people):
    case = overdue_case(people)
    cases.advance(people.department, case, "reply", "已协调供电公司")
    assert escalate_overdue_cases(day(10, 12)) == []


def test_cases_in_handling_are_still_escalated(people):
    case = overdue_case(people)
    cases.advance(people.department, case, "handle", "正在协调")
    assert [e.case for e in escalate_overdue_cases(day(10, 12))] == [case]


def test_a_town_without_accounts_escalates_to_its_district(people):
    town = Org.objects.create(name="龙阳镇", kind=OrgKind.TOWN, parent=people.tengzhou)
    overdue_case(people, "拆迁补偿未到位", lead=town)
    escalate_overdue_cases(day(10, 10))
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"district", "leader"}


def test_only_the_lead_units_own_accounts_not_its_subunits(people):
    # A second 市发展改革委 account is told too; a user of another department is not.
    make_user("fagai2", Role.DEPARTMENT, people.fagai, "发改员乙")
    make_user("gongxin", Role.DEPARTMENT, people.gongxin, "工信员")
    overdue_case(people)
    escalate_overdue_cases(day(10, 10))
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "department",
        "fagai2",
        "leader",
    }


def test_the_threshold_is_an_audited_setting(people):
    overdue_case(people)
    set_setting(people.sysadmin, "notice_escalate_workdays", 1, reason="从严督办")
    assert len(escalate_overdue_cases(day(10, 8))) == 1
    assert AuditLog.objects.filter(action="setting.update", object_id="notice_escalate_workdays").exists()


def test_a_new_deadline_can_be_escalated_again(people):
    case = overdue_case(people)
    escalate_overdue_cases(day(10, 10))
    # the supervisor sets a new deadline (say after a return and re-assignment); it can overrun again
    type(case).objects.filter(pk=case.pk).update(deadline=day(10, 14))
    assert escalate_overdue_cases(day(10, 16)) == []
    assert len(escalate_overdue_cases(day(10, 19))) == 1
    assert case.escalations.count() == 2


def test_no_recipient_is_recorded_for_the_supervisors(people):
    overdue_case(people)
    people.department.is_active = False
    people.department.save()
    people.inside.leader = None
    people.inside.save()
    [escalation] = escalate_overdue_cases(day(10, 10))
    assert "没有可用账号" in escalation.recipients
    assert Notification.objects.count() == 0
