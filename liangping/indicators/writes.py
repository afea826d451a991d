"""Writing what an indicator file holds: one entry per indicator, place and period, to the 16-city
values or the districts' values, in bulk, every created or changed value audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from liangping.core.audit import diff
from liangping.indicators.models import DistrictValue, Indicator, IndicatorValue
from liangping.indicators.places import CITY
from liangping.sheets.bulk import audit_entry, insert_rows, record_many, update_rows
from liangping.sheets.measures import GROWTH, RANK, VALUE

if TYPE_CHECKING:
    from liangping.sheets.runner import ImportContext

FIELDS = ("value", "growth", "file_rank", "file_rank_wins")


@dataclass
class Entry:
    """An indicator's figures for one place and window, and the cells they come from."""

    indicator: Indicator
    level: str
    place_pk: int
    place: str
    year: int
    month: int
    value: Decimal | None = None
    growth: Decimal | None = None
    rank: int | None = None
    cells: dict[str, tuple[int, str]] = field(default_factory=dict)

    def set(self, measure: str, number: Any, at: tuple[int, str]) -> None:
        setattr(self, {VALUE: "value", GROWTH: "growth", RANK: "rank"}[measure], number)
        self.cells[measure] = at

    @property
    def row(self) -> int:
        return min(r for r, _c in self.cells.values())

    def at(self, measure: str) -> tuple[int, str]:
        return self.cells.get(measure) or next(iter(self.cells.values()))

    @property
    def label(self) -> str:
        return f"{self.year}年1月" if self.month == 1 else f"{self.year}年1-{self.month}月"

    def key(self) -> tuple[int, int, int, int]:
        return (self.indicator.pk, self.place_pk, self.year, self.month)

    def as_preview(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.name,
            "place": self.place,
            "period": self.label,
            "value": None if self.value is None else format(self.value.normalize(), "f"),
            "unit": self.indicator.unit,
            "growth": None if self.growth is None else format(self.growth.normalize(), "f"),
            "rank": self.rank,
            "row": self.row,
        }


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def stored(model: Any, place: str, entries: list[Entry]) -> dict[tuple[int, int, int, int], Any]:
    """The stored values of the entries' windows, by (indicator, place, year, month): one query."""
    windows = {(e.year, e.month) for e in entries}
    if not windows:
        return {}
    cond = Q()
    for y, m in windows:
        cond |= Q(year=y, month=m)
    indicators = {e.indicator.pk for e in entries}
    return {
        (v.indicator_id, getattr(v, place), v.year, v.month): v
        for v in model.objects.filter(cond, indicator_id__in=indicators).select_related(
            "indicator", place.removesuffix("_id")
        )
    }


def write_entries(ctx: ImportContext, entries: list[Entry], *, trust_file: bool) -> None:
    created = updated = 0
    for level_entries, model, place in (
        ([e for e in entries if e.level == CITY], IndicatorValue, "city_id"),
        ([e for e in entries if e.level != CITY], DistrictValue, "place_id"),
    ):
        c, u = _write(ctx, level_entries, model, place, trust_file)
        created, updated = created + c, updated + u
    ctx.result.created, ctx.result.updated = created, updated
    ctx.result.unchanged = len(entries) - created - updated


def _write(
    ctx: ImportContext, entries: list[Entry], model: Any, place: str, trust_file: bool
) -> tuple[int, int]:
    if not entries:
        return 0, 0
    existing = stored(model, place, entries)
    relation = place.removesuffix("_id")
    target = model._meta.get_field(relation).related_model
    places = {p.pk: p for p in target.objects.filter(pk__in={e.place_pk for e in entries})}
    creates, updates, entries_audit = [], [], []
    for e in entries:
        wanted = {
            "value": e.value,
            "growth": e.growth,
            "file_rank": e.rank,
            "file_rank_wins": trust_file and e.rank is not None,
        }
        given = {k: v for k, v in wanted.items() if k == "file_rank_wins" or v is not None}
        if e.rank is None:
            given.pop("file_rank_wins")
        current = existing.get(e.key())
        if current is None:
            obj = model(indicator=e.indicator, year=e.year, month=e.month, updated_by=ctx.actor, **given)
            setattr(obj, relation, places[e.place_pk])
            creates.append(obj)
            continue
        before = {k: getattr(current, k) for k in given}
        if all(before[k] == v for k, v in given.items()):
            continue
        changes = diff({k: _s(v) for k, v in before.items()}, {k: _s(v) for k, v in given.items()})
        for k, v in given.items():
            setattr(current, k, v)
        current.updated_by = ctx.actor
        updates.append(current)
        entries_audit.append((current, changes))
    if not ctx.writes:
        return len(creates), len(updates)
    insert_rows(model, creates)
    update_rows(model, updates, [*FIELDS, "updated_by"])
    ids = {
        (i, p, y, m): pk
        for i, p, y, m, pk in model.objects.filter(
            indicator_id__in={e.indicator.pk for e in entries}, year__in={e.year for e in entries}
        ).values_list("indicator_id", place, "year", "month", "pk")
    }
    for obj in creates:
        obj.pk = ids[(obj.indicator_id, getattr(obj, place), obj.year, obj.month)]
        entries_audit.append((obj, {k: [None, _s(getattr(obj, k))] for k in FIELDS if getattr(obj, k)}))
    record_many([audit_entry(ctx.actor, "indicator.import", v, ch, ctx.reason) for v, ch in entries_audit])
    return len(creates), len(updates)
