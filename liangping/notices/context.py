"""The unread counter of the top bar: one COUNT query, only when a page actually shows it."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from liangping.core.scope import sees_ledger
from liangping.notices.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not sees_ledger(user):
        return {"notices_unread": None}
    # A callable: the template calls it where it shows the counter, so pages without a top bar
    # (fragments, exports) pay nothing.
    return {"notices_unread": partial(unread_count, user)}  # type: ignore[arg-type]
