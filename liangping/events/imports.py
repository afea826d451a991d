"""Teams and players of a tournament from a spreadsheet (.xlsx, .xls, .csv), read by the sheets
framework: the header found by its content, synonyms, one error per defect with its row and column,
and nothing written when any row is wrong.

One row per player; the team columns repeat on each row (or only on a team's first row: a blank team
name continues the team above). A row with a team and no player adds or updates the team alone.
Importing the same file again changes nothing (teams by name, players by team and number).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from liangping.core.models import User
from liangping.events import services
from liangping.events.models import Player, Team, TeamKind, Tournament
from liangping.sheets.errors import ImportResult, Issue, SheetError
from liangping.sheets.reading import open_workbook
from liangping.sheets.rows import Row, RowReader
from liangping.sheets.table import ColumnSpec, locate
from liangping.sheets.values import EXCEL_EPOCH, as_text, is_blank, nfkc

COLUMNS = (
    ColumnSpec(
        "team", "队名", ("球队", "球队名称", "参赛队", "参赛队伍", "队伍名称"), required=True, key=True
    ),
    ColumnSpec("city", "所在城市", ("城市", "地区", "所在地")),
    ColumnSpec("kind", "单位类型", ("类型", "球队类型")),
    ColumnSpec("affiliation", "所属学校或俱乐部", ("学校", "俱乐部", "所属单位", "学校或俱乐部", "单位")),
    ColumnSpec("coach", "教练", ("主教练", "教练员")),
    ColumnSpec("seeded", "种子队", ("种子",)),
    ColumnSpec("player", "球员姓名", ("姓名", "球员", "队员", "队员姓名")),
    ColumnSpec("number", "号码", ("球衣号码", "背号", "号")),
    ColumnSpec("birth_date", "出生日期", ("出生年月日", "生日", "出生年月")),
)
KINDS = {label: code for code, label in TeamKind.choices} | {
    "学校队": "school",
    "俱乐部队": "club",
    "青训": "club",
}
YES = {"是", "种子", "√", "✓", "1", "y", "yes"}
FULL_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_FORMS = "2014-05-03、2014年5月3日 或 2014/5/3"
TEAM_COLUMNS = {"city": "所在城市", "kind": "单位类型", "affiliation": "所属学校或俱乐部", "coach": "教练"}


class CellProblem(ValueError):
    pass


def as_date(value: Any) -> dt.date:
    """A full date (a birth date needs the day): an Excel date, 2014-05-03, 2014年5月3日, 20140503."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellProblem(f"“{value}”不是日期，请写成 {DATE_FORMS}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 20000 <= value <= 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = as_text(value)
    text = nfkc(str(value))
    match = FULL_DATE.match(text) or COMPACT.match(text)
    if not match:
        raise CellProblem(f"“{text}”不是完整的日期，请写成 {DATE_FORMS}")
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise CellProblem(f"“{text}”这一天不存在，请核对") from exc


@dataclass
class TeamDraft:
    row: Row
    values: dict[str, Any]
    players: list[tuple[Row, dict[str, Any]]] = field(default_factory=list)


def _guess_kind(name: str, affiliation: str) -> str:
    """Without a 单位类型 column: a club when the name or the affiliation says so, else a school."""
    text = name + affiliation
    return "club" if any(w in text for w in ("俱乐部", "青训", "足球学校")) else "school"


def _cell(r: RowReader, row: Row, name: str, parse: Any) -> Any:
    raw = r.raw(row, name)
    if is_blank(raw):
        return None
    try:
        return parse(raw)
    except CellProblem as exc:
        r.error(row, name, str(exc))
        return None


def _number(raw: Any) -> int:
    text = nfkc(as_text(raw)).removesuffix("号")
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise CellProblem(f"号码“{as_text(raw)}”应为 1–99 之间的整数")
    return int(text)


def read_rows(r: RowReader, rows: list[Row]) -> dict[str, TeamDraft]:
    drafts: dict[str, TeamDraft] = {}
    current: TeamDraft | None = None
    for row in rows:
        written = r.raw(row, "team")
        formula = (row[0], r.index.get("team", -1)) in r.table.formulas
        if is_blank(written) and current is not None and not formula:
            draft = current
        else:
            name = r.key(row, "team", max_length=40)
            if not name:
                continue
            affiliation = r.text(row, "affiliation", max_length=60)
            values: dict[str, Any] = {
                "name": name,
                "city": r.text(row, "city", max_length=20),
                "affiliation": affiliation,
                "coach": r.text(row, "coach", max_length=30),
                "seeded": nfkc(as_text(r.raw(row, "seeded"))).lower() in YES,
            }
            kind = nfkc(r.text(row, "kind"))
            if kind and kind not in KINDS:
                r.error(row, "kind", f"单位类型“{kind}”应为学校、俱乐部或其他")
            values["kind"] = KINDS.get(kind, "school") if kind else _guess_kind(name, affiliation)
            known = drafts.get(name)
            if known is None:
                draft = drafts[name] = TeamDraft(row, values)
            else:
                draft = known
                for key, label in TEAM_COLUMNS.items():
                    new, old = values[key], draft.values[key]
                    if new and old and new != old and key != "kind":
                        r.error(
                            row, key, f"{name}的{label}与第{draft.row[0]}行不一致（“{old}”/“{new}”），请统一"
                        )
                    elif new and not old:
                        draft.values[key] = new
        current = draft
        player = r.text(row, "player", max_length=30)
        number = _cell(r, row, "number", _number)
        born = _cell(r, row, "birth_date", as_date)
        if player or number is not None or born is not None:
            if not player:
                r.error(row, "player", "填写了号码或出生日期，但没有球员姓名")
            if number is None and r.has("number") and is_blank(r.raw(row, "number")):
                r.error(row, "number", "请填写球员号码")
            if born is None and r.has("birth_date") and is_blank(r.raw(row, "birth_date")):
                r.error(row, "birth_date", "请填写球员出生日期")
            if player and number is not None and born is not None:
                draft.players.append((row, {"name": player, "number": number, "birth_date": born}))
    return drafts


