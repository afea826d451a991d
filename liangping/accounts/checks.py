"""System checks: production never relaxes two-factor login, and the lockout is configured."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def two_factor_not_relaxed(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.PRODUCTION and getattr(settings, "TWO_FACTOR_RELAXED", False):
        errors.append(
            Error(
                "生产环境放宽了双因素登录",
                hint="去掉环境变量 LIANGPING_DEMO_RELAX_2FA：只有示例城市和测试可以放宽。",
                id="liangping.E001",
            )
        )
    if settings.PRODUCTION and not getattr(settings, "AXES_ENABLED", True):
        errors.append(
            Error("生产环境关闭了登录失败锁定", hint="去掉 AXES_ENABLED=False", id="liangping.E002")
        )
    return errors
