"""政务服务 in the browser: a resident's 帮办代办 request at a village hall handed up to the town and
closed 办成; a 二手车出口 application submitted once, fanned out to 4 departments, joined, shown with its
time against 1 day; the 1+1+1+N page flagging a hall without a 主管. Desktop and phone screenshots."""

from __future__ import annotations

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.models import Role
from liangping.services.models import Post
from tests.browser.conftest import DESKTOP, PHONE
from tests.cast import make_user
from tests.services.world import build
from tests.tasks.conftest import PDF


def test_services_in_the_browser(page, live_server, cast, login, shot, offline, console_errors, tmp_path):
    w = build(cast)
    page.set_viewport_size(DESKTOP)
    signed_in = {"as": ""}

    def as_user(username: str) -> None:
        if signed_in["as"] != username:
            page.context.clear_cookies()
            login(page, username)
            signed_in["as"] = username

    def act(case_pk: int, action: str, **fill: str) -> None:
        page.goto(f"{live_server.url}/cases/{case_pk}/")
        form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
        assert form.count() == 1, f"{signed_in['as']} sees no form for {action}"
        if "lead_org" in fill:
            form.locator("select[name=lead_org]").select_option(label=fill["lead_org"])
        if "note" in fill:
            form.locator("textarea[name=note]").fill(fill["note"])
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()

    # 1. 帮办代办: the village hall's 主管 takes a resident's request, hands it up to the town
    as_user("cun_zhuguan")
    page.goto(f"{live_server.url}/services/assist/new/")
    page.select_option("select[name=point]", label="示例村便民服务站")
    page.fill("input[name=matter]", "M001")
    page.fill("input[name=applicant]", "居民赵六")
    page.fill("textarea[name=description]", "不会网上申报小餐饮登记，请帮办")
    page.click("button:has-text('受理')")
    page.wait_for_load_state("networkidle")
    case = Case.objects.of_kind("assist").get()
    assert page.locator("#assist-owner").inner_text() == "示例村"
    act(case.pk, "take")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    options = page.locator(
        "form.action-form:has(input[name=action][value=hand_up]) select[name=lead_org] option"
    )
    assert options.all_inner_texts()[-1] == "示例镇" and options.count() == 2  # 请选择 and the parent only
    act(case.pk, "hand_up", lead_org="示例镇", note="需镇便民服务中心审批")
    # 2. the town's 主管 takes it and closes it 办成 with the result
    as_user("zhen_zhuguan")
    act(case.pk, "take")
    act(case.pk, "done", note="已办结小餐饮登记，证照已送达")
    page.goto(f"{live_server.url}/services/assist/{case.pk}/")
    assert page.locator("#assist-state").inner_text() == "办成"
    assert page.locator("#assist-owner").inner_text() == "示例镇"
    assert "已办结小餐饮登记" in page.locator("#assist-result").inner_text()
    shot(page, "services-assist-done")
    page.set_viewport_size(PHONE)
    shot(page, "services-assist-done-phone")
    page.set_viewport_size(DESKTOP)

    # 3. 一件事: one form, materials once, fanned out to the four departments
    as_user("district")
    page.goto(f"{live_server.url}/services/bundles/{w.bundle.pk}/apply/")
    assert page.locator("#bundle-form input[type=text], #bundle-form input[type=tel]").count() == 5
    page.fill("#f_applicant", "示例汽车公司")
    page.fill("#f_vin", "LSVAM4187C2184847")
    page.fill("#f_firm", "示例汽车公司")
    page.fill("#f_country", "阿塞拜疆")
    material = tmp_path / "出口合同.pdf"
    material.write_bytes(PDF)
    page.set_input_files("#files", str(material))
    shot(page, "services-bundle-form")
    page.click("button:has-text('提交')")
    page.wait_for_load_state("networkidle")
    application = Case.objects.of_kind("bundle").get()
    assert page.locator("#app-departments").inner_text() == "4"
    assert page.locator("#app-state").inner_text() == "分办中"
    parts = engine.children(application)
    assert {p.lead_org.name for p in parts} == {"市税务局", "市商务局", "市车管所", "枣庄海关"}
    # the tax department finishes its part on its case page; the other three through the engine
    as_user("tax_user")
    tax = next(p for p in parts if p.lead_org == w.depts["tax"])
    page.goto(f"{live_server.url}/cases/{application.pk}/")
    assert "出口合同.pdf" in page.content()  # the shared materials
    act(tax.pk, "finish")
    for p in parts:
        if p.pk != tax.pk:
            engine.act(p, "finish", actor=make_user(f"d{p.pk}", Role.DEPARTMENT, p.lead_org, p.lead_org.name))
    as_user("district")
    act(application.pk, "join")
    page.goto(f"{live_server.url}/services/applications/{application.pk}/")
    assert page.locator("#app-state").inner_text() == "已办结"
    rows = page.locator("#app-rows tbody tr")
    assert rows.count() == 4
    first = rows.nth(0).inner_text()
    assert "机动车转让待出口登记" in first and "3 天" in first and "在 1 天时限内" in first
    assert "20 天" in rows.nth(3).inner_text() and "在 3 天时限内" in rows.nth(3).inner_text()
    shot(page, "services-bundle-joined")
    page.set_viewport_size(PHONE)
    shot(page, "services-bundle-joined-phone")
    page.set_viewport_size(DESKTOP)

    # 4. 1+1+1+N: the village hall loses its 主管 and is flagged
    w.village_hall.staff.filter(post=Post.LEAD).delete()
    as_user("supervisor")
    page.goto(f"{live_server.url}/services/rule/")
    assert page.locator("#rule-flagged").inner_text() == "1"
    flagged = page.locator("#rule-table tr.flagged")
    assert flagged.count() == 1 and "示例村便民服务站" in flagged.inner_text()
    assert "未配备帮办代办主管" in flagged.inner_text()
    shot(page, "services-rule")
    page.set_viewport_size(PHONE)
    shot(page, "services-rule-phone")
    assert not console_errors, console_errors
