"""The site plan of a community as an SVG model: plan rectangle, perimeter (第8条), locations
(第8–15条), devices by subsystem (第7条), camera and perimeter-detector coverage.

:func:`build_site_plan` is pure apart from reading the registry: it returns dataclasses holding
ready-to-print SVG path data in plan metres (x east, y north, flipped for SVG where y points down).
``sites/site_plan_svg.html`` draws it; the page and the dashboard thumbnail share that include.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from anfang.devices.choices import SubsystemChoices
from anfang.sites.choices import LOCATION_KIND_COLOURS, BarrierTypeChoices, LocationKindChoices

# Barrier type → (stroke colour, dash pattern); "none" is a dashed red gap in the perimeter (第8条).
BARRIER_STYLES: dict[str, tuple[str, str]] = {
    BarrierTypeChoices.WALL: ("#343a40", ""),
    BarrierTypeChoices.FENCE: ("#0b7285", "7 3"),
    BarrierTypeChoices.NONE: ("#e03131", "5 5"),
}

# Subsystem → (colour, symbol). Symbols keep subsystems apart for colour-blind readers too.
SUBSYSTEM_STYLES: dict[str, tuple[str, str]] = {
    SubsystemChoices.PHYSICAL: ("#495057", "square"),
    SubsystemChoices.PERIMETER: ("#e8590c", "triangle"),
    SubsystemChoices.VIDEO: ("#1c7ed6", "circle"),
    SubsystemChoices.PATROL: ("#2f9e44", "diamond"),
    SubsystemChoices.PARKING: ("#0c8599", "square"),
    SubsystemChoices.ACCESS: ("#7048e8", "diamond"),
    SubsystemChoices.INTERCOM: ("#ae3ec9", "circle"),
    SubsystemChoices.RESIDENT_ALARM: ("#e03131", "triangle"),
    SubsystemChoices.MONITORING: ("#c2255c", "square"),
}

CAMERA_COVERAGE = "#f59f00"
DETECTOR_COVERAGE = "#fd7e14"

# Fine-grained kinds get a hover title but no printed label, or the plan turns into a word cloud.
UNLABELLED_KINDS = {
    LocationKindChoices.UNIT,
    LocationKindChoices.UNIT_ENTRANCE,
    LocationKindChoices.ELEVATOR,
    LocationKindChoices.LANE,
}
# Line locations drawn as roads get a width in metres; the rest a thin line.
ROAD_WIDTHS_M = {LocationKindChoices.ROAD: 6.0, LocationKindChoices.ROAD_STRETCH: 6.0}


@dataclass(frozen=True)
class PlanShape:
    """One SVG path. ``width`` is px on screen unless ``scaling`` (then metres of the plan)."""

    d: str
    fill: str = "none"
    stroke: str = "none"
    width: str = "1"
    scaling: bool = False
    dash: str = ""
    opacity: str = "1"
    fill_opacity: str = "1"
    title: str = ""
    href: str = ""
    css: str = ""


@dataclass(frozen=True)
class PlanLabel:
    x: str
    y: str
    text: str
    anchor: str = "middle"
    weight: str = "400"
    size: str = ""


@dataclass
class PlanLayer:
    """A group the viewer can switch on and off."""

    key: str
    label: str
    shapes: list[PlanShape] = field(default_factory=list)
    labels: list[PlanLabel] = field(default_factory=list)
    on: bool = True

    @property
    def count(self) -> int:
        return len(self.shapes) + len(self.labels)


@dataclass(frozen=True)
class LegendEntry:
    """``kind`` is how the swatch is drawn: area, line, symbol."""

    label: str
    kind: str
    colour: str
    dash: str = ""
    symbol: str = ""
    swatch_d: str = ""


@dataclass(frozen=True)
class ScaleBar:
    d: str
    x: str
    y: str
    label: str


@dataclass
class SitePlan:
    """Everything ``sites/site_plan_svg.html`` needs to draw one community."""

    community: Any
    width_m: float
    height_m: float
    view_box: str
    font_size: str
    layers: list[PlanLayer]
    legend: list[LegendEntry]
    scale_bar: ScaleBar
    background: str
    grid_d: str
    devices_placed: int = 0
    devices_unplaced: int = 0

    def layer(self, key: str) -> PlanLayer:
        return next(layer for layer in self.layers if layer.key == key)


# ---------------------------------------------------------------------------------------------------
# Geometry → SVG path data
# ---------------------------------------------------------------------------------------------------


def _n(value: float) -> str:
    """Compact number text: two decimals, no trailing zeros (locale-independent on purpose)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


