"""A synthetic city-scale community for the compliance benchmark (``bench/bench_compliance.py``).

Sizes by default: 300 buildings of two units each (unit, unit entrance, elevator car per unit), four
community entrances with vehicle/pedestrian lanes and road stretches, six car parks, a grid of main
roads and squares, a duty room linked to the monitoring centre, a perimeter ring of 1,200 segments and
about 10,500 devices across the nine subsystems (第7条) with positions, camera fields of view and
detector coverage. It is *mostly* compliant, with a sprinkling of gaps so every rule has work on both
branches: every 97th perimeter segment has no detector (R-8), every 50th unit-entrance camera is below
1920×1080 (R-9a), every 40th building has A-grade locks (R-14), the demo catalogue's ABT-100 beams carry an
expired certificate (R-24), and a few devices are faulty, silent past their heartbeat (R-33.1) or in
service without acceptance (R-29).

Built with ``bulk_create`` in a few dozen statements: bench data, not facility changes, so it bypasses
the services and the change log (R-33.5) on purpose. Only the device catalogue (``demo.build_catalogue``)
is created the normal way, under ``audit.actor(system="bench")``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone

from anfang.core import audit
from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, Device, DeviceModel
from anfang.sites import demo
from anfang.sites.models import (
    Community,
    Location,
    PerimeterSegment,
    PoliceStation,
    PropertyCompany,
    SecurityTeam,
)

Coords = tuple[float, float]

BUILDING_W, BUILDING_H = 40.0, 15.0  # one building's footprint (two units side by side)
PITCH_X, PITCH_Y = 60.0, 40.0  # grid pitch: 20 m roads between buildings
MARGIN = 60.0  # from the plan edge to the first building
RING_INSET = 20.0  # perimeter ring inset from the plan edge
INDOOR_STATIONS_PER_UNIT = 6
SMOKE_DETECTORS_PER_UNIT = 3


@dataclass
class Sizes:
    buildings: int = 300
    segments: int = 1200
    car_parks: int = 6
    squares: int = 4

    @property
    def columns(self) -> int:
        return max(1, math.ceil(math.sqrt(self.buildings * 4 / 3)))

    @property
    def rows(self) -> int:
        return max(1, math.ceil(self.buildings / self.columns))


@dataclass
class Built:
    """What was built, for the benchmark report."""

    community: Community
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _pt(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(x, 2), round(y, 2)]}


def _line(*points: Coords) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [[round(x, 2), round(y, 2)] for x, y in points]}


def _rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _view(x: float, y: float, heading: float, reach: float, fov: float = 80.0) -> dict[str, Any]:
    """A camera's field of view: a sector (a circle at 360°), as in the demo."""
    if fov >= 360:
        ring = [
            [round(x + reach * math.cos(math.radians(a)), 2), round(y + reach * math.sin(math.radians(a)), 2)]
            for a in range(0, 360, 30)
        ]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    ring = [[x, y]]
    for i in range(5):
        a = math.radians(heading - fov / 2 + fov * i / 4)
        ring.append([round(x + reach * math.cos(a), 2), round(y + reach * math.sin(a), 2)])
    ring.append([x, y])
    return {"type": "Polygon", "coordinates": [ring]}


