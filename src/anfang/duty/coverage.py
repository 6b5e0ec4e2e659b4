"""How many people are on duty when: pure functions over shifts, no database (R-16 第16条: 24-h duty).

Times are floored to the whole minute, so counting minutes is exact and additive: the uncovered
minutes of [a, c) are those of [a, b) plus those of [b, c), wherever b falls.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

MINUTE = dt.timedelta(minutes=1)


def floor_minute(value: dt.datetime) -> dt.datetime:
    return value.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Span:
    """One shift as coverage sees it: when, and who (people counted once even on two shifts)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    people: frozenset[Hashable]


@dataclass(frozen=True)
class Piece:
    """A stretch of time with a constant number of distinct people on duty."""

    start: dt.datetime
    end: dt.datetime
    people: int

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) // MINUTE)


def timeline(spans: Iterable[Span], start: dt.datetime, end: dt.datetime) -> list[Piece]:
    """[start, end) cut into pieces of constant head count (adjacent equal pieces merged)."""
    start, end = floor_minute(start), floor_minute(end)
    if end <= start:
        return []
    events: dict[dt.datetime, list[tuple[int, frozenset[Hashable]]]] = {}
    for span in spans:
        s, e = max(floor_minute(span.starts_at), start), min(floor_minute(span.ends_at), end)
        if e <= s or not span.people:
            continue
        events.setdefault(s, []).append((1, span.people))
        events.setdefault(e, []).append((-1, span.people))
    bounds = sorted({start, end, *events})
    on_duty: Counter[Hashable] = Counter()
    pieces: list[Piece] = []
    for left, right in itertools.pairwise(bounds):
        for sign, people in events.get(left, []):
            for person in people:
                on_duty[person] += sign
        count = sum(1 for n in on_duty.values() if n > 0)
        if pieces and pieces[-1].people == count and pieces[-1].end == left:
            pieces[-1] = Piece(pieces[-1].start, right, count)
        else:
            pieces.append(Piece(left, right, count))
    return pieces


def uncovered_intervals(
    spans: Iterable[Span], start: dt.datetime, end: dt.datetime, min_people: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Maximal stretches of [start, end) with fewer than ``min_people`` people on duty."""
    gaps: list[tuple[dt.datetime, dt.datetime]] = []
    for piece in timeline(spans, start, end):
        if piece.people >= min_people:
            continue
        if gaps and gaps[-1][1] == piece.start:
            gaps[-1] = (gaps[-1][0], piece.end)
        else:
            gaps.append((piece.start, piece.end))
    return gaps


def uncovered_minutes(spans: Iterable[Span], start: dt.datetime, end: dt.datetime, min_people: int) -> int:
    return sum(int((e - s) // MINUTE) for s, e in uncovered_intervals(spans, start, end, min_people))