class _Frame:
    """Plan metres (y north) → SVG user units (y down), same scale."""

    def __init__(self, top: float) -> None:
        self.top = top

    def pt(self, x: float, y: float) -> str:
        return f"{_n(x)} {_n(self.top - y)}"

    def line(self, coords: Iterable[Sequence[float]]) -> str:
        pts = [self.pt(c[0], c[1]) for c in coords]
        return "M" + " L".join(pts) if pts else ""

    def polygon(self, geom: BaseGeometry) -> str:
        rings = [geom.exterior, *geom.interiors]
        return " ".join(self.line(ring.coords) + " Z" for ring in rings)

    def symbol(self, symbol: str, x: float, y: float, r: float) -> str:
        cx, cy = x, self.top - y
        if symbol == "square":
            s = r * 0.85
            return f"M{_n(cx - s)} {_n(cy - s)} h{_n(2 * s)} v{_n(2 * s)} h{_n(-2 * s)} Z"
        if symbol == "diamond":
            return (
                f"M{_n(cx)} {_n(cy - r * 1.15)} L{_n(cx + r * 1.15)} {_n(cy)} "
                f"L{_n(cx)} {_n(cy + r * 1.15)} L{_n(cx - r * 1.15)} {_n(cy)} Z"
            )
        if symbol == "triangle":
            h = r * 1.2
            return (
                f"M{_n(cx)} {_n(cy - h)} L{_n(cx + h)} {_n(cy + h * 0.8)} L{_n(cx - h)} {_n(cy + h * 0.8)} Z"
            )
        arc = f"{_n(r)} {_n(r)} 0 1 0"
        return f"M{_n(cx - r)} {_n(cy)} a{arc} {_n(2 * r)} 0 a{arc} {_n(-2 * r)} 0 Z"


def _swatch(symbol: str) -> str:
    """A legend symbol in a 14×14 box."""
    return _Frame(14).symbol(symbol, 7, 7, 5)


def _nice_length(span: float) -> float:
    """A round scale-bar length near a fifth of the plan width."""
    target = span / 5
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if step >= target:
            return float(step)
    return float(10 ** math.ceil(math.log10(target)))


def _url(obj: Any) -> str:
    try:
        return str(obj.get_absolute_url())
    except (NoReverseMatch, AttributeError):
        return ""


def _geom(value: Any) -> BaseGeometry | None:
    if not value:
        return None
    try:
        geom = shape(value)
    except Exception:  # a malformed stored geometry must not break the whole plan
        return None
    return None if geom.is_empty else geom


# ---------------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------------


