"""Who may see and change chains. The chain map is the city government's view of an industry: the
supervisor, the city leaders, the departments and the districts read it; project units and specialists
work on their own projects and do not see it; the supervisor changes it. A chain is its city's: a
city's people see their city's chains (another city's: 404), the province's office every city's."""

from __future__ import annotations

from django.db.models import QuerySet

from liangping.chains.models import Chain
from liangping.core.models import Role
from liangping.core.scope import AnyUser, city_scope, read_only, role_of

CHAIN_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
EDIT_ROLES = (Role.SUPERVISOR,)


def sees_chains(user: AnyUser) -> bool:
    return role_of(user) in CHAIN_ROLES


def edits_chains(user: AnyUser) -> bool:
    return role_of(user) in EDIT_ROLES and not read_only(user)  # the province's office reads


def chains_for(user: AnyUser) -> QuerySet[Chain]:
    """The chains the user reads: their city's (the province's office: every city's)."""
    if not sees_chains(user):
        return Chain.objects.none()
    city = city_scope(user)
    return Chain.objects.all() if city is None else Chain.objects.filter(tenant_id=city)
