"""Sign-in, sign-out, failed sign-ins and lockouts go to the audit log, with the client address
(等保: 安全审计 of login events). The address comes from AuditContextMiddleware."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from liangping.accounts.middleware import stamp_session
from liangping.core.audit import record, tenant_of
from liangping.core.models import User

USER_TYPE = "core.user"


def over_http(request: Any) -> bool:
    """A sign-in made while serving a request from a browser or API client; the test client's
    force_login and a management shell log in with a bare request object and are not audited."""
    return request is not None and bool(getattr(request, "META", {}).get("REQUEST_METHOD"))


def _user_named(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@receiver(user_logged_in, dispatch_uid="liangping.accounts.login")
def on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    stamp_session(request, user)
    if over_http(request):
        record(user, "user.login", user)


@receiver(user_logged_out, dispatch_uid="liangping.accounts.logout")
def on_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None or not over_http(request):
        return
    reason = getattr(request, "lp_logout_reason", "")
    record(user, "user.session_timeout" if reason else "user.logout", user, reason=reason)


@receiver(user_login_failed, dispatch_uid="liangping.accounts.login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if not over_http(request):
        return
    username = str(credentials.get("username") or "")[:150]
    user = _user_named(username)
    record(
        None,
        "user.login_failed",
        object_type=USER_TYPE,
        object_id=str(user.pk) if user else "",
        object_repr=username or "（未填写用户名）",
        reason="用户名或密码错误，或账号已锁定",
        tenant=tenant_of(user),  # the account's city reads attempts on it
    )


@receiver(user_locked_out, dispatch_uid="liangping.accounts.locked_out")
def on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    user = _user_named(username or "")
    record(
        None,
        "user.locked_out",
        object_type=USER_TYPE,
        object_id=str(user.pk) if user else "",
        object_repr=username or "",
        reason="连续登录失败达到上限，账号锁定",
        tenant=tenant_of(user),  # the account's city reads attempts on it
    )
