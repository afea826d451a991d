"""The fixture list and the schedule of a tournament, as pure functions (no database).

- `round_robin` pairs a group by the circle method: every pair meets once, one round at a time.
- `knockout_plan` builds the cross knockout (A1–B2, B1–A2 …; with four groups the winners of A and B
  are put in opposite halves), the later rounds and the third-place match.
- `generate` places every fixture in a (day, time, pitch) slot so that no pitch holds two matches at
  once, no team plays twice in a time slot, and between two matches of a team there is at least the
  minimum rest. A knockout match waits for every match that decides its teams (the feeding groups or
  the earlier knockout matches) plus the rest. When that is impossible it raises `ScheduleConflict`
  with a message in Chinese instead of returning a schedule that breaks a rule.
- `violations` checks any schedule (a generated one, or one after a match was moved by hand) against
  the same rules and says in Chinese what is wrong.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ROUND_NAMES = {2: "决赛", 4: "半决赛", 8: "四分之一决赛", 16: "八分之一决赛", 32: "三十二强赛"}
ROUND_CODES = {2: "F", 4: "SF", 8: "QF", 16: "R16", 32: "R32"}
THIRD_PLACE = "3P"
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


class ScheduleConflict(ValueError):
    """The inputs admit no schedule under the rules; the message says why and what to change."""


@dataclass(frozen=True)
class Fixture:
    """A match to be placed. Group fixtures name their teams; knockout fixtures name their sources:
    "A1" (winner of group A), "B2", "W:SF1" (winner of match SF1), "L:SF1" (its loser)."""

    key: str
    stage: str  # "group" or "knockout"
    label: str  # "A组第1轮" / "半决赛1"
    group: str = ""
    round: int = 1
    home: str | None = None
    away: str | None = None
    home_source: str = ""
    away_source: str = ""

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(t for t in (self.home, self.away) if t is not None)

    def feeders(self) -> tuple[str, ...]:
        """Group letters and match keys whose results decide this fixture's teams."""
        out = []
        for source in (self.home_source, self.away_source):
            if source.startswith(("W:", "L:")):
                out.append(source[2:])
            elif source:
                out.append(source.rstrip("0123456789"))
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Slot:
    """A kick-off time on a match day. `index` counts slots over the whole tournament in time order."""

    index: int
    day: int  # 0-based match day
    start: dt.datetime


@dataclass(frozen=True)
class Placement:
    key: str
    slot: int
    pitch: int  # 0-based pitch number


@dataclass
class Plan:
    fixtures: list[Fixture]
    slots: list[Slot]
    pitches: int
    match_minutes: int
    rest_minutes: int
    placements: list[Placement] = field(default_factory=list)


# --- times ---------------------------------------------------------------------------------------


def parse_times(text: str | Iterable[str]) -> list[dt.time]:
    """Kick-off times written as 08:30, 8:30 or 08：30, separated by commas, spaces or lines."""
    parts = re.split(r"[\s,，、;；]+", text.strip()) if isinstance(text, str) else list(text)
    out: list[dt.time] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        match = TIME_RE.match(part)
        if not match:
            raise ScheduleConflict(f"开球时间“{part}”无法识别，请写成 08:30 这样的时刻，多个时刻用逗号分开")
        out.append(dt.time(int(match.group(1)), int(match.group(2))))
    if not out:
        raise ScheduleConflict("请至少填写一个开球时间")
    if len(set(out)) != len(out):
        raise ScheduleConflict("开球时间有重复，请删去重复的时刻")
    return sorted(out)


def build_slots(start: dt.date, days: int, times: Sequence[dt.time]) -> list[Slot]:
    out: list[Slot] = []
    for day in range(days):
        date = start + dt.timedelta(days=day)
        for time in sorted(times):
            out.append(Slot(len(out), day, dt.datetime.combine(date, time)))
    return out


def check_times(times: Sequence[dt.time], match_minutes: int) -> None:
    """Two kick-offs of one day closer than a match's length would overlap on a pitch."""
    ordered = sorted(times)
    for a, b in itertools.pairwise(ordered):
        gap = (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).seconds // 60
        if gap < match_minutes:
            raise ScheduleConflict(
                f"开球时间 {a:%H:%M} 与 {b:%H:%M} 只相隔 {gap} 分钟，短于每场比赛时长 {match_minutes} 分钟，"
                "同一块场地会同时有两场比赛。请拉开开球时间或缩短比赛时长"
            )


# --- fixtures ------------------------------------------------------------------------------------


