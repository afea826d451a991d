"""The project-ledger importer (项目台账, DOMAIN §4 and §10).

Idempotent by 项目编号: a re-import of the same file changes nothing. Lookups are loaded once and rows
are written in bulk, so ten thousand rows take seconds. Unknown departments, companies, leaders and
specialists are created (and reported as warnings); everything else that is wrong is an error.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from itertools import repeat
from operator import methodcaller
from typing import Any
from unicodedata import is_normalized

from django.utils import timezone

from liangping.core.audit import ObjectChanges, diff, plain, record_objects, snapshot
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.orgs import OrgIndex, normalize_name
from liangping.core.scope import tenant_of
from liangping.plaintext import control_char
from liangping.projects.models import LEVEL_SYNONYMS, STAGE_SYNONYMS, Project, Stage, StageEvent
from liangping.projects.services import PROJECT_FIELDS, plan_warning
from liangping.sheets import journal
from liangping.sheets.bulk import (
    chunks,
    create_objects,
    create_rows,
    existing_values,
    insert_rows,
    insert_values,
    update_rows,
)
from liangping.sheets.errors import Issue
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec, normalize_header
from liangping.sheets.values import CENT, INJECTION_PREFIXES, MONEY_LIMIT, CellError, as_money, is_blank

PROGRESS_EVERY = 250
COMPUTED_COLUMNS = ("分级", "完成率")  # written by the export (exports.py), never imported
AUDIT_FIELDS = [*PROJECT_FIELDS, "plan_year"]
FK_FIELDS = ("district", "unit", "department", "leader", "specialist")
SEVERAL_PEOPLE = re.compile(r"[、,，;；/]")
MASKED = re.compile(r"\*{3,}")
# the columns whose blank cell keeps the ledger's value, in reading order
GUARDED = (
    "industry",
    "contact_name",
    "contact_phone",
    "unit",
    "annual_plan",
    "plan_year",
    "planned_start",
    "planned_end",
    "department",
    "leader",
    "specialist",
)
FAST_MONEY_LIMIT = float(MONEY_LIMIT) / 10  # far below the limit, whatever a float's rounding
MISSING: Any = object()  # a value the row does not give (a blank cell that keeps the ledger's)
KEEP_BLANK = (
    "空白单元格不会清除已有内容：项目已在系统中时保留原值，新项目留空。如需清除某项内容，请在项目页面修改。"
)

PROJECT_COLUMNS = (
    ColumnSpec("code", "项目编号", ("项目代码", "编号"), required=True, key=True),
    ColumnSpec("name", "项目名称", (), required=True, key=True),
    ColumnSpec("level", "项目级别", ("级别",)),
    ColumnSpec("district", "所属区（市）", ("区（市）", "县区", "所在地", "所属区市", "区市"), required=True),
    ColumnSpec("industry", "产业类别", ("产业", "行业")),
    ColumnSpec("unit", "建设单位", ("项目单位",)),
    ColumnSpec("total_investment", "总投资", ("计划总投资",), required=True, money=True),
    ColumnSpec("annual_plan", "年度计划投资", ("本年计划投资",), pattern=r"(\d{4})年度?计划投资", money=True),
    ColumnSpec("plan_year", "计划年度", ()),
    ColumnSpec("stage", "建设阶段", ("项目阶段", "阶段"), required=True),
    ColumnSpec("planned_start", "计划开工时间", ("计划开工日期",)),
    ColumnSpec("planned_end", "计划竣工时间", ("计划竣工日期",)),
    ColumnSpec("leader", "包保市领导", ("包保领导", "帮包市领导")),
    ColumnSpec("department", "责任部门", ("牵头部门", "责任单位")),
    ColumnSpec("specialist", "项目专员", ("推进专员",)),
    ColumnSpec("contact_name", "联系人", ()),
    ColumnSpec("contact_phone", "联系电话", ()),
)


def _key(text: str) -> str:
    return normalize_name(text)


STAGES = {_key(k): v for k, v in STAGE_SYNONYMS.items()} | {s.value: s.value for s in Stage}
LEVELS = {_key(k): v for k, v in LEVEL_SYNONYMS.items()}
STAGE_NAMES = "、".join(label for _v, label in Stage.choices)


def _same(project: Project, field: str, value: Any) -> bool:
    if field in FK_FIELDS:
        if value is not None and value.pk is None:  # to be created: certainly a change
            return False
        return getattr(project, f"{field}_id") == (value.pk if value is not None else None)
    return getattr(project, field) == value


def _plain_amount(value: Decimal | None) -> str | None:
    """core.audit.plain of an amount as the reader gives it (sheets.values.as_money: quantized to the
    cent, so str() never uses an exponent): 1200.00 → "1200", 1200.50 → "1200.50"."""
    if value is None:
        return None
    text = str(value)
    if text[-3:-2] != "." or "E" in text:  # not two decimals (str() of an exponent of -2 is "….dd")
        return str(plain(value))
    return text[:-3] if text.endswith(".00") else text


def _ambiguous(label: str, written: str, candidates: list[Org]) -> str:
    names = "、".join(f"“{o.name}”" for o in candidates[:8]) + ("等" if len(candidates) > 8 else "")
    return f"{label}“{written}”可能是{names}，请填写完整名称"


def _holds(project: Project | None, field: str) -> bool:
    if project is None:
        return False
    value = getattr(project, f"{field}_id" if field in FK_FIELDS else field)
    return value not in (None, "")


NUMBER_TYPES = frozenset({int, float, bool})


def _blanks(raws: list[Any]) -> list[bool]:
    """is_blank of every cell of a column, each distinct cell tested once (numbers equal across types,
    1 == 1.0, are never blank alike)."""
    verdict = {value: is_blank(value) for value in set(raws)}
    return list(map(verdict.__getitem__, raws))


def _distinct_keys(raws: list[Any], contexts: list[Any] | None) -> list[Any]:
    """What makes two cells of a column read alike: the cell itself when that is unambiguous (one
    type of value, or text and blanks only: hashing a tuple per cell costs more than the reading it
    saves), else its type with it (1, 1.0 and True are equal but read differently); and the context."""
    types = set(map(type, raws))
    if len(types) == 1 or not types & NUMBER_TYPES:
        keys: list[Any] = raws
    else:
        keys = list(zip(map(type, raws), raws, strict=True))
    return keys if contexts is None else list(zip(keys, contexts, strict=True))


class ProjectLedgerImport:
    """One run of the ledger importer: parse every row, then (in a real run) write in bulk."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.r = ctx.reader
        # a city's people import into their city: its districts, departments, units and people only
        self.tenant = tenant_of(ctx.actor) if ctx.actor is not None else None
        self.districts = OrgIndex([OrgKind.DISTRICT], self.tenant)
        self.departments = OrgIndex([OrgKind.DEPARTMENT], self.tenant)
        self.companies = OrgIndex([OrgKind.COMPANY], self.tenant)
        cities = Org.objects.filter(kind=OrgKind.CITY)
        self.city = (cities if self.tenant is None else cities.filter(pk=self.tenant)).order_by("id").first()
        self.people: dict[str, dict[str, User]] = {Role.LEADER: {}, Role.SPECIALIST: {}}
        people = User.objects.filter(role__in=list(self.people)).exclude(display_name="")
        if self.tenant is not None:
            people = people.filter(org__tenant_id=self.tenant)
        for user in people.order_by("id"):
            self.people[user.role].setdefault(_key(user.display_name), user)
        self.new_orgs: list[Org] = []
        self.new_users: list[User] = []
        self.plan_year = self.r.year("annual_plan") or timezone.localdate().year
        self.blanks: dict[str, list[int]] = {}  # field → rows whose cell was blank
        self.notes: dict[int, list[tuple[bool, Issue]]] = {}  # row position → its issues, in order
        # the import's audit entry: what it did to each model's objects
        self.audit = {
            "projects.project": ObjectChanges(AUDIT_FIELDS),
            "core.org": ObjectChanges(["name", "kind"]),
            "core.user": ObjectChanges(["display_name", "role"]),
        }

    # -- parsing ---------------------------------------------------------------------------------
    def parse_rows(self, rows: list[Row]) -> Iterator[dict[str, Any] | None]:
        """Every row's values (None for a row with an error), read column by column.

        A column's cells are read in row order, each distinct cell of a repeating column once (see
        `_column`); the issues each row gets are then reported row by row in the order of the columns
        below, so the report is the one reading the file row by row gives."""
        r = self.r
        n = len(rows)
        self.notes = {}
        raws = {f: r.column(f) for f in self.r.index}
        none = [None] * n

        def raw(field: str) -> list[Any]:
            return raws.get(field, none)

        columns: list[tuple[str, list[Any]]] = []  # (field, value per row or MISSING), in reading order
        columns.append(("code", self._keys(rows, "code", 50)))
        columns.append(("name", self._keys(rows, "name", 200)))
        levels = self._column(rows, "level", raw("level"), self._level)
        columns.append(("level", [value if written else MISSING for written, value in levels]))
        district = self._column(rows, "district", raw("district"), self._district)
        columns.append(("district", district))
        for field, limit in (("industry", 60), ("contact_name", 50)):
            columns.append(
                (
                    field,
                    self._column(
                        rows, field, raw(field), partial(r.text, field=field, max_length=limit), True
                    ),
                )
            )
        columns.append(("contact_phone", self._phones(rows, raw("contact_phone"))))
        companies = self._column(
            rows,
            "unit",
            raw("unit"),
            lambda row, i: self._company(row, district[i]),
            True,
            [id(d) for d in district],
        )
        columns.append(("unit", companies))
        total = self._money(rows, "total_investment", raw("total_investment"), required=True)
        columns.append(("total_investment", total))
        plan = self._money(rows, "annual_plan", raw("annual_plan"), guarded=True)
        columns.append(("annual_plan", plan))
        for i, (t, p) in enumerate(zip(total, plan, strict=True)):
            if warning := plan_warning(t, p if p is not MISSING else None):
                self._note(i, False, Issue(rows[i][0], r.header("annual_plan"), warning))
        years = self._column(rows, "plan_year", raw("plan_year"), self._plan_year, True)
        if not r.has("plan_year"):
            years = [self.plan_year if p is not MISSING and p is not None else MISSING for p in plan]
        columns.append(("plan_year", years))
        stages = self._column(rows, "stage", raw("stage"), self._stage)
        columns.append(("stage", [value if written else MISSING for written, value in stages]))
        for field in ("planned_start", "planned_end"):
            columns.append(
                (field, self._column(rows, field, raw(field), partial(r.month, field=field), True))
            )
        columns.append(
            ("department", self._column(rows, "department", raw("department"), self._department, True))
        )
        for field, role, label in (
            ("leader", Role.LEADER, "包保市领导"),
            ("specialist", Role.SPECIALIST, "项目专员"),
        ):
            read = partial(self._person, field=field, role=role, label=label)
            columns.append((field, self._column(rows, field, raw(field), read, True)))
        self._order_blanks()

        # a column every row gives goes into each row's values as it is; one no row gives, not at all;
        # only the others are looked at cell by cell
        missing = {f: list(map(id, v)).count(id(MISSING)) for f, v in columns}  # `is`, not `==`
        given = [(f, v) for f, v in columns if not missing[f]]
        some = [(f, v) for f, v in columns if 0 < missing[f] < n]
        given_fields, some_fields = [f for f, _v in given], [f for f, _v in some]
        errors, warnings, notes = self.ctx.result.errors, self.ctx.result.warnings, self.notes
        for i, (cells, partly) in enumerate(
            zip(
                zip(*(v for _f, v in given), strict=True),
                zip(*(v for _f, v in some), strict=True) if some else repeat(()),
                strict=False,  # repeat() has no end
            )
        ):
            failed = False
            for is_error, issue in notes.get(i, ()):
                if is_error:
                    errors.append(issue)
                    failed = True
                else:
                    warnings.append(issue)
            if failed:
                yield None
                continue
            values = dict(zip(given_fields, cells, strict=True))
            for f, v in zip(some_fields, partly, strict=True):
                if v is not MISSING:
                    values[f] = v
            yield values

    def _note(self, i: int, is_error: bool, issue: Issue) -> None:
        self.notes.setdefault(i, []).append((is_error, issue))

    def _capture(self, i: int, read: Callable[[], Any]) -> Any:
        """`read()` with the issues it reports kept for row `i` (reported in `parse_rows`)."""
        errors, warnings = self.ctx.result.errors, self.ctx.result.warnings
        marks = len(errors), len(warnings)
        value = read()
        if len(errors) > marks[0] or len(warnings) > marks[1]:
            for issue in errors[marks[0] :]:
                self._note(i, True, issue)
            for issue in warnings[marks[1] :]:
                self._note(i, False, issue)
            del errors[marks[0] :], warnings[marks[1] :]
        return value

    def _guard(self, rows: list[Row], field: str, raws: list[Any]) -> list[bool]:
        """Which cells are blank: those keep the ledger's value (and are reported, see `run`). A column
        holds few distinct cells: each is tested once (numbers equal across types, 1 == 1.0, are
        never blank alike)."""
        blank = _blanks(raws)
        if self.r.has(field) and True in blank:
            self.blanks[field] = [row[0] for row, b in zip(rows, blank, strict=True) if b]
        return blank

    def _order_blanks(self) -> None:
        """The columns with blank cells in the order a row-by-row reading meets them first."""
        order = {field: k for k, field in enumerate(GUARDED)}
        self.blanks = dict(sorted(self.blanks.items(), key=lambda item: (item[1][0], order[item[0]])))

    def _column(
        self,
        rows: list[Row],
        field: str,
        raws: list[Any],
        read: Callable[..., Any],
        guarded: bool = False,
        contexts: list[Any] | None = None,
    ) -> list[Any]:
        """`read(row)` (or `read(row, i)` with `contexts`) for every row, MISSING for a blank cell of a
        `guarded` column. A column's values repeat (districts, stages, people, dates): each distinct
        cell (and context) is read once, at its first row, and its errors and warnings are given
        again at each later row with it. A reading with a side effect (a new department, company or
        person, warned once) is kept as a second reading gives it: the later rows get what a
        row-by-row reading would have said to them."""
        blank = self._guard(rows, field, raws) if guarded else None
        keys = _distinct_keys(raws, contexts)
        first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))  # each key's first row
        first_value: dict[Any, Any] = {}
        later_value: dict[Any, Any] = {}
        said_of: dict[Any, list[tuple[bool, str, str]]] = {}
        errors, warnings = self.ctx.result.errors, self.ctx.result.warnings
        for key, i in sorted(first.items(), key=lambda item: item[1]):  # side effects in row order
            if blank is not None and blank[i]:
                first_value[key] = later_value[key] = MISSING
                continue
            row = rows[i]
            once = partial(read, row, i) if contexts is not None else partial(read, row)
            first_value[key] = self._capture(i, once)
            marks = len(errors), len(warnings)
            again_row = (row[0], row[1])
            later_value[key] = read(again_row, i) if contexts is not None else read(again_row)
            said = [(True, x.column, x.message) for x in errors[marks[0] :]]
            said += [(False, x.column, x.message) for x in warnings[marks[1] :]]
            del errors[marks[0] :], warnings[marks[1] :]
            if said:
                said_of[key] = said
        out = list(map(later_value.__getitem__, keys))
        for key, i in first.items():
            out[i] = first_value[key]
        if said_of:
            for i, key in enumerate(keys):
                again = said_of.get(key)
                if again is not None and i != first[key]:
                    for is_error, column, message in again:
                        self._note(i, is_error, Issue(rows[i][0], column, message))
        return out

    def _keys(self, rows: list[Row], field: str, max_length: int) -> list[str]:
        """A key column (`RowReader.key`): a plain text cell (NFKC already, not formula-like, no control
        character, short enough) is its text; any other goes through the reader, which says what is
        wrong with it."""
        r = self.r
        index = r.index.get(field)
        formulas = self.ctx.table.formulas
        out: list[str] = []
        for i, row in enumerate(rows):
            cells = row[1]
            value = cells[index] if index is not None and index < len(cells) else None
            if type(value) is str and not (formulas and (row[0], index) in formulas):
                text = value.strip()
                if (
                    text
                    and len(text) <= max_length
                    and not text.startswith(INJECTION_PREFIXES)
                    and is_normalized("NFKC", value)
                    and is_normalized("NFKC", text)
                    and control_char(text) is None
                ):
                    out.append(text)
                    continue
            out.append(self._capture(i, partial(r.key, row, field, max_length=max_length)))
        return out

    def _phones(self, rows: list[Row], raws: list[Any]) -> list[Any]:
        r = self.r
        blank = self._guard(rows, "contact_phone", raws)
        out: list[Any] = []
        for i, value in enumerate(raws):
            if blank[i]:
                out.append(MISSING)
                continue
            text = value.strip() if type(value) is str else None
            if text is None or len(text) > 30 or control_char(text) is not None:
                text = self._capture(i, partial(r.text, rows[i], "contact_phone", max_length=30))
            if MASKED.search(text):
                self._note(
                    i,
                    False,
                    Issue(
                        rows[i][0],
                        r.header("contact_phone"),
                        "联系电话是脱敏后的号码（含 ****），保留系统中的原号码",
                    ),
                )
                text = MISSING
            out.append(text)
        return out

    def _money(
        self, rows: list[Row], field: str, raws: list[Any], *, required: bool = False, guarded: bool = False
    ) -> list[Any]:
        """`RowReader.money` of every row (MISSING for a blank cell of a `guarded` column)."""
        r = self.r
        if guarded:
            blank = self._guard(rows, field, raws)
        else:
            blank = _blanks(raws)
        present = r.has(field)
        factor = self.ctx.table.columns[field].factor if present else Decimal(1)
        plain_unit = factor == 1
        out: list[Any] = []
        for i, value in enumerate(raws):
            if blank[i]:
                if guarded:
                    out.append(MISSING)
                    continue
                if required and present:
                    self._note(
                        i,
                        True,
                        Issue(
                            rows[i][0],
                            r.header(field),
                            f"“{self.ctx.table.columns[field].spec.label}”不能为空，请填写",
                        ),
                    )
                out.append(None)
                continue
            kind = type(value)
            if plain_unit and (kind is float or kind is int) and 0 <= value < FAST_MONEY_LIMIT:
                # as_money of a number cell in 万元, without its checks that cannot fail here
                out.append(Decimal(repr(value) if kind is float else value).quantize(CENT, ROUND_HALF_UP))
                continue
            try:
                out.append(as_money(value, factor))
            except CellError as exc:
                self._note(i, True, Issue(rows[i][0], r.header(field), str(exc)))
                out.append(None)
        return out

    def _level(self, row: Row) -> tuple[bool, str | None]:
        level = self.r.text(row, "level")
        if not level:
            return False, None
        value = LEVELS.get(_key(level))
        if value is None:
            self.r.error(row, "level", f"项目级别“{level}”无法识别，请填写“省重点”或“市重点”")
        return True, value

    def _stage(self, row: Row) -> tuple[bool, str | None]:
        stage = self.r.text(row, "stage", required=True)
        if not stage:
            return False, None
        value = STAGES.get(_key(stage))
        if value is None:
            self.r.error(row, "stage", f"建设阶段“{stage}”无法识别，请填写：{STAGE_NAMES}")
        return True, value

    def _district(self, row: Row) -> Org | None:
        written = self.r.text(row, "district", required=True)
        if not written:
            return None
        org, candidates = self.districts.resolve(written)
        if candidates:
            self.r.error(row, "district", _ambiguous("所属区（市）", written, candidates))
        elif org is None:
            known = "、".join(sorted({o.name for o in self.districts.by_key.values()}))
            self.r.error(row, "district", f"所属区（市）“{written}”不存在，请填写：{known}")
        return org

    def _plan_year(self, row: Row) -> int | None:
        written = self.r.text(row, "plan_year")
        if not written:
            return self.plan_year
        if re.fullmatch(r"(19|20|21)\d\d(\.0)?(年)?", written):
            return int(written[:4])
        self.r.error(row, "plan_year", f"计划年度“{written}”应为四位年份，如 {self.plan_year}")
        return None

    def _new_org(self, row: Row, field: str, name: str, kind: str, parent: Org | None, what: str) -> Org:
        org = Org.under(parent, name=name, kind=kind)
        self.new_orgs.append(org)
        self.r.warn(row, field, f"{what}“{name}”不在系统中，导入时将新建")
        return org

    def _department(self, row: Row) -> Org | None:
        name = self.r.text(row, "department", max_length=100)
        if not name:
            return None
        org, candidates = self.departments.resolve(name)
        if candidates:
            self.r.error(row, "department", _ambiguous("责任部门", name, candidates))
            return None
        if org is None:
            org = self._new_org(row, "department", name, OrgKind.DEPARTMENT, self.city, "责任部门")
            self.departments.add(org)
        return org

    def _company(self, row: Row, district: Org | None) -> Org | None:
        name = self.r.text(row, "unit", max_length=100)
        if not name:
            return None
        org = self.companies.find(name)
        if org is None and district is not None:
            org = self._new_org(row, "unit", name, OrgKind.COMPANY, district, "建设单位")
            self.companies.add(org)
        return org

    def _person(self, row: Row, field: str, role: str, label: str) -> User | None:
        name = self.r.text(row, field, max_length=50)
        if not name:
            return None
        if SEVERAL_PEOPLE.search(name):
            self.r.error(row, field, f"{label}只能填写一人（“{name}”），请只保留一人")
            return None
        user = self.people[role].get(_key(name))
        if user is None:
            user = User(  # of the importing city, so that the next import finds them there
                username=f"{role}_{secrets.token_hex(5)}",
                role=role,
                display_name=name,
                is_active=False,
                org=self.city if self.tenant is not None else None,
            )
            user.set_unusable_password()
            self.people[role][_key(name)] = user
            self.new_users.append(user)
            self.r.warn(row, field, f"{label}“{name}”不在系统中，导入时将新建（未启用）账号")
        return user

    def note_computed_columns(self) -> None:
        """分级 and 完成率 of an exported ledger are computed by the system: listed, never read, and
        not offered for mapping to a field (分级 is not 项目级别)."""
        table = self.ctx.table
        computed = set()
        for cell in table.sheet.rows[table.header_row - 1]:  # header_row is the Excel row number
            name, _unit = normalize_header(cell) if isinstance(cell, str) else ("", None)
            if name.split("(", 1)[0] in COMPUTED_COLUMNS:  # 完成率（%）: NFKC has made the bracket "("
                self.ctx.result.warnings.append(Issue(None, str(cell).strip(), "系统计算的列，不导入"))
                computed.add(" ".join(str(cell).split()))
        self.ctx.result.unmapped = [u for u in self.ctx.result.unmapped if u["column"] not in computed]

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> None:
        ctx, r = self.ctx, self.r
        self.note_computed_columns()
        rows = ctx.table.rows
        parsed: list[dict[str, Any]] = []
        first_row: dict[str, int] = {}
        for i, (row, values) in enumerate(zip(rows, self.parse_rows(rows), strict=True), start=1):
            code = values["code"] if values else r.text(row, "code")
            if code:
                if code in first_row:
                    r.error(row, "code", f"项目编号“{code}”与第{first_row[code]}行重复，请删除或更正其中一行")
                    values = None
                else:
                    first_row[code] = row[0]
            if values is not None:
                parsed.append(values)
            if i % PROGRESS_EVERY == 0:
                ctx.progress(i, len(rows))
        ctx.progress(len(rows), len(rows))
        existing = self._existing([v["code"] for v in parsed])
        for code, found in list(existing.items()):
            if self.tenant is not None and found.district.tenant_id != self.tenant:
                r.error((first_row[code], []), "code", f"项目编号“{code}”已被其他城市的项目使用，请核对编号")
                parsed = [v for v in parsed if v["code"] != code]
                del existing[code]
        creates: list[dict[str, Any]] = []
        updates: list[tuple[Project, dict[str, Any]]] = []
        for values in parsed:
            project = existing.get(values["code"])
            if project is None:
                creates.append(values)
            elif not all(_same(project, f, v) for f, v in values.items()):
                updates.append((project, values))
        ctx.result.created, ctx.result.updated = len(creates), len(updates)
        ctx.result.unchanged = len(parsed) - len(creates) - len(updates)
        self._report_kept(existing)
        if ctx.writes:
            self._save_new_orgs_and_users()
            self._create(creates)
            self._update(updates)
            self._record()

    def _report_kept(self, existing: dict[str, Project]) -> None:
        """One warning per column whose blank cells keep a value the ledger holds (never a silent
        clear): the rows, and what is kept."""
        if not self.blanks or not existing:
            return
        codes = {row[0]: self.r.text(row, "code") for row in self.ctx.table.rows}
        for field, rows in self.blanks.items():
            kept = [n for n in rows if _holds(existing.get(codes.get(n, "")), field)]
            if not kept:
                continue
            shown = "、".join(str(n) for n in kept[:10]) + ("等" if len(kept) > 10 else "")
            self.ctx.result.warnings.append(
                Issue(
                    kept[0],
                    self.r.header(field),
                    f"第{shown}行为空（共 {len(kept)} 个单元格），保留系统中的原值。{KEEP_BLANK}",
                )
            )

    def _existing(self, codes: list[str]) -> dict[str, Project]:
        """The projects of these codes already in the ledger (the codes first, in one cheap query: most
        rows of a first import are new)."""
        found: dict[str, Project] = {}
        known = sorted(existing_values(Project, "code", codes))
        for chunk in chunks(known, 900):
            for project in Project.objects.filter(code__in=chunk).select_related("district"):
                found[project.code] = project
        return found

    def _attach_related(self, projects: list[Project]) -> None:
        """Give changed projects their related orgs and people (for the audit text) without a join:
        most are in the lookups already, the rest come in one query per model."""
        orgs = {
            o.pk: o
            for index in (self.districts, self.departments, self.companies)
            for o in index.by_key.values()
        }
        users = {u.pk: u for people in self.people.values() for u in people.values() if u.pk is not None}
        want_orgs = {getattr(p, f"{f}_id") for p in projects for f in ("district", "unit", "department")}
        want_users = {getattr(p, f"{f}_id") for p in projects for f in ("leader", "specialist")}
        orgs.update(Org.objects.in_bulk([i for i in want_orgs - set(orgs) if i is not None]))
        users.update(User.objects.in_bulk([i for i in want_users - set(users) if i is not None]))
        for project in projects:
            for field in FK_FIELDS:
                pk = getattr(project, f"{field}_id")
                setattr(project, field, (users if field in ("leader", "specialist") else orgs).get(pk))

    def _save_new_orgs_and_users(self) -> None:
        if self.new_orgs:
            create_rows(Org, self.new_orgs)  # what Org.save() does after the insert: the path
            for org in self.new_orgs:
                org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
            update_rows(Org, self.new_orgs, ["path"])
            self.audit["core.org"].created = {str(o.pk): [o.name, o.name, o.kind] for o in self.new_orgs}
        if self.new_users:
            create_objects(User, self.new_users)
            self.audit["core.user"].created = {
                str(u.pk): [str(u), u.display_name, u.role] for u in self.new_users
            }

    def _create(self, creates: list[dict[str, Any]]) -> None:
        if not creates:
            return
        actor, today = self.ctx.actor, timezone.localdate()
        for values in creates:  # a new project's plan without its year: the header's, else this year
            if values.get("annual_plan") is not None and values.get("plan_year") is None:
                values["plan_year"] = self.plan_year
        ids = dict(zip([v["code"] for v in creates], insert_values(Project, creates), strict=True))
        insert_values(
            StageEvent,
            [
                {
                    "project_id": ids[v["code"]],
                    "from_stage": "",
                    "to_stage": v["stage"],
                    "date": today,
                    "author": actor,
                    "note": "导入建档",
                }
                for v in creates
            ],
        )
        # the audit entry's values as core.audit.snapshot shows them, column by column
        concrete = {f.name: f for f in Project._meta.concrete_fields}
        columns = []
        for field in AUDIT_FIELDS:
            default = concrete[field].get_default()
            column = list(map(methodcaller("get", field, default), creates))
            if field in FK_FIELDS:  # a few hundred orgs and people: each named once (by identity)
                names: dict[int, str | None] = {id(None): None}
                column = [
                    n if (n := names.get(id(o), o)) is not o else names.setdefault(id(o), str(o))
                    for o in column
                ]
            elif field in ("total_investment", "annual_plan"):
                column = [_plain_amount(v) for v in column]
            elif field in ("planned_start", "planned_end"):
                shown: dict[Any, Any] = {}
                column = [shown[v] if v in shown else shown.setdefault(v, plain(v)) for v in column]
            columns.append(column)
        names_of = [f"{v['code']} {v['name']}"[:255] for v in creates]
        self.audit["projects.project"].created = {
            str(ids[v["code"]]): [name, *row]
            for v, name, row in zip(creates, names_of, zip(*columns, strict=True), strict=True)
        }

    def _update(self, updates: list[tuple[Project, dict[str, Any]]]) -> None:
        if not updates:
            return
        actor, reason = self.ctx.actor, self.ctx.reason
        today, now = timezone.localdate(), timezone.now()
        fields: set[str] = {"version", "updated_at"}
        events = []
        projects = self.audit["projects.project"].updated
        self._attach_related([p for p, _v in updates])
        for project, values in updates:
            changed = [f for f in AUDIT_FIELDS if f in values and not _same(project, f, values[f])]
            before = snapshot(project, changed)
            old_stage = project.stage
            for field in changed:
                setattr(project, field, values[field])
            fields.update(changed)
            project.version += 1
            project.updated_at = now
            if project.stage != old_stage:
                events.append(
                    StageEvent(
                        project=project,
                        from_stage=old_stage,
                        to_stage=project.stage,
                        date=today,
                        author=actor,
                        note=reason,
                    )
                )
            projects[str(project.pk)] = [str(project)[:255], diff(before, snapshot(project, changed))]
        update_rows(Project, [p for p, _v in updates], sorted(fields))
        insert_rows(StageEvent, events)

    def _record(self) -> None:
        """One audit entry for the whole file: every project, department, company and person it created
        or changed, field by field (old → new), found from each one's history (AuditLog.objects.about)."""
        if not any(self.audit.values()):
            return  # nothing written
        result = self.ctx.result
        with journal.chunk():
            record_objects(
                self.ctx.actor,
                "project.import",
                self.audit,
                facts={"file": self.ctx.filename, "rows": result.created + result.updated},
                reason=self.ctx.reason,
                object_type="projects.project",
                object_repr=f"导入项目台账：{self.ctx.filename}"[:255],
            )


def import_projects(ctx: ImportContext) -> None:
    ProjectLedgerImport(ctx).run()
