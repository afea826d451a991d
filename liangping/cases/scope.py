"""Who a user is to a case (the parties of its kind) and which cases a user sees (the kind's scope).

A kind's spec names parties in its transitions and scope:
- built in: registrar (who registered it), lead_unit (a unit account whose org contains the lead
  unit), co_unit (likewise for a co-handling unit), requester (the account that asked), anyone;
- defined by the kind in [parties] as a list of "role:<role>" / "org_kind:<kind>" (dispatcher,
  verifier, …), or written inline as "role:<role>".

Scope ([scope] party = how): "all" (every case of the kind), "subtree" (cases led or co-handled
within the user's org), "own" (cases the user registered or asked), "subject" (cases about an item the
user may see: apps that attach cases to their items register a function for that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from liangping.core.models import ADMIN_ROLES, Role, User
from liangping.core.scope import AnyUser, city_scope, org_path, role_of
from liangping.kinds.spec import KindSpec

SubjectScope = Callable[[AnyUser], Any]
_subject_scopes: dict[type[models.Model], SubjectScope] = {}
# The accounts that act for a unit (its lead or co-handling unit): department and district users.
UNIT_ROLES = (Role.DEPARTMENT, Role.DISTRICT)


def register_subject_scope(model: type[models.Model], visible_pks: SubjectScope) -> None:
    _subject_scopes[model] = visible_pks


def matches(user: AnyUser, matchers: tuple[str, ...]) -> bool:
    """Whether the user fits one of "role:x" / "org_kind:y"."""
    role = role_of(user)
    if role is None:
        return False
    for m in matchers:
        what, _, value = m.partition(":")
        if what == "role" and role == value:
            return True
        if what == "org_kind":
            org = getattr(user, "org", None)
            if org is not None and org.kind == value:
                return True
    return False


def is_unit_of(user: AnyUser, org: Any) -> bool:
    """A unit account whose org is the given org or contains it."""
    if org is None or role_of(user) not in UNIT_ROLES:
        return False
    own = getattr(user, "org", None)
    return own is not None and bool(org.path.startswith(own.path))


def is_party(user: AnyUser, party: str, case: Any, spec: KindSpec, co_orgs: list[Any] | None = None) -> bool:
    """Whether the user is this party of the case (a cases.Case: this module sits below the models, which
    build their scope from it). `co_orgs` saves a query when the caller has them."""
    if role_of(user) is None or role_of(user) in ADMIN_ROLES:
        return False
    if party == "anyone":
        return True
    if party == "registrar":
        return case.registered_by_id is not None and case.registered_by_id == user.pk
    if party == "requester":
        return case.requester_id is not None and case.requester_id == user.pk
    if party == "lead_unit":
        return is_unit_of(user, case.lead_org)
    if party == "co_unit":
        orgs = co_orgs if co_orgs is not None else list(case.co_orgs.all())
        return any(is_unit_of(user, org) for org in orgs)
    if party.startswith("role:"):
        return matches(user, (party,))
    return matches(user, spec.parties.get(party, ()))


def may_register(user: AnyUser, spec: KindSpec) -> bool:
    """Whether the user may register a case of this kind (registrar/lead parties cannot apply yet)."""
    for party in spec.register_by:
        if party == "anyone" and role_of(user) is not None and role_of(user) not in ADMIN_ROLES:
            return True
        if party.startswith("role:") and matches(user, (party,)):
            return True
        if party in spec.parties and matches(user, spec.parties[party]):
            return True
    return False


def kind_scope_q(user: AnyUser, spec: KindSpec) -> Q | None:
    """The cases of one kind this user sees, as a condition (None: all of them)."""
    q = Q(pk__in=[])
    path = org_path(user)
    for party, how in spec.scope.items():
        if how == "all":
            fits = party == "anyone" or (
                matches(user, (party,))
                if party.startswith("role:")
                else matches(user, spec.parties.get(party, ()))
            )
            if fits:
                return None
        elif how == "subtree" and path and role_of(user) in UNIT_ROLES:
            if party == "lead_unit":
                q |= Q(lead_org__path__startswith=path)
            elif party == "co_unit":
                q |= Q(co_orgs__path__startswith=path)
        elif how == "own" and isinstance(user, User):
            if party == "registrar":
                q |= Q(registered_by=user)
            elif party == "requester":
                q |= Q(requester=user)
        elif how == "subject":
            for model, visible in _subject_scopes.items():
                ct = ContentType.objects.get_for_model(model)
                q |= Q(subject_ct=ct, subject_id__in=visible(user))
    return q


def case_scope_q(user: AnyUser, specs: dict[str, KindSpec]) -> Q | None:
    """None: everything; a condition that matches nothing for the administrators and the anonymous."""
    if role_of(user) is None or role_of(user) in ADMIN_ROLES:
        return Q(pk__in=[])
    parts = []
    everything = True
    for code, spec in specs.items():
        q = kind_scope_q(user, spec)
        if q is None:
            parts.append(Q(kind=code))
        else:
            everything = False
            parts.append(Q(kind=code) & q)
    out: Q | None = None
    if not (everything and specs):
        out = Q(pk__in=[])
        for part in parts:
            out |= part
    tenant = city_scope(user)
    if tenant is None:
        return out
    # a city's people see their city's cases: led by its units, or registered or requested by its people
    # (a case nobody has registered or assigned yet stays visible, as on an installation of one city)
    in_city = (
        Q(lead_org__tenant_id=tenant)
        | Q(registered_by__org__tenant_id=tenant)
        | Q(requester__org__tenant_id=tenant)
        | Q(lead_org__isnull=True, registered_by__isnull=True, requester__isnull=True)
    )
    return in_city if out is None else out & in_city
