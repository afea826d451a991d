"""The project-problem loop's service functions, as thin wrappers over the generic engine.

Projects, notices and the demo call these names (register → assign → handle → reply → verify →
close, or return with a reason); what each step allows comes from liangping/kinds/project_problem.toml
through liangping/cases/engine.py. New code calls engine.register / engine.act for any kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models

from liangping.cases import engine
from liangping.cases.engine import (
    MAX_ATTACHMENTS,
    CaseConflict,
    CaseError,
    CaseFieldError,
    Upload,
    allowed_actions,
    check_uploads,
)
from liangping.cases.models import Case, KindCode
from liangping.cases.scope import is_party
from liangping.core.models import Org, User
from liangping.core.workdays import WorkCalendar
from liangping.kinds.spec import KINDS_DIR, load_spec

__all__ = [
    "MAX_ATTACHMENTS",
    "CaseConflict",
    "CaseError",
    "CaseFieldError",
    "Upload",
    "allowed_actions",
    "check_uploads",
]

# Events announced after the change commits (core.hooks): notices tells the people concerned.
ASSIGNED = "case.assigned"  # case, actor
RETURNED = "case.returned"  # case, actor, note

# The shipped project-problem configuration, for the names other apps read.
_PROJECT_PROBLEM = load_spec(KINDS_DIR / "project_problem.toml")
ACTION_LABELS: dict[str, str] = {
    **_PROJECT_PROBLEM.labels,
    **{t.action: t.label for t in _PROJECT_PROBLEM.transitions},
}
# action: (statuses it may start from, status it leads to), the single steps of the loop.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    t.action: (t.sources, t.to) for t in _PROJECT_PROBLEM.transitions if not t.combines and not t.once_after
}


def is_handler(user: User, case: Case) -> bool:
    """Whether the user may handle and reply to the case: its lead unit (or above), or the dispatcher."""
    spec = case.spec
    return any(is_party(user, party, case, spec) for party in ("lead_unit", "dispatcher"))


def register(
    actor: User,
    title: str,
    *,
    description: str = "",
    subject: models.Model | None = None,
    kind: str = KindCode.PROJECT_PROBLEM,
    source: str = "manual",
    source_ref: str = "",
) -> Case:
    return engine.register(
        kind,
        actor=actor,
        title=title,
        description=description,
        subject=subject,
        source=source,
        source_ref=source_ref,
    )


def assign(
    actor: User,
    case: Case,
    lead_org: Org,
    co_orgs: Iterable[Org] = (),
    *,
    note: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    return engine.act(
        case,
        "assign",
        actor=actor,
        note=note,
        lead_org=lead_org,
        co_orgs=list(co_orgs),
        today=today,
        expected_version=expected_version,
    )


def advance(
    actor: User,
    case: Case,
    action: str,
    note: str = "",
    *,
    expected_version: int | None = None,
    files: Iterable[Upload] = (),
) -> Case:
    """handle, reply (with its attachments), verify, close or return."""
    if action not in TRANSITIONS or action in ("assign", "feedback"):
        raise CaseError(f"未知操作：{action}")
    return engine.act(
        case, action, actor=actor, note=note, expected_version=expected_version, attachments=files
    )


def verify_and_close(actor: User, case: Case, note: str = "", *, expected_version: int | None = None) -> Case:
    """核实并销号: whoever may verify and close does both at once; the history keeps both steps."""
    return engine.act(case, "verify_close", actor=actor, note=note, expected_version=expected_version)


def give_feedback(
    actor: User, case: Case, verdict: str, note: str = "", *, expected_version: int | None = None
) -> Case:
    """The project unit says whether the reply satisfies it (满意/不满意, with a note when not).

    The case stays 已答复; the supervisor reads the verdict before verifying or returning it."""
    return engine.act(
        case, "feedback", actor=actor, note=note, rating=verdict, expected_version=expected_version
    )


def countdown(case: Case, calendar: WorkCalendar, today: dt.date) -> tuple[str, str]:
    """(text, tone) of the finish deadline while the clock runs: 剩余 N 个工作日 / 今天到期 /
    已逾期 N 个工作日; ("", "") otherwise."""
    if case.deadline is None or case.status not in case.spec.clock_states("run"):
        return "", ""
    label = case.spec.deadline_label
    left = calendar.workdays_between(today, case.deadline)
    if case.deadline < today:
        late = calendar.workdays_between(case.deadline, today)
        return (f"已逾期 {late} 个工作日" if late else f"已过{label}"), "red"
    if left == 0:
        return "今天到期", "yellow"
    return f"剩余 {left} 个工作日", "yellow" if left <= 2 else "blue"
