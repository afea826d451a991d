"""审计日志: read-only, for the audit administrator alone."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from liangping.core import auditcheckpoint
from liangping.core.access import roles_required
from liangping.core.auditlog import (
    action_label,
    describe,
    filter_choices,
    filter_entries,
    is_model,
    is_privileged_event,
    object_type_label,
    privileged_account_ids,
    subject,
)
from liangping.core.forms import AuditFilterForm
from liangping.core.models import Role
from liangping.core.scope import tenant_of

PAGE_SIZE = 50


@roles_required(Role.AUDITOR)
@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    object_types, actions = filter_choices()
    form = AuditFilterForm(request.GET or None, object_types=object_types, actions=actions)
    params = form.cleaned_data if form.is_valid() else {}
    privileged = privileged_account_ids()
    page = Paginator(filter_entries(params, privileged, tenant_of(request.user)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    type_labels = dict(object_types)
    object_type, object_id = subject(params)
    rows = [
        {
            "entry": e,
            "action": action_label(e.action),
            "object_type": type_labels.get(e.object_type) or object_type_label(e.object_type),
            "numbered": bool(e.object_id) and is_model(e.object_type),
            "changes": describe(e, object_type, object_id),
            "privileged": is_privileged_event(e, privileged),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )


@roles_required(Role.AUDITOR)
@require_safe
def audit_checkpoint(request: HttpRequest) -> HttpResponse:
    """The signed checkpoint of the chain as a file for the auditor to keep off the server."""
    try:
        body = auditcheckpoint.make(request.user)  # type: ignore[arg-type]  # roles_required: a User
    except auditcheckpoint.CheckpointError as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    name = f"audit-checkpoint-{timezone.localtime():%Y%m%d-%H%M%S}.json"
    response = HttpResponse(auditcheckpoint.dumps(body), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
