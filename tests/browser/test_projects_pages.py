"""The ledger list (filter, search, sort, pages) and one project with its timeline, in Chromium at
1920×1080 and 390×844."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from liangping.cases import services as cases
from liangping.projects import services
from tests.browser.conftest import DESKTOP, PHONE
from tests.web.test_projects_list import add_projects
from tests.web.test_projects_scope import png_bytes


def ledger_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#ledger tbody td.name a").all_inner_texts()


def test_ledger_list_filter_search_sort(page, live_server, cast, login, shot, offline, console_errors):  # type: ignore[no-untyped-def]
    add_projects(cast, 70)  # 72 projects: two pages
    cases.register(cast.supervisor, "用地手续未办结", subject=cast.inside)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#ledger .total b")).to_have_text("72")
    assert len(ledger_names(page)) == 50
    expect(page.locator("nav.pager")).to_contain_text("共 72 条")
    shot(page, "projects-list-desktop")

    page.select_option("select[name=district]", label="滕州市")  # htmx swaps the list in place
    expect(page.locator("#ledger .total b")).to_have_text("36")
    assert "district=" in page.url
    page.fill("input[name=q]", "电池")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#ledger .total b")).to_have_text("1")
    assert ledger_names(page) == ["示例动力电池项目"]
    row = page.locator("#ledger tbody tr").first
    expect(row).to_contain_text("未报送")
    expect(row.locator("td.num").last).to_contain_text("1")
    export = page.locator("a:has-text('导出台账')")
    if export.count():
        href = export.get_attribute("href") or ""
        assert "district=" in href and "q=" in href
    shot(page, "projects-list-filtered-desktop")

    page.click("a:has-text('清除筛选')")
    expect(page.locator("#ledger .total b")).to_have_text("72")
    page.click("#ledger thead a:has-text('总投资')")
    expect(page.locator("#ledger thead th[aria-sort=ascending]")).to_contain_text("总投资")
    page.click("#ledger thead a:has-text('总投资')")  # second click: largest first
    expect(page.locator("#ledger thead th[aria-sort=descending]")).to_contain_text("总投资")
    assert ledger_names(page)[0] == "示例动力电池项目"
    page.click("nav.pager a:has-text('2')")
    expect(page.locator("nav.pager .current")).to_have_text("2")
    assert len(ledger_names(page)) == 22 and "page=2" in page.url

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#ledger thead th:has-text('包保市领导')")).to_be_hidden()
    expect(page.locator("#ledger thead th:has-text('项目名称')")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width  # the page itself does not scroll sideways
    shot(page, "projects-list-phone")
    assert not console_errors, console_errors


def test_project_detail(page, live_server, cast, login, shot, offline, console_errors):  # type: ignore[no-untyped-def]
    p = cast.inside
    services.update_project(
        cast.supervisor,
        p,
        {"stage": "operating"},
        expected_version=p.version,
        reason="主体工程完工，进入试生产",
        stage_date=dt.date(2026, 6, 30),
    )
    report = services.submit_report(
        cast.specialist,
        p,
        dt.date(2026, 9, 1),
        month_investment=Decimal("12000"),
        ytd_investment=Decimal("236500.5"),
        progress="一期厂房封顶，设备安装完成 60%",
    )
    services.review_report(cast.supervisor, report, approve=True, expected_version=report.version)
    services.record_visit(
        cast.specialist,
        p,
        dt.date(2026, 10, 12),
        "现场查看设备调试，企业反映电力增容尚未落实，已记录。",
        [("现场.png", png_bytes((320, 200)))],
    )
    cases.register(cast.specialist, "电力增容未落实", subject=p)

    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/{p.pk}/")
    expect(page.locator("h1")).to_contain_text("示例动力电池项目")
    expect(page.locator("a.btn:has-text('编辑')")).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("2,000,000")
    items = page.locator("ol.timeline > li")
    expect(items).to_have_count(5)  # problem, visit, review, report, stage change: newest first
    expect(items.first).to_contain_text("电力增容未落实")
    expect(items.last).to_contain_text("主体工程完工")
    img = page.locator(".thumbs img").first
    expect(img).to_be_visible()
    loaded = "(s) => { const i = document.querySelector(s); return i.complete && i.naturalWidth === 320; }"
    page.wait_for_function(loaded, arg=".thumbs img")
    shot(page, "project-detail-desktop")

    page.click("a.btn:has-text('编辑')")
    expect(page.locator("input[name=version]")).to_have_value("2")
    page.select_option("select[name=stage]", "counted")
    page.click("button:has-text('保存')")
    expect(page.locator("#id_reason_error")).to_contain_text("变更建设阶段必须填写原因")
    shot(page, "project-edit-errors-desktop")
    page.fill("input[name=reason]", "已纳入统计")
    page.fill("input[name=stage_date]", "2026-11-01")
    page.click("button:has-text('保存')")
    expect(page.locator(".msg.success")).to_contain_text("已保存项目")
    expect(page.locator("ol.timeline")).to_contain_text("建设阶段由“竣工投产”变更为“纳统”。原因：已纳入统计")

    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    shot(page, "project-detail-phone")
    assert not console_errors, console_errors
