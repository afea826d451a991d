"""Who may act on a task, and the errors the task services refuse with (DOMAIN §3, §7)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liangping.core.models import Role, User
from liangping.core.scope import read_only
from liangping.tasks.models import Task

CONFLICT = "该记录已被{who}于{when}修改，您的修改未保存。请刷新查看最新内容后重新填写。"


class TaskError(ValueError):
    """A refused change, with a message for people (and the field it concerns, if any)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class TaskConflict(TaskError):
    """Someone else saved the record since it was opened."""


def conflict(who: str = "他人", when: dt.datetime | None = None) -> TaskConflict:
    stamp = timezone.localtime(when or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return TaskConflict(CONFLICT.format(who=who, when=stamp))


# --- who may do what ----------------------------------------------------------------------------


def can_manage(user: User) -> bool:
    """Creating and editing tasks and their milestones is the supervision office's job."""
    return user.is_authenticated and user.role == Role.SUPERVISOR and not read_only(user)


def in_lead_department(user: User, task: Task) -> bool:
    """A department user whose org subtree holds the task's lead department."""
    return (
        user.is_authenticated
        and user.role == Role.DEPARTMENT
        and user.org is not None
        and task.lead_department.is_within(user.org)
    )


def can_report(user: User, task: Task) -> bool:
    return can_manage(user) or in_lead_department(user, task)


def can_record_milestone(user: User, task: Task) -> bool:
    return can_manage(user) or in_lead_department(user, task)


def can_review(user: User) -> bool:
    return can_manage(user)
