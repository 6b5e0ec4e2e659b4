"""The demo community's lanes, lists and three days of passages, so the lane screen, the search and the
vehicles-inside list show a working gate (第9、11条). The lanes' barriers point at a simulated Hikvision
barrier controller that `anfang up` runs on `DEMO_BARRIER_PORT` (see `start_demo_barrier`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from anfang.devices.models import Device
from anfang.sites.models import Community, Location
from anfang.vehicles import services
from anfang.vehicles.models import BlacklistEntry, Lane, ResidentVehicle, VisitorPass

DEMO_BARRIER_PORT = 8088
DEMO_BARRIER_USER = "admin"
DEMO_BARRIER_PASSWORD = "demo-barrier"

# (lane code, name, entrance, direction, camera, barrier, policy)
DEMO_LANES = [
    ("S-VI", "南门车行入口", "ENT-S", "in", "ANPR-S-VI", "BAR-S-VI", "residents_and_visitors"),
    ("S-VO", "南门车行出口", "ENT-S", "out", "ANPR-S-VO", "BAR-S-VO", "residents_and_visitors"),
    ("E-VI", "东门车行入口", "ENT-E", "in", "ANPR-E-VI", "BAR-E-VI", "residents_only"),
    ("E-VO", "东门车行出口", "ENT-E", "out", "ANPR-E-VO", "BAR-E-VO", "residents_only"),
    ("PK-I", "车库入口", "PK-E", "in", "ANPR-PK-I", "", "residents_only"),
    ("PK-O", "车库出口", "PK-E", "out", "ANPR-PK-O", "", "residents_only"),
]
DEMO_BLACKLIST = [("辽H5K668", "盗抢车辆（派出所协查通报）")]
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _plate(rng: random.Random) -> str:
    if rng.random() < 0.15:  # new-energy small: 辽H D/F + 5
        return f"辽H{rng.choice('DF')}{rng.randint(10000, 99999)}"
    tail = "".join(rng.choice("0123456789" + _LETTERS[:6]) for _ in range(4))
    return f"辽H{rng.choice('0123456789')}{tail}"


def seed_vehicle_demo(community: Community, *, now: dt.datetime | None = None) -> None:
    """Lanes with their cameras and barriers, resident vehicles, a blacklist entry, visitor passes and
    three days of passages through `services.record_passage` (the real decisions)."""
    now = now or timezone.now()
    rng = random.Random(20261127)
    devices = {d.code: d for d in Device.objects.filter(community=community)}
    places = {loc.code: loc for loc in Location.objects.filter(community=community)}
    lanes: dict[str, Lane] = {}
    for code, name, entrance, direction, camera, barrier, policy in DEMO_LANES:
        if camera not in devices:
            continue
        lanes[code] = Lane.objects.create(
            community=community,
            code=code,
            name=name,
            location=places.get(entrance),
            direction=direction,
            camera=devices[camera],
            barrier=devices.get(barrier),
            policy=policy,
            barrier_url=f"http://127.0.0.1:{DEMO_BARRIER_PORT}" if barrier in devices else "",
            barrier_username=DEMO_BARRIER_USER if barrier in devices else "",
            barrier_password=DEMO_BARRIER_PASSWORD if barrier in devices else "",
        )
    units = list(Location.objects.filter(community=community, kind="unit").order_by("code"))
    residents = sorted({_plate(rng) for _ in range(60)})
    ResidentVehicle.objects.bulk_create(
        ResidentVehicle(
            community=community,
            plate=plate,
            unit=units[i % len(units)] if units else None,
            owner_name=f"业主{i + 1:02d}",
            # Every ninth resident's registration ran out three days ago: the guard is asked for them.
            valid_until=(now + dt.timedelta(days=365 if i % 9 else -3)).date(),
        )
        for i, plate in enumerate(residents)
    )
    for plate, reason in DEMO_BLACKLIST:
        BlacklistEntry.objects.create(community=community, plate=plate, reason=reason)
    VisitorPass.objects.create(
        community=community,
        plate="辽B8M217",
        visitor_name="李女士",
        host_name="3号楼2单元 王先生",
        valid_from=now - dt.timedelta(hours=2),
        valid_until=now + dt.timedelta(hours=6),
        max_uses=1,
    )
    VisitorPass.objects.create(
        community=community,
        plate="辽H7Q532",
        visitor_name="家政服务",
        valid_from=now - dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=30),
    )
    _seed_passages(lanes, residents, rng, now)


def _seed_passages(
    lanes: dict[str, Lane], residents: list[str], rng: random.Random, now: dt.datetime
) -> None:
    """Mornings out, evenings in, visitors in the day, one blacklisted car turned away yesterday."""
    pairs = [
        (lanes[i], lanes[o]) for i, o in (("S-VI", "S-VO"), ("PK-I", "PK-O")) if i in lanes and o in lanes
    ]
    if not pairs:
        return
    n = 0

    def passage(lane: Lane, plate: str, at: dt.datetime) -> None:
        nonlocal n
        n += 1
        read = services.PlateRead(
            source="api",
            external_id=f"demo-{n}",
            plate=plate,
            occurred_at=at,
            plate_color="green" if len(plate) == 8 else "blue",
            confidence=round(rng.uniform(88, 99.5), 1),
        )
        assert lane.camera is not None
        services.record_passage(read, device=lane.camera, lane=lane, received_at=at + dt.timedelta(seconds=1))

    for days_ago in (3, 2, 1):
        day = timezone.localtime(now - dt.timedelta(days=days_ago)).replace(hour=0, minute=0, second=0)
        for plate in rng.sample(residents, 24):
            lane_in, lane_out = rng.choice(pairs)
            passage(lane_out, plate, day + dt.timedelta(hours=7, minutes=rng.randint(0, 90)))
            passage(lane_in, plate, day + dt.timedelta(hours=17, minutes=rng.randint(0, 150)))
        for _ in range(6):  # visitors and deliveries: the guard decides
            lane_in, lane_out = pairs[0]
            plate = _plate(rng).replace("辽H", rng.choice(["辽H", "辽B", "辽A", "吉A"]), 1)
            at = day + dt.timedelta(hours=rng.randint(9, 16), minutes=rng.randint(0, 59))
            passage(lane_in, plate, at)
            passage(lane_out, plate, at + dt.timedelta(minutes=rng.randint(10, 80)))
    yesterday = timezone.localtime(now - dt.timedelta(days=1)).replace(hour=21, minute=12, second=0)
    passage(pairs[0][0], DEMO_BLACKLIST[0][0], yesterday)
    passage(pairs[0][0], "无车牌", yesterday + dt.timedelta(minutes=40))
    _handle_blacklist_alarms(pairs[0][0].community_id)


def _handle_blacklist_alarms(community_id: int) -> None:
    """The blacklisted car of yesterday was stopped and handed to the police: its alarm is closed."""
    from anfang.alarms import services as alarm_services
    from anfang.alarms.models import Alarm
    from anfang.core.models import User

    operator = User.objects.filter(
        memberships__community_id=community_id, memberships__role="operator"
    ).first()
    if operator is None:
        return
    for alarm in Alarm.objects.open().filter(community_id=community_id, alarm_type="blacklisted_vehicle"):
        alarm_services.acknowledge(alarm, by=operator)
        alarm_services.resolve(
            alarm, by=operator, outcome="real_incident", note="保安在南门拦停车辆，已移交派出所民警处理"
        )


def start_demo_barrier(log: Any = None) -> Any:
    """The simulated barrier controller the demo lanes open (None when its port is taken)."""
    from anfang.integrations.gates import SimulatedBarrier

    barrier = SimulatedBarrier(
        port=DEMO_BARRIER_PORT, username=DEMO_BARRIER_USER, password=DEMO_BARRIER_PASSWORD
    )
    try:
        barrier.start()
    except OSError as exc:
        if log is not None:
            log(f"[demo] simulated barrier not started on port {DEMO_BARRIER_PORT}: {exc}")
        return None
    return barrier
