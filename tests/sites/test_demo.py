"""``anfang seed-demo``: the 营口 demo has every place and subsystem it promises, its deliberate gaps,
a log-in per role, and it keeps tenants apart."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from shapely.geometry import shape
from shapely.ops import linemerge, unary_union

from anfang.core import audit
from anfang.core.models import ChangeRecord, User
from anfang.core.tenancy import roles_in
from anfang.devices.choices import DeviceStatusChoices, SubsystemChoices
from anfang.devices.models import Device, DeviceModel
from anfang.sites import demo
from anfang.sites.models import Community, Location, PerimeterSegment, SecurityTeam
from tests.support.db import built_once

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo built by the real command once for the module (see tests/support/db.py)."""
    with built_once(django_db_blocker, _seed) as output:
        yield output


def test_demo1_has_every_place_and_subsystem_promised():
    c = Community.objects.get(code="demo1")
    assert c.name == "辽河湾花园" and c.property_company and c.police_station
    assert "站前分局" in c.police_station.name
    locations = Location.objects.filter(community=c)
    count = {kind: locations.filter(kind=kind).count() for kind in locations.values_list("kind", flat=True)}
    assert count["building"] == 12
    assert count["unit"] == 24 and count["unit_entrance"] == 24 and count["elevator"] == 24
    assert count["parking_lot"] == 1 and count["parking_entrance"] == 1
    assert count["road_stretch"] == 2 and count["square"] >= 1 and count["monitoring_centre"] == 1
    entrances = locations.filter(kind="entrance")
    assert sorted(entrances.values_list("entrance_role", flat=True)) == ["main", "secondary"]
    for entrance in entrances:
        lanes = entrance.children.filter(kind="lane")
        assert {"vehicle", "pedestrian"} <= set(lanes.values_list("lane_type", flat=True))
        # R-9b (第9条): every vehicle lane of a community entrance has an ANPR camera.
        for lane in lanes.filter(lane_type="vehicle"):
            assert lane.devices.filter(kind="camera", anpr=True).exists(), lane.code
    assert locations.filter(kind="road", is_main=True).count() >= 2

    # R-15 (第15条): duty room ≥ 20 m² at the main entrance, linked to the monitoring centre.
    duty = locations.get(kind="duty_room")
    assert duty.area_m2 >= 20 and duty.linked_to.kind == "monitoring_centre"

    devices = Device.objects.filter(community=c)
    assert devices.count() >= 75
    assert set(devices.values_list("subsystem", flat=True)) == set(SubsystemChoices.values)
    for device in devices:
        assert device.position is not None
        # R-29 (第29条): nothing in use (or faulty after use) without a passed acceptance.
        assert device.is_accepted, device.code
    cameras = devices.filter(kind="camera")
    assert all(cam.coverage and cam.coverage["type"] == "Polygon" for cam in cameras)
    assert all(cam.resolution for cam in cameras)
    assert devices.exclude(network_address="").filter(network_address__startswith="192.168.").count() > 60

    # R-8 (第8条): the perimeter segments join into one closed ring.
    segments = PerimeterSegment.objects.filter(community=c)
    assert 6 <= segments.count() <= 8
    ring = linemerge(unary_union([shape(s.geometry) for s in segments]))
    assert ring.geom_type == "LineString" and ring.is_ring
    assert set(segments.values_list("barrier_type", flat=True)) == {"wall", "fence"}

    # R-5 (第5条): the property company's guard team, in the service contract.
    team = SecurityTeam.objects.get(community=c)
    assert (team.kind, team.name, team.members) == ("guard_team", "物业保安队", 14)
    assert team.leader and team.phone and team.contract_ref == "LHW-WY-2024-003"
    # R-33.2 (第33条第(2)项): retention settings at or above the floors, recorders configured.
    assert c.video_retention_days >= 30 and c.vehicle_retention_days >= 90
    recorders = dict(devices.filter(kind="nvr").values_list("code", "retention_days"))
    assert recorders == {"NVR-1": 30, "NVR-2": 45}

    # The log was written by the seed, and its chain verifies.
    assert ChangeRecord.objects.filter(community_id=c.pk, actor_name="seed-demo").count() > 300
    assert audit.verify("change")[1] == []


def test_demo1_has_its_deliberate_gaps():
    c = Community.objects.get(code="demo1")
    devices = Device.objects.filter(community=c)

    # exactly P6 lies outside every detector's coverage.
    covered = unary_union([d.coverage_shape() for d in devices.filter(subsystem="perimeter") if d.coverage])
    uncovered = {
        s.code: shape(s.geometry).difference(covered.buffer(0.5)).length
        for s in PerimeterSegment.objects.filter(community=c)
    }
    assert uncovered.pop(demo.DEMO_GAPS["uncovered_perimeter_segment"]) > 100
    assert all(length < 1 for length in uncovered.values()), uncovered

    # one model's certificate has expired while its devices are in service.
    expired = DeviceModel.objects.get(model_number=demo.DEMO_GAPS["expired_certificate_model"])
    assert expired.certificates.exists() and expired.valid_certificate() is None
    assert devices.filter(device_model=expired, status="in_service").count() >= 1
    others = DeviceModel.objects.filter(devices__community=c).exclude(pk=expired.pk).distinct()
    assert all(m.valid_certificate() is not None for m in others)

    # R-9a: one unit entrance has no camera; every other one has.
    for entrance in Location.objects.filter(community=c, kind="unit_entrance"):
        has_camera = entrance.devices.filter(kind="camera").exists()
        assert has_camera == (entrance.code != demo.DEMO_GAPS["unit_entrance_without_camera"]), entrance.code
    for elevator in Location.objects.filter(community=c, kind="elevator"):
        assert elevator.devices.filter(kind="camera").exists()

    # One device is faulty.
    faulty = devices.filter(status=DeviceStatusChoices.FAULTY)
    assert list(faulty.values_list("code", flat=True)) == [demo.DEMO_GAPS["faulty_device"]]


