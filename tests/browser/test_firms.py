"""企业服务工作室 and 榴花分 in the browser: a firm's incentives looked up by its credit code (and one
applied), and a studio request taken from 设立 to 办结 through the case page's action forms.
Screenshots at 1920×1080 and 390×844 under artifacts/."""

from __future__ import annotations

from liangping.cases.models import Case
from liangping.firms.models import Application
from tests.browser.conftest import DESKTOP, PHONE
from tests.firms.world import build_firms


def no_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"页面在手机上横向溢出：{width}px"


def test_lookup_by_credit_code_and_a_request_from_establish_to_done(
    page, live_server, cast, login, shot, offline, console_errors
):
    fw = build_firms(cast, other_city=False)
    page.set_viewport_size(DESKTOP)
    login(page, "studio_staff")

    # 「这家企业能享受哪些措施」: typed in lower case, as people do
    page.goto(f"{live_server.url}/firms/lookup/")
    page.fill("input[name=code]", fw.firm_in.credit_code.lower())
    page.click("button:has-text('查询')")
    page.wait_for_load_state("networkidle")
    card = page.locator("section.card").inner_text()
    assert fw.firm_in.name in card and "信用等级：A" in card.replace(" ", "")
    assert fw.measure_band.name in card and "榴花分 80分至90分" in card
    row = page.locator("tr", has_text=fw.measure_band.name)
    row.locator("input[name=note]").fill("已协助企业申请容缺受理")
    row.locator("button:has-text('登记兑现')").click()
    page.wait_for_load_state("networkidle")
    assert "已登记" in page.locator(".msg.success").inner_text()
    assert Application.objects.filter(firm=fw.firm_in, measure=fw.measure_band).count() == 1
    shot(page, "firms-lookup-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    no_overflow(page)
    shot(page, "firms-lookup-phone")

    # a 设立 request: accepted with its 管家, then 报送审批 and 办结 on the case page
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/firms/{fw.firm_in.pk}/")
    page.select_option("select[name=category]", label="设立")
    page.select_option("select[name=butler]", label="管家小王")
    page.fill("textarea[name=note]", "新设分公司，管家全程代办")
    page.click("button:has-text('受理并指定管家')")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(kind="firm_service")
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert page.locator("h1 .badge").first.inner_text() == "管家代办中"

    def act(action: str, state: str, note: str = "") -> None:
        form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
        if note:
            form.locator("textarea[name=note]").fill(note)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert page.locator("h1 .badge").first.inner_text() == state, action

    act("submit", "审批中", "材料已齐，报送审批")
    act("finish", "已办结", "营业执照已领取")
    shot(page, "firms-request-done-desktop")
    page.goto(f"{live_server.url}/firms/{fw.firm_in.pk}/")
    requests = page.locator("section.card").first.inner_text()
    assert case.receipt_no in requests and "已办结" in requests and "管家小王" in requests
    shot(page, "firms-firm-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    no_overflow(page)
    shot(page, "firms-firm-phone")
    for name, path in (("firms-list", "/firms/"), ("firms-measures", "/firms/measures/")):
        for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}{path}")
            if size is PHONE:
                no_overflow(page)
            shot(page, f"{name}-{suffix}")
    assert not [e for e in console_errors if "net::ERR_FAILED" not in e]
