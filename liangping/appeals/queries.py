"""Reading appeals for 三率 and the figures of the pages and the screen, in a constant number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from liangping.appeals.rates import AppealRow, Tally, UnitRates, percent, ratio, unit_rates
from liangping.cases.models import Case, CaseCategory, CaseStep
from liangping.core.models import Org, OrgKind
from liangping.core.scope import AnyUser

KIND = "appeal"
RANKED_KINDS: dict[str, str] = {OrgKind.DISTRICT: "district", OrgKind.DEPARTMENT: "department"}
UNIT_KIND_LABELS = {"district": "区（市）", "department": "市直部门"}


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        try:
            year, month = (int(p) for p in text.split("-"))
        except ValueError:
            return None
        return cls(year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None

    @classmethod
    def of(cls, when: dt.datetime | dt.date) -> Month:
        return cls(when.year, when.month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in the site's time zone."""
        tz = timezone.get_current_timezone()
        start = dt.datetime(self.year, self.month, 1, tzinfo=tz)
        days = calendar.monthrange(self.year, self.month)[1]
        return start, start + dt.timedelta(days=days)


def unit_index(orgs: Iterable[tuple[int, str, str, str]] | None = None) -> dict[int, tuple[str, str]]:
    """org id → (unit kind, unit name) of the ranked unit it counts for: a district for itself and its
    towns, streets and villages; a city department for itself and its offices."""
    rows = list(orgs if orgs is not None else Org.objects.values_list("id", "kind", "name", "path"))
    by_id = {pk: (kind, name) for pk, kind, name, _path in rows}
    out: dict[int, tuple[str, str]] = {}
    for pk, _kind, _name, path in rows:
        for part in path.strip("/").split("/"):
            if part.isdigit() and int(part) in by_id and by_id[int(part)][0] in RANKED_KINDS:
                kind, name = by_id[int(part)]
                out[pk] = (RANKED_KINDS[kind], name)
                break
    return out


def appeal_rows(month: Month, *, place: bool = False, base: QuerySet[Case] | None = None) -> list[AppealRow]:
    """One AppealRow per appeal registered in `month` and dispatched to a unit (three queries).
    With `place`, the unit is the district where it happened (place_org) instead of the lead unit;
    `base` narrows the appeals (a user's scope)."""
    start, end = month.bounds()
    cases = (base if base is not None else Case.objects.all()).filter(
        kind=KIND, registered_at__gte=start, registered_at__lt=end
    )
    unit_field = "place_org_id" if place else "lead_org_id"
    values = list(
        cases.exclude(**{f"{unit_field}__isnull": True}).values_list(
            "pk", unit_field, "registered_at", "respond_by", "responded_at", "due_at", "finished_at"
        )
    )
    ratings: dict[int, str] = {}
    for case_id, rating in (
        CaseStep.objects.filter(case__in=cases)
        .exclude(rating="")
        .order_by("at", "id")
        .values_list("case_id", "rating")
    ):
        ratings[case_id] = rating  # the last call back wins
    # the units of these appeals' orgs only, with every ranked unit their paths may name: reading every
    # org (a province has thousands of companies) cost more than the rest of the dashboard
    referenced = {org_id for _pk, org_id, *_rest in values}
    units = unit_index(
        Org.objects.filter(Q(pk__in=referenced) | Q(kind__in=RANKED_KINDS))
        .order_by()
        .values_list("id", "kind", "name", "path")
    )
    out = []
    for pk, org_id, registered, respond_by, responded, due, finished in values:
        unit = units.get(org_id)
        if unit is None:
            continue
        out.append(
            AppealRow(
                unit=unit[1],
                unit_kind=unit[0],
                registered_at=registered,
                respond_by=respond_by,
                responded_at=responded,
                due_at=due,
                finished_at=finished,
                rating=ratings.get(pk, ""),
            )
        )
    return out


def month_ranking(
    month: Month, now: dt.datetime | None = None, *, base: QuerySet[Case] | None = None
) -> list[UnitRates]:
    """三率 and the unit ranking of `month` with the rank change against the month before (双亮牌);
    `base` narrows the appeals (one city's)."""
    now = now or timezone.now()
    before = unit_rates(appeal_rows(month.previous(), base=base), now)
    previous = {(u.unit_kind, u.unit): u.rank for u in before if u.rank is not None}
    return unit_rates(appeal_rows(month, base=base), now, previous=previous)


def _org_in(field: str, tenant: int | None) -> Q:
    """`field` names a unit of the tenant: a city's, or the province's own (no tenant)."""
    where = (
        Q(**{f"{field}__tenant__isnull": True}) if tenant is None else Q(**{f"{field}__tenant_id": tenant})
    )
    return Q(**{f"{field}__isnull": False}) & where


