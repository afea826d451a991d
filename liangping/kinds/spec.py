"""A case kind as configuration: load a TOML file, check it, and answer questions about it.

Pure Python (no Django): the cases app stores the validated spec as JSON and drives its engine from
it. Everything a kind may say is listed here; anything else in a file is refused, so a typo is an
error at load time, never a silently ignored rule. Messages are for the administrator who edits the
file: Chinese, naming the state, transition, field or category at fault.

The shape of a file (see project_problem.toml and appeal.toml):

    code, name, version, noun, initial, deadline_label, clock_from
    [register]        by, effects
    [[states]]        code, label, open, clock ("run" | "pause" | "stop" | ""), tone
    [[transitions]]   action, label, verb, from, to, by, needs, optional, reason, reason_label,
                      reason_error, attachments, effects, within, once_after, combines,
                      default_note, event, danger, judgement, reason_if, reopen, scale,
                      lead_org ("parent": the new lead unit must be the parent of the current one),
                      when ("children_closed": only when every child case is closed),
                      child_kind (the kind of the child cases the fan_out effect creates),
                      fields (kind fields the step asks for, required, stored on the case),
                      dated, date_label (the step is recorded at the day it happened: not before
                      the case's latest step, not in the future)
    [[fields]]        code, label, type, required, values, max_length, help
    [[categories]]    code, label, parent
    [[urgencies]]     code, label
    [[limits]]        category, urgency, respond, finish   ({workdays = n}, {hours = n}, or in calendar
                      days {days = n} or months {months = n}: to the end of the same day n months on)
    [parties]         name = ["role:…", "org_kind:…"]      (dispatcher, verifier, or any new name)
    [scope]           party = "all" | "subtree" | "own" | "subject"
    [[reminders]]     after = {workdays = n}: escalate to the lead unit's leadership n working days
                      past the deadline (the notices jobs; without it the 参数设置 default);
                      before = {workdays = n} | {hours = n}, urgency (optional): remind the lead unit
                      that long before the finish deadline ({workdays = 0}: on the deadline day; the
                      urgency's own row wins over a row without one)
    [labels]          action = label, for steps written outside transitions (register, escalate)
    urgency_name      what the kind calls its urgency scale (default 紧急程度; e.g. 风险等级)
    unit_kinds        the org kinds a case may be handed to (default department, district)
    channels          a list of channel codes
    ratings / verdicts  the judgement scales a transition may ask for
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KINDS_DIR = Path(__file__).resolve().parent

# Built-in parties: who they are depends on the case, not on a configured role list.
BUILTIN_PARTIES = ("registrar", "lead_unit", "co_unit", "requester", "anyone")
# Parties a kind defines by role/org kind (in [parties]); dispatcher and verifier are the usual ones.
FIELD_TYPES = ("text", "longtext", "number", "choice", "date", "person", "org", "phone", "idcard", "bool")
CLOCKS = ("run", "pause", "stop", "")
SCOPES = ("all", "subtree", "own", "subject")
NEEDS = ("lead_org", "co_orgs", "rating", "verdict", "days")
UNITS = ("workdays", "hours", "days", "months")  # days and months: calendar days and months
ATTACHMENTS = ("none", "optional", "required")
# Effects: what a transition does to a case besides moving it, all generic (no kind code paths).
EFFECTS = {
    "assign": "set the lead unit (and co-units) from the form",
    "transfer": "hand the case to another lead unit (转办)",
    "unassign": "the lead unit gives the case back (退单): lead and co-units cleared",
    "start_clock": "compute the response and finish deadlines from the time limits, from now",
    "respond": "the lead unit has accepted it (签收): responded_at",
    "reply": "the note is the reply to the requester: reply, replied_at, finished_at",
    "close": "closed_at",
    "count_return": "return_count + 1",
    "request_extension": "record the days asked for (延期申请)",
    "approve_extension": "extend the finish deadline by the days asked for",
    "reject_extension": "drop the request",
    "reopen": "reopen_count + 1, finished_at cleared, the finish clock restarts",
    "fan_out": "create one child case of child_kind per unit given (subject = this case), led by it; "
    "those units become the case's co-units (so a co_unit scope lets them see it)",
}
# Conditions a transition may carry besides its source states and parties.
LEAD_ORG_RULES = ("", "parent")
WHEN = ("", "children_closed")
# GB/T 39734 satisfaction levels, and the project unit's two-level verdict.
RATINGS = [
    ("very_satisfied", "非常满意"),
    ("satisfied", "满意"),
    ("basic", "基本满意"),
    ("unsatisfied", "不满意"),
    ("very_unsatisfied", "非常不满意"),
]
VERDICTS = [("satisfied", "满意"), ("unsatisfied", "不满意")]
# Steps the engine and the reminder jobs write outside any transition.
ENGINE_STEPS = {"register": "登记", "escalate": "超期升级", "remind": "到期提醒"}
UNIT_TEXT = {"workdays": "个工作日", "hours": "小时", "days": "天", "months": "个月"}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# Keys added to the stored shape later: omitted from the stored JSON while at their default.
LATER_KEYS: dict[str, Any] = {"urgency_name": "紧急程度"}
LATER_TRANSITION_KEYS: dict[str, Any] = {
    "lead_org": "",
    "when": "",
    "child_kind": "",
    "fields": (),
    "dated": False,
    "date_label": "日期",
}


class KindConfigError(ValueError):
    """A kind file that cannot be used, with a message naming what is wrong."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "workdays" | "hours"

    def text(self) -> str:
        return f"{self.amount} {UNIT_TEXT.get(self.unit, self.unit)}"


