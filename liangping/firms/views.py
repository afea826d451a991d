"""The studio's register, a firm's page (its requests and the measures applied to it), the incentive
catalogue, the lookup 「这家企业能享受哪些措施」 and the log of measures applied. Lists cost a constant
number of queries (tests/bench_guards/test_firm_queries.py)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases.models import Case
from liangping.core.access import roles_required
from liangping.core.ids import parse_id
from liangping.core.models import Org, User
from liangping.firms import services
from liangping.firms.models import CREDIT_LEVELS, FIRM_ROLES, LEVEL_LABELS, Application, Firm, Measure, Studio
from liangping.firms.services import CATEGORY_LABELS, KIND, FirmError
from liangping.sheets.registry import exporter

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _export_url(name: str, user: User) -> str:
    entry = exporter(name)
    return reverse("sheets:export", args=[name]) if entry is not None and entry.allowed(user) else ""


def _qs(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v})


@roles_required(*FIRM_ROLES)
def firm_list(request: HttpRequest) -> HttpResponse:
    """The register of firms the studios serve (and those whose credit the city imported), a page at a
    time, with the count each studio serves."""
    user = _user(request)
    visible = Firm.objects.visible_to(user)
    studios = list(services.studios_for(user).annotate(served=Count("firms")))
    qs = visible
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(credit_code__contains=query.upper()))
    studio_id = parse_id(request.GET.get("studio"))
    if studio_id is not None:
        qs = qs.filter(studio_id=studio_id)
    elif request.GET.get("studio") == "none":
        qs = qs.filter(studio__isnull=True)
    level = request.GET.get("level") or ""
    if level in CREDIT_LEVELS:
        qs = qs.filter(credit_level=level)
    elif level == "none":
        qs = qs.filter(credit_level="")
    open_cases = (
        Case.objects.of_kind(KIND)
        .filter(subject_ct__model="firm", subject_ct__app_label="firms", subject_id=OuterRef("pk"))
        .order_by()
        .values("subject_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        qs.select_related("studio")
        .annotate(requests=Coalesce(Subquery(open_cases[:1]), 0))
        .order_by("name", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": query, "studio": request.GET.get("studio") or "", "level": level}
    return render(
        request,
        "firms/list.html",
        {
            "page": page,
            "studios": studios,
            "q": query,
            "studio_id": studio_id,
            "studio_param": params["studio"],
            "level": level,
            "levels": [(lv, LEVEL_LABELS[lv]) for lv in CREDIT_LEVELS],
            "query_string": _qs(params),
            "export_url": _export_url("firm_register", user),
        },
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RequestForm(forms.Form):
    category = forms.ChoiceField(label="事项类别", choices=list(CATEGORY_LABELS.items()))
    butler = PersonChoice(label="管家", queryset=User.objects.none(), empty_label="请选择管家")
    contact_name = forms.CharField(label="企业联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    note = forms.CharField(
        label="事项说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, studio: Studio | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        field = cast(forms.ModelChoiceField, self.fields["butler"])
        field.queryset = services.butlers(studio) if studio is not None else User.objects.none()


def _firm(request: HttpRequest, pk: int) -> Firm:
    return get_object_or_404(Firm.objects.visible_to(request.user).select_related("studio", "tenant"), pk=pk)


@roles_required(*FIRM_ROLES)
def firm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    firm = _firm(request, pk)
    form = RequestForm(studio=firm.studio) if services.serves(user, firm) and firm.studio else None
    return _detail(request, firm, form)


def _detail(request: HttpRequest, firm: Firm, form: RequestForm | None, status: int = 200) -> HttpResponse:
    user = _user(request)
    cases = list(services.requests_of(firm, user)[:100])
    names = services.butler_names(cases)
    applied = list(
        Application.objects.filter(firm=firm)
        .select_related("measure", "measure__department", "applied_by")
        .order_by("-applied_at", "-id")[:100]
    )
    today = timezone.localdate()
    eligible = Measure.objects.for_firm(firm).valid_on(today).count()
    return render(
        request,
        "firms/detail.html",
        {
            "firm": firm,
            "cases": [{"case": c, "butler": names.get(c.pk, "")} for c in cases],
            "applied": applied,
            "eligible": eligible,
            "form": form,
            "today": today,
        },
        status=status,
    )


@roles_required(*FIRM_ROLES)
@require_POST
def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    firm = _firm(request, pk)
    if not services.serves(user, firm) or firm.studio is None:
        raise Http404("页面不存在")
    form = RequestForm(request.POST, studio=firm.studio)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_request(
                user,
                firm,
                data["category"],
                data["butler"],
                note=data["note"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
        except FirmError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"已受理“{case.title}”，管家：{data['butler'].name}")
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, firm, form, status=400)


@roles_required(*FIRM_ROLES)
def measure_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = Measure.objects.visible_to(user).select_related("department")
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code__contains=query) | Q(benefit__contains=query))
    department_id = parse_id(request.GET.get("department"))
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    level = request.GET.get("level") or ""
    if level in CREDIT_LEVELS:
        qs = qs.filter(levels__contains=level)
    today = timezone.localdate()
    valid = request.GET.get("valid") or ""
    if valid == "1":
        qs = qs.valid_on(today)
    departments = Org.objects.filter(pk__in=Measure.objects.visible_to(user).values("department")).order_by(
        "sort", "id"
    )
    page = Paginator(qs.order_by("code", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": query, "department": request.GET.get("department") or "", "level": level, "valid": valid}
    return render(
        request,
        "firms/measures.html",
        {
            "page": page,
            "q": query,
            "department_id": department_id,
            "departments": list(departments),
            "level": level,
            "levels": [(lv, LEVEL_LABELS[lv]) for lv in CREDIT_LEVELS],
            "valid": valid,
            "today": today,
            "query_string": _qs(params),
            "export_url": _export_url("incentives", user),
        },
    )


@roles_required(*FIRM_ROLES)
def lookup(request: HttpRequest) -> HttpResponse:
    """「这家企业能享受哪些措施」 by credit code, as of today."""
    user = _user(request)
    written = (request.GET.get("code") or "").strip()[:40]
    result = None
    error = ""
    if written:
        try:
            result = services.lookup(user, written)
        except FirmError as exc:
            error = str(exc)
    rows = []
    if result is not None:
        rows = [
            {"measure": m, "may_apply": services.may_apply(user, result.firm, m)} for m in result.measures
        ]
    return render(
        request,
        "firms/lookup.html",
        {"code": written, "result": result, "rows": rows, "error": error, "today": timezone.localdate()},
    )


@roles_required(*FIRM_ROLES)
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """Record that a measure was applied to a firm (from the lookup page)."""
    user = _user(request)
    firm_id, measure_id = parse_id(request.POST.get("firm")), parse_id(request.POST.get("measure"))
    if firm_id is None or measure_id is None:
        raise Http404("页面不存在")
    firm = get_object_or_404(Firm.objects.visible_to(user), pk=firm_id)
    measure = get_object_or_404(Measure.objects.visible_to(user).select_related("department"), pk=measure_id)
    if not services.may_apply(user, firm, measure):
        raise Http404("页面不存在")
    try:
        services.apply_measure(user, firm, measure, request.POST.get("note") or "")
    except FirmError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已登记：{firm.name} 享受“{measure.name}”")
    return redirect(reverse("firms:lookup") + f"?code={firm.credit_code}")


@roles_required(*FIRM_ROLES)
def applied(request: HttpRequest) -> HttpResponse:
    """The log of measures applied (append-only), newest first."""
    user = _user(request)
    qs = Application.objects.filter(firm__in=Firm.objects.visible_to(user)).select_related(
        "firm", "measure", "measure__department", "applied_by"
    )
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        qs = qs.filter(
            Q(firm__name__contains=query)
            | Q(firm__credit_code__contains=query.upper())
            | Q(measure__name__contains=query)
        )
    page = Paginator(qs.order_by("-applied_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "firms/applied.html", {"page": page, "q": query, "query_string": _qs({"q": query})}
    )
