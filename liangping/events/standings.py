"""Group tables, as pure functions: points, then the tie-break criteria in the order a tournament
stores them (data, not code), ending with a drawing of lots that someone records.

The criteria are applied like the usual competition rules: teams level on points are compared on the
first criterion; if that splits them into smaller sets, the criteria start again from the first for
each set that is still level (so head-to-head counts only the matches among the teams still tied);
if it does not split them, the next criterion is tried. Teams still level after the last criterion
need lots: with a recorded drawing their order is the drawing's, else they share the place and the
row says 待抽签 — a bracket slot that depends on them stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CRITERIA: dict[str, str] = {
    "h2h_points": "相互间比赛积分",
    "h2h_goal_difference": "相互间比赛净胜球",
    "h2h_goals_for": "相互间比赛进球数",
    "goal_difference": "净胜球",
    "goals_for": "进球数",
    "wins": "胜场数",
    "lots": "抽签",
}
DEFAULT_CRITERIA = ["h2h_points", "goal_difference", "goals_for", "lots"]


class RulesError(ValueError):
    pass


def check_criteria(codes: Sequence[str]) -> list[str]:
    """A usable criteria list: known codes, no repeats, ending with lots (a table must be decidable)."""
    out = [c.strip() for c in codes if c.strip()]
    unknown = [c for c in out if c not in CRITERIA]
    if unknown:
        raise RulesError(f"未知的排名规则：{'、'.join(unknown)}")
    if len(set(out)) != len(out):
        raise RulesError("排名规则有重复，请每条只选一次")
    if not out or out[-1] != "lots":
        raise RulesError("排名规则的最后一条必须是“抽签”，否则成绩完全相同的球队无法排定名次")
    return out


@dataclass(frozen=True)
class Result:
    home: Any
    away: Any
    home_goals: int
    away_goals: int


@dataclass
class Row:
    team: Any
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    points: int = 0
    position: int = 0
    decided_by: str = ""  # the criterion that separated this team from a team level on points
    needs_lots: bool = False  # level after every criterion and no drawing recorded
    tied_with: list[Any] = field(default_factory=list)

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against


@dataclass(frozen=True)
class Points:
    win: int = 3
    draw: int = 1
    loss: int = 0


def _tally(teams: Iterable[Any], results: Iterable[Result], points: Points) -> dict[Any, Row]:
    rows = {t: Row(t) for t in teams}
    for r in results:
        if r.home not in rows or r.away not in rows:
            continue
        for me, _other, mine, theirs in (
            (r.home, r.away, r.home_goals, r.away_goals),
            (r.away, r.home, r.away_goals, r.home_goals),
        ):
            row = rows[me]
            row.played += 1
            row.goals_for += mine
            row.goals_against += theirs
            if mine > theirs:
                row.won += 1
                row.points += points.win
            elif mine == theirs:
                row.drawn += 1
                row.points += points.draw
            else:
                row.lost += 1
                row.points += points.loss
    return rows


def _key(
    code: str,
    rows: dict[Any, Row],
    subset: Sequence[Any],
    results: Sequence[Result],
    points: Points,
) -> Callable[[Any], int]:
    if code.startswith("h2h_"):
        mini = _tally(subset, [r for r in results if r.home in subset and r.away in subset], points)
        attr = code.removeprefix("h2h_")
        return lambda t: getattr(mini[t], attr)
    return lambda t: getattr(rows[t], code)


def _split(teams: list[Any], key: Callable[[Any], int]) -> list[list[Any]]:
    """Teams in descending order of `key`, grouped by equal values."""
    ordered = sorted(teams, key=key, reverse=True)
    out: list[list[Any]] = []
    for t in ordered:
        if out and key(out[-1][0]) == key(t):
            out[-1].append(t)
        else:
            out.append([t])
    return out


def standings(
    teams: Sequence[Any],
    results: Sequence[Result],
    criteria: Sequence[str] = DEFAULT_CRITERIA,
    points: Points = Points(),
    lots: Mapping[frozenset[Any], Sequence[Any]] | None = None,
    name: Callable[[Any], str] = str,
) -> list[Row]:
    """The ordered table. `lots` maps a set of tied teams to the order a drawing gave them."""
    rows = _tally(teams, results, points)
    lots = lots or {}
    ordered: list[tuple[list[Any], str, bool]] = []  # (teams in order, decided_by, unresolved)

    def resolve(subset: list[Any], start: int, why: str) -> None:
        if len(subset) == 1:
            ordered.append((subset, why, False))
            return
        for i in range(start, len(criteria)):
            code = criteria[i]
            if code == "lots":
                drawn = lots.get(frozenset(subset))
                if drawn is not None and set(drawn) == set(subset):
                    for t in drawn:
                        ordered.append(([t], CRITERIA["lots"], False))
                else:
                    ordered.append((sorted(subset, key=name), "", True))
                return
            parts = _split(subset, _key(code, rows, subset, results, points))
            if len(parts) > 1:
                for part in parts:
                    # a smaller set still level: start again from the first criterion
                    resolve(part, 0 if len(part) > 1 else i, CRITERIA[code])
                return
        ordered.append((sorted(subset, key=name), "", True))

    for level in _split(list(teams), lambda t: rows[t].points):
        resolve(level, 0, "")
    out: list[Row] = []
    position = 1
    for group, why, unresolved in ordered:
        for t in group:
            row = rows[t]
            row.position = position
            row.decided_by = why
            row.needs_lots = unresolved
            row.tied_with = [o for o in group if o != t] if unresolved else []
            out.append(row)
        position += len(group)
    return out


def unresolved_ties(table: Sequence[Row]) -> list[list[Any]]:
    """The sets of teams that need a drawing of lots, in table order."""
    seen: list[list[Any]] = []
    for row in table:
        if row.needs_lots and not any(row.team in s for s in seen):
            seen.append([row.team, *row.tied_with])
    return seen
