"""The demo's invitational: the seeds' teams and facts, 12 teams, every match of the three days played
with invented results marked 示例数据, a champion; loading it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.core.models import AuditLog, Role
from liangping.demo.tournament import NAME, load_tournament_demo
from liangping.events import tables
from liangping.events.models import Match, Tournament
from tests.cast import make_user

pytestmark = pytest.mark.django_db

SEED_TEAMS = {"菲特宝足球青训队", "东湖小学队", "立新西校队", "滕州鼎圣队", "济宁龙创队", "苏州新征程队"}


def test_the_demo_tournament(cast):
    make_user("district_sz", Role.DISTRICT, cast.shizhong, "市中员")
    assert load_tournament_demo() == 34
    t = Tournament.objects.get(name=NAME)
    assert (t.org, t.start_date, t.days, t.sample, t.public) == (
        cast.shizhong,
        dt.date(2025, 7, 21),
        3,
        True,
        True,
    )
    assert [str(p) for p in t.pitches.all()] == ["立新小学西校", "东湖小学"]
    assert "26所“全国校园足球特色学校”和3所“全国足球特色幼儿园”" in t.description
    teams = {team.name: team for team in t.teams.all()}
    assert len(teams) == 12 and SEED_TEAMS <= set(teams)
    assert {n for n, team in teams.items() if team.sample} == set(teams) - SEED_TEAMS
    matches = list(Match.objects.filter(tournament=t))
    assert len(matches) == 34 and all(m.played for m in matches)
    days = {timezone.localtime(m.kickoff).date() for m in matches}
    assert days == {dt.date(2025, 7, 21), dt.date(2025, 7, 22), dt.date(2025, 7, 23)}
    board = tables.board(t)
    assert board.champion() is not None and len(board.placings()) == 4
    assert board.scorers and t.draw_seed == "zaozhuang2025"
    entries = AuditLog.objects.count()
    assert load_tournament_demo() == 0
    assert AuditLog.objects.count() == entries
