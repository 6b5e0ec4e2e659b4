"""A community gate: an entrance with an in-lane and an out-lane, each with a plate camera."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from anfang.integrations.events import Picture
from anfang.vehicles import services
from anfang.vehicles.models import Lane
from anfang.vehicles.services import PlateRead
from tests.support import factories


@dataclass
class Gate:
    tenancy: Any
    entrance: Any
    camera_in: Any
    camera_out: Any
    lane_in: Lane
    lane_out: Lane
    camera_b: Any  # community B's camera
    lane_b: Lane
    unit: Any


@pytest.fixture
def gate(tenancy: Any) -> Gate:
    entrance = factories.location(tenancy.a, code="G1", name="东门", kind="entrance")
    building = factories.location(tenancy.a, code="B1", name="1号楼", kind="building")
    unit = factories.location(tenancy.a, code="B1-U1", name="1单元", kind="unit", parent=building)
    camera_in = factories.in_service_device(tenancy.a, code="ANPR-IN", name="东门入口车牌识别")
    camera_out = factories.in_service_device(tenancy.a, code="ANPR-OUT", name="东门出口车牌识别")
    lane_in = Lane.objects.create(
        community=tenancy.a, code="E-IN", name="东门入口", location=entrance, direction="in", camera=camera_in
    )
    lane_out = Lane.objects.create(
        community=tenancy.a,
        code="E-OUT",
        name="东门出口",
        location=entrance,
        direction="out",
        camera=camera_out,
    )
    camera_b = factories.in_service_device(tenancy.b, code="ANPR-B", name="B入口")
    lane_b = Lane.objects.create(
        community=tenancy.b, code="B-IN", name="B入口", direction="in", camera=camera_b
    )
    return Gate(tenancy, entrance, camera_in, camera_out, lane_in, lane_out, camera_b, lane_b, unit)


_seq = iter(range(1, 10**9))


def read(
    plate: str = "辽H12345",
    *,
    at: dt.datetime | None = None,
    external_id: str | None = None,
    color: str = "blue",
    pictures: bool = False,
    **kw: Any,
) -> PlateRead:
    return PlateRead(
        source=kw.pop("source", "api"),
        external_id=external_id if external_id is not None else f"r{next(_seq)}",
        plate=plate,
        occurred_at=at or timezone.now(),
        plate_color=color,
        plate_picture=Picture("plate.jpg", "image/jpeg", b"\xff\xd8plate") if pictures else None,
        scene_picture=Picture("scene.jpg", "image/jpeg", b"\xff\xd8scene") if pictures else None,
        **kw,
    )


def pass_in(gate: Gate, plate: str = "辽H12345", **kw: Any) -> services.PassageResult:
    return services.record_passage(read(plate, **kw), device=gate.camera_in)


def pass_out(gate: Gate, plate: str = "辽H12345", **kw: Any) -> services.PassageResult:
    return services.record_passage(read(plate, **kw), device=gate.camera_out)
