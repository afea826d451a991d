"""The import preview in a real browser: a messy file's errors, then a clean file previewed and imported."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from liangping.core.models import Org, OrgKind
from liangping.projects.models import Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx


def upload(page, live_server, path, kind="项目台账"):  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/sheets/import/")
    page.get_by_label(kind).check()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state("networkidle")


def test_import_preview_errors_then_confirm(page, live_server, login, shot, cast, tmp_path, settings):
    settings.LIANGPING_IMPORT_SYNC = True
    bad = write_xlsx(
        tmp_path / "重点项目台账（报市中心）.xlsx",
        [
            ["2026年市重点项目台账"],
            ["单位：万元"],
            LEDGER_HEADER,
            ledger_row("ZZ-9001"),
            ledger_row("ZZ-9002", **{"所属区（市）": "莱芜区"}),
            ledger_row("ZZ-9001", 项目名称="重复编号的项目"),
            ledger_row("=HYPERLINK(1)"),
        ],
    )
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    upload(page, live_server, bad)
    errors = page.locator("table.data").filter(has_text="行号").first
    expect(errors.locator("tr", has_text="莱芜区")).to_contain_text("5")  # Excel's row number
    expect(errors.locator("tr", has_text="重复")).to_contain_text("6")
    expect(errors.locator("tr", has_text="公式")).to_contain_text("7")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    shot(page, "import-preview-errors-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "import-preview-errors-phone")
    assert not Project.objects.filter(code__startswith="ZZ-900").exists()

    good = write_xlsx(tmp_path / "good.xlsx", [LEDGER_HEADER, ledger_row("ZZ-9001"), ledger_row("ZZ-9002")])
    page.set_viewport_size(DESKTOP)
    upload(page, live_server, good)
    expect(page.locator("body")).to_contain_text("新增")
    shot(page, "import-preview-ok-desktop")
    assert not Project.objects.filter(code__startswith="ZZ-900").exists()  # the preview writes nothing
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text(re.compile("导入完成|已导入"))
    shot(page, "import-done-desktop")
    assert set(Project.objects.filter(code__startswith="ZZ-900").values_list("code", flat=True)) == {
        "ZZ-9001",
        "ZZ-9002",
    }


def test_unrecognised_columns_are_listed_and_mapped(page, live_server, login, shot, cast, tmp_path, settings):
    """开工时间 and 竣工时间 are not known names: the preview lists them with a suggestion and a select;
    mapping them previews again and imports them (checked like any column)."""
    settings.LIANGPING_IMPORT_SYNC = True
    header = [
        "项目编号",
        "项目名称",
        "所属区（市）",
        "总投资（万元）",
        "建设阶段",
        "开工时间",
        "竣工时间",
        "备注",
    ]
    rows = [
        [code, f"测试项目{code}", "薛城", 12000, "在建", "2025-03", "2027年6月", "示例"]
        for code in ("ZZ-9101",)
    ]

    Org.objects.create(name="薛城区", kind=OrgKind.DISTRICT, parent=cast.city)
    path = write_xlsx(tmp_path / "各区报送台账.xlsx", [header, *rows])
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    upload(page, live_server, path)
    section = page.locator("#unmapped")
    expect(section).to_contain_text("未识别的列名（3 个，其中 3 个不导入）")
    start = section.locator('tr[data-column="开工时间"]')
    expect(start).to_contain_text("是否为“计划开工时间”？")
    expect(start.locator("select")).to_have_value("planned_start")
    expect(section.locator('tr[data-column="备注"]').locator("select")).to_have_value("")
    shot(page, "import-preview-mapping-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "import-preview-mapping-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="按所选对应重新预览").click()
    page.wait_for_load_state("networkidle")
    expect(section).to_contain_text("其中 1 个不导入")
    expect(section.locator('tr[data-column="开工时间"]')).to_contain_text(
        "按本单位的列对应，导入为“计划开工时间”"
    )
    shot(page, "import-preview-mapped-desktop")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text(re.compile("导入完成|已导入"))
    project = Project.objects.get(code="ZZ-9101")
    assert project.district.name == "薛城区" and str(project.planned_start) == "2025-03-01"
