"""The screens by place (/screen/<code>/): each city's own, and the province's.

A city's screen is the city screen of its tenant (its latest published snapshot, `screen.data`). The
province's screen puts the cities' latest published figures side by side: each city's overview read
from that city's published snapshot (the same document its own screen shows), never live data. Two
queries whatever the number of cities and periods, and one cache read per city.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache

from liangping.core.models import Org, OrgKind, PeriodStatus
from liangping.grading.models import Snapshot
from liangping.screen.data import CACHE_SECONDS, SCHEMA, body_for


def latest_published_by_city(cities: list[Org]) -> dict[int, Snapshot]:
    """Each city's current snapshot of its latest published period (one query)."""
    latest: dict[int, Snapshot] = {}
    for snap in (
        Snapshot.objects.filter(period__status=PeriodStatus.PUBLISHED, period__tenant__in=cities)
        .select_related("period")
        .order_by("-period__year", "-period__month", "-period__published_at", "-period__id", "-version")
    ):
        if snap.period.tenant_id is not None:
            latest.setdefault(snap.period.tenant_id, snap)
    return latest


def _city_row(city: Org, snapshot: Snapshot | None) -> dict[str, Any]:
    row: dict[str, Any] = {"name": city.name, "code": city.code, "published": snapshot is not None}
    if snapshot is None:
        return row
    data = json.loads(body_for(snapshot))
    overview = data["overview"]
    ranking = data["ranking"]
    return row | {
        "as_of": data["as_of"],
        "projects": overview["projects"],
        "display": overview["display"],
        "indicators": {k: ranking[k] for k in ("count", "top10", "top5", "top3")},
    }


def province_body(province: Org) -> bytes:
    """The province's screen document: the cities side by side, cached per set of their snapshots."""
    # an installation is one province: every city is its (a city entered before the province was may
    # still hang at the top of the tree)
    cities = list(Org.objects.filter(kind=OrgKind.CITY).order_by("code", "sort", "id"))
    latest = latest_published_by_city(cities)
    stamp = [(c.pk, c.name, getattr(latest.get(c.pk), "pk", None)) for c in cities]
    key = "screen:province:" + hashlib.sha256(repr((SCHEMA, province.pk, stamp)).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        rows = [_city_row(c, latest.get(c.pk)) for c in cities]
        data = {
            "published": any(r["published"] for r in rows),
            "schema": SCHEMA,
            "province": province.name,
            "title": f"{province.name}各市重点工作亮屏",
            "cities": rows,
        }
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def province_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
