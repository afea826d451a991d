"""The import preview in a real browser: a messy file's errors, then a clean file previewed and imported."""

from __future__ import annotations

import re

from playwright.sync_api import expect

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
