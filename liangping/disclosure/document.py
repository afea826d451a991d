"""The quarterly disclosure as a Word document, written from the screen's plain data of one snapshot.

Every number is a display string of `snapshot_data`, never recomputed here, so the .docx, the HTML
page and the big screen print the same figures for the same snapshot.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from liangping.indicators.ranking import DISTANCE_LEGEND
from liangping.plaintext import xml_safe

BODY_FONT = "仿宋"
HEAD_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
GRADE_COLOURS = {
    "红牌": RGBColor(0xC0, 0x1F, 0x28),
    "黄牌": RGBColor(0x9A, 0x67, 0x00),
    "蓝牌": RGBColor(0x1F, 0x5F, 0xC4),
}

OVERVIEW_LABELS = [
    ("projects.total", "重点项目（个）"),
    ("projects.graded", "纳入分级评定（个）"),
    ("projects.blue", "蓝牌激励（个）"),
    ("projects.yellow", "黄牌提醒（个）"),
    ("projects.red", "红牌警告（个）"),
    ("projects.none", "未评定（个）"),
    ("display.annual_plan", "年度计划投资（亿元）"),
    ("display.ytd_investment", "累计完成投资（亿元）"),
    ("display.completion", "投资完成率（%）"),
    ("display.time_progress", "时序进度（%）"),
    ("display.gap", "与时序进度差距（百分点）"),
]
LIST_HEADER = ["序号", "项目编号", "项目名称", "区（市）", "包保市领导", "原因"]


def overview_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the overview table, read from the data by dotted key."""
    rows = []
    for key, label in OVERVIEW_LABELS:
        value: Any = data["overview"]
        for part in key.split("."):
            value = value[part]
        rows.append((label, str(value)))
    return rows


def _font(run: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEAD_FONT)
        style.font.name = HEAD_FONT
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.4)


def _heading(doc: Any, text: str, level: int) -> None:
    p = doc.add_heading(level=level)
    _font(p.add_run(text), HEAD_FONT, 16 if level == 1 else 14, True)


def _para(doc: Any, text: str, *, indent: bool = True, size: float = 12) -> None:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.4
    _font(p.add_run(text), BODY_FONT, size)


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Any:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEAD_FONT, 9.5, True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            text = "" if value is None else str(value)
            run = cell.paragraphs[0].add_run(text)
            _font(run, BODY_FONT, 9.5)
            if text in GRADE_COLOURS:
                run.font.color.rgb = GRADE_COLOURS[text]
                run.bold = True
    for i, width in enumerate(widths):
        for r in table.rows:
            r.cells[i].width = Cm(width)
    doc.add_paragraph()
    return table


def _overview(doc: Any, data: dict[str, Any]) -> None:
    ov = data["overview"]
    p, d = ov["projects"], ov["display"]
    _heading(doc, "一、总体情况", 1)
    _para(
        doc,
        f"全市重点项目{p['total']}个，纳入红黄蓝分级评定{p['graded']}个，其中蓝牌激励{p['blue']}个、"
        f"黄牌提醒{p['yellow']}个、红牌警告{p['red']}个，未评定{p['none']}个。年度计划投资{d['annual_plan']}亿元，"
        f"累计完成投资{d['ytd_investment']}亿元，投资完成率{d['completion']}%，时序进度{d['time_progress']}%，{d['relation']}。",
    )
    t, r = ov["tasks"], ov["indicators"]
    _para(
        doc,
        f"市领导领衔攻坚事项{t['total']}项，蓝牌{t['blue']}项、黄牌{t['yellow']}项、红牌{t['red']}项。"
        f"主要经济指标{r['count']}项中，{r['top10']}项居全省16市前十位，{r['top5']}项居前五位，{r['top3']}项居前三位；"
        f"较上期进位{r['up']}项、退位{r['down']}项。",
    )
    _table(doc, ["项目", "数值"], overview_rows(data), [7, 5])


