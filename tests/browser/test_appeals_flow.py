"""枣解决·枣满意 end to end: a resident files on the public form (no account), the operator dispatches to a
district, the district returns it as misrouted (退单), it is dispatched again to a department, extended,
answered, called back as 不满意, reopened, answered again and closed as 满意; the resident follows it by
the receipt number (never seeing personal data), 三率 and the unit ranking show it, and the public
screen's appeals page draws at 1920×1080 and 3840×2160 without the internet.

Every step goes through pages: the staff sign in as the person whose turn it is and use the generic
case page's form for that action (lead unit, reason, days, rating); 三率 and the screen are pages too.
"""

from __future__ import annotations

from django.utils import timezone

from liangping.cases.models import Case
from tests.browser.conftest import DESKTOP
from tests.browser.conftest import PHONE as PHONE_SIZE
from tests.screen.browser_city import SCREEN_4K, canvases_drawn, cjk_renders, real_errors

NAME, PHONE, ADDRESS = "周八", "13806328888", "滕州市荆河街道善国路18号"
TEXT = "小区供暖温度只有十四度，老人孩子受不了。"


def test_an_appeal_from_the_public_form_to_the_ranking(
    page, live_server, cast, login, shot, offline, console_errors
):
    page.set_viewport_size(DESKTOP)
    # 1. a resident, no account: the public form gives a receipt number
    page.goto(f"{live_server.url}/appeals/public/")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=phone]", PHONE)
    page.select_option("select[name=category]", value="construction_utility")
    page.select_option("select[name=place]", label="滕州市")
    page.fill("input[name=address]", ADDRESS)
    page.fill("textarea[name=description]", TEXT)
    shot(page, "appeal-public-form")
    page.click("button:has-text('提交诉求')")
    page.wait_for_load_state("networkidle")
    receipt = page.locator("#receipt-no").inner_text().strip()
    shot(page, "appeal-receipt")
    case = Case.objects.get(receipt_no=receipt)
    assert case.channel == "web" and case.status == "registered" and case.contact_phone == PHONE

    # 2. the loop, by the people whose turn it is, each on the case page's own action forms
    start = timezone.now()
    case_url = f"{live_server.url}/cases/{case.pk}/"
    signed_in = {"as": ""}

    def act(who: str, action: str, state: str | None, before: str = "", **fill: str) -> None:
        """`who` takes `action` on the case page; the page shows `state` after it (None: the case left
        their hands, they land on the list with a message; `before` is the state shown on opening)."""
        if signed_in["as"] != who:
            page.context.clear_cookies()
            login(page, who)
            signed_in["as"] = who
        page.goto(case_url)
        if before:
            assert page.locator("h1 .badge").first.inner_text() == before
        form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
        assert form.count() == 1, f"{who} sees no form for {action}"
        if "lead_org" in fill:
            form.locator("select[name=lead_org]").select_option(label=fill["lead_org"])
        if "days" in fill:
            form.locator("input[name=days]").fill(fill["days"])
        if "rating" in fill:
            form.locator(f"input[name=rating][value={fill['rating']}]").check()
        if "note" in fill:
            form.locator("textarea[name=note]").fill(fill["note"])
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        if state is None:
            assert "已不在您的办理范围内" in page.locator(".msg.success").inner_text()
            assert page.request.get(case_url).status == 404  # outside their scope now
        else:
            assert page.locator("h1 .badge").first.inner_text() == state, action

    act("supervisor", "dispatch", "已派单", lead_org="滕州市", note="请滕州市办理")
    act("district", "return", None, note="供暖由市住建部门监管，不属于本单位")
    act(
        "supervisor",
        "dispatch",
        "已派单",
        before="已退单",
        lead_org="市发展改革委",
        note="请市发展改革委协调供热企业",
    )
    act("department", "accept", "办理中")
    act("department", "extend", "延期审批中", days="2", note="需约谈供热企业")
    act("supervisor", "approve_extension", "办理中")
    act("department", "reply", "已答复", note="已责成供热企业调高供水温度。")
    page.context.clear_cookies()
    login(page, "supervisor")
    signed_in["as"] = "supervisor"
    page.goto(case_url)
    page.locator("form.action-form input[name=rating][value=unsatisfied]").wait_for()
    shot(page, "appeal-case-1920")
    page.set_viewport_size(PHONE_SIZE)
    shot(page, "appeal-case-390")
    page.set_viewport_size(DESKTOP)
    act("supervisor", "callback", "重新办理", rating="unsatisfied", note="室温仍只有十六度")
    assert "已延期 2 个工作日" in page.locator(".card").first.inner_text()
    act("department", "reply", "已答复", note="已更换换热站循环泵，室温达到二十度。")
    act("supervisor", "callback", "已办结", rating="satisfied", note="室温已达标")
    assert page.locator("#actions").count() == 0
    assert "满意" in page.locator("#feedbacks").inner_text()
    case.refresh_from_db()
    assert case.status == "closed" and case.return_count == 1 and case.extended_days == 2
    assert case.reopen_count == 1 and case.lead_org == cast.fagai
    page.context.clear_cookies()

    # 3. the resident follows it: status and both replies, no personal data
    page.goto(f"{live_server.url}/appeals/public/lookup/?no={receipt.lower()}")
    result = page.locator("#lookup-result").inner_text()
    assert "已办结" in result and "换热站" in result and "调高供水温度" in result and "市发展改革委" in result
    body = page.content()
    for secret in (NAME, PHONE, ADDRESS, TEXT[:8], "138****8888"):
        assert secret not in body
    shot(page, "appeal-lookup")

    # 4. 三率 and the ranking: the department answered in time, rated 满意 at the last call back
    login(page, "supervisor")
    page.goto(f"{live_server.url}/appeals/rates/?month={timezone.localtime(start):%Y-%m}")
    row = page.locator("table[data-unit-kind='市直部门'] tr", has_text="市发展改革委")
    cells = row.inner_text()
    assert "100.0%" in cells and "1/1" in cells, cells
    assert row.locator("td").first.inner_text() == "1"
    assert page.locator("#rate-definitions").is_visible()
    shot(page, "appeal-rates")

    # the generic pages the kind runs on, at the desktop's and the phone's sizes: nothing wider than
    # the phone's screen (tables scroll inside their own box), every label in Chinese
    def both(name: str, url: str) -> None:
        for size_name, size in (("1920", DESKTOP), ("390", PHONE_SIZE)):
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{name} is {wide}px wider than the {size_name} screen"
            text = page.locator("main").inner_text()
            for code in ("appeal", "registered", "urgent", "None", "workdays", "hours"):
                assert code not in text.split(), f"{name} shows “{code}”"
            shot(page, f"{name}-{size_name}")
        page.set_viewport_size(DESKTOP)

    both("appeal-list", "/cases/?kind=appeal")
    both("appeal-new", "/cases/new/?kind=appeal")
    page.context.clear_cookies()
    login(page, "sysadmin")
    both("kinds-admin", "/cases/kinds/")
    page.context.clear_cookies()

    # 5. the public screen's appeals page, at the lobby's two sizes
    for name, size in (("1920", DESKTOP), ("3840", SCREEN_4K)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/screen/appeals/?kiosk=1")
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
        page.wait_for_timeout(900)  # the bars' animation
        assert page.locator(".a-grid canvas").count() >= 2
        assert all(canvases_drawn(page, ".a-grid")), f"a chart is blank at {name}"
        assert "市发展改革委" not in page.locator("#a-rates").inner_text()  # districts only
        assert NAME not in page.content() and PHONE not in page.content()
        shot(page, f"appeal-screen-{name}")
    assert cjk_renders(page)
    assert real_errors(console_errors) == []
