"""Report-due reminders: N working days before the deadline, across the 2026 holidays, sent once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.core.config import set_setting
from liangping.notices.jobs import send_report_reminders
from liangping.notices.models import NoticeKind, Notification
from liangping.projects.models import MonthlyReport, ReportStatus

from .conftest import SEPTEMBER

pytestmark = pytest.mark.django_db


def day(m: int, d: int) -> dt.date:
    return dt.date(2026, m, d)


def recipients() -> set[tuple[str, str]]:
    return set(Notification.objects.values_list("recipient__username", "key"))


def test_due_on_a_holiday_reminds_three_working_days_before_the_mid_autumn_break(people, mailoutbox):
    # September's reports are due on 5 October, inside the National Day holiday. Counting working days
    # back (30, 29, 28 September; 25–27 are the Mid-Autumn holiday) the reminder goes out on Thursday
    # 24 September. A plain Monday–Friday count would have waited until 30 September.
    assert send_report_reminders(day(9, 23)) == []
    sent = send_report_reminders(day(9, 24))
    assert recipients() == {
        ("owner", f"report_due:project:{people.inside.pk}:2026-09"),
        ("specialist", f"report_due:project:{people.inside.pk}:2026-09"),
        ("specialist2", f"report_due:project:{people.outside.pk}:2026-09"),
    }
    assert len(sent) == 3 and {n.kind for n in sent} == {NoticeKind.REPORT_DUE}
    note = Notification.objects.get(recipient=people.owner)
    assert note.title == "请报送2026年9月月度调度：示例动力电池项目"
    assert "2026年10月5日" in note.body and "还有 3 个工作日" in note.body
    assert note.url == f"/projects/{people.inside.pk}/reports/new/?month=2026-09"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "owner@zaozhuang.example",
        "specialist2@zaozhuang.example",
        "specialist@zaozhuang.example",
    ]
    assert mailoutbox[0].subject.startswith("【亮屏】请报送2026年9月月度调度")
    assert "/reports/new/?month=2026-09" in mailoutbox[0].body


def test_running_twice_and_on_later_days_sends_nothing_again(people, mailoutbox):
    first = send_report_reminders(day(9, 24))
    assert len(first) == 3 and len(mailoutbox) == 3
    assert send_report_reminders(day(9, 24)) == []
    for holiday in (day(9, 25), day(9, 26), day(9, 27)):  # Mid-Autumn: the job stays quiet
        assert send_report_reminders(holiday) == []
    assert send_report_reminders(day(9, 28)) == []
    assert send_report_reminders(day(9, 30)) == []
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3


def test_a_missed_day_is_caught_up_on_the_next_working_day(people):
    # The worker was down on the 24th: the next working day after the holiday still reminds,
    # with the working days actually left.
    sent = send_report_reminders(day(9, 28))
    assert len(sent) == 3
    assert "还有 2 个工作日" in Notification.objects.filter(recipient=people.owner).get().body
    assert send_report_reminders(day(9, 30)) == []


def test_on_the_last_working_day_before_a_deadline_in_the_holiday(people):
    send_report_reminders(day(9, 30))
    assert "今天是截止前最后一个工作日" in Notification.objects.get(recipient=people.owner).body


def test_after_the_deadline_no_more_reminders(people):
    assert send_report_reminders(day(10, 8)) == []  # the 5 October deadline has passed


def test_projects_already_reported_are_not_reminded(people):
    MonthlyReport.objects.create(
        project=people.inside,
        month=SEPTEMBER,
        month_investment=Decimal("100"),
        ytd_investment=Decimal("900"),
        status=ReportStatus.SUBMITTED,
        submitted_by=people.owner,
        submitted_at=timezone.now(),
    )
    send_report_reminders(day(9, 24))
    assert recipients() == {("specialist2", f"report_due:project:{people.outside.pk}:2026-09")}


def test_a_returned_report_still_needs_reporting(people):
    MonthlyReport.objects.create(
        project=people.inside,
        month=SEPTEMBER,
        month_investment=Decimal("100"),
        ytd_investment=Decimal("900"),
        status=ReportStatus.RETURNED,
        submitted_by=people.owner,
        submitted_at=timezone.now(),
    )
    send_report_reminders(day(9, 24))
    assert ("owner", f"report_due:project:{people.inside.pk}:2026-09") in recipients()


def test_projects_without_an_annual_plan_need_no_report(people):
    people.outside.annual_plan = None
    people.outside.save()
    send_report_reminders(day(9, 24))
    assert {u for u, _ in recipients()} == {"owner", "specialist"}


def test_the_adjusted_working_saturday_counts(people):
    # Due day 13: September's reports are due Tuesday 13 October. Three working days before it are
    # 12 October, Saturday 10 October (an adjusted working day) and 9 October, so the reminder goes on
    # Friday 9 October; counting Mondays to Fridays only, it would have gone a day early.
    set_setting(people.sysadmin, "report_due_day", 13, reason="测试")
    assert send_report_reminders(day(10, 8)) == []
    assert len(send_report_reminders(day(10, 9))) == 3
    assert send_report_reminders(day(10, 10)) == []  # the Saturday is a working day: runs, nothing new
    assert send_report_reminders(day(10, 11)) == []  # Sunday


def test_the_lead_time_is_an_audited_setting(people):
    set_setting(people.sysadmin, "notice_report_workdays", 1, reason="只提前一个工作日提醒")
    assert send_report_reminders(day(9, 24)) == []
    assert send_report_reminders(day(9, 28)) == []
    assert len(send_report_reminders(day(9, 29))) == 3  # 30 September is the one working day left


def test_users_without_an_address_get_the_in_app_notice_only(cast, mailoutbox):
    send_report_reminders(day(9, 24))
    assert Notification.objects.count() == 3
    assert mailoutbox == []


def test_inactive_users_are_not_reminded(people):
    people.owner.is_active = False
    people.owner.save()
    send_report_reminders(day(9, 24))
    assert "owner" not in {u for u, _ in recipients()}


def test_one_email_per_person_lists_all_their_new_reminders(people, mailoutbox):
    people.outside.specialist = people.specialist
    people.outside.save()
    sent = send_report_reminders(day(9, 24))
    assert len(sent) == 3  # in the app: one per project and person
    assert Notification.objects.filter(recipient=people.specialist).count() == 2
    [mail] = [m for m in mailoutbox if m.to == ["specialist@zaozhuang.example"]]
    assert mail.subject.startswith("【亮屏】2 条新提醒：")
    assert "示例动力电池项目" in mail.body and "示例智慧物流项目" in mail.body
    assert len(mailoutbox) == 2  # the specialist's and the project unit's
    assert send_report_reminders(day(9, 24)) == [] and len(mailoutbox) == 2
