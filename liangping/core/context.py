"""The menu each role sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from liangping.core.models import Role

LEDGER = [
    ("项目台账", "projects:list"),
    ("月度调度", "projects:reports"),
    ("现场走访", "projects:visits"),
    ("问题闭环", "cases:list"),
]

GRADING = [
    ("分级看板", "grading:board"),
    ("指标排名", "grading:ranking"),
    ("单位得分", "grading:units"),
    ("亮屏", "screen:dashboard"),
]

MENUS: dict[str, list[tuple[str, str]]] = {
    Role.SUPERVISOR: [
        *LEDGER,
        ("攻坚事项", "tasks:list"),
        ("走访统计", "projects:visit_stats"),
        ("导入台账", "sheets:import"),
        *GRADING,
        ("约谈名单", "grading:summons"),
        ("考核期", "grading:periods"),
        ("分级规则", "grading:rules"),
        ("指标目录", "indicators:catalogue"),
    ],
    Role.LEADER: [*LEDGER, ("攻坚事项", "tasks:list"), *GRADING, ("约谈名单", "grading:summons")],
    Role.DEPARTMENT: [*LEDGER, ("攻坚事项", "tasks:list"), *GRADING],
    Role.DISTRICT: [*LEDGER, *GRADING],
    Role.SPECIALIST: [*LEDGER, ("走访统计", "projects:visit_stats"), *GRADING],
    Role.OWNER: [*LEDGER[:2], *LEDGER[3:], *GRADING],
    Role.SYSADMIN: [
        ("用户与组织", "core:users"),
        ("参数设置", "core:settings"),
        ("节假日调整", "core:calendar"),
        ("分级规则", "grading:rules"),
        ("指标目录", "indicators:catalogue"),
    ],
    Role.SECADMIN: [("用户与组织", "core:users")],
    Role.AUDITOR: [("审计日志", "core:audit")],
}


def menu(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items: list[dict[str, str]] = []
    if user.is_authenticated:
        items = [
            {"label": label, "url": reverse(name), "active": ""} for label, name in MENUS.get(user.role, [])
        ]  # type: ignore[union-attr]
        # the longest menu URL the page lies under is the active one (/projects/visits/stats/ is 走访统计,
        # not 项目台账 or 现场走访)
        under = [item for item in items if request.path.startswith(item["url"])]
        if under:
            max(under, key=lambda item: len(item["url"]))["active"] = "1"
    return {"menu_items": items, "demo_mode": settings.DEMO}
