"""The campaign pages: the list (and starting one), a campaign's page (day N, inspections against
targets per town, hazards, burn-down chart), its chart data, and recording an inspection (with the
hazard it found). Internal pages: signed-in ledger roles only, scoped to the user's city; else 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases import engine
from liangping.core import uploads
from liangping.core.access import roles_required
from liangping.core.models import Role, User
from liangping.core.scope import city_scope
from liangping.foodsafety import queries, services
from liangping.foodsafety.forms import CampaignForm, InspectionForm
from liangping.foodsafety.models import Campaign, CampaignFirm, Inspection
from liangping.foodsafety.services import CampaignError

LEDGER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
INSPECT_ROLES = (Role.SUPERVISOR, Role.DEPARTMENT, Role.DISTRICT)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@roles_required(*LEDGER_ROLES)
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = None
    if user.role == Role.SUPERVISOR:
        form = CampaignForm(request.POST or None, tenant_id=city_scope(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.start_campaign(
                    user,
                    name=data["name"],
                    start_date=data["start_date"],
                    days=data["days"],
                    towns=list(data["towns"]),
                    departments=list(data["departments"]),
                    leader=data["leader"],
                    lead_department=data["lead_department"],
                    firms_text=data["firms"],
                    targets_text=data["targets"],
                    note=data["note"],
                )
            except CampaignError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"已启动“{campaign.name}”，并列入攻坚事项")
                return redirect("foodsafety:detail", pk=campaign.pk)
    elif request.method == "POST":
        raise Http404("页面不存在")
    today = timezone.localdate()
    campaigns = list(Campaign.objects.visible_to(user).select_related("owner", "task")[:100])
    rows = [{"c": c, "day": c.day_number(today)} for c in campaigns]
    return render(request, "foodsafety/list.html", {"rows": rows, "form": form})


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user).select_related("owner", "task"), pk=pk)


@roles_required(*LEDGER_ROLES)
def campaign_detail(request: HttpRequest, pk: int, form: InspectionForm | None = None) -> HttpResponse:
    user = _user(request)
    campaign = _campaign(request, pk)
    figures = queries.campaign_figures(campaign, user)
    firms = list(CampaignFirm.objects.filter(campaign=campaign).select_related("town"))
    inspections = list(
        Inspection.objects.filter(campaign=campaign).select_related("firm__town", "hazard")[:50]
    )
    hazards = list(
        queries.hazards_of(campaign, user).select_related("lead_org").order_by("-registered_at")[:100]
    )
    today = timezone.localdate()
    may_inspect = user.role in INSPECT_ROLES
    if may_inspect and form is None:
        form = InspectionForm(initial={"date": today}, firms=[f.name for f in firms])
    return render(
        request,
        "foodsafety/detail.html",
        {
            "campaign": campaign,
            "f": figures,
            "firms": firms,
            "inspections": inspections,
            "hazards": [
                {
                    "case": h,
                    "status": h.spec.state_label(h.status),
                    "tone": (h.spec.state(h.status) or h.spec.states[0]).tone,
                    "overdue": h.is_overdue(today),
                }
                for h in hazards
            ],
            "form": form if may_inspect else None,
            "burndown": figures["burndown"],
        },
    )


@roles_required(*LEDGER_ROLES)
def campaign_data(request: HttpRequest, pk: int) -> JsonResponse:
    campaign = _campaign(request, pk)
    figures = queries.campaign_figures(campaign, request.user)
    response = JsonResponse(figures["burndown"])
    response["Cache-Control"] = "private, no-store"
    return response


@roles_required(*INSPECT_ROLES)
@require_POST
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = _campaign(request, pk)
    form = InspectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        photos = [
            (f.name or "", f.read(uploads.max_bytes() + 1), f.size) for f in request.FILES.getlist("photos")
        ]
        try:
            inspection = services.record_inspection(
                user,
                campaign,
                firm_name=data["firm"],
                date=data["date"],
                inspector=data["inspector"],
                result=data["result"],
                note=data["note"],
                photos=photos,
                hazard_title=data["hazard_title"],
            )
        except CampaignError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except engine.CaseFieldError as exc:
            form.add_error(None, str(exc))
        except engine.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            if inspection.hazard is not None:
                messages.success(
                    request, f"已记录检查，发现的隐患已登记（受理编号 {inspection.hazard.receipt_no}）"
                )
            else:
                messages.success(request, "已记录检查")
            return redirect("foodsafety:detail", pk=campaign.pk)
    return campaign_detail.__wrapped__(request, pk, form)  # type: ignore[attr-defined]