def tenant_appeals_q(tenant: int | None, installation: int | None) -> Q:
    """The appeals of one tenant (a city, or the province: None): an appeal is the city's of its lead
    unit; without one, of the place it happened; without either, of the unit of whoever registered it;
    an appeal with none of these (not yet registered by anyone's unit) is the installation's own
    (`installation`: its city, core.tenancy). Each appeal belongs to exactly one tenant."""
    no_lead = Q(lead_org__isnull=True)
    no_place = no_lead & Q(place_org__isnull=True)
    q = (
        _org_in("lead_org", tenant)
        | (no_lead & _org_in("place_org", tenant))
        | (no_place & _org_in("registered_by__org", tenant))
    )
    if tenant == installation:
        q |= no_place & (Q(registered_by__isnull=True) | Q(registered_by__org__isnull=True))
    return q


def district_index(orgs: Iterable[tuple[int, str, str, str]] | None = None) -> dict[int, str]:
    """org id → the name of the district it lies in (the district itself, its towns and villages)."""
    return {pk: name for pk, (kind, name) in unit_index(orgs).items() if kind == "district"}


def screen_figures(
    month: Month, now: dt.datetime | None = None, *, tenant: int | None, installation: int | None
) -> dict[str, object]:
    """The public screen's appeals page of one tenant (a city, or the province's own: None; see
    `tenant_appeals_q`): counts by category and by district, 三率 by district, among that tenant's
    appeals and districts only. Aggregates only: no appeal, name, phone, address or text is ever part
    of it."""
    base = Case.objects.filter(tenant_appeals_q(tenant, installation))
    from_cases = base.filter(
        kind=KIND, registered_at__gte=month.bounds()[0], registered_at__lt=month.bounds()[1]
    )
    own = Org.objects.filter(tenant__isnull=True) if tenant is None else Org.objects.filter(tenant_id=tenant)
    orgs = list(own.values_list("id", "kind", "name", "path"))
    districts = district_index(orgs)
    categories = {
        pk: (name, parent)
        for pk, name, parent in CaseCategory.objects.filter(kind__code=KIND).values_list(
            "id", "name", "parent_id"
        )
    }

    def top(pk: int | None) -> str:
        seen = 0
        while pk is not None and pk in categories and categories[pk][1] is not None and seen < 10:
            pk, seen = categories[pk][1], seen + 1
        return categories[pk][0] if pk in categories else "未分类"

    by_category: dict[str, int] = defaultdict(int)
    by_district: dict[str, int] = defaultdict(int)
    total = 0
    for category_id, place_id, lead_id in from_cases.values_list(
        "category_id", "place_org_id", "lead_org_id"
    ):
        total += 1
        by_category[top(category_id)] += 1
        district = districts.get(place_id) or districts.get(lead_id)
        if district:
            by_district[district] += 1
    order = {
        name: i
        for i, (pk, kind, name, _p) in enumerate(sorted(orgs, key=lambda o: o[0]))
        if kind == OrgKind.DISTRICT
    }
    ranked = [
        u for u in month_ranking(month, now, base=base) if u.unit_kind == "district" and u.unit in order
    ]
    return {
        "month": month.label,
        "total": total,
        "by_category": sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_district": sorted(by_district.items(), key=lambda kv: order.get(kv[0], 999)),
        "rates": [
            {
                "district": u.unit,
                "respond": _pct(u.respond_rate),
                "on_time": _pct(u.on_time_rate),
                "satisfied": _pct(u.satisfied_rate),
                "rank": u.rank,
                "card": u.change_card,
            }
            for u in sorted(ranked, key=lambda u: order.get(u.unit, 999))
        ],
    }


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float((value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def dashboard_figures(
    user: AnyUser, closed_states: Iterable[str], now: dt.datetime | None = None
) -> dict[str, object]:
    """The dashboard's live appeal figures of this month, within the user's scope (four queries)."""
    now = now or timezone.now()
    month = Month.of(timezone.localtime(now))
    start, end = month.bounds()
    scoped = Case.objects.visible_to(user).filter(kind=KIND)
    closed = list(closed_states)
    counts = scoped.filter(registered_at__gte=start, registered_at__lt=end).aggregate(
        total=Count("id"), finished=Count("id", filter=Q(status__in=closed))
    )
    overdue = scoped.exclude(status__in=closed).filter(due_at__lt=now).count()
    tally = Tally()
    for row in appeal_rows(month, base=scoped):
        tally.add(row, now)
    return {
        "month": month.label,
        "total": counts["total"],
        "finished": counts["finished"],
        "overdue": overdue,
        "respond": percent(ratio(tally.responded_in_time, tally.respond_due)),
        "on_time": percent(ratio(tally.finished_in_time, tally.finish_due)),
        "satisfied": percent(ratio(tally.satisfied, tally.rated)),
    }
