"""The demo's youth football invitational (示例数据 for everything the seeds do not give).

From the seeds: 「2025年枣庄市第一届全国青少年足球邀请赛」 opened on 21 July 2025 at 立新小学西校, 12 teams
over 3 days, played at the same time at 立新小学西校 and 东湖小学, group round robin then cross
knockout; the teams 菲特宝足球青训队, 东湖小学队, 立新西校队, 滕州鼎圣队 (local), 济宁龙创队, 苏州新征程队
(visitors); 市中区 has 26 national campus-football schools and 3 football kindergartens.
Invented: the six other teams, every player, coach and birth date, the kick-off times, the draw seed
and every result. The tournament is organised by 市中区 and run through the same services a person
uses (each step audited), so the demo shows a finished tournament with a champion.

Idempotent: a tournament of that name already present is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random

from liangping.core.models import Org, OrgKind, Role, User
from liangping.demo import names as N
from liangping.demo.plan import NameMaker
from liangping.events import services as events
from liangping.events import tables
from liangping.events.models import Match, Stage, Tournament

NAME = "2025年枣庄市第一届全国青少年足球邀请赛"
DESCRIPTION = (
    "7月21日在立新小学西校开赛，12支队伍参赛，为期3天，采用小组循环与交叉淘汰赛制，"
    "在立新小学西校和东湖小学同步进行。市中区培育了26所“全国校园足球特色学校”"
    "和3所“全国足球特色幼儿园”。（参赛名单中6支队伍、全部球员和比分为示例数据）"
)
# (team, city, kind, affiliation, from the seeds)
TEAMS: list[tuple[str, str, str, str, bool]] = [
    ("菲特宝足球青训队", "枣庄", "club", "菲特宝足球青训", True),
    ("东湖小学队", "枣庄", "school", "东湖小学", True),
    ("立新西校队", "枣庄", "school", "立新小学西校", True),
    ("滕州鼎圣队", "枣庄", "club", "滕州鼎圣足球俱乐部", True),
    ("济宁龙创队", "济宁", "club", "济宁龙创足球俱乐部", True),
    ("苏州新征程队", "苏州", "club", "苏州新征程足球俱乐部", True),
    ("青檀少年队", "枣庄", "club", "", False),
    ("运河少年队", "枣庄", "school", "", False),
    ("榴园少年队", "枣庄", "school", "", False),
    ("翼云少年队", "枣庄", "club", "", False),
    ("彭城少年队", "徐州", "club", "", False),
    ("沂蒙少年队", "临沂", "club", "", False),
]
SEEDED = {"立新西校队", "东湖小学队"}  # the two host schools (示例)
PLAYERS_PER_TEAM = 10
DRAW_SEED = "zaozhuang2025"


def load_tournament_demo() -> int:
    """Create and play the demo tournament; returns the number of matches written (0 if present)."""
    if Tournament.objects.filter(name=NAME).exists():
        return 0
    org = Org.objects.get(kind=OrgKind.DISTRICT, name="市中区")
    actor = User.objects.filter(role=Role.DISTRICT, org=org).order_by("pk").first()
    if actor is None:
        return 0
    rng = random.Random("liangping-demo-football")
    values = {
        "name": NAME,
        "org": org,
        "description": DESCRIPTION,
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
        "public_player_names": False,
    }
    tournament = events.create_tournament(
        actor, values, [("立新小学西校", ""), ("东湖小学", "")], sample=True
    )
    people = NameMaker(rng, set(N.LEADERS))
    for name, city, kind, affiliation, real in TEAMS:
        team = events.save_team(
            actor,
            tournament,
            {
                "name": name,
                "city": city,
                "kind": kind,
                "affiliation": affiliation,
                "coach": people(),
                "seeded": name in SEEDED,
            },
        )
        # the seeds' teams are real (their players and coach are not); the six others are invented
        type(team).objects.filter(pk=team.pk).update(sample=not real)
        numbers = rng.sample(range(1, 24), PLAYERS_PER_TEAM)
        for number in sorted(numbers):
            born = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            events.save_player(actor, team, {"name": people(), "number": number, "birth_date": born})
    events.draw_groups(actor, tournament, method="random", seed=DRAW_SEED)
    events.generate_schedule(actor, tournament)
    strength = {name: rng.uniform(0.6, 2.2) for name, *_rest in TEAMS}
    for match in Match.objects.filter(tournament=tournament, stage=Stage.GROUP).select_related(
        "home", "away"
    ):
        _play(actor, match, strength, rng)
    for group in tournament.letters:
        while tables.group_table(tournament, group).ties:
            events.record_lots(actor, tournament, group, None, seed=f"{DRAW_SEED}-{group}")
    for match in Match.objects.filter(tournament=tournament, stage=Stage.KNOCKOUT).order_by(
        "round", "number"
    ):
        match.refresh_from_db()
        _play(actor, match, strength, rng)
    return Match.objects.filter(tournament=tournament).count()


def _goals(rng: random.Random, mean: float) -> int:
    goals, threshold, product = 0, pow(2.718281828, -mean), rng.random()
    while product > threshold:  # a Poisson draw (Knuth)
        goals += 1
        product *= rng.random()
    return min(goals, 6)


def _play(actor: User, match: Match, strength: dict[str, float], rng: random.Random) -> None:
    assert match.home is not None and match.away is not None
    home = _goals(rng, strength[match.home.name] * 0.9)
    away = _goals(rng, strength[match.away.name] * 0.9)
    pens: tuple[int | None, int | None] = (None, None)
    if match.stage == Stage.KNOCKOUT and home == away:
        a, b = rng.randint(2, 5), rng.randint(2, 5)
        pens = (a, b) if a != b else (a + 1, b)
    home_players = list(match.home.players.values_list("number", flat=True))
    away_players = list(match.away.players.values_list("number", flat=True))
    events.enter_result(
        actor,
        match,
        home_goals=home,
        away_goals=away,
        home_penalties=pens[0],
        away_penalties=pens[1],
        home_scorers=" ".join(str(rng.choice(home_players)) for _ in range(home)),
        away_scorers=" ".join(str(rng.choice(away_players)) for _ in range(away)),
        expected_version=match.version,
    )
