"""The rule editor: move the red line, preview which project changes colour, save version 2; a red
line above the yellow line is refused with a Chinese message naming the overlap."""

from __future__ import annotations

from liangping.grading.models import RuleSet
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_grading_board import assert_fits_phone, go, reports, watch_requests


def test_preview_save_and_conflict(page, live_server, cast, login, shot, offline, console_errors):
    # inside: 45 % of its plan in June, 5 points behind time progress: yellow now, red once the
    # red line moves to −4; outside lags 40 points and stays red.
    reports(cast, 6, inside="135000")
    outside = watch_requests(page, live_server)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    rules = f"{live_server.url}/grading/rules/"
    go(page, rules)
    assert "现行第1版" in page.locator("h1").inner_text()
    assert page.locator("#preview").count() == 0
    shot(page, "grading-rules-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the rule editor")
    shot(page, "grading-rules-phone")

    page.set_viewport_size(DESKTOP)
    page.fill("input[name=red_below]", "-4")
    page.fill("input[name=preview_period]", "2025-06")
    page.fill("input[name=note]", "从严掌握时序进度")
    page.click("button[value=preview]")
    page.wait_for_load_state("networkidle")
    preview = page.locator("#preview")
    assert preview.is_visible()
    assert "2025年6月有 1 个项目变色" in preview.locator("h2").inner_text()
    changed = preview.locator("tbody tr")
    assert changed.count() == 1
    assert "ZZ-2025-001" in changed.inner_text() and "示例动力电池项目" in changed.inner_text()
    assert changed.locator(".g-grade").all_inner_texts() == ["黄牌", "红牌"]
    assert "滞后时序进度5个百分点" in changed.inner_text()
    assert page.locator("input[name=red_below]").input_value() == "-4"  # the edit survives the preview
    assert RuleSet.objects.count() == 1
    preview.scroll_into_view_if_needed()
    shot(page, "grading-rules-preview-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the rule preview")
    shot(page, "grading-rules-preview-phone")

    page.click("button:has-text('确认保存为第2版')")
    page.wait_for_load_state("networkidle")
    assert page.url == rules
    assert "已保存为第2版规则" in page.locator(".msg.success").inner_text()
    assert "现行第2版" in page.locator("h1").inner_text()
    history = page.locator("table.data").last.inner_text()
    assert "第2版" in history and "督查员甲" in history and "从严掌握时序进度" in history
    latest = RuleSet.objects.order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.rules["progress"]["red_below"] == "-4"
    assert page.locator("input[name=red_below]").input_value() == "-4"
    shot(page, "grading-rules-saved-phone")

    # Red line above the yellow line: refused by name, nothing saved.
    page.set_viewport_size(DESKTOP)
    page.fill("input[name=red_below]", "5")
    page.fill("input[name=yellow_below]", "0")
    page.click("button[value=preview]")
    page.wait_for_load_state("networkidle")
    error = page.locator(".msg.error[role=alert]")
    assert error.is_visible()
    assert (
        "时序进度阈值重叠：红牌线（差距 < 5）高于黄牌线（差距 < 0），红牌线必须小于或等于黄牌线"
        in error.inner_text()
    )
    assert page.locator("#preview").count() == 0
    assert RuleSet.objects.count() == 2
    shot(page, "grading-rules-conflict-desktop")
    page.set_viewport_size(PHONE)
    assert error.is_visible()
    assert_fits_phone(page, "the rule editor with an error")
    shot(page, "grading-rules-conflict-phone")
    assert outside == []
    assert console_errors == []
