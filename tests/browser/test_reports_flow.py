"""A monthly report through the pages: the specialist submits, the supervisor returns it with a
reason, the specialist resubmits, the supervisor approves. Also a visit with a photo."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from liangping.cases.models import Case
from liangping.projects.models import MonthlyReport, Visit
from liangping.projects.queries import month_code, month_label, reporting_month
from tests.browser.conftest import DESKTOP, PHONE
from tests.web.test_projects_scope import png_bytes


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def test_submit_return_resubmit_approve(page, live_server, cast, login, shot, offline, console_errors):  # type: ignore[no-untyped-def]
    month = reporting_month()
    page.set_viewport_size(DESKTOP)
    login(page, "specialist")
    page.goto(f"{live_server.url}/projects/reports/")
    expect(page.locator("h1")).to_contain_text(month_label(month))
    row = page.locator(f"tr[data-code='{cast.inside.code}']")
    expect(row).to_contain_text("未报送" if "已过报送期限" in page.content() else "待报送")
    row.locator("a:has-text('报送')").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("select[name=month]")).to_have_value(month_code(month))
    page.fill("input[name=month_investment]", "12000")
    page.fill("input[name=ytd_investment]", "8000")  # less than this month: refused
    page.fill("textarea[name=progress]", "一期厂房封顶，设备安装完成 60%")
    page.fill("textarea[name=problems]", "电力增容尚未落实，影响设备调试")
    expect(page.locator("input[name=raise_problem]")).to_be_checked()
    page.click("button:has-text('报送')")
    expect(page.locator("#id_ytd_investment_error")).to_contain_text("累计完成投资不能小于本月完成投资")
    shot(page, "report-form-error-desktop")
    page.fill("input[name=ytd_investment]", "236500.5")
    page.click("button:has-text('报送')")
    expect(page.locator(".msg.success")).to_contain_text("已登记为问题闭环")
    expect(page.locator("#report-status")).to_have_text("待审核")
    report = MonthlyReport.objects.get()
    assert Case.objects.filter(source_ref=f"report:{report.pk}").exists()
    sign_out(page)

    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/reports/?month={month_code(month)}&status=submitted")
    page.click(f"tr[data-code='{cast.inside.code}'] a:has-text('查看')")
    page.wait_for_load_state("networkidle")
    shot(page, "report-review-desktop")
    page.click("button:has-text('退回')")  # no reason: refused
    expect(page.locator(".msg.error")).to_contain_text("退回必须写明原因")
    page.fill("#review-note", "累计完成投资与上月报表不衔接，请核实后重报")
    page.click("button:has-text('退回')")
    expect(page.locator(".msg.success")).to_contain_text("已退回")
    expect(page.locator("#report-status")).to_have_text("已退回")
    sign_out(page)

    login(page, "specialist")
    page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    expect(page.locator("main")).to_contain_text("累计完成投资与上月报表不衔接")
    page.click("a:has-text('修改后重新报送')")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".msg.warning")).to_contain_text("退回原因：累计完成投资与上月报表不衔接")
    page.fill("input[name=ytd_investment]", "236800")
    shot(page, "report-resubmit-desktop")
    page.click("button:has-text('重新报送')")
    expect(page.locator("#report-status")).to_have_text("待审核")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/reports/?month={month_code(month)}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    shot(page, "reports-list-phone")
    sign_out(page)

    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    page.click("button:has-text('通过')")
    expect(page.locator("#report-status")).to_have_text("已通过")
    page.goto(f"{live_server.url}/projects/reports/?month={month_code(month)}")
    expect(page.locator(f"tr[data-code='{cast.inside.code}']")).to_contain_text("已通过")
    expect(page.locator("a.stat[data-state=approved] b")).to_have_text("1")
    shot(page, "reports-list-desktop")
    report.refresh_from_db()
    assert report.status == "approved" and str(report.ytd_investment) == "236800.00"
    assert not console_errors, console_errors


def test_visit_with_photo_and_stats(page, live_server, cast, login, shot, offline, console_errors, tmp_path):  # type: ignore[no-untyped-def]
    photo = Path(tmp_path) / "现场.png"
    photo.write_bytes(png_bytes((640, 400)))
    fake = Path(tmp_path) / "假照片.jpg"
    fake.write_text("这是一段文字，不是照片", encoding="utf-8")
    page.set_viewport_size(PHONE)
    login(page, "specialist")
    page.goto(f"{live_server.url}/projects/visits/")
    page.click("a:has-text('登记走访')")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=findings]", "设备进场，企业反映电力增容尚未落实。")
    page.set_input_files("input[name=photos]", [str(photo), str(fake)])
    page.click("button:has-text('提交')")
    expect(page.locator("#id_photos_error")).to_contain_text("不是有效的图片")
    shot(page, "visit-form-error-phone")
    page.set_input_files("input[name=photos]", [str(photo)])
    page.click("button:has-text('提交')")
    expect(page.locator(".msg.success")).to_contain_text("附照片 1 张")
    img = page.locator(".gallery img").first
    expect(img).to_be_visible()
    loaded = "(s) => { const i = document.querySelector(s); return i.complete && i.naturalWidth === 640; }"
    page.wait_for_function(loaded, arg=".gallery img")
    shot(page, "visit-detail-phone")
    assert Visit.objects.count() == 1

    page.goto(f"{live_server.url}/projects/visits/stats/")
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "visit-stats-phone")
    sign_out(page)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/visits/stats/")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").first).to_contain_text("专员乙")  # never visits: first
    shot(page, "visit-stats-desktop")
    assert not console_errors, console_errors
