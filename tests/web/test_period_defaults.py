"""Pages with a period open on the latest period that has data, and offer no export of an empty
table: the reports list, the task pages, the visit statistics, the grade board and the ranking."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from liangping.grading import services as grading
from liangping.projects import services as ledger
from liangping.projects.models import MonthlyReport, ReportStatus
from liangping.projects.queries import reporting_month, shift_month
from liangping.projects.queries_visits import week_starts
from liangping.tasks import queries as task_queries
from tests.cast import Cast
from tests.tasks.conftest import make_tasks


def report(project, month: dt.date) -> MonthlyReport:  # type: ignore[no-untyped-def]
    return MonthlyReport.objects.create(
        project=project, month=month, month_investment=Decimal(1), ytd_investment=Decimal(1),
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip


def shown_month(html: str) -> str:
    return re.search(r'<option value="(\d{4}-\d{2})" selected', html)[1]  # type: ignore[index]


@pytest.mark.django_db
def test_reports_list_opens_on_the_latest_month_with_reports(client: Client, cast: Cast) -> None:
    collecting = reporting_month()
    client.force_login(cast.supervisor)
    assert shown_month(client.get("/projects/reports/").content.decode()) == f"{collecting:%Y-%m}"  # none yet
    older = shift_month(collecting, -3)
    report(cast.outside, older)
    assert shown_month(client.get("/projects/reports/").content.decode()) == f"{older:%Y-%m}"
    client.force_login(cast.owner)  # the outside project's report is not theirs to see
    assert shown_month(client.get("/projects/reports/").content.decode()) == f"{collecting:%Y-%m}"
    report(cast.inside, collecting)
    assert shown_month(client.get("/projects/reports/").content.decode()) == f"{collecting:%Y-%m}"
    client.force_login(cast.supervisor)
    assert shown_month(client.get("/projects/reports/").content.decode()) == f"{collecting:%Y-%m}"
    page = client.get(f"/projects/reports/?month={older:%Y-%m}").content.decode()
    assert shown_month(page) == f"{older:%Y-%m}"  # asked for: kept


@pytest.mark.django_db
def test_task_pages_open_on_the_latest_month_with_progress(cast: Cast) -> None:
    today = dt.date(2025, 9, 15)
    assert task_queries.current_period(None, today).code == "2025-08"  # nothing reported yet
    make_tasks(cast)  # reports for 2025-05
    assert task_queries.current_period(None, today).code == "2025-05"
    assert task_queries.current_period("2025-07", today).code == "2025-07"
    assert task_queries.current_period(None, dt.date(2025, 5, 20)).code == "2025-04"  # May not ended


@pytest.mark.django_db
def test_visit_stats_open_on_the_weeks_with_visits(client: Client, cast: Cast) -> None:
    today = timezone.localdate()
    long_ago = week_starts(today)[0] - dt.timedelta(weeks=10)
    ledger.record_visit(cast.specialist, cast.inside, long_ago, "现场施工正常")
    client.force_login(cast.supervisor)
    html = client.get("/projects/visits/stats/").content.decode()
    assert f"截至 {long_ago.year}年{long_ago.month}月{long_ago.day}日" in html
    assert ">本周<" not in html and 'class="badge blue">1<' not in html and ">1<" in html
    assert "后 8 周" in html
    latest = client.get("/projects/visits/stats/?end=" + today.isoformat()).content.decode()
    assert ">本周<" in latest and "后 8 周" not in latest
    ledger.record_visit(cast.specialist, cast.inside, today, "本周走访")
    assert ">本周<" in client.get("/projects/visits/stats/").content.decode()


@pytest.mark.django_db
def test_no_export_button_on_an_empty_table(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)
    board = client.get("/grading/?period=2025-06").content.decode()
    assert "导出分级" in board
    empty = client.get("/grading/?period=2025-06&grade=red&district=不存在的区").content.decode()
    assert "导出分级" not in empty
    ranking = client.get("/grading/ranking/?period=2025-06").content.decode()
    assert "导出排名" not in ranking  # no indicator values in that window
    ledger_page = client.get("/projects/?q=没有这样的项目").content.decode()
    assert "导出台账" not in ledger_page
