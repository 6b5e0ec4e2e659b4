"""The demo: 辽河湾花园 (``demo1``) and 海滨小区 (``demo2``) in 营口, with one log-in per role.

A newcomer (``anfang up``) and the browser tests need a community that looks real: every place the
regulation names (第8–15条), ~130 devices across the nine subsystems of 第7条, certified models and
acceptance records (R-24, R-29), a guard team (R-5) and recorders keeping 30/45 days (R-33.2).
demo1 is *almost* compliant on purpose, so later checks have something to find (see
:data:`DEMO_GAPS`):

- perimeter segment ``P6`` (北侧围墙西段) lies in no detector's coverage (R-8 第8条);
- the infrared beams' model ``ABT-100`` has only an expired registration certificate (R-24 第24条);
- unit entrance ``B12-U2-E`` has no camera (R-9a 第9条);
- road camera ``CAM-R2-E`` is faulty (R-33.4 第33条第(4)项).

demo2 is small and belongs to another property company and police station: it shows tenancy.
Everything here is plain functions over the ORM; ``seed_demo`` runs them under
``audit.actor(system="seed-demo")`` so every row lands in the change log.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import box, shape

from anfang.alarms.demo import seed_alarm_demo
from anfang.core.choices import RoleChoices
from anfang.core.models import Membership, User
from anfang.devices.choices import CertificateTypeChoices, DeviceStatusChoices, IssuerLevelChoices
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel, Manufacturer
from anfang.duty.models import Roster
from anfang.sites.models import (
    Community,
    Location,
    PerimeterSegment,
    PoliceStation,
    PropertyCompany,
    SecurityTeam,
)
from anfang.vehicles.demo import seed_vehicle_demo

DEMO1 = "demo1"
DEMO2 = "demo2"
DEMO_CODES = (DEMO1, DEMO2)
DEFAULT_PASSWORD = "anfang-demo-2026"
SYSTEM_ACTOR = "seed-demo"

# The deliberate gaps of demo1 (codes), for tests and for whoever writes the compliance checks.
DEMO_GAPS = {
    "uncovered_perimeter_segment": "P6",
    "expired_certificate_model": "ABT-100",
    "unit_entrance_without_camera": "B12-U2-E",
    "faulty_device": "CAM-R2-E",
}

Coords = tuple[float, float]


def demo_password() -> str:
    """``ANFANG_DEMO_PASSWORD`` if set, else the documented demo password."""
    return os.environ.get("ANFANG_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_exists() -> bool:
    return Community.objects.filter(code=DEMO1).exists()


# ---------------------------------------------------------------------------------------------------
# Geometry helpers (site-plan metres, x east, y north; headings in degrees, 0 = east, 90 = north)
# ---------------------------------------------------------------------------------------------------


def _pt(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def _line(*points: Coords) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def _rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _view(x: float, y: float, heading: float, reach: float, fov: float = 80.0) -> dict[str, Any]:
    """A camera's field of view: a sector from the lens, ``reach`` metres deep (a full circle at 360°)."""
    if fov >= 360:
        ring = [
            [round(x + reach * math.cos(math.radians(a)), 2), round(y + reach * math.sin(math.radians(a)), 2)]
            for a in range(0, 360, 30)
        ]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    steps = 4
    ring = [[x, y]]
    for i in range(steps + 1):
        a = math.radians(heading - fov / 2 + fov * i / steps)
        ring.append([round(x + reach * math.cos(a), 2), round(y + reach * math.sin(a), 2)])
    ring.append([x, y])
    return {"type": "Polygon", "coordinates": [ring]}


def _clip_to_plan(geometry: dict[str, Any] | None, community: Community) -> dict[str, Any] | None:
    """A camera sees past the plan's edge, but the plan only draws what lies on it."""
    if not geometry or geometry["type"] != "Polygon":
        return geometry
    plan = box(0, 0, float(community.plan_width_m), float(community.plan_height_m))
    clipped = shape(geometry).intersection(plan)
    if clipped.is_empty or clipped.geom_type != "Polygon":
        return geometry
    ring = [[round(x, 2), round(y, 2)] for x, y in clipped.exterior.coords]
    return {"type": "Polygon", "coordinates": [ring]}


# ---------------------------------------------------------------------------------------------------
# Catalogue: manufacturers, models, certificates (R-24 第24条)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Maker:
    code: str
    name: str
    country: str
    mac_prefix: str
    port: int | None


MAKERS = {
    "hikvision": _Maker("hikvision", "海康威视", "CN", "C0:56:E3", 8000),
    "dahua": _Maker("dahua", "大华股份", "CN", "3C:EF:8C", 37777),
    "aleph": _Maker("aleph", "艾礼富", "CN", "00:1E:8C", 4001),
    "landwell": _Maker("landwell", "兰德华", "CN", "00:0E:C6", None),
    "honeywell": _Maker("honeywell", "霍尼韦尔", "US", "00:40:84", 4025),
    "chean": _Maker("chean", "车安科技", "CN", "00:24:6A", None),
    "santak": _Maker("santak", "山特", "CN", "00:20:85", 161),
    "wangli": _Maker("wangli", "王力安防", "CN", "00:00:00", None),
}


@dataclass(frozen=True)
class _ModelSpec:
    maker: str
    number: str
    name: str
    subsystem: str
    kind: str
    resolution: tuple[int, int] | None = None
    # "reg" = 安全技术防范产品生产登记批准书 (police-managed products), "test" = statutory test report,
    # "ccc" = 3C certificate; "expired" = a registration certificate that has run out.
    cert: str = "reg"