@dataclass(frozen=True)
class State:
    code: str
    label: str
    open: bool = True
    clock: str = ""  # "run": the finish clock runs; "pause": paused; "stop": stopped; "": not started
    tone: str = "grey"


@dataclass(frozen=True)
class Reopen:
    ratings: tuple[str, ...]
    to: str
    max: int = 1


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    to: str
    by: tuple[str, ...]
    verb: str = ""
    needs: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    reason: bool = False
    reason_label: str = "说明"
    reason_hint: str = ""
    reason_error: str = ""
    attachments: str = "none"
    effects: tuple[str, ...] = ()
    within: Duration | None = None
    once_after: str = ""
    combines: tuple[str, ...] = ()
    default_note: str = ""
    event: str = ""
    danger: bool = False
    reason_if: tuple[str, ...] = ()
    reopen: Reopen | None = None
    lead_org: str = ""  # "parent": the new lead unit must be the parent of the current one
    when: str = ""  # "children_closed": allowed only when the case has child cases, all closed
    child_kind: str = ""  # the kind of the child cases fan_out creates
    fields: tuple[str, ...] = ()  # kind fields this step asks for (required) and stores on the case
    dated: bool = False  # the step is recorded on the day it happened (asked, checked)
    date_label: str = "日期"
    scale: tuple[str, ...] = ()  # the levels of the judgement offered (default: the whole scale)

    @property
    def verb_text(self) -> str:
        return self.verb or self.label

    @property
    def needs_reason(self) -> bool:
        return self.reason

    @property
    def judgement(self) -> str:
        return next((n for n in self.needs if n in ("rating", "verdict")), "")

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The judgement's levels this transition offers, in the scale's order."""
        full = RATINGS if self.judgement == "rating" else VERDICTS
        return [(c, label) for c, label in full if not self.scale or c in self.scale]


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    type: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()
    max_length: int = 200
    help: str = ""

    @property
    def masked(self) -> bool:
        return self.type in ("phone", "idcard")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    parent: str = ""


@dataclass(frozen=True)
class Limit:
    category: str  # "*" any
    urgency: str  # "*" any
    respond: Duration | None
    finish: Duration | None


@dataclass(frozen=True)
class Reminder:
    before: Duration | None = None  # remind the lead unit this long before the finish deadline
    after: Duration | None = None  # escalate this long after it
    notify: tuple[str, ...] = ("lead_unit",)
    urgency: str = ""  # only cases of this urgency ("" any)


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    version: int
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    fields: tuple[FieldSpec, ...] = ()
    categories: tuple[Category, ...] = ()
    limits: tuple[Limit, ...] = ()
    urgencies: tuple[tuple[str, str], ...] = ()
    parties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scope: dict[str, str] = field(default_factory=dict)
    reminders: tuple[Reminder, ...] = ()
    channels: tuple[tuple[str, str], ...] = ()
    initial: str = ""
    noun: str = "事项"
    deadline_label: str = "办结期限"
    register_by: tuple[str, ...] = ("anyone",)
    register_effects: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    subject: str = ""  # "app_label.model" a case of this kind may be about
    unit_kinds: tuple[str, ...] = ("department", "district")  # org kinds a case may be handed to
    urgency_name: str = "紧急程度"  # what the kind calls its urgency scale (风险等级 …)

    # --- questions the engine asks ---------------------------------------------------------------

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    def state_label(self, code: str) -> str:
        s = self.state(code)
        return s.label if s is not None else code

    def transition(self, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action), None)

    def action_label(self, action: str) -> str:
        t = self.transition(action)
        if t is not None:
            return t.label
        return self.labels.get(action) or ENGINE_STEPS.get(action, action)

    def field(self, code: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.code == code), None)

    def open_states(self) -> list[str]:
        return [s.code for s in self.states if s.open]

    def clock_states(self, clock: str = "run") -> list[str]:
        return [s.code for s in self.states if s.clock == clock]

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def category_chain(self, code: str) -> list[str]:
        """The category and its ancestors, nearest first."""
        chain: list[str] = []
        while code and code not in chain:
            chain.append(code)
            cat = self.category(code)
            code = cat.parent if cat is not None else ""
        return chain

    def urgency_label(self, code: str) -> str:
        return dict(self.urgencies).get(code, code)

    def reminder_before(self, urgency: str) -> Reminder | None:
        """The reminder before the finish deadline for a case of this urgency: the urgency's own row,
        else the row without one, else None."""
        rows = [r for r in self.reminders if r.before is not None]
        return next((r for r in rows if urgency and r.urgency == urgency), None) or next(
            (r for r in rows if not r.urgency), None
        )

    def channel_label(self, code: str) -> str:
        return dict(self.channels).get(code, code)

    def rating_label(self, code: str) -> str:
        return dict(RATINGS + VERDICTS).get(code, code)

    # --- storage ---------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The spec as stored. Keys added after a kind was first stored are left out while they hold
        their default, so an unchanged file keeps its digest (and its stored version)."""
        data = asdict(self)
        for key, default in LATER_KEYS.items():
            if data.get(key) == default:
                data.pop(key, None)
        for t in data["transitions"]:
            for key, default in LATER_TRANSITION_KEYS.items():
                if t.get(key) == default:
                    t.pop(key, None)
        return data

    def digest(self) -> str:
        text = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KindSpec:
        """Rebuild a stored spec (the dict `to_json` wrote); stored specs were validated when loaded."""

        def dur(d: Any) -> Duration | None:
            return Duration(d["amount"], d["unit"]) if d else None

        def pairs(rows: Any) -> tuple[tuple[str, str], ...]:
            return tuple((a, b) for a, b in rows)

        transitions = []
        for t in data["transitions"]:
            t = dict(t)
            t["within"] = dur(t.get("within"))
            t["reopen"] = (
                Reopen(tuple(t["reopen"]["ratings"]), t["reopen"]["to"], t["reopen"]["max"])
                if t.get("reopen")
                else None
            )
            for key in (
                "sources",
                "by",
                "needs",
                "optional",
                "effects",
                "combines",
                "reason_if",
                "fields",
                "scale",
            ):
                t[key] = tuple(t.get(key, ()))
            transitions.append(Transition(**t))
        return cls(
            code=data["code"],
            name=data["name"],
            version=data["version"],
            states=tuple(State(**s) for s in data["states"]),
            transitions=tuple(transitions),
            fields=tuple(
                FieldSpec(**{**f, "values": pairs(f.get("values", ()))}) for f in data.get("fields", ())
            ),
            categories=tuple(Category(**c) for c in data.get("categories", ())),
            limits=tuple(
                Limit(li["category"], li["urgency"], dur(li["respond"]), dur(li["finish"]))
                for li in data.get("limits", ())
            ),
            urgencies=pairs(data.get("urgencies", ())),
            parties={k: tuple(v) for k, v in data.get("parties", {}).items()},
            scope=dict(data.get("scope", {})),
            reminders=tuple(
                Reminder(
                    dur(r.get("before")),
                    dur(r.get("after")),
                    tuple(r.get("notify", ())),
                    r.get("urgency", ""),
                )
                for r in data.get("reminders", ())
            ),
            channels=pairs(data.get("channels", ())),
            initial=data["initial"],
            noun=data.get("noun", "事项"),
            deadline_label=data.get("deadline_label", "办结期限"),
            register_by=tuple(data.get("register_by", ("anyone",))),
            register_effects=tuple(data.get("register_effects", ())),
            labels=dict(data.get("labels", {})),
            subject=data.get("subject", ""),
            unit_kinds=tuple(data.get("unit_kinds", ("department", "district"))),
            urgency_name=data.get("urgency_name", "紧急程度"),
        )


