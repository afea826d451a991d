"""接口令牌: the security administrator issues, lists and revokes API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.core import tokens
from liangping.core.access import roles_required
from liangping.core.accounts import AccountError
from liangping.core.forms import TokenIssueForm
from liangping.core.models import ApiToken, Role


@roles_required(Role.SECADMIN)
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = tokens.issue(
                request.user,  # type: ignore[arg-type]
                data["user"],
                name=data["name"],
                scope=data["scope"],
                until=data["until"],
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            # shown in this answer only (not stored, not in the session): the page says to copy it now
            issued = {"token": token, "raw": raw}
            form = TokenIssueForm()
    now = timezone.now()
    page = Paginator(tokens.listing(), 50).get_page(request.GET.get("page"))
    rows = [{"token": t, "state": tokens.state(t, now)} for t in page.object_list]
    return render(
        request, "core/tokens.html", {"form": form, "issued": issued, "page": page, "rows": rows, "query": ""}
    )


@roles_required(Role.SECADMIN)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    try:
        tokens.revoke(request.user, token, reason=request.POST.get("reason", "").strip()[:200])  # type: ignore[arg-type]
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已吊销令牌“{token.name}”（{token.user}）")
    return redirect("core:tokens")
