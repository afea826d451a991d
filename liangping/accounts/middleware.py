"""Session time limits, the two-factor / password-change gate, and the API rate limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from liangping.accounts import policy
from liangping.core.api import request_token

Handler = Callable[[HttpRequest], HttpResponse]

STARTED = "lp_session_started"
SEEN = "lp_session_seen"
MUST_CHANGE = "lp_must_change_password"
HAS_DEVICE = "lp_has_otp_device"
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def minutes(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    if seconds >= 60:
        return f"{seconds // 60} 分钟"
    return f"{seconds} 秒"


def to_login(request: HttpRequest, detail: str) -> HttpResponse:
    """Send a signed-out visitor to the login page: JSON for the API, HX-Redirect for htmx."""
    if is_api(request):
        return JsonResponse({"detail": detail}, status=401)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("login")
        return response
    return redirect_to_login(request.get_full_path())


def stamp_session(request: HttpRequest, user: Any) -> None:
    """At sign-in: when the session started, and whether the user has an authenticator (so the
    first requests after sign-in need not write the session)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = time.time()
    session[STARTED] = session[SEEN] = now
    session[HAS_DEVICE] = user_has_device(user, confirmed=True)


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request, and SESSION_ABSOLUTE_SECONDS
    after sign-in whatever they do (等保: 登录连接超时自动退出)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(STARTED)
            seen = session.get(SEEN)
            idle = int(settings.SESSION_IDLE_SECONDS)
            absolute = int(settings.SESSION_ABSOLUTE_SECONDS)
            if started is None or seen is None:
                session[STARTED] = session[SEEN] = now
            else:
                reason = ""
                if now - seen > idle:
                    reason = f"超过 {minutes(idle)}未操作，已自动退出"
                elif now - started > absolute:
                    reason = f"登录已超过 {minutes(absolute)}，已自动退出"
                if reason:
                    request.lp_logout_reason = reason  # type: ignore[attr-defined]
                    logout(request)
                    if not is_api(request) and not is_htmx(request):
                        messages.warning(request, f"{reason}。为保护账号安全，请重新登录。")
                    return to_login(request, f"{reason}，请重新登录")
                # write the session at most every few seconds, not on every request
                if now - seen >= min(30, idle / 10):
                    session[SEEN] = now
        return self.get_response(request)


@cache
def gate_exempt_paths() -> frozenset[str]:
    names = ["login", "logout", "accounts:verify", "accounts:setup", "accounts:password_change"]
    return frozenset(reverse(name) for name in names)


class LoginGateMiddleware:
    """Until a signed-in user has passed two-factor login (when required or enrolled) and replaced a
    password an administrator set, every page sends them to that step and the API answers 401.

    An API request is exempt only when it carries a token that authentication accepts (the token is a
    credential of its own); any other header changes nothing, and the session behind it passes the
    same gate as the pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and request.path not in gate_exempt_paths()
            and not request.path.startswith(settings.STATIC_URL)
            and not (is_api(request) and request_token(request) is not None)
        ):
            step, detail = self.pending_step(request, user)
            if step:
                if is_api(request):
                    return JsonResponse({"detail": detail}, status=401)
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    # from a page of the gate itself (the top bar's badge on the set-up page), a
                    # redirect would reload that page, whose badge asks again: endlessly
                    if urlsplit(request.headers.get("HX-Current-URL", "")).path not in gate_exempt_paths():
                        response["HX-Redirect"] = reverse(step)
                    return response
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def pending_step(request: HttpRequest, user: Any) -> tuple[str, str]:
        if not user.is_verified():
            if has_device(request, user):
                return "accounts:verify", "请先完成双因素登录（输入动态口令）"
            if policy.must_enroll(user):
                return "accounts:setup", "请先绑定动态口令（双因素登录）"
        if request.session.get(MUST_CHANGE):
            return "accounts:password_change", "请先修改初始密码"
        return "", ""


def has_device(request: HttpRequest, user: Any) -> bool:
    """Whether the signed-in user has an authenticator, remembered in the session (looked up once per
    sign-in rather than on every request; enrolling or disabling updates it)."""
    known = request.session.get(HAS_DEVICE)
    if known is None:
        known = user_has_device(user, confirmed=True)
        request.session[HAS_DEVICE] = known
    return bool(known)


@cache
def api_docs_paths() -> tuple[str, ...]:
    """The schema, the docs page and its assets: descriptions, not data (not counted)."""
    docs = reverse("api:openapi-view")
    return (reverse("api:openapi-json"), docs, docs + "assets/")


class ApiRateLimitMiddleware:
    """At most API_RATE_PER_MINUTE requests a minute per API token, signed-in user or client address;
    beyond that 429 with a Chinese message.

    The key is what authentication established: the token that authentication accepts (by its id),
    else the signed-in user, else the client address. A header the client makes up (a random
    Authorization) is neither, so it counts against the address like any anonymous request. The
    count lives in the shared cache (Redis, or the database table): every worker process and host
    counts against one limit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and not request.path.startswith(api_docs_paths()):
            limit = int(settings.API_RATE_PER_MINUTE)
            now = time.time()
            window = int(now // 60)
            count = hit(f"lp:api-rate:{self.ident(request)}:{window}")
            if count > limit:
                response = JsonResponse(
                    {"detail": f"请求过于频繁：每分钟最多 {limit} 次，请稍后再试。"}, status=429
                )
                response["Retry-After"] = str(60 - int(now % 60))
                return response
        return self.get_response(request)

    @staticmethod
    def ident(request: HttpRequest) -> str:
        token = request_token(request)
        if token is not None:
            return f"token:{token.pk}"
        user: Any = request.user
        if user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{policy.client_ip(request)}"


def hit(key: str, seconds: int = 70) -> int:
    """Count one request under `key` in the shared cache and return the count so far. Redis counts
    atomically; the database cache reads and writes in one transaction (serialised on SQLite)."""
    store = caches["shared"]
    guard = transaction.atomic() if isinstance(store, DatabaseCache) else nullcontext()
    with guard:
        try:
            return int(store.incr(key))
        except ValueError:  # no count yet in this window
            if store.add(key, 1, seconds):
                return 1
            return int(store.incr(key))
