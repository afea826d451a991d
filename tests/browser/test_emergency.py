"""防汛叫应 in a real browser: a village cadre without an account confirms on a phone (390×844) in one tap
through the link of the notice; the duty officer's console at 1920×1080 shows, most urgent first, the
points still unanswered and how far up their chains the calls have gone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from liangping.emergency import links, loop, services
from liangping.emergency.models import AckVia, Contact, PointCall
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.emergency.world import thirty_points


def test_phone_acknowledgement_and_the_duty_console(  # type: ignore[no-untyped-def]
    page, live_server, login, shot, cast, console_errors
):
    thirty_points(cast)
    start = timezone.now() - dt.timedelta(minutes=24)
    draft = services.WarningDraft(
        level="red",
        hazard="rainstorm",
        text="预计未来3小时降雨量将达100毫米以上，请立即转移低洼地带群众，关闭下穿通道。",
        valid_until=timezone.now() + dt.timedelta(hours=8),
        towns=["龙阳镇", "姜屯镇", "鲍沟镇"],
    )
    warning = services.issue_warning(cast.district, draft, now=start)
    contacts = list(
        Contact.objects.filter(call__warning=warning).select_related("call__warning", "call__point")
    )
    for i, contact in enumerate(contacts[:22]):
        services.acknowledge(contact, AckVia.LINK, now=start + dt.timedelta(minutes=1 + i % 8))
    loop.advance(start + dt.timedelta(minutes=10))
    loop.advance(start + dt.timedelta(minutes=20))
    waiting = contacts[25]

    # the cadre's phone: one tap
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{links.ack_path(waiting.nonce)}")
    expect(page.locator(".ack-head h1")).to_contain_text("暴雨红色预警")
    button = page.locator("#ack-button")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] >= 56 and box["y"] + box["height"] < 844
    shot(page, "emergency-ack-phone")
    button.click()
    expect(page.locator(".ack-done")).to_contain_text("已确认收到")
    shot(page, "emergency-ack-phone-done")
    assert PointCall.objects.get(pk=waiting.call_id).ack_via == "link"
    page.reload()  # the link is single-use: a second visit says so
    expect(page.locator(".ack-problem")).to_contain_text("只能使用一次")

    # the duty officer's console
    page.set_viewport_size(DESKTOP)
    login(page, "district")
    page.goto(f"{live_server.url}/emergency/duty/")
    expect(page.locator("#unanswered-count")).to_have_text("7")
    rows = page.locator("#unanswered tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.first).to_contain_text("已升级")
    expect(rows.first).to_contain_text("备用责任人")
    expect(page.locator("#duty-log")).to_contain_text("发布暴雨红色预警")
    page.screenshot(path=str(ARTIFACTS / "emergency-duty-desktop.png"))  # the 1920×1080 the officer sees
    shot(page, "emergency-duty-desktop-full")
    assert not [e for e in console_errors if "410" not in e]  # the used link's page answers 410 Gone
