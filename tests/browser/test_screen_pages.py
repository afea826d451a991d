"""The public big screen of the demo city: every page at 1920×1080 and 3840×2160, stacked on a phone,
with no internet (requests to other origins aborted), no console errors, charts drawn, Chinese rendered."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP, PHONE
from tests.screen.browser_city import (
    ARTIFACTS,
    PAGES,
    SCREEN_4K,
    canvases_drawn,
    cjk_renders,
    clashing_trend_labels,
    cut_numbers,
    demo_city,
    open_screen,
    overflowing_panels,
    period_labels_shown,
    real_errors,
    small_text,
)


def test_every_page_at_1920_and_3840(page, live_server, offline, console_errors, shot):
    demo_city()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    for name, size in (("1920", DESKTOP), ("3840", SCREEN_4K)):
        page.set_viewport_size(size)
        for key in PAGES:
            open_screen(page, f"{live_server.url}/screen/?interval=0&page={key}")
            active = page.locator(".s-page.active")
            assert active.count() == 1 and active.get_attribute("data-page") == key
            assert page.locator("#s-asof").is_visible()
            assert page.locator("#s-asof").inner_text() == "2026年9月30日"  # the cut-off day, outright
            published = page.locator("#s-published").inner_text()
            assert published.startswith("2026年第三季度 · ") and published.endswith("发布")
            assert "数据截至" in page.locator(".s-asof").inner_text()
            assert not page.locator("#s-stale").is_visible()
            assert all(canvases_drawn(page, f"#p-{key}")), f"{key}: a chart is blank"
            assert overflowing_panels(page) == [], f"{key} at {name}"
            assert cut_numbers(page) == [], f"{key} at {name}: numbers cut"
            shot(page, f"screen-{key}-{name}")
        assert cjk_renders(page)
    # the trend: yellow 13 and red 15 (2022Q2, 2026Q2) lie close, their labels go either side
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=trend")
    assert clashing_trend_labels(page) == []
    # what the pages show, read back
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=ranking")
    assert page.locator("#t-ranking tr").count() == 15
    assert (
        page.locator("#t-ranking tr .card").count() == 15
        and page.locator("#t-ranking tr .change").count() == 15
    )
    assert page.locator("#p-ranking .s-pageno").inner_text() == ""  # all 15 fit on one page
    # the seven districts fit on the units page at both sizes: no paging there
    for size in (DESKTOP, SCREEN_4K):
        page.set_viewport_size(size)
        open_screen(page, f"{live_server.url}/screen/?interval=0&page=units")
        assert page.locator("#t-districts tr:not([hidden])").count() == 7
        assert page.locator("#p-units .p-districts .s-pageno").inner_text() == ""
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=lists")
    assert int(page.locator("#n-red").inner_text()) > 0
    assert page.locator("#t-red tr:not([hidden])").first.locator(".behind").inner_text()
    # the districts' page: the ranking frozen in the published snapshot, seven places per indicator
    for name, size in (("1920", DESKTOP), ("3840", SCREEN_4K)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/screen/districts/?kiosk=1&interval=0")
        assert "2026年第三季度" in page.locator(".s-asof").inner_text()
        boards = page.locator(".ds-board")
        assert boards.count() == 6 and boards.first.locator("tbody tr").count() == 7
        assert boards.first.locator(".ds-rank").first.inner_text() == "第1位"
        fits = """() => [...document.querySelectorAll('.ds-board')]
                .every((p) => p.scrollHeight <= p.clientHeight + 2)
            && document.documentElement.scrollHeight <= window.innerHeight
            && document.documentElement.scrollWidth <= window.innerWidth"""
        assert page.evaluate(fits), f"districts at {name}: a board spills or the page scrolls"
        shot(page, f"screen-district-ranking-{name}")
    assert outside == [] and real_errors(console_errors) == []


def test_the_phone_stacks_every_page(page, live_server, offline, console_errors, shot):
    demo_city()
    page.set_viewport_size(PHONE)
    open_screen(page, f"{live_server.url}/screen/")
    ARTIFACTS.mkdir(exist_ok=True)
    for key in PAGES:
        section = page.locator(f"#p-{key}")
        assert section.is_visible()
        box = section.bounding_box()  # at scroll 0: page coordinates
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
        page.screenshot(path=str(ARTIFACTS / f"screen-{key}-390.png"), full_page=True, clip=box)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the screen scrolls sideways on a phone ({width}px > {inner}px)"
    # nothing rotates on a phone, every row shows, and the as-of line stays in view while scrolling
    assert page.locator("#t-red tr[hidden]").count() == 0
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    assert page.locator("#s-asof").is_visible()
    assert all(canvases_drawn(page, "#s-pages")) and cjk_renders(page)
    # three periods on a 390 px axis: each keeps its name (broken after the year)
    assert period_labels_shown(page, "c-trend-completion") and period_labels_shown(page, "c-trend-grades")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "screen-phone-390")
    assert real_errors(console_errors) == []


def test_nothing_published(page, live_server, offline, console_errors, shot):
    page.set_viewport_size(DESKTOP)
    open_screen(page, f"{live_server.url}/screen/?kiosk=1")
    assert page.locator("#s-empty").is_visible()
    assert "暂无已发布的数据" in page.locator("#s-empty").inner_text()
    assert page.locator("#s-asof").inner_text() == "暂无已发布的数据"
    assert (
        page.locator(".s-page.active").count() == 0 or not page.locator(".s-page.active").first.is_visible()
    )
    shot(page, "screen-empty-1920")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    shot(page, "screen-empty-390")
    assert real_errors(console_errors) == []


def test_legible_from_five_metres(page, live_server, offline, console_errors):
    """An 86-inch panel read from 5 m: no visible text under 1.1 rem at 1920×1080 (the root size there
    is 20 px) on any page: codes, 数据截至, the clock, table headers, legends."""
    demo_city()
    page.set_viewport_size(DESKTOP)
    for key in PAGES:
        open_screen(page, f"{live_server.url}/screen/?interval=0&page={key}")
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert abs(root - 20) < 0.01
        assert small_text(page, 1.1) == [], key
    assert real_errors(console_errors) == []


def test_an_empty_list_gives_its_width_to_its_neighbour(page, live_server, offline, console_errors):
    demo_city()
    page.set_viewport_size(DESKTOP)
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=lists")
    red, yellow = page.locator("#p-lists .panel.red"), page.locator("#p-lists .panel.yellow")
    assert abs(red.bounding_box()["width"] - yellow.bounding_box()["width"]) < 2  # both lists hold rows
    page.evaluate(
        """() => { const d = JSON.parse(document.getElementById('screen-data').textContent);
                   d.red = []; d.red_total = 0; window.screenRedraw(d); }"""
    )
    assert page.locator("#t-red").inner_text().strip() == "本期无红牌项目"
    assert yellow.bounding_box()["width"] > 2 * red.bounding_box()["width"]
    assert real_errors(console_errors) == []


def test_a_long_summons_list_has_its_own_page(page, live_server, offline, console_errors):
    demo_city()
    page.set_viewport_size(DESKTOP)
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=summons")
    assert page.locator("#p-summons.active .panel.summons").count() == 1
    assert page.locator("#t-summons tr").count() > 4
    assert page.locator(".s-tab[data-go=summons]").is_visible()
    open_screen(page, f"{live_server.url}/screen/?interval=0&page=units")
    assert page.locator("#p-units .panel.summons").count() == 0
    assert real_errors(console_errors) == []


def test_a_citys_districts_page_by_its_code_at_1920(page, live_server, offline, console_errors, shot):
    from liangping.core.models import Org, OrgKind

    demo_city()
    code = Org.objects.get(kind=OrgKind.CITY).code
    assert code == "370400"
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/screen/{code}/districts/?kiosk=1&interval=0")
    assert "2026年第三季度" in page.locator(".s-asof").inner_text()
    boards = page.locator(".ds-board")
    assert boards.count() == 6 and boards.first.locator("tbody tr").count() == 7
    fits = """() => [...document.querySelectorAll('.ds-board')]
            .every((p) => p.scrollHeight <= p.clientHeight + 2)
        && document.documentElement.scrollHeight <= window.innerHeight
        && document.documentElement.scrollWidth <= window.innerWidth"""
    assert page.evaluate(fits), "a board spills or the page scrolls"
    # the same frozen ranking as the installation's own address (one city: the same snapshot)
    mine = boards.first.inner_text()
    page.goto(f"{live_server.url}/screen/districts/?kiosk=1&interval=0")
    assert page.locator(".ds-board").first.inner_text() == mine
    page.goto(f"{live_server.url}/screen/{code}/districts/?kiosk=1&interval=0")
    shot(page, f"screen-{code}-districts-1920")
    assert real_errors(console_errors) == []
