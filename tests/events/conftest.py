"""A tournament of the test cast: organised by 滕州市 (the district user's org), 12 teams in two groups
of six with two players each, two pitches, three days; the project specialist is its table official.
A second tournament organised by 市中区 is outside every cast member's scope but the supervisor's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from liangping.events import services
from liangping.events.models import Match, Team, Tournament
from tests.cast import Cast

TEAM_NAMES = [
    "菲特宝足球青训队",
    "东湖小学队",
    "立新西校队",
    "滕州鼎圣队",
    "济宁龙创队",
    "苏州新征程队",
    "青檀少年队",
    "运河少年队",
    "榴园少年队",
    "翼云少年队",
    "彭城少年队",
    "沂蒙少年队",
]


def values(org, **over):  # type: ignore[no-untyped-def]
    base = {
        "name": "测试邀请赛",
        "org": org,
        "age_group": "U12",
        "born_from": dt.date(2013, 1, 1),
        "start_date": dt.date(2025, 7, 21),
        "days": 3,
        "kickoff_times": ["08:00", "09:10", "10:20", "15:00", "16:10", "17:20"],
        "match_minutes": 50,
        "rest_minutes": 60,
        "group_count": 2,
        "group_size": 6,
        "advance": 2,
        "third_place": True,
        "points_win": 3,
        "points_draw": 1,
        "points_loss": 0,
        "criteria": ["h2h_points", "goal_difference", "goals_for", "lots"],
        "public": True,
    }
    return {**base, **over}


def build(actor, org, name: str, *, teams: int = 12, **over) -> Tournament:  # type: ignore[no-untyped-def]
    t = services.create_tournament(
        actor, values(org, name=name, **over), [("立新小学西校", ""), ("东湖小学", "")]
    )
    for i, team_name in enumerate(TEAM_NAMES[:teams]):
        team = services.save_team(
            actor, t, {"name": team_name, "city": "枣庄", "kind": "school", "seeded": i < 2, "coach": "教练"}
        )
        for number in (7, 10):
            services.save_player(
                actor,
                team,
                {"name": f"队员{i}{number}", "number": number, "birth_date": dt.date(2014, 3, number)},
            )
    return t


@dataclass
class Cup:
    t: Tournament
    other: Tournament

    def team(self, name: str) -> Team:
        return self.t.teams.get(name=name)

    def match(self, code: str) -> Match:
        return Match.objects.select_related("home", "away", "tournament").get(tournament=self.t, code=code)


@pytest.fixture
def cup(cast: Cast) -> Cup:
    t = build(cast.district, cast.tengzhou, "滕州测试邀请赛")
    services.add_official(cast.district, t, cast.specialist, "table")
    other = build(cast.supervisor, cast.shizhong, "市中区测试邀请赛", teams=2, public=False)
    return Cup(t, other)


@pytest.fixture
def scheduled(cup: Cup, cast: Cast) -> Cup:
    services.draw_groups(cast.district, cup.t, method="random", seed="test")
    services.generate_schedule(cast.district, cup.t)
    return cup


def play(actor, match: Match, home: int, away: int, **kw) -> Match:  # type: ignore[no-untyped-def]
    match.refresh_from_db()
    return services.enter_result(
        actor, match, home_goals=home, away_goals=away, expected_version=match.version, **kw
    )
