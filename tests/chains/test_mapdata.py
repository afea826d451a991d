"""The chain map's data: computed from the rows (nothing typed in), scoped, and public without what is
internal."""

from __future__ import annotations

import json

import pytest

from liangping.chains.mapdata import chain_map, comparison, layout_label, public_document
from liangping.chains.services import publish_snapshot, take_snapshot
from liangping.projects.models import Stage

pytestmark = pytest.mark.django_db


def seg(data, name):  # type: ignore[no-untyped-def]
    return next(s for s in data["segments"] if s["name"] == name)


def test_figures_come_from_the_rows(cast, cw):
    data = chain_map(cw.chain, cast.supervisor)
    assert data["summary"]["firms"] == 2  # 甲 serves two segments and is counted once
    assert data["summary"]["platforms"] == 3 and data["summary"]["patents"] == 35
    assert {c["measure"]: c["value"] for c in data["summary"]["capacities"]} == {
        "正极材料": "3",
        "隔膜": "1.5",
        "电芯": "2",
    }
    cell = seg(data, "电芯")
    assert cell["measures"][0]["now"] == "2"
    assert cell["measures"][0]["building"] == "58"  # 50 + 8 from the two projects not yet 投产
    assert cell["measures"][0]["gap"] == "8"  # target 10 − 2
    assert seg(data, "正极材料")["measures"][0]["gap"] == "2"
    assert seg(data, "PACK组装")["depth"] == 1 and seg(data, "PACK组装")["parent"] == "电芯"
    assert data["chain"]["layout"] == "1+3+3"
    assert data["chain"]["anchors"] == ["甲锂能科技有限公司"]
    assert data["goals"] == [{"year": 2025, "output_yi": "800", "share": "0.7"}]  # 5.8亿 of 800亿
    assert seg(data, "隔膜")["leads"][0]["target"] == "湿法隔膜龙头企业（内部）"


def test_an_operating_project_no_longer_counts_as_under_construction(cast, cw):
    cast.inside.stage = Stage.OPERATING
    cast.inside.save()
    assert seg(chain_map(cw.chain, cast.supervisor), "电芯")["measures"][0]["building"] == "8"


def test_projects_outside_the_readers_scope_are_counted_not_named(cast, cw):
    data = chain_map(cw.chain, cast.district)
    cell = seg(data, "电芯")
    assert [p["code"] for p in cell["projects"]] == ["ZZ-2025-001"]
    assert cell["hidden_projects"] == 1
    assert "示例智慧物流项目" not in json.dumps(data, ensure_ascii=False)
    assert cell["measures"][0]["building"] == "58"


def test_the_public_document_leaves_out_what_is_internal(cast, cw):
    text = json.dumps(public_document(cw.chain), ensure_ascii=False)
    assert "甲锂能科技有限公司" in text  # firm names and capacities are public
    for hidden in (
        "乙隔膜内部有限公司",
        "湿法隔膜龙头企业",
        cw.firm_a.credit_code,
        '"output_yi": "5"',
        "grade",
    ):
        assert hidden not in text, hidden
    assert json.loads(text)["summary"]["firms"] == 2  # the totals count every firm


def test_layout_label_counts_the_zones():
    assert layout_label(["core", "support", "support", "support", "coordinated"] * 1) == "1+3+1"
    assert layout_label(["core"]) == "1"
    assert layout_label([]) == ""


def test_comparison_puts_the_years_side_by_side(cast, cw):
    early = take_snapshot(cast.supervisor, cw.chain, 2022, public_document(cw.chain))
    cw.firm_b.links.all().delete()  # 乙 leaves the chain
    take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    table = comparison(cw.chain, chain_map(cw.chain, cast.supervisor))
    assert [c["label"] for c in table["columns"]] == ["2022年", "2025年", "当前"]
    assert table["rows"][0] == {"label": "企业数（家）", "values": [2, 1, 1]}
    publish_snapshot(cast.supervisor, early)
    assert [c["label"] for c in comparison(cw.chain, published=True)["columns"]] == ["2022年"]
