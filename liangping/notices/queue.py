"""The job queue's configuration (huey) and the clock its periodic jobs follow.

Read by settings.py, so nothing here imports Django models.

- No REDIS_URL: SqliteHuey, one file under the data directory (var/huey.sqlite3): a single machine
  needs nothing installed.
- REDIS_URL set: RedisHuey on that server, for several hosts sharing one queue.
- LIANGPING_ENV=test: immediate mode (tasks run at once, in memory).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

from liangping.env import private_dir, private_file

QUEUE_NAME = "liangping"
# Set by `liangping demo` for the consumer it starts beside the server: the server's process id.
STOP_WITH = "LIANGPING_STOP_WITH"


def huey_settings(environment: str, var_dir: Path, redis_url: str = "", workers: int = 2) -> dict[str, Any]:
    """The HUEY setting for huey.contrib.djhuey."""
    config: dict[str, Any] = {
        "name": QUEUE_NAME,
        "immediate": environment == "test",
        "utc": True,
        "consumer": {"workers": max(1, workers), "worker_type": "thread"},
    }
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured(
                f"REDIS_URL 的值 {redis_url!r} 不是 Redis 地址，请写成 redis://主机:端口/库号 的形式"
            )
        config.update(huey_class="huey.RedisHuey", url=redis_url)
    else:
        if environment != "test":
            private_dir(var_dir)
            private_file(var_dir / "huey.sqlite3")
        config.update(huey_class="huey.SqliteHuey", filename=str(var_dir / "huey.sqlite3"))
    return config


def at_local_time(hour: int, minute: int, time_zone: str | None = None) -> Callable[[dt.datetime], bool]:
    """A periodic-task schedule: daily at hour:minute in the project's time zone (TIME_ZONE).

    huey's consumer checks schedules once a minute with a naive UTC time (utc=True); huey's own
    crontab would compare it with the server's clock, which on a city's intranet server may be UTC.
    """

    def validate(now: dt.datetime) -> bool:
        if time_zone is None:
            from django.conf import settings

            zone = ZoneInfo(settings.TIME_ZONE)
        else:
            zone = ZoneInfo(time_zone)
        aware = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
        local = aware.astimezone(zone)
        return local.hour == hour and local.minute == minute

    validate.__name__ = f"daily_at_{hour:02d}{minute:02d}"
    return validate


def every_minutes(n: int) -> Callable[[dt.datetime], bool]:
    """A periodic-task schedule: every n minutes of the hour (n divides 60)."""

    def validate(now: dt.datetime) -> bool:
        return now.minute % n == 0

    validate.__name__ = f"every_{n}_minutes"
    return validate


def stop_with_parent(parent: int, every: float = 1.0) -> threading.Thread:
    """Stop this process (SIGTERM, which huey's consumer handles) once `parent` is no longer its
    parent: the server that started it has exited, however it was stopped."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="stop-with-parent", daemon=True)
    thread.start()
    return thread
