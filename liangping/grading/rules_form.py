"""The rule editor's form: the ordered project rules, the thresholds, and a preview before saving."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import PlainTextMixin
from liangping.grading.rules import (
    GRADE_LABELS,
    GRADES,
    TIME_PROGRESS_MODES,
    RuleSetError,
    validate,
    with_defaults,
)

RULE_NAMES = {
    "overdue_start": "逾期未开工",
    "overdue_finish": "逾期未竣工",
    "no_report": "未按时报送",
    "progress": "时序进度（规则S）",
}
GRADE_CHOICES = [(g, GRADE_LABELS[g]) for g in GRADES]


class RuleSetForm(PlainTextMixin, forms.Form):
    red_below = forms.DecimalField(label="红牌：差距小于（百分点）", max_digits=6, decimal_places=2)
    yellow_below = forms.DecimalField(label="黄牌：差距小于（百分点）", max_digits=6, decimal_places=2)
    blue_max_rank = forms.IntegerField(label="指标蓝牌：位次不低于", min_value=1, max_value=16)
    yellow_max_rank = forms.IntegerField(label="指标黄牌：位次不低于", min_value=1, max_value=16)
    due_soon_workdays = forms.IntegerField(label="攻坚节点临近（工作日）", min_value=0, max_value=30)
    time_progress = forms.ChoiceField(label="时序进度算法", choices=list(TIME_PROGRESS_MODES.items()))
    consecutive_red = forms.IntegerField(label="约谈：连续红牌期数", min_value=2, max_value=12)
    blue_weight = forms.DecimalField(label="单位得分：蓝牌权重", max_digits=5, decimal_places=2, min_value=0)
    yellow_weight = forms.DecimalField(
        label="单位得分：黄牌权重", max_digits=5, decimal_places=2, min_value=0
    )
    appeals_weight = forms.DecimalField(
        label="单位得分：群众诉求三率权重",
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=1,
        required=False,
        help_text="0 到 1；0 为不计入，0.2 即单位得分的 20% 来自本期群众诉求三率综合得分",
    )
    preview_period = forms.CharField(label="预览考核期", max_length=10)
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args: Any, rules: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = rules
        for code in RULE_NAMES:
            self.fields[f"order_{code}"] = forms.IntegerField(
                label=f"{RULE_NAMES[code]}：顺序", min_value=1, max_value=4
            )
        for rule in rules["project"]:
            if rule["code"] != "progress":
                self.fields[f"grade_{rule['code']}"] = forms.ChoiceField(label="等级", choices=GRADE_CHOICES)
                self.fields[f"reason_{rule['code']}"] = forms.CharField(label="原因", max_length=60)

    @classmethod
    def initial_for(cls, rules: dict[str, Any], period_code: str) -> dict[str, Any]:
        full = with_defaults(rules)
        initial: dict[str, Any] = {
            "red_below": rules["progress"]["red_below"],
            "yellow_below": rules["progress"]["yellow_below"],
            "blue_max_rank": rules["indicator"]["blue_max_rank"],
            "yellow_max_rank": rules["indicator"]["yellow_max_rank"],
            "due_soon_workdays": rules["task"]["due_soon_workdays"],
            "preview_period": period_code,
            "time_progress": full["time_progress"],
            "consecutive_red": full["summons"]["consecutive_red"],
            "blue_weight": full["unit_score"]["blue"],
            "yellow_weight": full["unit_score"]["yellow"],
            "appeals_weight": full["unit_score"].get("appeals", "0"),
        }
        for position, rule in enumerate(rules["project"], start=1):
            initial[f"order_{rule['code']}"] = position
            if rule["code"] != "progress":
                initial[f"grade_{rule['code']}"] = rule["grade"]
                initial[f"reason_{rule['code']}"] = rule["reason"]
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """The project rules for the template, one row each, in the current order."""
        out = []
        for rule in self.base["project"]:
            code = rule["code"]
            out.append(
                {
                    "name": RULE_NAMES[code],
                    "order": self[f"order_{code}"],
                    "grade": self[f"grade_{code}"] if code != "progress" else None,
                    "reason": self[f"reason_{code}"] if code != "progress" else None,
                }
            )
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        orders = [data[f"order_{code}"] for code in RULE_NAMES]
        if sorted(orders) != [1, 2, 3, 4]:
            raise forms.ValidationError("四条项目规则的顺序必须分别是 1、2、3、4，不能重复")
        try:
            self.rules = validate(self.build(data))
        except RuleSetError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def build(self, data: dict[str, Any]) -> dict[str, Any]:
        rules = with_defaults(self.base)
        by_code = {r["code"]: r for r in rules["project"]}
        for code, rule in by_code.items():
            if code != "progress":
                rule["grade"] = data[f"grade_{code}"]
                rule["reason"] = data[f"reason_{code}"].strip()
        rules["project"] = sorted(by_code.values(), key=lambda r: data[f"order_{r['code']}"])
        rules["progress"] = {"red_below": str(data["red_below"]), "yellow_below": str(data["yellow_below"])}
        rules["indicator"] = {
            "blue_max_rank": data["blue_max_rank"],
            "yellow_max_rank": data["yellow_max_rank"],
        }
        rules["task"] = {"due_soon_workdays": data["due_soon_workdays"]}
        rules["time_progress"] = data["time_progress"]
        rules["summons"] = {"consecutive_red": data["consecutive_red"]}
        rules["unit_score"] = {
            "blue": str(data["blue_weight"].normalize()),
            "yellow": str(data["yellow_weight"].normalize()),
        }
        if data.get("appeals_weight"):
            rules["unit_score"]["appeals"] = str(data["appeals_weight"].normalize())
        return rules
