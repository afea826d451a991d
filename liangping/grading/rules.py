"""Grading rules of DOMAIN §9 as data: an ordered list, the first rule that matches gives the grade.

Everything here is pure: facts in, (grade, reason) out, in exact decimals, never rounded before a
threshold is compared. Rule sets are plain dicts so they can be versioned, edited and previewed.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

BLUE, YELLOW, RED, NONE = "blue", "yellow", "red", "none"
GRADE_LABELS = {BLUE: "蓝", YELLOW: "黄", RED: "红", NONE: "未评定"}
GRADES = (BLUE, YELLOW, RED)

DEFAULT_RULES: dict[str, Any] = {
    "project": [
        {"code": "overdue_start", "grade": RED, "reason": "逾期未开工"},
        {"code": "overdue_finish", "grade": RED, "reason": "逾期未竣工"},
        {"code": "no_report", "grade": YELLOW, "reason": "未按时报送"},
        {"code": "progress"},
    ],
    # rule S: gap < red_below → red; red_below ≤ gap < yellow_below → yellow; else blue
    "progress": {"red_below": "-10", "yellow_below": "0"},
    "task": {"due_soon_workdays": 3},
    "indicator": {"blue_max_rank": 5, "yellow_max_rank": 10},
    # time progress at the end of a period: "month" = m/12 (June → 50 %), "day" = days elapsed / days in year
    "time_progress": "month",
    # red in this many consecutive locked periods puts a project on the summons list (约谈)
    "summons": {"consecutive_red": 2},
    # unit score = (blue·b + yellow·y) / (graded·b) × 100; an optional `appeals` = w (0 to 1, absent = 0)
    # makes it (1 − w) × that + w × the unit's appeal 三率 综合得分 of the period (群众诉求)
    "unit_score": {"blue": 2, "yellow": 1},
}
TIME_PROGRESS_MODES = {"month": "按月：第m月末为 m/12", "day": "按日：已过天数 / 全年天数"}
PROJECT_RULE_CODES = ("overdue_start", "overdue_finish", "no_report", "progress")


_NUMERALS = ("两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def consecutive_red(rules: dict[str, Any]) -> int:
    """How many red periods in a row put a project on the summons list (约谈)."""
    return int(rules.get("summons", {}).get("consecutive_red", DEFAULT_RULES["summons"]["consecutive_red"]))


def summons_phrase(consecutive: int) -> str:
    """The summons rule as people read it: 连续两期红牌, 连续三期红牌 … (2 to 12 periods)."""
    count = _NUMERALS[consecutive - 2] if 2 <= consecutive <= 12 else str(consecutive)
    return f"连续{count}期红牌"


class RuleSetError(ValueError):
    """A rule set that would overlap or leave a gap, with a message naming the conflict."""


def with_defaults(rules: dict[str, Any]) -> dict[str, Any]:
    """A rule set saved before a setting existed reads that setting's default."""
    return {**copy.deepcopy(DEFAULT_RULES), **rules}