def build_site_plan(
    community: Any,
    *,
    locations: Iterable[Any] | None = None,
    segments: Iterable[Any] | None = None,
    devices: Iterable[Any] | None = None,
) -> SitePlan:
    """Build the SVG model of ``community``; pass the records to avoid the queries (tests, exports)."""
    if locations is None:
        locations = community_locations(community)
    if segments is None:
        segments = community_segments(community)
    if devices is None:
        devices = community_devices(community)
    locations, segments, devices = list(locations), list(segments), list(devices)

    width = float(community.plan_width_m)
    height = float(community.plan_height_m)
    loc_geoms = {loc.pk: _geom(loc.geometry) for loc in locations}
    seg_geoms = {seg.pk: _geom(seg.geometry) for seg in segments}

    # The frame covers the plan rectangle and anything drawn outside it.
    minx, miny, maxx, maxy = 0.0, 0.0, width, height
    dev_geoms = [_geom(d.coverage) for d in devices] + [_geom(d.position) for d in devices]
    for geom in [*loc_geoms.values(), *seg_geoms.values(), *dev_geoms]:
        if geom is not None:
            bx0, by0, bx1, by1 = geom.bounds
            minx, miny, maxx, maxy = min(minx, bx0), min(miny, by0), max(maxx, bx1), max(maxy, by1)
    span = max(maxx - minx, maxy - miny)
    margin = span * 0.04
    frame = _Frame(maxy)
    # Leave room under the plan for the scale bar.
    bottom = margin * 2.2
    view_box = " ".join(
        _n(v) for v in (minx - margin, -margin, maxx - minx + 2 * margin, maxy - miny + margin + bottom)
    )
    font = span / 55
    symbol_r = span / 150

    layers = {
        key: PlanLayer(key, label)
        for key, label in [
            ("areas", _("区域与楼栋")),
            ("roads", _("道路")),
            ("coverage", _("覆盖范围")),
            ("perimeter", _("周界")),
            ("points", _("出入口等点位")),
            ("devices", _("设备")),
            ("labels", _("名称")),
        ]
    }

    # Locations: polygons as areas, lines as roads, points as symbols.
    candidates: list[_LabelCandidate] = []
    for loc in locations:
        geom = loc_geoms.get(loc.pk)
        if geom is None:
            continue
        colour = LOCATION_KIND_COLOURS.get(loc.kind, "#495057")
        title = f"{loc.name}（{loc.get_kind_display()}）"
        href = _url(loc)
        anchor_pt = geom.representative_point() if geom.geom_type == "Polygon" else geom
        if geom.geom_type == "Polygon":
            layers["areas"].shapes.append(
                PlanShape(
                    d=frame.polygon(geom),
                    fill=colour,
                    fill_opacity="0.22",
                    stroke=colour,
                    width="1.5",
                    title=title,
                    href=href,
                    css=f"kind-{loc.kind}",
                )
            )
        elif geom.geom_type == "LineString":
            road_w = ROAD_WIDTHS_M.get(loc.kind)
            layers["roads"].shapes.append(
                PlanShape(
                    d=frame.line(geom.coords),
                    stroke=colour,
                    width=_n(road_w) if road_w else "2.5",
                    scaling=road_w is not None,
                    title=title,
                    href=href,
                    css=f"kind-{loc.kind}",
                )
            )
            anchor_pt = geom.interpolate(0.5, normalized=True)
        else:
            big = loc.kind in (LocationKindChoices.ENTRANCE, LocationKindChoices.PARKING_ENTRANCE)
            layers["points"].shapes.append(
                PlanShape(
                    d=frame.symbol("circle", geom.x, geom.y, symbol_r * (1.6 if big else 1.1)),
                    fill=colour,
                    stroke="#ffffff",
                    width="1.5",
                    title=title,
                    href=href,
                    css=f"kind-{loc.kind}",
                )
            )
        if loc.kind not in UNLABELLED_KINDS:
            candidates.append(
                _LabelCandidate(
                    priority=LABEL_PRIORITY.get(loc.kind, 9) - (1 if loc.is_main else 0) * 0.5,
                    x=anchor_pt.x,
                    y=anchor_pt.y,
                    text=str(loc.name),
                    is_point=geom.geom_type == "Point",
                    weight="600" if loc.kind == LocationKindChoices.ENTRANCE else "400",
                )
            )
    layers["labels"].labels = _place_labels(
        candidates, font=font, gap=symbol_r * 2.2, top=maxy, xlim=(minx - margin, maxx + margin)
    )

    # Perimeter segments by barrier type (第8条).
    for seg in segments:
        geom = seg_geoms.get(seg.pk)
        if geom is None or geom.geom_type != "LineString":
            continue
        colour, dash = BARRIER_STYLES.get(seg.barrier_type, ("#343a40", ""))
        height_txt = f" {seg.barrier_height_m} m" if seg.barrier_height_m else ""
        layers["perimeter"].shapes.append(
            PlanShape(
                d=frame.line(geom.coords),
                stroke=colour,
                width="3.5",
                dash=dash,
                title=f"{seg}：{seg.get_barrier_type_display()}{height_txt}，{geom.length:.0f} m",
                href=_url(seg),
                css=f"barrier-{seg.barrier_type}",
            )
        )

    # Devices at their position, else at their location's centroid; several at one spot fan out.
    placed: dict[tuple[float, float], list[Any]] = {}
    unplaced = 0
    for dev in devices:
        pos = _geom(dev.position)
        if pos is None and dev.location_id is not None:
            loc_geom = loc_geoms.get(dev.location_id)
            if loc_geom is None and getattr(dev, "location", None) is not None:
                loc_geom = _geom(dev.location.geometry)
            pos = loc_geom.centroid if loc_geom is not None else None
        if pos is None:
            unplaced += 1
            continue
        placed.setdefault((round(pos.x, 1), round(pos.y, 1)), []).append(dev)

        cover = _geom(dev.coverage)
        if cover is not None and cover.geom_type == "Polygon":
            layers["coverage"].shapes.append(
                PlanShape(
                    d=frame.polygon(cover),
                    fill=CAMERA_COVERAGE,
                    fill_opacity="0.18",
                    stroke=CAMERA_COVERAGE,
                    width="1",
                    opacity="0.9",
                    title=_("%(name)s 视野") % {"name": dev.name},
                    css="coverage-camera",
                )
            )
        elif cover is not None and cover.geom_type == "LineString":
            layers["coverage"].shapes.append(
                PlanShape(
                    d=frame.line(cover.coords),
                    stroke=DETECTOR_COVERAGE,
                    width=_n(max(span / 120, 2.0)),
                    scaling=True,
                    opacity="0.45",
                    title=_("%(name)s 探测范围") % {"name": dev.name},
                    css="coverage-detector",
                )
            )
    for (x, y), group in placed.items():
        for i, dev in enumerate(group):
            if len(group) > 1:
                angle = 2 * math.pi * i / len(group)
                x_i, y_i = x + math.cos(angle) * symbol_r * 2.2, y + math.sin(angle) * symbol_r * 2.2
            else:
                x_i, y_i = x, y
            colour, symbol = SUBSYSTEM_STYLES.get(dev.subsystem, ("#495057", "circle"))
            layers["devices"].shapes.append(
                PlanShape(
                    d=frame.symbol(symbol, x_i, y_i, symbol_r),
                    fill=colour,
                    stroke="#ffffff",
                    width="1",
                    title=f"{dev.name}（{dev.code}，{dev.get_subsystem_display()}，{dev.get_status_display()}）",
                    href=_url(dev),
                    css=f"device sub-{dev.subsystem} status-{dev.status}",
                )
            )

    # Scale bar under the plan's lower-left corner.
    length = _nice_length(maxx - minx)
    bar_y = maxy - miny + bottom * 0.45
    tick = margin * 0.35
    x0 = minx
    scale = ScaleBar(
        d=(
            f"M{_n(x0)} {_n(bar_y - tick)} V{_n(bar_y)} H{_n(x0 + length)} V{_n(bar_y - tick)} "
            f"M{_n(x0 + length / 2)} {_n(bar_y)} V{_n(bar_y - tick * 0.6)}"
        ),
        x=_n(x0 + length + font * 0.6),
        y=_n(bar_y),
        label=_("%(n)s 米") % {"n": _n(length)},
    )

    # Light 10 m (or coarser) grid inside the plan rectangle.
    step = _nice_length(span) / 2
    grid = []
    gx = step
    while gx < width:
        grid.append(f"M{_n(gx)} {_n(maxy - height)} V{_n(maxy)}")
        gx += step
    gy = step
    while gy < height:
        grid.append(f"M0 {_n(maxy - gy)} H{_n(width)}")
        gy += step

    return SitePlan(
        community=community,
        width_m=width,
        height_m=height,
        view_box=view_box,
        font_size=_n(font),
        layers=list(layers.values()),
        legend=_legend(locations, segments, devices),
        scale_bar=scale,
        background=f"M0 {_n(maxy - height)} h{_n(width)} v{_n(height)} h{_n(-width)} Z",
        grid_d=" ".join(grid),
        devices_placed=sum(len(g) for g in placed.values()),
        devices_unplaced=unplaced,
    )


