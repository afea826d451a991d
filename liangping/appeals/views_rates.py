"""三率 per unit and month, and the unit ranking with 双亮牌."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from liangping.appeals.forms import MonthForm
from liangping.appeals.queries import UNIT_KIND_LABELS, Month, month_ranking
from liangping.appeals.rates import DEFINITIONS, percent, points
from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)


def _tone(change: int | None) -> str:
    if change is None or change == 0:
        return "grey"
    return "blue" if change > 0 else "red"


@roles_required(*LEDGER_ROLES)
def rates_page(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET or None)
    month = Month.of(timezone.localdate())
    if form.is_valid() and form.cleaned_data.get("month"):
        month = Month.parse(form.cleaned_data["month"]) or month
    ranked = month_ranking(month)
    groups = []
    for kind, label in UNIT_KIND_LABELS.items():
        rows = [
            {
                "unit": u.unit,
                "total": u.tally.total,
                "respond": percent(u.respond_rate),
                "respond_of": f"{u.tally.responded_in_time}/{u.tally.respond_due}",
                "on_time": percent(u.on_time_rate),
                "on_time_of": f"{u.tally.finished_in_time}/{u.tally.finish_due}",
                "satisfied": percent(u.satisfied_rate),
                "satisfied_of": f"{u.tally.satisfied}/{u.tally.rated}",
                "score": points(u.score),
                "rank": u.rank,
                "card": u.change_card,
                "tone": _tone(u.change),
            }
            for u in ranked
            if u.unit_kind == kind
        ]
        groups.append({"label": label, "rows": rows})
    return render(
        request,
        "appeals/rates.html",
        {
            "form": form,
            "month": month,
            "groups": groups,
            "definitions": DEFINITIONS,
            "previous": month.previous(),
        },
    )