def test_seed_demo_prints_logins_is_idempotent_and_force_rebuilds(seeded: str) -> None:
    first = seeded
    assert "demo1" in first and demo.demo_password() in first
    for username in (
        "admin",
        "manager",
        "operator",
        "guard",
        "technician",
        "construction",
        "police",
        "manager2",
    ):
        assert username in first
    device_count = Device.objects.count()
    changes = ChangeRecord.objects.count()

    second = _seed()
    assert "已存在" in second
    assert Device.objects.count() == device_count and ChangeRecord.objects.count() == changes
    assert Community.objects.filter(code="demo1").count() == 1

    User.objects.filter(username="manager").update(password="x")
    third = _seed("--force")
    assert "已建立" in third
    assert Device.objects.count() == device_count
    assert Community.objects.filter(code__in=demo.DEMO_CODES).count() == 2
    assert User.objects.get(username="manager").check_password(demo.demo_password())
    assert audit.verify("change")[1] == []


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("ANFANG_DEMO_PASSWORD", raising=False)
    assert demo.demo_password() == demo.DEFAULT_PASSWORD
    monkeypatch.setenv("ANFANG_DEMO_PASSWORD", "another-demo-pw")
    assert demo.demo_password() == "another-demo-pw"


def test_demo_users_have_their_roles_and_tenancy_holds():
    demo1, demo2 = Community.objects.get(code="demo1"), Community.objects.get(code="demo2")
    users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in demo.DEMO_USERS])}
    assert len(users) == 8
    assert all(u.check_password(demo.demo_password()) for u in users.values())
    admin = users["admin"]
    assert admin.is_superuser and admin.is_platform_admin and admin.is_staff
    expected = {
        "manager": "manager",
        "operator": "operator",
        "guard": "guard",
        "technician": "technician",
        "construction": "construction",
        "police": "police",
    }
    for username, role in expected.items():
        assert roles_in(users[username], demo1) == {role}, username
        assert roles_in(users[username], demo2) == set(), username
    assert roles_in(users["manager2"], demo2) == {"manager"}
    assert users["police"].police_station == demo1.police_station
    assert demo2.police_station != demo1.police_station
    assert demo2.property_company != demo1.property_company

    assert list(Community.objects.for_user(users["manager2"])) == [demo2]
    assert list(Community.objects.for_user(users["manager"])) == [demo1]
    assert list(Community.objects.for_user(users["police"])) == [demo1]
    assert set(Community.objects.for_user(admin)) == {demo1, demo2}
    seen = Device.objects.for_user(users["manager2"])
    assert seen.count() == Device.objects.filter(community=demo2).count() > 5
    assert not seen.filter(community=demo1).exists()
    assert not Location.objects.for_user(users["manager2"]).filter(community=demo1).exists()


def test_demo_logins_table_lines_up_cjk_columns():
    table = demo.format_logins(
        [
            demo.DemoLogin("admin", "平台管理员", "平台管理员", "全部小区"),
            demo.DemoLogin("x", "x", "民警", "a"),
        ],
        "pw",
    )
    admin_row, police_row = table.splitlines()[2:4]
    # Display width (a CJK character takes two columns) keeps the third column aligned.
    assert demo._width(admin_row[: admin_row.index("全部小区")]) == demo._width(
        police_row[: police_row.rindex(" a") + 1]
    )
    assert table.splitlines()[-1].endswith("pw")


def test_demo2_has_its_own_guard_team_and_recorder_retention():
    demo2 = Community.objects.get(code="demo2")
    team = SecurityTeam.objects.get(community=demo2)
    assert team.kind == "guard_team" and team.members > 0 and team.contract_ref
    assert Device.objects.get(community=demo2, kind="nvr").retention_days == 30
    # The demo's deliberate gaps stay exactly the four documented ones.
    assert set(demo.DEMO_GAPS) == {
        "uncovered_perimeter_segment",
        "expired_certificate_model",
        "unit_entrance_without_camera",
        "faulty_device",
    }


def test_demo_heartbeats_keep_only_demo_devices_alive(db):
    """The scheduler's stand-in for the demo's (non-existent) devices: R-33.1 shows live devices in the
    demo, while devices of real communities are never touched."""
    import datetime as dt

    from django.utils import timezone

    from tests.support import factories

    other = factories.in_service_device(factories.community(), heartbeat_interval_s=60)
    later = timezone.now() + dt.timedelta(hours=3)
    touched = demo.DemoHeartbeats().tick(later)
    assert touched > 100
    assert not Device.objects.get(code="DS-B01-U1").is_offline(later)
    other.refresh_from_db()
    assert other.last_seen_at is None
    faulty = Device.objects.get(code=demo.DEMO_GAPS["faulty_device"])
    assert faulty.last_seen_at != later
