"""Device list API and page for a community with many devices (a large 小区 or a district view).

Measures the first page as a user would load it (median of repeated requests, and the number of SQL
queries, which must not grow with the page size). Pages that do not exist yet are reported as such.
"""

from __future__ import annotations

import statistics
import time
from itertools import cycle

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anfang.core.choices import RoleChoices
from anfang.core.models import Membership, User
from anfang.devices.choices import KIND_SUBSYSTEMS
from anfang.devices.models import Device
from anfang.sites.models import Community, PoliceStation

REPEAT = 7


def _community(devices: int) -> Community:
    station, _ = PoliceStation.objects.get_or_create(code="bench-ps", defaults={"name": "基准派出所"})
    community, created = Community.objects.get_or_create(
        code="bench-devices",
        defaults={"name": "基准小区（设备）", "police_station": station, "management_type": "self"},
    )
    if created:
        pairs = cycle([(s, k) for s, kinds in KIND_SUBSYSTEMS.items() for k in kinds])
        batch = []
        for i in range(devices):
            subsystem, kind = next(pairs)
            batch.append(
                Device(
                    community=community,
                    code=f"bench-{i:06d}",
                    name=f"设备{i}",
                    subsystem=subsystem,
                    kind=kind,
                    network_address=f"192.168.{i // 250 % 250}.{i % 250 + 1}",
                    position={"x": float(i % 300), "y": float(i // 300 % 200)},
                )
            )
        # A fixture, not a facility change: bulk insert without services or change log on purpose.
        Device.objects.bulk_create(batch, batch_size=1000)
    return community


def _time(client: Client, url: str) -> tuple[str, str]:
    response = client.get(url)
    if response.status_code == 404 and not Device.objects.filter(community__code="bench-devices").exists():
        return "not measured", "community missing"
    if response.status_code != 200:
        return f"HTTP {response.status_code}", "not available yet"
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append(time.perf_counter() - start)
    return f"{statistics.median(times) * 1000:.0f} ms (median of {REPEAT})", f"{len(queries)} queries"


def run(devices: int) -> list[tuple[str, str]]:
    community = _community(devices)
    user, _ = User.objects.get_or_create(username="bench-manager")
    Membership.objects.get_or_create(user=user, community=community, defaults={"role": RoleChoices.MANAGER})
    client = Client(raise_request_exception=False)
    client.force_login(user)
    n = Device.objects.filter(community=community).count()
    code = community.code
    results = []
    for label, url in [
        (
            f"API `GET /api/v1/devices?community=…` first page, {n:,} devices",
            f"/api/v1/devices?community={code}",
        ),
        (
            "API same, filtered by subsystem=video",
            f"/api/v1/devices?community={code}&subsystem=video",
        ),
        (f"page `/c/<code>/devices/` first page, {n:,} devices", f"/c/{code}/devices/"),
        ("page same, filtered by subsystem=video", f"/c/{code}/devices/?subsystem=video"),
    ]:
        value, note = _time(client, url)
        results.append((label, f"{value}; {note}"))
    return results
