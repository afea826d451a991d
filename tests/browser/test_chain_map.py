"""The demo's lithium chain in the browser: the nine segments with the published capacities, the
2022 → 2025 comparison, a click on a segment and on a firm; the public screen's chain page at 1920×1080
and 3840×2160; the chain page on a phone. Screenshots under artifacts/."""

from __future__ import annotations

from liangping.chains.models import Chain
from liangping.core.models import Org, OrgKind
from liangping.demo.chains_demo import LITHIUM, load_chains_demo
from liangping.demo.names import DEPARTMENTS, DISTRICTS
from tests.browser.conftest import DESKTOP, PHONE

NINE = ["锂矿开采加工", "正极材料", "负极材料", "电解液", "隔膜", "电芯", "检测检验", "终端应用", "拆解回收"]
FOUR_K = {"width": 3840, "height": 2160}


def demo_chain(cast) -> Chain:  # type: ignore[no-untyped-def]
    for name, *_ in DISTRICTS:
        Org.objects.get_or_create(kind=OrgKind.DISTRICT, name=name, defaults={"parent": cast.city})
    for name, *_ in DEPARTMENTS:
        Org.objects.get_or_create(kind=OrgKind.DEPARTMENT, name=name, defaults={"parent": cast.city})
    load_chains_demo()
    return Chain.objects.get(name=LITHIUM)


def ready(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#chain-map[data-ready]", timeout=20000)  # ECharts' `finished`


def test_chain_map_segment_and_firm(page, live_server, cast, login, shot, offline, console_errors):
    chain = demo_chain(cast)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/chains/{chain.pk}/")
    ready(page)
    rows = page.locator("#segments tbody tr")
    names = [t.strip() for t in rows.locator("td:first-child").all_inner_texts()]
    assert [n for n in names if not n.startswith("└")] == NINE
    table = page.locator("#segments").inner_text()
    published = (
        "正极材料 16万吨",
        "负极材料 6万吨",
        "电解液 26万吨",
        "隔膜 21亿㎡",
        "电芯 32GWh",
        "拆解回收 5.5万吨",
    )
    for figure in published:
        assert figure in table, figure
    compare = page.locator("table.c-compare")
    assert compare.locator("thead th").all_inner_texts()[1:3] == ["2022年 已发布", "2025年 已发布"]
    firms_row = compare.locator("tbody tr").first.locator("td").all_inner_texts()
    assert firms_row[:3] == ["企业数（家）", "57", "278"]
    assert page.locator("#c-firms").inner_text() == "278"

    point = page.evaluate("document.getElementById('chain-map').chainPoint('正极材料')")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#chain-panel[data-shown=segment]")
    assert page.locator("#chain-panel h3").inner_text() == "正极材料"
    assert "现有 16万吨" in page.locator("#chain-panel").inner_text()
    firm = page.locator("#chain-panel .c-firm").first
    firm_name = firm.inner_text()
    firm.click()
    page.wait_for_selector("#chain-panel[data-shown=firm]")
    panel = page.locator("#chain-panel").inner_text()
    assert firm_name in panel and "统一社会信用代码" in panel and "正极材料产能" in panel
    shot(page, "chain-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    ready(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"页面在手机上横向溢出：{width}px"
    shot(page, "chain-phone")

    for size, name in ((DESKTOP, "chain-screen-1080"), (FOUR_K, "chain-screen-2160")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/screen/chains/")
        ready(page)
        page.wait_for_selector("#chain-panel[data-shown=segment]")  # the screen walks the segments itself
        body = page.locator("body").inner_text()
        assert "278" in body and "「1+3+3」" in body and "57" in body
        overflow = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
        assert overflow <= 1, f"{name}: 大屏页面超出一屏 {overflow}px"
        shot(page, name)
    assert not [e for e in console_errors if "net::ERR_FAILED" not in e], console_errors
