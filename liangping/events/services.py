"""Tournament actions: each takes explicit arguments, runs in one transaction and writes the audit log.
Who may act is checked here as well as in the pages."""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from liangping.core.audit import diff, record, snapshot
from liangping.core.models import ADMIN_ROLES, Org, User
from liangping.events import scheduling, tables
from liangping.events.models import (
    Goal,
    LotDrawing,
    Match,
    Official,
    Pitch,
    Player,
    ResultEntry,
    Stage,
    Team,
    Tournament,
)
from liangping.events.permissions import (
    EventConflict,
    EventError,
    can_create,
    can_manage,
    can_score,
    conflict,
)
from liangping.events.standings import CRITERIA, RulesError, check_criteria
from liangping.plaintext import control_char, refusal

__all__ = [
    "EventConflict",
    "EventError",
    "add_official",
    "can_create",
    "can_manage",
    "can_score",
    "clear_schedule",
    "create_tournament",
    "draw_groups",
    "enter_result",
    "generate_schedule",
    "move_match",
    "record_lots",
    "remove_official",
    "save_player",
    "save_team",
    "update_tournament",
]

TOURNAMENT_FIELDS = [
    "name",
    "org",
    "description",
    "age_group",
    "born_from",
    "start_date",
    "days",
    "kickoff_times",
    "match_minutes",
    "rest_minutes",
    "group_count",
    "group_size",
    "advance",
    "third_place",
    "points_win",
    "points_draw",
    "points_loss",
    "criteria",
    "public",
    "public_player_names",
]
FORMAT_FIELDS = {"group_count", "group_size"}
SCHEDULE_FIELDS = {
    "start_date",
    "days",
    "kickoff_times",
    "match_minutes",
    "rest_minutes",
    "advance",
    "third_place",
}
TEAM_FIELDS = ["name", "city", "kind", "affiliation", "coach", "seeded"]
PLAYER_FIELDS = ["name", "number", "birth_date"]
MAX_GOALS = 99


def _text(values: dict[str, Any], name: str, label: str, *, required: bool = False, limit: int = 0) -> str:
    text = str(values.get(name) or "").strip()
    bad = control_char(text)
    if bad is not None:
        raise EventError(refusal(label, bad), field=name)
    if required and not text:
        raise EventError(f"请填写{label}", field=name)
    if limit and len(text) > limit:
        raise EventError(f"{label}不能超过 {limit} 个字", field=name)
    return text


def _number(values: dict[str, Any], name: str, label: str, low: int, high: int) -> int:
    value = values.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise EventError(f"{label}应为 {low}–{high} 之间的整数", field=name)
    return value


# --- tournaments ------------------------------------------------------------------------------------


