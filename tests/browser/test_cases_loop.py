"""The problem loop through the pages: the supervisor registers and assigns to 市发展改革委, the
department handles and replies, the supervisor verifies and closes (核实并销号)."""

from __future__ import annotations

from liangping.cases.models import Case, CaseStatus
from tests.browser.conftest import DESKTOP, PHONE


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def act(page, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    if note:
        page.fill(f"#note-{action}", note)
    page.click(f"button[value={action}]")
    page.wait_for_load_state("networkidle")


def test_problem_loop(page, live_server, cast, login, shot, offline, console_errors):
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/new/?project={cast.inside.pk}")
    page.fill("input[name=title]", "项目用地预审手续未办结")
    page.fill("textarea[name=description]", "用地预审材料已报送，尚待批复，影响开工。")
    shot(page, "case-new-desktop")
    page.click("main button:has-text('登记')")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert page.url == f"{live_server.url}/cases/{case.pk}/"
    page.select_option("select[name=lead_org]", label="市发展改革委")
    page.fill(".chips-input", "工信")  # the co-unit picker: search, then pick
    page.keyboard.press("Enter")
    page.fill("textarea[name=note]", "请市发展改革委牵头办理")
    shot(page, "case-assign-desktop")
    page.click("button:has-text('交办')")
    page.wait_for_load_state("networkidle")
    assert "已交办" in page.locator(".msg.success").inner_text()
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.lead_org == cast.fagai
    sign_out(page)

    login(page, "department")
    page.goto(f"{live_server.url}/cases/")
    page.click("a:has-text('项目用地预审手续未办结')")
    page.wait_for_load_state("networkidle")
    act(page, "handle", "已对接自然资源部门")
    act(page, "reply", "已报省厅审批，预计下周批复")
    assert "已答复" in page.locator(".msg.success").inner_text()
    assert page.locator("button[value=verify]").count() == 0
    sign_out(page)

    login(page, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    act(page, "verify_close", "现场核实无误，问题已解决")  # the supervisor does both: one step
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    timeline = page.locator(".timeline").inner_text()
    for label in ["登记", "交办", "办理", "答复", "核实", "销号"]:
        assert label in timeline
    shot(page, "case-closed-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "case-closed-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the case page scrolls sideways on a phone ({width}px)"
    page.goto(f"{live_server.url}/cases/")
    shot(page, "case-list-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "case-list-desktop")
    assert console_errors == []
