"""The demo chain holds the seeds' figures exactly, computed from its firms: 278 firms in 2025 with the
six published capacities, 57 firms, 24 platforms and 698 patents in 2022, 「1+3+3」, 800亿 / 1,500亿,
and the seeds' key projects linked (欣旺达 50GWh under construction, 协氢 投产)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangping.chains.mapdata import chain_map, comparison
from liangping.chains.models import Chain, ChainSnapshot, Firm
from liangping.core.models import Org, OrgKind
from liangping.demo.chains_demo import LITHIUM, load_chains_demo
from liangping.demo.names import DEPARTMENTS, DISTRICTS
from liangping.projects.models import Project, Stage

pytestmark = pytest.mark.django_db

PUBLISHED_2025 = {
    "正极材料": "16",
    "负极材料": "6",
    "电解液": "26",
    "隔膜": "21",
    "电芯": "32",
    "拆解回收": "5.5",
}
UNITS = {
    "正极材料": "万吨",
    "负极材料": "万吨",
    "电解液": "万吨",
    "隔膜": "亿㎡",
    "电芯": "GWh",
    "拆解回收": "万吨",
}
NINE = ["锂矿开采加工", "正极材料", "负极材料", "电解液", "隔膜", "电芯", "检测检验", "终端应用", "拆解回收"]


@pytest.fixture
def city(db):  # type: ignore[no-untyped-def]
    root = Org.objects.create(name="枣庄市", kind=OrgKind.CITY)
    districts = {
        name: Org.objects.create(name=name, kind=OrgKind.DISTRICT, parent=root) for name, *_ in DISTRICTS
    }
    for name, *_ in DEPARTMENTS:
        Org.objects.create(name=name, kind=OrgKind.DEPARTMENT, parent=root)
    for name, stage in (
        ("欣旺达50GWh动力电池项目", Stage.CONSTRUCTION),
        ("协氢小型燃料电池系统及氢动车应用项目", Stage.OPERATING),
    ):
        Project.objects.create(
            code=f"S-{len(name)}",
            name=name,
            district=districts["枣庄高新区"],
            total_investment=Decimal("100000"),
            stage=stage,
            planned_start=dt.date(2024, 1, 1),
        )
    return root


def test_the_lithium_chain_reproduces_the_seeds(city):
    created = load_chains_demo()
    assert created["锂电产业链企业"] == 278
    chain = Chain.objects.get(name=LITHIUM)
    data = chain_map(chain, None)
    assert [s["name"] for s in data["segments"] if s["depth"] == 0] == NINE
    assert data["summary"]["firms"] == 278
    assert {c["segment"]: (c["value"], c["unit"]) for c in data["summary"]["capacities"]} == {
        k: (v, UNITS[k]) for k, v in PUBLISHED_2025.items()
    }
    assert data["chain"]["layout"] == "1+3+3"
    assert [(g["year"], g["output_yi"]) for g in data["goals"]] == [(2025, "800"), (2030, "1500")]
    assert data["chain"]["fund_size_yi"] == "80" and data["chain"]["alliance"]
    cell = next(s for s in data["segments"] if s["name"] == "电芯")
    xwd = next(p for p in cell["projects"] if p["name"] == "欣旺达50GWh动力电池项目")
    assert (xwd["capacity"], xwd["unit"], xwd["done"]) == ("50", "GWh", False)
    assert cell["measures"][0]["building"] == "50"
    vehicles = next(s for s in data["segments"] if s["name"] == "电动车辆")
    assert [p["name"] for p in vehicles["projects"]] == ["协氢小型燃料电池系统及氢动车应用项目"]
    # firms the seeds do not name are examples; the named ones are not
    assert Firm.objects.filter(sample=False).count() == 15
    assert not Firm.objects.filter(sample=True, name="山东欣旺达新能源有限公司").exists()


def test_2022_and_2025_are_published_snapshots_computed_from_the_firms(city):
    load_chains_demo()
    chain = Chain.objects.get(name=LITHIUM)
    table = comparison(chain, published=True)
    assert [c["label"] for c in table["columns"]] == ["2022年", "2025年"]
    rows = {r["label"]: r["values"] for r in table["rows"]}
    assert rows["企业数（家）"] == [57, 278]
    assert rows["科研平台（个）"][0] == 24
    assert rows["专利（项）"][0] == 698
    assert rows["电芯产能（GWh）"][1] == "32"
    assert ChainSnapshot.objects.filter(published_at__isnull=False).count() == 2
    assert load_chains_demo() == {}  # a second load writes nothing
