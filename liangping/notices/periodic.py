"""Periodic jobs that run once per schedule, however many `liangping worker` processes there are.

Every huey consumer runs its own scheduler: with two workers on two hosts, each enqueues the 08:00
escalation, and without a lease both would run it. Before its body, a periodic job claims its run:
a key naming the job and the schedule minute it belongs to, added to the shared cache (Redis when
REDIS_URL is set: SET NX with an expiry; else the database cache table, whose primary key makes the
second insert fail). The worker that adds the key runs the job; any other skips it and says so.

The schedule minute is found by walking back from now to the last minute the schedule accepts, so a
job that waited in the queue (or was picked up by the second consumer a minute later) still claims
the run it was enqueued for, not a new one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)

# How far back a run is looked for: a daily job that waited in the queue for up to a day.
LOOKBACK_MINUTES = 24 * 60
# How long a claimed run is remembered: past the look-back, so a late copy never runs it again.
LEASE_SECONDS = 2 * 24 * 3600
KEY_PREFIX = "periodic-run"


def schedule_slot(schedule: Callable[[dt.datetime], bool], now: dt.datetime) -> dt.datetime | None:
    """The last minute at or before `now` (naive UTC, as huey's scheduler passes it) that the
    schedule accepts, or None when it accepted none in the look-back window."""
    minute = now.replace(second=0, microsecond=0, tzinfo=None)
    step = dt.timedelta(minutes=1)
    for back in range(LOOKBACK_MINUTES + 1):
        candidate = minute - back * step
        if schedule(candidate):
            return candidate
    return None


def run_key(name: str, slot: dt.datetime) -> str:
    return f"{KEY_PREFIX}:{name}:{slot:%Y%m%dT%H%M}Z"


def claim_run(name: str, slot: dt.datetime) -> bool:
    """True for the one process that claims this run of the job; False for every other."""
    owner = f"{socket.gethostname()}:{os.getpid()}"
    return bool(caches["shared"].add(run_key(name, slot), owner, timeout=LEASE_SECONDS))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def periodic_job(schedule: Callable[[dt.datetime], bool], name: str) -> Callable[[Callable[[], Any]], Any]:
    """huey's db_periodic_task, run at most once per schedule minute across all workers. The task
    returns True when this worker ran the job, False when another had claimed the run."""

    def decorate(body: Callable[[], Any]) -> Any:
        @functools.wraps(body)
        def once() -> bool:
            slot = schedule_slot(schedule, utc_now()) or utc_now().replace(second=0, microsecond=0)
            if not claim_run(name, slot):
                shown = f"{slot:%Y-%m-%d %H:%M}"
                log.info("定时任务 %s（%s UTC）已由其他后台进程执行，本进程跳过", name, shown)
                return False
            body()
            return True

        return db_periodic_task(schedule, name=name)(once)

    return decorate
