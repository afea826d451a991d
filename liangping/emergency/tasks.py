"""The 叫应 loop on the job queue (huey; Redis when REDIS_URL is set): every minute the periodic job
takes the due stages and sends what is queued (once per minute across workers: notices.periodic);
issuing a warning also asks for a send at once.

The state lives in the database (each call's stage and next time, each delivery's status), not in
the queue: a worker that is restarted picks up where the last one stopped (see loop.py)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_task

from liangping.emergency import loop
from liangping.notices.periodic import periodic_job

log = logging.getLogger(__name__)


def tick() -> tuple[int, loop.Dispatched]:
    now = timezone.now()
    advanced = loop.advance(now)
    sent = loop.dispatch(now)
    return advanced, sent


@periodic_job(crontab(), name="emergency.tick")
def tick_every_minute() -> None:
    advanced, sent = tick()
    if advanced or sent.sent or sent.failed:
        log.info("叫应：%d 个点位进入下一阶段，发送 %d 条，失败 %d 条", advanced, sent.sent, sent.failed)


@db_task(name="emergency.dispatch_now")
def dispatch_now() -> None:
    loop.dispatch(timezone.now())
