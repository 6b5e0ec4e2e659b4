"""Request and response bodies of the devices API: catalogue (第24条) and devices (第7、29、33条).

Manufacturers, communities and locations are named by ``code``; device models and certificates,
which have no code, by ``id``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema

from anfang.core.api_tools import Body, Code, JsonObject, PosInt, Text, page_schema, partial_schema

# ---------------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------------


class ManufacturerIn(Body):
    code: Code
    name: Text
    country: Text = "CN"


class ManufacturerOut(Schema):
    code: str
    name: str
    country: str
    created_at: dt.datetime
    updated_at: dt.datetime


class DeviceModelIn(Body):
    manufacturer: Code = Field(..., description="manufacturer code")
    model_number: Text
    name: Text = ""
    subsystem: Text = Field(..., description="one of the nine subsystems of 第7条")
    kind: Text
    description: Text = ""


class CertificateOut(Schema):
    id: int
    device_model: int
    certificate_type: str
    number: str
    issuer: str
    issuer_level: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    valid_today: bool = Field(..., description="satisfies 第24条 today")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_device_model(obj: Any) -> int:
        return int(obj.device_model_id)

    @staticmethod
    def resolve_valid_today(obj: Any) -> bool:
        from django.utils import timezone

        return bool(obj.is_valid_on(timezone.localdate()))


class DeviceModelOut(Schema):
    id: int
    manufacturer: str
    model_number: str
    name: str
    subsystem: str
    kind: str
    description: str
    certified: bool = Field(..., description="has a certificate valid today (第24条)")
    certificates: list[CertificateOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_manufacturer(obj: Any) -> str:
        return str(obj.manufacturer.code)

    @staticmethod
    def resolve_certified(obj: Any) -> bool:
        return obj.valid_certificate() is not None

    @staticmethod
    def resolve_certificates(obj: Any) -> list[Any]:
        return list(obj.certificates.all())


class CertificateIn(Body):
    device_model: PosInt = Field(..., description="device model id")
    certificate_type: Text = Field(..., description="production_registration | ccc | test_report")
    number: Text
    issuer: Text
    issuer_level: Text = Field("provincial", description="national | provincial | municipal | other")
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None


# ---------------------------------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------------------------------


class AuthorisationIn(Body):
    """R-33.3 (第33条第(3)项): the authority for changing a device's location, purpose or position."""

    reference: Text = Field(..., description="批准文号")
    authorised_by: Text = Field(..., description="批准人/单位")
    reason: Text = Field(..., description="变更原因")


class DeviceIn(Body):
    code: Code = Field(..., description="unique on the whole platform")
    community: Code = Field(..., description="community code")
    name: Text
    subsystem: Text
    kind: Text
    device_model: PosInt | None = Field(None, description="device model id")
    location: Code | None = Field(None, description="location code in the same community")
    purpose: Text = ""
    status: Text = Field("planned", description="planned | installed | in_service | faulty | retired")
    position: JsonObject | None = Field(None, description='{"type": "Point", "coordinates": [x, y]} (m)')
    coverage: JsonObject | None = Field(None, description="field of view (Polygon) or covered line")
    network_address: Text = ""
    port: PosInt | None = None
    mac_address: Text = ""
    serial_number: Text = ""
    resolution_width: PosInt | None = None
    resolution_height: PosInt | None = None
    anpr: bool = False
    online: bool = True
    heartbeat_interval_s: PosInt | None = None
    retention_days: PosInt | None = Field(
        None, description="days of video the recorder (kind nvr) keeps (第33条第(2)项: ≥ 30)"
    )
    installed_on: dt.date | None = None
    notes: Text = ""


class DeviceOut(Schema):
    code: str
    community: str
    name: str
    subsystem: str
    kind: str
    device_model: int | None
    location: str | None
    purpose: str
    status: str
    position: dict[str, Any] | None
    coverage: dict[str, Any] | None
    network_address: str
    port: int | None
    mac_address: str
    serial_number: str
    resolution_width: int | None
    resolution_height: int | None
    anpr: bool
    online: bool
    heartbeat_interval_s: int | None
    retention_days: int | None
    last_seen_at: dt.datetime | None
    installed_on: dt.date | None
    notes: str
    is_accepted: bool = Field(..., description="has a passed acceptance record (第29条)")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.community.code)

    @staticmethod
    def resolve_device_model(obj: Any) -> int | None:
        return obj.device_model_id

    @staticmethod
    def resolve_location(obj: Any) -> str | None:
        return obj.location.code if obj.location_id else None

    @staticmethod
    def resolve_is_accepted(obj: Any) -> bool:
        accepted = getattr(obj, "accepted", None)
        return bool(obj.is_accepted if accepted is None else accepted)


class StatusIn(Body):
    status: Text = Field(..., description="planned | installed | in_service | faulty | retired")


class AcceptanceIn(Body):
    """R-29 (第29条): an acceptance; ``put_in_service`` also moves a passed device into service."""

    accepted_on: dt.date
    accepted_by: Text
    passed: bool = True
    document_ref: Text = ""
    notes: Text = ""
    put_in_service: bool = False


class AcceptanceOut(Schema):
    id: int
    device: str
    accepted_on: dt.date
    passed: bool
    accepted_by: str
    document_ref: str
    notes: str
    device_status: str

    @staticmethod
    def resolve_device(obj: Any) -> str:
        return str(obj.device.code)

    @staticmethod
    def resolve_device_status(obj: Any) -> str:
        return str(obj.device.status)


if TYPE_CHECKING:
    ManufacturerPatch = ManufacturerIn
    DeviceModelPatch = DeviceModelIn
    CertificatePatch = CertificateIn

    class DevicePatch(DeviceIn):
        authorisation: AuthorisationIn | None

    ManufacturerPage = DeviceModelPage = CertificatePage = DevicePage = Schema
else:
    ManufacturerPatch = partial_schema(ManufacturerIn, "ManufacturerPatch", exclude=("code",))
    DeviceModelPatch = partial_schema(DeviceModelIn, "DeviceModelPatch")
    CertificatePatch = partial_schema(CertificateIn, "CertificatePatch")

    class DevicePatch(partial_schema(DeviceIn, "_DevicePatch", exclude=("code", "community"))):
        """Changing ``location``, ``purpose`` or ``position`` needs ``authorisation`` (R-33.3)."""

        authorisation: AuthorisationIn | None = Field(
            None, description="required when location, purpose or position change (第33条第(3)项)"
        )

    ManufacturerPage = page_schema(ManufacturerOut, "ManufacturerPage")
    DeviceModelPage = page_schema(DeviceModelOut, "DeviceModelPage")
    CertificatePage = page_schema(CertificateOut, "CertificatePage")
    DevicePage = page_schema(DeviceOut, "DevicePage")
