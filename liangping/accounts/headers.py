"""The Content-Security-Policy header (Django 5.2 has none built in).

Decisions, so the policy can stay strict:
- script-src 'self': templates carry no inline <script> and no on*="…" handlers; page behaviour lives
  in static files (liangping/app.js, screen/*.js). Data for scripts travels in data-* attributes or
  <script type="application/json"> blocks (json_script), which are data, not scripts.
- style-src 'self': no <style> blocks and no style="…" attributes in templates (utility classes in
  app.css instead). Styles that scripts set through the DOM (ECharts, htmx) are not governed by
  style-src and keep working; htmx is told not to inject its indicator <style> (meta htmx-config).
- img-src also allows data: and blob: (the QR code of two-factor enrolment, ECharts exports).
- frame-ancestors 'none' with X-Frame-Options DENY: no page may be framed.

Cache-Control (PrivateCacheMiddleware): every answer to a signed-in user or to the API is
`private, no-store`, so no browser or proxy keeps a page, an export or a photo with personal data
(a shared office computer, a caching proxy). The public screen and its data, static files (served by
WhiteNoise before this middleware) and anything a view marked `public` keep their caching.

The other headers (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options)
come from Django's SecurityMiddleware and XFrameOptionsMiddleware, configured in settings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

PRIVATE = "private, no-store"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


@cache
def public_paths() -> frozenset[str]:
    return frozenset({reverse("screen:index"), reverse("screen:data")})


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "public" in response.get("Cache-Control", "") or request.path in public_paths():
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = PRIVATE
        return response
