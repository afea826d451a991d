"""Whose periods, rule sets, settings and screen a request works in (decision 0007).

A city is a tenant; the province (and its own office) is the tenant None. Periods, rule sets, settings
and calendar overrides carry a `tenant` key (null: the province's). A person works in their unit's city,
the province's people in the province's; an account without a unit, the command line and the public
work in the installation's city: its only city, or the province when it has several.
"""

from __future__ import annotations

from typing import Any, Final

from django.db.models import Count, Min, Q, Subquery
from django.http import Http404

from liangping.core.models import Org, OrgKind


class _Installation:
    """Marks "no tenant given": the installation's city (`installation_city`)."""

    def __repr__(self) -> str:
        return "INSTALLATION"


INSTALLATION: Final = _Installation()
TenantArg = int | None | _Installation


def installation_city() -> int | None:
    """The installation's own city: its only city, else None (the province). One query."""
    cities = list(Org.objects.filter(kind=OrgKind.CITY).values_list("pk", flat=True)[:2])
    return cities[0] if len(cities) == 1 else None


def resolve(tenant: TenantArg) -> int | None:
    return installation_city() if isinstance(tenant, _Installation) else tenant


def tenant_for(user: Any) -> int | None:
    """The tenant a person works in: their unit's city (None for the province's people); an account
    without a unit, an anonymous visitor or no user at all: the installation's city."""
    if user is not None and getattr(user, "is_authenticated", False) and user.org_id is not None:
        tenant = user.org.tenant_id
        return int(tenant) if tenant is not None else None
    return installation_city()


def place_by_code(code: str) -> Org | None:
    """The province or a city by its division code (370000, 370400); None for any other code."""
    if not code.isdigit():
        return None
    return Org.objects.filter(code=code, kind__in=[OrgKind.PROVINCE, OrgKind.CITY]).first()


def place_or_404(code: str) -> Org:
    """The province or a city by its division code; any other code (a district's, an unknown one): 404."""
    place = place_by_code(code)
    if place is None:
        raise Http404("没有这个城市的亮屏")
    return place


def tenant_of_place(place: Org) -> int | None:
    """The tenant a place's screen and disclosure read: a city's own, the province's (None)."""
    return place.pk if place.kind == OrgKind.CITY else None


def installation_city_subquery() -> Subquery:
    """`installation_city` inside another query (no query of its own): the only city's id, else null."""
    cities = (
        Org.objects.filter(kind=OrgKind.CITY)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"), first=Min("pk"))
        .filter(n=1)
        .values("first")
    )
    return Subquery(cities[:1])


def inherited(tenant: TenantArg) -> Q:
    """The rows a tenant reads: the province's (installation's) own, no tenant, and its city's own."""
    if tenant is None:
        return Q(tenant__isnull=True)
    city = installation_city_subquery() if isinstance(tenant, _Installation) else tenant
    return Q(tenant__isnull=True) | Q(tenant_id=city)


def own_level(user: Any) -> int | None:
    """Where a person's settings and holiday overrides are kept: their city's own rows, or the
    installation's (no tenant) for the province's people and for the only city of an installation
    (whose values are the installation's, as before cities were tenants)."""
    tenant = tenant_for(user)
    return None if tenant is None or tenant == installation_city() else tenant
