"""Who may see what (DOMAIN §3). Apps build their querysets' `visible_to` from these answers."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from liangping.core.models import ADMIN_ROLES, Org, OrgKind, Role, User

AnyUser = User | AnonymousUser


def role_of(user: AnyUser) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return user.role  # type: ignore[union-attr]


def sees_everything(user: AnyUser) -> bool:
    """The supervision office sees and reviews every item of its city: a city's office sees its own
    city's (`city_scope`), the province's office every city's."""
    return role_of(user) == Role.SUPERVISOR


def tenant_of(user: AnyUser) -> int | None:
    """The city (Org id) the user belongs to; None for the province's people and accounts without an org."""
    if not user.is_authenticated:
        return None
    org = user.org  # type: ignore[union-attr]
    return org.tenant_id if org is not None else None


def city_scope(user: AnyUser) -> int | None:
    """The one city a supervisor's 'everything' is limited to; None when it is every city (the province).
    The province's people may drill down into one city (`drill_city`, set per request from their
    choice on /province/): they then read that city as its own people do."""
    tenant = tenant_of(user)
    if tenant is None and is_provincial(user):
        return getattr(user, "drill_city", None)
    return tenant


def is_provincial(user: AnyUser) -> bool:
    """One of the province's own people: their org lies under the province, in no city (a unit without a
    parent, as a single-city installation may have, is not the province's)."""
    if not user.is_authenticated:
        return False
    org = user.org  # type: ignore[union-attr]
    return (
        org is not None
        and org.tenant_id is None
        and (org.kind == OrgKind.PROVINCE or org.parent_id is not None)
    )


def read_only(user: AnyUser) -> bool:
    """The province's office reads every city's ledger and changes none of it: every write is refused
    (province.middleware) and no page offers one."""
    return is_provincial(user)


def sees_ledger(user: AnyUser) -> bool:
    """The three administrators manage the system, not the ledger."""
    role = role_of(user)
    return role is not None and role not in ADMIN_ROLES


def is_supervisor(user: AnyUser) -> bool:
    return role_of(user) == Role.SUPERVISOR


def org_path(user: AnyUser) -> str | None:
    if not user.is_authenticated:
        return None
    org = user.org  # type: ignore[union-attr]
    return org.path if org is not None else None


def installation_city() -> int | None:
    """The city of a single-city installation (its first city): the tenant of a city-owned row that was
    written without one."""
    return Org.objects.filter(kind=OrgKind.CITY).order_by("id").values_list("pk", flat=True).first()
