"""Deputies' and members' visits on a project's timeline (projects.extensions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from liangping.deputies.models import SiteVisit
from liangping.projects.extensions import register_timeline
from liangping.projects.queries import Entry


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entries(user: Any, project: Any) -> list[Entry]:
    visits = SiteVisit.objects.visible_to(user).filter(project=project).select_related("visitor")
    out = []
    for v in visits.prefetch_related("photos"):
        who = v.visitor
        role = "人大代表" if who.role == "deputy" else "政协委员" if who.role == "member" else ""
        out.append(
            Entry(
                "代表委员视察",
                v.date,
                v.created_at,
                f"{who.name}（{role}）" if role else who.name,
                _short(v.findings),
                reverse("deputies:visit", args=[v.pk]),
                "已提为问题" if v.case_id else "",
                "yellow" if v.case_id else "",
                photo_urls=[reverse("deputies:photo", args=[p.pk]) for p in v.photos.all()],
            )
        )
    return out


def register() -> None:
    register_timeline("deputy", "代表委员视察", entries)
