"""For the province's own people: their menu (the province's board and the cities' pages they read), the
city they are reading (chosen on /province/), and `read_only` that pages use to offer no change."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from liangping.core.context import (
    BOARD,
    CASES,
    CHAINS,
    OPEN,
    PROJECTS,
    RANKING,
    REPORTS,
    TASKS,
    UNITS,
    VISITS,
)
from liangping.core.models import Org
from liangping.core.scope import is_provincial

PROVINCE_MENU = [
    ("全省", [("全省总览", "province:board")]),
    ("各市台账", [PROJECTS, REPORTS, VISITS, CASES, TASKS, CHAINS]),
    ("分级考核", [BOARD, RANKING, UNITS]),
    ("公开", OPEN),
]


def province(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not is_provincial(user):
        return {"read_only": False}
    city_id = getattr(user, "drill_city", None)
    city = Org.objects.filter(pk=city_id).values_list("name", flat=True).first() if city_id else None
    groups = []
    items = []
    for label, entries in PROVINCE_MENU:
        members = [{"label": text, "url": reverse(name), "active": ""} for text, name in entries]
        groups.append({"label": label, "items": members, "active": ""})
        items += members
    under = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    if under:
        current = max(under, key=lambda i: len(i["url"]))
        current["active"] = "1"
        for group in groups:
            if current in group["items"]:
                group["active"] = "1"
    return {
        "read_only": True,
        "province_view": {"city": city or "全省各市"},
        "menu_groups": groups,
        "menu_items": items,
    }
