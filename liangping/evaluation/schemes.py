"""Evaluation schemes as data: the default 「五比五看」 and the three dimensions a district may add,
the checks a scheme must pass, and saving a change as a new version."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from liangping.core.audit import record
from liangping.core.models import Org, User
from liangping.evaluation.models import Scheme

DEFAULT_KEY = "wubi"
DEFAULT_NAME = "五比五看"

# Which records a leading cadre's automatic measures are computed over (shown on the pages of a round
# of cadres, beside the formulas, which then read "本人" where they read "本单位").
CADRE_SCOPE = (
    "评价领导干部时，自动计算项只统计本人牵头的记录：本人任包保市领导的项目（项目的“包保市领导”为本人）"
    "的月度调度、年度计划与完成投资；这些项目和本人领衔的攻坚事项上登记的项目问题。"
    "群众诉求和提案建议由单位办理，不计入个人，这两项无数据、不参与计算。"
)

# What an automatic measure computes (evaluation.measures), and how it is written on the page.
AUTO_METRICS: dict[str, dict[str, str]] = {
    "reports_returned": {
        "label": "月度调度退回率",
        "formula": "得分 = 100 ×（1 − 被退回过的调度份数 ÷ 本期调度份数）；被退回过：审核时曾退回（审计记录）",  # noqa: E501
    },
    "cases_on_time": {
        "label": "项目问题按期办结率",
        "formula": "得分 = 100 × 按期办结的问题数 ÷ 本期办结的问题数（牵头单位为本单位或下属单位，办结日不晚于答复期限）",  # noqa: E501
    },
    "proposals_on_time": {
        "label": "提案建议按时答复率",
        "formula": "得分 = 100 × 按时答复的提案建议数 ÷ 本期答复的提案建议数（主办单位为本单位，答复日不晚于答复期限）",  # noqa: E501
    },
    "reports_on_time": {
        "label": "月度调度按时完整率",
        "formula": "得分 = 100 × 按时且完整报送的调度数 ÷ 应报调度数（列入年度计划的项目 × 本期月数；完整：形象进度已填写）",  # noqa: E501
    },
    "completion": {
        "label": "完成投资与时序进度",
        "formula": (
            "完成率 = 累计完成投资合计 ÷ 年度计划投资合计 × 100；得分 = 100 × 完成率 ÷ 时序进度（最高 100）"
        ),
    },
    "case_days": {
        "label": "问题办结用时中位数（工作日）",
        "formula": "得分 = 100（中位数 ≤ 目标）或 100 × 目标 ÷ 中位数；用时：登记日至办结日的工作日数",
    },
    "proposal_days": {
        "label": "提案建议答复用时中位数（工作日）",
        "formula": "得分 = 100（中位数 ≤ 目标）或 100 × 目标 ÷ 中位数；用时：交办日至答复日的工作日数",
    },
    "appeal_days": {
        "label": "诉求办结用时中位数（工作日）",
        "formula": "得分 = 100（中位数 ≤ 目标）或 100 × 目标 ÷ 中位数；用时：登记日至办结日的工作日数",
    },
}
JUDGED_FORMULA = "得分 = 10 × 各评价人评分（1–10）的平均数"
DIMENSION_FORMULA = "维度得分 = 该维度各评价项得分的平均数（无数据的评价项不计）"
TOTAL_FORMULA = (
    "综合得分 = Σ（维度得分 × 权重）÷ Σ 有得分维度的权重；维度得分低于红线为红，低于黄线为黄，其余为蓝"
)


def _auto(code: str, metric: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "type": "auto", "metric": metric, "label": AUTO_METRICS[metric]["label"], **params}


def _judged(code: str, label: str) -> dict[str, Any]:
    return {"code": code, "type": "judged", "label": label}


FIVE: list[dict[str, Any]] = [
    {
        "code": "yan",
        "mark": "严",
        "label": "比工作标准",
        "look": "看自我要求严不严",
        "weight": "20",
        "measures": [_auto("yan_returned", "reports_returned"), _judged("yan_judged", "工作标准评价")],
    },
    {
        "code": "zhen",
        "mark": "真",
        "label": "比工作态度",
        "look": "看担当尽责真不真",
        "weight": "20",
        "measures": [
            _auto("zhen_cases", "cases_on_time"),
            _auto("zhen_proposals", "proposals_on_time"),
            _judged("zhen_judged", "担当尽责评价"),
        ],
    },
    {
        "code": "xi",
        "mark": "细",
        "label": "比工作精准",
        "look": "看谋划落实细不细",
        "weight": "20",
        "measures": [_auto("xi_reports", "reports_on_time"), _judged("xi_judged", "谋划落实评价")],
    },
    {
        "code": "shi",
        "mark": "实",
        "label": "比工作质效",
        "look": "看说话办事实不实",
        "weight": "20",
        "measures": [_auto("shi_completion", "completion"), _judged("shi_judged", "说话办事评价")],
    },
    {
        "code": "kuai",
        "mark": "快",
        "label": "比工作节奏",
        "look": "看思想行动快不快",
        "weight": "20",
        "measures": [
            _auto("kuai_cases", "case_days", target="5"),
            _auto("kuai_appeals", "appeal_days", target="5"),
            _auto("kuai_proposals", "proposal_days", target="60"),
            _judged("kuai_judged", "思想行动评价"),
        ],
    },
]
# What a district may add (比项目、比进度、比作风): judged by its evaluators, 比进度 also by the numbers.
EXTRA: list[dict[str, Any]] = [
    {
        "code": "xiangmu",
        "mark": "项",
        "label": "比项目",
        "look": "看项目建设多不多",
        "weight": "0",
        "measures": [_judged("xiangmu_judged", "项目建设评价")],
    },
    {
        "code": "jindu",
        "mark": "进",
        "label": "比进度",
        "look": "看项目推进快不快",
        "weight": "0",
        "measures": [_auto("jindu_completion", "completion"), _judged("jindu_judged", "项目推进评价")],
    },
    {
        "code": "zuofeng",
        "mark": "风",
        "label": "比作风",
        "look": "看工作作风实不实",
        "weight": "0",
        "measures": [_judged("zuofeng_judged", "工作作风评价")],
    },
]
DEFAULT_THRESHOLDS = {"red": "60", "yellow": "80"}


def default_dimensions() -> dict[str, Any]:
    return {"dimensions": copy.deepcopy(FIVE), "thresholds": dict(DEFAULT_THRESHOLDS)}


class SchemeError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _decimal(text: Any, what: str, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError) as exc:
        raise SchemeError(f"{what}应为数字", field) from exc
    if not value.is_finite():
        raise SchemeError(f"{what}应为数字", field)
    return value


def validate(data: dict[str, Any]) -> dict[str, Any]:
    """The scheme as stored (weights and thresholds as text), or SchemeError naming the field."""
    dims = data.get("dimensions") or []
    if not dims:
        raise SchemeError("至少要有一个评价维度", "dimensions")
    total = Decimal(0)
    codes: set[str] = set()
    out = []
    for dim in dims:
        code = dim.get("code", "")
        if code in codes:
            raise SchemeError(f"维度“{dim.get('label', code)}”重复", f"weight_{code}")
        codes.add(code)
        weight = _decimal(dim.get("weight", ""), f"“{dim.get('label', code)}”的权重", f"weight_{code}")
        if weight < 0:
            raise SchemeError(f"“{dim.get('label', code)}”的权重不能为负数", f"weight_{code}")
        if weight == 0:
            continue  # a dimension at weight 0 is not part of the scheme
        if not dim.get("measures"):
            raise SchemeError(f"“{dim.get('label', code)}”至少要有一个评价项", f"weight_{code}")
        for m in dim["measures"]:
            if m.get("type") == "auto" and m.get("metric") not in AUTO_METRICS:
                raise SchemeError(f"评价项“{m.get('label')}”的计算方法不认识", f"weight_{code}")
            if m.get("type") not in ("auto", "judged"):
                raise SchemeError(f"评价项“{m.get('label')}”的类型应为自动计算或评分", f"weight_{code}")
        total += weight
        out.append({**dim, "weight": str(weight.normalize() if weight == weight.to_integral() else weight)})
    if total != 100:
        raise SchemeError(f"各维度权重之和应为 100，现为 {total.normalize():f}", "weights")
    thresholds = data.get("thresholds") or DEFAULT_THRESHOLDS
    red = _decimal(thresholds.get("red", ""), "红线", "red")
    yellow = _decimal(thresholds.get("yellow", ""), "黄线", "yellow")
    if not 0 <= red <= yellow <= 100:
        raise SchemeError("红线、黄线应在 0 到 100 之间，且红线不高于黄线", "red")
    return {
        "dimensions": out,
        "thresholds": {"red": f"{red.normalize():f}", "yellow": f"{yellow.normalize():f}"},
    }


def current(tenant: Org | None, key: str = DEFAULT_KEY) -> Any:
    found = Scheme.objects.filter(tenant=tenant, key=key).order_by("-version").first()
    if found is None:
        found = Scheme.objects.create(
            tenant=tenant,
            key=key,
            name=DEFAULT_NAME,
            version=1,
            dimensions=default_dimensions(),
            note="默认方案",
        )
    return found


@transaction.atomic
def save_scheme(
    actor: User, tenant: Org | None, data: dict[str, Any], note: str = "", key: str = DEFAULT_KEY
) -> Any:
    """Check the scheme and store it as the next version (unchanged: the current one)."""
    checked = validate(data)
    now = current(tenant, key)
    if now.dimensions == checked:
        return now
    version = (Scheme.objects.filter(tenant=tenant, key=key).aggregate(v=Max("version"))["v"] or 0) + 1
    new = Scheme.objects.create(
        tenant=tenant,
        key=key,
        name=now.name,
        version=version,
        dimensions=checked,
        note=note,
        created_by=actor,
    )
    record(actor, "evaluation.scheme", new, changes={"dimensions": [now.dimensions, checked]}, reason=note)
    return new


def dimension_catalogue() -> list[dict[str, Any]]:
    """Every dimension a scheme may use: the five and the three a district may add."""
    return copy.deepcopy(FIVE + EXTRA)
