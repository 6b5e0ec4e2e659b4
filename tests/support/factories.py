"""Small builders for registry records, used by every test module (plain functions, real ORM)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from anfang.core.choices import RoleChoices
from anfang.core.models import Membership, User
from anfang.devices.choices import CertificateTypeChoices, DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel, Manufacturer
from anfang.sites.models import Community, Location, PerimeterSegment, PoliceStation, PropertyCompany

_seq = itertools.count(1)
PASSWORD = "test-Passw0rd!"


def police_station(**kw: Any) -> PoliceStation:
    n = next(_seq)
    kw.setdefault("code", f"ps{n}")
    kw.setdefault("name", f"派出所{n}")
    return PoliceStation.objects.create(**kw)


def property_company(**kw: Any) -> PropertyCompany:
    n = next(_seq)
    kw.setdefault("code", f"pc{n}")
    kw.setdefault("name", f"物业公司{n}")
    return PropertyCompany.objects.create(**kw)


def community(**kw: Any) -> Community:
    n = next(_seq)
    kw.setdefault("code", f"c{n}")
    kw.setdefault("name", f"小区{n}")
    if "police_station" not in kw:
        kw["police_station"] = police_station()
    if "property_company" not in kw and kw.get("management_type", "property") == "property":
        kw["property_company"] = property_company()
    return Community.objects.create(**kw)


def user(
    username: str | None = None, *, community: Community | None = None, role: str | None = None, **kw: Any
) -> User:
    username = username or f"user{next(_seq)}"
    u = User.objects.create_user(username=username, password=PASSWORD, **kw)
    if community is not None and role is not None:
        Membership.objects.create(user=u, community=community, role=role)
    return u


def manager(community: Community, username: str | None = None) -> User:
    return user(username, community=community, role=RoleChoices.MANAGER)


def location(community: Community, **kw: Any) -> Location:
    n = next(_seq)
    kw.setdefault("code", f"L{n}")
    kw.setdefault("name", f"位置{n}")
    kw.setdefault("kind", "building")
    if kw["kind"] == "entrance":
        kw.setdefault("entrance_role", "main")
    if kw["kind"] == "lane":
        kw.setdefault("lane_type", "vehicle")
    loc = Location(community=community, **kw)
    loc.full_clean()
    loc.save()
    return loc


def segment(community: Community, coords: list[list[float]], **kw: Any) -> PerimeterSegment:
    n = next(_seq)
    kw.setdefault("code", f"S{n}")
    seg = PerimeterSegment(community=community, geometry={"type": "LineString", "coordinates": coords}, **kw)
    seg.full_clean()
    seg.save()
    return seg


def device_model(*, certified: bool = True, expires_on: dt.date | None = None, **kw: Any) -> DeviceModel:
    n = next(_seq)
    maker = kw.pop("manufacturer", None) or Manufacturer.objects.create(code=f"m{n}", name=f"厂家{n}")
    kw.setdefault("model_number", f"DS-{n}")
    kw.setdefault("subsystem", "video")
    kw.setdefault("kind", "camera")
    model = DeviceModel.objects.create(manufacturer=maker, **kw)
    if certified:
        Certificate.objects.create(
            device_model=model,
            certificate_type=CertificateTypeChoices.PRODUCTION_REGISTRATION,
            number=f"辽GA{n:06d}",
            issuer="辽宁省公安厅",
            issuer_level="provincial",
            issued_on=timezone.localdate() - dt.timedelta(days=365),
            expires_on=expires_on or timezone.localdate() + dt.timedelta(days=365),
        )
    return model


def device(community: Community, **kw: Any) -> Device:
    n = next(_seq)
    kw.setdefault("code", f"dev{n}")
    kw.setdefault("name", f"设备{n}")
    kw.setdefault("subsystem", "video")
    kw.setdefault("kind", "camera")
    d = Device(community=community, **kw)
    d.full_clean()
    d.save()
    return d


def in_service_device(community: Community, **kw: Any) -> Device:
    """A certified, accepted device in service (bypassing the service on purpose: a fixture)."""
    kw.setdefault("device_model", device_model())
    d = device(community, **kw)
    AcceptanceRecord.objects.create(device=d, accepted_on=timezone.localdate(), accepted_by="验收组")
    d.status = DeviceStatusChoices.IN_SERVICE
    d.save()
    return d
