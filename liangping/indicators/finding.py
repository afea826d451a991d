"""Finding an indicator table in a workbook: the long layout through sheets.table, the wide ones
through layouts.py, the indicators by every name they are written with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liangping.indicators import layouts
from liangping.indicators.layouts import LAYOUTS, LONG
from liangping.indicators.models import Indicator
from liangping.indicators.numbers import nfkc
from liangping.indicators.places import PlaceIndex
from liangping.sheets.errors import SheetError
from liangping.sheets.reading import Workbook
from liangping.sheets.table import ColumnSpec, Table, locate
from liangping.sheets.values import is_blank

_GROWTH_BASES = ("增速", "增长", "增幅", "增长率", "同比增长", "同比增速", "比上年增长", "比上年同期增长")
GROWTH_NAMES = tuple(
    f"{b}{suffix}" for b in _GROWTH_BASES for suffix in ("", "(%)", "%", "(％)") if f"{b}{suffix}" != "增速"
)
COLUMNS = (
    ColumnSpec("indicator", "指标名称", ("指标", "主要指标", "指标名"), required=True, key=True),
    ColumnSpec("city", "地区", ("城市", "市", "设区市", "地市", "县区", "区（市）"), required=True, key=True),
    ColumnSpec("period", "期间", ("时期", "统计期", "报告期", "月份", "年月"), required=True),
    ColumnSpec("value", "数值", ("绝对值", "总量", "累计", "本期数")),
    ColumnSpec("growth", "增速", GROWTH_NAMES, required=True),
    ColumnSpec("rank", "位次", ("排名", "全省位次", "名次")),
)
NO_HEADER = (
    "没有找到经济指标的表头。可读取的版式：（a）长表，表头含 指标名称、地区、期间、增速；"
    "（b）地区为行、指标为列，如 城市 | GDP(亿元) | 增速(%)，可有两行表头（指标下分 总量/增速/位次）；"
    "（c）指标为行、地区为列，如 指标 | 济南 | 青岛 …；"
    "（d）期间为行、地区为列，如 年份/季度 | 市中区 | 薛城区 …"
)


class IndicatorIndex:
    """Indicators by every name they are written with."""

    def __init__(self) -> None:
        self.indicators: dict[str, Indicator] = {}
        for ind in Indicator.objects.all():
            for name in (ind.name, *ind.synonym_list()):
                self.indicators[nfkc(name)] = ind

    def get(self, written: str) -> Indicator | None:
        return self.indicators.get(nfkc(written))

    def named_in(self, text: str) -> Indicator | None:
        """The indicator whose longest name a title contains (「各区（市）地区生产总值」)."""
        clean = nfkc(text)
        hits = [(len(n), ind) for n, ind in self.indicators.items() if len(n) >= 2 and n in clean]
        return max(hits, key=lambda h: h[0])[1] if hits else None


# -- finding the table ---------------------------------------------------------------------------


def locate_indicators(book: Workbook, mapping: Mapping[str, str], options: Mapping[str, str]) -> Table:
    """The table in whichever layout fits (or the one `options["layout"]` names)."""
    forced = layouts.layout_code(options["layout"]) if options.get("layout") else None
    long_table: Table | None = None
    if forced in (None, LONG):
        try:
            long_table = locate(book, COLUMNS, "经济指标", dict(mapping))
            if not {"indicator", "city", "period"} <= set(long_table.columns) and forced is None:
                long_table = None  # 城市 | 增速 | 排名 of a wide table is not a long table
        except SheetError:
            if forced == LONG:
                raise SheetError(
                    "按（a）长表读取时没有找到表头：表头行需包含 指标名称、地区、期间、增速"
                ) from None
    if long_table is not None and forced == LONG:
        long_table.layout = LAYOUTS[LONG]
        return long_table
    index, places = IndicatorIndex(), PlaceIndex()
    vocab = layouts.Vocabulary(
        indicator=lambda t: index.get(t) is not None,
        place=places.is_place,
        indicator_in=lambda t: ind.name if (ind := index.named_in(t)) else None,
    )
    wide: dict[str, tuple[Any, layouts.Found]] = {}
    for i in range(len(book.sheet_names)):
        sheet = book.sheet(i)
        fitting = layouts.candidates(sheet, vocab)
        if fitting:
            wide = {k: (sheet, f) for k, f in fitting.items()}
            break
    fits = [k for k in LAYOUTS if k in wide or (k == LONG and long_table is not None)]
    if forced is not None:
        if forced not in wide:
            raise SheetError(f"按{LAYOUTS[forced]}读取时没有找到表头。{NO_HEADER}")
        chosen = forced
    elif len(fits) > 1:
        names = "、".join(LAYOUTS[k] for k in fits)
        codes = "、".join(layouts.OPTION_NAMES[k] for k in fits)
        raise SheetError(
            f"这个文件可以按多种版式读取：{names}。请指定版式：命令行加 --layout（可选 {codes}），"
            "或在预览页的“版式”中选择后重新预览"
        )
    elif fits == [LONG]:
        assert long_table is not None
        long_table.layout = LAYOUTS[LONG]
        return long_table
    elif not fits:
        if not any(
            any(not is_blank(c) for r in book.sheet(i).rows for c in r) for i in range(len(book.sheet_names))
        ):
            raise SheetError("文件是空的，没有可导入的数据")
        raise SheetError(NO_HEADER)
    else:
        chosen = fits[0]
    sheet, found = wide[chosen]
    recs, not_imported, data = layouts.records(sheet, found)
    return Table(
        sheet,
        found.header_row,
        {},
        data,
        layout=LAYOUTS[chosen],
        records=recs,
        not_imported=not_imported,
        meta={"layout": chosen, "title": found.title},
    )
