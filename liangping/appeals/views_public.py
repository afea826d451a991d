"""The public pages: file an appeal without an account, and look it up by its receipt number."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from liangping.appeals import intake, kind, public
from liangping.appeals.forms import LookupForm, PublicAppealForm
from liangping.core import images, uploads

MAX_PHOTOS = 3


def _photos(request: HttpRequest, form: PublicAppealForm) -> list[tuple[str, bytes, int | None]] | None:
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        form.add_error("photos", f"最多上传{MAX_PHOTOS}张照片，请删去多余的")
        return None
    out = []
    for upload in files:
        data = upload.read(uploads.max_bytes() + 1)
        try:
            images.inspect(upload.name or "照片", data)
        except images.ImageRefused as exc:
            form.add_error("photos", str(exc))
            return None
        out.append((upload.name or "照片.jpg", data, upload.size))  # the engine strips EXIF/GPS
    return out


def _slowed(request: HttpRequest, wait: int, template: str, context: dict[str, Any]) -> HttpResponse:
    context["wait"] = wait
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
def public_new(request: HttpRequest) -> HttpResponse:
    categories = kind.category_choices()
    form = PublicAppealForm(request.POST or None, request.FILES or None, categories=categories)
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        return render(request, "appeals/public_new.html", context)
    wait = public.over_limit(request, "submit", "appeal_public_per_hour", 3600)
    if wait:
        return _slowed(request, wait, "appeals/public_new.html", context)
    photos = _photos(request, form) if form.is_valid() else None
    if not form.is_valid() or photos is None:
        return render(request, "appeals/public_new.html", context, status=400)
    data = form.cleaned_data
    choice = request.POST.get("dedupe", "")
    try:
        merge_into = None
        if choice == "merge":
            dups = intake.open_duplicates(intake.normalise_phone(data["phone"]), data["category"])
            merge_into = dups[0] if dups else None
        filed = intake.file_appeal(
            actor=None,
            channel="web",
            category=data["category"],
            description=data["description"],
            name=data["name"],
            phone=data["phone"],
            address=data["address"],
            place_org=data["place"],
            attachments=photos,
            merge_into=merge_into,
            confirmed_new=choice == "new",
        )
    except intake.DuplicateOffer as offer:
        context.update(offer=offer)
        return render(request, "appeals/public_new.html", context, status=409)
    except (intake.IntakeError, kind.CaseInputError) as exc:
        name = getattr(exc, "field", "")
        form.add_error(name if name in form.fields else None, str(exc))
        return render(request, "appeals/public_new.html", context, status=400)
    return render(request, "appeals/public_done.html", {"filed": filed})


@never_cache
def public_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET if "no" in request.GET else None)
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_bound:
        wait = public.over_limit(request, "lookup", "appeal_lookup_per_minute", 60)
        if wait:
            return _slowed(request, wait, "appeals/public_lookup.html", context)
        if form.is_valid():
            case = public.find(form.cleaned_data["no"])
            context["searched"] = True
            context["status"] = public.public_status(case) if case is not None else None
    return render(request, "appeals/public_lookup.html", context)
