"""Checks that flag, not guess: what an indicator file holds that may be a mistake.

- A cumulative figure (from January) that falls within a year, against the file's other periods and
  what is stored (余额 indicators are not cumulative: Indicator.cumulative).
- A value ten times off its neighbours: the same place's other periods of the year, in the file and
  stored (per month of the window when cumulative). Places are not compared with each other: a
  county may well be ten times another.
Both are refused with `confirm` set until the person confirms the listed rows, then kept as warnings.
- The bureau's 位次 against the ranks computed from the figures (the file's and the stored ones):
  differences are warnings; the bureau's rank is used only when the person says so.
- A figure the ranking needs (增速, or 总量 for an indicator ranked by it) that nothing provides.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal
from statistics import median
from typing import Any

from liangping.indicators.models import Direction, DistrictValue, IndicatorValue
from liangping.indicators.places import CITY
from liangping.indicators.ranking import competition_rank
from liangping.indicators.writes import Entry, stored
from liangping.sheets.measures import GROWTH, RANK, VALUE

OUTLIER = Decimal(10)
CONFIRM_HINT = "请核对；如确实如此，请确认后导入（网页上勾选“已核对，照常导入”，命令行加 --confirm）"


def _stored(entries: list[Entry]) -> dict[tuple[str, int, int, int, int], Any]:
    out: dict[tuple[str, int, int, int, int], Any] = {}
    for level, model, place in ((CITY, IndicatorValue, "city_id"), ("district", DistrictValue, "place_id")):
        mine = [e for e in entries if (e.level == CITY) == (level == CITY)]
        for key, v in stored(model, place, mine).items():
            out[(level, *key)] = v
    return out


def _stored_years(
    entries: list[Entry], *, every: bool = False
) -> dict[tuple[str, int, int, int], dict[int, Decimal]]:
    """{(level, indicator, place, year): {month: value}} stored for the years the file touches (of the
    cumulative indicators, or of `every` one)."""
    out: dict[tuple[str, int, int, int], dict[int, Decimal]] = defaultdict(dict)
    for level, model, place in ((CITY, IndicatorValue, "city_id"), ("district", DistrictValue, "place_id")):
        mine = [
            e for e in entries if (e.level == CITY) == (level == CITY) and (every or e.indicator.cumulative)
        ]
        if not mine:
            continue
        rows = model.objects.filter(
            indicator_id__in={e.indicator.pk for e in mine},
            year__in={e.year for e in mine},
            value__isnull=False,
        ).values_list("indicator_id", place, "year", "month", "value")
        for ind, p, y, m, value in rows:
            out[(level, ind, p, y)][m] = value
    return out


def _flag(res: Any, at: tuple[int, str], message: str, confirmed: bool) -> None:
    if confirmed:
        res.warn(at, f"已确认导入：{message}")
    else:
        res.error(at, f"{message}，{CONFIRM_HINT}", confirm=True)


def _level(e: Entry) -> str:
    return CITY if e.level == CITY else "district"


def run_checks(res: Any, entries: list[Entry], *, confirmed: bool) -> None:
    _falls(res, entries, confirmed)
    _outliers(res, entries, confirmed)


def _falls(res: Any, entries: list[Entry], confirmed: bool) -> None:
    series: dict[tuple[str, int, int, int], dict[int, tuple[Decimal, Entry | None]]] = defaultdict(dict)
    for key, months in _stored_years(entries).items():
        for m, v in months.items():
            series[key][m] = (v, None)
    for e in entries:
        if e.indicator.cumulative and e.value is not None:
            series[(_level(e), e.indicator.pk, e.place_pk, e.year)][e.month] = (e.value, e)
    for points in series.values():
        ordered = sorted(points.items())
        for (m1, (v1, e1)), (m2, (v2, e2)) in itertools.pairwise(ordered):
            if v2 >= v1 or (e1 is None and e2 is None):
                continue
            flagged = e2 or e1
            assert flagged is not None
            e = flagged
            where = "文件中" if e1 is not None and e2 is not None else "已有数据中"
            message = (
                f"{e.place}的“{e.indicator.name}”{e.year}年1-{m2}月为{_n(v2)}，小于{where}1-{m1}月的{_n(v1)}："
                "从年初累计的数在一年内不应下降"
            )
            _flag(res, e.at(VALUE), message, confirmed)


def _outliers(res: Any, entries: list[Entry], confirmed: bool) -> None:
    """A value ten times above or below the median of the same place's other periods of the year
    range the file and the store hold (per month of the window for a cumulative indicator)."""
    series: dict[tuple[str, int, int], dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (level, ind, place, year), months in _stored_years(entries, every=True).items():
        for m, v in months.items():
            series[(level, ind, place)][(year, m)] = v
    for e in entries:
        if e.value is not None:
            series[(_level(e), e.indicator.pk, e.place_pk)][(e.year, e.month)] = e.value
    for e in entries:
        if e.value is None or e.value <= 0:
            continue
        per = (lambda v, m: v / m) if e.indicator.cumulative else (lambda v, m: v)
        others = [
            per(v, m)
            for (y, m), v in series[(_level(e), e.indicator.pk, e.place_pk)].items()
            if (y, m) != (e.year, e.month) and v > 0
        ]
        if not others:
            continue
        middle, mine = median(others), per(e.value, e.month)
        ratio = mine / middle
        if OUTLIER > ratio > 1 / OUTLIER:
            continue
        q = Decimal("0.1")
        times = f"{_n(ratio.quantize(q))}倍" if ratio >= 1 else f"{_n((1 / ratio).quantize(q))}分之一"
        of = "本地区其他期间" + ("按月平均" if e.indicator.cumulative else "")
        message = (
            f"{e.place}的“{e.indicator.name}”{e.label}为{_n(e.value)}，是{of}的中位数"
            f"{_n(middle.quantize(Decimal('0.01')))}的{times}，可能是单位写错（如万元与亿元）"
        )
        _flag(res, e.at(VALUE), message, confirmed)


def compare_ranks(res: Any, entries: list[Entry], *, trust_file: bool) -> None:
    """The file's 位次 against the ranks the figures give."""
    with_rank = [e for e in entries if e.rank is not None]
    if not with_rank:
        return
    saved = _stored(entries)
    groups: dict[tuple[str, int, int, int], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(_level(e), e.indicator.pk, e.year, e.month)].append(e)
    others: dict[tuple[str, int, int, int], dict[int, Any]] = defaultdict(dict)
    for (level, ind, place, y, m), v in saved.items():
        others[(level, ind, y, m)][place] = v
    for key, group in groups.items():
        if not any(e.rank is not None for e in group):
            continue
        indicator = group[0].indicator
        by = "value" if indicator.ranks_by_value else "growth"
        figures = {pk: getattr(v, by) for pk, v in others[key].items() if getattr(v, by) is not None}
        for e in group:
            mine = getattr(e, by)
            if mine is not None:
                figures[e.place_pk] = mine
        ranks = competition_rank(figures, higher_is_better=indicator.direction == Direction.HIGHER)
        word = "总量" if by == "value" else "增速"
        for e in group:
            if e.rank is None:
                continue
            computed = ranks.get(e.place_pk)
            if computed == e.rank:
                continue
            said = f"按{word}计算为第{computed}" if computed is not None else f"没有{word}，无法计算位次"
            tail = (
                "已按“采用文件位次”以文件为准"
                if trust_file
                else "排名采用计算的位次；如以统计局的位次为准，请勾选“采用文件位次”（命令行加 --file-ranks）"
            )
            res.warn(e.at(RANK), f"{e.place}的“{indicator.name}”文件位次为第{e.rank}，{said}：{tail}")