MODELS: dict[str, _ModelSpec] = {
    # video (第9条)
    "bullet": _ModelSpec(
        "hikvision", "DS-2CD3T47WDV3-L", "400万星光级筒型网络摄像机", "video", "camera", (2560, 1440)
    ),
    "turret": _ModelSpec(
        "hikvision", "DS-2CD3346WDV3-I", "400万半球型网络摄像机", "video", "camera", (2688, 1520)
    ),
    "elevator": _ModelSpec(
        "hikvision", "DS-2CD2D25G1/M-D/NF", "200万电梯专用网络摄像机", "video", "camera", (1920, 1080)
    ),
    "road": _ModelSpec(
        "dahua", "DH-IPC-HFW4443M-I2", "400万红外筒型网络摄像机", "video", "camera", (2688, 1520)
    ),
    "ptz": _ModelSpec(
        "dahua", "DH-SD6C3432XB-HNR", "400万32倍星光球型摄像机", "video", "camera", (2560, 1440)
    ),
    "nvr": _ModelSpec("hikvision", "DS-96064NI-M16", "64路16盘位网络硬盘录像机", "video", "nvr"),
    # access and entrance control (第11条), ANPR (第9条)
    "anpr": _ModelSpec(
        "hikvision", "iDS-TCM403-GIR", "400万出入口车牌识别一体机", "access", "camera", (2560, 1440)
    ),
    "face": _ModelSpec("dahua", "DH-ASI7213X-T1", "人脸识别门禁一体机", "access", "face_terminal"),
    "turnstile": _ModelSpec("dahua", "DH-ASGB81X-J", "摆闸式人行通道闸", "access", "turnstile"),
    "access_ctrl": _ModelSpec("dahua", "DH-ASC1204C-D", "四门门禁控制器", "access", "access_controller"),
    # parking (第9、11条)
    "park_anpr": _ModelSpec(
        "dahua", "DH-ITC237-PW6M-IRLZF1050-B", "200万停车场车牌识别摄像机", "parking", "camera", (1920, 1080)
    ),
    "park_ctrl": _ModelSpec(
        "dahua", "DH-IPMECS-2201C", "停车场出入口控制终端", "parking", "parking_controller"
    ),
    "park_barrier": _ModelSpec("hikvision", "DS-TMG033", "直杆道闸", "parking", "barrier_arm"),
    # physical protection (第12条)
    "barrier": _ModelSpec("hikvision", "DS-TMG034", "栅栏道闸", "physical", "barrier_arm"),
    "retractable": _ModelSpec(
        "chean", "CA-SSM-12", "不锈钢电动伸缩门", "physical", "retractable_gate", cert="test"
    ),
    "metal_gate": _ModelSpec("chean", "CA-TJM-06", "钢质防护大门", "physical", "metal_gate", cert="test"),
    "unit_door": _ModelSpec(
        "wangli", "WL-FDM-JJ", "甲级防盗安全门（单元门）", "physical", "anti_theft_door", cert="test"
    ),
    # perimeter (第8条)
    "beam": _ModelSpec(
        "aleph", "ABT-100", "四光束主动红外对射探测器", "perimeter", "infrared_beam", cert="expired"
    ),
    "vibration": _ModelSpec("aleph", "AFS-2000", "振动光缆入侵探测器", "perimeter", "vibration_cable"),
    "efence": _ModelSpec("aleph", "AEF-6000", "脉冲电子围栏主机", "perimeter", "electronic_fence"),
    "per_ctrl": _ModelSpec("honeywell", "VISTA-120", "周界防区报警主机", "perimeter", "perimeter_controller"),
    # patrol (第10条)
    "checkpoint": _ModelSpec(
        "landwell", "L-TAG-08", "RFID 巡查点", "patrol", "patrol_checkpoint", cert="test"
    ),
    "reader": _ModelSpec("landwell", "L-9000P", "实时巡更终端", "patrol", "patrol_reader"),
    # intercom (第13条)
    "door_station": _ModelSpec(
        "hikvision", "DS-KD9633-WBE6", "可视对讲单元门口机", "intercom", "door_station"
    ),
    "intercom_srv": _ModelSpec("hikvision", "DS-KM8301", "楼寓对讲管理机", "intercom", "intercom_server"),
    # resident alarm
    "alarm_panel": _ModelSpec("honeywell", "VISTA-250", "住户报警主机", "resident_alarm", "alarm_panel"),
    "panic": _ModelSpec("aleph", "ABD-02", "紧急报警按钮", "resident_alarm", "emergency_button"),
    # monitoring centre (第15、16条)
    "wall": _ModelSpec(
        "hikvision", "DS-D2055NL-B/G", "55英寸液晶拼接屏", "monitoring", "video_wall", cert="ccc"
    ),
    "workstation": _ModelSpec(
        "hikvision", "DS-VE22S-B", "监控管理工作站", "monitoring", "workstation", cert="ccc"
    ),
    "receiver": _ModelSpec("honeywell", "MX8000", "报警接收中心", "monitoring", "alarm_receiver"),
    "ups": _ModelSpec("santak", "C10KS", "10kVA 在线式不间断电源", "monitoring", "ups", cert="ccc"),
}


def _certificate_fields(spec: _ModelSpec, index: int, today: dt.date) -> dict[str, Any]:
    issued = today - dt.timedelta(days=420 + 17 * index)
    if spec.cert == "test":
        return {
            "certificate_type": CertificateTypeChoices.TEST_REPORT,
            "number": f"GAJ-{issued.year}-{1100 + index:04d}",
            "issuer": "公安部安全与警用电子产品质量检测中心",
            "issuer_level": IssuerLevelChoices.NATIONAL,
            "issued_on": issued,
            "expires_on": issued + dt.timedelta(days=5 * 365),
        }
    if spec.cert == "ccc":
        return {
            "certificate_type": CertificateTypeChoices.CCC,
            "number": f"{issued.year}0109{index:08d}",
            "issuer": "中国质量认证中心",
            "issuer_level": IssuerLevelChoices.NATIONAL,
            "issued_on": issued,
            "expires_on": issued + dt.timedelta(days=5 * 365),
        }
    if spec.cert == "expired":
        # Ran out about four months ago: installed while valid, never renewed (R-24 gap).
        issued = today - dt.timedelta(days=4 * 365 + 120)
        expires = today - dt.timedelta(days=120)
    else:
        expires = issued + dt.timedelta(days=4 * 365)
    return {
        "certificate_type": CertificateTypeChoices.PRODUCTION_REGISTRATION,
        "number": f"辽GA{issued.year}{310 + index:04d}",
        "issuer": "辽宁省公安厅",
        "issuer_level": IssuerLevelChoices.PROVINCIAL,
        "issued_on": issued,
        "expires_on": expires,
    }


