"""Everything the rules read, loaded once per check with a handful of queries.

Rules never touch the ORM: they read this snapshot, so a check of a city-scale community stays a few
bulk queries plus in-memory geometry (the 3 s benchmark of docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import shapely
from django.db.models import TextField
from django.db.models.functions import Cast
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel
from anfang.sites.models import Community, Location, PerimeterSegment, SecurityTeam


def _shape(geometry: Any) -> BaseGeometry | None:
    if not geometry:
        return None
    try:
        geom = shape(geometry)
    except Exception:  # stored data is validated on save; a broken row must not stop the check
        return None
    return None if geom.is_empty else geom


@dataclass
class Place:
    """A location as the rules see it."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    geometry: BaseGeometry | None
    entrance_role: str
    lane_type: str
    direction: str
    is_main: bool
    area_m2: float | None
    linked_to_id: int | None
    household_doors_standard: bool | None
    lock_grade: str


@dataclass
class Segment:
    id: int
    code: str
    name: str
    sequence: int
    geometry: BaseGeometry | None
    barrier_type: str


@dataclass
class Equipment:
    """A device as the rules see it."""

    id: int
    code: str
    name: str
    subsystem: str
    kind: str
    status: str
    location_id: int | None
    model_id: int | None
    position: BaseGeometry | None
    coverage: BaseGeometry | None
    resolution_width: int | None
    resolution_height: int | None
    anpr: bool
    online: bool
    heartbeat_interval_s: int | None
    last_seen_at: dt.datetime | None
    retention_days: int | None
    accepted: bool = False
    accepted_on: dt.date | None = None  # latest passing acceptance (R-29 第29条)

    @property
    def in_service(self) -> bool:
        return self.status == DeviceStatusChoices.IN_SERVICE


@dataclass
class ModelInfo:
    id: int
    label: str
    certificates: list[Certificate] = field(default_factory=list)
    code: str = ""  # "<manufacturer code> <model number>", how findings name a model

    def valid_on(self, day: dt.date) -> bool:
        return any(c.is_valid_on(day) for c in self.certificates)


@dataclass
class Team:
    id: int
    kind: str
    name: str
    members: int
    contract_ref: str
    police_liaison: str


@dataclass
class SiteSnapshot:
    community: Community
    places: dict[int, Place]
    segments: list[Segment]
    devices: list[Equipment]
    models: dict[int, ModelInfo]
    teams: list[Team]

    @cached_property
    def places_by_kind(self) -> dict[str, list[Place]]:
        result: dict[str, list[Place]] = defaultdict(list)
        for place in self.places.values():
            result[place.kind].append(place)
        return result

    @cached_property
    def children(self) -> dict[int, list[Place]]:
        result: dict[int, list[Place]] = defaultdict(list)
        for place in self.places.values():
            if place.parent_id is not None:
                result[place.parent_id].append(place)
        return result

    @cached_property
    def devices_at(self) -> dict[int, list[Equipment]]:
        """Devices by the location they are installed at."""
        result: dict[int, list[Equipment]] = defaultdict(list)
        for device in self.devices:
            if device.location_id is not None:
                result[device.location_id].append(device)
        return result

    def descendants(self, place_id: int) -> list[Place]:
        out: list[Place] = []
        stack = list(self.children.get(place_id, ()))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node.id, ()))
        return out

    def in_service(self, *, subsystem: str | None = None, kinds: tuple[str, ...] = ()) -> list[Equipment]:
        return [
            d
            for d in self.devices
            if d.in_service
            and (subsystem is None or d.subsystem == subsystem)
            and (not kinds or d.kind in kinds)
        ]


def _shape_text(text: str | None) -> BaseGeometry | None:
    try:
        return _shape(json.loads(text)) if text else None
    except ValueError:
        return None


def _shapes(texts: Sequence[str | None]) -> list[BaseGeometry | None]:
    """GeoJSON texts to shapes in one vectorised GEOS call (≈ 6× faster than ``shape()`` per row, the
    main cost of loading a city-scale community); empty or unreadable geometry becomes ``None``."""
    if not texts:
        return []
    array = np.array(texts, dtype=object)
    try:
        geoms = shapely.from_geojson(array, on_invalid="ignore")
    except Exception:  # one malformed text fails the whole call: fall back to row by row
        return [_shape_text(t) for t in texts]
    empty = shapely.is_empty(geoms)
    return [None if g is None or e else g for g, e in zip(geoms.tolist(), empty.tolist(), strict=True)]


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Heartbeat times in ``dt.UTC``: PostgreSQL hands back a ``ZoneInfo`` tzinfo whose offset lookups
    made R-33.1's per-device arithmetic about twice as slow as on SQLite."""
    if moment is None or moment.tzinfo is dt.UTC:
        return moment
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment


def _text(field_name: str) -> Cast:
    """A JSON column as its text, so :func:`_shapes` parses it without a ``json.loads`` per row."""
    return Cast(field_name, output_field=TextField())


PLACE_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "entrance_role",
    "lane_type",
    "direction",
    "is_main",
    "area_m2",
    "linked_to_id",
    "household_doors_standard",
    "lock_grade",
)
DEVICE_FIELDS = (
    "id",
    "code",
    "name",
    "subsystem",
    "kind",
    "status",
    "location_id",
    "device_model_id",
    "resolution_width",
    "resolution_height",
    "anpr",
    "online",
    "heartbeat_interval_s",
    "last_seen_at",
    "retention_days",
)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading allocates ~100,000 long-lived, acyclic objects; the cyclic collector would walk the
    growing heap again and again while nothing can be freed, so it waits until the snapshot is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(community: Community) -> SiteSnapshot:
    """Load a community's registry in bulk (a fixed number of queries, whatever its size).

    Rows come as tuples with geometry as JSON text and are turned into shapes in one vectorised call
    per table: on the city-scale benchmark (10,000 devices) this keeps loading well under a second.
    """
    with _gc_paused():
        return _load(community)


def _load(community: Community) -> SiteSnapshot:
    place_rows = list(
        Location.objects.filter(community=community)
        .annotate(geometry_text=_text("geometry"))
        .values_list(*PLACE_FIELDS, "geometry_text")
    )
    place_shapes = _shapes([row[-1] for row in place_rows])
    places = {
        row[0]: Place(
            id=row[0],
            code=row[1],
            name=row[2],
            kind=row[3],
            parent_id=row[4],
            geometry=geom,
            entrance_role=row[5],
            lane_type=row[6],
            direction=row[7],
            is_main=row[8],
            area_m2=float(row[9]) if row[9] is not None else None,
            linked_to_id=row[10],
            household_doors_standard=row[11],
            lock_grade=row[12],
        )
        for row, geom in zip(place_rows, place_shapes, strict=True)
    }
    segment_rows = list(
        PerimeterSegment.objects.filter(community=community)
        .order_by("sequence", "code")
        .annotate(geometry_text=_text("geometry"))
        .values_list("id", "code", "name", "sequence", "barrier_type", "geometry_text")
    )
    segments = [
        Segment(id=sid, code=code, name=name, sequence=seq, geometry=geom, barrier_type=barrier)
        for (sid, code, name, seq, barrier, _text_), geom in zip(
            segment_rows, _shapes([row[-1] for row in segment_rows]), strict=True
        )
    ]
    accepted: dict[int, dt.date] = {}
    for device_id, accepted_on in AcceptanceRecord.objects.filter(
        device__community=community, passed=True
    ).values_list("device_id", "accepted_on"):
        if device_id not in accepted or accepted_on > accepted[device_id]:
            accepted[device_id] = accepted_on
    device_rows = list(
        Device.objects.filter(community=community)
        .order_by("code")
        .annotate(position_text=_text("position"), coverage_text=_text("coverage"))
        .values_list(*DEVICE_FIELDS, "position_text", "coverage_text")
    )
    positions = _shapes([row[-2] for row in device_rows])
    coverages = _shapes([row[-1] for row in device_rows])
    devices = [
        Equipment(
            id=row[0],
            code=row[1],
            name=row[2],
            subsystem=row[3],
            kind=row[4],
            status=row[5],
            location_id=row[6],
            model_id=row[7],
            position=position,
            coverage=coverage,
            resolution_width=row[8],
            resolution_height=row[9],
            anpr=row[10],
            online=row[11],
            heartbeat_interval_s=row[12],
            last_seen_at=_utc(row[13]),
            retention_days=row[14],
            accepted=row[0] in accepted,
            accepted_on=accepted.get(row[0]),
        )
        for row, position, coverage in zip(device_rows, positions, coverages, strict=True)
    ]
    model_ids = {d.model_id for d in devices if d.model_id is not None}
    models = {
        m.pk: ModelInfo(id=m.pk, label=str(m), code=f"{m.manufacturer.code} {m.model_number}")
        for m in DeviceModel.objects.filter(pk__in=model_ids).select_related("manufacturer")
    }
    for cert in Certificate.objects.filter(device_model_id__in=model_ids):
        models[cert.device_model_id].certificates.append(cert)
    teams = [
        Team(
            id=row["id"],
            kind=row["kind"],
            name=row["name"],
            members=row["members"],
            contract_ref=row["contract_ref"],
            police_liaison=row["police_liaison"],
        )
        for row in SecurityTeam.objects.filter(community=community).values(
            "id", "kind", "name", "members", "contract_ref", "police_liaison"
        )
    ]
    return SiteSnapshot(
        community=community, places=places, segments=segments, devices=devices, models=models, teams=teams
    )
