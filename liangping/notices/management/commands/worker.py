"""`liangping worker`: the job queue's consumer (huey), which also runs the daily reminders on schedule.

It takes the options of huey's run_huey (-w workers, -k thread|process|greenlet, …).
"""

from __future__ import annotations

import os
from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from liangping.notices.queue import STOP_WITH, stop_with_parent


class Command(RunHuey):
    help = "运行后台任务：超期升级（8:00）、报送提醒（8:10）、每日督查汇总（8:30），以及其他排队任务"

    def handle(self, *args: Any, **options: Any) -> None:
        parent = os.environ.get(STOP_WITH, "")
        if parent.isdigit():  # started by `liangping demo`: stop when the server does
            stop_with_parent(int(parent))
        super().handle(*args, **options)
