"""Perimeter ring and coverage geometry (第8、9条): pure shapely, no database."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from anfang.compliance import geometry as geo

Pair = tuple[tuple[float, float], tuple[float, float]]
SQUARE: list[Pair] = [((0, 0), (100, 0)), ((100, 0), (100, 100)), ((100, 100), (0, 100)), ((0, 100), (0, 0))]


def lines(pairs: Sequence[Pair]) -> list[LineString]:
    return [LineString([a, b]) for a, b in pairs]


def test_closed_square_is_one_ring() -> None:
    ring = geo.ring_check(lines(SQUARE), 0.5)
    assert ring.closed and ring.components == 1 and ring.length_m == 400.0


def test_ring_order_and_direction_do_not_matter() -> None:
    shuffled = [SQUARE[2], (SQUARE[0][1], SQUARE[0][0]), SQUARE[3], SQUARE[1]]
    assert geo.ring_check(lines(shuffled), 0.5).closed


def test_single_closed_polyline_is_a_ring() -> None:
    assert geo.ring_check([LineString([(0, 0), (10, 0), (10, 10), (0, 0)])], 0.5).closed


def test_gap_is_reported_between_the_loose_ends() -> None:
    broken = [SQUARE[0], ((100, 0), (100, 90)), SQUARE[2], SQUARE[3]]
    ring = geo.ring_check(lines(broken), 0.5)
    assert not ring.closed
    assert ring.gaps == [geo.RingGap(1, 2, 10.0, [[100.0, 90.0], [100.0, 100.0]])]


def test_open_chain_has_one_gap_from_its_last_end_to_its_first_start() -> None:
    ring = geo.ring_check(lines(SQUARE[:3]), 0.5)
    assert [(g.from_index, g.to_index, g.distance_m) for g in ring.gaps] == [(2, 0, 100.0)]
    assert ring.gaps[0].coordinates == [[0.0, 100.0], [0.0, 0.0]]


def test_ends_within_tolerance_meet_and_beyond_do_not() -> None:
    near = [SQUARE[0], ((100, 0.4), (100, 100)), SQUARE[2], SQUARE[3]]
    assert geo.ring_check(lines(near), 0.5).closed
    assert geo.ring_check(lines(near), 0.3).gaps[0].distance_m == 0.4


def test_branch_and_separate_rings_are_not_one_ring() -> None:
    spur = geo.ring_check([*lines(SQUARE), LineString([(100, 0), (120, 0)])], 0.5)
    assert spur.branch_points == [[100.0, 0.0]] and not spur.closed
    tri: list[Pair] = [((200, 0), (210, 0)), ((210, 0), (210, 10)), ((210, 10), (200, 0))]
    two = geo.ring_check(lines(SQUARE + tri), 0.5)
    assert two.components == 2 and two.gaps == [] and not two.closed


def test_no_lines_is_not_a_ring() -> None:
    assert not geo.ring_check([], 0.5).closed


def test_collinear_detector_covers_exactly_its_own_length() -> None:
    seg = LineString([(0, 0), (100, 0)])
    [found] = geo.uncovered([seg], [LineString([(0, 0), (60, 0)])], 0.5)
    assert found == [geo.Stretch(40.0, [[60.0, 0.0], [100.0, 0.0]])]


def test_detector_drawn_slightly_off_the_wall_still_covers_it() -> None:
    seg = LineString([(0, 0), (100, 0)])
    assert geo.uncovered([seg], [LineString([(-5, 0.3), (105, 0.3)])], 0.5) == [[]]
    [found] = geo.uncovered([seg], [LineString([(0, 0.8), (100, 0.8)])], 0.5)
    assert found is not None and found[0].length_m == 100.0


def test_detector_of_the_next_side_covers_nothing_round_the_corner() -> None:
    seg = LineString([(100, 0), (100, 100)])
    [found] = geo.uncovered([seg], [LineString([(0, 0), (100, 0)]), LineString([(100, 100), (0, 100)])], 0.5)
    assert found == [geo.Stretch(100.0, [[100.0, 0.0], [100.0, 100.0]])]


def test_polygon_zones_and_several_gaps() -> None:
    seg = LineString([(0, 0), (100, 0)])
    zones = [box(10, -1, 20, 1), box(15, -1, 50, 1), LineString([(70, 0), (90, 0)])]
    [found] = geo.uncovered([seg], zones, 0.5)
    assert found == [
        geo.Stretch(10.0, [[0.0, 0.0], [10.0, 0.0]]),
        geo.Stretch(20.0, [[50.0, 0.0], [70.0, 0.0]]),
        geo.Stretch(10.0, [[90.0, 0.0], [100.0, 0.0]]),
    ]


def test_diagonal_and_bent_segments() -> None:
    diagonal = LineString([(0, 0), (30, 40)])  # 50 m long
    assert geo.uncovered([diagonal], [LineString([(0, 0), (30, 40)])], 0.5) == [[]]
    [found] = geo.uncovered([diagonal], [LineString([(0, 0), (15, 20)])], 0.5)
    assert found == [geo.Stretch(25.0, [[15.0, 20.0], [30.0, 40.0]])]
    bent = LineString([(0, 0), (10, 0), (10, 10)])
    [found] = geo.uncovered([bent], [LineString([(0, 0), (10, 0)])], 0.5)
    assert found == [geo.Stretch(10.0, [[10.0, 0.0], [10.0, 10.0]])]


def test_missing_line_and_missing_coverage() -> None:
    seg = LineString([(0, 0), (10, 0)])
    assert geo.uncovered([None, seg], [None], 0.5) == [None, [geo.Stretch(10.0, [[0.0, 0.0], [10.0, 0.0]])]]


def test_intervals_name_the_covering_detectors() -> None:
    seg = LineString([(0, 0), (100, 0)])
    found = geo.intervals_along([seg], [LineString([(0, 0), (40, 0)]), box(500, 500, 501, 501)], 0.5)
    assert found == [{0: [(0.0, 40.0)]}]


def test_sees_points_within_tolerance_lines_and_areas_by_overlap() -> None:
    view = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    assert geo.sees(view, Point(10.5, 5), 1.0) and not geo.sees(view, Point(12, 5), 1.0)
    assert geo.sees(view, LineString([(5, 5), (50, 5)]), 1.0)
    assert not geo.sees(view, LineString([(20, 0), (20, 10)]), 1.0)


def test_neighbours_skips_missing_geometry() -> None:
    found = geo.neighbours([Point(0, 0), None, Point(5, 5)], [box(-1, -1, 1, 1), None], distance=0.0)
    assert dict(found) == {0: [0]}
    near = geo.neighbours([Point(3, 0)], [Point(0, 0), Point(10, 0)], distance=5.0)
    assert dict(near) == {0: [0]}


@pytest.mark.parametrize("n", [1200])
def test_city_scale_perimeter(n: int) -> None:
    """1,200 segments round a circle-ish polygon, one detector each but every tenth missing (its speed
    is measured by ``make bench``, not here)."""
    import math

    pts = [(1000 * math.cos(2 * math.pi * i / n), 1000 * math.sin(2 * math.pi * i / n)) for i in range(n)]
    segs = [LineString([pts[i], pts[(i + 1) % n]]) for i in range(n)]
    detectors = [s if i % 10 else None for i, s in enumerate(segs)]
    ring = geo.ring_check(segs, 0.5)
    found = geo.uncovered(segs, detectors, 0.5)
    assert ring.closed
    assert sum(1 for f in found if f) == n // 10
