"""The supervisors' daily digest: missing and late reports, overdue cases, new escalations, with links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.core.models import Role
from liangping.notices.digest import send_supervisor_digest
from liangping.notices.jobs import escalate_overdue_cases
from liangping.notices.models import NoticeKind, Notification
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.cast import make_user

from .conftest import SEPTEMBER, overdue_case

pytestmark = pytest.mark.django_db


def day(m: int, d: int) -> dt.date:
    return dt.date(2026, m, d)


def late_september_report(cast) -> None:
    """`inside` reported September on 8 October, after the 5 October deadline; `outside` never did."""
    MonthlyReport.objects.create(
        project=cast.inside,
        month=SEPTEMBER,
        month_investment=Decimal("100"),
        ytd_investment=Decimal("900"),
        status=ReportStatus.SUBMITTED,
        submitted_by=cast.owner,
        submitted_at=timezone.make_aware(dt.datetime(2026, 10, 8, 9, 30)),
    )


def test_digest_counts_and_links_on_the_adjusted_working_saturday(people, mailoutbox):
    late_september_report(people)
    case = overdue_case(people)
    escalate_overdue_cases(day(10, 10))
    mailoutbox.clear()
    [note] = send_supervisor_digest(day(10, 10))
    assert note.recipient == people.supervisor and note.kind == NoticeKind.DIGEST
    assert note.title == "每日督查汇总（2026年10月10日）"
    lines = note.body.splitlines()
    assert lines[0] == "2026年9月月度调度：未报送 1 个项目，逾期报送 1 个。"
    assert "逾期未答复的问题：1 个。" in lines
    assert "新升级的超期问题：1 个。" in lines
    assert "· 施工用电接入滞后（市发展改革委，超期 3 个工作日）" in lines
    links = {link["label"]: link["url"] for link in note.links}
    assert links["2026年9月未报送的项目"] == "/projects/reports/?month=2026-09&status=missing"
    assert links["2026年9月逾期报送的项目"] == "/projects/reports/?month=2026-09&status=late"
    assert links["逾期问题"] == "/cases/?status=open&overdue=on"
    assert links["升级：施工用电接入滞后"] == f"/cases/{case.pk}/"
    [mail] = mailoutbox
    assert mail.to == ["supervisor@zaozhuang.example"]
    assert "/projects/reports/?month=2026-09&status=missing" in mail.body


def test_the_links_lead_to_the_counted_rows(people, client):
    late_september_report(people)
    [note] = send_supervisor_digest(day(10, 12))
    links = {link["label"]: link["url"] for link in note.links}
    client.force_login(people.supervisor)
    missing = client.get(links["2026年9月未报送的项目"]).content.decode()
    assert people.outside.name in missing and people.inside.name not in missing
    late = client.get(links["2026年9月逾期报送的项目"]).content.decode()
    assert people.inside.name in late and people.outside.name not in late


def test_escalations_are_new_only_once(people):
    overdue_case(people)
    escalate_overdue_cases(day(10, 10))
    send_supervisor_digest(day(10, 12))
    # the Saturday's escalation was in Saturday's digest; Monday's, after it, lists none
    assert "新升级的超期问题：无。" in Notification.objects.get(kind=NoticeKind.DIGEST).body


def test_a_digest_on_monday_covers_escalations_since_the_previous_working_day(people):
    overdue_case(people)
    escalate_overdue_cases(day(10, 10))  # Saturday (adjusted working day)
    Notification.objects.all().delete()
    send_supervisor_digest(day(10, 10))
    assert "新升级的超期问题：1 个。" in Notification.objects.get(kind=NoticeKind.DIGEST).body


def test_while_a_month_is_being_collected_the_digest_shows_what_is_pending(people):
    # Monday 2 November: October's reports are due 5 November, September's are closed.
    [note] = send_supervisor_digest(day(11, 2))
    assert "2026年10月月度调度：2 个项目待报送，截止日为11月5日。" in note.body
    assert note.body.startswith("2026年9月月度调度：未报送 2 个项目")


def test_every_active_supervisor_once_a_day(people, mailoutbox):
    second = make_user("supervisor2", Role.SUPERVISOR, people.office, "督查员乙")
    second.email = "s2@zaozhuang.example"
    second.save()
    retired = make_user("supervisor3", Role.SUPERVISOR, people.office, "督查员丙")
    retired.is_active = False
    retired.save()
    assert len(send_supervisor_digest(day(10, 12))) == 2
    assert send_supervisor_digest(day(10, 12)) == []
    assert len(mailoutbox) == 2
    assert len(send_supervisor_digest(day(10, 13))) == 2  # the next day has its own digest


def test_no_digest_on_days_off_but_one_on_the_adjusted_sunday(people):
    assert send_supervisor_digest(day(10, 3)) == []  # National Day
    assert send_supervisor_digest(day(9, 13)) == []  # a plain Sunday
    assert len(send_supervisor_digest(day(9, 20))) == 1  # Sunday 20 September 2026 is a working day
