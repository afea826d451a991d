"""The schedule generator's rules, as properties over many inputs (hypothesis) and for the seeds'
tournament: every pair of a group meets exactly once, no pitch holds two matches at once, no team
plays twice in a time slot, every team gets its rest, a knockout match waits for the matches that
decide its teams; and an impossible input is refused with a Chinese message, never half-placed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from liangping.events.scheduling import (
    Placement,
    ScheduleConflict,
    build_slots,
    check_times,
    generate,
    group_fixtures,
    knockout_plan,
    parse_times,
    round_robin,
    violations,
)

START = dt.date(2025, 7, 21)
TIMES = parse_times("08:00, 09:10, 10:20, 15:00, 16:10, 17:20")


def split(n: int, groups: int) -> dict[str, list[str]]:
    """n teams into `groups` groups as even as possible (A gets the extra ones)."""
    out: dict[str, list[str]] = {chr(65 + g): [] for g in range(groups)}
    for i in range(n):
        out[chr(65 + i % groups)].append(f"t{i}")
    return out


def assert_valid(fixtures, placements, slots, pitches, minutes, rest):  # type: ignore[no-untyped-def]
    assert {p.key for p in placements} == {f.key for f in fixtures}, "every fixture placed once"
    assert len(placements) == len(fixtures)
    by_key = {f.key: f for f in fixtures}
    # no pitch double-booked
    cells = Counter((p.slot, p.pitch) for p in placements)
    assert max(cells.values()) == 1
    assert all(0 <= p.pitch < pitches and 0 <= p.slot < len(slots) for p in placements)
    # no team twice in a slot, and the rest between two matches of a team
    per_team: dict[str, list[dt.datetime]] = {}
    for p in placements:
        for team in by_key[p.key].teams:
            per_team.setdefault(team, []).append(slots[p.slot].start)
    for starts in per_team.values():
        starts.sort()
        for a, b in itertools.pairwise(starts):
            assert b - a >= dt.timedelta(minutes=minutes + rest), (a, b)
    # knockout after the groups and earlier rounds that feed it, with rest
    at = {p.key: slots[p.slot].start for p in placements}
    group_end = {}
    for f in fixtures:
        if f.stage == "group":
            group_end[f.group] = max(group_end.get(f.group, dt.datetime.min), at[f.key])
    for f in fixtures:
        if f.stage != "knockout":
            continue
        for feeder in f.feeders():
            before = group_end.get(feeder) or at[feeder]
            assert at[f.key] >= before + dt.timedelta(minutes=minutes + rest), f.key
    assert violations(fixtures, placements, slots, pitches, minutes, rest) == []


def test_round_robin_pairs_each_pair_once():
    for n in range(2, 17):
        teams = [str(i) for i in range(n)]
        rounds = round_robin(teams)
        pairs = [frozenset(p) for r in rounds for p in r]
        assert len(pairs) == len(set(pairs)) == n * (n - 1) // 2
        for r in rounds:  # nobody twice in a round
            flat = [t for p in r for t in p]
            assert len(flat) == len(set(flat))


@pytest.mark.parametrize("groups", [2, 4])
def test_the_seeds_tournament_fits_two_pitches_and_three_days(groups):
    """12 teams in 2 groups of 6 (or 4 of 3), 2 pitches (立新小学西校, 东湖小学), 3 days from 21 July."""
    teams = split(12, groups)
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), 2, True)
    slots = build_slots(START, 3, TIMES)
    placements = generate(fixtures, slots, 2, 50, 60)
    assert_valid(fixtures, placements, slots, 2, 50, 60)
    assert len(fixtures) == (30 + 4 if groups == 2 else 12 + 8)


def test_cross_knockout_pairs_winners_with_the_other_groups_runners_up():
    two = knockout_plan(["A", "B"], 2, True)
    assert [(f.key, f.home_source, f.away_source) for f in two] == [
        ("SF1", "A1", "B2"),
        ("SF2", "B1", "A2"),
        ("3P", "L:SF1", "L:SF2"),
        ("F", "W:SF1", "W:SF2"),
    ]
    four = knockout_plan(["A", "B", "C", "D"], 2, False)
    first = [(f.home_source, f.away_source) for f in four if f.key.startswith("QF")]
    assert first == [("A1", "B2"), ("C1", "D2"), ("B1", "A2"), ("D1", "C2")]
    # A1 and B1 can only meet in the final: they are in different halves
    semis = {f.key: (f.home_source, f.away_source) for f in four if f.key.startswith("SF")}
    assert semis == {"SF1": ("W:QF1", "W:QF2"), "SF2": ("W:QF3", "W:QF4")}
    assert [f.key for f in four][-1] == "F"


@pytest.mark.parametrize(
    ("letters", "advance", "third", "words"),
    [
        (["A", "B", "C"], 2, False, "共6队"),
        (["A", "B"], 3, False, "晋级总数须为"),
        (["A", "B"], 1, True, "三四名决赛"),
    ],
)
def test_impossible_knockouts_are_refused_in_chinese(letters, advance, third, words):
    with pytest.raises(ScheduleConflict, match=words):
        knockout_plan(letters, advance, third)


def test_too_few_slots_is_a_conflict_not_a_schedule():
    teams = split(12, 2)
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), 2, True)
    slots = build_slots(START, 2, TIMES)  # 2 days × 6 × 2 = 24 places for 34 matches
    with pytest.raises(ScheduleConflict, match=r"共需安排 34 场比赛.*只有 24 个场次"):
        generate(fixtures, slots, 2, 50, 60)


def test_a_rest_rule_no_slot_can_meet_is_a_conflict():
    """Enough places, but a whole day of rest between matches cannot fit five matches in three days."""
    teams = split(12, 2)
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), 2, True)
    slots = build_slots(START, 3, TIMES)
    with pytest.raises(ScheduleConflict, match=r"休息 600 分钟.*找不到可用的场次"):
        generate(fixtures, slots, 3, 50, 600)


def test_overlapping_kickoff_times_are_refused():
    with pytest.raises(ScheduleConflict, match="只相隔 30 分钟"):
        check_times(parse_times("08:00 08:30"), 50)
    with pytest.raises(ScheduleConflict, match="无法识别"):
        parse_times("8点")


def test_violations_name_what_a_hand_move_breaks():
    teams = split(12, 2)
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), 2, True)
    slots = build_slots(START, 3, TIMES)
    placements = generate(fixtures, slots, 2, 50, 60)
    # put the second match of the first slot on the first pitch: double-booked
    first = [p for p in placements if p.slot == 0]
    moved = [Placement(p.key, p.slot, 0) if p == first[1] else p for p in placements]
    assert any("同一场地同一时段" in v for v in violations(fixtures, moved, slots, 2, 50, 60))
    # move a team's match to the slot right after its previous one: rest broken
    team = fixtures[0].home
    mine = sorted(
        (p for p in placements if team in {f.key: f for f in fixtures}[p.key].teams), key=lambda p: p.slot
    )
    nxt = Placement(mine[1].key, mine[0].slot + 1, 1)
    moved = [nxt if p.key == nxt.key else p for p in placements]
    problems = violations(fixtures, moved, slots, 2, 50, 60)
    assert any("休息不足 60 分钟" in v or "同一场地同一时段" in v for v in problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=8, max_value=16),
    groups=st.sampled_from([1, 2, 4]),
    pitches=st.integers(min_value=1, max_value=3),
    days=st.integers(min_value=2, max_value=9),
    per_day=st.integers(min_value=3, max_value=10),
    minutes=st.sampled_from([30, 40, 50]),
    rest=st.sampled_from([0, 30, 60, 120]),
    third=st.booleans(),
)
def test_any_schedule_returned_keeps_every_rule(n, groups, pitches, days, per_day, minutes, rest, third):  # type: ignore[no-untyped-def]
    """8–16 teams, 1–3 pitches: either a schedule that keeps every rule, or a Chinese conflict."""
    teams = split(n, groups)
    advance = 2 if groups > 1 else 4
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), advance, third)
    times = [dt.time(8, 0)]
    for _ in range(per_day - 1):
        nxt = dt.datetime.combine(START, times[-1]) + dt.timedelta(minutes=minutes + 10)
        times.append(nxt.time())
    slots = build_slots(START, days, times)
    try:
        placements = generate(fixtures, slots, pitches, minutes, rest)
    except ScheduleConflict as exc:
        event("冲突")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
        assert "请增加" in str(exc)
        return
    event("排出赛程")
    assert_valid(fixtures, placements, slots, pitches, minutes, rest)
    # every pair of a group meets exactly once
    met = Counter(frozenset(f.teams) for f in fixtures if f.stage == "group")
    for members in teams.values():
        for a, b in itertools.combinations(members, 2):
            assert met[frozenset((a, b))] == 1


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=8, max_value=16),
    groups=st.sampled_from([2, 4]),
    pitches=st.integers(min_value=1, max_value=3),
)
def test_enough_room_always_gives_a_schedule(n, groups, pitches):  # type: ignore[no-untyped-def]
    """With ample days (rest 60 min, six kick-offs a day), the generator must find a schedule."""
    teams = split(n, groups)
    fixtures = group_fixtures(teams) + knockout_plan(list(teams), 2, True)
    need_days = -(-len(fixtures) // pitches) // 2 + 4  # use at most half the places of each day
    slots = build_slots(START, need_days, TIMES)
    placements = generate(fixtures, slots, pitches, 50, 60)
    assert_valid(fixtures, placements, slots, pitches, 50, 60)