def _districts(doc: Any, data: dict[str, Any]) -> None:
    _heading(doc, "二、各区（市）重点项目推进情况", 1)
    rows = [
        [
            d["name"],
            d["projects"]["total"],
            d["projects"]["blue"],
            d["projects"]["yellow"],
            d["projects"]["red"],
            d["projects"]["none"],
            d["display"]["annual_plan"],
            d["display"]["ytd_investment"],
            d["display"]["completion"],
        ]
        for d in data["districts"]
    ]
    header = [
        "区（市）",
        "项目数",
        "蓝牌",
        "黄牌",
        "红牌",
        "未评定",
        "年度计划投资（亿元）",
        "累计完成投资（亿元）",
        "完成率（%）",
    ]
    _table(doc, header, rows, [2.6, 1.4, 1.2, 1.2, 1.2, 1.4, 2.4, 2.4, 2])


def _lists(doc: Any, data: dict[str, Any]) -> None:
    _heading(doc, "三、红黄牌项目", 1)
    for number, key, label in (("（一）", "red", "红牌警告"), ("（二）", "yellow", "黄牌提醒")):
        rows = data[key]
        _heading(doc, f"{number}{label}项目（{len(rows)}个）", 2)
        if not rows:
            _para(doc, f"本期无{label}项目。")
            continue
        _table(
            doc,
            LIST_HEADER,
            [
                [i, r["code"], r["name"], r["district"], r["leader"], r["reason"]]
                for i, r in enumerate(rows, 1)
            ],
            [1.1, 2.6, 5, 1.8, 2, 4],
        )


def _tasks(doc: Any, data: dict[str, Any]) -> None:
    _heading(doc, "四、市领导领衔攻坚事项", 1)
    rows = data["tasks"]["rows"]
    if not rows:
        _para(doc, "本期无攻坚事项。")
        return
    _table(
        doc,
        ["序号", "攻坚事项", "领衔市领导", "牵头部门", "亮牌", "情况"],
        [[i, t["name"], t["leader"], t["department"], t["card"], t["reason"]] for i, t in enumerate(rows, 1)],
        [1.1, 5, 2, 3, 1.4, 4],
    )


def _ranking(doc: Any, data: dict[str, Any]) -> None:
    city = data["ranking"]["city"] or "本市"
    _heading(doc, f"五、主要经济指标在全省16市排名（{city}）", 1)
    rows = data["ranking"]["indicators"]
    if not rows:
        _para(doc, "本期无指标排名。")
        return
    _table(
        doc,
        ["指标", "增速（%）", "位次", "上期位次", "位次变化", "亮牌", "距第10", "距第5", "距第3"],
        [
            [
                i["name"],
                i["growth_text"],
                i["rank"],
                i["prev_rank"] or "—",
                i["change_card"],
                i["card"],
                i["distance_text"].get("10", "—"),
                i["distance_text"].get("5", "—"),
                i["distance_text"].get("3", "—"),
            ]
            for i in rows
        ],
        [3.8, 1.6, 1.1, 1.4, 1.9, 1.3, 1.7, 1.7, 1.7],
    )
    _para(doc, f"注：{DISTANCE_LEGEND}。", size=10.5)


def _units(doc: Any, data: dict[str, Any]) -> None:
    _heading(doc, "六、单位得分", 1)
    for number, key, label in (("（一）", "districts", "区（市）"), ("（二）", "departments", "市直部门")):
        _heading(doc, f"{number}{label}", 2)
        units = data["units"][key]
        if not units:
            _para(doc, "本期无得分。")
            continue
        _table(
            doc,
            ["名次", label, "得分", "位次变化", "蓝牌", "黄牌", "红牌"],
            [
                [
                    u["rank"] or "—",
                    u["name"],
                    u["score_text"],
                    u["change_card"],
                    u["blue"],
                    u["yellow"],
                    u["red"],
                ]
                for u in units
            ],
            [1.4, 4.4, 1.8, 2.6, 1.4, 1.4, 1.4],
        )
    _para(doc, "注：单位得分 =（2×蓝牌数 + 黄牌数）÷（2×评定项目数）×100。", size=10.5)


