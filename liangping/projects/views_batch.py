"""Approving several monthly reports at once from the start page's 待审核 queue.

Each report goes through the same review as on its own page (version check, audit entry per
report); a report someone changed or reviewed meanwhile is skipped and named.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from liangping.projects import queries, services
from liangping.projects.models import MonthlyReport
from liangping.projects.views import actor, supervisor_page

MAX_BATCH = 200


def _picked(request: HttpRequest) -> dict[int, int]:
    """report id → the version the reviewer saw, from "id:version" values; malformed ones dropped."""
    picked: dict[int, int] = {}
    for value in request.POST.getlist("report")[:MAX_BATCH]:
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            picked[int(pk)] = int(version)
    return picked


@supervisor_page
@require_POST
def report_batch_approve(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    picked = _picked(request)
    if not picked:
        messages.error(request, "请先勾选要审核通过的调度")
        return redirect("home")
    reports = MonthlyReport.objects.visible_to(user).filter(pk__in=picked).select_related("project")
    done, failed = 0, []
    for report in reports.order_by("month", "pk"):
        try:
            services.review_report(user, report, approve=True, expected_version=picked[report.pk])
        except services.LedgerError as exc:
            failed.append(f"{report.project.name}（{queries.month_label(report.month)}）：{exc}")
        else:
            done += 1
    if done:
        messages.success(request, f"已审核通过 {done} 份调度")
    for line in failed:
        messages.error(request, f"未审核：{line}")
    return redirect("home")
