"""Template context: whether every page must say that two-factor login is relaxed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from liangping.accounts.policy import relaxed


def security(request: HttpRequest) -> dict[str, Any]:
    return {"two_factor_relaxed": relaxed()}
