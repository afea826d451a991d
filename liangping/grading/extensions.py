"""What other apps add to the grading pages: more sections of the 约谈 list (the evaluation's units
red two rounds running sit beside the projects red two periods running). Registered at start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (user, period) → {"title", "columns", "rows": [[cell, …]], "empty"} or None when the user sees none
SummonsSection = Callable[[Any, Any], dict[str, Any] | None]
_summons: list[SummonsSection] = []


def register_summons(section: SummonsSection) -> None:
    if section not in _summons:
        _summons.append(section)


def summons_sections(user: Any, period: Any) -> list[dict[str, Any]]:
    return [s for s in (section(user, period) for section in _summons) if s is not None]
