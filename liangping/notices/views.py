"""消息提醒 pages: a user's own notifications, opening one, marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role, User
from liangping.core.scope import sees_ledger
from liangping.notices import services
from liangping.notices.models import Notification

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)
PAGE_SIZE = 30


def _own(request: HttpRequest, pk: int) -> Notification:
    """The user's own notification; anyone else's does not exist (404)."""
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@roles_required(*LEDGER_ROLES)
def notice_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    qs = Notification.objects.for_user(request.user)
    if only_unread:
        qs = qs.unread()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "notes": list(page.object_list),
            "only_unread": only_unread,
            "unread": services.unread_count(request.user),  # type: ignore[arg-type]
            "query": "unread=1" if only_unread else "",
        },
    )


@never_cache
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The top bar's 消息 link text with the unread count (one COUNT query), fetched by htmx.

    Signed out (an expired session): 204, and htmx leaves the link as it is. The administrators
    have no notifications: 404, like every ledger page.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    if not sees_ledger(request.user):
        raise Http404
    count = services.unread_count(request.user)  # type: ignore[arg-type]
    # a fragment: no page context (menus, the province's banner), so nothing but the count is read
    return HttpResponse(render_to_string("notices/_unread.html", {"count": count}))


@roles_required(*LEDGER_ROLES)
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    note = _own(request, pk)
    services.mark_read(note)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notices:list")


@roles_required(*LEDGER_ROLES)
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(_own(request, pk))
    return redirect(_back(request))


@roles_required(*LEDGER_ROLES)
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = services.mark_all_read(user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "notices:list"
