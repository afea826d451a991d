"""The hotline seat's and the window's quick entry (诉求扎口), with the duplicate offer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from liangping.appeals import intake, kind, rosters
from liangping.appeals.forms import StaffAppealForm
from liangping.cases.models import Case
from liangping.core.access import roles_required
from liangping.core.models import Role
from liangping.core.privacy import mask_phone


@roles_required(Role.SUPERVISOR)
def intake_page(request: HttpRequest) -> HttpResponse:
    form = StaffAppealForm(
        request.POST or None,
        channels=[(c, intake.CHANNELS[c]) for c in intake.STAFF_CHANNELS],
        categories=kind.category_choices(),
        urgencies=kind.urgencies(),
    )
    context: dict[str, Any] = {"form": form, "duty": rosters.duty_at()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = request.POST.get("dedupe", "")
        merge_into = None
        if choice.startswith("merge:"):
            merge_into = Case.objects.of_kind(intake.KIND).filter(pk=choice.removeprefix("merge:")).first()
        try:
            filed = intake.file_appeal(
                actor=request.user,  # type: ignore[arg-type]
                channel=data["channel"],
                category=data["category"],
                urgency=data["urgency"],
                description=data["description"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                place_org=data["place"],
                extra={"window": data["window"]} if data["window"] else None,
                merge_into=merge_into,
                confirmed_new=choice == "new",
            )
        except intake.DuplicateOffer as offer:
            context["offer"] = offer
            context["duplicates"] = [{"case": c, "phone": mask_phone(c.contact_phone)} for c in offer.cases]
            return render(request, "appeals/intake.html", context, status=409)
        except (intake.IntakeError, kind.CaseInputError) as exc:
            name = getattr(exc, "field", "")
            form.add_error(name if name in form.fields else None, str(exc))
        else:
            if filed.merged and filed.into is not None:
                messages.success(
                    request,
                    f"已合并到原诉求（受理编号 {filed.into.receipt_no}），"
                    f"本次登记 {filed.case.receipt_no} 不另行办理",
                )
                return redirect("cases:detail", pk=filed.into.pk)
            else:
                extra = "；".join(filed.notes)
                messages.success(
                    request, f"已登记，受理编号 {filed.case.receipt_no}" + (f"（{extra}）" if extra else "")
                )
            return redirect("cases:detail", pk=filed.case.pk)
    return render(request, "appeals/intake.html", context, status=400 if form.errors else 200)
