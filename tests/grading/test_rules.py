"""DOMAIN §9 rules, exactly at their thresholds."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangping.grading.rules import (
    BLUE,
    DEFAULT_RULES,
    NONE,
    RED,
    YELLOW,
    ProjectFacts,
    RuleSetError,
    grade_indicator,
    grade_project,
    time_progress,
    time_progress_on,
    validate,
)

JUNE_END = dt.date(2025, 6, 30)
RULES = validate(copy.deepcopy(DEFAULT_RULES))


def facts(
    ytd: str,
    plan: str = "1000",
    stage: int = 3,
    start=dt.date(2025, 1, 1),
    end=dt.date(2026, 12, 1),
    reported: bool = True,
) -> ProjectFacts:
    return ProjectFacts(
        annual_plan=Decimal(plan),
        stage_index=stage,
        planned_start=start,
        planned_end=end,
        reported=reported,
        ytd_investment=Decimal(ytd),
    )


def test_time_progress_is_month_over_twelve():
    assert time_progress(6) == Decimal(50)
    assert time_progress(12) == Decimal(100)
    assert time_progress(1) * 12 == Decimal(100)


@pytest.mark.parametrize(
    ("ytd", "grade", "reason"),
    [
        ("400", YELLOW, "滞后时序进度10个百分点"),  # gap exactly −10 → yellow (−10 ≤ gap < 0)
        ("399.99", RED, "滞后时序进度10.01个百分点"),  # gap −10.001 → red; never rounded before comparing
        ("399.9", RED, "滞后时序进度10.01个百分点"),
        ("400.01", YELLOW, "滞后时序进度10个百分点"),  # gap −9.999: a yellow card never reads more than 10
        ("500.0001", BLUE, "达到时序进度"),
        ("512.345", BLUE, "超过时序进度1.23个百分点"),
        ("500", BLUE, "达到时序进度"),  # gap exactly 0 → blue
        ("499.99", YELLOW, "滞后时序进度0.01个百分点"),  # gap −0.001 → yellow
        ("850", BLUE, "超过时序进度35个百分点"),
    ],
)
def test_rule_s_at_the_thresholds(ytd, grade, reason):
    result = grade_project(facts(ytd), JUNE_END, RULES)
    assert (result.grade, result.reason) == (grade, reason)


def test_gap_and_completion_are_exact():
    result = grade_project(facts("333.33", plan="1000"), JUNE_END, RULES)
    assert result.completion == Decimal("33.333")
    assert result.gap == Decimal("-16.667")


def test_first_matching_rule_wins():
    late_start = facts("900", stage=2, start=dt.date(2025, 3, 1), reported=False)
    assert grade_project(late_start, JUNE_END, RULES).reason == "逾期未开工"
    late_finish = facts("900", stage=3, end=dt.date(2025, 5, 1), reported=False)
    assert grade_project(late_finish, JUNE_END, RULES).reason == "逾期未竣工"
    assert grade_project(facts("900", reported=False), JUNE_END, RULES).reason == "未按时报送"
    operating = facts("900", stage=4, end=dt.date(2025, 5, 1))
    assert grade_project(operating, JUNE_END, RULES).grade == BLUE
    # planned start on the period's end date is not yet overdue (strictly before E)
    assert grade_project(facts("900", stage=2, start=JUNE_END), JUNE_END, RULES).grade == BLUE


def test_reordered_rules_change_the_winner():
    rules = copy.deepcopy(RULES)
    rules["project"] = [rules["project"][2], rules["project"][0], rules["project"][1], rules["project"][3]]
    both = facts("0", stage=2, start=dt.date(2025, 3, 1), reported=False)
    assert grade_project(both, JUNE_END, validate(rules)).reason == "未按时报送"


def test_projects_without_a_plan_are_not_graded():
    assert grade_project(facts("10", plan="0"), JUNE_END, RULES).grade == NONE
    result = grade_project(ProjectFacts(None, 3, None, None, True, None), JUNE_END, RULES)
    assert (result.grade, result.reason) == (NONE, "未列入年度计划")


@pytest.mark.parametrize(
    ("rank", "grade"), [(1, BLUE), (5, BLUE), (6, YELLOW), (10, YELLOW), (11, RED), (16, RED)]
)
def test_indicator_grade_at_ranks_5_and_10(rank, grade):
    assert grade_indicator(rank, RULES) == grade


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["progress"].update(red_below="5"), "重叠"),
        (lambda r: r["indicator"].update(blue_max_rank=11), "冲突"),
        (lambda r: r["indicator"].update(yellow_max_rank=17), "冲突"),
        (lambda r: r["project"].pop(0), "四条"),
        (lambda r: r["project"][0].update(grade="purple"), "等级"),
        (lambda r: r["progress"].update(red_below="abc"), "数字"),
    ],
)
def test_conflicting_rule_sets_are_refused(change, message):
    rules = copy.deepcopy(DEFAULT_RULES)
    change(rules)
    with pytest.raises(RuleSetError, match=message):
        validate(rules)


@given(st.decimals(min_value=0, max_value=5000, places=2))
def test_grade_is_monotone_in_investment(ytd):
    """More investment never gives a worse card under rule S."""
    order = {RED: 0, YELLOW: 1, BLUE: 2}
    lower = grade_project(facts(str(ytd)), JUNE_END, RULES)
    higher = grade_project(facts(str(ytd + Decimal("0.01"))), JUNE_END, RULES)
    assert order[higher.grade] >= order[lower.grade]


def test_time_progress_by_day():
    rules = validate({**copy.deepcopy(DEFAULT_RULES), "time_progress": "day"})
    result = grade_project(facts("500"), JUNE_END, rules)
    assert result.time_progress == Decimal(181) * 100 / 365  # 2025-06-30 is day 181
    assert result.grade == BLUE  # 50 % completion is ahead of 49.59 %
    assert time_progress_on(dt.date(2024, 12, 31), rules) == Decimal(100)


def test_rule_sets_saved_before_a_setting_read_its_default():
    old = copy.deepcopy(DEFAULT_RULES)
    for key in ("time_progress", "summons", "unit_score"):
        del old[key]
    assert validate(old)["summons"] == {"consecutive_red": 2}
    assert time_progress_on(JUNE_END, old) == Decimal(50)