def missing_figures(res: Any, entries: list[Entry]) -> None:
    """Places without the figure the ranking is made by (增速, or 总量 for an indicator ranked by it):
    one warning for a window where no place has it, else one per place."""
    saved = _stored(entries)
    groups: dict[tuple[str, int, int, int], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(_level(e), e.indicator.pk, e.year, e.month)].append(e)
    for group in groups.values():
        ind = group[0].indicator
        by = "value" if ind.ranks_by_value else "growth"
        lacking = []
        for e in group:
            old = saved.get((_level(e), *e.key()))
            if getattr(e, by) is None and (old is None or getattr(old, by) is None):
                lacking.append(e)
        if not lacking:
            continue
        have, want = ("增速", "总量") if by == "value" else ("总量", "增速")
        hint = "（排名依据可在指标目录中修改）"
        if len(lacking) == len(group):
            e = lacking[0]
            res.warn(
                e.at(VALUE if by == "growth" else GROWTH),
                f"“{ind.name}”{e.label}只有{have}、没有{want}，不参加按{want}的排名{hint}",
            )
            continue
        for e in lacking:
            res.warn(
                e.at(VALUE if by == "growth" else GROWTH),
                f"{e.place}的“{ind.name}”{e.label}没有{want}，不参加该期按{want}的排名{hint}",
            )


def _n(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
