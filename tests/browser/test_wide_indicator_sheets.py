"""A district table of the statistics bureau in a real browser: the preview names the layout, asks for
the indicator the title does not give, shows the long table, imports; the districts' ranking page."""

from __future__ import annotations

from playwright.sync_api import expect

from liangping.core.models import Org, OrgKind
from liangping.indicators.models import DistrictValue, Indicator, RankBy
from tests.browser.conftest import DESKTOP, PHONE
from tests.sheets.builders import write_csv

ROWS = [
    ["各区（市）主要指标季度数据"],
    ["年份/季度", "市中区（亿元）", "薛城区（亿元）", "滕州（亿元）", "高新区（亿元）"],
    ["2023年一季度", "85.1", "66.2", "300.3", "35.4"],
    ["二季度", "170.1", "130.2", "600.3", "72.4"],
    ["三季度", "2600.1", "200.2", "920.3", "110.4"],
]


def test_a_district_table_previewed_confirmed_and_ranked(
    page, live_server, login, shot, cast, tmp_path, settings
):
    settings.LIANGPING_IMPORT_SYNC = True
    city = Org.objects.get(kind=OrgKind.CITY)
    for name in ("薛城区", "枣庄高新区"):
        Org.objects.create(name=name, kind=OrgKind.DISTRICT, parent=city)
    path = write_csv(tmp_path / "各区季度.csv", ROWS, encoding="gbk")
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/sheets/import/")
    page.get_by_label("经济指标").check()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#layout")).to_contain_text("（d）期间为行、地区为列")
    expect(page.locator("body")).to_contain_text("标题中没有找到指标名称")
    page.get_by_label("指标", exact=True).fill("地区生产总值")
    page.get_by_role("button", name="按所选重新预览").click()
    page.wait_for_load_state("networkidle")
    # 市中区 三季度 2600.1: ten times its other quarters, and checked before anything is written
    expect(page.locator("body")).to_contain_text("可能是单位写错")
    shot(page, "wide-sheet-needs-confirmation-desktop")
    page.get_by_label("已核对，照常导入需确认的行").check()
    page.get_by_role("button", name="按所选重新预览").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#preview")).to_contain_text("读取的数据（共 12 条）")
    expect(page.locator("#preview tbody tr").first).to_contain_text("市中区")
    shot(page, "wide-sheet-preview-desktop")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")
    assert DistrictValue.objects.count() == 12

    page.goto(f"{live_server.url}/indicators/districts/?period=2023-09")
    board = page.locator("section.district-board").first
    expect(board).to_contain_text("只有总量、没有增速，无法按增速排名")
    Indicator.objects.filter(name="地区生产总值").update(rank_by=RankBy.VALUE)
    page.reload()
    expect(board).to_contain_text("按总量排名")
    expect(board.locator("tbody tr").first).to_contain_text("市中区")
    shot(page, "district-ranking-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "district-ranking-phone")
