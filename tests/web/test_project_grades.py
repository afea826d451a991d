"""Why a project is red, yellow or blue: the grade card and chart of the project page, the 分级 and
完成率 columns and grade filter of the ledger list, the same columns in the export (never imported),
and the project timeline filtered by kind."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from liangping.cases import services as cases
from liangping.grading import services as grading
from liangping.projects.exports import export_projects
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.sheets.runner import run_import
from tests.cast import Cast


@pytest.fixture
def locked_june(cast: Cast) -> None:
    """June 2025 locked: the inside project 40 % of its plan (yellow), the outside one 75 % (blue)."""
    Project.objects.update(plan_year=2025)
    for p, ytd in ((cast.inside, "120000"), (cast.outside, "15000")):
        MonthlyReport.objects.create(
            project=p, month=dt.date(2025, 6, 1), month_investment=Decimal(1), ytd_investment=Decimal(ytd),
            status=ReportStatus.APPROVED, submitted_at=timezone.now(), submitted_by=cast.supervisor,
        )  # fmt: skip
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)


def rows_of(html: str) -> dict[str, str]:
    """项目编号 → the row's HTML, for the ledger table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {m[1]: m[0] for m in re.finditer(r"<tr>\s*<td[^>]*>(ZZ-[\d-]+)</td>.*?</tr>", body, re.S)}


@pytest.mark.django_db
def test_project_page_says_why_with_the_locked_grade_and_the_provisional_one(
    client: Client, cast: Cast, locked_june: None
) -> None:
    client.force_login(cast.owner)
    html = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    card = html.split('id="grade-card"', 1)[1].split('id="open-problems"', 1)[0]
    assert "已锁定分级" in card and "2025年6月" in card
    assert "滞后时序进度10个百分点" in card and "完成率 40.0%，时序进度 50.0%" in card
    assert 'badge yellow big">黄牌' in card
    # the open month is graded live and labelled so; plan year 2025 is over, so 2026 is unplanned
    assert "临时分级" in card and "未锁定" in card
    data = json.loads(
        re.search(r'<script id="progress-data" type="application/json">(.*?)</script>', card)[1]
    )
    assert data["year"] == 2025 and len(data["months"]) == 12
    assert data["completion"][5] == "40.0" and data["time_progress"][5] == "50.0"
    assert data["completion"][4] is None
    assert "grading/progress_chart.js" in card and "<script>" not in html


