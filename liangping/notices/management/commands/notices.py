"""`liangping notices [--date YYYY-MM-DD] [--only escalate|remind|digest]`: run the daily jobs now.

For catching up after the worker was down, or trying the reminders out; like the scheduled run, a job
that already sent something for that day sends nothing again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from liangping.core.workdays import Calendars
from liangping.notices.digest import send_supervisor_digest
from liangping.notices.jobs import escalate_overdue_cases, send_report_reminders

JOBS = ("escalate", "remind", "digest")


class Command(BaseCommand):
    help = "立即运行提醒任务（超期升级、报送提醒、每日督查汇总）；重复运行不会重复发送"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天运行，格式 YYYY-MM-DD，默认今天")
        parser.add_argument("--only", choices=JOBS, help="只运行其中一项")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"日期 {options['date']!r} 格式不对，请写成 2026-09-24 这样的形式"
                ) from exc
        calendar = Calendars.load()  # every city's, read once: each case and report by its own city's
        if not calendar.workday_somewhere(today):
            self.stdout.write(f"{today} 不是工作日：提醒任务不发送任何消息。")
            return
        only = options["only"]
        if only in (None, "escalate"):
            self.stdout.write(f"超期升级：{len(escalate_overdue_cases(today, calendar))} 个问题")
        if only in (None, "remind"):
            self.stdout.write(f"报送提醒：新发 {len(send_report_reminders(today, calendar))} 条")
        if only in (None, "digest"):
            self.stdout.write(f"每日督查汇总：新发 {len(send_supervisor_digest(today, calendar))} 条")
        warning = calendar.warning()
        if warning:
            self.stderr.write(warning)
