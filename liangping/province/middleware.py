"""The province's office reads the cities and writes into none of them.

For the province's own people (core.scope.is_provincial): the city they chose to drill down into on
/province/ is set on the user for the request (`drill_city`, read by core.scope.city_scope), and every
unsafe request is refused before any view runs — 404 on a page (as for any page a role may not use),
403 with a Chinese message on the API — except their own account's pages (sign-out, password,
two-factor login) and their own notices."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from liangping.core.api import PROVINCE_READ_ONLY as READ_ONLY
from liangping.core.scope import is_provincial

Handler = Callable[[HttpRequest], HttpResponse]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OWN_PREFIXES = ("/accounts/", "/notices/")  # one's own account and notices, not a city's data
DRILL_CITY = "lp_province_city"


class ProvinceReadOnlyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        city = session.get(DRILL_CITY) if session is not None else None
        if user is not None and isinstance(city, int):  # only the province's people ever choose one
            user.drill_city = city  # city_scope applies it to the province's people only
        unsafe = request.method not in SAFE_METHODS and not request.path.startswith(OWN_PREFIXES)
        if unsafe and user is not None and is_provincial(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": READ_ONLY}, status=403)
            raise Http404(READ_ONLY)
        return self.get_response(request)
