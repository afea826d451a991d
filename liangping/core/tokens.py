"""接口令牌 for the security administrator: issue a token for a named user with a scope and an expiry,
list them, revoke one. Every step is audited (core.api holds the token primitives)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from liangping.core.accounts import AccountError, needs_approval
from liangping.core.api import create_token, revoke_token
from liangping.core.models import ApiToken, Role, User

MAX_DAYS = 366


def can_issue(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active and actor.role == Role.SECADMIN


def expiry_of(day: dt.date) -> dt.datetime:
    """A token issued "until 2026-12-31" works through that whole day (local time)."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_current_timezone())


def issue(actor: User, user: User, *, name: str, scope: str, until: dt.date) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once, to be shown once and never again."""
    if not can_issue(actor):
        raise AccountError("只有安全管理员可以签发接口令牌")
    if not user.is_active:
        raise AccountError(f"账号“{user.username}”已停用，不能签发令牌")
    if needs_approval(user.role):
        # whoever sees the token acts as its holder: for a privileged account that would let the
        # security administrator act as an administrator or a supervisor on his own
        raise AccountError(
            f"不能为特权账号（{user.get_role_display()}）签发接口令牌：签发人会看到令牌，等于获得该账号的权限"
        )
    today = timezone.localdate()
    if until <= today:
        raise AccountError("有效期须晚于今天")
    if until > today + dt.timedelta(days=MAX_DAYS):
        raise AccountError(
            f"有效期最长 {MAX_DAYS} 天，请选择 {today + dt.timedelta(days=MAX_DAYS)} 之前的日期"
        )
    try:
        return create_token(actor, user, name, scope=scope, expires_at=expiry_of(until))
    except ValueError as exc:
        raise AccountError(str(exc)) from exc


def revoke(actor: User, token: ApiToken, reason: str = "") -> None:
    if not can_issue(actor):
        raise AccountError("只有安全管理员可以吊销接口令牌")
    revoke_token(actor, token, reason=reason)


def listing() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "user__org").order_by("-created_at", "-id")


def state(token: ApiToken, now: dt.datetime) -> tuple[str, str]:
    """(label, badge colour) of a token."""
    if token.revoked:
        return "已吊销", "grey"
    if token.expires_at is not None and token.expires_at <= now:
        return "已过期", "yellow"
    return "有效", "blue"
