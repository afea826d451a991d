"""The monthly-report importer (月度调度): one report per project and month, idempotent.

A report whose 存在问题 is filled registers a case (idempotent by the report, see raise_problem_from).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from liangping.core.audit import diff, snapshot
from liangping.core.scope import tenant_of
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.projects.services import REPORT_FIELDS, below_previous, previous_month, raise_problem_from
from liangping.sheets.bulk import audit_entry, chunks, insert_rows, record_many, update_rows
from liangping.sheets.errors import Issue
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec

PROGRESS_EVERY = 250
FIELDS_FROM_FILE = ("month_investment", "ytd_investment", "progress", "problems", "correction_reason")
UPDATED_REPORT_FIELDS = [
    *FIELDS_FROM_FILE,
    "status",
    "review_note",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "version",
]

MONTHLY_COLUMNS = (
    ColumnSpec("code", "项目编号", ("项目代码", "编号"), required=True, key=True),
    ColumnSpec("month", "年月", ("月份", "报告期", "调度月份", "填报月份", "所属月份"), required=True),
    ColumnSpec(
        "month_investment",
        "本月完成投资",
        ("本月投资", "当月完成投资", "本月完成"),
        required=True,
        money=True,
    ),
    ColumnSpec(
        "ytd_investment",
        "累计完成投资",
        ("累计投资", "年度累计完成投资", "本年累计完成投资", "累计完成"),
        required=True,
        money=True,
    ),
    ColumnSpec("progress", "形象进度", ("工程形象进度", "项目进展", "进展情况")),
    ColumnSpec("problems", "存在问题", ("存在的问题", "问题", "需协调解决的问题")),
    ColumnSpec("correction_reason", "更正说明", ("更正原因", "累计更正说明")),
)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


class MonthlyReportImport:
    """One run of the monthly-report importer: create or update one report per project and month."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.r = ctx.reader
        self.this_month = timezone.localdate().replace(day=1)

    def parse(self, row: Row) -> tuple[dict[str, Any], bool]:
        r, errors = self.r, self.ctx.result.errors
        before = len(errors)
        values: dict[str, Any] = {
            "code": r.key(row, "code", max_length=50),
            "month": r.month(row, "month", required=True),
            "month_investment": r.money(row, "month_investment", required=True),
            "ytd_investment": r.money(row, "ytd_investment", required=True),
            "progress": r.text(row, "progress"),
            "problems": r.text(row, "problems"),
            "correction_reason": r.text(row, "correction_reason", max_length=500),
        }
        if values["month"] is not None and values["month"] > self.this_month:
            r.error(row, "month", f"{month_label(values['month'])}还没有到，不能报送未来月份的调度")
        month_amount, ytd = values["month_investment"], values["ytd_investment"]
        if month_amount is not None and ytd is not None and ytd < month_amount:
            r.error(row, "ytd_investment", f"累计完成投资（{ytd}）小于本月完成投资（{month_amount}），请核对")
        return values, len(errors) == before

    def run(self) -> None:
        ctx, r = self.ctx, self.r
        rows = ctx.table.rows
        codes = {r.text(row, "code") for row in rows} - {""}
        projects: dict[str, Project] = {}
        # a city's people report on their city's projects: another city's code is not in their ledger
        mine = Project.objects.in_city(tenant_of(ctx.actor) if ctx.actor is not None else None)
        for chunk in chunks(sorted(codes), 900):
            projects.update({p.code: p for p in mine.filter(code__in=chunk)})
        parsed: list[tuple[Project, dict[str, Any]]] = []
        first_row: dict[tuple[str, Any], int] = {}
        for i, row in enumerate(rows, start=1):
            values, ok = self.parse(row)
            code, month = values["code"], values["month"]
            project = projects.get(code)
            if code and project is None:
                r.error(row, "code", f"项目编号“{code}”在项目台账中不存在，请核对或先导入项目台账")
                ok = False
            if code and month is not None:
                if (code, month) in first_row:
                    first = first_row[(code, month)]
                    r.error(
                        row,
                        "month",
                        f"项目“{code}”{month_label(month)}的调度与第{first}行重复，请删除其中一行",
                    )
                    ok = False
                else:
                    first_row[(code, month)] = row[0]
            if ok and project is not None:
                values["row"] = row[0]
                parsed.append((project, values))
            if i % PROGRESS_EVERY == 0:
                ctx.progress(i, len(rows))
        ctx.progress(len(rows), len(rows))
        self._check_cumulative(parsed)
        existing = self._existing(parsed)
        creates, updates = [], []
        for project, values in parsed:
            report = existing.get((project.pk, values["month"]))
            if report is None:
                creates.append((project, values))
            elif any(getattr(report, f) != values[f] for f in FIELDS_FROM_FILE):
                report.project = project  # for the audit entry's text, without a query
                updates.append((report, values))
        ctx.result.created, ctx.result.updated = len(creates), len(updates)
        ctx.result.unchanged = len(parsed) - len(creates) - len(updates)
        if ctx.writes:
            written = self._create(creates) + self._update(updates)
            for report in written:
                if report.problems:
                    raise_problem_from(ctx.actor, report)  # type: ignore[arg-type]

    def _check_cumulative(self, parsed: list[tuple[Project, dict[str, Any]]]) -> None:
        """累计完成投资 below last month's (from the file, else the ledger) is an error unless the row's
        更正说明 says why. One query for the ledger's figures."""
        in_file = {(p.pk, v["month"]): v["ytd_investment"] for p, v in parsed}
        wanted = {(p.pk, before) for p, v in parsed if (before := previous_month(v["month"])) is not None}
        stored: dict[tuple[int, dt.date], Decimal] = {}
        months = sorted({m for _p, m in wanted})
        for chunk in chunks(sorted({pk for pk, _m in wanted}), 900):
            rows = MonthlyReport.objects.filter(project_id__in=chunk, month__in=months)
            for pk, month, ytd in rows.values_list("project_id", "month", "ytd_investment"):
                stored[(pk, month)] = ytd
        for project, values in parsed:
            before = previous_month(values["month"])
            if before is None:
                continue
            last = in_file.get((project.pk, before), stored.get((project.pk, before)))
            refusal = below_previous(values["ytd_investment"], last)
            if refusal and not values["correction_reason"]:
                self.ctx.result.errors.append(
                    Issue(values["row"], self.r.header("ytd_investment"), f"{refusal}（“更正说明”列）")
                )
            elif not refusal:
                values["correction_reason"] = ""

    def _existing(self, parsed: list[tuple[Project, dict[str, Any]]]) -> dict[tuple[int, Any], MonthlyReport]:
        found: dict[tuple[int, Any], MonthlyReport] = {}
        months = sorted({v["month"] for _p, v in parsed})
        ids = sorted({p.pk for p, _v in parsed})
        for chunk in chunks(ids, 900):
            for report in MonthlyReport.objects.filter(project_id__in=chunk, month__in=months):
                found[(report.project_id, report.month)] = report
        return found

    def _create(self, creates: list[tuple[Project, dict[str, Any]]]) -> list[MonthlyReport]:
        actor, now = self.ctx.actor, timezone.now()
        reports = [
            MonthlyReport(
                project=project,
                month=values["month"],
                **{f: values[f] for f in FIELDS_FROM_FILE},
                status=ReportStatus.SUBMITTED,
                submitted_by=actor,
                submitted_at=now,
                first_submitted_by=actor,
                first_submitted_at=now,
            )
            for project, values in creates
        ]
        insert_rows(MonthlyReport, reports)
        ids: dict[tuple[int, dt.date], int] = {}
        months = sorted({r.month for r in reports})
        for chunk in chunks(sorted({r.project_id for r in reports}), 900):
            rows = MonthlyReport.objects.filter(project_id__in=chunk, month__in=months)
            ids.update({(pid, month): pk for pid, month, pk in rows.values_list("project_id", "month", "pk")})
        for report in reports:
            report.pk = ids[(report.project_id, report.month)]
            report._state.adding = False
        record_many(
            [
                audit_entry(
                    actor, "report.submit", rep, diff({}, snapshot(rep, REPORT_FIELDS)), self.ctx.reason
                )
                for rep in reports
            ]
        )
        return reports

    def _update(self, updates: list[tuple[MonthlyReport, dict[str, Any]]]) -> list[MonthlyReport]:
        actor, now = self.ctx.actor, timezone.now()
        entries = []
        for report, values in updates:
            before = snapshot(report, REPORT_FIELDS)
            for field in FIELDS_FROM_FILE:
                setattr(report, field, values[field])
            report.status, report.review_note = ReportStatus.SUBMITTED, ""
            report.submitted_by, report.submitted_at = actor, now
            report.reviewed_by, report.reviewed_at = None, None
            report.version += 1
            entries.append(
                audit_entry(
                    actor,
                    "report.resubmit",
                    report,
                    diff(before, snapshot(report, REPORT_FIELDS)),
                    self.ctx.reason,
                )
            )
        reports = [report for report, _v in updates]
        update_rows(MonthlyReport, reports, UPDATED_REPORT_FIELDS)
        record_many(entries)
        return reports


def import_monthly(ctx: ImportContext) -> None:
    MonthlyReportImport(ctx).run()
