"""The demo city's messages: the real daily jobs run over the demo's last working days, and the
交办 messages of the problems still awaiting a reply, as the case engine would have sent them.

Nothing is written by hand: each message is what the job or handler makes of the demo data, with the
job's own key, so loading the demo again adds none.
"""

from __future__ import annotations

import datetime as dt

from liangping.cases.models import AWAITING_REPLY, Case, CaseStep
from liangping.core.workdays import WorkCalendar
from liangping.notices.case_events import notify_assigned
from liangping.notices.digest import send_supervisor_digest
from liangping.notices.jobs import escalate_overdue_cases, send_report_reminders
from liangping.notices.models import Notification

DAYS = 21  # three weeks up to the demo's "today": past the latest report deadline, early in the month


def run_reminder_jobs(today: dt.date, days: int = DAYS) -> int:
    """Run escalations, report reminders and the digest for each working day of the last `days`
    days (oldest first, in the jobs' daily order); return the messages stored."""
    calendar = WorkCalendar.load()
    before = Notification.objects.count()
    for back in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        escalate_overdue_cases(day, calendar)
        send_report_reminders(day, calendar)
        send_supervisor_digest(day, calendar)
    for case in Case.objects.filter(status__in=AWAITING_REPLY).select_related("lead_org"):
        step = CaseStep.objects.filter(case=case, action="assign").select_related("actor").last()
        if step is not None and step.actor is not None:
            notify_assigned(case=case, actor=step.actor)
    return Notification.objects.count() - before
