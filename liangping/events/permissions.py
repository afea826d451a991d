"""Who may act on a tournament, and the errors the tournament services refuse with."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liangping.core.models import Role, User
from liangping.core.scope import AnyUser
from liangping.events.models import MANAGER_ROLES, Official, Tournament

CONFLICT = "该场比赛已被{who}于{when}录入或修改，您的录入未保存。请查看最新比分后再决定是否更正。"


class EventError(ValueError):
    """A refused change, with a message for people (and the form field it concerns, if any)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class EventConflict(EventError):
    """Someone else saved the record since it was opened."""


def conflict(who: str, when: dt.datetime | None) -> EventConflict:
    stamp = timezone.localtime(when or timezone.now()).strftime("%H:%M:%S")
    return EventConflict(CONFLICT.format(who=who or "他人", when=stamp))


def can_create(user: AnyUser) -> bool:
    """The supervisor, and district or department users for their own org."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in MANAGER_ROLES  # type: ignore[union-attr]
        and (user.role == Role.SUPERVISOR or user.org is not None)  # type: ignore[union-attr]
    )


def can_manage(user: AnyUser, tournament: Tournament) -> bool:
    """Set-up, draw and schedule: the supervisor, or a district/department user whose org subtree
    holds the organising org."""
    if not can_create(user):
        return False
    assert isinstance(user, User)
    if user.role == Role.SUPERVISOR:
        return True
    return tournament.org.is_within(user.org)


def is_official(user: AnyUser, tournament: Tournament) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and Official.objects.filter(tournament=tournament, user_id=user.pk).exists()
    )


def can_score(user: AnyUser, tournament: Tournament) -> bool:
    """Results: the organisers and the tournament's referees and table officials."""
    return can_manage(user, tournament) or is_official(user, tournament)
