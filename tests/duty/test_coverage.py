"""Coverage arithmetic (R-16 第16条: no uncovered minute): properties that must hold for any shifts."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from anfang.duty import coverage
from anfang.duty.coverage import Span

T0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
DAY = 24 * 60


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


spans = st.lists(
    st.builds(
        lambda s, length, people: Span(at(s), at(s + length), frozenset(people)),
        st.integers(0, 3 * DAY),
        st.integers(1, DAY),
        st.sets(st.integers(1, 4), max_size=3),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 3 * DAY), st.integers(0, 3 * DAY), st.integers(0, 3 * DAY), st.integers(1, 3))
def test_splitting_a_range_never_changes_the_total(
    shifts: list[Span], a: int, b: int, c: int, need: int
) -> None:
    a, b, c = sorted((a, b, c))
    whole = coverage.uncovered_minutes(shifts, at(a), at(c), need)
    parts = coverage.uncovered_minutes(shifts, at(a), at(b), need) + coverage.uncovered_minutes(
        shifts, at(b), at(c), need
    )
    assert whole == parts


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(1, 3))
def test_intervals_are_disjoint_ordered_and_add_up(shifts: list[Span], need: int) -> None:
    gaps = coverage.uncovered_intervals(shifts, at(0), at(4 * DAY), need)
    for (s1, e1), (s2, _e2) in itertools.pairwise(gaps):
        assert s1 < e1 < s2  # maximal: touching gaps would have been merged
    total = sum(int((e - s) / coverage.MINUTE) for s, e in gaps)
    assert total == coverage.uncovered_minutes(shifts, at(0), at(4 * DAY), need)
    assert 0 <= total <= 4 * DAY


@settings(max_examples=100, deadline=None)
@given(spans, st.integers(1, 3))
def test_adding_a_shift_never_uncovers_anything(shifts: list[Span], need: int) -> None:
    before = coverage.uncovered_minutes(shifts, at(0), at(4 * DAY), need)
    extra = Span(at(100), at(900), frozenset({99}))
    assert coverage.uncovered_minutes([*shifts, extra], at(0), at(4 * DAY), need) <= before


@given(st.integers(0, 23), st.integers(1, 4))
def test_a_fully_covered_day_has_no_uncovered_minute(split_hour: int, people: int) -> None:
    crew = frozenset(range(people))
    day = [Span(at(0), at(split_hour * 60 + 1), crew), Span(at(split_hour * 60), at(DAY), crew)]
    assert coverage.uncovered_minutes(day, at(0), at(DAY), people) == 0
    assert coverage.uncovered_minutes(day, at(0), at(DAY), people + 1) == DAY


def test_three_shifts_with_a_missing_hour() -> None:
    shifts = [
        Span(at(0), at(8 * 60), frozenset({1})),
        Span(at(8 * 60), at(16 * 60), frozenset({2})),
        Span(at(17 * 60), at(DAY), frozenset({3})),
    ]
    assert coverage.uncovered_intervals(shifts, at(0), at(DAY), 1) == [(at(16 * 60), at(17 * 60))]
    assert coverage.uncovered_minutes(shifts, at(0), at(DAY), 1) == 60


def test_seconds_are_floored_to_the_minute() -> None:
    shifts = [Span(at(0), at(60), frozenset({1}))]
    start = at(0) + dt.timedelta(seconds=59)
    assert coverage.uncovered_minutes(shifts, start, at(61) + dt.timedelta(seconds=30), 1) == 1


def test_empty_or_reversed_range_is_zero() -> None:
    assert coverage.uncovered_minutes([], at(10), at(10), 1) == 0
    assert coverage.uncovered_minutes([], at(10), at(5), 1) == 0
    assert coverage.uncovered_minutes([], at(0), at(30), 1) == 30
