"""The disclosure of a published period: a printable page and the .docx for ledger users, and the
same page for the public (媒体公开, no sign-in).

An unknown or unpublished period does not exist here (404): only published data is disclosed.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from liangping.core.access import roles_required
from liangping.core.audit import record_download
from liangping.core.models import ADMIN_ROLES, Period, PeriodStatus, Role
from liangping.core.tenancy import INSTALLATION, TenantArg, place_by_code, tenant_for, tenant_of_place
from liangping.disclosure.document import docx_bytes, overview_rows
from liangping.grading.models import Snapshot
from liangping.screen.data import NotPublished, payload_for, published_snapshot

LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _snapshot(code: str, tenant: TenantArg = INSTALLATION) -> Snapshot:
    """The published snapshot of the tenant's period (each city discloses its own)."""
    try:
        return published_snapshot(code, tenant)
    except NotPublished as exc:
        raise Http404(str(exc)) from exc


@roles_required(*LEDGER_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    periods = (
        Period.objects.for_tenant(tenant_for(request.user))
        .filter(status=PeriodStatus.PUBLISHED)
        .order_by("-year", "-month", "kind")
    )
    return render(request, "disclosure/index.html", {"periods": periods})


@roles_required(*LEDGER_ROLES)
def report(request: HttpRequest, code: str) -> HttpResponse:
    data, _body = payload_for(_snapshot(code, tenant_for(request.user)))
    return render(request, "disclosure/report.html", {"data": data, "overview": overview_rows(data)})


@roles_required(*LEDGER_ROLES)
def report_docx(request: HttpRequest, code: str) -> HttpResponse:
    snapshot = _snapshot(code, tenant_for(request.user))
    data, _body = payload_for(snapshot)
    filename = f"{data['title']}.docx"
    body = docx_bytes(data)
    record_download(
        request.user, f"季度公开报告：{data['title']}"[:255], filename, snapshot, filters={"period": code}
    )
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def public_report(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a published period's disclosure: anyone may read it, like the big screen."""
    data, _body = payload_for(_snapshot(code))
    return render(request, "disclosure/public.html", {"data": data, "overview": overview_rows(data)})


@require_safe
def public_place_report(request: HttpRequest, place: str, code: str) -> HttpResponse:
    """The public page of a city's (or the province's) published period, by its division code:
    /disclosure/public/370400/2025Q2/. An unknown place or an unpublished period: 404."""
    found = place_by_code(place)
    if found is None:
        raise Http404("没有这个城市")
    data, _body = payload_for(_snapshot(code, tenant_of_place(found)))
    return render(request, "disclosure/public.html", {"data": data, "overview": overview_rows(data)})
