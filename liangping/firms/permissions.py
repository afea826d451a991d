"""Who reads the studio's register and the incentives: the city government (supervisor, leaders,
departments, districts — a district only the studios in it). Project units and specialists do not."""

from __future__ import annotations

from liangping.core.scope import AnyUser, role_of
from liangping.firms.models import FIRM_ROLES


def sees_firms(user: AnyUser) -> bool:
    return role_of(user) in FIRM_ROLES
