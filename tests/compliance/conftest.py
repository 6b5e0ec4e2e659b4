"""A small community that passes every chapter 2 rule, built through the registry.

Each rule test starts from ``compliant`` ("everything passes") and breaks one thing. Site plan (metres):
a 100 × 100 m perimeter ring P1–P4 with one detector per side; the main entrance ENT on the south side
at (50, 0) with a vehicle lane, a pedestrian lane and the road stretch outside; building B1 with unit
U1, its entrance and elevator; car park PK with its entrance ramp; main road R1, square SQ; duty room
next to the main entrance, linked to the monitoring centre MC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from anfang.compliance.rules import RULES, CheckContext, Finding
from anfang.compliance.snapshot import load
from anfang.devices.models import Device, DeviceModel
from anfang.sites.models import Community, Location, PerimeterSegment, SecurityTeam
from tests.support import factories
from tests.support.db import built_once

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def line(*pts: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(p) for p in pts]}


def rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@dataclass
class Site:
    """The built community and its objects by code, with a helper to run one rule."""

    community: Community
    locations: dict[str, Location] = field(default_factory=dict)
    segments: dict[str, PerimeterSegment] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    models: dict[str, DeviceModel] = field(default_factory=dict)

    def reloaded(self) -> Site:
        return Site(
            community=Community.objects.get(pk=self.community.pk),
            locations={x.code: x for x in Location.objects.filter(community=self.community)},
            segments={x.code: x for x in PerimeterSegment.objects.filter(community=self.community)},
            devices={x.code: x for x in Device.objects.filter(community=self.community)},
            models=dict(self.models),
        )

    def check(self, rule_id: str, **ctx: Any) -> list[Finding]:
        """Run one rule on a fresh snapshot (so edits made by the test are seen)."""
        context = CheckContext(now=ctx.pop("now", NOW), **ctx)
        return list(RULES[rule_id].check(load(self.community), context))

    def device(self, code: str, **kw: Any) -> Device:
        """Add an in-service device (certified model shared per subsystem and kind, accepted)."""
        key = f"{kw.get('subsystem', 'video')}/{kw.get('kind', 'camera')}"
        if key not in self.models:
            self.models[key] = factories.device_model(
                subsystem=kw.get("subsystem", "video"), kind=kw.get("kind", "camera")
            )
        kw.setdefault("device_model", self.models[key])
        at = kw.pop("at", None)
        if at is not None:
            kw["location"] = self.locations[at]
        dev = factories.in_service_device(self.community, code=code, **kw)
        self.devices[code] = dev
        return dev

    def location(self, code: str, kind: str, **kw: Any) -> Location:
        parent = kw.pop("parent", None)
        if parent is not None:
            kw["parent"] = self.locations[parent]
        loc = factories.location(self.community, code=code, name=kw.pop("name", code), kind=kind, **kw)
        self.locations[code] = loc
        return loc


def camera(x: float, y: float, size: float = 6.0, **kw: Any) -> dict[str, Any]:
    """Keyword arguments of a 2560×1440 in-service camera whose square view is centred on (x, y)."""
    kw.setdefault("resolution_width", 2560)
    kw.setdefault("resolution_height", 1440)
    return {
        "subsystem": kw.pop("subsystem", "video"),
        "kind": "camera",
        "position": point(x, y),
        "coverage": rect(x - size / 2, y - size / 2, x + size / 2, y + size / 2),
        **kw,
    }


def build_compliant(**community_kw: Any) -> Site:
    community_kw.setdefault("code", "ok")
    community_kw.setdefault("name", "合规小区")
    site = Site(community=factories.community(**community_kw))
    c = site.community
    loc = site.location
    SecurityTeam.objects.create(
        community=c, kind="guard_team", name="保安队", members=12, contract_ref="HT-2026-01"
    )

    # Monitoring centre and the duty room at the main entrance (第15条).
    loc("MC", "monitoring_centre", geometry=rect(60, 2, 70, 8), area_m2=Decimal("60"))
    loc(
        "DUTY",
        "duty_room",
        geometry=rect(52, 2, 58, 6),
        area_m2=Decimal("24"),
        linked_to=site.locations["MC"],
    )

    # Main entrance with lanes and the road stretch (第9、11、12条).
    loc("ENT", "entrance", entrance_role="main", geometry=point(50, 0))
    loc(
        "ENT-V", "lane", parent="ENT", lane_type="vehicle", direction="both", geometry=line((45, -5), (45, 5))
    )
    loc(
        "ENT-P",
        "lane",
        parent="ENT",
        lane_type="pedestrian",
        direction="both",
        geometry=line((55, -5), (55, 5)),
    )
    loc("RS", "road_stretch", parent="ENT", geometry=line((20, -10), (80, -10)))

    # Building, unit, unit entrance and elevator car (第9、13、14条).
    loc("B1", "building", geometry=rect(20, 20, 40, 35), household_doors_standard=True, lock_grade="B")
    loc("B1-U1", "unit", parent="B1", geometry=rect(20, 20, 40, 35))
    loc("B1-U1-E", "unit_entrance", parent="B1-U1", geometry=point(30, 20))
    loc("B1-U1-L", "elevator", parent="B1-U1", geometry=point(30, 28))

    # Car park and its entrance ramp (第9、11条).
    loc("PK", "parking_lot", geometry=rect(70, 30, 95, 60))
    loc("PK-E", "parking_entrance", parent="PK", geometry=point(70, 40))
    loc(
        "PK-V",
        "lane",
        parent="PK-E",
        lane_type="vehicle",
        direction="both",
        geometry=line((62, 40), (72, 40)),
    )

    # Main road and square (第9条).
    loc("R1", "road", is_main=True, geometry=line((50, 0), (50, 90)))
    loc("SQ", "square", is_main=True, geometry=rect(40, 60, 60, 80))

    # Perimeter: a closed 100 × 100 m ring, each side with its own detector (第8条).
    corners = [(0, 0), (100, 0), (100, 100), (0, 100)]
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        code = f"P{i + 1}"
        site.segments[code] = factories.segment(
            c, [list(a), list(b)], code=code, name=f"周界{i + 1}", sequence=i + 1, barrier_type="wall"
        )
        site.device(f"PD-{code}", subsystem="perimeter", kind="electronic_fence", coverage=line(a, b))
    site.device("PER-CTRL", subsystem="perimeter", kind="perimeter_controller", at="MC")

    # Cameras (第9条).
    site.device("CAM-ENT", at="ENT", **camera(50, 3))
    site.device("CAM-RS", at="RS", **camera(50, -10))
    site.device("CAM-UE", at="B1-U1-E", **camera(30, 18))
    site.device("CAM-L", at="B1-U1-L", **camera(30, 28, size=2))
    site.device("CAM-R1", at="R1", **camera(50, 50, size=10))
    site.device("CAM-SQ", at="SQ", **camera(50, 70, size=20))
    site.device("CAM-MC", at="MC", **camera(65, 5, size=4))
    site.device("NVR-1", kind="nvr", at="MC", retention_days=30)

    # Plate recognition and entrance control (第9、11条), gates (第12条).
    site.device("ANPR-ENT", at="ENT-V", anpr=True, **camera(45, 6, subsystem="access"))
    site.device("BAR-ENT", subsystem="physical", kind="barrier_arm", at="ENT-V")
    site.device("GATE-ENT", subsystem="physical", kind="retractable_gate", at="ENT")
    site.device("FACE-ENT", subsystem="access", kind="face_terminal", at="ENT-P")
    site.device("ANPR-PK", at="PK-V", anpr=True, **camera(60, 40, subsystem="parking"))
    site.device("BAR-PK", subsystem="parking", kind="barrier_arm", at="PK-V")
    site.device("PK-CTRL", subsystem="parking", kind="parking_controller", at="PK-E")

    # Unit entrance: anti-theft door and a networked door station that is online (第13条).
    site.device("DOOR-UE", subsystem="physical", kind="anti_theft_door", at="B1-U1-E")
    site.device(
        "DS-UE",
        subsystem="intercom",
        kind="door_station",
        at="B1-U1-E",
        online=True,
        heartbeat_interval_s=60,
        last_seen_at=NOW - dt.timedelta(seconds=30),
    )

    # The rest of the nine subsystems (第7条).
    site.device("PT-1", subsystem="patrol", kind="patrol_checkpoint", at="SQ")
    site.device("ALM-1", subsystem="resident_alarm", kind="alarm_panel", at="MC")
    site.device("WS-1", subsystem="monitoring", kind="workstation", at="MC")
    return site


@pytest.fixture(scope="module")
def _compliant_built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """Build once per module (the audit chain makes ~200 saves cost seconds) inside a transaction
    rolled back at the end; each test runs in a savepoint within it (pytest-django's ``db``)."""
    with built_once(django_db_blocker, build_compliant) as site:
        yield site


@pytest.fixture
def compliant(_compliant_built: Site, db: Any) -> Site:
    """The compliant community, its objects freshly loaded (earlier tests' edits were rolled back)."""
    return _compliant_built.reloaded()
