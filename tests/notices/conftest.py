from __future__ import annotations

import datetime as dt

import pytest

from liangping.cases import services as cases
from liangping.cases.models import Case
from tests.cast import Cast

SEPTEMBER = dt.date(2026, 9, 1)


@pytest.fixture
def people(cast: Cast) -> Cast:
    """The cast with e-mail addresses, so reminders are also e-mailed."""
    for name, user in {**cast.users(), "leader2": cast.leader2, "specialist2": cast.specialist2}.items():
        user.email = f"{name}@zaozhuang.example"
        user.save(update_fields=["email"])
    return cast


def overdue_case(cast: Cast, title: str = "施工用电接入滞后", lead=None) -> Case:
    """A problem on `inside`, assigned on Tue 2026-09-22: 5 working days across the Mid-Autumn
    holiday (25–27 Sep) make its reply deadline Wed 2026-09-30."""
    case = cases.register(cast.specialist, title, subject=cast.inside)
    cases.assign(cast.supervisor, case, lead or cast.fagai, today=dt.date(2026, 9, 22))
    assert case.deadline == dt.date(2026, 9, 30)
    return case
