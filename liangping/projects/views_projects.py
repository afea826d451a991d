"""项目台账 pages: the ledger list, one project with its timeline, and the supervisor's edit form."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.views.decorators.http import require_POST

from liangping.core.audit import record
from liangping.core.dashboard import safe_reverse
from liangping.core.privacy import mask_phone
from liangping.core.tenancy import tenant_for
from liangping.projects import queries, services
from liangping.projects.extensions import ledger_grades, parse_grades
from liangping.projects.forms import ProjectForm
from liangping.projects.models import Project
from liangping.projects.views import (
    actor,
    is_htmx,
    ledger_page,
    paginate,
    paginate_list,
    params,
    query_without,
    supervisor_page,
)

TIMELINE_PAGE = 20
FILTER_NAMES = ("district", "stage", "level", "industry", "leader", "department", "specialist", "grade", "q")


@ledger_page
def project_list(request: HttpRequest) -> HttpResponse:
    values = params(request)
    if values.get("grade"):
        values["grade"] = parse_grades(values["grade"])
    sort = values.get("sort", "")
    due_month = queries.latest_due_month()
    ids, graded_period = queries.ledger_ids(request.user, values, sort)
    page, numbers = paginate(ids, request)
    rows = [
        {"p": p, "report": queries.report_badge(p), "grade": queries.grade_badge(p)}
        for p in queries.ledger_rows(list(page.object_list), due_month, tenant_for(request.user))
    ]
    context = {
        "options": queries.ledger_options(request.user),
        "filters": {name: values.get(name, "") for name in FILTER_NAMES},
        "filtered": any(values.get(name) for name in FILTER_NAMES),
        "sort": sort,
        "headers": queries.sort_headers(values, sort),
        "rows": rows,
        "page": page,
        "page_numbers": numbers,
        "query": query_without(values, "page"),
        "export_url": queries.export_url(values) if page.paginator.count else "",
        "graded_period": graded_period,
        "due_month": queries.month_label(due_month),
    }
    template = "projects/_ledger.html" if is_htmx(request) else "projects/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@ledger_page
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    project = get_object_or_404(Project.objects.visible_to(user).for_list(), pk=pk)
    case_new = safe_reverse("cases:new")
    full = project.sees_full_phones(user)
    specialist_phone = project.specialist.phone if project.specialist else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in queries.timeline_kinds() else ""
    entries, entry_numbers = paginate_list(queries.timeline(user, project, kind), request, TIMELINE_PAGE)
    grades = ledger_grades()
    context = {
        "project": project,
        "contact_phone": project.contact_phone if full else mask_phone(project.contact_phone),
        "specialist_phone": specialist_phone if full else mask_phone(specialist_phone),
        "phones_masked": not full,
        "entries": entries,
        "entry_numbers": entry_numbers,
        "kinds": queries.timeline_kinds(),
        "kind": kind,
        "timeline_query": f"kind={kind}" if kind else "",
        "problems": queries.open_problems(user, project),
        "photos": queries.latest_photos(user, project),
        "grade": grades.card(user, project) if grades else None,
        "grade_template": grades.template if grades else "",
        "can_edit": services.can_edit_project(user),
        "can_report": services.can_submit_report(user, project),
        "can_visit": queries.may_record_visit(user, project),
        "case_new_url": f"{case_new}?project={project.pk}" if case_new else "",
    }
    return render(request, "projects/detail.html", context)


@supervisor_page
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    project = get_object_or_404(Project.objects.visible_to(user).for_list(), pk=pk)
    conflict = False
    if request.method == "POST":
        # The form works on a copy: the service compares the stored record with the new values.
        form = ProjectForm(request.POST, instance=copy.copy(project))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_project(
                    user,
                    project,
                    form.values(),
                    expected_version=data["version"],
                    reason=data.get("reason") or "",
                    stage_date=data.get("stage_date"),
                )
            except services.ConflictError as exc:
                conflict = True
                form.add_error(None, str(exc))
            except services.LedgerError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"已保存项目“{project.name}”")
                if warning := services.plan_warning(project.total_investment, project.annual_plan):
                    messages.warning(request, warning)
                return redirect("projects:detail", pk=project.pk)
    else:
        form = ProjectForm(instance=project, initial={"version": project.version})
    context = {"project": project, "form": form, "conflict": conflict, **form.groups()}
    return render(request, "projects/edit.html", context)


SHOWABLE = {"contact_phone": "联系电话", "specialist_phone": "项目专员电话"}


@ledger_page
@require_POST
def project_show(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The full value of a masked field (htmx), for a person who may see the project; audited."""
    user = actor(request)
    if field not in SHOWABLE:
        raise Http404
    project = get_object_or_404(Project.objects.visible_to(user).select_related("specialist"), pk=pk)
    if field == "contact_phone":
        value = project.contact_phone
    else:
        value = project.specialist.phone if project.specialist else ""
    record(user, "project.show", project, changes={"field": SHOWABLE[field]}, reason="查看完整联系电话")
    response = HttpResponse(escape(value or "—"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
