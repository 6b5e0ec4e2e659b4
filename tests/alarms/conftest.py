"""An alarm site in community A: an intrusion detector with two zones, a panic button, a camera watching."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from anfang.integrations import events as ev
from anfang.integrations.events import DeviceEvent
from tests.support import factories


@dataclass
class AlarmSite:
    tenancy: Any
    detector: Any
    button: Any
    camera: Any
    far_camera: Any
    other_device: Any  # in community B


@pytest.fixture
def site(tenancy: Any) -> AlarmSite:
    gate = factories.location(tenancy.a, code="G1", name="东门", kind="entrance")
    detector = factories.in_service_device(
        tenancy.a,
        code="PIR-1",
        name="东门红外",
        subsystem="perimeter",
        kind="infrared_beam",
        location=gate,
        position={"type": "Point", "coordinates": [10, 10]},
    )
    button = factories.in_service_device(
        tenancy.a, code="SOS-1", name="门岗紧急按钮", subsystem="resident_alarm", kind="emergency_button"
    )
    camera = factories.in_service_device(
        tenancy.a,
        code="CAM-1",
        name="东门摄像机",
        position={"type": "Point", "coordinates": [0, 0]},
        coverage={"type": "Polygon", "coordinates": [[[0, 0], [20, 0], [20, 20], [0, 20], [0, 0]]]},
    )
    far = factories.in_service_device(
        tenancy.a,
        code="CAM-2",
        name="北门摄像机",
        position={"type": "Point", "coordinates": [200, 200]},
        coverage={
            "type": "Polygon",
            "coordinates": [[[180, 180], [220, 180], [220, 220], [180, 220], [180, 180]]],
        },
    )
    other = factories.in_service_device(tenancy.b, code="PIR-B", subsystem="perimeter", kind="infrared_beam")
    return AlarmSite(tenancy, detector, button, camera, far, other)


def event(
    device: str = "PIR-1",
    external_id: str = "e1",
    type: str = ev.PERIMETER,
    zone: str = "1",
    at: dt.datetime | None = None,
    **kw: Any,
) -> DeviceEvent:
    return DeviceEvent(
        source=kw.pop("source", "api"),
        device=device,
        external_id=external_id,
        type=type,
        occurred_at=at or timezone.now(),
        zone=zone,
        **kw,
    )
