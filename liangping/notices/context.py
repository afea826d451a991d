"""Whether the top bar shows the 消息 link. No query: the unread count is fetched by the link itself
(htmx, GET /notices/unread/) after the page has loaded, so no page pays for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from liangping.core.scope import sees_ledger


def unread(request: HttpRequest) -> dict[str, Any]:
    return {"notices_enabled": sees_ledger(request.user)}
