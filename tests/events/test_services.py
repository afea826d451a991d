"""Tournament services: set-up, the seeded draw, the schedule, results from the touchline with
version checks and audited corrections, the bracket filling itself in, and every bad input refused
with a Chinese message and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.core.models import AuditLog
from liangping.events import services, tables
from liangping.events.models import Goal, LotDrawing, Match, ResultEntry, Stage, Team
from tests.events.conftest import build, play, values

pytestmark = pytest.mark.django_db


def test_the_seeded_draw_is_reproducible_and_keeps_seeds_apart(cup, cast):
    services.draw_groups(cast.district, cup.t, method="random", seed="abc123")
    first = {t.name: (t.group, t.group_order) for t in Team.objects.filter(tournament=cup.t)}
    seeded = [t for t in Team.objects.filter(tournament=cup.t, seeded=True)]
    assert {t.group for t in seeded} == {"A", "B"}  # the two seeded teams in different groups
    cup.t.refresh_from_db()
    assert cup.t.draw_seed == "abc123" and cup.t.draw_method == "random"
    entry = AuditLog.objects.filter(action="tournament.draw").latest("id")
    assert entry.changes["seed"] == [None, "abc123"]
    # the same seed and teams again: the same groups
    Team.objects.filter(tournament=cup.t).update(group="", group_order=0)
    services.draw_groups(cast.district, cup.t, method="random", seed="abc123")
    again = {t.name: (t.group, t.group_order) for t in Team.objects.filter(tournament=cup.t)}
    assert again == first
    services.draw_groups(cast.district, cup.t, method="random", seed="other")
    assert {t.name: (t.group, t.group_order) for t in Team.objects.filter(tournament=cup.t)} != first


def test_a_team_in_two_groups_is_refused_and_nothing_saved(cup, cast):
    teams = list(cup.t.teams.all())
    groups = {"A": teams[:6], "B": [teams[0], *teams[7:12]]}
    before = AuditLog.objects.count()
    with pytest.raises(services.EventError, match=f"{teams[0].name} 同时被分在A组和B组"):
        services.draw_groups(cast.district, cup.t, method="manual", groups=groups)
    assert not cup.t.teams.exclude(group="").exists()
    assert AuditLog.objects.count() == before
    services.draw_groups(cast.district, cup.t, method="manual", groups={"A": teams[:6], "B": teams[6:]})
    assert [t.group for t in cup.t.teams.order_by("pk")] == ["A"] * 6 + ["B"] * 6


def test_the_schedule_fits_two_pitches_three_days_with_the_cross_knockout(scheduled):
    matches = list(Match.objects.filter(tournament=scheduled.t))
    assert len(matches) == 34
    ko = {m.code: (m.home_source, m.away_source) for m in matches if m.stage == Stage.KNOCKOUT}
    assert ko == {"SF1": ("A1", "B2"), "SF2": ("B1", "A2"), "3P": ("L:SF1", "L:SF2"), "F": ("W:SF1", "W:SF2")}
    days = {timezone.localtime(m.kickoff).date() for m in matches}
    assert days <= {dt.date(2025, 7, 21), dt.date(2025, 7, 22), dt.date(2025, 7, 23)}
    cells = {(m.kickoff, m.pitch_id) for m in matches}
    assert len(cells) == 34  # one match per pitch at a time
    assert sorted(m.number for m in matches) == list(range(1, 35))


def test_an_impossible_schedule_is_a_conflict_and_nothing_is_saved(cup, cast):
    services.draw_groups(cast.district, cup.t, method="random", seed="x")
    t = cup.t
    services.update_tournament(cast.district, t, {"days": 2}, expected_version=t.version)
    with pytest.raises(services.EventError, match="共需安排 34 场比赛"):
        services.generate_schedule(cast.district, t)
    assert not t.matches.exists()


def test_moving_a_match_that_breaks_the_rest_rule_is_refused(scheduled, cast):
    t = scheduled.t
    first = Match.objects.filter(tournament=t, stage=Stage.GROUP).order_by("kickoff", "number").first()
    team = first.home_id
    nxt = (
        (
            Match.objects.filter(tournament=t, stage=Stage.GROUP).filter(home_id=team)
            | Match.objects.filter(tournament=t, stage=Stage.GROUP, away_id=team)
        )
        .exclude(pk=first.pk)
        .order_by("kickoff")
        .first()
    )
    slot_after = first.kickoff + dt.timedelta(minutes=70)  # the next kick-off: only 20 minutes of rest
    other_pitch = t.pitches.exclude(pk=first.pitch_id).first()
    free_pitch = [p for p in t.pitches.all() if not t.matches.filter(kickoff=slot_after, pitch=p).exists()]
    pitch = free_pitch[0] if free_pitch else other_pitch
    before = (nxt.kickoff, nxt.pitch_id, nxt.version)
    with pytest.raises(services.EventError, match="未保存") as info:
        services.move_match(cast.district, nxt, slot_after, pitch, expected_version=nxt.version)
    assert "休息不足 60 分钟" in str(info.value) or "同一场地同一时段" in str(info.value)
    nxt.refresh_from_db()
    assert (nxt.kickoff, nxt.pitch_id, nxt.version) == before


def test_result_entry_bad_inputs(scheduled, cast):
    m = scheduled.match("A-1-1")
    with pytest.raises(services.EventError, match="主队进球数不能为负数"):
        play(cast.specialist, m, -1, 0)
    with pytest.raises(services.EventError, match="请填写客队进球数"):
        play(cast.specialist, m, 1, None)
    with pytest.raises(services.EventError, match="只有淘汰赛打平才有点球大战"):
        play(cast.specialist, m, 1, 1, home_penalties=4, away_penalties=3)
    with pytest.raises(services.EventError, match="没有 99 号球员"):
        play(cast.specialist, m, 1, 0, home_scorers="99")
    with pytest.raises(services.EventError, match="多于主队进球数"):
        play(cast.specialist, m, 1, 0, home_scorers="7 10")
    ko = scheduled.match("SF1")
    with pytest.raises(services.EventError, match="对阵尚未确定"):
        play(cast.district, ko, 1, 0)
    m.refresh_from_db()
    assert not m.played and not ResultEntry.objects.exists() and not Goal.objects.exists()


def test_a_result_for_a_match_not_yet_scheduled_is_refused(scheduled, cast):
    m = scheduled.match("A-1-1")
    Match.objects.filter(pk=m.pk).update(kickoff=None)
    with pytest.raises(services.EventError, match="尚未排定时间和场地"):
        play(cast.district, m, 1, 0)


def test_only_organisers_and_officials_enter_results(scheduled, cast):
    m = scheduled.match("A-1-1")
    for outsider in (cast.owner, cast.leader, cast.department):
        with pytest.raises(services.EventError, match="不能录入比分"):
            play(outsider, m, 1, 0)
    play(cast.specialist, m, 2, 1, home_scorers="7 10", away_scorers="10")
    m.refresh_from_db()
    assert (m.home_goals, m.away_goals, m.result_by) == (2, 1, cast.specialist)
    assert Goal.objects.filter(match=m, player__isnull=False).count() == 3


def test_concurrent_entries_one_wins_the_other_gets_a_conflict(scheduled, cast):
    m = scheduled.match("A-1-1")
    seen_by_both = m.version
    services.enter_result(cast.specialist, m, home_goals=1, away_goals=0, expected_version=seen_by_both)
    other = scheduled.match("A-1-1")
    with pytest.raises(services.EventConflict, match=r"已被专员甲于.*录入或修改"):
        services.enter_result(
            cast.district, other, home_goals=0, away_goals=3, expected_version=seen_by_both, reason="更正"
        )
    other.refresh_from_db()
    assert (other.home_goals, other.away_goals) == (1, 0)
    assert ResultEntry.objects.filter(match=m).count() == 1


def test_a_correction_needs_a_reason_and_is_audited_never_lost(scheduled, cast):
    m = play(cast.specialist, scheduled.match("A-1-1"), 1, 0)
    with pytest.raises(services.EventError, match="更正比分须写明原因"):
        play(cast.district, m, 2, 0)
    play(cast.district, m, 2, 0, reason="记录台漏记一球")
    m.refresh_from_db()
    assert (m.home_goals, m.away_goals) == (2, 0)
    entries = list(ResultEntry.objects.filter(match=m).order_by("at", "id"))
    assert [(e.home_goals, e.away_goals, e.reason) for e in entries] == [(1, 0, ""), (2, 0, "记录台漏记一球")]
    log = AuditLog.objects.filter(action="match.correct", object_id=str(m.pk)).get()
    assert log.changes["score"] == ["1:0", "2:0"] and log.reason == "记录台漏记一球"
    assert AuditLog.objects.filter(action="match.result", object_id=str(m.pk)).count() == 1


def finish_groups(cup, actor):  # type: ignore[no-untyped-def]
    """Every group match 1:0 to the team drawn earlier in its group, so the tables are all distinct."""
    for m in Match.objects.filter(tournament=cup.t, stage=Stage.GROUP).select_related("home", "away"):
        if m.home.group_order < m.away.group_order:
            play(actor, m, 1, 0)
        else:
            play(actor, m, 0, 1)


def test_the_bracket_fills_itself_in_and_penalties_decide_a_drawn_knockout(scheduled, cast):
    cup = scheduled
    assert cup.match("SF1").home_id is None
    finish_groups(cup, cast.district)
    a = {t.group_order: t for t in cup.t.teams.filter(group="A")}
    b = {t.group_order: t for t in cup.t.teams.filter(group="B")}
    sf1, sf2 = cup.match("SF1"), cup.match("SF2")
    assert (sf1.home, sf1.away) == (a[1], b[2])  # A1–B2
    assert (sf2.home, sf2.away) == (b[1], a[2])  # B1–A2
    with pytest.raises(services.EventError, match="以点球决胜"):
        play(cast.district, sf1, 1, 1)
    with pytest.raises(services.EventError, match="点球大战不能打平"):
        play(cast.district, sf1, 1, 1, home_penalties=3, away_penalties=3)
    play(cast.district, sf1, 1, 1, home_penalties=3, away_penalties=4)
    play(cast.district, sf2, 2, 0)
    final, third = cup.match("F"), cup.match("3P")
    assert (final.home, final.away) == (b[2], b[1])
    assert (third.home, third.away) == (a[1], a[2])
    # a group result cannot be corrected once the knockout has started
    with pytest.raises(services.EventError, match="淘汰赛已开赛"):
        play(cast.district, cup.match("A-1-1"), 5, 5, reason="迟到的更正")
    play(cast.district, final, 0, 2)
    board = tables.board(cup.t)
    assert board.champion() == b[1]
    # a knockout result that feeds a played match cannot be corrected
    with pytest.raises(services.EventError, match="决赛已赛"):
        play(cast.district, cup.match("SF1"), 2, 0, reason="更正")


def test_a_tie_on_everything_waits_for_a_recorded_drawing_of_lots(cast):
    t = build(cast.district, cast.tengzhou, "四组赛", group_count=4, group_size=3, third_place=False)
    services.draw_groups(cast.district, t, method="random", seed="lots")
    services.generate_schedule(cast.district, t)
    assert Match.objects.filter(tournament=t).count() == 12 + 7
    for m in Match.objects.filter(tournament=t, stage=Stage.GROUP):
        play(cast.district, m, 1, 1)  # every group level on everything
    qf1 = Match.objects.get(tournament=t, code="QF1")
    assert qf1.home_id is None and qf1.away_id is None
    assert (qf1.home_source, qf1.away_source) == ("A1", "B2")
    table = tables.group_table(t, "A")
    assert len(table.ties) == 1 and len(table.ties[0]) == 3
    with pytest.raises(services.EventError, match="须恰好包含"):
        services.record_lots(cast.district, t, "A", table.ties[0][:2])
    services.record_lots(cast.district, t, "A", None, seed="lotsA")
    lot = LotDrawing.objects.get(tournament=t, group="A")
    assert lot.seed == "lotsA" and lot.by == cast.district
    assert [r.position for r in tables.group_table(t, "A").rows] == [1, 2, 3]
    qf1.refresh_from_db()
    assert qf1.home_id == lot.teams[0] and qf1.away_id is None  # B is still level
    order = list(tables.group_table(t, "B").ties[0])
    services.record_lots(cast.district, t, "B", order)
    qf1.refresh_from_db()
    assert qf1.away_id == order[1].pk


def test_setup_rules_and_limits(cup, cast):
    with pytest.raises(services.EventError, match="最后一条必须是“抽签”"):
        services.update_tournament(
            cast.district, cup.t, {"criteria": ["goal_difference"]}, expected_version=cup.t.version
        )
    with pytest.raises(services.EventError, match="晋级总数须为"):
        services.update_tournament(cast.district, cup.t, {"advance": 3}, expected_version=cup.t.version)
    with pytest.raises(services.EventError, match="已满"):
        services.save_team(cast.district, cup.t, {"name": "第十三队", "city": "枣庄"})
    team = cup.t.teams.first()
    with pytest.raises(services.EventError, match="早于本赛事年龄组要求"):
        services.save_player(
            cast.district, team, {"name": "超龄", "number": 9, "birth_date": dt.date(2012, 12, 31)}
        )
    with pytest.raises(services.EventError, match="已有 7 号球员"):
        services.save_player(
            cast.district, team, {"name": "重号", "number": 7, "birth_date": dt.date(2014, 1, 1)}
        )
    with pytest.raises(services.EventError, match="只能为本单位或下级单位"):
        services.create_tournament(cast.district, {**_values(cast), "org": cast.shizhong}, [("场地", "")])
    with pytest.raises(services.EventError, match="没有新建赛事的权限"):
        services.create_tournament(cast.owner, _values(cast), [("场地", "")])
    before = cup.t.version
    services.update_tournament(
        cast.district, cup.t, {"rest_minutes": 45}, expected_version=before, reason="天气炎热"
    )
    log = AuditLog.objects.filter(action="tournament.update").latest("id")
    assert log.changes["rest_minutes"] == [60, 45] and log.reason == "天气炎热"
    with pytest.raises(services.EventConflict):
        services.update_tournament(cast.district, cup.t, {"rest_minutes": 30}, expected_version=before)


def _values(cast):  # type: ignore[no-untyped-def]
    return values(cast.tengzhou)
