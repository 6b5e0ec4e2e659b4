"""The demo community's alarm centre (built once for the module; kept apart from tests that count rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.alarms.models import Alarm, AlarmZone

pytestmark = pytest.mark.django_db


def test_demo_has_zones_panel_accounts_and_handled_alarms_with_duty_trail(demo_built: Any) -> None:
    from anfang.alarms.models import SiaAccount

    alarms = Alarm.objects.filter(community__code="demo1")
    assert alarms.count() >= 5 and not alarms.open().exists()  # history, nothing left open
    real = alarms.filter(outcome="real_incident", police_reports__channel="110").get()
    assert real.police_reported_at is not None and real.police_reported_at - real.created_at < dt.timedelta(
        minutes=5
    )
    assert SiaAccount.objects.filter(device__code="PER-CTRL").exists()
    assert AlarmZone.objects.get(device__code="PD-P1", code="").name == "周界 P1 段"
    assert all(a.resolution_note for a in alarms)
