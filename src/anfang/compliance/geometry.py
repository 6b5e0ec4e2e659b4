"""Site-plan geometry for the compliance rules: perimeter ring closure and coverage (第8、9条).

Pure functions on shapely objects in local metres (x east, y north). They work on whole lists at once
(STRtree queries, one union per segment's neighbours) because a city-scale community has 1,000+
perimeter segments and 10,000 devices and the whole check must take under 3 s (docs/benchmarks.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

# shapely geometry type ids
LINESTRING, LINEARRING, POLYGON, MULTIPOLYGON = 1, 2, 3, 6
# Uncovered pieces shorter than this are floating-point slivers, not stretches anyone could climb over.
MIN_STRETCH_M = 0.01


def _round(value: float) -> float:
    return round(float(value), 2)


def coords_of(geom: BaseGeometry) -> list[list[float]]:
    """Coordinates of a point or line as ``[[x, y], ...]`` rounded to centimetres (JSON-friendly)."""
    return [[_round(x), _round(y)] for x, y, *_ in geom.coords]


# ---------------------------------------------------------------------------------------------------
# Ring closure (R-8 第8条: the perimeter is closed)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RingGap:
    """An opening in the perimeter between the loose end of one segment and the next one."""

    from_index: int
    to_index: int
    distance_m: float
    coordinates: list[list[float]]


@dataclass
class RingCheck:
    """Whether the lines form exactly one closed ring, and where not."""

    gaps: list[RingGap] = field(default_factory=list)
    branch_points: list[list[float]] = field(default_factory=list)  # where three or more ends meet
    components: int = 0  # separate pieces (two closed rings count as two)
    length_m: float = 0.0

    @property
    def closed(self) -> bool:
        return not self.gaps and not self.branch_points and self.components == 1


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def ring_check(lines: Sequence[LineString], tolerance: float) -> RingCheck:
    """Check that ``lines`` (in any order and direction) join end to end into one closed ring.

    Two ends meet when they lie within ``tolerance`` metres. An end that meets nothing is loose; loose
    ends are paired nearest first and each pair reported as a gap with its distance and coordinates.
    """
    n = len(lines)
    result = RingCheck(length_m=_round(sum(line.length for line in lines)))
    if n == 0:
        return result
    ends = np.array([line.coords[k][:2] for line in lines for k in (0, -1)], dtype=float)
    owner = np.repeat(np.arange(n), 2)
    end_points = shapely.points(ends)
    tree = STRtree(end_points)
    left, right = tree.query(end_points, predicate="dwithin", distance=tolerance)
    nodes = _UnionFind(2 * n)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a == b:
            continue
        # A segment's own two ends only close on each other if it is a real loop, not a speck.
        if owner[a] == owner[b] and lines[owner[a]].length <= 2 * tolerance:
            continue
        nodes.union(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(2 * n):
        members[nodes.find(i)].append(i)
    pieces = _UnionFind(n)
    loose: list[int] = []
    for group in members.values():
        if len(group) == 1:
            loose.append(group[0])
        elif len(group) > 2:
            x, y = ends[group].mean(axis=0)
            result.branch_points.append([_round(x), _round(y)])
        for i in group[1:]:
            pieces.union(int(owner[group[0]]), int(owner[i]))
    result.components = len({pieces.find(i) for i in range(n)})
    result.gaps = _pair_loose_ends(loose, ends, owner)
    return result


def _pair_loose_ends(loose: list[int], ends: np.ndarray, owner: np.ndarray) -> list[RingGap]:
    """Pair loose ends nearest first; a last odd one is paired with its nearest other end."""
    gaps: list[RingGap] = []
    if not loose:
        return gaps
    pts = ends[loose]
    dist = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    used: set[int] = set()
    order = np.argsort(dist, axis=None)
    m = len(loose)
    for flat in order.tolist():
        i, j = divmod(flat, m)
        if i >= j or i in used or j in used or not np.isfinite(dist[i, j]):
            continue
        used.update((i, j))
        gaps.append(_gap(loose[i], loose[j], ends, owner))
        if len(used) >= m - 1:
            break
    for i in range(m):
        if i not in used:
            others = [k for k in range(len(ends)) if owner[k] != owner[loose[i]]]
            if others:
                nearest = min(others, key=lambda k: float(np.hypot(*(ends[k] - ends[loose[i]]))))
                gaps.append(_gap(loose[i], nearest, ends, owner))
    return gaps


def _gap(a: int, b: int, ends: np.ndarray, owner: np.ndarray) -> RingGap:
    # Report from the segment whose *end* is loose to the one whose *start* is, when drawn that way.
    if a % 2 == 0 and b % 2 == 1:
        a, b = b, a
    (ax, ay), (bx, by) = ends[a], ends[b]
    return RingGap(
        from_index=int(owner[a]),
        to_index=int(owner[b]),
        distance_m=_round(np.hypot(bx - ax, by - ay)),
        coordinates=[[_round(ax), _round(ay)], [_round(bx), _round(by)]],
    )


# ---------------------------------------------------------------------------------------------------
# Coverage (R-8 perimeter detection zones, R-9 camera views)
# ---------------------------------------------------------------------------------------------------


def detection_zone(coverage: BaseGeometry, tolerance: float) -> BaseGeometry:
    """The area a detector guards: a line (a beam, a fence cable) widened by ``tolerance`` on each side
    with flat ends, so it covers exactly its own length; a polygon as drawn."""
    if coverage.geom_type in ("LineString", "MultiLineString", "LinearRing"):
        return coverage.buffer(tolerance, cap_style="flat")
    if coverage.geom_type in ("Point", "MultiPoint"):
        return coverage.buffer(tolerance)
    return coverage


@dataclass(frozen=True)
class Stretch:
    """A piece of a line left uncovered, with its length and coordinates (R-8 details format)."""

    length_m: float
    coordinates: list[list[float]]

    def as_json(self) -> dict[str, Any]:
        return {"length_m": self.length_m, "coordinates": self.coordinates}


def _line_parts(geom: BaseGeometry) -> list[LineString]:
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    parts: list[LineString] = []
    for sub in getattr(geom, "geoms", ()):
        parts.extend(_line_parts(sub))
    return parts


def neighbours(
    targets: Sequence[BaseGeometry | None], candidates: Sequence[BaseGeometry | None], distance: float = 0.0
) -> dict[int, list[int]]:
    """For each target index, the candidate indices that intersect it (or lie within ``distance``).

    One STRtree query for the whole list; ``None`` on either side never matches.
    """
    result: dict[int, list[int]] = defaultdict(list)
    tree_index = [i for i, g in enumerate(candidates) if g is not None and not g.is_empty]
    target_index = [i for i, g in enumerate(targets) if g is not None and not g.is_empty]
    if not tree_index or not target_index:
        return result
    tree = STRtree([candidates[i] for i in tree_index])
    query = [targets[i] for i in target_index]
    if distance > 0:
        left, right = tree.query(query, predicate="dwithin", distance=distance)
    else:
        left, right = tree.query(query, predicate="intersects")
    for t, c in zip(left.tolist(), right.tolist(), strict=True):
        result[target_index[t]].append(tree_index[c])
    for hits in result.values():
        hits.sort()
    return result


Interval = tuple[float, float]


def intervals_along(
    lines: Sequence[LineString | None], coverages: Sequence[BaseGeometry | None], tolerance: float
) -> list[dict[int, list[Interval]]]:
    """For each line, which coverages guard which parts of it, as distances along the line.

    A polygon guards the part of the line inside it. A line (beam, cable) guards the part of the line
    it runs along within ``tolerance``: its piece inside the line's corridor is projected onto the line,
    so a detector along the neighbouring side of a corner guards nothing here, not half a metre.
    Every step is one vectorised shapely call over all (line, coverage) pairs an STRtree finds.
    """
    out: list[dict[int, list[Interval]]] = [{} for _ in lines]
    if not lines or not coverages:
        return out
    line_arr = np.array([g if g is not None and not g.is_empty else None for g in lines], dtype=object)
    cover_arr = np.array([g if g is not None and not g.is_empty else None for g in coverages], dtype=object)
    types = shapely.get_type_id(cover_arr)
    is_area = (types == POLYGON) | (types == MULTIPOLYGON)
    zones = np.where(is_area, cover_arr, shapely.buffer(cover_arr, tolerance, cap_style="flat"))
    line_ok = np.flatnonzero(shapely.get_type_id(line_arr) >= 0)
    zone_ok = np.flatnonzero(~shapely.is_missing(zones) & ~shapely.is_empty(zones))
    if not len(line_ok) or not len(zone_ok):
        return out
    tree = STRtree(zones[zone_ok])
    q_line, q_zone = tree.query(line_arr[line_ok], predicate="intersects")
    li, ci = line_ok[q_line], zone_ok[q_zone]
    area_pair = is_area[ci]
    pieces = np.empty(len(li), dtype=object)
    if area_pair.any():
        pieces[area_pair] = shapely.intersection(line_arr[li[area_pair]], cover_arr[ci[area_pair]])
    if (~area_pair).any():
        corridors = shapely.buffer(line_arr, tolerance, cap_style="flat")
        pieces[~area_pair] = shapely.intersection(cover_arr[ci[~area_pair]], corridors[li[~area_pair]])
    parts, part_pair = shapely.get_parts(pieces, return_index=True)
    linear = np.isin(shapely.get_type_id(parts), (LINESTRING, LINEARRING))
    parts, part_pair = parts[linear], part_pair[linear]
    if not len(parts):
        return out
    coords, coord_part = shapely.get_coordinates(parts, return_index=True)
    along = shapely.line_locate_point(line_arr[li[part_pair[coord_part]]], shapely.points(coords))
    starts = np.flatnonzero(np.r_[True, np.diff(coord_part) != 0])
    lows = np.minimum.reduceat(along, starts)
    highs = np.maximum.reduceat(along, starts)
    for part, low, high in zip(coord_part[starts].tolist(), lows.tolist(), highs.tolist(), strict=True):
        if high - low >= MIN_STRETCH_M:
            pair = int(part_pair[part])
            out[int(li[pair])].setdefault(int(ci[pair]), []).append((low, high))
    return out


def uncovered_stretches(line: LineString, spans: Sequence[Interval]) -> list[Stretch]:
    """The parts of ``line`` outside every span, each with its length and coordinates."""
    gaps: list[Interval] = []
    cursor = 0.0
    for a, b in sorted(spans):
        if a - cursor >= MIN_STRETCH_M:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if line.length - cursor >= MIN_STRETCH_M:
        gaps.append((cursor, line.length))
    return [Stretch(length_m=_round(b - a), coordinates=coords_of(substring(line, a, b))) for a, b in gaps]


def uncovered(
    lines: Sequence[LineString | None], coverages: Sequence[BaseGeometry | None], tolerance: float
) -> list[list[Stretch] | None]:
    """For each line, the stretches no coverage guards (``[]`` when fully covered, ``None`` when the
    line has no geometry)."""
    result: list[list[Stretch] | None] = []
    for line, found in zip(lines, intervals_along(lines, coverages, tolerance), strict=True):
        if line is None or line.is_empty:
            result.append(None)
        else:
            result.append(uncovered_stretches(line, [span for spans in found.values() for span in spans]))
    return result


def sees(view: BaseGeometry, place: BaseGeometry, point_tolerance: float) -> bool:
    """Does a camera's view cover a place? Points: inside or within ``point_tolerance``; lines and
    areas: any overlap (第9条 asks the place be seen, not every square metre of it)."""
    if isinstance(place, Point):
        return bool(view.distance(place) <= point_tolerance)
    return bool(view.intersects(place))
