"""Request and response bodies of the sites API. Related records are named by their ``code``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema

from anfang.core.api_tools import Body, Code, JsonObject, Number, PosInt, Text, page_schema, partial_schema

# ---------------------------------------------------------------------------------------------------
# Police stations and property companies (reference data, platform admin writes)
# ---------------------------------------------------------------------------------------------------


class PoliceStationIn(Body):
    code: Code
    name: Text
    district: Text = ""
    address: Text = ""
    phone: Text = ""


class PoliceStationOut(Schema):
    code: str
    name: str
    district: str
    address: str
    phone: str
    created_at: dt.datetime
    updated_at: dt.datetime


class PropertyCompanyIn(Body):
    code: Code
    name: Text
    contact: Text = ""
    phone: Text = ""


class PropertyCompanyOut(Schema):
    code: str
    name: str
    contact: str
    phone: str
    created_at: dt.datetime
    updated_at: dt.datetime


# ---------------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------------


class CommunityIn(Body):
    code: Code
    name: Text
    address: Text = ""
    district: Text = ""
    police_station: Code | None = Field(None, description="police station code")
    management_type: Text = Field("property", description="property | unmanaged (第5、6条)")
    property_company: Code | None = Field(None, description="property company code (第5条)")
    security_grade: Text = Field("basic", description="basic | enhanced | advanced (第17条)")
    plan_width_m: Number = Decimal("300")
    plan_height_m: Number = Decimal("200")
    # Plain ints: a value below the floor is the model's 400 naming the field, like any rule.
    video_retention_days: int = Field(30, description="days video is kept, ≥ 30 (第33条第(2)项)")
    vehicle_retention_days: int = Field(
        90, description="days vehicle data and photos are kept, ≥ 90 (第33条第(2)项)"
    )
    notes: Text = ""


class CommunityOut(Schema):
    code: str
    name: str
    address: str
    district: str
    police_station: str | None
    management_type: str
    property_company: str | None
    security_grade: str
    plan_width_m: float
    plan_height_m: float
    video_retention_days: int
    vehicle_retention_days: int
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_police_station(obj: Any) -> str | None:
        return obj.police_station.code if obj.police_station_id else None

    @staticmethod
    def resolve_property_company(obj: Any) -> str | None:
        return obj.property_company.code if obj.property_company_id else None


# ---------------------------------------------------------------------------------------------------
# Locations and perimeter segments
# ---------------------------------------------------------------------------------------------------


class LocationIn(Body):
    code: Code
    name: Text
    kind: Text = Field(..., description="entrance, lane, building, unit, … (第8–15条)")
    parent: Code | None = Field(None, description="code of the parent location")
    geometry: JsonObject | None = Field(None, description='GeoJSON in metres, e.g. {"type": "Point", …}')
    entrance_role: Text = ""
    lane_type: Text = ""
    direction: Text = ""
    is_main: bool = False
    floors: PosInt | None = None
    area_m2: Number | None = None
    linked_to: Code | None = Field(None, description="code of the linked duty room / monitoring centre")
    household_doors_standard: bool | None = None
    lock_grade: Text = ""
    notes: Text = ""


class LocationOut(Schema):
    code: str
    community: str
    name: str
    kind: str
    parent: str | None
    geometry: dict[str, Any] | None
    entrance_role: str
    lane_type: str
    direction: str
    is_main: bool
    floors: int | None
    area_m2: float | None
    linked_to: str | None
    household_doors_standard: bool | None
    lock_grade: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.community.code)

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_linked_to(obj: Any) -> str | None:
        return obj.linked_to.code if obj.linked_to_id else None


class PerimeterSegmentIn(Body):
    code: Code
    name: Text = ""
    sequence: PosInt = 0
    geometry: JsonObject = Field(..., description='{"type": "LineString", "coordinates": [[x, y], …]} (m)')
    barrier_type: Text = Field("wall", description="wall | fence | none (第8条)")
    barrier_height_m: Number | None = None
    notes: Text = ""


class PerimeterSegmentOut(Schema):
    code: str
    community: str
    name: str
    sequence: int
    geometry: dict[str, Any]
    barrier_type: str
    barrier_height_m: float | None
    length_m: float
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.community.code)


# ---------------------------------------------------------------------------------------------------
# Security teams (R-5 第5条, R-6 第6条)
# ---------------------------------------------------------------------------------------------------


class SecurityTeamIn(Body):
    kind: Text = Field(..., description="guard_team (第5条) | community_patrol (第6条)")
    name: Text
    members: int = Field(0, description="number of members (≥ 0)")
    leader: Text = ""
    phone: Text = ""
    contract_ref: Text = Field("", description="property service contract that provides the team (第5条)")
    police_liaison: Text = Field("", description="police contact of a community patrol team (第6条)")
    notes: Text = ""


class SecurityTeamOut(Schema):
    id: int
    community: str
    kind: str
    name: str
    members: int
    leader: str
    phone: str
    contract_ref: str
    police_liaison: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return str(obj.community.code)


# PATCH bodies: the same fields, all optional; codes are identities and not changed by PATCH.
if TYPE_CHECKING:
    PoliceStationPatch = PoliceStationIn
    PropertyCompanyPatch = PropertyCompanyIn
    CommunityPatch = CommunityIn
    LocationPatch = LocationIn
    PerimeterSegmentPatch = PerimeterSegmentIn
    SecurityTeamPatch = SecurityTeamIn
    PoliceStationPage = PropertyCompanyPage = CommunityPage = LocationPage = PerimeterSegmentPage = Schema
    SecurityTeamPage = Schema
else:
    PoliceStationPatch = partial_schema(PoliceStationIn, "PoliceStationPatch", exclude=("code",))
    PropertyCompanyPatch = partial_schema(PropertyCompanyIn, "PropertyCompanyPatch", exclude=("code",))
    CommunityPatch = partial_schema(CommunityIn, "CommunityPatch", exclude=("code",))
    LocationPatch = partial_schema(LocationIn, "LocationPatch", exclude=("code",))
    PerimeterSegmentPatch = partial_schema(PerimeterSegmentIn, "PerimeterSegmentPatch", exclude=("code",))
    PoliceStationPage = page_schema(PoliceStationOut, "PoliceStationPage")
    PropertyCompanyPage = page_schema(PropertyCompanyOut, "PropertyCompanyPage")
    CommunityPage = page_schema(CommunityOut, "CommunityPage")
    LocationPage = page_schema(LocationOut, "LocationPage")
    PerimeterSegmentPage = page_schema(PerimeterSegmentOut, "PerimeterSegmentPage")
    SecurityTeamPatch = partial_schema(SecurityTeamIn, "SecurityTeamPatch")
    SecurityTeamPage = page_schema(SecurityTeamOut, "SecurityTeamPage")
