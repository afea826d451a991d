"""What a tournament looks like now: group tables, the bracket, the day's matches and the scorers.

`board(tournament)` reads everything in a fixed number of queries (teams, pitches, matches, lots,
scorers) and computes the rest in Python; the management pages, the public page and the screen's
JSON all draw from it. `public_data` is the anonymous view: no birth dates, no coach, players'
names masked unless the organiser chose full names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from liangping.events.models import Goal, LotDrawing, Match, Stage, Team, Tournament
from liangping.events.scheduling import source_label
from liangping.events.standings import CRITERIA, Points, Result, Row, standings, unresolved_ties

TOP_SCORERS = 10


@dataclass
class GroupTable:
    letter: str
    rows: list[Row]
    played: int
    total: int
    ties: list[list[Team]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.played == self.total


@dataclass
class Board:
    tournament: Tournament
    teams: dict[int, Team]
    matches: list[Match]
    groups: list[GroupTable]
    resolved: dict[str, int]
    lots: list[LotDrawing]
    scorers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def knockout(self) -> list[Match]:
        return [m for m in self.matches if m.stage == Stage.KNOCKOUT]

    def rounds(self) -> list[tuple[str, list[Match]]]:
        """Knockout matches by round, the round named after its first match (半决赛1 → 半决赛)."""
        by_round: dict[int, list[Match]] = defaultdict(list)
        for m in sorted(self.knockout, key=lambda m: (m.round, m.code)):
            by_round[m.round].append(m)
        out = []
        for rnd in sorted(by_round):
            ms = by_round[rnd]
            name = ms[-1].label.rstrip("0123456789") if len(ms) == 1 else ms[0].label.rstrip("0123456789")
            if any(m.code == "F" for m in ms):
                name = "决赛"
            out.append((name, sorted(ms, key=lambda m: (m.code == "F", m.code))))
        return out

    def slot_name(self, match: Match, side: str) -> str:
        team_id = match.home_id if side == "home" else match.away_id
        if team_id:
            return self.teams[team_id].name
        labels = {m.code: m.label for m in self.matches}
        return source_label(match.home_source if side == "home" else match.away_source, labels)

    def champion(self) -> Team | None:
        final = next((m for m in self.matches if m.code == "F"), None)
        winner = final.winner_id() if final else None
        return self.teams.get(winner) if winner else None

    def placings(self) -> list[tuple[str, Team]]:
        out: list[tuple[str, Team]] = []
        for code, first, second in (("F", "冠军", "亚军"), ("3P", "季军", "第四名")):
            m = next((x for x in self.matches if x.code == code), None)
            if m is None or not m.played:
                continue
            w, lo = m.winner_id(), m.loser_id()
            if w and lo:
                out += [(first, self.teams[w]), (second, self.teams[lo])]
        return out


def _lots_map(lots: list[LotDrawing], letter: str, teams: dict[int, Team]) -> dict[frozenset[Any], list[Any]]:
    out: dict[frozenset[Any], list[Any]] = {}
    for lot in lots:
        if lot.group != letter:
            continue
        order = [teams[pk] for pk in lot.teams if pk in teams]
        out[frozenset(order)] = order  # a later drawing of the same teams replaces an earlier one
    return out


def compute_groups(
    tournament: Tournament, teams: dict[int, Team], matches: list[Match], lots: list[LotDrawing]
) -> list[GroupTable]:
    points = Points(tournament.points_win, tournament.points_draw, tournament.points_loss)
    out = []
    for letter in tournament.letters:
        members = [t for t in teams.values() if t.group == letter]
        members.sort(key=lambda t: t.group_order)
        games = [m for m in matches if m.stage == Stage.GROUP and m.group == letter]
        results = [
            Result(teams[m.home_id], teams[m.away_id], m.home_goals, m.away_goals)  # type: ignore[arg-type]
            for m in games
            if m.played and m.home_id in teams and m.away_id in teams
        ]
        table = standings(
            members,
            results,
            tournament.criteria,
            points,
            _lots_map(lots, letter, teams),
            name=lambda t: t.name,
        )
        group = GroupTable(letter, table, len(results), len(games))
        if group.complete:
            group.ties = unresolved_ties(table)
        out.append(group)
    return out


def resolve(groups: list[GroupTable], matches: list[Match]) -> dict[str, int]:
    """Source code → team id, for every source already decided."""
    out: dict[str, int] = {}
    for g in groups:
        if not g.complete:
            continue
        for row in g.rows:
            if not row.needs_lots:
                out[f"{g.letter}{row.position}"] = row.team.pk
    for m in matches:
        if m.stage == Stage.KNOCKOUT and m.played:
            w, lo = m.winner_id(), m.loser_id()
            if w and lo:
                out[f"W:{m.code}"], out[f"L:{m.code}"] = w, lo
    return out


def board(tournament: Tournament, *, scorers: bool = True) -> Board:
    teams = {t.pk: t for t in Team.objects.filter(tournament=tournament)}
    matches = list(
        Match.objects.filter(tournament=tournament)
        .select_related("pitch")
        .order_by("kickoff", "number", "id")
    )
    lots = list(LotDrawing.objects.filter(tournament=tournament))
    groups = compute_groups(tournament, teams, matches, lots)
    out = Board(tournament, teams, matches, groups, resolve(groups, matches), lots)
    if scorers:
        out.scorers = top_scorers(tournament)
    return out


def top_scorers(tournament: Tournament, limit: int = TOP_SCORERS) -> list[dict[str, Any]]:
    rows = (
        Goal.objects.filter(match__tournament=tournament, player__isnull=False)
        .values("player_id", "player__name", "player__number", "team__name")
        .annotate(goals=Count("id"))
        .order_by("-goals", "team__name", "player__number")
    )
    return [
        {
            "player": r["player__name"],
            "number": r["player__number"],
            "team": r["team__name"],
            "goals": r["goals"],
        }
        for r in rows[:limit]
    ]


def group_table(tournament: Tournament, letter: str) -> GroupTable:
    b = board(tournament, scorers=False)
    return next(g for g in b.groups if g.letter == letter)


def resolve_sources(tournament: Tournament) -> dict[str, int]:
    return board(tournament, scorers=False).resolved


# --- the public view ---------------------------------------------------------------------------------


def _mask(name: str, full: bool) -> str:
    return name if full or len(name) < 2 else name[0] + "×" * (len(name) - 1)


def _match_json(b: Board, m: Match) -> dict[str, Any]:
    kickoff = timezone.localtime(m.kickoff) if m.kickoff else None
    return {
        "number": m.number,
        "code": m.code,
        "label": m.label,
        "stage": m.stage,
        "group": m.group,
        "date": kickoff.date().isoformat() if kickoff else None,
        "time": f"{kickoff:%H:%M}" if kickoff else None,
        "pitch": str(m.pitch) if m.pitch else None,
        "home": b.slot_name(m, "home"),
        "away": b.slot_name(m, "away"),
        "known": bool(m.home_id and m.away_id),
        "played": m.played,
        "score": f"{m.home_goals}:{m.away_goals}" if m.played else None,
        "hg": m.home_goals,
        "ag": m.away_goals,
        "hp": m.home_penalties,
        "ap": m.away_penalties,
        "penalties": f"{m.home_penalties}:{m.away_penalties}" if m.home_penalties is not None else None,
        "winner": ("home" if m.winner_id() == m.home_id else "away") if m.played and m.winner_id() else None,
    }


def public_data(tournament: Tournament, today: dt.date | None = None) -> dict[str, Any]:
    """The tournament as anyone may see it; the same dict feeds the public page and the screen."""
    b = board(tournament)
    today = today or timezone.localdate()
    days = [tournament.start_date + dt.timedelta(days=i) for i in range(tournament.days)]
    show_day = today if today in days else (days[0] if today < days[0] else days[-1])
    full = tournament.public_player_names
    champion = b.champion()
    last = max((m.result_at for m in b.matches if m.result_at), default=None)
    return {
        "id": tournament.pk,
        "name": tournament.name,
        "org": tournament.org.name,
        "sample": tournament.sample,
        "age_group": tournament.age_group,
        "dates": f"{tournament.start_date:%Y年%-m月%-d日}—{tournament.end_date:%-m月%-d日}",
        "venues": list(dict.fromkeys(p.venue for p in tournament.pitches.all())),
        "rules": "、".join(CRITERIA[c] for c in tournament.criteria),
        "points": f"胜{tournament.points_win}分、平{tournament.points_draw}分、负{tournament.points_loss}分",
        "format": (
            f"{tournament.group_count}个小组各{tournament.group_size}队单循环，"
            f"每组前{tournament.advance}名交叉淘汰"
        ),
        "updated": timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else None,
        "groups": [
            {
                "letter": g.letter,
                "complete": g.complete,
                "played": g.played,
                "total": g.total,
                "rows": [
                    {
                        "position": r.position,
                        "team": r.team.name,
                        "city": r.team.city,
                        "played": r.played,
                        "won": r.won,
                        "drawn": r.drawn,
                        "lost": r.lost,
                        "gf": r.goals_for,
                        "ga": r.goals_against,
                        "gd": r.goal_difference,
                        "points": r.points,
                        "note": "待抽签"
                        if r.needs_lots and g.complete
                        else (r.decided_by if g.played else ""),
                        "advances": g.complete and not r.needs_lots and r.position <= tournament.advance,
                    }
                    for r in g.rows
                ],
            }
            for g in b.groups
        ],
        "rounds": [{"name": name, "matches": [_match_json(b, m) for m in ms]} for name, ms in b.rounds()],
        "day": show_day.isoformat(),
        "day_label": f"{show_day:%-m月%-d日}（第{days.index(show_day) + 1}比赛日）"
        if show_day in days
        else "",
        "today": [
            _match_json(b, m)
            for m in b.matches
            if m.kickoff and timezone.localtime(m.kickoff).date() == show_day
        ],
        "scorers": [{**s, "player": _mask(s["player"], full)} for s in b.scorers],
        "champion": champion.name if champion else None,
        "placings": [{"place": p, "team": t.name} for p, t in b.placings()],
        "played": sum(1 for m in b.matches if m.played),
        "total": len(b.matches),
    }