def build_catalogue(today: dt.date | None = None) -> dict[str, DeviceModel]:
    """Manufacturers, models and one certificate each; reuses rows that already exist."""
    today = today or timezone.localdate()
    makers = {
        key: Manufacturer.objects.get_or_create(code=m.code, defaults={"name": m.name, "country": m.country})[
            0
        ]
        for key, m in MAKERS.items()
    }
    models: dict[str, DeviceModel] = {}
    for index, (key, spec) in enumerate(MODELS.items(), start=1):
        model, created = DeviceModel.objects.get_or_create(
            manufacturer=makers[spec.maker],
            model_number=spec.number,
            defaults={"name": spec.name, "subsystem": spec.subsystem, "kind": spec.kind},
        )
        if created or not model.certificates.exists():
            cert = Certificate(device_model=model, **_certificate_fields(spec, index, today))
            cert.full_clean()
            cert.save()
        models[key] = model
    return models


# ---------------------------------------------------------------------------------------------------
# Building a community
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Site:
    """What the functions below share while building one community."""

    community: Community
    models: dict[str, DeviceModel]
    today: dt.date
    acceptance_ref: str
    accepted_by: str
    locations: dict[str, Location] = field(default_factory=dict)
    hosts: dict[int, int] = field(default_factory=dict)
    serial: int = 0


def _location(site: _Site, code: str, name: str, kind: str, **kw: Any) -> Location:
    parent = kw.pop("parent", None)
    loc = Location(
        community=site.community,
        code=code,
        name=name,
        kind=kind,
        parent=site.locations[parent] if parent else None,
        **kw,
    )
    loc.full_clean()
    loc.save()
    site.locations[code] = loc
    return loc


SUBNETS = {
    "video": 10,
    "access": 20,
    "parking": 21,
    "physical": 22,
    "intercom": 30,
    "perimeter": 40,
    "patrol": 45,
    "monitoring": 50,
    "resident_alarm": 60,
}
HEARTBEATS = {"camera": 60, "nvr": 60, "door_station": 120, "face_terminal": 60, "turnstile": 60}


def _device(
    site: _Site,
    code: str,
    name: str,
    model_key: str,
    *,
    at: Coords,
    location: str | None = None,
    purpose: str = "",
    coverage: dict[str, Any] | None = None,
    anpr: bool = False,
    online: bool = True,
    status: str = DeviceStatusChoices.IN_SERVICE,
    retention_days: int | None = None,
    notes: str = "",
) -> Device:
    """One device, installed, accepted (R-29 第29条) and then put in service (or left faulty)."""
    spec = MODELS[model_key]
    maker = MAKERS[spec.maker]
    site.serial += 1
    subnet = SUBNETS[spec.subsystem]
    host = site.hosts.get(subnet, 10) + 1
    site.hosts[subnet] = host
    installed_on = site.today - dt.timedelta(days=230)
    networked = online and spec.kind not in (
        "patrol_checkpoint",
        "retractable_gate",
        "metal_gate",
        "anti_theft_door",
    )
    base = 1 if site.community.code == DEMO1 else 2
    device = Device(
        community=site.community,
        code=code,
        name=name,
        subsystem=spec.subsystem,
        kind=spec.kind,
        device_model=site.models[model_key],
        location=site.locations[location] if location else None,
        purpose=purpose,
        status=DeviceStatusChoices.INSTALLED,
        position=_pt(*at),
        coverage=coverage,
        anpr=anpr,
        online=networked,
        network_address=f"192.168.{subnet + 100 * (base - 1)}.{host}" if networked else "",
        port=maker.port if networked else None,
        mac_address=f"{maker.mac_prefix}:{base:02X}:{site.serial // 256:02X}:{site.serial % 256:02X}"
        if networked
        else "",
        serial_number=f"{spec.number.replace('/', '-')}{installed_on:%Y%m%d}{base}{site.serial:07d}"[:80],
        resolution_width=spec.resolution[0] if spec.resolution else None,
        resolution_height=spec.resolution[1] if spec.resolution else None,
        heartbeat_interval_s=(HEARTBEATS.get(spec.kind, 30) if networked else None),
        retention_days=retention_days,
        installed_on=installed_on,
        notes=notes,
    )
    device.coverage = _clip_to_plan(coverage, site.community)
    device.full_clean()
    device.save()
    record = AcceptanceRecord(
        device=device,
        accepted_on=site.today - dt.timedelta(days=200),
        accepted_by=site.accepted_by,
        document_ref=site.acceptance_ref,
        passed=True,
    )
    record.full_clean()
    record.save()
    device.status = DeviceStatusChoices.IN_SERVICE  # only now: accepted first (R-29 第29条)
    device.last_seen_at = timezone.now() if networked else None
    device.save()
    if status != DeviceStatusChoices.IN_SERVICE:
        device.status = status
        device.save()
    return device


def _team(community: Community, **fields: Any) -> SecurityTeam:
    """The community's guard team (R-5 第5条) or community patrol team (R-6 第6条)."""
    team = SecurityTeam(community=community, **fields)
    team.full_clean()
    team.save()
    return team


def _perimeter(site: _Site, ring: Sequence[tuple[str, str, Coords, Coords, str, str]]) -> None:
    for sequence, (code, name, start, end, barrier, height) in enumerate(ring, start=1):
        seg = PerimeterSegment(
            community=site.community,
            code=code,
            name=name,
            sequence=sequence,
            geometry=_line(start, end),
            barrier_type=barrier,
            barrier_height_m=Decimal(height),
        )
        seg.full_clean()
        seg.save()


def _midpoint(a: Coords, b: Coords) -> Coords:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


# demo1 perimeter corners: a 300 × 190 m ring inside the 320 × 220 m plan.
_A, _B, _C, _D, _E, _F, _G = (10, 20), (160, 20), (310, 20), (310, 120), (310, 210), (160, 210), (10, 210)
DEMO1_PERIMETER = [
    ("P1", "南侧围墙西段", _A, _B, "wall", "2.20"),
    ("P2", "南侧围墙东段", _B, _C, "wall", "2.20"),
    ("P3", "东侧栅栏南段", _C, _D, "fence", "1.80"),
    ("P4", "东侧栅栏北段", _D, _E, "fence", "1.80"),
    ("P5", "北侧围墙东段", _E, _F, "wall", "2.20"),
    ("P6", "北侧围墙西段", _F, _G, "wall", "2.20"),
    ("P7", "西侧栅栏", _G, _A, "fence", "1.80"),
]
# Buildings: code → (south-west corner, floors); 40 × 15 m each, two units side by side.
DEMO1_BUILDINGS: dict[str, tuple[Coords, int]] = {
    "B01": ((30, 40), 18),
    "B02": ((95, 40), 18),
    "B03": ((190, 40), 18),
    "B04": ((255, 40), 18),
    "B05": ((30, 75), 18),
    "B06": ((95, 75), 18),
    "B07": ((30, 125), 11),
    "B08": ((95, 125), 11),
    "B09": ((190, 125), 11),
    "B10": ((255, 125), 11),
    "B11": ((190, 170), 11),
    "B12": ((255, 170), 11),
}


