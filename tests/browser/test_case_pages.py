"""A case walked through its pages with the new parts: the co-unit chip picker (and the plain
multi-select without JavaScript), a reply with an attachment, the project unit's feedback, and
核实并销号 in one step; the countdown and the visit link in view. Desktop and phone screenshots."""

from __future__ import annotations

from playwright.sync_api import expect

from liangping.cases.models import Case, CaseAttachment, CaseStatus
from liangping.core.models import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.cast import make_user
from tests.tasks.conftest import PDF


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def test_case_walk_with_chips_attachment_feedback_and_verify_close(  # type: ignore[no-untyped-def]
    page, live_server, cast, login, shot, offline, console_errors, tmp_path
):
    make_user("gongxin", Role.DEPARTMENT, cast.gongxin, "工信员")
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/new/?project={cast.inside.pk}")
    page.fill("input[name=title]", "施工用电未接入，需协调供电公司")
    page.fill("textarea[name=description]", "变电站扩容未完成，影响设备调试。")
    page.click("main button:has-text('登记')")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()

    # the chip picker: the plain select is hidden, a search box shows matching units
    expect(page.locator("select[name=co_orgs]")).to_be_hidden()
    page.select_option("select[name=lead_org]", label="市发展改革委")
    chips = page.locator(".chips-input")
    chips.fill("工业")
    expect(page.locator(".chips-option")).to_have_count(1)
    expect(page.locator(".chips-option").first).to_have_text("市工业和信息化局")
    shot(page, "case-chips-open-desktop")
    page.keyboard.press("Enter")
    expect(page.locator(".chips-chosen .chip")).to_have_text(["市工业和信息化局×"])
    chips.fill("滕州")
    page.locator(".chips-option").first.click()
    expect(page.locator(".chips-chosen .chip")).to_have_count(2)
    page.click(".chip-remove[aria-label='移除滕州市']")
    expect(page.locator(".chips-chosen .chip")).to_have_count(1)
    page.fill("textarea[name=note]", "请市发展改革委牵头，市工信局协办")
    shot(page, "case-assign-chips-desktop")
    page.click("button[value=assign]")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and [o.name for o in case.co_orgs.all()] == ["市工业和信息化局"]
    expect(page.locator("#countdown")).to_contain_text("剩余")
    expect(page.locator(".form-grid .chip")).to_have_text(["市工业和信息化局"])
    sign_out(page)

    login(page, "department")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.fill("#note-reply", "已协调供电公司，本月底前完成扩容")
    pdf = tmp_path / "供电方案批复.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#files-reply", str(pdf))
    shot(page, "case-reply-desktop")
    page.click("button[value=reply]")
    page.wait_for_load_state("networkidle")
    assert CaseAttachment.objects.get().name == "供电方案批复.pdf"
    expect(page.locator(".attachments a")).to_have_text("供电方案批复.pdf")
    sign_out(page)

    login(page, "owner")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.check("input[name=verdict][value=unsatisfied]")
    page.fill("#feedback-form textarea[name=note]", "扩容时间太晚，影响 12 月投产")
    shot(page, "case-feedback-desktop")
    page.click("button[value=feedback]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#feedbacks")).to_contain_text("不满意")
    page.set_viewport_size(PHONE)
    shot(page, "case-feedback-phone")
    page.set_viewport_size(DESKTOP)
    sign_out(page)

    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("button[value=verify]")).to_have_count(0)
    page.fill("#note-verify_close", "现场核实，已调整为分步送电")
    page.click("button[value=verify_close]")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    timeline = page.locator(".timeline").last.inner_text()
    for label in ["登记", "交办", "答复", "项目单位评价", "核实", "销号"]:
        assert label in timeline
    shot(page, "case-verify-close-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "case-verify-close-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the case page scrolls sideways on a phone ({width}px)"
    assert console_errors == []


def test_assign_picker_on_a_phone_and_without_javascript(  # type: ignore[no-untyped-def]
    browser, page, live_server, cast, login, shot, offline, console_errors
):
    from liangping.cases import services as cases

    case = cases.register(cast.supervisor, "环评批复待办", subject=cast.inside)
    page.set_viewport_size(PHONE)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.fill(".chips-input", "发展")
    shot(page, "case-chips-open-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    assert console_errors == []

    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="zh-CN")
    plain = context.new_page()
    login(plain, "supervisor")
    plain.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(plain.locator("select[name=co_orgs]")).to_be_visible()
    assert plain.locator(".chips-input").count() == 0
    plain.select_option("select[name=lead_org]", label="市发展改革委")
    plain.select_option("select[name=co_orgs]", label=["市工业和信息化局", "市中区"])
    plain.click("button[value=assign]")
    plain.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert sorted(o.name for o in case.co_orgs.all()) == ["市中区", "市工业和信息化局"]
    context.close()


def test_chip_picker_finds_a_unit_by_its_short_name(page, live_server, cast, login, offline):  # type: ignore[no-untyped-def]
    from liangping.cases import services as cases

    case = cases.register(cast.supervisor, "环评批复待办", subject=cast.inside)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.fill(".chips-input", "工信局")  # 市工信局, the short name of 市工业和信息化局
    expect(page.locator(".chips-option")).to_have_text(["市工业和信息化局"])
    page.fill(".chips-input", "没有这个单位")
    expect(page.locator(".chips-none")).to_have_text("没有匹配的单位")
    page.keyboard.press("Enter")  # no match: Enter neither picks nor submits
    assert page.url.endswith(f"/cases/{case.pk}/")
    expect(page.locator(".chips-chosen .chip")).to_have_count(0)
