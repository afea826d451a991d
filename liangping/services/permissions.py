"""Who may use the services pages: the city's supervisor (the office that runs the halls' supervision,
and edits the catalogue), leaders and departments (read), and district, town and village accounts (their
own halls: they record handled cases and act on 帮办代办 requests)."""

from __future__ import annotations

from liangping.core.models import Role
from liangping.core.scope import AnyUser, role_of

SERVICE_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
RECORDERS = (Role.SUPERVISOR, Role.DISTRICT)  # record handled cases, register 帮办代办 requests


def sees_services(user: AnyUser) -> bool:
    return role_of(user) in SERVICE_ROLES


def edits_catalogue(user: AnyUser) -> bool:
    return role_of(user) == Role.SUPERVISOR


def records(user: AnyUser) -> bool:
    return role_of(user) in RECORDERS