class _Builder:
    """Accumulates unsaved rows; ``flush`` bulk-inserts a level so children can point at parents."""

    def __init__(self, community: Community, models: dict[str, DeviceModel], now: dt.datetime) -> None:
        self.community = community
        self.models = models
        self.now = now
        self.locations: dict[str, Location] = {}
        self.pending: list[Location] = []
        self.devices: list[Device] = []
        self.accepted: list[Device] = []
        self.serial = 0

    # -- locations ----------------------------------------------------------------------------

    def loc(self, code: str, name: str, kind: str, *, parent: str | None = None, **kw: Any) -> Location:
        location = Location(
            community=self.community,
            code=code,
            name=name,
            kind=kind,
            parent=self.locations[parent] if parent else None,
            **kw,
        )
        self.locations[code] = location
        self.pending.append(location)
        return location

    def flush(self) -> None:
        Location.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []

    # -- devices ------------------------------------------------------------------------------

    def dev(
        self,
        code: str,
        name: str,
        model_key: str,
        *,
        at: Coords,
        location: str | None = None,
        coverage: dict[str, Any] | None = None,
        anpr: bool = False,
        online: bool = True,
        resolution: tuple[int, int] | None = None,
        status: str = DeviceStatusChoices.IN_SERVICE,
        accepted: bool = True,
        silent: bool = False,
        retention_days: int | None = None,
        kind: str | None = None,
    ) -> None:
        spec = demo.MODELS[model_key]
        self.serial += 1
        networked = online and spec.kind not in ("patrol_checkpoint", "retractable_gate", "metal_gate")
        width, height = resolution or spec.resolution or (None, None)
        device = Device(
            community=self.community,
            code=f"{self.community.code}-{code}",
            name=name,
            subsystem=spec.subsystem,
            kind=kind or spec.kind,
            device_model=self.models[model_key],
            location=self.locations[location] if location else None,
            status=status,
            position=_pt(*at),
            coverage=coverage,
            anpr=anpr,
            online=networked,
            network_address=f"10.{self.serial // 65536 % 256}.{self.serial // 256 % 256}.{self.serial % 256}"
            if networked
            else "",
            resolution_width=width,
            resolution_height=height,
            heartbeat_interval_s=60 if networked else None,
            last_seen_at=(self.now - dt.timedelta(hours=3) if silent else self.now) if networked else None,
            retention_days=retention_days,
            installed_on=self.now.date() - dt.timedelta(days=300),
        )
        self.devices.append(device)
        if accepted:
            self.accepted.append(device)


