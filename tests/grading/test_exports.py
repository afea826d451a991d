"""Grade and ranking exports: canonical columns, grade colours, snapshot vs live, scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from liangping.grading import services
from liangping.grading.exports import export_grades, export_ranking
from liangping.projects.models import MonthlyReport, Project, ReportStatus


def read(fn, user, period):
    out = BytesIO()
    fn(user, {"period": period}, out, None)
    out.seek(0)
    book = load_workbook(out)
    return book, [[c.value for c in row] for row in book.worksheets[0].iter_rows()]


@pytest.fixture
def june(cast):
    Project.objects.update(plan_year=2025)
    for p, ytd in ((cast.inside, "150000"), (cast.outside, "2000")):
        MonthlyReport.objects.create(
            project=p,
            month=dt.date(2025, 6, 1),
            month_investment=Decimal(0),
            ytd_investment=Decimal(ytd),
            status=ReportStatus.APPROVED,
            submitted_at=timezone.now(),
        )


@pytest.mark.django_db
def test_grades_export_columns_values_and_colours(cast, june):
    book, rows = read(export_grades, None, "2025-06")
    assert rows[0] == [
        "项目编号",
        "项目名称",
        "所属区（市）",
        "完成率(%)",
        "时序进度(%)",
        "差距(百分点)",
        "等级",
        "原因",
    ]
    body = {r[0]: r for r in rows[1:]}
    assert body["ZZ-2025-002"][3:8] == [10, 50, -40, "红", "滞后时序进度40个百分点"]
    assert body["ZZ-2025-001"][6] == "蓝"
    sheet = book.worksheets[0]
    red_cell = next(row[6] for row in sheet.iter_rows(min_row=2) if row[0].value == "ZZ-2025-002")
    assert red_cell.fill.fgColor.rgb.endswith("FFEBE9")
    assert sheet.freeze_panes == "A2"
    notes = dict((r[0].value, r[1].value) for r in book["说明"].iter_rows(min_row=2))
    assert notes["数据"] == "临时结果（未锁定）"


@pytest.mark.django_db
def test_grades_export_reads_the_snapshot_and_is_scoped(cast, june):
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"))
    MonthlyReport.objects.filter(project=cast.outside).update(ytd_investment=Decimal(20000))
    _, rows = read(export_grades, cast.supervisor, "2025-06")
    assert {r[0]: r[6] for r in rows[1:]}["ZZ-2025-002"] == "红"  # frozen, the later edit is not in it
    _, leader_rows = read(export_grades, cast.leader, "2025-06")
    assert [r[0] for r in leader_rows[1:]] == ["ZZ-2025-001"]


@pytest.mark.django_db
def test_ranking_export_has_distances_for_the_home_city(cast):
    from liangping.indicators.demo import load_indicator_demo

    load_indicator_demo()
    _, rows = read(export_ranking, cast.leader, "2022-06")
    assert rows[0][:7] == ["指标名称", "地区", "增速(%)", "位次", "上期位次", "位次变化", "等级"]
    home = next(r for r in rows[1:] if r[0] == "地区生产总值" and r[1] == "枣庄")
    assert home[2:7] == [4.1, 3, 5, "↑2 进位", "蓝"]
    assert rows[0][7:10] == ["距第十", "距第五", "距第三"]
    assert home[9] == "已达到"  # 3rd place: level with 3rd
    assert home[7].startswith("已超 ") and home[8].startswith("已超 ") and home[7].endswith(" 个百分点")
    other = next(r for r in rows[1:] if r[0] == "地区生产总值" and r[1] != "枣庄")
    assert other[7:10] == [None, None, None]
    assert len(rows) == 1 + 15 * 16
    book, _ = read(export_ranking, cast.leader, "2022-06")
    notes = dict((r[0].value, r[1].value) for r in book["说明"].iter_rows(min_row=2))
    assert "“差 X 个百分点”为落后该位次" in notes["距第十、第五、第三"]


@pytest.mark.django_db
def test_export_commands_and_downloads(cast, june, tmp_path):
    from django.core.management import CommandError, call_command
    from django.test import Client

    from liangping.core.models import AuditLog

    target = tmp_path / "grades.xlsx"
    call_command("export", "grades", str(target), "--period", "2025-06")
    rows = [[c.value for c in r] for r in load_workbook(target).worksheets[0].iter_rows()]
    assert len(rows) == 3 and rows[0][0] == "项目编号"
    with pytest.raises(CommandError, match="无法识别"):
        call_command("export", "ranking", str(tmp_path / "r.xlsx"), "--period", "六月")
    assert not (tmp_path / "r.xlsx").exists()
    c = Client()
    c.force_login(cast.leader)
    response = c.get("/sheets/export/grades.xlsx", {"period": "2025-06"})
    assert response.status_code == 200
    body = [[x.value for x in r] for r in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows()]
    assert [r[0] for r in body[1:]] == ["ZZ-2025-001"]
    # the file is named after its period, in Chinese (RFC 5987), with an ASCII name for old clients
    assert response["Content-Disposition"] == (
        "attachment; filename=\"grades.xlsx\"; filename*=UTF-8''"
        "%E5%88%86%E7%BA%A7%E7%BB%93%E6%9E%9C_2025%E5%B9%B46%E6%9C%88.xlsx"  # 分级结果_2025年6月.xlsx
    )
    assert c.get("/sheets/export/ranking.xlsx", {"period": "x"}).status_code == 400
    assert AuditLog.objects.filter(action="export", object_type="sheets.grades").count() == 2
    c.get("/sheets/export/grades.xlsx", {"period": "2025-06", "grade": "red", "district": "滕州市"})
    entry = AuditLog.objects.filter(action="export").latest("id")
    assert entry.changes["filters"] == {"考核期": "2025年6月", "所属区（市）": "滕州市", "等级": "红"}
    c.force_login(cast.auditor)
    assert c.get("/sheets/export/grades.xlsx").status_code == 404
