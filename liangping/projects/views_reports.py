"""月度调度 pages: the reports of a month, submitting and resubmitting a report, reviewing it."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases.models import Case
from liangping.core.dashboard import safe_reverse
from liangping.core.models import Role, User
from liangping.core.scope import read_only
from liangping.projects import queries, queries_reports, services
from liangping.projects.forms import ReportForm, ReviewForm
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.projects.views import actor, ledger_page, paginate, params, query_without, supervisor_page

AMOUNT_FIELDS = ("month_investment", "ytd_investment", "progress", "problems", "correction_reason")


@ledger_page
def report_list(request: HttpRequest) -> HttpResponse:
    values = params(request)
    month = queries.parse_month(values.get("month")) or queries_reports.report_list_month(request.user)
    state = values.get("status", "")
    qs = queries_reports.month_reports_queryset(request.user, month)
    qs = queries_reports.filter_month_reports(qs, month, "", values.get("q", ""))
    counts = queries_reports.month_report_counts(qs, month)
    qs = queries_reports.filter_month_reports(qs, month, state, "").for_list().order_by("code")
    page, numbers = paginate(qs, request)
    base = query_without({**values, "month": queries.month_code(month)}, "page", "status")
    for c in counts:
        c["url"] = f"?{base}&status={c['key']}" if c["key"] else f"?{base}"
        c["active"] = c["key"] == state
    due = services.report_due_date(month)
    months = queries.recent_months()
    if queries.month_code(month) not in dict(months):
        months.append((queries.month_code(month), queries.month_label(month)))
    rows = queries_reports.month_report_rows(list(page.object_list), month)
    user = actor(request)
    for row in rows:
        row["can_submit"] = services.can_submit_report(user, row["project"])
    context = {
        "month": month,
        "month_code": queries.month_code(month),
        "month_label": queries.month_label(month),
        "months": months,
        "previous": queries.month_code(queries.shift_month(month, -1)),
        "next": queries.month_code(queries.shift_month(month, 1)),
        "due": due,
        "due_passed": due < timezone.localdate(),
        "counts": counts,
        "state": state,
        "q": values.get("q", ""),
        "rows": rows,
        "page": page,
        "page_numbers": numbers,
        "query": query_without({**values, "month": queries.month_code(month)}, "page"),
    }
    return render(request, "projects/reports.html", context)


def _submitter_project(user: User, pk: int) -> Project:
    project = get_object_or_404(Project.objects.visible_to(user).select_related("unit"), pk=pk)
    if not services.can_submit_report(user, project):
        raise Http404("页面不存在")
    return project


def _submit(request: HttpRequest, form: ReportForm, project: Project, month: Any, version: Any) -> Any:
    """Call the service; on refusal put its message on the form and return None."""
    data = form.cleaned_data
    try:
        return services.submit_report(
            actor(request),
            project,
            month,
            month_investment=data["month_investment"],
            ytd_investment=data["ytd_investment"],
            progress=data["progress"],
            problems=data["problems"],
            expected_version=version,
            raise_problem=bool(data["raise_problem"]),
            correction_reason=data.get("correction_reason") or "",
        )
    except services.LedgerError as exc:
        conflict = isinstance(exc, services.ConflictError)
        form.add_error(exc.field if exc.field in form.fields and not conflict else None, str(exc))
        return None


def _done(request: HttpRequest, report: MonthlyReport) -> HttpResponse:
    text = f"已报送{queries.month_label(report.month)}调度，等待督查人员审核"
    if report.problems and Case.objects.filter(source_ref=f"report:{report.pk}").exists():
        text += "；存在问题已登记为问题闭环"
    messages.success(request, text)
    return redirect("projects:report_detail", pk=report.pk)


def _next_due(project: Project) -> Any:
    """The month that is due: the latest ended month (the reporting month and the two before it)
    without a report, else the reporting month. Never a month that has not ended."""
    last = queries.reporting_month()
    months = [queries.shift_month(last, -i) for i in range(3)]
    done = set(project.reports.filter(month__in=months).values_list("month", flat=True))
    return next((m for m in months if m not in done), last)


def _previous_figures(project: Project, months: list[tuple[str, str]]) -> dict[str, str]:
    """month code → last month's cumulative figure (0 in January), for pre-filling 累计完成投资 as
    last month's cumulative plus this month's amount (projects/report_form.js). One query."""
    wanted = [m for m in (queries.parse_month(code) for code, _l in months) if m is not None]
    before = {services.previous_month(m): m for m in wanted}
    ytd = dict(
        project.reports.filter(month__in=[b for b in before if b is not None]).values_list(
            "month", "ytd_investment"
        )
    )
    out = {}
    for b, m in before.items():
        if b is None:
            out[queries.month_code(m)] = "0"
        elif b in ytd:
            out[queries.month_code(m)] = str(ytd[b])
    return out


@ledger_page
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    project = _submitter_project(user, pk)
    months = queries.recent_months(count=12)
    existing = None
    previous = _previous_figures(project, months)
    if request.method == "POST":
        form = ReportForm(request.POST, months=months)
        if form.is_valid():
            month = queries.parse_month(form.cleaned_data["month"])
            assert month is not None  # a choice of recent_months()
            report = _submit(request, form, project, month, None)
            if report is not None:
                return _done(request, report)
            existing = project.reports.filter(month=month).first()
    else:
        month = queries.parse_month(request.GET.get("month")) or _next_due(project)
        existing = project.reports.filter(month=month).first()
        if existing is not None:
            return redirect("projects:report_edit", pk=existing.pk)
        initial = {
            "month": queries.month_code(month),
            "ytd_investment": previous.get(queries.month_code(month)),
        }
        form = ReportForm(initial=initial, months=months)
    context = {
        "project": project,
        "form": form,
        "report": None,
        "existing": existing,
        "previous": json.dumps(previous),
        "fresh": request.method != "POST",
        **form.groups(),
    }
    return render(request, "projects/report_form.html", context)


@ledger_page
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    qs = MonthlyReport.objects.visible_to(user).select_related("project__unit", "reviewed_by")
    report = get_object_or_404(qs, pk=pk)
    if not services.can_submit_report(user, report.project):
        raise Http404("页面不存在")
    if report.status == ReportStatus.APPROVED and user.role != Role.SUPERVISOR:
        messages.warning(request, "该月调度已审核通过，如需更正请联系督查人员退回")
        return redirect("projects:report_detail", pk=report.pk)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            saved = _submit(request, form, report.project, report.month, version)
            if saved is not None:
                return _done(request, saved)
    else:
        initial = {name: getattr(report, name) for name in AMOUNT_FIELDS}
        form = ReportForm(initial={**initial, "version": report.version, "raise_problem": True})
    month_code = queries.month_code(report.month)
    context = {
        "project": report.project,
        "form": form,
        "report": report,
        "existing": None,
        "previous": json.dumps(_previous_figures(report.project, [(month_code, "")])),
        **form.groups(),
    }
    return render(request, "projects/report_form.html", context)


@ledger_page
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    qs = MonthlyReport.objects.visible_to(user).select_related(
        "project__unit", "project__district", "submitted_by", "first_submitted_by", "reviewed_by"
    )
    report = get_object_or_404(qs, pk=pk)
    case = Case.objects.visible_to(user).filter(source_ref=f"report:{report.pk}").first()
    may_edit = services.can_submit_report(user, report.project) and (
        report.status != ReportStatus.APPROVED or user.role == Role.SUPERVISOR
    )
    context = {
        "report": report,
        "project": report.project,
        "month_label": queries.month_label(report.month),
        "due": services.report_due_date(report.month),
        "late": report.first_at >= queries.due_deadline(report.month),
        "history": queries_reports.report_history(report),
        "tone": queries.REPORT_TONES.get(report.status, "grey"),
        "may_review": user.role == Role.SUPERVISOR
        and report.status == ReportStatus.SUBMITTED
        and not read_only(user),
        "may_edit": may_edit,
        "case": case,
        "case_url": safe_reverse("cases:detail", "", case.pk) if case else "",
    }
    return render(request, "projects/report_detail.html", context)


@supervisor_page
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    report = get_object_or_404(MonthlyReport.objects.visible_to(user).select_related("project"), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新页面后再审核")
        return redirect("projects:report_detail", pk=report.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.review_report(
            user,
            report,
            approve=approve,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except services.LedgerError as exc:
        messages.error(request, str(exc))
    else:
        label = queries.month_label(report.month)
        done = "已审核通过" if approve else "已退回，报送人可修改后重新报送"
        messages.success(request, f"{label}调度{done}")
    return redirect("projects:report_detail", pk=report.pk)