def _ring_segments(x0: float, y0: float, x1: float, y1: float, total: int) -> Iterator[tuple[Coords, Coords]]:
    """The rectangle x0,y0–x1,y1 anticlockwise, cut into about ``total`` straight pieces."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    perimeter = 2 * ((x1 - x0) + (y1 - y0))
    for (ax, ay), (bx, by) in pairwise(corners):
        length = math.hypot(bx - ax, by - ay)
        pieces = max(1, round(total * length / perimeter))
        for i in range(pieces):
            t0, t1 = i / pieces, (i + 1) / pieces
            yield (ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)


def _community(code: str, width: float, height: float) -> Community:
    station, _ = PoliceStation.objects.get_or_create(code="bench-ps", defaults={"name": "基准派出所"})
    company, _ = PropertyCompany.objects.get_or_create(code="bench-pm", defaults={"name": "基准物业公司"})
    community = Community(
        code=code,
        name="基准城市级小区",
        district="站前区",
        police_station=station,
        management_type="property",
        property_company=company,
        plan_width_m=Decimal(str(width)),
        plan_height_m=Decimal(str(height)),
        video_retention_days=30,
        vehicle_retention_days=90,
    )
    Community.objects.bulk_create([community])
    return community


@transaction.atomic
def build(code: str = "bench-city", sizes: Sizes | None = None) -> Built:
    """Build the synthetic community ``code`` (which must not exist yet) and return its counts."""
    started = time.perf_counter()
    sizes = sizes or Sizes()
    now = timezone.now()
    with audit.actor(system="bench"):
        models = demo.build_catalogue(now.date())
    cols, rows = sizes.columns, sizes.rows
    width = 2 * MARGIN + (cols - 1) * PITCH_X + BUILDING_W
    height = 2 * MARGIN + (rows - 1) * PITCH_Y + BUILDING_H
    community = _community(code, width, height)
    b = _Builder(community, models, now)
    rx0, ry0, rx1, ry1 = RING_INSET, RING_INSET, width - RING_INSET, height - RING_INSET
    cx, cy = width / 2, height / 2

    # ---- top level: monitoring centre, duty room, entrances, car parks, roads, squares, buildings ----
    b.loc("MC", "监控中心", "monitoring_centre", geometry=_rect(cx + 12, ry0 + 2, cx + 24, ry0 + 10))
    b.locations["MC"].area_m2 = Decimal("96")
    b.flush()
    b.loc(
        "DUTY",
        "南门安防值班室",
        "duty_room",
        geometry=_rect(cx + 11, ry0 + 2, cx + 17, ry0 + 6),
        area_m2=Decimal("24"),
        linked_to=b.locations["MC"],
    )
    # Entrances at the middle of each side; the south one is the main entrance (第12条).
    entrances = {
        "S": ((cx, ry0), 90.0, "main", "南门"),
        "E": ((rx1, cy), 180.0, "secondary", "东门"),
        "N": ((cx, ry1), 270.0, "secondary", "北门"),
        "W": ((rx0, cy), 0.0, "secondary", "西门"),
    }
    for key, ((x, y), _inward, role, label) in entrances.items():
        b.loc(f"ENT-{key}", label, "entrance", entrance_role=role, geometry=_pt(x, y))
    parks: list[tuple[str, Coords]] = []
    for i in range(sizes.car_parks):
        px = MARGIN + (i + 0.5) * (width - 2 * MARGIN) / sizes.car_parks
        py = MARGIN + (rows // 2) * PITCH_Y - 22
        code = f"PK{i + 1}"
        parks.append((code, (px, py)))
        b.loc(code, f"{i + 1}号地下车库", "parking_lot", geometry=_rect(px - 20, py - 3, px + 20, py + 3))
    roads: list[tuple[str, Coords, Coords, bool]] = []
    for i, col in enumerate(range(0, cols - 1)):
        x = MARGIN + col * PITCH_X + BUILDING_W + (PITCH_X - BUILDING_W) / 2
        roads.append((f"RV{i + 1}", (x, ry0 + 5), (x, ry1 - 5), col % 5 == 2))
    for i, row in enumerate(range(0, rows - 1)):
        y = MARGIN + row * PITCH_Y + BUILDING_H + (PITCH_Y - BUILDING_H) / 2
        roads.append((f"RH{i + 1}", (rx0 + 5, y), (rx1 - 5, y), row % 5 == 2))
    for code, a, z, main in roads:
        b.loc(code, f"道路{code}", "road", is_main=main, geometry=_line(a, z))
    squares: list[tuple[str, Coords]] = []
    for i in range(sizes.squares):
        sx = MARGIN + (i + 1) * (width - 2 * MARGIN) / (sizes.squares + 1)
        sy = height - MARGIN / 2 - 2
        squares.append((f"SQ{i + 1}", (sx, sy)))
        b.loc(
            f"SQ{i + 1}",
            f"{i + 1}号广场",
            "square",
            is_main=True,
            geometry=_rect(sx - 8, sy - 6, sx + 8, sy + 6),
        )
    buildings: list[tuple[str, Coords]] = []
    for n in range(sizes.buildings):
        x0 = MARGIN + (n % cols) * PITCH_X
        y0 = MARGIN + (n // cols) * PITCH_Y
        code = f"B{n + 1:03d}"
        buildings.append((code, (x0, y0)))
        b.loc(
            code,
            f"{n + 1}号楼",
            "building",
            floors=18,
            geometry=_rect(x0, y0, x0 + BUILDING_W, y0 + BUILDING_H),
            household_doors_standard=True,
            lock_grade="A" if n % 40 == 7 else "B",
        )
    b.flush()

    # ---- second level: lanes and road stretches, parking entrances, units ----
    for key, ((x, y), inward, _role, label) in entrances.items():
        ux, uy = math.cos(math.radians(inward)), math.sin(math.radians(inward))
        sx, sy = -uy, ux  # along the wall
        for lane, offset, lane_type, direction in (
            ("VI", -8.0, "vehicle", "in"),
            ("VO", -4.0, "vehicle", "out"),
            ("P", 5.0, "pedestrian", "both"),
        ):
            ax, ay = x + sx * offset - ux * 12, y + sy * offset - uy * 12
            zx, zy = x + sx * offset + ux * 12, y + sy * offset + uy * 12
            b.loc(
                f"ENT-{key}-{lane}",
                f"{label}{'车行' if lane_type == 'vehicle' else '人行'}{direction}",
                "lane",
                parent=f"ENT-{key}",
                lane_type=lane_type,
                direction=direction,
                geometry=_line((ax, ay), (zx, zy)),
            )
        ox, oy = x - ux * 14, y - uy * 14
        b.loc(
            f"RS-{key}",
            f"{label}外延道路",
            "road_stretch",
            parent=f"ENT-{key}",
            geometry=_line((ox - sx * 40, oy - sy * 40), (ox + sx * 40, oy + sy * 40)),
        )
    for code, (px, py) in parks:
        b.loc(f"{code}-E", f"{code}出入口", "parking_entrance", parent=code, geometry=_pt(px - 24, py))
    for code, (x0, y0) in buildings:
        for u in (1, 2):
            ux0 = x0 + 20 * (u - 1)
            b.loc(
                f"{code}-U{u}",
                f"{code}{u}单元",
                "unit",
                parent=code,
                floors=18,
                geometry=_rect(ux0, y0, ux0 + 20, y0 + BUILDING_H),
            )
    b.flush()

    # ---- third level: parking lanes, unit entrances, elevator cars ----
    for code, (px, py) in parks:
        for lane, dy, direction in (("I", -2.0, "in"), ("O", 2.0, "out")):
            b.loc(
                f"{code}-E-{lane}",
                f"{code}车道{direction}",
                "lane",
                parent=f"{code}-E",
                lane_type="vehicle",
                direction=direction,
                geometry=_line((px - 34, py + dy), (px - 20, py + dy)),
            )
    for code, (x0, y0) in buildings:
        for u in (1, 2):
            ux0 = x0 + 20 * (u - 1)
            b.loc(
                f"{code}-U{u}-E",
                f"{code}{u}单元门",
                "unit_entrance",
                parent=f"{code}-U{u}",
                geometry=_pt(ux0 + 10, y0),
            )
            b.loc(
                f"{code}-U{u}-L",
                f"{code}{u}单元电梯",
                "elevator",
                parent=f"{code}-U{u}",
                geometry=_pt(ux0 + 10, y0 + 8),
            )
    b.flush()

    # ---- devices: monitoring centre (第15、16条), video storage (第33条第(2)项) ----
    mx, my = cx + 18, ry0 + 6
    b.dev(
        "MC-CAM",
        "监控中心室内摄像机",
        "turret",
        at=(mx, my),
        location="MC",
        coverage=_view(mx, my, 0, 8, 360),
    )
    for i in range(8):
        b.dev(
            f"NVR-{i + 1}",
            f"硬盘录像机{i + 1}",
            "nvr",
            at=(mx - 4 + i, my - 2),
            location="MC",
            retention_days=30,
        )
    for key, name in (
        ("wall", "拼接大屏"),
        ("workstation", "工作站"),
        ("receiver", "报警接收"),
        ("ups", "UPS"),
    ):
        b.dev(f"MC-{key}", f"监控中心{name}", key, at=(mx + 2, my + 2), location="MC")
    b.dev("PER-CTRL", "周界报警主机", "per_ctrl", at=(mx + 3, my), location="MC")
    b.dev("ALM-PANEL", "住户报警主机", "alarm_panel", at=(mx + 4, my), location="MC")
    b.dev("IC-SRV", "对讲管理机", "intercom_srv", at=(mx + 5, my), location="DUTY")
    b.dev("ACC-CTRL", "门禁控制器", "access_ctrl", at=(mx + 5, my + 1), location="DUTY")
    for i in range(4):
        b.dev(f"PT-READER-{i + 1}", f"巡更终端{i + 1}", "reader", at=(mx + 6, my), location="DUTY")

    # ---- entrances (第9、11、12条) ----
    for key, ((x, y), inward, _role, label) in entrances.items():
        ux, uy = math.cos(math.radians(inward)), math.sin(math.radians(inward))
        sx, sy = -uy, ux
        b.dev(
            f"CAM-ENT-{key}",
            f"{label}全景摄像机",
            "bullet",
            at=(x + ux * 10, y + uy * 10),
            location=f"ENT-{key}",
            coverage=_view(x + ux * 10, y + uy * 10, inward + 180, 30, 100),
        )
        ox, oy = x - ux * 4, y - uy * 4
        b.dev(
            f"CAM-RS-{key}",
            f"{label}外延道路摄像机",
            "road",
            at=(ox, oy),
            location=f"RS-{key}",
            coverage=_view(ox, oy, inward + 180, 60, 110),
        )
        gate = "retractable" if key == "S" else "metal_gate"
        b.dev(f"GATE-{key}", f"{label}大门", gate, at=(x, y), location=f"ENT-{key}")
        for lane, offset in (("VI", -8.0), ("VO", -4.0)):
            lx, ly = x + sx * offset + ux * 6, y + sy * offset + uy * 6
            heading = inward + 180 if lane == "VI" else inward
            b.dev(
                f"ANPR-{key}-{lane}",
                f"{label}{lane}车牌识别",
                "anpr",
                at=(lx, ly),
                location=f"ENT-{key}-{lane}",
                anpr=True,
                coverage=_view(lx, ly, heading, 12, 40),
            )
            b.dev(
                f"BAR-{key}-{lane}",
                f"{label}{lane}道闸",
                "barrier",
                at=(lx, ly),
                location=f"ENT-{key}-{lane}",
            )
        px, py = x + sx * 5, y + sy * 5
        b.dev(f"FACE-{key}", f"{label}人脸门禁", "face", at=(px, py), location=f"ENT-{key}-P")
        b.dev(f"TS-{key}", f"{label}人行闸机", "turnstile", at=(px, py), location=f"ENT-{key}-P")
        b.dev(
            f"PT-ENT-{key}", f"{label}巡查点", "checkpoint", at=(px, py), location=f"ENT-{key}", online=False
        )

    # ---- car parks (第9、11条): ANPR, barrier and controller per lane; a camera at the entrance ----
    for code, (px, py) in parks:
        ex, ey = px - 24, py
        b.dev(
            f"CAM-{code}-E",
            f"{code}出入口摄像机",
            "bullet",
            at=(ex - 6, ey),
            location=f"{code}-E",
            coverage=_view(ex - 6, ey, 0, 15, 90),
        )
        b.dev(f"PKC-{code}", f"{code}控制终端", "park_ctrl", at=(ex, ey), location=f"{code}-E")
        for lane, dy in (("I", -2.0), ("O", 2.0)):
            ax, ay = px - 30, py + dy
            b.dev(
                f"ANPR-{code}-{lane}",
                f"{code}{lane}车牌识别",
                "park_anpr",
                at=(ax, ay),
                location=f"{code}-E-{lane}",
                anpr=True,
                coverage=_view(ax, ay, 0 if lane == "I" else 180, 12, 40),
            )
            b.dev(
                f"BAR-{code}-{lane}",
                f"{code}{lane}道闸",
                "park_barrier",
                at=(ax, ay),
                location=f"{code}-E-{lane}",
            )

    # ---- roads (cameras every 50 m along main roads, facing along the road) and squares (第9条) ----
    for code, (ax, ay), (zx, zy), main in roads:
        if not main:
            continue
        length = math.hypot(zx - ax, zy - ay)
        heading = math.degrees(math.atan2(zy - ay, zx - ax))
        steps = max(1, math.ceil(length / 50))
        for i in range(steps):
            t = i / steps
            x, y = ax + (zx - ax) * t, ay + (zy - ay) * t
            faulty = i == 3 and code.startswith("RH")
            b.dev(
                f"CAM-{code}-{i + 1:02d}",
                f"道路{code}摄像机{i + 1}",
                "road",
                at=(x, y),
                location=code,
                coverage=_view(x, y, heading, 60, 30),
                status=DeviceStatusChoices.FAULTY if faulty else DeviceStatusChoices.IN_SERVICE,
            )
    for code, (sx0, sy0) in squares:
        b.dev(
            f"CAM-{code}",
            f"{code}球机",
            "ptz",
            at=(sx0, sy0),
            location=code,
            coverage=_view(sx0, sy0, 0, 20, 360),
        )
        b.dev(f"PT-{code}", f"{code}巡查点", "checkpoint", at=(sx0, sy0), location=code, online=False)

    # ---- buildings and units (第9、13、14条), resident alarm ----
    unit_index = 0
    for code, (x0, y0) in buildings:
        b.dev(f"PT-{code}", f"{code}巡查点", "checkpoint", at=(x0 - 2, y0), location=code, online=False)
        b.dev(f"PANIC-{code}", f"{code}紧急按钮", "panic", at=(x0 + 5, y0 + 5), location=code)
        for u in (1, 2):
            unit_index += 1
            ux0 = x0 + 20 * (u - 1)
            uc = f"{code}-U{u}"
            ex, ey = ux0 + 10, y0
            low = unit_index % 50 == 17  # below the minimum resolution (R-9a)
            b.dev(
                f"CAM-{uc}",
                f"{uc}单元门摄像机",
                "turret",
                at=(ex, ey - 6),
                location=f"{uc}-E",
                coverage=_view(ex, ey - 6, 90, 10, 90),
                resolution=(1280, 720) if low else None,
                silent=unit_index % 211 == 5,  # silent past its heartbeat
            )
            b.dev(
                f"CAM-{uc}-L",
                f"{uc}电梯摄像机",
                "elevator",
                at=(ex, ey + 8),
                location=f"{uc}-L",
                coverage=_view(ex, ey + 8, 0, 2.5, 360),
            )
            b.dev(f"DS-{uc}", f"{uc}门口机", "door_station", at=(ex - 1, ey), location=f"{uc}-E")
            b.dev(
                f"DOOR-{uc}",
                f"{uc}防盗门",
                "metal_gate",
                at=(ex, ey),
                location=f"{uc}-E",
                kind="anti_theft_door",
            )
            b.dev(
                f"FACE-{uc}",
                f"{uc}人脸门禁",
                "face",
                at=(ex + 1, ey),
                location=f"{uc}-E",
                accepted=unit_index % 137 != 3,  # a few in service without acceptance
            )
            for k in range(INDOOR_STATIONS_PER_UNIT):
                b.dev(
                    f"IS-{uc}-{k + 1}",
                    f"{uc}室内分机{k + 1}",
                    "door_station",
                    at=(ex, ey + 2 + k),
                    location=uc,
                    kind="indoor_station",
                )
            for k in range(SMOKE_DETECTORS_PER_UNIT):
                b.dev(
                    f"SD-{uc}-{k + 1}", f"{uc}紧急按钮{k + 1}", "panic", at=(ex + 2, ey + 2 + k), location=uc
                )

    # ---- perimeter (第8条): one detector per segment, every 97th segment uncovered ----
    segments: list[PerimeterSegment] = []
    for i, (a, z) in enumerate(_ring_segments(rx0, ry0, rx1, ry1, sizes.segments)):
        code = f"P{i + 1:04d}"
        segments.append(
            PerimeterSegment(
                community=community,
                code=code,
                name=f"周界{i + 1}",
                sequence=i + 1,
                geometry=_line(a, z),
                barrier_type="fence" if i % 3 else "wall",
                barrier_height_m=Decimal("2.20"),
            )
        )
        if i % 97 == 50:
            continue
        model = ("beam", "vibration", "efence")[i % 3]
        b.dev(
            f"PD-{code}",
            f"周界{i + 1}探测器",
            model,
            at=((a[0] + z[0]) / 2, (a[1] + z[1]) / 2),
            coverage=_line(a, z),
        )
    PerimeterSegment.objects.bulk_create(segments, batch_size=1000)

    SecurityTeam.objects.bulk_create(
        [
            SecurityTeam(
                community=community,
                kind="guard_team",
                name="物业保安队",
                members=60,
                leader="张队长",
                contract_ref="WY-2026-001",
            )
        ]
    )
    Device.objects.bulk_create(b.devices, batch_size=1000)
    accepted_on = now.date() - dt.timedelta(days=200)
    AcceptanceRecord.objects.bulk_create(
        [
            AcceptanceRecord(device=d, accepted_on=accepted_on, passed=True, accepted_by="基准验收组")
            for d in b.accepted
        ],
        batch_size=1000,
    )
    counts = {
        "buildings": len(buildings),
        "locations": len(b.locations),
        "devices": len(b.devices),
        "perimeter segments": len(segments),
        "acceptance records": len(b.accepted),
    }
    return Built(community=community, counts=counts, seconds=time.perf_counter() - started)