def _build_demo1(
    station: PoliceStation, company: PropertyCompany, models: dict[str, DeviceModel]
) -> Community:
    community = Community(
        code=DEMO1,
        name="辽河湾花园",
        address="营口市站前区渤海大街东88号",
        district="站前区",
        police_station=station,
        management_type="property",
        property_company=company,
        security_grade="enhanced",
        plan_width_m=Decimal("320"),
        plan_height_m=Decimal("220"),
        notes="演示小区：12栋住宅楼、24个单元、地下车库，南门为主出入口，东门为次出入口。",
    )
    community.full_clean()
    community.save()
    # R-5 (第5条): the property company's guard team, written into the service contract.
    _team(
        community,
        kind="guard_team",
        name="物业保安队",
        members=14,
        leader="刘建国",
        phone="0417-2856610",
        contract_ref="LHW-WY-2024-003",
        notes="四班三运转，南门、东门24小时值守，夜间巡逻（第5、16条）。",
    )
    site = _Site(
        community=community,
        models=models,
        today=timezone.localdate(),
        acceptance_ref="LHW-AF-YS-001",
        accepted_by="辽河湾花园安防工程竣工验收组",
    )
    loc = _location

    # Monitoring centre and duty room at the main entrance, linked (R-15 第15条).
    loc(site, "MC", "监控中心", "monitoring_centre", geometry=_rect(180, 22, 192, 30), area_m2=Decimal("96"))
    loc(
        site,
        "DUTY",
        "南门安防值班室",
        "duty_room",
        geometry=_rect(171, 22, 177, 26),
        area_m2=Decimal("24"),
        linked_to=site.locations["MC"],
        notes="与监控中心联网，24小时值守（第15、16条）。",
    )

    # Entrances (第9、12条): south main gate, east secondary gate, lanes and road stretches.
    loc(site, "ENT-S", "南门（主出入口）", "entrance", entrance_role="main", geometry=_pt(160, 20))
    lanes_s = [
        ("ENT-S-VI", "南门车行入口", "vehicle", "in", 152),
        ("ENT-S-VO", "南门车行出口", "vehicle", "out", 156),
        ("ENT-S-PI", "南门人行入口", "pedestrian", "in", 165),
        ("ENT-S-PO", "南门人行出口", "pedestrian", "out", 168),
    ]
    for code, name, lane_type, direction, x in lanes_s:
        ends = ((x, 8), (x, 32)) if direction == "in" else ((x, 32), (x, 8))
        loc(
            site,
            code,
            name,
            "lane",
            parent="ENT-S",
            lane_type=lane_type,
            direction=direction,
            geometry=_line(*ends),
        )
    loc(
        site,
        "RS-S",
        "南门外延道路（渤海大街）",
        "road_stretch",
        parent="ENT-S",
        geometry=_line((110, 8), (210, 8)),
    )

    loc(site, "ENT-E", "东门（次出入口）", "entrance", entrance_role="secondary", geometry=_pt(310, 150))
    loc(
        site,
        "ENT-E-VI",
        "东门车行入口",
        "lane",
        parent="ENT-E",
        lane_type="vehicle",
        direction="in",
        geometry=_line((318, 146), (298, 146)),
    )
    loc(
        site,
        "ENT-E-VO",
        "东门车行出口",
        "lane",
        parent="ENT-E",
        lane_type="vehicle",
        direction="out",
        geometry=_line((298, 150), (318, 150)),
    )
    loc(
        site,
        "ENT-E-P",
        "东门人行通道",
        "lane",
        parent="ENT-E",
        lane_type="pedestrian",
        direction="both",
        geometry=_line((318, 156), (298, 156)),
    )
    loc(
        site,
        "RS-E",
        "东门外延道路（学府路）",
        "road_stretch",
        parent="ENT-E",
        geometry=_line((316, 110), (316, 190)),
    )

    # Underground car park with its entrance ramp (第9、11条).
    loc(site, "PK", "地下车库", "parking_lot", geometry=_rect(185, 62, 300, 102), area_m2=Decimal("4600"))
    loc(site, "PK-E", "地下车库出入口", "parking_entrance", parent="PK", geometry=_pt(180, 82))
    loc(
        site,
        "PK-E-I",
        "车库入口车道",
        "lane",
        parent="PK-E",
        lane_type="vehicle",
        direction="in",
        geometry=_line((168, 78), (186, 78)),
    )
    loc(
        site,
        "PK-E-O",
        "车库出口车道",
        "lane",
        parent="PK-E",
        lane_type="vehicle",
        direction="out",
        geometry=_line((186, 86), (168, 86)),
    )

    # Main internal roads and the central square (第9条).
    loc(site, "R1", "中央大道（南北主干道）", "road", is_main=True, geometry=_line((160, 20), (160, 205)))
    loc(site, "R2", "景观大道（东西主干道）", "road", is_main=True, geometry=_line((15, 115), (305, 115)))
    loc(site, "R3", "东门支路", "road", is_main=False, geometry=_line((160, 150), (310, 150)))
    loc(
        site,
        "SQ",
        "中心广场",
        "square",
        is_main=True,
        geometry=_rect(138, 98, 182, 132),
        area_m2=Decimal("1496"),
    )

    # Buildings, units, unit entrances, elevator cars (第9、13、14条).
    for b_code, ((x0, y0), floors) in DEMO1_BUILDINGS.items():
        number = int(b_code[1:])
        loc(
            site,
            b_code,
            f"{number}号楼",
            "building",
            floors=floors,
            geometry=_rect(x0, y0, x0 + 40, y0 + 15),
            household_doors_standard=True,
            lock_grade="B",
        )
        for u in (1, 2):
            ux = x0 + 20 * (u - 1)
            u_code = f"{b_code}-U{u}"
            loc(
                site,
                u_code,
                f"{number}号楼{u}单元",
                "unit",
                parent=b_code,
                floors=floors,
                geometry=_rect(ux, y0, ux + 20, y0 + 15),
            )
            loc(
                site,
                f"{u_code}-E",
                f"{number}号楼{u}单元门",
                "unit_entrance",
                parent=u_code,
                geometry=_pt(ux + 10, y0),
            )
            loc(
                site,
                f"{u_code}-L",
                f"{number}号楼{u}单元电梯",
                "elevator",
                parent=u_code,
                geometry=_pt(ux + 10, y0 + 8),
            )

    _perimeter(site, DEMO1_PERIMETER)
    _demo1_devices(site)
    return community