# Which names win when labels collide: entrances first, then buildings, squares and parking.
LABEL_PRIORITY: dict[str, float] = {
    LocationKindChoices.ENTRANCE: 0,
    LocationKindChoices.BUILDING: 1,
    LocationKindChoices.SQUARE: 2,
    LocationKindChoices.PARKING_LOT: 2,
    LocationKindChoices.PARKING_ENTRANCE: 3,
    LocationKindChoices.DUTY_ROOM: 3,
    LocationKindChoices.MONITORING_CENTRE: 3,
    LocationKindChoices.ROAD: 4,
    LocationKindChoices.ROAD_STRETCH: 5,
}


@dataclass(frozen=True)
class _LabelCandidate:
    priority: float
    x: float
    y: float
    text: str
    is_point: bool
    weight: str


def _text_width(text: str, font: float) -> float:
    """Rough width: CJK characters are square, Latin ones about half as wide."""
    return sum(font if ord(ch) > 0x2E80 else font * 0.6 for ch in text)


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


def _place_labels(
    candidates: list[_LabelCandidate],
    *,
    font: float,
    gap: float,
    top: float,
    xlim: tuple[float, float] = (-math.inf, math.inf),
) -> list[PlanLabel]:
    """Greedy placement: each label takes the first free spot around its anchor, else it is left to
    the hover title. Keeps the plan readable where an entrance, a duty room and a road meet."""
    placed: list[Box] = []
    labels: list[PlanLabel] = []
    h = font * 1.25
    for c in sorted(candidates, key=lambda c: (c.priority, c.text)):
        w = _text_width(c.text, font)
        if c.is_point:
            # (left edge, vertical centre, anchor): right, left, above, below the symbol.
            spots = [
                (c.x + gap, c.y, "start"),
                (c.x - gap - w, c.y, "end"),
                (c.x - w / 2, c.y + gap + h / 2, "middle"),
                (c.x - w / 2, c.y - gap - h / 2, "middle"),
            ]
        else:
            spots = [(c.x - w / 2, c.y + dy, "middle") for dy in (0.0, h, -h)]
        for left, cy, anchor in spots:
            box = (left, cy - h / 2, left + w, cy + h / 2)
            if box[0] < xlim[0] or box[2] > xlim[1] or any(_overlaps(box, b) for b in placed):
                continue
            placed.append(box)
            x = {"start": left, "end": left + w, "middle": left + w / 2}[anchor]
            labels.append(
                PlanLabel(
                    x=_n(x), y=_n(top - (cy - font * 0.35)), text=c.text, anchor=anchor, weight=c.weight
                )
            )
            break
    return labels


