"""The periodic jobs on huey's clock (`liangping worker` runs them), each passing today's local date.
Each runs once per schedule however many workers there are (liangping.notices.periodic).

08:00 escalations, 08:10 report reminders, 08:30 the supervisors' digest (Asia/Shanghai, or TIME_ZONE):
the digest comes last so it counts the morning's escalations. Reminders before a case's deadline run
every 10 minutes (a kind may remind an hour before).
"""

from __future__ import annotations

import logging

from django.utils import timezone

from liangping.notices.digest import send_supervisor_digest
from liangping.notices.jobs import escalate_overdue_cases, send_report_reminders
from liangping.notices.periodic import periodic_job
from liangping.notices.queue import at_local_time, every_minutes
from liangping.notices.reminders import remind_due_cases

log = logging.getLogger(__name__)


@periodic_job(at_local_time(8, 0), name="notices.escalate_overdue_cases")
def escalate_overdue_cases_daily() -> None:
    done = escalate_overdue_cases(timezone.localdate())
    log.info("超期升级：%d 个问题", len(done))


@periodic_job(at_local_time(8, 10), name="notices.send_report_reminders")
def send_report_reminders_daily() -> None:
    sent = send_report_reminders(timezone.localdate())
    log.info("报送提醒：%d 条", len(sent))


@periodic_job(at_local_time(8, 30), name="notices.send_supervisor_digest")
def send_supervisor_digest_daily() -> None:
    sent = send_supervisor_digest(timezone.localdate())
    log.info("每日汇总：%d 条", len(sent))


@periodic_job(every_minutes(10), name="notices.remind_due_cases")
def remind_due_cases_often() -> None:
    sent = remind_due_cases()
    if sent:
        log.info("到期提醒：%d 个事项", len(sent))
