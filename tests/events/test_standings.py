"""Group tables on hand-made tied groups: points 3/1/0, then head-to-head, goal difference, goals
scored, then a recorded drawing of lots; the criteria order is data."""

from __future__ import annotations

import pytest

from liangping.events.standings import (
    DEFAULT_CRITERIA,
    Points,
    Result,
    RulesError,
    check_criteria,
    standings,
    unresolved_ties,
)


def table(results, teams="ABCD", **kw):  # type: ignore[no-untyped-def]
    rs = [Result(h, a, x, y) for h, a, x, y in results]
    return standings(list(teams), rs, **kw)


def order(rows):  # type: ignore[no-untyped-def]
    return [r.team for r in rows]


def test_points_three_one_nothing():
    rows = table([("A", "B", 2, 0), ("C", "D", 1, 1), ("A", "C", 0, 0)])
    by = {r.team: r for r in rows}
    assert (by["A"].points, by["C"].points, by["D"].points, by["B"].points) == (4, 2, 1, 0)
    assert by["A"].won == 1 and by["A"].drawn == 1 and by["B"].lost == 1
    assert order(rows) == ["A", "C", "D", "B"]


def test_head_to_head_beats_a_better_goal_difference():
    # A and B level on 6 points; B has the better goal difference but A beat B
    rows = table(
        [
            ("A", "B", 1, 0),
            ("A", "C", 0, 1),
            ("A", "D", 1, 0),
            ("B", "C", 5, 0),
            ("B", "D", 5, 0),
            ("C", "D", 0, 0),
        ]
    )
    assert order(rows)[:2] == ["A", "B"]
    assert rows[0].points == rows[1].points == 6
    assert rows[1].goal_difference > rows[0].goal_difference
    assert rows[0].decided_by == "相互间比赛积分"


def test_goal_difference_when_head_to_head_is_level():
    # A–B drawn; both beat C and D, B by more
    rows = table(
        [
            ("A", "B", 1, 1),
            ("A", "C", 1, 0),
            ("A", "D", 1, 0),
            ("B", "C", 3, 0),
            ("B", "D", 2, 0),
            ("C", "D", 0, 0),
        ]
    )
    assert order(rows)[:2] == ["B", "A"]
    assert rows[0].decided_by == "净胜球"


def test_goals_scored_when_goal_difference_is_level():
    rows = table(
        [
            ("A", "B", 1, 1),
            ("A", "C", 3, 1),
            ("A", "D", 1, 0),
            ("B", "C", 1, 0),
            ("B", "D", 2, 0),
            ("C", "D", 0, 0),
        ]
    )
    # A: +3 (5 scored), B: +3 (4 scored)
    by = {r.team: r for r in rows}
    assert by["A"].goal_difference == by["B"].goal_difference == 3
    assert order(rows)[:2] == ["A", "B"]
    assert rows[0].decided_by == "进球数"


def test_three_way_tie_reapplies_head_to_head_to_the_teams_still_level():
    # A beats B, B beats C, C beats A (each 1:0); all beat D. Mini-table among A, B, C is level on
    # points and goals, so overall goal difference decides: A beat D 4:0, B 3:0, C 2:0.
    rows = table(
        [
            ("A", "B", 1, 0),
            ("B", "C", 1, 0),
            ("C", "A", 1, 0),
            ("A", "D", 4, 0),
            ("B", "D", 3, 0),
            ("C", "D", 2, 0),
        ]
    )
    assert order(rows) == ["A", "B", "C", "D"]
    assert [r.decided_by for r in rows[:3]] == ["净胜球"] * 3


def test_subset_after_split_uses_its_own_head_to_head():
    # A, B, C level on 6; goal difference puts A first; B and C remain level on difference and
    # goals, and their own match (C beat B) decides, not the three-way mini-table.
    rows = table(
        [
            ("A", "B", 0, 1),
            ("B", "C", 0, 2),
            ("C", "A", 0, 1),
            ("A", "D", 5, 0),
            ("B", "D", 3, 0),
            ("C", "D", 1, 0),
        ],
        criteria=["goal_difference", "h2h_points", "goals_for", "lots"],
    )
    by = {r.team: r for r in rows}
    assert by["A"].goal_difference == 5 and by["B"].goal_difference == by["C"].goal_difference == 2
    assert order(rows)[:3] == ["A", "C", "B"]
    assert by["C"].decided_by == "相互间比赛积分"


def test_level_on_everything_needs_lots_until_a_drawing_is_recorded():
    rows = table(
        [
            ("A", "B", 1, 1),
            ("C", "D", 2, 0),
            ("A", "C", 0, 2),
            ("B", "C", 0, 2),
            ("A", "D", 1, 0),
            ("B", "D", 1, 0),
        ]
    )
    by = {r.team: r for r in rows}
    assert by["A"].needs_lots and by["B"].needs_lots
    assert by["A"].position == by["B"].position == 2
    assert unresolved_ties(rows) == [["A", "B"]]
    drawn = table(
        [
            ("A", "B", 1, 1),
            ("C", "D", 2, 0),
            ("A", "C", 0, 2),
            ("B", "C", 0, 2),
            ("A", "D", 1, 0),
            ("B", "D", 1, 0),
        ],
        lots={frozenset("AB"): ["B", "A"]},
    )
    assert order(drawn) == ["C", "B", "A", "D"]
    assert [r.position for r in drawn] == [1, 2, 3, 4]
    assert drawn[1].decided_by == "抽签" and not drawn[1].needs_lots
    assert unresolved_ties(drawn) == []


def test_criteria_order_is_data():
    results = [
        ("A", "B", 1, 0),
        ("A", "C", 0, 1),
        ("A", "D", 1, 0),
        ("B", "C", 5, 0),
        ("B", "D", 5, 0),
        ("C", "D", 0, 0),
    ]
    assert order(table(results))[:2] == ["A", "B"]
    # goal difference before head-to-head: B first
    assert order(table(results, criteria=["goal_difference", "h2h_points", "lots"]))[:2] == ["B", "A"]


def test_other_points_for_a_win():
    rows = table(
        [("A", "B", 1, 0), ("C", "D", 0, 0), ("C", "A", 0, 0), ("D", "B", 0, 0)], points=Points(2, 1, 0)
    )
    assert rows[0].team == "A" and rows[0].points == 3


def test_criteria_must_end_with_lots_and_be_known():
    assert check_criteria(DEFAULT_CRITERIA) == DEFAULT_CRITERIA
    with pytest.raises(RulesError, match="最后一条必须是“抽签”"):
        check_criteria(["goal_difference"])
    with pytest.raises(RulesError, match="未知的排名规则"):
        check_criteria(["fair_play", "lots"])
    with pytest.raises(RulesError, match="重复"):
        check_criteria(["goals_for", "goals_for", "lots"])


def test_no_results_yet_everyone_level_and_waiting():
    rows = table([])
    assert all(r.points == 0 and r.played == 0 for r in rows)
