"""`liangping emergency tick [--now 2026-07-24T02:10:00+08:00]`: take the due steps of the 叫应 loop and
send what is queued, now (the worker does this every minute).

For catching up after the worker was down; like the scheduled run, a step already taken or a message
already sent is not taken or sent again. `--now` runs it as of another time (drills, tests).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from liangping.emergency import loop


class Command(BaseCommand):
    help = "立即运行防汛叫应：到期的再次通知和升级，发送待发通知；重复运行不会重复发送"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["tick"])
        parser.add_argument("--now", help="按哪个时刻运行，格式 2026-07-24T02:10:00+08:00，默认现在")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(
                    f"时刻 {options['now']!r} 格式不对，请写成 2026-07-24T02:10:00+08:00"
                ) from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        advanced = loop.advance(now)
        sent = loop.dispatch(now)
        self.stdout.write(
            f"叫应：{advanced} 个点位进入下一阶段；发送 {sent.sent} 条，失败 {sent.failed} 条，"
            f"已确认不再发送 {sent.cancelled} 条"
        )
