"""The demo community's gates (built once for the module): lanes with barriers, lists and passages
that went through the real decisions."""

from __future__ import annotations

from typing import Any

import pytest

from anfang.alarms.models import Alarm
from anfang.vehicles import services
from anfang.vehicles.demo import DEMO_BARRIER_PORT, DEMO_BLACKLIST
from anfang.vehicles.models import Lane, Passage, ResidentVehicle

pytestmark = pytest.mark.django_db


def test_demo_lanes_lists_and_passages(demo_built: Any) -> None:
    lanes = Lane.objects.filter(community__code="demo1")
    assert lanes.count() == 6
    south_in = lanes.get(code="S-VI")
    assert south_in.camera.code == "ANPR-S-VI" and south_in.barrier_url.endswith(f":{DEMO_BARRIER_PORT}")
    assert ResidentVehicle.objects.filter(community__code="demo1").count() >= 50
    passages = Passage.objects.filter(community__code="demo1")
    assert passages.count() > 100
    assert {"resident", "exit", "unknown_vehicle", "blacklisted", "no_plate"} <= set(
        passages.values_list("reason", flat=True)
    )
    banned = passages.get(plate=DEMO_BLACKLIST[0][0])
    assert banned.decision == "deny"
    assert Alarm.objects.get(pk=banned.alarm_id).outcome == "real_incident"  # handled, not left open
    assert services.vehicles_inside(lanes[0].community_id).exists()
