"""三率 as a pure function: definitions, the as-of time, ties and the rank change (双亮牌)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangping.appeals.rates import AppealRow, composite, percent, unit_rates

T0 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 30, 18, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def row(
    unit="薛城区", kind="district", *, responded=1, respond_limit=2, finished=24, finish_limit=48, rating=""
):
    return AppealRow(
        unit=unit,
        unit_kind=kind,
        registered_at=T0,
        respond_by=T0 + respond_limit * H,
        responded_at=None if responded is None else T0 + responded * H,
        due_at=T0 + finish_limit * H,
        finished_at=None if finished is None else T0 + finished * H,
        rating=rating,
    )


def test_the_three_rates_follow_their_definitions():
    rows = [
        row(rating="very_satisfied"),
        row(responded=3, rating="basic"),  # accepted late
        row(finished=60, rating="unsatisfied"),  # finished late
        row(rating=""),  # not rated yet
    ]
    (u,) = unit_rates(rows, NOW)
    assert (u.tally.responded_in_time, u.tally.respond_due) == (3, 4)
    assert (u.tally.finished_in_time, u.tally.finish_due) == (3, 4)
    assert (u.tally.satisfied, u.tally.rated) == (2, 3)
    assert u.respond_rate == Decimal(3) / 4
    assert u.satisfied_rate == Decimal(2) / 3
    assert percent(u.respond_rate) == "75.0%"
    assert percent(u.satisfied_rate) == "66.7%"


def test_what_is_not_yet_due_is_not_counted():
    """An appeal neither accepted nor past its response limit is not in the 响应率's denominator."""
    pending = row(responded=None, finished=None, respond_limit=24 * 60, finish_limit=24 * 90)
    overdue = row(responded=None, finished=None)
    (u,) = unit_rates([pending, overdue], NOW)
    assert (u.tally.responded_in_time, u.tally.respond_due) == (0, 1)
    assert (u.tally.finished_in_time, u.tally.finish_due) == (0, 1)
    assert u.satisfied_rate is None and percent(u.satisfied_rate) == "—"
    (alone,) = unit_rates([pending], NOW)
    assert alone.respond_rate is None and alone.score is None and alone.rank is None


def test_ranking_ties_share_a_rank_and_kinds_rank_apart():
    rows = [
        row("薛城区"),
        row("市中区"),
        row("峄城区", responded=5),
        row("市城管局", "department", responded=5),
    ]
    ranked = unit_rates(rows, NOW, previous={("district", "峄城区"): 1, ("district", "市中区"): 2})
    by = {u.unit: u for u in ranked}
    assert [by["市中区"].rank, by["薛城区"].rank, by["峄城区"].rank] == [1, 1, 3]
    assert by["市城管局"].rank == 1  # departments are ranked among departments
    assert by["市中区"].change_card == "↑1 进位"
    assert by["峄城区"].change_card == "↓2 退位"
    assert by["薛城区"].change_card == "—"  # no rank the month before


def test_composite_is_the_weighted_mean_of_the_rates_that_exist():
    assert composite([("respond", Decimal(1)), ("on_time", Decimal("0.5")), ("satisfied", None)]) == Decimal(
        75
    )
    weights = {"respond": Decimal(1), "on_time": Decimal(3), "satisfied": Decimal(0)}
    assert (
        composite([("respond", Decimal(1)), ("on_time", Decimal(0)), ("satisfied", Decimal(1))], weights)
        == 25
    )
    assert composite([("respond", None)]) is None


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])  # a shared, busy machine
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5), st.integers(0, 5), st.sampled_from(["", "satisfied", "very_unsatisfied"])
        ),
        max_size=30,
    )
)
def test_rates_stay_between_zero_and_one(cases):
    rows = [row(responded=r, finished=20 + f * 10, rating=rating) for r, f, rating in cases]
    for u in unit_rates(rows, NOW):
        for rate in (u.respond_rate, u.on_time_rate, u.satisfied_rate):
            assert rate is None or 0 <= rate <= 1
        assert u.tally.total == len(rows)