def _legend(locations: list[Any], segments: list[Any], devices: list[Any]) -> list[LegendEntry]:
    """Only what is on this plan, so the legend stays short."""
    entries: list[LegendEntry] = []
    kinds = {loc.kind for loc in locations if loc.geometry}
    for choice in LocationKindChoices:
        if choice.value in kinds:
            entries.append(
                LegendEntry(str(choice.label), "area", LOCATION_KIND_COLOURS.get(choice, "#495057"))
            )
    barriers = {seg.barrier_type for seg in segments}
    for barrier in BarrierTypeChoices:
        if barrier.value in barriers:
            colour, dash = BARRIER_STYLES[barrier.value]
            entries.append(
                LegendEntry(_("周界：%(type)s") % {"type": barrier.label}, "line", colour, dash=dash)
            )
    subsystems = {dev.subsystem for dev in devices}
    for sub in SubsystemChoices:
        if sub.value in subsystems:
            colour, symbol = SUBSYSTEM_STYLES[sub.value]
            entries.append(
                LegendEntry(str(sub.label), "symbol", colour, symbol=symbol, swatch_d=_swatch(symbol))
            )
    if any(_is_polygon(dev.coverage) for dev in devices):
        entries.append(LegendEntry(_("摄像机视野"), "area", CAMERA_COVERAGE))
    if any(dev.coverage and dev.coverage.get("type") == "LineString" for dev in devices):
        entries.append(LegendEntry(_("周界探测覆盖"), "line", DETECTOR_COVERAGE))
    return entries


def _is_polygon(value: Any) -> bool:
    return bool(value) and isinstance(value, dict) and value.get("type") == "Polygon"


# ---------------------------------------------------------------------------------------------------
# Loading (kept apart so the builder can be fed records directly)
# ---------------------------------------------------------------------------------------------------


def community_locations(community: Any) -> list[Any]:
    from anfang.sites.models import Location

    return list(Location.objects.filter(community=community).select_related("community"))


def community_segments(community: Any) -> list[Any]:
    from anfang.sites.models import PerimeterSegment

    return list(PerimeterSegment.objects.filter(community=community).select_related("community"))


def community_devices(community: Any) -> list[Any]:
    from anfang.devices.choices import DeviceStatusChoices
    from anfang.devices.models import Device

    return list(
        Device.objects.filter(community=community)
        .exclude(status=DeviceStatusChoices.RETIRED)
        .select_related("community", "location")
    )
