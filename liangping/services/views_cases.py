"""帮办代办 requests and 一件事 applications: the services' own pages over cases of the engine (the
actions themselves are taken on the generic case page, with the forms the kinds generate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.clock import case_calendar, case_city
from liangping.cases.fields import display_value
from liangping.cases.models import Case
from liangping.core import uploads
from liangping.core.access import roles_required
from liangping.core.scope import city_scope
from liangping.core.workdays import Calendars, WorkCalendar
from liangping.services import bundles as bundles_svc
from liangping.services.assist import KIND as ASSIST
from liangping.services.assist import register_request, trail
from liangping.services.catalogue import parse_date
from liangping.services.figures import bundle_rows
from liangping.services.forms import AssistForm
from liangping.services.models import Bundle, ServicePoint
from liangping.services.permissions import SERVICE_ROLES, records
from liangping.services.points import lead_of

PAGE_SIZE = 50


def _elapsed(case: Case, calendar: WorkCalendar) -> dict[str, Any]:
    end = case.closed_at
    return {
        "days": bundles_svc.workdays(calendar, case.registered_at, end),
        "hours": bundles_svc.hours(case.registered_at, end),
    }


@roles_required(*SERVICE_ROLES)
def assist_list(request: HttpRequest) -> HttpResponse:
    """The 帮办代办 requests the user sees, each with its one owner (lead unit and its hall's 主管).
    Four queries whatever the page."""
    user: Any = request.user
    qs = (
        Case.objects.visible_to(user)
        .of_kind(ASSIST)
        .select_related("lead_org", "place_org", "registered_by__org")
        .order_by("-registered_at", "-id")
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    leads = lead_of([c.lead_org_id for c in page.object_list if c.lead_org_id])
    calendars = Calendars.load()  # each request counts in its own city's calendar
    rows = [
        {"case": c, "lead": leads.get(c.lead_org_id or 0, ""), **_elapsed(c, calendars.of(case_city(c)))}
        for c in page
    ]
    return render(
        request,
        "services/assist_list.html",
        {"page": page, "numbers": numbers, "rows": rows, "may_register": records(user)},
    )


@roles_required(*SERVICE_ROLES)
def assist_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not records(user):
        raise Http404("页面不存在")
    visible = ServicePoint.objects.visible_to(user).order_by("level", "name")
    form = AssistForm(request.POST or None, points=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = register_request(
                user, data["point"], matter=data["matter"], applicant_type=data["applicant_type"],
                applicant=data["applicant"], phone=data["phone"], description=data["description"],
            )  # fmt: skip
        except engine.CaseFieldError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except engine.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已受理帮办代办申请，受理编号 {case.receipt_no}")
            return redirect("services:assist", pk=case.pk)
    return render(request, "services/assist_new.html", {"form": form}, status=400 if form.errors else 200)


@roles_required(*SERVICE_ROLES)
def assist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    case = get_object_or_404(
        Case.objects.visible_to(user)
        .of_kind(ASSIST)
        .select_related("lead_org", "place_org", "registered_by"),
        pk=pk,
    )
    leads = lead_of([case.lead_org_id] if case.lead_org_id else [])
    spec = case.spec
    fields = [(f.label, display_value(f, case.data.get(f.code))) for f in spec.fields if f.type != "phone"]
    return render(
        request,
        "services/assist.html",
        {
            "case": case,
            "lead": leads.get(case.lead_org_id or 0, ""),
            "trail": trail(case),
            "fields": fields,
            "actions": engine.allowed_actions(user, case),
            **_elapsed(case, case_calendar(case)),
        },
    )


@roles_required(*SERVICE_ROLES)
def bundle_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(request, "services/bundles.html", {"rows": bundle_rows(city_scope(user))})


def _bundle(request: HttpRequest, pk: int) -> Bundle:
    user: Any = request.user
    return get_object_or_404(Bundle.objects.in_city(user).select_related("point"), pk=pk)


@roles_required(*SERVICE_ROLES)
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The bundle's matters with their departments and limits before and after the reform, the combined
    form's size, the before/after figures over a period (?start=&end=, default the last year) and the
    applications the user sees."""
    user: Any = request.user
    bundle = _bundle(request, pk)
    items = bundles_svc.items_of(bundle)
    today = timezone.localdate()
    start = parse_date(request.GET.get("start", "")) or today - dt.timedelta(days=365)
    end = parse_date(request.GET.get("end", "")) or today
    if end < start:
        start, end = end, start
    asked, once = bundles_svc.asked_count(items)
    apps = list(
        Case.objects.visible_to(user)
        .for_subject(bundle)
        .select_related("lead_org", "place_org", "registered_by__org")
        .order_by("-registered_at")[:20]
    )
    calendars = Calendars.load()
    return render(
        request,
        "services/bundle.html",
        {
            "bundle": bundle,
            "items": items,
            "departments": bundles_svc.departments(items),
            "fields": bundles_svc.form_fields(items),
            "asked": asked,
            "once": once,
            "figures": bundles_svc.before_after(bundle, start, end),
            "apps": [{"case": c, **_elapsed(c, calendars.of(case_city(c)))} for c in apps],
            "may_apply": True,
        },
    )


@roles_required(*SERVICE_ROLES)
def bundle_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """One combined form: every field of the bundle's matters once, materials uploaded once."""
    user: Any = request.user
    bundle = _bundle(request, pk)
    items = bundles_svc.items_of(bundle)
    fields = bundles_svc.form_fields(items)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {f["code"]: request.POST.get(f"f_{f['code']}", "") for f in fields}
        files = [
            (f.name or "", f.read(uploads.max_bytes() + 1), f.size) for f in request.FILES.getlist("files")
        ]
        try:
            case = bundles_svc.submit(user, bundle, values, attachments=files)
        except engine.CaseFieldError as exc:
            errors[exc.field] = str(exc)
        except engine.CaseError as exc:
            errors["__all__"] = str(exc)
        else:
            messages.success(request, f"已提交，分送 {len(bundles_svc.departments(items))} 个部门并行办理")
            return redirect("services:application", pk=case.pk)
    return render(
        request,
        "services/bundle_apply.html",
        {
            "bundle": bundle,
            "items": items,
            "rows": [
                {"f": f, "value": values.get(f["code"], ""), "error": errors.get(f"f_{f['code']}", "")}
                for f in fields
            ],
            "form_error": errors.get("__all__", ""),
        },
        status=400 if errors else 200,
    )


@roles_required(*SERVICE_ROLES)
def application(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    case = get_object_or_404(Case.objects.visible_to(user).of_kind(bundles_svc.KIND), pk=pk)
    bundle = case.subject
    if not isinstance(bundle, Bundle):
        raise Http404("页面不存在")
    return render(
        request,
        "services/application.html",
        {
            "case": case,
            "bundle": bundle,
            "t": bundles_svc.application_rows(case, bundle),
            "attachments": list(case.attachments.all()),
            "actions": engine.allowed_actions(user, case),
        },
    )