def _clean_tournament(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["name"] = _text(values, "name", "赛事名称", required=True, limit=100)
    out["description"] = _text(values, "description", "赛事简介", limit=2000)
    out["age_group"] = _text(values, "age_group", "年龄组", limit=40)
    if not isinstance(values.get("org"), Org):
        raise EventError("请选择主办单位", field="org")
    if not isinstance(values.get("start_date"), dt.date):
        raise EventError("请填写开赛日期", field="start_date")
    out["days"] = _number(values, "days", "比赛天数", 1, 30)
    out["match_minutes"] = _number(values, "match_minutes", "每场比赛时长", 10, 180)
    out["rest_minutes"] = _number(values, "rest_minutes", "最少休息时间", 0, 1440)
    out["group_count"] = _number(values, "group_count", "小组数", 1, 16)
    out["group_size"] = _number(values, "group_size", "每组队数", 2, 16)
    out["advance"] = _number(values, "advance", "每组晋级队数", 1, 16)
    if out["advance"] > out["group_size"]:
        raise EventError("每组晋级队数不能多于每组队数", field="advance")
    for name, label in (("points_win", "胜积分"), ("points_draw", "平积分"), ("points_loss", "负积分")):
        out[name] = _number(values, name, label, 0, 10)
    if not out["points_win"] > out["points_draw"] >= out["points_loss"]:
        raise EventError("积分应满足：胜 > 平 ≥ 负", field="points_draw")
    times = values.get("kickoff_times") or []
    try:
        parsed = scheduling.parse_times(times if isinstance(times, str) else ",".join(times))
        scheduling.check_times(parsed, out["match_minutes"])
        scheduling.knockout_plan(
            [chr(65 + i) for i in range(out["group_count"])], out["advance"], bool(out.get("third_place"))
        )
    except scheduling.ScheduleConflict as exc:
        raise EventError(str(exc), field="kickoff_times" if "开球" in str(exc) else "advance") from exc
    out["kickoff_times"] = [f"{t:%H:%M}" for t in parsed]
    try:
        out["criteria"] = check_criteria(list(values.get("criteria") or []))
    except RulesError as exc:
        raise EventError(str(exc), field="criteria") from exc
    out["third_place"] = bool(values.get("third_place"))
    out["public"] = bool(values.get("public"))
    out["public_player_names"] = bool(values.get("public_player_names"))
    return out


def _clean_pitches(pitches: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for venue, name in pitches:
        venue, name = venue.strip(), name.strip()
        if not venue:
            continue
        for text in (venue, name):
            bad = control_char(text)
            if bad is not None:
                raise EventError(refusal("比赛场地", bad), field="pitches")
        if len(venue) > 60 or len(name) > 30:
            raise EventError("场地名称过长，请精简（场地不超过 60 字，编号不超过 30 字）", field="pitches")
        out.append((venue, name))
    if not out:
        raise EventError("请至少填写一块比赛场地", field="pitches")
    if len(set(out)) != len(out):
        raise EventError("比赛场地有重复，请删去重复的行", field="pitches")
    return out


def _pitch_names(tournament: Tournament) -> list[str]:
    return [str(p) for p in tournament.pitches.all()]


def _may_create_for(actor: User, org: Org) -> bool:
    return actor.role == "supervisor" or (actor.org is not None and org.is_within(actor.org))


@transaction.atomic
def create_tournament(
    actor: User, values: dict[str, Any], pitches: Sequence[tuple[str, str]], *, sample: bool = False
) -> Tournament:
    if not can_create(actor):
        raise EventError("您没有新建赛事的权限")
    cleaned = _clean_tournament(values)
    if not _may_create_for(actor, cleaned["org"]):
        raise EventError("只能为本单位或下级单位主办的赛事建档", field="org")
    rows = _clean_pitches(pitches)
    tournament = Tournament(**cleaned, sample=sample)
    tournament.save()
    for i, (venue, name) in enumerate(rows):
        Pitch.objects.create(tournament=tournament, venue=venue, name=name, sort=i)
    changes = diff({}, {**snapshot(tournament, TOURNAMENT_FIELDS), "pitches": _pitch_names(tournament)})
    record(actor, "tournament.create", tournament, changes=changes)
    return tournament


def _has_schedule(tournament: Tournament) -> bool:
    return tournament.matches.exists()


def _has_results(tournament: Tournament) -> bool:
    return tournament.matches.filter(home_goals__isnull=False).exists()


@transaction.atomic
def update_tournament(
    actor: User,
    tournament: Tournament,
    values: dict[str, Any],
    *,
    expected_version: int,
    pitches: Sequence[tuple[str, str]] | None = None,
    reason: str = "",
) -> Tournament:
    if not can_manage(actor, tournament):
        raise EventError("您没有修改该赛事的权限")
    if tournament.version != expected_version:
        raise EventConflict("该赛事已被他人修改，您的修改未保存。请刷新后重新填写")
    current = {name: getattr(tournament, name) for name in TOURNAMENT_FIELDS}
    cleaned = _clean_tournament({**current, **values})
    if not _may_create_for(actor, cleaned["org"]):
        raise EventError("只能为本单位或下级单位主办的赛事建档", field="org")
    before = {**snapshot(tournament, TOURNAMENT_FIELDS), "pitches": _pitch_names(tournament)}
    old_pitches = [(p.venue, p.name) for p in tournament.pitches.all()]
    new_pitches = _clean_pitches(pitches) if pitches is not None else old_pitches
    changed = {k for k in TOURNAMENT_FIELDS if cleaned[k] != current[k]}
    if changed & FORMAT_FIELDS and tournament.drawn_at is not None:
        raise EventError(
            "已经分组，不能再修改小组数或每组队数；如需修改请先在分组页重新分组前清除赛程",
            field="group_count",
        )
    if (changed & SCHEDULE_FIELDS or new_pitches != old_pitches) and _has_schedule(tournament):
        raise EventError(
            "已生成赛程，修改比赛日、开球时间、时长、休息、晋级规则或场地前，请先在赛程页清除赛程"
        )
    if "criteria" in changed or {"points_win", "points_draw", "points_loss"} & changed:
        if tournament.matches.filter(stage=Stage.KNOCKOUT, home_goals__isnull=False).exists():
            raise EventError("淘汰赛已开赛，不能再修改积分或排名规则", field="criteria")
    for key, value in cleaned.items():
        setattr(tournament, key, value)
    updated = Tournament.objects.filter(pk=tournament.pk, version=expected_version).update(
        **{f: getattr(tournament, f) for f in TOURNAMENT_FIELDS}, version=F("version") + 1
    )
    if updated != 1:
        raise EventConflict("该赛事已被他人修改，您的修改未保存。请刷新后重新填写")
    tournament.version = expected_version + 1
    if new_pitches != old_pitches:
        tournament.pitches.all().delete()
        for i, (venue, name) in enumerate(new_pitches):
            Pitch.objects.create(tournament=tournament, venue=venue, name=name, sort=i)
    after = {**snapshot(tournament, TOURNAMENT_FIELDS), "pitches": _pitch_names(tournament)}
    changes = diff(before, after)
    if changes:
        record(actor, "tournament.update", tournament, changes=changes, reason=reason.strip())
        fill_bracket(tournament)
    return tournament


# --- teams and players --------------------------------------------------------------------------------


def clean_team(tournament: Tournament, values: dict[str, Any], pk: int | None) -> dict[str, Any]:
    out = {
        "name": _text(values, "name", "队名", required=True, limit=40),
        "city": _text(values, "city", "所在城市", required=True, limit=20),
        "affiliation": _text(values, "affiliation", "所属学校或俱乐部", limit=60),
        "coach": _text(values, "coach", "教练", limit=30),
        "kind": values.get("kind") or "school",
        "seeded": bool(values.get("seeded")),
    }
    if out["kind"] not in {"school", "club", "other"}:
        raise EventError("单位类型应为学校、俱乐部或其他", field="kind")
    if Team.objects.filter(tournament=tournament, name=out["name"]).exclude(pk=pk or 0).exists():
        raise EventError(f"队名“{out['name']}”已在本赛事中使用", field="name")
    return out


@transaction.atomic
def save_team(actor: User, tournament: Tournament, values: dict[str, Any], team: Team | None = None) -> Team:
    """Add a team (team None) or change one. The number of teams is capped by the format."""
    if not can_manage(actor, tournament):
        raise EventError("您没有管理参赛队的权限")
    cleaned = clean_team(tournament, values, team.pk if team else None)
    if team is None:
        if tournament.drawn_at is not None:
            raise EventError("已经分组，不能再增加参赛队；如需增加请先清除赛程并重新分组")
        count = tournament.teams.count()
        if count >= tournament.team_count:
            raise EventError(
                f"本赛事为 {tournament.group_count} 个小组 × 每组 {tournament.group_size} 队，"
                f"最多 {tournament.team_count} 支参赛队，已满"
            )
        team = Team.objects.create(tournament=tournament, **cleaned, sample=tournament.sample)
        record(actor, "team.create", team, changes=diff({}, snapshot(team, TEAM_FIELDS)))
        return team
    before = snapshot(team, TEAM_FIELDS)
    for key, value in cleaned.items():
        setattr(team, key, value)
    changes = diff(before, snapshot(team, TEAM_FIELDS))
    if changes:
        team.version += 1
        team.save()
        record(actor, "team.update", team, changes=changes)
    return team


@transaction.atomic
def delete_team(actor: User, team: Team) -> None:
    if not can_manage(actor, team.tournament):
        raise EventError("您没有管理参赛队的权限")
    if team.group:
        raise EventError("已分组的球队不能删除；如需调整请先清除赛程并重新分组")
    record(actor, "team.delete", team, changes=diff(snapshot(team, TEAM_FIELDS), {}))
    team.delete()


def clean_player(
    tournament: Tournament, team: Team, values: dict[str, Any], pk: int | None
) -> dict[str, Any]:
    name = _text(values, "name", "姓名", required=True, limit=30)
    number = values.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
        raise EventError("号码应为 1–99 之间的整数", field="number")
    born = values.get("birth_date")
    if not isinstance(born, dt.date):
        raise EventError("请填写出生日期", field="birth_date")
    if born > tournament.start_date:
        raise EventError("出生日期不能晚于开赛日期", field="birth_date")
    if tournament.born_from and born < tournament.born_from:
        raise EventError(
            f"出生日期 {born:%Y-%m-%d} 早于本赛事年龄组要求（{tournament.born_from:%Y年%m月%d日}及以后出生）",
            field="birth_date",
        )
    if Player.objects.filter(team=team, number=number).exclude(pk=pk or 0).exists():
        raise EventError(f"{team.name}已有 {number} 号球员", field="number")
    return {"name": name, "number": number, "birth_date": born}


@transaction.atomic
def save_player(actor: User, team: Team, values: dict[str, Any], player: Player | None = None) -> Player:
    tournament = team.tournament
    if not can_manage(actor, tournament):
        raise EventError("您没有管理球员名单的权限")
    cleaned = clean_player(tournament, team, values, player.pk if player else None)
    if player is None:
        player = Player.objects.create(team=team, **cleaned)
        record(
            actor,
            "player.create",
            player,
            changes=diff({}, snapshot(player, PLAYER_FIELDS)),
            object_repr=f"{team.name} {player}",
        )
        return player
    before = snapshot(player, PLAYER_FIELDS)
    for key, value in cleaned.items():
        setattr(player, key, value)
    changes = diff(before, snapshot(player, PLAYER_FIELDS))
    if changes:
        player.save()
        record(actor, "player.update", player, changes=changes, object_repr=f"{team.name} {player}")
    return player


@transaction.atomic
def delete_player(actor: User, player: Player) -> None:
    team = player.team
    if not can_manage(actor, team.tournament):
        raise EventError("您没有管理球员名单的权限")
    if player.goals.exists():
        raise EventError(f"{player} 已有进球记录，不能删除")
    record(
        actor,
        "player.delete",
        player,
        changes=diff(snapshot(player, PLAYER_FIELDS), {}),
        object_repr=f"{team.name} {player}",
    )
    player.delete()


# --- officials --------------------------------------------------------------------------------------


@transaction.atomic
def add_official(actor: User, tournament: Tournament, user: User, kind: str) -> Official:
    if not can_manage(actor, tournament):
        raise EventError("您没有管理赛事工作人员的权限")
    if not user.is_active or user.role in ADMIN_ROLES:
        raise EventError("系统管理员、安全管理员、审计管理员和已停用的账号不能担任赛事工作人员", field="user")
    if kind not in {"referee", "table"}:
        raise EventError("请选择职责", field="kind")
    city = tournament.org.tenant_id
    if city is not None and user.org is not None and user.org.tenant_id != city:
        raise EventError(f"{user.name} 不是本市的账号，不能担任本赛事工作人员", field="user")
    if Official.objects.filter(tournament=tournament, user=user).exists():
        raise EventError(f"{user.name} 已是本赛事工作人员", field="user")
    official = Official.objects.create(tournament=tournament, user=user, kind=kind)
    record(
        actor,
        "official.add",
        tournament,
        changes={"official": [None, f"{official.get_kind_display()} {user.name}"]},
    )
    return official


@transaction.atomic
def remove_official(actor: User, official: Official) -> None:
    tournament = official.tournament
    if not can_manage(actor, tournament):
        raise EventError("您没有管理赛事工作人员的权限")
    record(
        actor,
        "official.remove",
        tournament,
        changes={"official": [f"{official.get_kind_display()} {official.user.name}", None]},
    )
    official.delete()


# --- the draw ----------------------------------------------------------------------------------------


def new_seed() -> str:
    return secrets.token_hex(6)


def seeded_draw(teams: Sequence[Team], letters: Sequence[str], size: int, seed: str) -> dict[str, list[Team]]:
    """Seeded teams first, one per group in turn (pot 1), then the others; each pot shuffled by a
    generator started from `seed`, so the same seed and teams give the same groups."""
    rng = random.Random(f"liangping-draw:{seed}")
    ordered = sorted(teams, key=lambda t: t.name)
    pots = [[t for t in ordered if t.seeded], [t for t in ordered if not t.seeded]]
    out: dict[str, list[Team]] = {letter: [] for letter in letters}
    turn = 0
    for pot in pots:
        rng.shuffle(pot)
        for team in pot:
            # the next group in turn that still has room
            for _ in range(len(letters)):
                letter = letters[turn % len(letters)]
                turn += 1
                if len(out[letter]) < size:
                    out[letter].append(team)
                    break
    return out


def _check_groups(tournament: Tournament, groups: dict[str, list[Team]], teams: Sequence[Team]) -> None:
    where: dict[int, str] = {}
    for letter, members in groups.items():
        if letter not in tournament.letters:
            raise EventError(f"本赛事没有{letter}组", field="groups")
        for team in members:
            if team.pk in where:
                raise EventError(
                    f"{team.name} 同时被分在{where[team.pk]}组和{letter}组，每支球队只能在一个小组",
                    field="groups",
                )
            where[team.pk] = letter
    for letter in tournament.letters:
        got = len(groups.get(letter, []))
        if got != tournament.group_size:
            raise EventError(f"{letter}组有 {got} 支球队，应为 {tournament.group_size} 支", field="groups")
    missing = [t.name for t in teams if t.pk not in where]
    if missing:
        raise EventError(f"以下球队没有分组：{'、'.join(missing)}", field="groups")


@transaction.atomic
def draw_groups(
    actor: User,
    tournament: Tournament,
    *,
    method: str,
    seed: str = "",
    groups: dict[str, list[Team]] | None = None,
) -> dict[str, list[Team]]:
    """A seeded random draw (the seed recorded; a blank seed gets a fresh one) or groups entered by
    hand. Refused once a schedule exists."""
    if not can_manage(actor, tournament):
        raise EventError("您没有分组的权限")
    Tournament.objects.select_for_update().filter(pk=tournament.pk).first()
    if _has_schedule(tournament):
        raise EventError("已生成赛程，不能重新分组；如需重新分组请先在赛程页清除赛程")
    teams = list(tournament.teams.all())
    if len(teams) != tournament.team_count:
        raise EventError(
            f"本赛事需要 {tournament.team_count} 支参赛队"
            f"（{tournament.group_count} 组 × {tournament.group_size} 队），"
            f"目前有 {len(teams)} 支，请先补齐参赛队"
        )
    if method == "random":
        seed = (seed or "").strip() or new_seed()
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,40}", seed):
            raise EventError("抽签种子只能包含字母、数字、下划线和连字符，不超过 40 个字符", field="seed")
        groups = seeded_draw(teams, tournament.letters, tournament.group_size, seed)
    elif method == "manual":
        groups = groups or {}
        seed = ""
    else:
        raise EventError("请选择分组方式", field="method")
    _check_groups(tournament, groups, teams)
    before = {t.name: t.group for t in teams}
    for letter, members in groups.items():
        for i, team in enumerate(members, start=1):
            Team.objects.filter(pk=team.pk).update(group=letter, group_order=i, version=F("version") + 1)
    tournament.draw_method, tournament.draw_seed, tournament.drawn_at = method, seed, timezone.now()
    Tournament.objects.filter(pk=tournament.pk).update(
        draw_method=method, draw_seed=seed, drawn_at=tournament.drawn_at, version=F("version") + 1
    )
    tournament.version += 1
    after = {t.name: letter for letter, members in groups.items() for t in members}
    record(
        actor,
        "tournament.draw",
        tournament,
        changes={
            "method": [None, "随机抽签" if method == "random" else "手工分组"],
            "seed": [None, seed or None],
            "groups": [before, after],
        },
    )
    return groups


# --- the schedule ------------------------------------------------------------------------------------


def fixtures_for(tournament: Tournament, teams: Sequence[Team]) -> list[scheduling.Fixture]:
    groups: dict[str, list[str]] = {letter: [] for letter in tournament.letters}
    for team in sorted(teams, key=lambda t: (t.group, t.group_order, t.pk)):
        if team.group in groups:
            groups[team.group].append(str(team.pk))
    return scheduling.group_fixtures(groups) + scheduling.knockout_plan(
        tournament.letters, tournament.advance, tournament.third_place
    )


def slots_for(tournament: Tournament) -> list[scheduling.Slot]:
    times = scheduling.parse_times(tournament.kickoff_times)
    return scheduling.build_slots(tournament.start_date, tournament.days, times)


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@transaction.atomic
def generate_schedule(actor: User, tournament: Tournament) -> list[Match]:
    """Generate the round robin and the knockout across pitches and days, replacing a schedule that
    has no result yet. A conflict is refused with its reason; nothing is saved."""
    if not can_manage(actor, tournament):
        raise EventError("您没有生成赛程的权限")
    Tournament.objects.select_for_update().filter(pk=tournament.pk).first()
    if tournament.drawn_at is None:
        raise EventError("请先分组，再生成赛程")
    if _has_results(tournament):
        raise EventError("已有比赛录入了比分，不能重新生成赛程")
    teams = list(tournament.teams.all())
    pitches = list(tournament.pitches.all())
    names = {str(t.pk): t.name for t in teams}
    try:
        fixtures = fixtures_for(tournament, teams)
        slots = slots_for(tournament)
        placements = scheduling.generate(
            fixtures, slots, len(pitches), tournament.match_minutes, tournament.rest_minutes, names
        )
    except scheduling.ScheduleConflict as exc:
        raise EventError(str(exc)) from exc
    Goal.objects.filter(match__tournament=tournament).delete()
    ResultEntry.objects.filter(match__tournament=tournament).delete()
    replaced = tournament.matches.count()
    tournament.matches.all().delete()
    by_key = {f.key: f for f in fixtures}
    ordered = sorted(placements, key=lambda p: (p.slot, p.pitch))
    teams_by_pk = {str(t.pk): t for t in teams}
    matches = []
    for number, p in enumerate(ordered, start=1):
        f = by_key[p.key]
        matches.append(
            Match(
                tournament=tournament,
                code=f.key,
                stage=Stage.GROUP if f.stage == "group" else Stage.KNOCKOUT,
                label=f.label,
                group=f.group,
                round=f.round,
                number=number,
                home=teams_by_pk.get(f.home or ""),
                away=teams_by_pk.get(f.away or ""),
                home_source=f.home_source,
                away_source=f.away_source,
                pitch=pitches[p.pitch],
                kickoff=_aware(slots[p.slot].start),
            )
        )
    Match.objects.bulk_create(matches)
    record(
        actor,
        "tournament.schedule",
        tournament,
        changes={
            "matches": [replaced or None, len(matches)],
            "rest_minutes": [None, tournament.rest_minutes],
        },
    )
    return matches


@transaction.atomic
def clear_schedule(actor: User, tournament: Tournament) -> None:
    if not can_manage(actor, tournament):
        raise EventError("您没有管理赛程的权限")
    if _has_results(tournament):
        raise EventError("已有比赛录入了比分，不能清除赛程")
    count = tournament.matches.count()
    tournament.matches.all().delete()
    record(actor, "tournament.schedule_clear", tournament, changes={"matches": [count, 0]})


def _placements(
    tournament: Tournament, matches: Iterable[Match], slots: Sequence[scheduling.Slot]
) -> list[scheduling.Placement]:
    pitch_index = {p.pk: i for i, p in enumerate(tournament.pitches.all())}
    slot_index = {s.start: s.index for s in slots}
    out = []
    for m in matches:
        if m.kickoff is None or m.pitch_id is None:
            continue
        local = timezone.localtime(m.kickoff).replace(tzinfo=None)
        out.append(scheduling.Placement(m.code, slot_index.get(local, -1), pitch_index.get(m.pitch_id, -1)))
    return out


@transaction.atomic
def move_match(
    actor: User, match: Match, kickoff: dt.datetime, pitch: Pitch, *, expected_version: int
) -> Match:
    """Move a match to another time or pitch; refused (nothing saved) when the schedule would break
    a rule: a pitch holding two matches, a team without its rest, a knockout match before its teams
    are known."""
    tournament = match.tournament
    if not can_manage(actor, tournament):
        raise EventError("您没有调整赛程的权限")
    if match.played:
        raise EventError("该场比赛已有比分，不能调整时间或场地")
    if pitch.tournament_id != tournament.pk:
        raise EventError("请选择本赛事的场地", field="pitch")
    if match.version != expected_version:
        raise conflict(match.result_by.name if match.result_by else "他人", match.result_at)
    slots = slots_for(tournament)
    local = timezone.localtime(_aware(kickoff)).replace(tzinfo=None)
    if local not in {s.start for s in slots}:
        raise EventError("请选择赛程中的比赛日和开球时间", field="kickoff")
    teams = list(tournament.teams.all())
    fixtures = fixtures_for(tournament, teams)
    matches = list(tournament.matches.all())
    before = {"kickoff": match.kickoff, "pitch": str(match.pitch) if match.pitch else None}
    for m in matches:
        if m.pk == match.pk:
            m.kickoff, m.pitch_id = _aware(kickoff), pitch.pk
    names = {str(t.pk): t.name for t in teams}
    known = {f.key for f in fixtures}
    placements = [p for p in _placements(tournament, matches, slots) if p.key in known]
    problems = scheduling.violations(
        fixtures,
        placements,
        slots,
        tournament.pitches.count(),
        tournament.match_minutes,
        tournament.rest_minutes,
        names,
    )
    if problems:
        raise EventError("调整后的赛程不符合规则，未保存：" + "；".join(problems[:3]))
    updated = Match.objects.filter(pk=match.pk, version=expected_version).update(
        kickoff=_aware(kickoff), pitch=pitch, version=F("version") + 1
    )
    if updated != 1:
        raise conflict("他人", None)
    match.refresh_from_db()
    _renumber(tournament)
    record(
        actor,
        "match.move",
        match,
        changes=diff(
            {k: str(v) if v else v for k, v in before.items()},
            {"kickoff": str(match.kickoff), "pitch": str(pitch)},
        ),
    )
    return match


def _renumber(tournament: Tournament) -> None:
    matches = list(tournament.matches.select_related("pitch").order_by("kickoff", "pitch__sort", "id"))
    for number, m in enumerate(matches, start=1):
        if m.number != number:
            Match.objects.filter(pk=m.pk).update(number=number)


# --- results ---------------------------------------------------------------------------------------------


def parse_scorers(
    text: str, team: Team | None, goals: int, players: dict[int, Player], side: str
) -> list[Player | None]:
    """Shirt numbers of the scorers, one per goal ("7 7 10" or "7×2, 10"); a goal whose scorer is not
    known may be left out (own goals, unseen): the list is padded with None up to the score."""
    text = (text or "").strip()
    if control_char(text):
        raise EventError(
            refusal(f"{side}进球队员", control_char(text) or ""),
            field=f"{'home' if side == '主队' else 'away'}_scorers",
        )
    out: list[Player | None] = []
    field = "home_scorers" if side == "主队" else "away_scorers"
    for part in re.split(r"[\s,，、;；]+", text):
        if not part:
            continue
        match = re.fullmatch(r"(\d{1,2})(?:号)?(?:[x×*](\d))?", part)
        if not match:
            raise EventError(
                f"{side}进球队员“{part}”无法识别：请填写球衣号码，如 7 7 10 或 7×2 10", field=field
            )
        number, times = int(match.group(1)), int(match.group(2) or 1)
        player = players.get(number)
        if player is None:
            name = team.name if team else side
            raise EventError(f"{name}没有 {number} 号球员，请核对号码", field=field)
        out += [player] * times
    if len(out) > goals:
        raise EventError(f"{side}进球队员共 {len(out)} 人次，多于{side}进球数 {goals}", field=field)
    return out + [None] * (goals - len(out))


def _score(value: Any, label: str, field: str) -> int:
    if value is None or value == "":
        raise EventError(f"请填写{label}", field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"{label}应为整数", field=field)
    if value < 0:
        raise EventError(f"{label}不能为负数", field=field)
    if value > MAX_GOALS:
        raise EventError(f"{label}不能超过 {MAX_GOALS}，请核对", field=field)
    return value


@transaction.atomic
def enter_result(
    actor: User,
    match: Match,
    *,
    home_goals: Any,
    away_goals: Any,
    home_penalties: Any = None,
    away_penalties: Any = None,
    home_scorers: str = "",
    away_scorers: str = "",
    expected_version: int,
    reason: str = "",
) -> Match:
    """Enter the score of a match, or correct it (a correction needs a reason). Two people entering
    the same match at once: the first save wins, the second is refused with who saved and when.
    Every entry is kept (ResultEntry) and audited; the tables and the bracket follow."""
    tournament = match.tournament
    if not can_score(actor, tournament):
        raise EventError("您不是本赛事的裁判员、记录台或组织者，不能录入比分")
    if not match.scheduled:
        raise EventError("该场比赛尚未排定时间和场地，不能录入比分")
    if match.home_id is None or match.away_id is None:
        raise EventError("该场比赛的对阵尚未确定（要等前一阶段比赛结束），不能录入比分")
    if match.version != expected_version:
        # someone saved this match since the page was opened: theirs stands, this entry is refused
        raise conflict(match.result_by.name if match.result_by else "他人", match.result_at)
    home = _score(home_goals, "主队进球数", "home_goals")
    away = _score(away_goals, "客队进球数", "away_goals")
    hp = ap = None
    if match.stage == Stage.KNOCKOUT and home == away:
        if home_penalties in (None, "") or away_penalties in (None, ""):
            raise EventError("淘汰赛打平须以点球决胜，请填写双方点球进球数", field="home_penalties")
        hp = _score(home_penalties, "主队点球进球数", "home_penalties")
        ap = _score(away_penalties, "客队点球进球数", "away_penalties")
        if hp == ap:
            raise EventError("点球大战不能打平，请核对点球进球数", field="away_penalties")
    elif home_penalties not in (None, "") or away_penalties not in (None, ""):
        raise EventError(
            "只有淘汰赛打平才有点球大战"
            + ("；小组赛打平即为平局" if match.stage == Stage.GROUP else "，请清空点球进球数"),
            field="home_penalties",
        )
    correcting = match.played
    reason = (reason or "").strip()
    if control_char(reason):
        raise EventError(refusal("更正原因", control_char(reason) or ""), field="reason")
    if correcting and not reason:
        raise EventError("该场比赛已有比分，更正比分须写明原因", field="reason")
    if correcting and match.stage == Stage.GROUP and match.group:
        if tournament.matches.filter(stage=Stage.KNOCKOUT, home_goals__isnull=False).exists():
            raise EventError("淘汰赛已开赛，小组赛比分不能再更正", field="reason")
    if correcting and match.stage == Stage.KNOCKOUT:
        after_this = [
            m
            for m in tournament.matches.filter(stage=Stage.KNOCKOUT, home_goals__isnull=False)
            if match.code in (m.home_source[2:], m.away_source[2:])
        ]
        if after_this:
            raise EventError(f"{after_this[0].label}已赛，本场比分不能再更正", field="reason")
    home_players = {p.number: p for p in Player.objects.filter(team_id=match.home_id)}
    away_players = {p.number: p for p in Player.objects.filter(team_id=match.away_id)}
    scorers_home = parse_scorers(home_scorers, match.home, home, home_players, "主队")
    scorers_away = parse_scorers(away_scorers, match.away, away, away_players, "客队")
    now = timezone.now()
    before = {
        "score": f"{match.home_goals}:{match.away_goals}" if correcting else None,
        "penalties": f"{match.home_penalties}:{match.away_penalties}"
        if match.home_penalties is not None
        else None,
    }
    updated = Match.objects.filter(pk=match.pk, version=expected_version).update(
        home_goals=home,
        away_goals=away,
        home_penalties=hp,
        away_penalties=ap,
        result_by=actor,
        result_at=now,
        version=F("version") + 1,
    )
    if updated != 1:
        fresh = Match.objects.select_related("result_by").get(pk=match.pk)
        raise conflict(fresh.result_by.name if fresh.result_by else "他人", fresh.result_at)
    match.refresh_from_db()
    Goal.objects.filter(match=match).delete()
    Goal.objects.bulk_create(
        [Goal(match=match, team_id=match.home_id, player=p) for p in scorers_home]
        + [Goal(match=match, team_id=match.away_id, player=p) for p in scorers_away]
    )
    scorer_text = " ".join(
        f"{side}:{','.join(str(p.number) for p in scorers if p)}"
        for side, scorers in (("主", scorers_home), ("客", scorers_away))
        if any(scorers)
    )
    ResultEntry.objects.create(
        match=match,
        home_goals=home,
        away_goals=away,
        home_penalties=hp,
        away_penalties=ap,
        scorers=scorer_text[:200],
        reason=reason[:200],
        by=actor,
        at=now,
    )
    after = {"score": f"{home}:{away}", "penalties": f"{hp}:{ap}" if hp is not None else None}
    record(
        actor,
        "match.correct" if correcting else "match.result",
        match,
        changes={**diff(before, after), **({"scorers": [None, scorer_text]} if scorer_text else {})},
        reason=reason,
    )
    fill_bracket(tournament)
    return match


# --- lots and the bracket -----------------------------------------------------------------------------------


@transaction.atomic
def record_lots(
    actor: User, tournament: Tournament, group: str, order: Sequence[Team] | None, seed: str = ""
) -> LotDrawing:
    """Record a drawing of lots for teams of `group` still level after every other criterion: the
    order drawn by hand (`order`), or drawn here from `seed` (recorded; blank: a fresh one)."""
    if not can_manage(actor, tournament):
        raise EventError("您没有记录抽签的权限")
    from_view = tables.group_table(tournament, group)
    ties = from_view.ties
    if not ties:
        raise EventError(f"{group}组目前没有需要抽签决定名次的球队")
    tie = ties[0]
    tied = {t.pk for t in tie}
    if order is None:
        seed = (seed or "").strip() or new_seed()
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,40}", seed):
            raise EventError("抽签种子只能包含字母、数字、下划线和连字符，不超过 40 个字符", field="seed")
        drawn = sorted(tie, key=lambda t: t.pk)
        random.Random(f"liangping-lots:{seed}").shuffle(drawn)
        order = drawn
    elif {t.pk for t in order} != tied or len(order) != len(tied):
        names = "、".join(t.name for t in tie)
        raise EventError(f"抽签结果须恰好包含需要抽签的球队：{names}", field="order")
    else:
        seed = ""
    lot = LotDrawing.objects.create(
        tournament=tournament,
        group=group,
        teams=[t.pk for t in order],
        seed=seed,
        by=actor,
        at=timezone.now(),
    )
    record(
        actor,
        "tournament.lots",
        tournament,
        changes={
            "group": [None, group],
            "order": [None, [t.name for t in order]],
            "seed": [None, seed or None],
        },
    )
    fill_bracket(tournament)
    return lot


def fill_bracket(tournament: Tournament) -> int:
    """Put the teams into the knockout matches whose sources are decided (a complete group table
    without an open tie; a played knockout match); clear a team whose source changed. Matches that
    have a result keep their teams. Returns the number of matches changed."""
    resolved = tables.resolve_sources(tournament)
    changed = 0
    for match in tournament.matches.filter(stage=Stage.KNOCKOUT, home_goals__isnull=True):
        home = resolved.get(match.home_source)
        away = resolved.get(match.away_source)
        if match.home_id != home or match.away_id != away:
            Match.objects.filter(pk=match.pk).update(home_id=home, away_id=away, version=F("version") + 1)
            changed += 1
    return changed


CRITERIA_CHOICES = list(CRITERIA.items())
