"""The two intake rosters of 枣解决·枣满意: 领导干部接热线 and 局长科长坐窗口."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from liangping.core.models import Org


class RosterQuerySet(models.QuerySet[Any]):
    def at(self, when: dt.datetime) -> RosterQuerySet:
        """The slots that cover the moment `when` (local time)."""
        local = timezone.localtime(when)
        return self.filter(date=local.date(), start__lte=local.time(), end__gt=local.time())


class HotlineDuty(models.Model):
    """领导干部接热线: a leader answers the 12345 hotline on a date, from `start` to `end`."""

    date = models.DateField("日期")
    start = models.TimeField("开始时间")
    end = models.TimeField("结束时间")
    leader = models.CharField("值班领导", max_length=50)
    title = models.CharField("职务", max_length=60, blank=True)
    org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在单位"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RosterQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date", "start", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date", "start", "leader"], name="hotline_duty_slot"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="hotline_duty_order"),
        ]
        verbose_name = "领导干部接热线"
        verbose_name_plural = "领导干部接热线"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}–{self.end:%H:%M} {self.leader}"


class WindowShift(models.Model):
    """局长科长坐窗口: who sat at which service window, and when."""

    date = models.DateField("日期")
    start = models.TimeField("开始时间")
    end = models.TimeField("结束时间")
    window = models.CharField("窗口", max_length=60)
    person = models.CharField("坐窗人员", max_length=50)
    title = models.CharField("职务", max_length=60, blank=True)
    org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在单位"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RosterQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date", "start", "window", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date", "start", "window"], name="window_shift_slot"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="window_shift_order"),
        ]
        verbose_name = "局长科长坐窗口"
        verbose_name_plural = "局长科长坐窗口"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}–{self.end:%H:%M} {self.window} {self.person}"
