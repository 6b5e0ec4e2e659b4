"""Everything the rules read, loaded once per check with a handful of queries.

Rules never touch the ORM: they read this snapshot, so a check of a city-scale community stays a few
bulk queries plus in-memory geometry (the 3 s benchmark of docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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


def load(community: Community) -> SiteSnapshot:
    """Load a community's registry in bulk (a fixed number of queries, whatever its size)."""
    places = {
        row["id"]: Place(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            parent_id=row["parent_id"],
            geometry=_shape(row["geometry"]),
            entrance_role=row["entrance_role"],
            lane_type=row["lane_type"],
            direction=row["direction"],
            is_main=row["is_main"],
            area_m2=float(row["area_m2"]) if row["area_m2"] is not None else None,
            linked_to_id=row["linked_to_id"],
            household_doors_standard=row["household_doors_standard"],
            lock_grade=row["lock_grade"],
        )
        for row in Location.objects.filter(community=community).values(
            "id",
            "code",
            "name",
            "kind",
            "parent_id",
            "geometry",
            "entrance_role",
            "lane_type",
            "direction",
            "is_main",
            "area_m2",
            "linked_to_id",
            "household_doors_standard",
            "lock_grade",
        )
    }
    segments = [
        Segment(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            sequence=row["sequence"],
            geometry=_shape(row["geometry"]),
            barrier_type=row["barrier_type"],
        )
        for row in PerimeterSegment.objects.filter(community=community)
        .order_by("sequence", "code")
        .values("id", "code", "name", "sequence", "geometry", "barrier_type")
    ]
    accepted: dict[int, dt.date] = {}
    for device_id, accepted_on in AcceptanceRecord.objects.filter(
        device__community=community, passed=True
    ).values_list("device_id", "accepted_on"):
        if device_id not in accepted or accepted_on > accepted[device_id]:
            accepted[device_id] = accepted_on
    devices = [
        Equipment(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            subsystem=row["subsystem"],
            kind=row["kind"],
            status=row["status"],
            location_id=row["location_id"],
            model_id=row["device_model_id"],
            position=_shape(row["position"]),
            coverage=_shape(row["coverage"]),
            resolution_width=row["resolution_width"],
            resolution_height=row["resolution_height"],
            anpr=row["anpr"],
            online=row["online"],
            heartbeat_interval_s=row["heartbeat_interval_s"],
            last_seen_at=row["last_seen_at"],
            retention_days=row["retention_days"],
            accepted=row["id"] in accepted,
            accepted_on=accepted.get(row["id"]),
        )
        for row in Device.objects.filter(community=community)
        .order_by("code")
        .values(
            "id",
            "code",
            "name",
            "subsystem",
            "kind",
            "status",
            "location_id",
            "device_model_id",
            "position",
            "coverage",
            "resolution_width",
            "resolution_height",
            "anpr",
            "online",
            "heartbeat_interval_s",
            "last_seen_at",
            "retention_days",
        )
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
