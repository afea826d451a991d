"""Who may see and change chains. The chain map is the city government's view of an industry: the
supervisor, the city leaders, the departments and the districts read it; project units and specialists
work on their own projects and do not see it; the supervisor changes it."""

from __future__ import annotations

from liangping.core.models import Role
from liangping.core.scope import AnyUser, role_of

CHAIN_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
EDIT_ROLES = (Role.SUPERVISOR,)


def sees_chains(user: AnyUser) -> bool:
    return role_of(user) in CHAIN_ROLES


def edits_chains(user: AnyUser) -> bool:
    return role_of(user) in EDIT_ROLES