def round_robin(teams: Sequence[str]) -> list[list[tuple[str, str]]]:
    """Rounds of a single round robin by the circle method. An odd group gets a bye each round.
    Home and away alternate so that no team is always listed first."""
    players: list[str | None] = list(teams)
    if len(players) < 2:
        return []
    if len(players) % 2:
        players.append(None)
    n = len(players)
    rounds = []
    for r in range(n - 1):
        pairs = []
        for i in range(n // 2):
            a, b = players[i], players[n - 1 - i]
            if a is None or b is None:
                continue
            pairs.append((b, a) if (i == 0 and r % 2) else (a, b))
        rounds.append(pairs)
        players = [players[0], players[-1], *players[1:-1]]
    return rounds


def group_fixtures(groups: Mapping[str, Sequence[str]]) -> list[Fixture]:
    out = []
    for letter, teams in groups.items():
        for r, pairs in enumerate(round_robin(teams), start=1):
            for i, (home, away) in enumerate(pairs, start=1):
                out.append(Fixture(f"{letter}-{r}-{i}", "group", f"{letter}组第{r}轮", letter, r, home, away))
    return out


def _pair_matches(x: str, y: str, advance: int) -> list[tuple[str, str]]:
    """First-round crossings of a pair of groups: X1–Y2 and Y1–X2 for two advancing, and so on."""
    if advance == 1:
        return [(f"{x}1", f"{y}1")]
    out = []
    for k in range(1, advance + 1, 2):
        opp = advance + 1 - k
        out.append((f"{x}{k}", f"{y}{opp}"))
        out.append((f"{y}{k}", f"{x}{opp}"))
    # winners of X and Y in opposite halves: X1–…, X2–… in the first half; Y1–…, Y2–… in the second
    firsts = [m for m in out if m[0].startswith(x)]
    seconds = [m for m in out if m[0].startswith(y)]
    return firsts + seconds


def _single_group(letter: str, advance: int) -> list[tuple[str, str]]:
    seeds = list(range(1, advance + 1))
    order = [1]
    while len(order) < advance:
        size = len(order) * 2
        order = [s for o in order for s in (o, size + 1 - o)]
    return [(f"{letter}{order[i]}", f"{letter}{order[i + 1]}") for i in range(0, len(seeds), 2)]


def knockout_plan(letters: Sequence[str], advance: int, third_place: bool) -> list[Fixture]:
    """The cross knockout for `advance` teams from each group (in group order A, B, C …)."""
    letters = list(letters)
    qualifiers = len(letters) * advance
    if advance < 1 or qualifiers < 2:
        raise ScheduleConflict("淘汰赛至少需要两支晋级球队，请调整小组数或每组晋级名额")
    if qualifiers & (qualifiers - 1) or qualifiers > 32:
        raise ScheduleConflict(
            f"{len(letters)}个小组各晋级{advance}队，共{qualifiers}队，无法组成淘汰赛对阵："
            "晋级总数须为 2、4、8、16 或 32"
        )
    if len(letters) == 1:
        first = _single_group(letters[0], advance)
    else:
        if len(letters) % 2:
            raise ScheduleConflict("交叉淘汰需要偶数个小组（A组对B组、C组对D组……），请调整小组数")
        if advance > 1 and advance % 2:
            raise ScheduleConflict("交叉淘汰每组晋级名额须为 1、2、4 或 8")
        per_pair = [_pair_matches(letters[i], letters[i + 1], advance) for i in range(0, len(letters), 2)]
        # one crossing of each pair of groups per half: A1–B2, C1–D2 | B1–A2, D1–C2
        half = len(per_pair[0]) // 2 or 1
        top = [m for pair in per_pair for m in pair[:half]]
        bottom = [m for pair in per_pair for m in pair[half:]]
        first = top + bottom
    out: list[Fixture] = []
    size = qualifiers
    keys: list[str] = []
    code = ROUND_CODES[size]
    name = ROUND_NAMES[size]
    for i, (home, away) in enumerate(first, start=1):
        key = code if size == 2 else f"{code}{i}"
        label = name if size == 2 else f"{name}{i}"
        out.append(Fixture(key, "knockout", label, "", 1, home_source=home, away_source=away))
        keys.append(key)
    rnd = 1
    semis: list[str] = keys if size == 4 else []
    while size > 2:
        size //= 2
        rnd += 1
        code, name = ROUND_CODES[size], ROUND_NAMES[size]
        nxt = []
        for i in range(0, len(keys), 2):
            key = code if size == 2 else f"{code}{i // 2 + 1}"
            label = name if size == 2 else f"{name}{i // 2 + 1}"
            out.append(
                Fixture(
                    key,
                    "knockout",
                    label,
                    "",
                    rnd,
                    home_source=f"W:{keys[i]}",
                    away_source=f"W:{keys[i + 1]}",
                )
            )
            nxt.append(key)
        if size == 4:
            semis = nxt
        keys = nxt
    if third_place:
        if len(semis) != 2:
            raise ScheduleConflict("只有设半决赛时才能安排三四名决赛，请取消三四名决赛或增加晋级球队")
        final = out.pop()  # the third-place match is played before the final
        out.append(
            Fixture(
                THIRD_PLACE,
                "knockout",
                "三四名决赛",
                "",
                final.round,
                home_source=f"L:{semis[0]}",
                away_source=f"L:{semis[1]}",
            )
        )
        out.append(final)
    return out


def source_label(source: str, labels: dict[str, str]) -> str:
    """A knockout source in words: A1 → A组第1名, W:SF1 → 半决赛1胜者."""
    if source.startswith("W:"):
        return f"{labels.get(source[2:], source[2:])}胜者"
    if source.startswith("L:"):
        return f"{labels.get(source[2:], source[2:])}负者"
    match = re.match(r"^([A-Z]+)(\d+)$", source)
    if match:
        return f"{match.group(1)}组第{match.group(2)}名"
    return source


# --- placing and checking --------------------------------------------------------------------------


def _describe(f: Fixture, names: dict[str, str] | None) -> str:
    if f.stage == "group" and f.home and f.away:
        n = names or {}
        return f"{f.label} {n.get(f.home, f.home)} 对 {n.get(f.away, f.away)}"
    return f.label


def _end(slot: Slot, minutes: int) -> dt.datetime:
    return slot.start + dt.timedelta(minutes=minutes)


def _rest_ok(a: Slot, b: Slot, match_minutes: int, rest_minutes: int) -> bool:
    """Whether a team playing at `a` may play again at `b` (either order)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start >= _end(first, match_minutes) + dt.timedelta(minutes=rest_minutes)


def _feeder_matches(fixtures: Sequence[Fixture]) -> dict[str, list[str]]:
    """Fixture key → keys of every fixture that must be finished (plus rest) before it starts."""
    by_group: dict[str, list[str]] = defaultdict(list)
    for f in fixtures:
        if f.stage == "group":
            by_group[f.group].append(f.key)
    out: dict[str, list[str]] = {}
    for f in fixtures:
        if f.stage != "knockout":
            continue
        needs: list[str] = []
        for feeder in f.feeders():
            needs += by_group[feeder] if feeder in by_group else [feeder]
        out[f.key] = needs
    return out


def violations(
    fixtures: Sequence[Fixture],
    placements: Sequence[Placement],
    slots: Sequence[Slot],
    pitches: int,
    match_minutes: int,
    rest_minutes: int,
    names: dict[str, str] | None = None,
) -> list[str]:
    """Every broken rule of a schedule, in Chinese (empty when the schedule is valid)."""
    by_key = {f.key: f for f in fixtures}
    at: dict[str, Slot] = {}
    problems: list[str] = []
    used: dict[tuple[int, int], str] = {}
    for p in placements:
        f = by_key[p.key]
        if not 0 <= p.slot < len(slots) or not 0 <= p.pitch < pitches:
            problems.append(f"{_describe(f, names)}：安排的时段或场地不存在")
            continue
        if (p.slot, p.pitch) in used:
            other = by_key[used[(p.slot, p.pitch)]]
            problems.append(f"{_describe(f, names)} 与 {_describe(other, names)} 被安排在同一场地同一时段")
        used[(p.slot, p.pitch)] = p.key
        at[p.key] = slots[p.slot]
    team_slots: dict[str, list[tuple[Slot, Fixture]]] = defaultdict(list)
    for key, slot in at.items():
        for team in by_key[key].teams:
            team_slots[team].append((slot, by_key[key]))
    for team, games in team_slots.items():
        games.sort(key=lambda g: g[0].start)
        label = (names or {}).get(team, team)
        for (s1, f1), (s2, f2) in itertools.pairwise(games):
            if s1.index == s2.index:
                problems.append(f"{label} 在同一时段有两场比赛（{f1.label}、{f2.label}）")
            elif not _rest_ok(s1, s2, match_minutes, rest_minutes):
                problems.append(
                    f"{label} 两场比赛（{s1.start:%m月%d日 %H:%M}、{s2.start:%m月%d日 %H:%M}）之间"
                    f"休息不足 {rest_minutes} 分钟"
                )
    for key, needs in _feeder_matches(fixtures).items():
        if key not in at:
            continue
        for need in needs:
            if need in at and not _rest_ok(at[need], at[key], match_minutes, rest_minutes):
                problems.append(
                    f"{by_key[key].label} 须在 {_describe(by_key[need], names)} 结束"
                    f"并休息 {rest_minutes} 分钟之后进行"
                )
            elif need in at and at[need].start >= at[key].start:
                problems.append(f"{by_key[key].label} 须在 {_describe(by_key[need], names)} 之后进行")
    return problems


def _try(plan: Plan, order: list[Fixture]) -> list[Placement] | Fixture:
    """One greedy pass: slot by slot, pitch by pitch, the first ready fixture of `order`.
    Returns the placements, or the first fixture that found no slot."""
    feeders = _feeder_matches(plan.fixtures)
    placed: dict[str, Slot] = {}
    last: dict[str, Slot] = {}
    remaining = list(order)
    out: list[Placement] = []
    for slot in plan.slots:
        busy: set[str] = set()
        for pitch in range(plan.pitches):
            choice = None
            for f in remaining:
                if any(t in busy for t in f.teams):
                    continue
                if any(
                    t in last and not _rest_ok(last[t], slot, plan.match_minutes, plan.rest_minutes)
                    for t in f.teams
                ):
                    continue
                needs = feeders.get(f.key, [])
                if any(
                    n not in placed or not _rest_ok(placed[n], slot, plan.match_minutes, plan.rest_minutes)
                    for n in needs
                ):
                    continue
                choice = f
                break
            if choice is None:
                continue
            remaining.remove(choice)
            busy.update(choice.teams)
            placed[choice.key] = slot
            for t in choice.teams:
                last[t] = slot
            out.append(Placement(choice.key, slot.index, pitch))
        if not remaining:
            return out
    return remaining[0]


def generate(
    fixtures: Sequence[Fixture],
    slots: Sequence[Slot],
    pitches: int,
    match_minutes: int,
    rest_minutes: int,
    names: dict[str, str] | None = None,
) -> list[Placement]:
    """Place every fixture; ScheduleConflict (in Chinese) when no valid schedule is found."""
    if pitches < 1:
        raise ScheduleConflict("请至少设置一块比赛场地")
    if not slots:
        raise ScheduleConflict("请设置比赛日和开球时间")
    capacity = len(slots) * pitches
    if len(fixtures) > capacity:
        days = len({s.day for s in slots})
        per_day = len(slots) // max(days, 1)
        raise ScheduleConflict(
            f"共需安排 {len(fixtures)} 场比赛，但 {days} 个比赛日 × 每天 {per_day} 个开球时间"
            f" × {pitches} 块场地"
            f"只有 {capacity} 个场次。请增加比赛日、开球时间或场地，或减少参赛队数"
        )
    plan = Plan(list(fixtures), list(slots), pitches, match_minutes, rest_minutes)
    group = [f for f in fixtures if f.stage == "group"]
    knockout = [f for f in fixtures if f.stage != "group"]
    # orders tried in turn: by round (groups interleaved); then the groups one after another
    letters = list(dict.fromkeys(f.group for f in group))
    orders = [
        sorted(group, key=lambda f: (f.round, letters.index(f.group), f.key)) + knockout,
        sorted(group, key=lambda f: (f.round, -letters.index(f.group), f.key)) + knockout,
        sorted(group, key=lambda f: (letters.index(f.group), f.round, f.key)) + knockout,
    ]
    stuck: Fixture | None = None
    for order in orders:
        result = _try(plan, order)
        if isinstance(result, list):
            problems = violations(fixtures, result, slots, pitches, match_minutes, rest_minutes, names)
            if not problems:
                return result
            raise ScheduleConflict("赛程生成有误：" + "；".join(problems[:3]))  # pragma: no cover
        stuck = stuck or result
    assert stuck is not None
    raise ScheduleConflict(
        f"无法在每队两场比赛之间至少休息 {rest_minutes} 分钟、每块场地同一时段只有一场比赛的前提下排完全部"
        f"{len(fixtures)}场比赛：{_describe(stuck, names)}找不到可用的场次。"
        "请增加比赛日、开球时间或场地，或缩短最少休息时间"
    )