def _summons(doc: Any, data: dict[str, Any]) -> None:
    _heading(doc, "七、约谈名单", 1)
    rows = data["summons"]
    if not rows:
        _para(doc, f"本期无{data['summons_rule']['label']}的项目，无约谈对象。")
        return
    _table(
        doc,
        ["序号", "项目编号", "项目名称", "包保市领导", "责任部门", "原因"],
        [[i, s["code"], s["name"], s["leader"], s["department"], s["reason"]] for i, s in enumerate(rows, 1)],
        [1.1, 2.6, 4.6, 2, 2.6, 3.6],
    )
    _para(doc, f"注：{data['summons_rule']['label']}的项目列入约谈名单。", size=10.5)


def _services(doc: Any, data: dict[str, Any]) -> None:
    """八、政务服务: the figures frozen at the lock (absent from a snapshot locked without them)."""
    s = data.get("services")
    if not s:
        return
    _heading(doc, "八、政务服务", 1)
    _para(
        doc,
        f"全市依申请政务服务事项{s['matters']}项，全部纳入各级帮办代办事项清单。本期各级服务点办件"
        f"{s['handled']}件，承诺时限内办结率{s['on_time_rate']}，镇（街道）和村（社区）两级办理占"
        f"{s['town_share']}；帮办代办办成{s['assist']['done']}件，按期办成率{s['assist']['rate']}。"
        f"“审批不出镇”{s['pilot']['towns']}个试点镇、指导目录{s['pilot']['guide']}项，累计办理"
        f"{s['pilot']['total']}件；政务服务进商超{s['mall']['categories']}类{s['mall']['matters']}项高频事项，"
        f"累计办理{s['mall']['total']}件。",
    )
    if s.get("bundles"):
        rows = [
            [
                b["name"],
                b["departments"],
                b["matters"],
                "；".join(f"{li['matter']} {li['old']}天→{li['new']}天" for li in b["limits"]),
                b["days_saved"],
            ]
            for b in s["bundles"]
        ]
        _table(
            doc, ["一件事", "部门", "事项", "时限压缩", "合计压减（工作日）"], rows, [3.2, 1.4, 1.4, 8, 2.6]
        )


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when the page is laid out."""
    run = paragraph.add_run()
    _font(run, BODY_FONT, 10.5)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {instruction} "
        else:
            node = OxmlElement("w:t")
            node.text = text
        run._r.append(node)


def _page_numbers(doc: Any) -> None:
    """「第 N 页 共 M 页」 centred in the footer of every page."""
    footer = doc.sections[0].footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, instruction in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES")):
        _font(p.add_run(text), BODY_FONT, 10.5)
        _field(p, instruction)
    _font(p.add_run(" 页"), BODY_FONT, 10.5)


def _xml_safe(value: Any) -> Any:
    """The snapshot's data with every string cleaned of what XML cannot hold (a control character
    frozen into a published snapshot must not stop its disclosure)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_xml_safe(v) for v in value]
    return value


def build_document(data: dict[str, Any]) -> Any:
    """The disclosure of a published snapshot's data as a python-docx Document."""
    data = _xml_safe(data)
    if not data.get("published"):
        raise ValueError("只有已发布考核期的数据可以生成双公开报告")
    doc = Document()
    _styles(doc)
    doc.core_properties.title = data["title"]
    doc.core_properties.subject = "重点工作亮屏和媒体双公开"
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(data["title"]), TITLE_FONT, 20, True)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        sub.add_run(
            f"数据截至：{data['as_of']['cutoff_text']} · {data['as_of']['label']}（{data['as_of']['when']}）"
        ),
        BODY_FONT,
        11,
    )
    _page_numbers(doc)
    for part in (_overview, _districts, _lists, _tasks, _ranking, _units, _summons, _services):
        part(doc, data)
    return doc


def docx_bytes(data: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    build_document(data).save(out)
    return out.getvalue()
