"""Page guards: sign-in first, then the role; a page outside a user's role does not exist (404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[View], View]:
    """Anonymous visitors go to the login page; signed-in users of other roles get 404."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and user.role not in roles:  # type: ignore[union-attr]
                raise Http404("页面不存在")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