# --- loading and checking -----------------------------------------------------------------------


def _keys(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise KindConfigError(f"{where}：不认识的配置项 {'、'.join(extra)}")


def _str(where: str, table: dict[str, Any], key: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise KindConfigError(f"{where}：缺少 {key}")
    if not isinstance(value, str):
        raise KindConfigError(f"{where}：{key} 应为文字")
    return value


def _code(where: str, value: str) -> str:
    if not CODE_RE.match(value):
        raise KindConfigError(f"{where}：代码“{value}”只能用小写字母、数字和下划线，以字母开头")
    return value


def _list(where: str, table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KindConfigError(f"{where}：{key} 应为文字列表")
    return tuple(value)


def _bool(where: str, table: dict[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise KindConfigError(f"{where}：{key} 应为 true 或 false")
    return value


def _duration(where: str, value: Any) -> Duration | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise KindConfigError(
            f"{where}：时限应写成 {{ workdays = 天数 }}、{{ hours = 小时数 }}、"
            "{ days = 天数 } 或 { months = 月数 }"
        )
    ((unit, amount),) = value.items()
    if unit not in UNITS:
        raise KindConfigError(
            f"{where}：时限单位“{unit}”不认识，"
            "只能是 workdays（工作日）、hours（小时）、days（自然日）或 months（月）"
        )
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise KindConfigError(f"{where}：时限应为正整数")
    return Duration(amount, unit)


def _pairs(where: str, rows: Any, what: str) -> tuple[tuple[str, str], ...]:
    out = []
    for row in rows or []:
        if not isinstance(row, dict):
            raise KindConfigError(f"{where}：每个{what}应写成 {{ code = …, label = … }}")
        _keys(f"{where}（{what}）", row, {"code", "label"})
        code = _code(f"{where}（{what}）", _str(where, row, "code"))
        out.append((code, _str(f"{what}“{code}”", row, "label")))
    codes = [c for c, _ in out]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise KindConfigError(f"{where}：{what}代码重复：{'、'.join(dup)}")
    return tuple(out)


TOP_KEYS = {
    "code", "name", "version", "noun", "initial", "deadline_label", "register", "states", "transitions",
    "fields", "categories", "urgencies", "limits", "parties", "scope", "reminders", "labels", "channels",
    "subject", "unit_kinds", "urgency_name",
}  # fmt: skip
TRANSITION_KEYS = {
    "action", "label", "verb", "from", "to", "by", "needs", "optional", "reason", "reason_label",
    "reason_hint", "reason_error", "attachments", "effects", "within", "once_after", "combines",
    "default_note", "event", "danger", "reason_if", "reopen", "lead_org", "when", "child_kind",
    "fields", "dated", "date_label", "scale",
}  # fmt: skip


def load_spec(source: str | Path) -> KindSpec:
    """The checked spec of a kind file (a path) or of its text (a str)."""
    if isinstance(source, Path):
        text = source.read_text(encoding="utf-8")
    else:
        text = source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KindConfigError(f"配置文件格式有误：{exc}") from exc
    return build_spec(data)


def build_spec(data: dict[str, Any]) -> KindSpec:
    _keys("类型配置", data, TOP_KEYS)
    code = _code("类型代码", _str("类型配置", data, "code"))
    where = f"类型“{code}”"
    name = _str(where, data, "name")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise KindConfigError(f"{where}：version 应为正整数")

    states = _states(where, data.get("states"))
    codes = [s.code for s in states]
    initial = _str(where, data, "initial")
    if initial not in codes:
        raise KindConfigError(f"{where}：初始状态“{initial}”不在 states 中")

    parties = _parties(where, data.get("parties", {}))
    known_parties = set(BUILTIN_PARTIES) | set(parties)

    def check_by(place: str, by: tuple[str, ...]) -> None:
        if not by:
            raise KindConfigError(f"{place}：by 不能为空，请写明由谁操作")
        for party in by:
            if party.startswith("role:"):
                continue
            if party not in known_parties:
                raise KindConfigError(
                    f"{place}：未知的办理方“{party}”"
                    f"（可用：{'、'.join(sorted(known_parties))}，或 role:角色）"
                )

    register = data.get("register", {})
    _keys(f"{where}的 register", register, {"by", "effects"})
    register_by = _list(f"{where}的 register", register, "by") or ("anyone",)
    check_by(f"{where}的登记", register_by)
    register_effects = _list(f"{where}的 register", register, "effects")
    for eff in register_effects:
        if eff not in ("start_clock", "respond"):
            raise KindConfigError(f"{where}的登记：登记时只能 start_clock 或 respond，不能“{eff}”")

    urgencies = _pairs(where, data.get("urgencies"), "紧急程度")
    transitions = _transitions(where, data.get("transitions"), codes, check_by, urgencies)
    fields = _fields(where, data.get("fields"))
    field_codes = {f.code for f in fields}
    for t in transitions:
        for fcode in t.fields:
            if fcode not in field_codes:
                raise KindConfigError(f"{where}的流转“{t.action}”：fields 中的“{fcode}”不是本类型的字段")
        if (t.fields or t.dated) and t.combines:
            raise KindConfigError(f"{where}的流转“{t.action}”：组合操作不能带 fields 或 dated")
    categories = _categories(where, data.get("categories"))
    limits = _limits(where, data.get("limits"), categories, urgencies)
    scope = data.get("scope", {})
    if not isinstance(scope, dict):
        raise KindConfigError(f"{where}：scope 应为表")
    for party, how in scope.items():
        if party != "subject" and party not in known_parties and not party.startswith("role:"):
            raise KindConfigError(f"{where}的 scope：未知的办理方“{party}”")
        if how not in SCOPES:
            raise KindConfigError(
                f"{where}的 scope：“{party}”的范围“{how}”不认识（all、subtree、own、subject）"
            )
    reminders = _reminders(where, data.get("reminders"), known_parties, urgencies)
    labels = data.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise KindConfigError(f"{where}：labels 应为 操作 = 名称")
    channels = _pairs(where, data.get("channels"), "渠道")

    spec = KindSpec(
        code=code,
        name=name,
        version=version,
        states=states,
        transitions=transitions,
        fields=fields,
        categories=categories,
        limits=limits,
        urgencies=urgencies,
        parties=parties,
        scope=dict(scope),
        reminders=reminders,
        channels=channels,
        initial=initial,
        noun=_str(where, data, "noun", "事项"),
        deadline_label=_str(where, data, "deadline_label", "办结期限"),
        register_by=register_by,
        register_effects=register_effects,
        labels=dict(labels),
        subject=_str(where, data, "subject", ""),
        unit_kinds=_list(where, data, "unit_kinds") or ("department", "district"),
        urgency_name=_str(where, data, "urgency_name", "紧急程度"),
    )
    _check_reachable(where, spec)
    _check_limits_cover(where, spec)
    return spec


def _states(where: str, rows: Any) -> tuple[State, ...]:
    if not rows:
        raise KindConfigError(f"{where}：至少要有一个状态（states）")
    out = []
    for row in rows:
        _keys(f"{where}的状态", row, {"code", "label", "open", "clock", "tone"})
        code = _code(f"{where}的状态", _str(f"{where}的状态", row, "code"))
        place = f"{where}的状态“{code}”"
        clock = _str(place, row, "clock", "")
        if clock not in CLOCKS:
            raise KindConfigError(f"{place}：clock 只能是 run、pause、stop 或留空")
        out.append(
            State(
                code,
                _str(place, row, "label"),
                _bool(place, row, "open", True),
                clock,
                row.get("tone", "grey"),
            )
        )
    codes = [s.code for s in out]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise KindConfigError(f"{where}：状态代码重复：{'、'.join(dup)}")
    return tuple(out)


def _transitions(
    where: str, rows: Any, states: list[str], check_by: Any, urgencies: tuple[tuple[str, str], ...]
) -> tuple[Transition, ...]:
    out: list[Transition] = []
    for row in rows or []:
        _keys(f"{where}的流转", row, TRANSITION_KEYS)
        action = _code(f"{where}的流转", _str(f"{where}的流转", row, "action"))
        place = f"{where}的流转“{action}”"
        sources = _list(place, row, "from")
        if not sources:
            raise KindConfigError(f"{place}：from 不能为空")
        to = _str(place, row, "to")
        for s in (*sources, to):
            if s not in states:
                raise KindConfigError(f"{place}：状态“{s}”不存在（已定义：{'、'.join(states)}）")
        by = _list(place, row, "by")
        check_by(place, by)
        needs = _list(place, row, "needs")
        optional = _list(place, row, "optional")
        for n in (*needs, *optional):
            if n not in NEEDS:
                raise KindConfigError(f"{place}：needs“{n}”不认识（可用：{'、'.join(NEEDS)}）")
        effects = _list(place, row, "effects")
        for e in effects:
            if e not in EFFECTS:
                raise KindConfigError(f"{place}：effects“{e}”不认识（可用：{'、'.join(EFFECTS)}）")
        if {"assign", "transfer"} & set(effects) and "lead_org" not in needs:
            raise KindConfigError(f"{place}：交办或转办须在 needs 中写 lead_org")
        if "request_extension" in effects and "days" not in needs:
            raise KindConfigError(f"{place}：申请延期须在 needs 中写 days")
        lead_rule = _str(place, row, "lead_org", "")
        if lead_rule not in LEAD_ORG_RULES:
            raise KindConfigError(f"{place}：lead_org 只能是 parent（上一级单位）或留空")
        if lead_rule and "lead_org" not in needs:
            raise KindConfigError(f"{place}：lead_org = parent 须在 needs 中写 lead_org")
        when = _str(place, row, "when", "")
        if when not in WHEN:
            raise KindConfigError(f"{place}：when 只能是 children_closed（子事项全部办结）或留空")
        child_kind = _str(place, row, "child_kind", "")
        if ("fan_out" in effects) != bool(child_kind):
            raise KindConfigError(f"{place}：fan_out 须与 child_kind（子事项的类型代码）一起写")
        if child_kind:
            _code(place, child_kind)
        attachments = _str(place, row, "attachments", "none")
        if attachments not in ATTACHMENTS:
            raise KindConfigError(f"{place}：attachments 只能是 none、optional 或 required")
        judgement = next((n for n in needs if n in ("rating", "verdict")), "")
        scale = dict(RATINGS if judgement == "rating" else VERDICTS)
        reason_if = _list(place, row, "reason_if")
        for value in reason_if:
            if value not in scale:
                raise KindConfigError(
                    f"{place}：reason_if“{value}”不是{'满意度' if judgement else '评价'}的一级"
                )
        scale_only = _list(place, row, "scale")
        for value in scale_only:
            if not judgement or value not in scale:
                raise KindConfigError(f"{place}：scale 的“{value}”不是满意度（或评价）的一级")
        reopen = None
        if "reopen" in row:
            r = row["reopen"]
            if not judgement or not isinstance(r, dict):
                raise KindConfigError(
                    f"{place}：reopen 须配合 needs 中的 rating 或 verdict，"
                    "写成 { ratings = […], to = …, max = 1 }"
                )
            _keys(f"{place}的 reopen", r, {"ratings", "to", "max"})
            ratings = _list(place, r, "ratings")
            for value in ratings:
                if value not in scale:
                    raise KindConfigError(f"{place}：reopen 的“{value}”不是满意度的一级")
            if r.get("to") not in states:
                raise KindConfigError(f"{place}：reopen 的状态“{r.get('to')}”不存在")
            reopen = Reopen(ratings, r["to"], int(r.get("max", 1)))
        combines = _list(place, row, "combines")
        out.append(
            Transition(
                action=action,
                label=_str(place, row, "label"),
                verb=_str(place, row, "verb", ""),
                sources=sources,
                to=to,
                by=by,
                needs=needs,
                optional=optional,
                reason=_bool(place, row, "reason", False),
                reason_label=_str(place, row, "reason_label", "说明"),
                reason_hint=_str(place, row, "reason_hint", ""),
                reason_error=_str(place, row, "reason_error", ""),
                attachments=attachments,
                effects=effects,
                within=_duration(place, row.get("within")),
                once_after=_str(place, row, "once_after", ""),
                combines=combines,
                default_note=_str(place, row, "default_note", ""),
                event=_str(place, row, "event", ""),
                danger=_bool(place, row, "danger", False),
                reason_if=reason_if,
                reopen=reopen,
                lead_org=lead_rule,
                when=when,
                child_kind=child_kind,
                fields=_list(place, row, "fields"),
                dated=_bool(place, row, "dated", False),
                date_label=_str(place, row, "date_label", "日期"),
                scale=scale_only,
            )
        )
    actions = [t.action for t in out]
    dup = sorted({a for a in actions if actions.count(a) > 1})
    if dup:
        raise KindConfigError(f"{where}：流转动作重复：{'、'.join(dup)}")
    for t in out:
        for part in t.combines:
            if part not in actions or part == t.action:
                raise KindConfigError(f"{where}的流转“{t.action}”：combines 中的“{part}”不是本类型的另一流转")
        if t.once_after and t.once_after not in actions:
            raise KindConfigError(f"{where}的流转“{t.action}”：once_after 的“{t.once_after}”不是本类型的流转")
    return tuple(out)


def _fields(where: str, rows: Any) -> tuple[FieldSpec, ...]:
    out = []
    for row in rows or []:
        _keys(f"{where}的字段", row, {"code", "label", "type", "required", "values", "max_length", "help"})
        code = _code(f"{where}的字段", _str(f"{where}的字段", row, "code"))
        place = f"{where}的字段“{code}”"
        ftype = _str(place, row, "type")
        if ftype not in FIELD_TYPES:
            raise KindConfigError(f"{place}：类型“{ftype}”不认识（可用：{'、'.join(FIELD_TYPES)}）")
        values = _pairs(place, row.get("values"), "选项")
        if ftype == "choice" and not values:
            raise KindConfigError(f"{place}：选择类字段须列出 values")
        if ftype != "choice" and values:
            raise KindConfigError(f"{place}：只有 choice 类字段可以有 values")
        max_length = row.get("max_length", 2000 if ftype == "longtext" else 200)
        if not isinstance(max_length, int) or max_length < 1:
            raise KindConfigError(f"{place}：max_length 应为正整数")
        out.append(
            FieldSpec(
                code,
                _str(place, row, "label"),
                ftype,
                _bool(place, row, "required", False),
                values,
                max_length,
                _str(place, row, "help", ""),
            )
        )
    codes = [f.code for f in out]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise KindConfigError(f"{where}：字段代码重复：{'、'.join(dup)}")
    return tuple(out)


def _categories(where: str, rows: Any) -> tuple[Category, ...]:
    out = []
    for row in rows or []:
        _keys(f"{where}的分类", row, {"code", "label", "parent"})
        code = _code(f"{where}的分类", _str(f"{where}的分类", row, "code"))
        out.append(
            Category(code, _str(f"{where}的分类“{code}”", row, "label"), _str(where, row, "parent", ""))
        )
    codes = {c.code for c in out}
    if len(codes) != len(out):
        raise KindConfigError(f"{where}：分类代码重复")
    for c in out:
        if c.parent and c.parent not in codes:
            raise KindConfigError(f"{where}的分类“{c.code}”：上级分类“{c.parent}”不存在")
    spec_like = {c.code: c.parent for c in out}
    for c in out:
        seen, code = set(), c.code
        while code:
            if code in seen:
                raise KindConfigError(f"{where}的分类“{c.code}”：上级分类成环")
            seen.add(code)
            code = spec_like.get(code, "")
    return tuple(out)


def _limits(
    where: str, rows: Any, categories: tuple[Category, ...], urgencies: tuple[tuple[str, str], ...]
) -> tuple[Limit, ...]:
    cats = {c.code for c in categories}
    urgs = {u for u, _ in urgencies}
    out = []
    for row in rows or []:
        _keys(f"{where}的时限", row, {"category", "urgency", "respond", "finish"})
        category = _str(f"{where}的时限", row, "category", "*")
        urgency = _str(f"{where}的时限", row, "urgency", "*")
        place = f"{where}的时限（分类 {category}，紧急程度 {urgency}）"
        if category != "*" and category not in cats:
            raise KindConfigError(f"{place}：分类“{category}”不存在")
        if urgency != "*" and urgency not in urgs:
            raise KindConfigError(f"{place}：紧急程度“{urgency}”不存在")
        respond = _duration(place, row.get("respond"))
        finish = _duration(place, row.get("finish"))
        if respond is None and finish is None:
            raise KindConfigError(f"{place}：respond 和 finish 至少写一个")
        out.append(Limit(category, urgency, respond, finish))
    return tuple(out)


def _parties(where: str, table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise KindConfigError(f"{where}：parties 应为表")
    out = {}
    for name in table:
        _code(f"{where}的 parties", name)
        if name in BUILTIN_PARTIES:
            raise KindConfigError(f"{where}的 parties：“{name}”是内置办理方，不能重新定义")
        items = _list(f"{where}的 parties", table, name)
        for m in items:
            kind, _, value = m.partition(":")
            if kind not in ("role", "org_kind") or not value:
                raise KindConfigError(f"{where}的办理方“{name}”：“{m}”应写成 role:角色 或 org_kind:单位类型")
        out[name] = items
    return out


def _reminders(
    where: str, rows: Any, parties: set[str], urgencies: tuple[tuple[str, str], ...] = ()
) -> tuple[Reminder, ...]:
    out = []
    seen: set[tuple[str, str]] = set()
    for row in rows or []:
        place = f"{where}的提醒"
        _keys(place, row, {"before", "after", "notify", "urgency"})
        raw = row.get("before")
        if isinstance(raw, dict) and raw == {"workdays": 0}:
            before: Duration | None = Duration(0, "workdays")  # on the deadline day itself
        else:
            before = _duration(place, raw)
        after = _duration(place, row.get("after"))
        if (before is None) == (after is None):
            raise KindConfigError(
                f"{place}：每条提醒写 before（到期前多久提醒）或 after（超期多久升级）中的一个"
            )
        if after is not None and after.unit != "workdays":
            raise KindConfigError(f"{place}：after（超期升级）只能按工作日计，写成 {{ workdays = 天数 }}")
        if before is not None and before.unit not in ("workdays", "hours"):
            raise KindConfigError(f"{place}：before（到期前提醒）只能按工作日或小时计")
        urgency = row.get("urgency", "")
        if not isinstance(urgency, str) or (urgency and urgency not in dict(urgencies)):
            raise KindConfigError(f"{place}：紧急程度“{urgency}”不在 urgencies 中")
        if after is not None and urgency:
            raise KindConfigError(f"{place}：超期升级（after）不分紧急程度，请去掉 urgency")
        which = ("before" if before is not None else "after", urgency)
        if which in seen:
            what = f"紧急程度“{dict(urgencies)[urgency]}”的" if urgency else ""
            raise KindConfigError(f"{place}：{what}{'到期前提醒' if before else '超期升级'}重复")
        seen.add(which)
        notify = _list(place, row, "notify") or ("lead_unit",)
        if notify != ("lead_unit",):
            raise KindConfigError(f"{place}：提醒和超期升级通知牵头单位，notify 只能是 lead_unit")
        out.append(Reminder(before, after, notify, urgency))
    return tuple(out)


def _check_reachable(where: str, spec: KindSpec) -> None:
    reached = {spec.initial}
    changed = True
    while changed:
        changed = False
        for t in spec.transitions:
            targets = {t.to} | ({t.reopen.to} if t.reopen else set())
            if reached & set(t.sources) and not targets <= reached:
                reached |= targets
                changed = True
    lost = [s.label + f"（{s.code}）" for s in spec.states if s.code not in reached]
    if lost:
        raise KindConfigError(f"{where}：状态 {'、'.join(lost)} 无法从初始状态到达，请补充流转或删除该状态")


def _check_limits_cover(where: str, spec: KindSpec) -> None:
    """Every category (and every urgency) a deadline may be computed for has a time limit."""
    clocked = "start_clock" in spec.register_effects or any(
        "start_clock" in t.effects or "reopen" in t.effects or t.reopen for t in spec.transitions
    )
    if not clocked:
        return
    cats = [c.code for c in spec.categories] or [""]
    urgs = [u for u, _ in spec.urgencies] or [""]
    for cat in cats:
        for urg in urgs:
            if find_limit(spec.limits, spec, cat, urg) is None:
                label = next((c.label for c in spec.categories if c.code == cat), "")
                what = f"分类“{label or cat}”" if cat else "本类型"
                if urg:
                    what += f"（{spec.urgency_label(urg)}）"
                raise KindConfigError(f"{where}：{what}没有时限，请在 limits 中补充")


def find_limit(limits: Any, spec: KindSpec, category: str, urgency: str) -> Any:
    """The most specific limit for a category and urgency: the category itself, then its
    ancestors, then "*"; within each, the urgency itself before "*". Works on Limit rows and on any
    object with category/urgency attributes ("*" or "" for any)."""
    chain = [*spec.category_chain(category), "*"] if category else ["*"]
    for cat in chain:
        for urg in [urgency, "*"] if urgency else ["*"]:
            for limit in limits:
                if (limit.category or "*") == cat and (limit.urgency or "*") == urg:
                    return limit
    return None


def shipped_kinds() -> list[Path]:
    """The kind files that ship with the code, in a stable order."""
    return sorted(KINDS_DIR.glob("*.toml"))