def _demo1_devices(site: _Site) -> None:
    d = _device
    # ---- video (第9条) ----
    d(
        site,
        "CAM-S-ENT",
        "南门出入口全景摄像机",
        "bullet",
        at=(160, 30),
        location="ENT-S",
        purpose="南门人员、车辆出入监控",
        coverage=_view(160, 30, 270, 30, 100),
    )
    d(
        site,
        "CAM-S-ROAD",
        "南门外延道路摄像机",
        "road",
        at=(150, 21),
        location="RS-S",
        purpose="渤海大街出入口外延道路监控",
        coverage=_view(150, 21, 270, 45, 110),
    )
    d(
        site,
        "CAM-E-ENT",
        "东门出入口全景摄像机",
        "bullet",
        at=(300, 152),
        location="ENT-E",
        purpose="东门人员、车辆出入监控",
        coverage=_view(300, 152, 0, 25, 90),
    )
    d(
        site,
        "CAM-E-ROAD",
        "东门外延道路摄像机",
        "road",
        at=(309, 160),
        location="RS-E",
        purpose="学府路出入口外延道路监控",
        coverage=_view(309, 160, 0, 40, 120),
    )
    d(
        site,
        "CAM-PK-1",
        "地下车库车道摄像机",
        "bullet",
        at=(240, 82),
        location="PK",
        purpose="车库内部监控",
        coverage=_view(240, 82, 180, 40, 90),
    )
    d(
        site,
        "CAM-R1",
        "中央大道摄像机",
        "road",
        at=(160, 60),
        location="R1",
        purpose="主干道监控",
        coverage=_view(160, 60, 90, 60, 36),
    )
    d(
        site,
        "CAM-R2-W",
        "景观大道西段摄像机",
        "road",
        at=(40, 115),
        location="R2",
        purpose="主干道监控",
        coverage=_view(40, 115, 0, 70, 36),
    )
    d(
        site,
        "CAM-R2-E",
        "景观大道东段摄像机",
        "road",
        at=(280, 115),
        location="R2",
        purpose="主干道监控",
        coverage=_view(280, 115, 180, 70, 36),
        status=DeviceStatusChoices.FAULTY,
        notes="视频信号丢失，已报修（第33条第(4)项）。",
    )
    d(
        site,
        "CAM-SQ",
        "中心广场球机",
        "ptz",
        at=(160, 115),
        location="SQ",
        purpose="广场全景巡视",
        coverage=_view(160, 115, 0, 30, 360),
    )
    d(
        site,
        "CAM-MC",
        "监控中心室内摄像机",
        "turret",
        at=(191, 29),
        location="MC",
        purpose="监控中心值守记录",
        coverage=_view(191, 29, 225, 12, 90),
    )
    for b_code, ((x0, y0), _floors) in DEMO1_BUILDINGS.items():
        number = int(b_code[1:])
        for u in (1, 2):
            ux = x0 + 20 * (u - 1) + 10
            u_code = f"{b_code}-U{u}"
            if f"{u_code}-E" != DEMO_GAPS["unit_entrance_without_camera"]:
                d(
                    site,
                    f"CAM-{u_code}",
                    f"{number}号楼{u}单元门摄像机",
                    "turret",
                    at=(ux + 1, y0 + 0.5),
                    location=f"{u_code}-E",
                    purpose="单元出入口监控",
                    coverage=_view(ux + 1, y0 + 0.5, 270, 10, 90),
                )
            d(
                site,
                f"CAM-{u_code}-L",
                f"{number}号楼{u}单元电梯摄像机",
                "elevator",
                at=(ux, y0 + 8),
                location=f"{u_code}-L",
                purpose="电梯轿厢监控",
                coverage=_view(ux, y0 + 8, 315, 2.5, 100),
            )
    # R-33.2 (第33条第(2)项): both recorders keep at least 30 days; the second keeps 45.
    for n, days in ((1, 30), (2, 45)):
        d(
            site,
            f"NVR-{n}",
            f"网络硬盘录像机{n}号",
            "nvr",
            at=(182 + 2 * n, 24),
            location="MC",
            purpose="视频存储，保存不少于30日（第33条第(2)项）",
            retention_days=days,
        )

    # ---- entrance control with ANPR (第9、11条) and physical protection (第12条) ----
    for lane, x, y, heading, label in (
        ("ENT-S-VI", 152, 34, 270, "南门车行入口"),
        ("ENT-S-VO", 156, 6, 90, "南门车行出口"),
        ("ENT-E-VI", 296, 146, 0, "东门车行入口"),
        ("ENT-E-VO", 320, 150, 180, "东门车行出口"),
    ):
        d(
            site,
            f"ANPR-{lane[4:]}",
            f"{label}车牌识别摄像机",
            "anpr",
            at=(x, y),
            location=lane,
            anpr=True,
            purpose="车辆号牌识别，联网公安监控平台（第9条）",
            coverage=_view(x, y, heading, 12, 40),
        )
        d(
            site,
            f"BAR-{lane[4:]}",
            f"{label}道闸",
            "barrier",
            at=(x, 20 if lane.startswith("ENT-S") else y),
            location=lane,
            purpose="车辆出入控制（第12条）",
        )
    d(site, "GATE-S", "南门电动伸缩门", "retractable", at=(160, 20), location="ENT-S", purpose="主出入口封闭")
    d(
        site,
        "GATE-E",
        "东门钢质防护大门",
        "metal_gate",
        at=(310, 150),
        location="ENT-E",
        purpose="次出入口封闭",
    )
    d(site, "FACE-S", "南门人脸识别门禁", "face", at=(165, 22), location="ENT-S-PI", purpose="人员出入控制")
    d(site, "TS-S", "南门人行闸机", "turnstile", at=(166, 21), location="ENT-S-PI", purpose="人员出入控制")
    d(site, "FACE-E", "东门人脸识别门禁", "face", at=(308, 156), location="ENT-E-P", purpose="人员出入控制")
    d(
        site,
        "ACC-CTRL",
        "出入口门禁控制器",
        "access_ctrl",
        at=(172, 23),
        location="DUTY",
        purpose="门禁联动控制",
    )

    # ---- parking (第9、11条) ----
    d(
        site,
        "ANPR-PK-I",
        "车库入口车牌识别摄像机",
        "park_anpr",
        at=(166, 78),
        location="PK-E-I",
        anpr=True,
        purpose="车库出入车辆号牌识别",
        coverage=_view(166, 78, 0, 12, 40),
    )
    d(
        site,
        "ANPR-PK-O",
        "车库出口车牌识别摄像机",
        "park_anpr",
        at=(188, 86),
        location="PK-E-O",
        anpr=True,
        purpose="车库出入车辆号牌识别",
        coverage=_view(188, 86, 180, 12, 40),
    )
    d(
        site,
        "BAR-PK-I",
        "车库入口道闸",
        "park_barrier",
        at=(178, 78),
        location="PK-E-I",
        purpose="车库出入控制",
    )
    d(
        site,
        "BAR-PK-O",
        "车库出口道闸",
        "park_barrier",
        at=(178, 86),
        location="PK-E-O",
        purpose="车库出入控制",
    )
    d(site, "PK-CTRL", "停车场控制终端", "park_ctrl", at=(181, 82), location="PK-E", purpose="车库出入口控制")

    # ---- perimeter (第8条): every segment but P6 is covered ----
    detectors = {
        "P1": "beam",
        "P2": "beam",
        "P3": "vibration",
        "P4": "vibration",
        "P5": "efence",
        "P7": "efence",
    }
    for code, name, start, end, _barrier, _height in DEMO1_PERIMETER:
        if code not in detectors:
            continue
        model = detectors[code]
        label = {"beam": "红外对射", "vibration": "振动光缆", "efence": "脉冲电子围栏"}[model]
        d(
            site,
            f"PD-{code}",
            f"{name}{label}",
            model,
            at=_midpoint(start, end),
            purpose=f"周界防区 {code}",
            coverage=_line(start, end),
        )
    d(site, "PER-CTRL", "周界报警主机", "per_ctrl", at=(186, 28), location="MC", purpose="周界防区报警接入")

    # ---- patrol (第10条) ----
    checkpoints = [
        ("PT-01", "南门巡查点", (166, 30), "ENT-S"),
        ("PT-02", "东门巡查点", (300, 158), "ENT-E"),
        ("PT-03", "地下车库巡查点", (250, 95), "PK"),
        ("PT-04", "中心广场巡查点", (150, 105), "SQ"),
        ("PT-05", "4号楼巡查点", (275, 39), "B04"),
        ("PT-06", "7号楼巡查点", (50, 124), "B07"),
        ("PT-07", "北墙巡查点", (85, 205), None),
        ("PT-08", "西侧栅栏巡查点", (15, 160), None),
    ]
    for code, name, at, location in checkpoints:
        d(site, code, name, "checkpoint", at=at, location=location, purpose="电子巡查", online=False)
    d(site, "PT-READER-1", "巡更终端1号", "reader", at=(174, 24), location="DUTY", purpose="保安巡查")
    d(site, "PT-READER-2", "巡更终端2号", "reader", at=(175, 24), location="DUTY", purpose="保安巡查")

    # ---- intercom (第13条): a networked door station at every unit entrance ----
    for b_code, ((x0, y0), _floors) in DEMO1_BUILDINGS.items():
        number = int(b_code[1:])
        for u in (1, 2):
            u_code = f"{b_code}-U{u}"
            d(
                site,
                f"DS-{u_code}",
                f"{number}号楼{u}单元门口机",
                "door_station",
                at=(x0 + 20 * (u - 1) + 9, y0),
                location=f"{u_code}-E",
                purpose="楼寓可视对讲",
            )
            # 第13条: a national-standard anti-theft door at every unit entrance.
            d(
                site,
                f"DOOR-{u_code}",
                f"{number}号楼{u}单元防盗安全门",
                "unit_door",
                at=(x0 + 20 * (u - 1) + 11, y0),
                location=f"{u_code}-E",
                purpose="单元出入口实体防护",
            )
    d(site, "IC-SRV", "楼寓对讲管理机", "intercom_srv", at=(173, 25), location="DUTY", purpose="对讲联网管理")

    # ---- resident alarm ----
    d(site, "ALM-PANEL", "住户报警主机", "alarm_panel", at=(188, 28), location="MC", purpose="住户报警接入")
    for b_code in ("B01", "B02", "B07", "B08"):
        (x0, y0), _ = DEMO1_BUILDINGS[b_code]
        d(
            site,
            f"PANIC-{b_code}",
            f"{int(b_code[1:])}号楼一楼紧急报警按钮",
            "panic",
            at=(x0 + 5, y0 + 5),
            location=b_code,
            purpose="住户紧急求助",
        )

    # ---- monitoring centre (第15、16条) ----
    d(site, "MC-WALL", "监控中心拼接大屏", "wall", at=(186, 30), location="MC", purpose="视频显示")
    d(site, "MC-WS-1", "监控工作站1号", "workstation", at=(184, 26), location="MC", purpose="值班监看")
    d(site, "MC-WS-2", "监控工作站2号", "workstation", at=(188, 26), location="MC", purpose="值班监看")
    d(site, "MC-RECV", "报警接收中心", "receiver", at=(190, 24), location="MC", purpose="报警信号接收处置")
    d(
        site,
        "MC-UPS",
        "监控中心不间断电源",
        "ups",
        at=(191, 23),
        location="MC",
        purpose="设备24小时不间断运行",
    )


