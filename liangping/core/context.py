"""The menu each role sees: its entries in named groups, and a phone's bottom bar for specialists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from liangping.core.models import Role

Entry = tuple[str, str]  # (label, URL name)
Group = tuple[str, list[Entry]]  # (group label, "" for entries shown on their own; entries)

PROJECTS = ("项目台账", "projects:list")
REPORTS = ("月度调度", "projects:reports")
VISITS = ("现场走访", "projects:visits")
VISIT_STATS = ("走访统计", "projects:visit_stats")
CASES = ("问题闭环", "cases:list")
TASKS = ("攻坚事项", "tasks:list")
CHAINS = ("产业链", "chains:list")
STABILITY = ("稳定台账", "stability:index")  # internal ledgers: 排查、公开接待 from its page
FOOD = ("食安专项行动", "foodsafety:list")
IMPORT = ("导入台账", "sheets:import")
BOARD = ("分级看板", "grading:board")
RANKING = ("指标排名", "grading:ranking")
DISTRICT_RANKING = ("区（市）排名", "indicators:districts")
UNITS = ("单位得分", "grading:units")
SUMMONS = ("约谈名单", "grading:summons")
PERIODS = ("考核期", "grading:periods")
RULES = ("分级规则", "grading:rules")
CATALOGUE = ("指标目录", "indicators:catalogue")
DASHBOARD = ("亮屏看板", "screen:dashboard")
SCREEN = ("公开大屏", "screen:index")
DISCLOSURE = ("季度公开", "disclosure:index")
FLOOD_DUTY = ("值班台", "emergency:duty")
FLOOD_WARNINGS = ("预警叫应", "emergency:warnings")
FLOOD_OVERVIEW = ("叫应统计", "emergency:index")
FLOOD_POINTS = ("责任点位", "emergency:points")
FLOOD_ROSTER = ("值班表", "emergency:roster")
FLOOD_SUPPLIES = ("物资队伍", "emergency:supplies")
APPEAL_INTAKE = ("诉求登记", "appeals:intake")
APPEAL_RATES = ("诉求三率", "appeals:rates")
HOTLINE_DUTY = ("领导接热线", "appeals:duty")
WINDOW_SHIFTS = ("局长坐窗口", "appeals:windows")
EVENTS = ("赛事活动", "events:list")

LEDGER = "台账调度"
GRADING = "分级考核"
APPEALS = "诉求办理"
ROSTERS = [HOTLINE_DUTY, WINDOW_SHIFTS]
PUBLIC = "公开"
SETTINGS = "设置"
FLOOD = "防汛值守"
OPEN = [DASHBOARD, SCREEN, DISCLOSURE]
FLOOD_ALL = [FLOOD_DUTY, FLOOD_WARNINGS, FLOOD_OVERVIEW, FLOOD_POINTS, FLOOD_ROSTER, FLOOD_SUPPLIES]
# Tournaments: organisers (supervisor, district, department) and the officials they name (any role)
ACTIVITIES = ("", [EVENTS])
# 企业服务工作室 and 榴花分 incentives: the city government's roles (a district: the studios in it)
FIRMS: Group = (
    "企业服务",
    [
        ("企业服务名录", "firms:list"),
        ("措施查询", "firms:lookup"),
        ("激励措施", "firms:measures"),
        ("兑现记录", "firms:applied"),
    ],
)

MENUS: dict[str, list[Group]] = {
    Role.SUPERVISOR: [
        (LEDGER, [PROJECTS, REPORTS, VISITS, VISIT_STATS, CASES, TASKS, CHAINS, STABILITY, FOOD, IMPORT]),
        (APPEALS, [APPEAL_INTAKE, APPEAL_RATES, *ROSTERS]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS, SUMMONS, PERIODS]),
        (FLOOD, FLOOD_ALL),
        FIRMS,
        ACTIVITIES,
        (PUBLIC, OPEN),
        (SETTINGS, [RULES, CATALOGUE]),
    ],
    Role.LEADER: [
        (LEDGER, [PROJECTS, REPORTS, VISITS, CASES, TASKS, CHAINS, STABILITY, FOOD]),
        (APPEALS, [APPEAL_RATES, *ROSTERS]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS, SUMMONS]),
        (FLOOD, FLOOD_ALL),
        FIRMS,
        ACTIVITIES,
        (PUBLIC, OPEN),
    ],
    Role.DEPARTMENT: [
        (LEDGER, [PROJECTS, REPORTS, VISITS, CASES, TASKS, CHAINS, STABILITY, FOOD]),
        (APPEALS, [APPEAL_RATES, *ROSTERS]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS]),
        (FLOOD, FLOOD_ALL),
        FIRMS,
        ACTIVITIES,
        (PUBLIC, OPEN),
    ],
    Role.DISTRICT: [
        (LEDGER, [PROJECTS, REPORTS, VISITS, CASES, CHAINS, STABILITY, FOOD]),
        (APPEALS, [APPEAL_RATES, *ROSTERS]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS]),
        (FLOOD, FLOOD_ALL),
        FIRMS,
        ACTIVITIES,
        (PUBLIC, OPEN),
    ],
    Role.SPECIALIST: [
        (LEDGER, [PROJECTS, REPORTS, VISITS, VISIT_STATS, CASES]),
        (APPEALS, [APPEAL_RATES]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS]),
        ACTIVITIES,
        (PUBLIC, OPEN),
    ],
    Role.OWNER: [
        ("", [PROJECTS, REPORTS, CASES]),
        (APPEALS, [APPEAL_RATES]),
        (GRADING, [BOARD, RANKING, DISTRICT_RANKING, UNITS]),
        ACTIVITIES,
        (PUBLIC, OPEN),
    ],
    Role.SYSADMIN: [
        (
            "",
            [
                ("用户与组织", "core:users"),
                ("参数设置", "core:settings"),
                ("节假日调整", "core:calendar"),
                ("时限与分类", "cases:kinds"),
            ],
        ),
        (SETTINGS, [RULES, CATALOGUE]),
    ],
    Role.SECADMIN: [("", [("用户与组织", "core:users"), ("接口令牌", "core:tokens")])],
    Role.AUDITOR: [("", [("审计日志", "core:audit")])],
}

# 政务服务 (liangping.services): the city government's roles and the halls' accounts
SERVICES = "政务服务"
SERVICE_ENTRIES: list[Entry] = [
    ("政务服务概览", "services:index"),
    ("事项目录", "services:matters"),
    ("服务点", "services:points"),
    ("1+1+1+N", "services:rule"),
    ("办件", "services:handled"),
    ("帮办代办", "services:assist_list"),
    ("一件事", "services:bundles"),
]
for _role in (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT):
    MENUS[_role].insert(2, (SERVICES, SERVICE_ENTRIES))
# 「五比五看」 beside the grading, and the deputies' and members' own menu (liangping.evaluation,
# liangping.deputies): one block, so the role lists above stay as they are.
EVALUATION = ("五比五看", "evaluation:index")
DEPUTIES = ("代表委员", "deputies:home")
PROPOSALS = ("提案建议", "deputies:proposals")
for _role, _extra in (
    (Role.SUPERVISOR, [EVALUATION, DEPUTIES, PROPOSALS]),
    (Role.LEADER, [EVALUATION, PROPOSALS]),
    (Role.DEPARTMENT, [EVALUATION, PROPOSALS]),
    (Role.DISTRICT, [EVALUATION, PROPOSALS]),
):
    MENUS[_role] = [
        (label, [*entries, *_extra]) if label == GRADING else (label, entries)
        for label, entries in MENUS[_role]
    ]
for _role in (Role.DEPUTY, Role.MEMBER):
    MENUS[_role] = [
        ("代表委员", [("我联系的项目", "deputies:home"), PROPOSALS]),
        (GRADING, [RANKING, DISTRICT_RANKING, UNITS, EVALUATION]),
        (PUBLIC, OPEN),
    ]

# On a phone a specialist works on site: the three things they do there, always at the bottom.
BOTTOM_BAR: dict[str, list[Entry]] = {
    Role.SPECIALIST: [("走访", "projects:visits"), ("调度", "projects:reports"), ("问题", "cases:list")],
    Role.DEPUTY: [("项目", "deputies:home"), ("提案建议", "deputies:proposals")],
    Role.MEMBER: [("项目", "deputies:home"), ("提案建议", "deputies:proposals")],
}


def _active(path: str, urls: list[str]) -> str:
    """The longest URL the page lies under (/projects/visits/stats/ is 走访统计, not 项目台账)."""
    under = [url for url in urls if path.startswith(url) and url != "/"]
    return max(under, key=len) if under else ""


def menu(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    groups: list[dict[str, Any]] = []
    items: list[dict[str, str]] = []
    bottom: list[dict[str, str]] = []
    if user.is_authenticated:
        for label, entries in MENUS.get(user.role, []):
            members = [{"label": text, "url": reverse(name), "active": ""} for text, name in entries]
            groups.append({"label": label, "items": members, "active": ""})
            items += members  # the same dicts: marking one marks it in its group too
        current = _active(request.path, [item["url"] for item in items])
        for group in groups:
            for entry in group["items"]:
                if entry["url"] == current:
                    entry["active"] = group["active"] = "1"
        bar = [
            {"label": text, "url": reverse(name), "active": ""}
            for text, name in BOTTOM_BAR.get(user.role, [])
        ]
        now = _active(request.path, [item["url"] for item in bar])
        bottom = [{**item, "active": "1" if item["url"] == now else ""} for item in bar]
    return {"menu_items": items, "menu_groups": groups, "bottom_bar": bottom, "demo_mode": settings.DEMO}