@pytest.mark.django_db
def test_project_page_without_a_locked_period_says_so(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    html = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    assert "尚无锁定的考核期" in html and "临时分级" in html


@pytest.mark.django_db
def test_ledger_list_shows_grade_and_completion_and_filters_by_grade(
    client: Client, cast: Cast, locked_june: None
) -> None:
    client.force_login(cast.supervisor)
    rows = rows_of(client.get("/projects/").content.decode())
    assert 'title="滞后时序进度10个百分点">黄</span>' in rows["ZZ-2025-001"]
    assert "40.0%" in rows["ZZ-2025-001"] and "75.0%" in rows["ZZ-2025-002"]
    assert list(rows_of(client.get("/projects/?grade=yellow").content.decode())) == ["ZZ-2025-001"]
    assert list(rows_of(client.get("/projects/?grade=blue").content.decode())) == ["ZZ-2025-002"]
    empty = client.get("/projects/?grade=red").content.decode()
    assert rows_of(empty) == {} and "导出台账" not in empty  # no export of an empty table


@pytest.mark.django_db
def test_ledger_grade_filter_stays_in_scope(client: Client, cast: Cast, locked_june: None) -> None:
    client.force_login(cast.owner)
    assert list(rows_of(client.get("/projects/?grade=blue").content.decode())) == []


@pytest.mark.django_db
def test_export_has_grade_and_completion_and_the_import_lists_them_as_computed(
    cast: Cast, locked_june: None, tmp_path: Path
) -> None:
    out = BytesIO()
    export_projects(cast.supervisor, {}, out)
    book = load_workbook(BytesIO(out.getvalue()))
    rows = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    header = rows[0]
    assert header[-2:] == ["分级", "完成率（%）"]
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["ZZ-2025-001"][-2:] == ["黄", 40]
    assert by_code["ZZ-2025-002"][-2:] == ["蓝", 75]
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(out.getvalue())
    result = run_import("projects", path, actor=cast.supervisor, dry_run=True)
    assert result.errors == []
    computed = {(w.column, w.message) for w in result.warnings if w.row is None}
    assert computed == {("分级", "系统计算的列，不导入"), ("完成率（%）", "系统计算的列，不导入")}


@pytest.mark.django_db
def test_timeline_filters_by_kind_and_the_page_lists_open_problems(client: Client, cast: Cast) -> None:
    case = cases.register(
        cast.supervisor, "施工用电未接入", description="需协调供电公司", subject=cast.inside
    )
    client.force_login(cast.supervisor)
    every = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    problems = every.split('id="open-problems"', 1)[1].split('id="timeline"', 1)[0]
    assert f"/cases/{case.pk}/" in problems and "施工用电未接入" in problems
    only = client.get(f"/projects/{cast.inside.pk}/?kind=problem").content.decode()
    timeline = only.split('id="timeline"', 1)[1]
    assert "<b>问题</b>" in timeline and "<b>阶段变更</b>" not in timeline
    stages = (
        client.get(f"/projects/{cast.inside.pk}/?kind=stage").content.decode().split('id="timeline"', 1)[1]
    )
    assert "<b>问题</b>" not in stages


@pytest.mark.django_db
def test_ledger_filters_by_several_grades(client: Client, cast: Cast, locked_june: None) -> None:
    """查看全部 of the start page's 红牌、黄牌 queue shows both: ?grade=red,yellow or the name twice."""
    client.force_login(cast.supervisor)
    for query in ("grade=red,yellow", "grade=yellow,red", "grade=red&grade=yellow"):
        page = client.get(f"/projects/?{query}").content.decode()
        assert list(rows_of(page)) == ["ZZ-2025-001"], query
        assert '<option value="red,yellow" selected>红牌和黄牌</option>' in page
    assert sorted(rows_of(client.get("/projects/?grade=yellow,blue").content.decode())) == [
        "ZZ-2025-001",
        "ZZ-2025-002",
    ]
    assert list(rows_of(client.get("/projects/?grade=none,red").content.decode())) == []
    assert len(rows_of(client.get("/projects/?grade=purple").content.decode())) == 2  # unknown: no filter


@pytest.mark.django_db
def test_unreported_project_shows_no_completion_rather_than_null_or_zero(client: Client, cast: Cast) -> None:
    """A project with no report in the locked period has no completion: its snapshot figure is a JSON
    null, which must read as nothing (「—」 on the page), never the text null nor 0."""
    Project.objects.update(plan_year=2025)
    MonthlyReport.objects.create(
        project=cast.inside, month=dt.date(2025, 6, 1), month_investment=Decimal(1),
        ytd_investment=Decimal("120000"), status=ReportStatus.APPROVED, submitted_at=timezone.now(),
    )  # fmt: skip
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)
    client.force_login(cast.supervisor)
    rows = rows_of(client.get("/projects/").content.decode())
    unreported = rows["ZZ-2025-002"]
    assert "null" not in unreported and "0.0%" not in unreported and "None" not in unreported
    assert "40.0%" in rows["ZZ-2025-001"]
    html = client.get(f"/projects/{cast.outside.pk}/").content.decode()
    card = html.split('id="grade-card"', 1)[1].split('id="open-problems"', 1)[0]
    shown = re.sub(r"<script[^>]*>.*?</script>", "", card, flags=re.S)  # the chart's data may hold null
    assert "完成率 未报送" in shown
    assert "null" not in shown and "完成率 0" not in shown and "None" not in shown