PLAYER_COLUMN = {"name": "player", "number": "number", "birth_date": "birth_date"}


def import_teams(
    actor: User, tournament: Tournament, path: Path, filename: str, *, dry_run: bool = False
) -> ImportResult:
    result = ImportResult(kind="teams", filename=filename, dry_run=dry_run)
    if not services.can_manage(actor, tournament):
        result.errors.append(Issue(None, "", "您没有管理参赛队的权限"))
        return result
    try:
        table = locate(open_workbook(path, filename), COLUMNS, "参赛队名单")
    except SheetError as exc:
        result.errors.append(exc.issue)
        return result
    result.header_row = table.header_row
    result.errors.extend(table.issues)
    result.rows_total = len(table.rows)
    if result.errors:
        return result
    r = RowReader(table, result.errors, result.warnings)
    drafts = read_rows(r, table.rows)
    existing = {t.name: t for t in tournament.teams.all()}
    players = {(p.team_id, p.number): p for p in Player.objects.filter(team__tournament=tournament)}
    new_teams = [name for name in drafts if name not in existing]
    room = tournament.team_count - len(existing)
    if len(new_teams) > room:
        first = drafts[new_teams[room]].row if room >= 0 else drafts[new_teams[0]].row
        r.error(
            first,
            "team",
            f"本赛事最多 {tournament.team_count} 支参赛队，已有 {len(existing)} 支，"
            f"文件中又有 {len(new_teams)} 支新球队",
        )
    if new_teams and tournament.drawn_at is not None:
        r.error(drafts[new_teams[0]].row, "team", "已经分组，不能再增加参赛队")
    for name, draft in drafts.items():
        if not draft.values["city"] and name not in existing:
            r.error(draft.row, "city", f"{name}缺少所在城市")
        seen: dict[int, int] = {}
        for row, values in draft.players:
            if values["number"] in seen:
                r.error(row, "number", f"{name}的 {values['number']} 号与第{seen[values['number']]}行重复")
                continue
            seen[values["number"]] = row[0]
            born = values["birth_date"]
            if tournament.born_from and born < tournament.born_from:
                r.error(
                    row,
                    "birth_date",
                    f"出生日期 {born:%Y-%m-%d} 早于本赛事年龄组要求"
                    f"（{tournament.born_from:%Y年%m月%d日}及以后出生）",
                )
            elif born > tournament.start_date:
                r.error(row, "birth_date", "出生日期不能晚于开赛日期")
    if result.errors:
        result.refuse()
        return result
    columns = set(table.columns)
    plan: list[tuple[TeamDraft, Team | None, dict[str, Any], bool]] = []
    for name, draft in drafts.items():
        team = existing.get(name)
        values = _merged(team, draft, columns)
        changed = team is None or any(values[k] != getattr(team, k) for k in TEAM_KEYS)
        plan.append((draft, team, values, changed))
        _count(result, team is None, changed)
        for _row, pv in draft.players:
            current = players.get((team.pk, pv["number"])) if team else None
            _count(result, current is None, _player_changed(current, pv))
    if dry_run:
        return result
    try:
        with transaction.atomic():
            for draft, team, values, changed in plan:
                if changed:
                    team = services.save_team(actor, tournament, values, team)
                assert team is not None
                for row, pv in draft.players:
                    current = players.get((team.pk, pv["number"]))
                    if _player_changed(current, pv):
                        try:
                            services.save_player(actor, team, pv, current)
                        except services.EventError as exc:
                            r.error(row, PLAYER_COLUMN.get(exc.field, "player"), str(exc))
                            raise
    except services.EventError as exc:
        if not result.errors:
            result.errors.append(Issue(None, "", str(exc)))
        result.refuse()
    return result


TEAM_KEYS = ("city", "kind", "affiliation", "coach", "seeded")


def _merged(team: Team | None, draft: TeamDraft, columns: set[str]) -> dict[str, Any]:
    """A team's values after the file: a blank cell keeps what is stored; without a 种子队 (单位类型)
    column the seeding (kind) is kept."""
    if team is None:
        return dict(draft.values)
    values = {"name": team.name, **{k: getattr(team, k) for k in TEAM_KEYS}}
    values |= {k: v for k, v in draft.values.items() if v not in ("", None) and k not in ("seeded", "kind")}
    for key in ("seeded", "kind"):
        if key in columns:
            values[key] = draft.values[key]
    return values


def _player_changed(current: Player | None, values: dict[str, Any]) -> bool:
    return current is None or current.name != values["name"] or current.birth_date != values["birth_date"]


def _count(result: ImportResult, new: bool, changed: bool) -> None:
    if new:
        result.created += 1
    elif changed:
        result.updated += 1
    else:
        result.unchanged += 1
