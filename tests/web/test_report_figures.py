"""Impossible figures are not accepted in silence: a cumulative figure below last month's needs a
correction reason (stored and audited) on the form, the API and the import; the form opens on the
month that is due with 累计 pre-filled; an annual plan above the total investment is a warning."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from liangping.core.models import AuditLog
from liangping.projects import services
from liangping.projects.models import MonthlyReport
from liangping.sheets.runner import run_import
from tests.cast import Cast
from tests.sheets.builders import LEDGER_HEADER, MONTHLY_HEADER, ledger_row, write_xlsx

pytestmark = pytest.mark.django_db
SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def september(cast: Cast, ytd: str = "417939.54") -> MonthlyReport:
    return MonthlyReport.objects.create(
        project=cast.inside, month=SEPTEMBER, month_investment=Decimal("1000"), ytd_investment=Decimal(ytd),
        submitted_by=cast.specialist, submitted_at=timezone.now(), status="approved",
    )  # fmt: skip


def test_the_service_refuses_a_cumulative_figure_below_last_months(cast: Cast) -> None:
    september(cast)
    with pytest.raises(services.LedgerError) as refused:
        services.submit_report(
            cast.specialist,
            cast.inside,
            OCTOBER,
            month_investment=Decimal("1000"),
            ytd_investment=Decimal("1000"),
        )
    assert refused.value.field == "ytd_investment"
    assert "低于上月累计（417,939.54 万元）" in str(refused.value) and "更正说明" in str(refused.value)
    report = services.submit_report(
        cast.specialist, cast.inside, OCTOBER,
        month_investment=Decimal("1000"), ytd_investment=Decimal("1000"),
        correction_reason="上月误将总投资填作累计数",
    )  # fmt: skip
    assert report.correction_reason == "上月误将总投资填作累计数"
    entry = AuditLog.objects.get(action="report.submit", object_id=str(report.pk))
    assert entry.reason == "更正说明：上月误将总投资填作累计数"
    assert entry.changes["correction_reason"] == [None, "上月误将总投资填作累计数"]
    january = services.submit_report(  # 累计 starts again in January: no previous figure
        cast.specialist,
        cast.inside,
        dt.date(2026, 1, 1),
        month_investment=Decimal("5"),
        ytd_investment=Decimal("5"),
    )
    assert january.correction_reason == ""


def test_the_api_asks_for_the_reason(client: Client, cast: Cast) -> None:
    september(cast)
    client.force_login(cast.specialist)
    body = {"month": "2026-10", "month_investment": "1000", "ytd_investment": "1000"}
    url = f"/api/v1/projects/{cast.inside.pk}/reports"
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["field"] == "ytd_investment" and "低于上月累计" in error["message"]
    body["correction_reason"] = "更正上月数据"
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["correction_reason"] == "更正上月数据"


def test_the_form_opens_on_the_due_month_prefilled_and_refuses_without_a_reason(
    client: Client, cast: Cast
) -> None:

    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        september(cast)
        client.force_login(cast.specialist)
        url = f"/projects/{cast.inside.pk}/reports/new/"
        html = client.get(url).content.decode()
        assert '<option value="2026-10" selected>' in html  # due, not November, which has not ended
        assert 'name="ytd_investment" value="417939.54"' in html
        assert "data-fresh" in html and "report_form.js" in html
        previous = json.loads(html.split('data-previous="')[1].split('"')[0].replace("&quot;", '"'))
        assert previous["2026-10"] == "417939.54" and previous["2026-01"] == "0"
        data = {
            "month": "2026-10",
            "month_investment": "1000",
            "ytd_investment": "1000",
            "progress": "主体施工",
        }
        refused = client.post(url, data).content.decode()
        assert "低于上月累计（417,939.54 万元）" in refused and "data-fresh" not in refused
        assert not MonthlyReport.objects.filter(month=OCTOBER).exists()
        done = client.post(url, {**data, "correction_reason": "上月误填"}, follow=True).content.decode()
        assert "更正说明（累计完成投资低于上月累计）：</b>上月误填" in done


def test_the_monthly_import_asks_for_the_reason(cast: Cast, tmp_path: Path) -> None:
    september(cast)
    rows = [MONTHLY_HEADER, [cast.inside.code, "2026-10", 1000, 1000, "主体施工", ""]]
    result = run_import("monthly", write_xlsx(tmp_path / "m.xlsx", rows), actor=cast.supervisor)
    assert [(e.row, e.column) for e in result.errors] == [(2, "累计完成投资")]
    assert "低于上月累计" in result.errors[0].message
    rows = [
        [*MONTHLY_HEADER, "更正说明"],
        [cast.inside.code, "2026-10", 1000, 1000, "主体施工", "", "更正上月"],
    ]
    result = run_import("monthly", write_xlsx(tmp_path / "m2.xlsx", rows), actor=cast.supervisor)
    assert result.ok, result.errors
    assert MonthlyReport.objects.get(month=OCTOBER).correction_reason == "更正上月"
    in_file = [  # last month's figure from the same file counts too
        MONTHLY_HEADER,
        [cast.outside.code, "2026-09", 500, 900, "", ""],
        [cast.outside.code, "2026-10", 50, 800, "", ""],
    ]
    result = run_import("monthly", write_xlsx(tmp_path / "m3.xlsx", in_file), actor=cast.supervisor)
    assert [(e.row, e.column) for e in result.errors] == [(3, "累计完成投资")]


def test_an_annual_plan_above_the_total_is_a_warning(cast: Cast, tmp_path: Path) -> None:
    row = ledger_row("P-9", **{"总投资（万元）": 1000, "年度计划投资（万元）": 3000})
    result = run_import(
        "projects", write_xlsx(tmp_path / "l.xlsx", [LEDGER_HEADER, row]), actor=cast.supervisor
    )
    assert result.ok and result.created == 1
    assert [(w.row, w.column) for w in result.warnings if "大于总投资" in w.message] == [
        (2, "年度计划投资（万元）")
    ]
