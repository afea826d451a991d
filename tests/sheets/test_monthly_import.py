"""Monthly reports (月度调度) from a spreadsheet: by 项目编号 and month, idempotent, problems become cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangping.cases.models import Case
from liangping.core.models import AuditLog
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.sheets.builders import MONTHLY_HEADER, write_xlsx
from tests.sheets.conftest import issues

pytestmark = pytest.mark.django_db
NEXT_YEAR = dt.date.today().year + 1


def test_reports_are_created_and_problems_registered_once(imp, cast, tmp_path):
    rows = [
        ["2025年5月重点项目调度表"],
        ["单位：亿元"],
        ["项目代码", "报告期", "本月投资", "年度累计完成投资", "工程形象进度", "存在的问题"],
        [cast.inside.code, "2025年5月", 0.25, 1.5, "主体封顶", "用电指标不足\n需协调供电公司"],
        [cast.outside.code, "2025-05", 0, 0.1, "办理施工许可", ""],
        ["合计", None, 0.25, 1.6],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    result = imp(path, "monthly")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    report = MonthlyReport.objects.get(project=cast.inside, month=dt.date(2025, 5, 1))
    assert (report.month_investment, report.ytd_investment) == (Decimal("2500.00"), Decimal("15000.00"))
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == cast.supervisor
    assert report.progress == "主体封顶"
    case = Case.objects.get(source_ref=f"report:{report.pk}")
    assert case.title == "用电指标不足" and case.subject == cast.inside
    assert AuditLog.objects.filter(action="report.submit").count() == 2
    before = (AuditLog.objects.count(), Case.objects.count())
    again = imp(path, "monthly")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (AuditLog.objects.count(), Case.objects.count()) == before


def test_a_changed_report_is_resubmitted_with_a_diff(imp, cast, tmp_path):
    head = MONTHLY_HEADER
    imp(write_xlsx(tmp_path / "a.xlsx", [head, [cast.inside.code, "2025-04", 100, 400, "", ""]]), "monthly")
    report = MonthlyReport.objects.get()
    MonthlyReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.APPROVED, reviewed_by=cast.supervisor
    )
    result = imp(
        write_xlsx(tmp_path / "b.xlsx", [head, [cast.inside.code, "2025.4", 120, 420, "", ""]]), "monthly"
    )
    assert (result.created, result.updated) == (0, 1)
    report.refresh_from_db()
    assert report.ytd_investment == Decimal("420.00") and report.status == ReportStatus.SUBMITTED
    assert report.reviewed_by is None and report.version == 2
    entry = AuditLog.objects.get(action="report.resubmit")
    assert entry.changes["ytd_investment"] == ["400", "420"]
    assert entry.changes["status"] == ["approved", "submitted"]


def test_monthly_defects(imp, cast, tmp_path):
    code = cast.inside.code
    rows = [
        MONTHLY_HEADER,
        ["NOPE-1", "2025-05", 1, 2, "", ""],
        [code, "2025-05", -1, 2, "", ""],
        [code, "2025-06", 5, 3, "", ""],
        [code, "2025-07", 1, 2, "", ""],
        [code, "2025年7月", 1, 2, "", ""],
        [code, "下个月", 1, 2, "", ""],
        [code, f"{NEXT_YEAR}-01", 1, 2, "", ""],
        ["=A1", "2025-01", 1, 2, "", ""],
    ]
    result = imp(write_xlsx(tmp_path / "bad.xlsx", rows), "monthly")
    assert issues(result) == [
        (2, "项目编号", "项目编号“NOPE-1”在项目台账中不存在，请核对或先导入项目台账"),
        (3, "本月完成投资", "金额不能为负数（-1），请填写 0 或正数"),
        (4, "累计完成投资", "累计完成投资（3.00）小于本月完成投资（5.00），请核对"),
        (6, "年月", "项目“ZZ-2025-001”2025年7月的调度与第5行重复，请删除其中一行"),
        (7, "年月", "“下个月”不是有效的日期，请写成 2025-03、2025年3月、2025.3 或 2025/03/15"),
        (8, "年月", f"{NEXT_YEAR}年1月还没有到，不能报送未来月份的调度"),
        (9, "项目编号", "该单元格是公式，请复制后“选择性粘贴为数值”再导入"),
    ]
    assert MonthlyReport.objects.count() == 0 and Case.objects.count() == 0


def test_missing_monthly_columns(imp, cast, tmp_path):
    rows = [["项目编号", "年月", "本月完成投资", "形象进度"], [cast.inside.code, "2025-05", 1, ""]]
    result = imp(write_xlsx(tmp_path / "c.xlsx", rows), "monthly")
    assert issues(result) == [(1, "累计完成投资", "缺少必填列“累计完成投资”，请在表头行添加该列")]


def test_a_project_file_is_not_taken_for_a_monthly_one(imp, tmp_path):
    from tests.sheets.builders import LEDGER_HEADER, ledger_row

    result = imp(write_xlsx(tmp_path / "p.xlsx", [LEDGER_HEADER, ledger_row("A")]), "monthly")
    (error,) = result.errors
    assert "没有找到月度调度的表头" in error.message
