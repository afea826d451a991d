"""Who must use two-factor login, whether a password must be changed, and the client address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from liangping.core.clientaddr import client_address
from liangping.core.models import ADMIN_ROLES, AuditLog, Role, User

# Roles that may not sign in on a password alone: the three administrators and the supervisors.
TWO_FACTOR_ROLES = frozenset({*ADMIN_ROLES, Role.SUPERVISOR})

# A password set by someone else (an administrator creating the account or resetting it) must be
# replaced by its owner at the next sign-in. The audit log records who set each password last.
SET_BY_ADMIN = ("user.create", "user.password_reset")
SET_BY_OWNER = ("user.password_change",)


def client_ip(request: HttpRequest) -> str | None:
    """The address used for lockouts and the audit log alike (REMOTE_ADDR, or the address a trusted
    reverse proxy passes on: liangping.core.clientaddr)."""
    return client_address(request)


def relaxed() -> bool:
    """True only in the demo city and the test run (never in production: see settings and checks)."""
    return bool(settings.TWO_FACTOR_RELAXED) and not settings.PRODUCTION


def requires_two_factor(user: Any) -> bool:
    return getattr(user, "role", None) in TWO_FACTOR_ROLES


def must_enroll(user: Any) -> bool:
    """A signed-in user who must set up an authenticator before anything else (asked only of users
    known to have none)."""
    return requires_two_factor(user) and not relaxed()


def must_change_password(user: User) -> bool:
    last = (
        AuditLog.objects.filter(
            object_type=User._meta.label_lower,
            object_id=str(user.pk),
            action__in=(*SET_BY_ADMIN, *SET_BY_OWNER),
        )
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return last in SET_BY_ADMIN
