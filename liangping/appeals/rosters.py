"""Writing the rosters (领导干部接热线, 局长科长坐窗口): one audited function per change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.core.audit import diff, record, snapshot
from liangping.core.models import Org, Role, User

DUTY_FIELDS = ["date", "start", "end", "leader", "title", "org"]
SHIFT_FIELDS = ["date", "start", "end", "window", "person", "title", "org"]


class RosterError(ValueError):
    """A slot that cannot be saved, with a Chinese message naming the field (`field`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def may_edit(user: Any) -> bool:
    return bool(user.is_authenticated and user.role == Role.SUPERVISOR)


def _check(actor: User, start: dt.time, end: dt.time) -> None:
    if not may_edit(actor):
        raise RosterError("", "只有督查人员可以维护排班")
    if end <= start:
        raise RosterError("end", "结束时间必须晚于开始时间")


@transaction.atomic
def add_duty(
    actor: User,
    *,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    leader: str,
    title: str = "",
    org: Org | None = None,
) -> HotlineDuty:
    _check(actor, start, end)
    leader = leader.strip()
    if not leader:
        raise RosterError("leader", "请填写值班领导")
    if HotlineDuty.objects.filter(date=date, start=start, leader=leader).exists():
        raise RosterError("start", f"{leader}在{date:%Y-%m-%d} {start:%H:%M}已有值班")
    duty = HotlineDuty.objects.create(
        date=date, start=start, end=end, leader=leader, title=title.strip(), org=org, created_by=actor
    )
    record(actor, "appeal.duty_create", duty, changes=diff({}, snapshot(duty, DUTY_FIELDS)))
    return duty


@transaction.atomic
def delete_duty(actor: User, duty: HotlineDuty) -> None:
    _check(actor, duty.start, duty.end)
    before = snapshot(duty, DUTY_FIELDS)
    record(actor, "appeal.duty_delete", duty, changes={k: [v, None] for k, v in before.items()})
    duty.delete()


@transaction.atomic
def add_shift(
    actor: User,
    *,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    window: str,
    person: str,
    title: str = "",
    org: Org | None = None,
) -> WindowShift:
    _check(actor, start, end)
    window, person = window.strip(), person.strip()
    if not window:
        raise RosterError("window", "请填写窗口")
    if not person:
        raise RosterError("person", "请填写坐窗人员")
    if WindowShift.objects.filter(date=date, start=start, window=window).exists():
        raise RosterError("window", f"{window}在{date:%Y-%m-%d} {start:%H:%M}已有人坐窗")
    shift = WindowShift.objects.create(
        date=date,
        start=start,
        end=end,
        window=window,
        person=person,
        title=title.strip(),
        org=org,
        created_by=actor,
    )
    record(actor, "appeal.shift_create", shift, changes=diff({}, snapshot(shift, SHIFT_FIELDS)))
    return shift


@transaction.atomic
def delete_shift(actor: User, shift: WindowShift) -> None:
    _check(actor, shift.start, shift.end)
    before = snapshot(shift, SHIFT_FIELDS)
    record(actor, "appeal.shift_delete", shift, changes={k: [v, None] for k, v in before.items()})
    shift.delete()


def duty_at(when: dt.datetime | None = None) -> HotlineDuty | None:
    """The leader answering the hotline at `when` (now by default), if any."""
    return HotlineDuty.objects.at(when or timezone.now()).first()


def shift_at(window: str, when: dt.datetime | None = None) -> WindowShift | None:
    return WindowShift.objects.at(when or timezone.now()).filter(window=window).first()
