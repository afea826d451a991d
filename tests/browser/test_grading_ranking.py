"""The 16-city ranking of 2022年1-6月 (the newspaper's ranks) with its 双亮牌 and the distances to
10th, 5th and 3rd, and one indicator's rank history, on a desktop and on a phone."""

from __future__ import annotations

import re

from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_grading_board import assert_fits_phone, go, reference_data, watch_requests

DISTANCE = re.compile(r"^(已达到|(差|已超) \d+\.\d+ 个百分点)$")
AHEAD = re.compile(r"^已超 \d+\.\d+ 个百分点$")


def test_ranking_2022_h1(page, live_server, cast, login, shot, offline, console_errors):
    reference_data()
    load_indicator_demo()
    outside = watch_requests(page, live_server)
    page.set_viewport_size(DESKTOP)
    login(page, "leader")
    go(page, f"{live_server.url}/grading/ranking/?period=2022-06")

    assert page.locator(".g-provisional").is_visible()
    stats = page.locator(".g-goal-stats").inner_text()
    assert "14 / 15" in stats and "10 / 15" in stats and "保十争五奔前三" in stats
    table = page.locator("table.g-ranking-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 15

    def row(name: str):  # type: ignore[no-untyped-def]
        return table.locator("tbody tr", has=page.locator(f"td:text-is('{name}')"))

    gdp = row("地区生产总值")
    cells = gdp.locator("td").all_inner_texts()
    assert cells[1:4] == ["4.1", "3", "5"]  # growth, rank, previous rank (2022年1-3月)
    assert gdp.locator(".g-grade").inner_text() == "蓝牌"
    assert gdp.locator(".g-change").inner_text() == "↑2 进位"
    # 3rd: 已超 the 10th and 5th places, level with the 3rd
    assert AHEAD.match(cells[5]) and AHEAD.match(cells[6]) and cells[7] == "已达到", cells[5:8]
    for name in ("一般公共预算收入", "金融机构本外币贷款余额", "货物进出口总额"):
        assert row(name).locator("td.rank").inner_text() == "1"

    fixed = row("固定资产投资")  # 6th, down from 4th
    assert fixed.locator(".g-grade").inner_text() == "黄牌"
    assert fixed.locator(".g-change.down").inner_text() == "↓2 退位"
    fixed_cells = fixed.locator("td").all_inner_texts()
    assert (
        AHEAD.match(fixed_cells[5]) and fixed_cells[6].startswith("差 ") and fixed_cells[7].startswith("差 ")
    )

    last = row("规模以上工业营业收入")  # the only one outside the top 10: 12th, down from 11th
    assert last.locator(".g-grade.red").inner_text() == "红牌"
    assert last.locator(".g-change").inner_text() == "↓1 退位"
    for text in last.locator("td").all_inner_texts()[5:8]:
        assert text.startswith("差 "), text
    for text in table.locator("tbody td.num").all_inner_texts():
        assert text.strip(), "an empty number cell"
    shot(page, "grading-ranking-desktop")

    # 2025年1-3月 compares with 2022年1-6月, the most recent earlier table: 社零 stays 8th.
    go(page, f"{live_server.url}/grading/ranking/?period=2025-03")
    assert row("社会消费品零售总额").locator(".g-change.flat").inner_text() == "— 持平"

    # A locked period reads the ranks and distances from its snapshot, in the same columns.
    live = row("地区生产总值").locator("td").all_inner_texts()
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-03"))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator(".g-provisional").count() == 0
    assert "已锁定" in page.locator(".g-status .badge").inner_text()
    assert row("地区生产总值").locator("td").all_inner_texts() == live
    shot(page, "grading-ranking-locked-desktop")

    go(page, f"{live_server.url}/grading/ranking/?period=2022-06")
    row("地区生产总值").locator("a:has-text('查看')").click()
    page.wait_for_load_state("networkidle")
    assert "地区生产总值" in page.locator("h1").inner_text()
    heads = page.locator("table.g-history-table thead th").all_inner_texts()
    assert heads == ["城市", "2022年1-3月", "2022年1-6月", "2025年1-3月", "2025年1-6月"]
    assert page.locator("table.g-history-table tbody tr").count() == 16
    home = page.locator("tr.g-home")
    assert home.locator("td").all_inner_texts() == ["枣庄", "5", "3", "6", "4"]
    assert home.evaluate("el => getComputedStyle(el.cells[0]).fontWeight") == "700"
    shot(page, "grading-indicator-desktop")

    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the indicator history")
    # The city column stays in view while the periods scroll sideways inside the table box.
    page.locator(".g-history-wrap").evaluate("el => el.scrollLeft = el.scrollWidth")
    assert page.locator("tr.g-home td").first.is_visible()
    shot(page, "grading-indicator-phone")

    go(page, f"{live_server.url}/grading/ranking/?period=2022-06")
    assert not page.locator("table.g-ranking-table").is_visible()
    cards = page.locator(".g-rank-card")
    assert cards.count() == 15 and cards.first.is_visible()
    first = cards.first.inner_text()
    assert "地区生产总值" in first and "第3名" in first and "蓝牌" in first and "↑2 进位" in first
    dd = cards.first.locator(".g-distances dd").all_inner_texts()
    assert AHEAD.match(dd[0]) and AHEAD.match(dd[1]) and dd[2] == "已达到", dd
    for text in page.locator(".g-distances dd").all_inner_texts():
        assert DISTANCE.match(text), text
    last_card = page.locator(".g-rank-card", has_text="规模以上工业营业收入")
    assert "第12名" in last_card.inner_text() and last_card.locator(".g-grade.red").is_visible()
    assert_fits_phone(page, "the ranking")
    shot(page, "grading-ranking-phone")
    cards.nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "规模以上工业增加值" in page.locator("h1").inner_text()
    assert outside == []
    assert console_errors == []
