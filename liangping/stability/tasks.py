"""The daily reminder to units that have not reported to a sweep (huey's clock, `liangping worker`)."""

from __future__ import annotations

import logging

from django.utils import timezone

from liangping.notices.periodic import periodic_job
from liangping.notices.queue import at_local_time
from liangping.stability.services import remind_sweeps

log = logging.getLogger(__name__)


@periodic_job(at_local_time(8, 20), name="stability.remind_sweeps")
def remind_sweeps_daily() -> None:
    sent = remind_sweeps(timezone.localdate())
    log.info("排查报送提醒：%d 条", len(sent))