DEMO2_BUILDINGS: tuple[Coords, ...] = ((20, 30), (20, 70), (100, 50))


def _build_demo2(
    station: PoliceStation, company: PropertyCompany, models: dict[str, DeviceModel]
) -> Community:
    community = Community(
        code=DEMO2,
        name="海滨小区",
        address="营口市鲅鱼圈区海星路16号",
        district="鲅鱼圈区",
        police_station=station,
        management_type="property",
        property_company=company,
        security_grade="basic",
        plan_width_m=Decimal("160"),
        plan_height_m=Decimal("120"),
        notes="演示小区（第二租户）：3栋住宅楼。",
    )
    community.full_clean()
    community.save()
    _team(
        community,
        kind="guard_team",
        name="物业保安队",
        members=6,
        leader="周海",
        phone="0417-6218810",
        contract_ref="HB-WY-2023-011",
    )
    site = _Site(
        community=community,
        models=models,
        today=timezone.localdate(),
        acceptance_ref="HB-AF-YS-001",
        accepted_by="海滨小区安防工程竣工验收组",
    )
    loc = _location
    loc(site, "MC", "监控中心", "monitoring_centre", geometry=_rect(92, 13, 100, 19), area_m2=Decimal("48"))
    loc(
        site,
        "DUTY",
        "安防值班室",
        "duty_room",
        geometry=_rect(92, 19, 97, 23),
        area_m2=Decimal("20"),
        linked_to=site.locations["MC"],
    )
    loc(site, "ENT-S", "南门（主出入口）", "entrance", entrance_role="main", geometry=_pt(80, 10))
    loc(
        site,
        "ENT-S-V",
        "南门车行通道",
        "lane",
        parent="ENT-S",
        lane_type="vehicle",
        direction="both",
        geometry=_line((76, 2), (76, 18)),
    )
    loc(
        site,
        "ENT-S-P",
        "南门人行通道",
        "lane",
        parent="ENT-S",
        lane_type="pedestrian",
        direction="both",
        geometry=_line((83, 2), (83, 18)),
    )
    loc(
        site,
        "RS-S",
        "南门外延道路（海星路）",
        "road_stretch",
        parent="ENT-S",
        geometry=_line((50, 3), (110, 3)),
    )
    loc(site, "R1", "小区主路", "road", is_main=True, geometry=_line((80, 10), (80, 110)))
    for number, (x0, y0) in enumerate(DEMO2_BUILDINGS, start=1):
        b_code = f"B{number:02d}"
        loc(site, b_code, f"{number}号楼", "building", floors=6, geometry=_rect(x0, y0, x0 + 40, y0 + 12))
        loc(site, f"{b_code}-U1", f"{number}号楼1单元", "unit", parent=b_code, floors=6)
        loc(
            site,
            f"{b_code}-U1-E",
            f"{number}号楼1单元门",
            "unit_entrance",
            parent=f"{b_code}-U1",
            geometry=_pt(x0 + 20, y0),
        )
        loc(
            site,
            f"{b_code}-U1-L",
            f"{number}号楼1单元电梯",
            "elevator",
            parent=f"{b_code}-U1",
            geometry=_pt(x0 + 20, y0 + 6),
        )
    ring: list[Coords] = [(5, 10), (155, 10), (155, 115), (5, 115)]
    _perimeter(
        site,
        [
            ("P1", "南侧围墙", ring[0], ring[1], "wall", "2.00"),
            ("P2", "东侧栅栏", ring[1], ring[2], "fence", "1.80"),
            ("P3", "北侧围墙", ring[2], ring[3], "wall", "2.00"),
            ("P4", "西侧栅栏", ring[3], ring[0], "fence", "1.80"),
        ],
    )
    d = _device
    d(
        site,
        "HB-CAM-S-ENT",
        "南门全景摄像机",
        "bullet",
        at=(80, 18),
        location="ENT-S",
        coverage=_view(80, 18, 270, 20, 100),
        purpose="出入口监控",
    )
    d(
        site,
        "HB-CAM-S-ROAD",
        "南门外延道路摄像机",
        "road",
        at=(72, 11),
        location="RS-S",
        coverage=_view(72, 11, 270, 30, 110),
        purpose="外延道路监控",
    )
    d(
        site,
        "HB-ANPR-S",
        "南门车牌识别摄像机",
        "anpr",
        at=(76, 20),
        location="ENT-S-V",
        anpr=True,
        coverage=_view(76, 20, 270, 12, 40),
        purpose="车辆号牌识别",
    )
    d(site, "HB-BAR-S", "南门道闸", "barrier", at=(76, 10), location="ENT-S-V", purpose="车辆出入控制")
    for number, (x0, y0) in enumerate(DEMO2_BUILDINGS, start=1):
        b = f"B{number:02d}-U1"
        at = (x0 + 20, y0)  # the unit entrance
        d(
            site,
            f"HB-CAM-{b}",
            f"{number}号楼单元门摄像机",
            "turret",
            at=(at[0] + 1, at[1]),
            location=f"{b}-E",
            coverage=_view(at[0] + 1, at[1], 270, 10, 90),
            purpose="单元出入口监控",
        )
        d(
            site,
            f"HB-CAM-{b}-L",
            f"{number}号楼电梯摄像机",
            "elevator",
            at=(at[0], at[1] + 6),
            location=f"{b}-L",
            coverage=_view(at[0], at[1] + 6, 315, 2.5, 100),
            purpose="电梯轿厢监控",
        )
        d(
            site,
            f"HB-DS-{b}",
            f"{number}号楼门口机",
            "door_station",
            at=(at[0] - 1, at[1]),
            location=f"{b}-E",
            purpose="楼寓可视对讲",
        )
        d(
            site,
            f"HB-DOOR-{b}",
            f"{number}号楼单元防盗安全门",
            "unit_door",
            at=(at[0] + 1, at[1]),
            location=f"{b}-E",
            purpose="单元出入口实体防护",
        )
    d(
        site,
        "HB-NVR-1",
        "网络硬盘录像机",
        "nvr",
        at=(98, 16),
        location="MC",
        purpose="视频存储",
        retention_days=30,
    )
    d(site, "HB-PD-P1", "南侧围墙脉冲电子围栏", "efence", at=(40, 10), coverage=_line(ring[0], ring[1]))
    d(site, "HB-MC-WS", "监控工作站", "workstation", at=(95, 16), location="MC", purpose="值班监看")
    return community