def validate(rules: dict[str, Any]) -> dict[str, Any]:
    """The rule set, checked; raise RuleSetError naming the first conflict."""
    rules.update({k: v for k, v in with_defaults(rules).items() if k not in rules})
    codes = [r.get("code") for r in rules.get("project", [])]
    if sorted(c for c in codes if c) != sorted(PROJECT_RULE_CODES) or len(codes) != len(PROJECT_RULE_CODES):
        raise RuleSetError("项目规则必须且只能包含：逾期未开工、逾期未竣工、未按时报送、时序进度 四条")
    for rule in rules["project"]:
        if rule["code"] != "progress":
            if rule.get("grade") not in GRADES:
                raise RuleSetError(f"规则“{rule.get('reason', rule['code'])}”的等级必须是蓝、黄或红")
            if not str(rule.get("reason", "")).strip():
                raise RuleSetError(f"规则 {rule['code']} 必须填写原因")
    try:
        red_below = Decimal(str(rules["progress"]["red_below"]))
        yellow_below = Decimal(str(rules["progress"]["yellow_below"]))
    except (KeyError, ArithmeticError) as exc:
        raise RuleSetError("时序进度阈值必须是数字（百分点）") from exc
    if red_below > yellow_below:
        raise RuleSetError(
            f"时序进度阈值重叠：红牌线（差距 < {red_below}）高于黄牌线（差距 < {yellow_below}），"
            "红牌线必须小于或等于黄牌线"
        )
    ind = rules["indicator"]
    blue_max, yellow_max = int(ind["blue_max_rank"]), int(ind["yellow_max_rank"])
    if not 1 <= blue_max <= yellow_max <= 16:
        raise RuleSetError(
            f"指标位次阈值冲突：蓝牌（≤{blue_max}名）与黄牌（≤{yellow_max}名）须满足 1 ≤ 蓝牌线 ≤ 黄牌线 ≤ 16"
        )
    if int(rules["task"]["due_soon_workdays"]) < 0:
        raise RuleSetError("攻坚事项临近节点的工作日数不能为负数")
    if rules["time_progress"] not in TIME_PROGRESS_MODES:
        raise RuleSetError("时序进度的算法只能是“按月”或“按日”")
    if not 2 <= int(rules["summons"]["consecutive_red"]) <= 12:
        raise RuleSetError("约谈条件“连续红牌期数”应在 2 到 12 之间")
    blue_w, yellow_w = Decimal(str(rules["unit_score"]["blue"])), Decimal(str(rules["unit_score"]["yellow"]))
    if not (blue_w > 0 and 0 <= yellow_w <= blue_w):
        raise RuleSetError(
            f"单位得分权重冲突：须满足 蓝牌权重（{blue_w}）> 0 且 0 ≤ 黄牌权重（{yellow_w}）≤ 蓝牌权重"
        )
    appeals_w = appeals_weight(rules)
    if not 0 <= appeals_w <= 1:
        raise RuleSetError(f"单位得分中群众诉求三率的权重（{appeals_w}）须在 0 到 1 之间，0 为不计入")
    return rules


def appeals_weight(rules: dict[str, Any]) -> Decimal:
    """The share of the appeal 三率 in a unit's score (0: not counted)."""
    try:
        return Decimal(str(rules.get("unit_score", {}).get("appeals", "0") or "0"))
    except ArithmeticError as exc:
        raise RuleSetError("群众诉求三率的权重必须是 0 到 1 之间的数字") from exc


def time_progress(period_end_month: int) -> Decimal:
    """Share of the year elapsed at the end of month m, in percent: m/12 (June → 50)."""
    return Decimal(period_end_month) * 100 / 12


def time_progress_on(period_end: dt.date, rules: dict[str, Any]) -> Decimal:
    """Time progress at the period's end under the rule set's mode (default m/12)."""
    if rules.get("time_progress", "month") == "day":
        days_in_year = 366 if calendar.isleap(period_end.year) else 365
        return Decimal(period_end.timetuple().tm_yday) * 100 / days_in_year
    return time_progress(period_end.month)


def fmt_points(value: Decimal, rounding: str = ROUND_UP) -> str:
    """Percentage points for a reason text, two decimals at most: 12.5, 3, 0.34.

    Lags round away from zero, so a red card (lag > 10) never reads "10" and a yellow one never
    reads more than 10; the exact gap is kept with the grade."""
    q = value.quantize(Decimal("0.01"), rounding=rounding)
    return format(q.normalize(), "f") if q else "0"


def progress_grade(gap: Decimal, rules: dict[str, Any]) -> tuple[str, str]:
    """Rule S on the gap in percentage points (completion % − time progress %)."""
    red_below = Decimal(str(rules["progress"]["red_below"]))
    yellow_below = Decimal(str(rules["progress"]["yellow_below"]))
    if gap < red_below:
        return RED, f"滞后时序进度{fmt_points(-gap)}个百分点"
    if gap < yellow_below:
        return YELLOW, f"滞后时序进度{fmt_points(-gap)}个百分点"
    if gap >= Decimal("0.01"):
        return BLUE, f"超过时序进度{fmt_points(gap, ROUND_DOWN)}个百分点"
    return BLUE, "达到时序进度"


