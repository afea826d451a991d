"""Kiosk mode: no clicks, no cursor, no navigation; it rotates by itself, polls with the ETag, redraws
only when the data changed, and when the server is away it keeps the last data with a stale banner,
recovering by itself — without ever reloading the page. Then the internal dashboard."""

from __future__ import annotations

import re

from liangping.core.models import Period, User
from liangping.grading import services
from tests.browser.conftest import DESKTOP, PHONE
from tests.screen.browser_city import DEMO_PASSWORD, STALE, demo_city, open_screen, real_errors
from tests.screen.relay import Relay


def test_kiosk_survives_the_server_going_away(page, live_server, console_errors, shot):
    demo_city()
    relay = Relay(int(live_server.url.rsplit(":", 1)[1]))
    relay.start()
    # no internet: only the relay's origin answers
    page.route(
        re.compile(r".*"),
        lambda route: route.continue_() if route.request.url.startswith(relay.url) else route.abort(),
    )
    page.set_viewport_size(DESKTOP)
    data_calls: list[str] = []
    page.on(
        "request",
        lambda r: data_calls.append(r.headers.get("if-none-match", "")) if "data.json" in r.url else None,
    )
    open_screen(page, f"{relay.url}/screen/?kiosk=1&poll=1&interval=3")
    page.evaluate("window.__sameDocument = 'yes'")
    assert page.evaluate("getComputedStyle(document.body).cursor") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.s-tab')).pointerEvents") == "none"
    assert page.locator(".topbar, .menu, nav.menu").count() == 0  # no application chrome
    renders = page.evaluate("window.screenRenders")

    # polls carry the ETag and get 304: nothing is redrawn
    page.wait_for_function("() => document.body.getAttribute('data-current') === 'districts'", timeout=8000)
    assert len(data_calls) >= 2 and all(re.fullmatch(r'"[0-9a-f]{32}"', tag) for tag in data_calls)
    assert page.evaluate("window.screenRenders") == renders

    # the server goes away (its port refuses connections): the last data stays, with the stale banner
    relay.stop()
    banner = page.locator("#s-stale")
    banner.wait_for(state="visible", timeout=8000)
    assert STALE.match(banner.inner_text()), banner.inner_text()
    assert page.locator("#s-asof").inner_text() == "2026年9月30日"  # the cut-off day and the period, kept
    assert page.locator("#s-published").inner_text().startswith("2026年第三季度")
    assert page.locator("#k-total").text_content() == "207"  # the last good data, kept
    page.wait_for_function(
        "() => document.body.getAttribute('data-current') !== 'districts'", timeout=8000
    )  # still rotating
    page.wait_for_timeout(800)  # the cross-fade
    assert page.locator("#s-asof").is_visible() and banner.is_visible()
    shot(page, "screen-kiosk-stale-1920")

    # back again on the same address: the banner goes by itself
    relay.start()
    banner.wait_for(state="hidden", timeout=8000)
    assert page.evaluate("window.screenRenders") == renders

    # a new publication: the next poll gets 200 and redraws, still without reloading
    supervisor = User.objects.get(username="supervisor")
    q3 = Period.objects.get(code="2026Q3")
    services.reopen_period(supervisor, q3, "更正9月调度")
    page.wait_for_function(
        "() => document.getElementById('s-published').textContent.startsWith('2026年第二季度')", timeout=8000
    )
    assert page.locator("#s-asof").inner_text() == "2026年6月30日"
    assert page.evaluate("window.screenRenders") > renders
    services.lock_period(supervisor, q3, confirm_unreviewed=True)
    services.publish_period(supervisor, q3)
    page.wait_for_function(
        "() => document.getElementById('s-published').textContent.startsWith('2026年第三季度')", timeout=8000
    )
    assert page.evaluate("window.__sameDocument") == "yes"  # never reloaded
    assert real_errors(console_errors) == []


def test_rotation_pages_long_lists_within_a_page(page, live_server, offline, console_errors):
    demo_city()
    page.set_viewport_size(DESKTOP)
    open_screen(page, f"{live_server.url}/screen/?kiosk=1&interval=3&page=lists")
    label = page.locator("#p-lists .list.yellow .s-pageno")
    pages = int(label.inner_text().split("/")[1].split()[0]) if label.inner_text() else 1
    first = page.locator("#t-yellow tr:not([hidden])").first.inner_text()
    if pages > 1:  # the lists page stays while its rows page through
        page.wait_for_function(
            "() => document.querySelector('#p-lists .list.yellow .s-pageno').textContent.startsWith('第 2/')",
            timeout=6000,
        )
        assert page.locator("#t-yellow tr:not([hidden])").first.inner_text() != first
        assert page.get_attribute("body", "data-current") == "lists"
    page.wait_for_function(
        "() => document.body.getAttribute('data-current') === 'tasks'", timeout=4000 * pages + 2000
    )
    assert real_errors(console_errors) == []


def test_clicks_work_outside_kiosk_mode(page, live_server, offline, console_errors):
    demo_city()
    page.set_viewport_size(DESKTOP)
    open_screen(page, f"{live_server.url}/screen/?interval=0")
    page.click(".s-tab[data-go='ranking']")
    assert page.get_attribute("body", "data-current") == "ranking"
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("body", "data-current") == "units"
    assert page.locator("#s-pagetitle").inner_text() == "单位得分"
    assert real_errors(console_errors) == []


def test_dashboard_published_and_provisional(page, live_server, offline, console_errors, shot):
    demo_city()
    for size, name in ((DESKTOP, "1920"), (PHONE, "390")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/accounts/login/")
        if page.locator("input[name=username]").count():
            page.fill("input[name=username]", "supervisor")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/screen/dashboard/?period=2026-10")
        page.wait_for_load_state("networkidle")
        assert "2026年第三季度" in page.locator("#sd-published").locator("..").inner_text()
        live = page.locator(".sd-live")
        assert "临时" in live.inner_text() and "2026年10月" in live.inner_text()
        assert live.locator("a[href*='/grading/?period=2026-10&district=']").count() > 0
        assert page.locator("a[href*='/projects/']").count() > 0
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"dashboard scrolls sideways at {name}"
        shot(page, f"screen-dashboard-{name}")
    page.set_viewport_size(DESKTOP)
    page.click("a[href='/disclosure/2026Q3/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1.dc-title").inner_text() == "2026年第三季度重点工作进展情况"
    shot(page, "disclosure-2026Q3-1920")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator(".dc-tools").is_visible()
    shot(page, "disclosure-2026Q3-print")
    page.emulate_media(media="screen")
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator(".sd-live a[href*='district=']").first.click()
    page.wait_for_load_state("networkidle")
    assert "/grading/" in page.url and "district=" in page.url
    assert real_errors(console_errors) == []