# ---------------------------------------------------------------------------------------------------
# Users and the whole demo
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """One demo log-in as printed for the newcomer."""

    username: str
    display_name: str
    role: str
    community: str


# username, display name, role (None: by other means), community code
DEMO_USERS: list[tuple[str, str, str | None, str | None]] = [
    ("admin", "平台管理员", RoleChoices.ADMIN, None),
    ("manager", "张经理", RoleChoices.MANAGER, DEMO1),
    ("operator", "李值班", RoleChoices.OPERATOR, DEMO1),
    ("guard", "王保安", RoleChoices.GUARD, DEMO1),
    ("technician", "赵工", RoleChoices.TECHNICIAN, DEMO1),
    ("construction", "陈监理", RoleChoices.CONSTRUCTION, DEMO1),
    ("police", "刘警官", RoleChoices.POLICE, DEMO1),
    ("manager2", "孙经理", RoleChoices.MANAGER, DEMO2),
]


def demo_logins() -> list[DemoLogin]:
    names = dict(Community.objects.filter(code__in=DEMO_CODES).values_list("code", "name"))
    logins = []
    for username, display, role, code in DEMO_USERS:
        if role == RoleChoices.ADMIN:
            where = _("全部小区")
        elif role == RoleChoices.POLICE:
            where = _("%(name)s 所属派出所辖区") % {"name": names.get(code or "", code)}
        else:
            where = f"{names.get(code or '', code)} ({code})"
        logins.append(DemoLogin(username, display, str(RoleChoices(role).label if role else ""), where))
    return logins