@dataclass(frozen=True)
class ProjectFacts:
    """What grading a project for a period needs, all read before any rule runs."""

    annual_plan: Decimal | None  # the plan of the period's year, None when not planned
    stage_index: int  # position in Stage order
    planned_start: dt.date | None
    planned_end: dt.date | None
    reported: bool  # a report for the period exists and was not returned
    ytd_investment: Decimal | None


CONSTRUCTION_INDEX = 3  # 开工建设
OPERATING_INDEX = 4  # 竣工投产


@dataclass(frozen=True)
class ProjectGrade:
    grade: str
    reason: str
    rule: str
    completion: Decimal | None
    time_progress: Decimal
    gap: Decimal | None


def grade_project(facts: ProjectFacts, period_end: dt.date, rules: dict[str, Any]) -> ProjectGrade:
    tp = time_progress_on(period_end, rules)
    if facts.annual_plan is None or facts.annual_plan <= 0:
        return ProjectGrade(NONE, "未列入年度计划", "unplanned", None, tp, None)
    completion = (facts.ytd_investment or Decimal(0)) * 100 / facts.annual_plan
    gap = completion - tp
    for rule in rules["project"]:
        code = rule["code"]
        if code == "overdue_start":
            if (
                facts.stage_index < CONSTRUCTION_INDEX
                and facts.planned_start
                and facts.planned_start < period_end
            ):
                return ProjectGrade(rule["grade"], rule["reason"], code, completion, tp, gap)
        elif code == "overdue_finish":
            if facts.stage_index < OPERATING_INDEX and facts.planned_end and facts.planned_end < period_end:
                return ProjectGrade(rule["grade"], rule["reason"], code, completion, tp, gap)
        elif code == "no_report":
            if not facts.reported:
                return ProjectGrade(rule["grade"], rule["reason"], code, completion, tp, gap)
        elif code == "progress":
            grade, reason = progress_grade(gap, rules)
            return ProjectGrade(grade, reason, code, completion, tp, gap)
    raise AssertionError("a validated rule set always ends in a grade")


def grade_indicator(rank: int, rules: dict[str, Any]) -> str:
    ind = rules["indicator"]
    if rank <= int(ind["blue_max_rank"]):
        return BLUE
    if rank <= int(ind["yellow_max_rank"]):
        return YELLOW
    return RED


@dataclass(frozen=True)
class TaskFacts:
    milestones: tuple[tuple[str, dt.date, dt.date | None], ...]  # (title, planned, actual)
    reported: bool
    target_value: Decimal | None
    actual_value: Decimal | None


def grade_task(
    facts: TaskFacts, period_end: dt.date, due_soon_until: dt.date, rules: dict[str, Any]
) -> ProjectGrade:
    """DOMAIN §7/§9: red for an overdue milestone, yellow for one due within N working days or a missing
    report, else rule S where a target exists, else blue. `due_soon_until` is period_end + N working days."""
    tp = time_progress_on(period_end, rules)
    overdue = [t for t, planned, actual in facts.milestones if actual is None and planned < period_end]
    if overdue:
        return ProjectGrade(RED, f"节点逾期：{overdue[0]}", "milestone_overdue", None, tp, None)
    soon = [
        t
        for t, planned, actual in facts.milestones
        if actual is None and period_end <= planned <= due_soon_until
    ]
    if soon:
        return ProjectGrade(YELLOW, f"节点临近：{soon[0]}", "milestone_due_soon", None, tp, None)
    if not facts.reported:
        return ProjectGrade(YELLOW, "未按时报送", "no_report", None, tp, None)
    if facts.target_value is not None and facts.target_value > 0:
        completion = (facts.actual_value or Decimal(0)) * 100 / facts.target_value
        gap = completion - tp
        grade, reason = progress_grade(gap, rules)
        return ProjectGrade(grade, reason, "progress", completion, tp, gap)
    return ProjectGrade(BLUE, "按节点推进", "on_track", None, tp, None)