def format_logins(logins: list[DemoLogin], password: str | None) -> str:
    """The log-ins table printed by ``seed-demo`` and ``up``."""
    header = (_("用户名"), _("角色"), _("范围"))
    rows = [(x.username, x.role, x.community) for x in logins]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if password:
        lines.append(_("密码（全部演示用户）：%(password)s") % {"password": password})
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _ensure_users(password: str, *, force: bool) -> None:
    hashed = make_password(password)  # hashed once: eight PBKDF2 runs would cost seconds
    stations = dict(Community.objects.filter(code__in=DEMO_CODES).values_list("code", "police_station_id"))
    communities = {c.code: c for c in Community.objects.filter(code__in=DEMO_CODES)}
    for username, display, role, code in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
        if created or force:
            user.password = hashed
            user.is_active = True
        user.display_name = user.display_name or display
        if role == RoleChoices.ADMIN:
            user.is_superuser = user.is_staff = user.is_platform_admin = True
        elif role == RoleChoices.POLICE:
            user.police_station_id = stations[code or DEMO1]
        user.save()
        if role not in (RoleChoices.ADMIN, RoleChoices.POLICE) and code:
            Membership.objects.get_or_create(user=user, community=communities[code], role=role)


# R-16 (第16条): demo1's duty room and monitoring centre are manned round the clock, three shifts a day.
# username, display name, role; with ``operator`` and ``guard`` they fill the night, day, evening shifts.
DEMO_DUTY_STAFF = [
    ("duty-zhou", "周值班", RoleChoices.OPERATOR),
    ("duty-wu", "吴值班", RoleChoices.OPERATOR),
    ("guard-zheng", "郑保安", RoleChoices.GUARD),
    ("guard-feng", "冯保安", RoleChoices.GUARD),
]


def _seed_duty(community: Community) -> None:
    """Duty staff without log-ins and a full 24-h roster 14 days ahead (``duty.services.seed_duty``)."""
    from anfang.duty.services import seed_duty

    for username, display, role in DEMO_DUTY_STAFF:
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, community=community, role=role)
    staff = {u.username: u for u in User.objects.filter(memberships__community=community)}
    seed_duty(
        community,
        {
            "MC": ([staff["duty-zhou"]], [staff["operator"]], [staff["duty-wu"]]),
            "DUTY": ([staff["guard-feng"]], [staff["guard"]], [staff["guard-zheng"]]),
        },
    )


def remove_demo() -> None:
    """Delete demo1 and demo2 (devices first: they protect their locations and models)."""
    communities = Community.objects.filter(code__in=DEMO_CODES)
    for community in communities:
        for device in Device.objects.filter(community=community):
            device.delete()
        Roster.objects.filter(community=community).delete()  # they protect the duty rooms
        community.delete()


@dataclass
class DemoResult:
    created: bool
    communities: list[Community]
    logins: list[DemoLogin]
    password: str | None


def build_demo(*, force: bool = False, password: str | None = None) -> DemoResult:
    """Build demo1 and demo2 with their users; skip when demo1 exists unless ``force`` (rebuild)."""
    if demo_exists() and not force:
        return DemoResult(
            created=False,
            communities=list(Community.objects.filter(code__in=DEMO_CODES)),
            logins=demo_logins(),
            password=None,
        )
    password = password or demo_password()
    with transaction.atomic():
        if force:
            remove_demo()
        models = build_catalogue()
        station1, _c = PoliceStation.objects.get_or_create(
            code="yk-zq-jianshe",
            defaults={
                "name": "营口市公安局站前分局建设派出所",
                "district": "站前区",
                "address": "营口市站前区建设街12号",
                "phone": "0417-2830110",
            },
        )
        station2, _c = PoliceStation.objects.get_or_create(
            code="yk-byq-haixing",
            defaults={
                "name": "营口市公安局鲅鱼圈分局海星派出所",
                "district": "鲅鱼圈区",
                "address": "营口市鲅鱼圈区海星路2号",
                "phone": "0417-6250110",
            },
        )
        company1, _c = PropertyCompany.objects.get_or_create(
            code="lhw-wy",
            defaults={"name": "营口辽河湾物业服务有限公司", "contact": "张经理", "phone": "0417-2856600"},
        )
        company2, _c = PropertyCompany.objects.get_or_create(
            code="hb-wy",
            defaults={"name": "营口海滨物业管理有限公司", "contact": "孙经理", "phone": "0417-6218800"},
        )
        demo1 = _build_demo1(station1, company1, models)
        demo2 = _build_demo2(station2, company2, models)
        _ensure_users(password, force=force)
        _seed_duty(demo1)
        seed_alarm_demo(demo1)
        seed_vehicle_demo(demo1)
    return DemoResult(created=True, communities=[demo1, demo2], logins=demo_logins(), password=password)


class DemoHeartbeats:
    """A periodic job (scheduler worker) standing in for the demo's devices, which do not exist: it
    marks the demo communities' networked, in-service devices as heard from, so the demo shows
    R-33.1 (第33条第(1)项) as a community with live devices would. Real communities are untouched."""

    every = 30.0

    def tick(self, now: dt.datetime | None = None) -> int:
        from anfang.devices.models import Device

        return Device.objects.filter(
            community__code__in=(DEMO1, DEMO2),
            status=DeviceStatusChoices.IN_SERVICE,
            online=True,
            heartbeat_interval_s__isnull=False,
        ).update(last_seen_at=now or timezone.now())
