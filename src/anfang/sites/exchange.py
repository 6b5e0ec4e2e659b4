"""Export and import a whole community as one JSON document (`docs/community.schema.json`).

The document is the community's registry in a form people can read, edit and keep under version
control: every reference is a human code (location codes, device codes, manufacturer code plus model
number), never a database id, and the export is deterministic (no timestamps of its own), so an
export → import → export round trip gives the same document.

Import checks first and writes after: the JSON Schema (Draft 2020-12) first, then the content
(references, duplicates, parent kinds, geometry, R-24/R-29 for devices in service), reporting every
problem with its JSON path; nothing is written unless the whole file is valid, and all writes happen
in one transaction. The schema itself is built here from the model fields and choices
(:func:`community_schema`), so it cannot drift from the models; `docs/community.schema.json` is its
published copy (`anfang community schema --output docs/community.schema.json`).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema import ValidationError as SchemaError

from anfang.core import audit
from anfang.core.models import ChangeLoggedModel
from anfang.devices.choices import KIND_SUBSYSTEMS, DeviceStatusChoices
from anfang.devices.models import (
    AcceptanceRecord,
    Certificate,
    ChangeAuthorisation,
    Device,
    DeviceModel,
    Manufacturer,
)
from anfang.devices.services import Authorisation, controlled_changes
from anfang.sites.choices import (
    LOCATION_PARENT_REQUIRED,
    LOCATION_PARENTS,
    LocationKindChoices,
    ManagementTypeChoices,
)
from anfang.sites.geometry import validate_geometry, validate_line, validate_point
from anfang.sites.models import (
    Community,
    Location,
    PerimeterSegment,
    PoliceStation,
    PropertyCompany,
    SecurityTeam,
)

SCHEMA_NAME = "anfang/community"
SCHEMA_VERSION = 1
TOP_LEVEL_ORDER = [
    "schema",
    "version",
    "community",
    "security_teams",
    "manufacturers",
    "device_models",
    "locations",
    "perimeter",
    "devices",
]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # same as sites.models.code_validator


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file, at a JSON path such as ``$.devices[3].location``."""

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or an invalid file, would have done / why not)."""

    community_code: str = ""
    problems: list[Problem] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


# Record types an import counts, with their (translated) names for summaries.
RECORD_LABELS: dict[str, Any] = {
    "police_station": PoliceStation._meta.verbose_name,
    "property_company": PropertyCompany._meta.verbose_name,
    "community": Community._meta.verbose_name,
    "security_team": SecurityTeam._meta.verbose_name,
    "manufacturer": Manufacturer._meta.verbose_name,
    "device_model": DeviceModel._meta.verbose_name,
    "certificate": Certificate._meta.verbose_name,
    "location": Location._meta.verbose_name,
    "perimeter_segment": PerimeterSegment._meta.verbose_name,
    "device": Device._meta.verbose_name,
    "acceptance_record": AcceptanceRecord._meta.verbose_name,
    "change_authorisation": ChangeAuthorisation._meta.verbose_name,
}


class _Rollback(Exception):
    """Raised inside the import transaction to undo everything (invalid file or dry run)."""


# ---------------------------------------------------------------------------------------------------
# Field maps: one table per record drives export, import and the schema
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class F:
    """A model attribute and where it sits in the JSON object (nested groups as path parts)."""

    path: tuple[str, ...]
    attr: str
    kind: str = "str"  # str | code | int | bool | decimal | date | datetime | geometry
    geometry_types: tuple[str, ...] = ("Point", "LineString", "Polygon")
    description: str = ""


def _f(path: str, attr: str | None = None, kind: str = "str", **kw: Any) -> F:
    parts = tuple(path.split("."))
    return F(parts, attr or parts[-1], kind, **kw)


STATION_FIELDS = [
    _f("code", kind="code"),
    _f("name"),
    _f("district"),
    _f("address"),
    _f("phone"),
]
COMPANY_FIELDS = [_f("code", kind="code"), _f("name"), _f("contact"), _f("phone")]
COMMUNITY_FIELDS = [
    _f("code", kind="code"),
    _f("name"),
    _f("address"),
    _f("district"),
    _f("management_type"),
    _f("security_grade"),
    _f("plan.width_m", "plan_width_m", "decimal", description="site plan width in metres"),
    _f("plan.height_m", "plan_height_m", "decimal", description="site plan height in metres"),
    _f("video_retention_days", kind="int", description="days video is kept, at least 30 (第33条第(2)项)"),
    _f(
        "vehicle_retention_days",
        kind="int",
        description="days vehicle data and photos are kept, at least 90 (第33条第(2)项)",
    ),
    _f("notes"),
]
# R-5/R-6 (第5、6条). Teams have no code: within a community a team is its kind and name.
TEAM_FIELDS = [
    _f("kind", description="guard_team (第5条) or community_patrol (第6条)"),
    _f("name"),
    _f("members", kind="int"),
    _f("leader"),
    _f("phone"),
    _f("contract_ref", description="property service contract that provides the guard team (第5条)"),
    _f("police_liaison", description="police contact of a community patrol team (第6条)"),
    _f("notes"),
]
MANUFACTURER_FIELDS = [_f("code", kind="code"), _f("name"), _f("country")]
DEVICE_MODEL_FIELDS = [_f("model_number"), _f("name"), _f("subsystem"), _f("kind"), _f("description")]
CERTIFICATE_FIELDS = [
    _f("type", "certificate_type"),
    _f("number"),
    _f("issuer"),
    _f("issuer_level"),
    _f("issued_on", kind="date"),
    _f("expires_on", kind="date"),
]
LOCATION_FIELDS = [
    _f("code", kind="code"),
    _f("name"),
    _f("kind"),
    _f("geometry", kind="geometry", description="GeoJSON Point/LineString/Polygon in site-plan metres"),
    _f("entrance_role"),
    _f("lane_type"),
    _f("direction"),
    _f("is_main", kind="bool"),
    _f("floors", kind="int"),
    _f("area_m2", kind="decimal"),
    _f("household_doors_standard", kind="bool"),
    _f("lock_grade"),
    _f("notes"),
]
SEGMENT_FIELDS = [
    _f("code", kind="code"),
    _f("name"),
    _f("sequence", kind="int"),
    _f("geometry", kind="geometry", geometry_types=("LineString",)),
    _f("barrier_type"),
    _f("barrier_height_m", kind="decimal"),
    _f("notes"),
]
DEVICE_FIELDS = [
    _f("code", kind="code", description="globally unique device code"),
    _f("name"),
    _f("subsystem"),
    _f("kind"),
    _f("purpose"),
    _f("status"),
    _f("position", kind="geometry", geometry_types=("Point",)),
    _f("coverage", kind="geometry"),
    _f("network.address", "network_address"),
    _f("network.port", "port", "int"),
    _f("network.mac_address", "mac_address"),
    _f("network.online", "online", "bool"),
    _f("capabilities.resolution_width", "resolution_width", "int"),
    _f("capabilities.resolution_height", "resolution_height", "int"),
    _f("capabilities.anpr", "anpr", "bool"),
    _f("heartbeat.interval_s", "heartbeat_interval_s", "int"),
    _f("heartbeat.last_seen_at", "last_seen_at", "datetime"),
    _f("retention_days", kind="int", description="days of video a recorder (nvr) keeps (第33条第(2)项)"),
    _f("serial_number"),
    _f("installed_on", kind="date"),
    _f("notes"),
]
ACCEPTANCE_FIELDS = [
    _f("accepted_on", kind="date"),
    _f("passed", kind="bool"),
    _f("accepted_by"),
    _f("document_ref"),
    _f("notes"),
]


def _to_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "decimal":
        return float(value)
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat()
    if kind == "geometry":
        return value or None
    return value


def _from_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "decimal":
        return decimal.Decimal(str(value))
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return _parse_datetime(value)
    return value


def _parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _parse_datetime(value: str) -> dt.datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:  # well-formed but impossible, e.g. month 13
        return None


def _dump(obj: models.Model, fields: list[F]) -> dict[str, Any]:
    """Export ``obj``'s mapped fields into a (nested) JSON object."""
    out: dict[str, Any] = {}
    for f in fields:
        target = out
        for part in f.path[:-1]:
            target = target.setdefault(part, {})
        target[f.path[-1]] = _to_json(getattr(obj, f.attr), f.kind)
    return out


_MISSING = object()


def _get(item: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = item
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _present(item: dict[str, Any], fields: list[F]) -> Iterator[tuple[F, Any]]:
    """The mapped fields given in ``item``: absent keys keep the stored value (or the default)."""
    for f in fields:
        value = _get(item, f.path)
        if value is not _MISSING:
            yield f, _from_json(value, f.kind)


def _load(obj: models.Model, item: dict[str, Any], fields: list[F], *, skip: Iterable[str] = ()) -> None:
    skipped = set(skip)
    for f, value in _present(item, fields):
        if f.attr not in skipped:
            setattr(obj, f.attr, value)


def _field_path(base: str, fields: list[F], attr: str) -> str:
    for f in fields:
        if f.attr == attr:
            return base + "".join(f".{p}" for p in f.path)
    return base if attr == "__all__" else f"{base}.{attr}"


# ---------------------------------------------------------------------------------------------------
# JSON Schema, built from the models so it never drifts
# ---------------------------------------------------------------------------------------------------


def _prop_schema(model: type[models.Model], f: F) -> dict[str, Any]:
    mf = model._meta.get_field(f.attr)
    assert isinstance(mf, models.Field)
    schema: dict[str, Any]
    if f.kind == "geometry":
        schema = {
            "type": ["object", "null"] if mf.null else "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"enum": list(f.geometry_types)}, "coordinates": {"type": "array"}},
            "additionalProperties": False,
        }
    elif f.kind == "bool":
        schema = {"type": "boolean"}
    elif f.kind == "int":
        schema = {"type": "integer", "minimum": 0}
    elif f.kind == "decimal":
        schema = {"type": "number"}
    elif f.kind == "date":
        schema = {"type": "string", "format": "date"}
    elif f.kind == "datetime":
        schema = {"type": "string", "description": "ISO 8601 date and time with offset"}
    else:
        schema = {"type": "string"}
        if f.kind == "code":
            schema["pattern"] = CODE_PATTERN
        if mf.choices:
            values = [str(value) for value, _label in mf.flatchoices]
            if mf.blank and "" not in values:
                values.insert(0, "")
            schema["enum"] = values
        elif mf.max_length:
            schema["maxLength"] = mf.max_length
        if not mf.blank and not mf.choices:
            schema["minLength"] = 1
    for validator in mf.validators:
        if isinstance(validator, MinValueValidator) and schema.get("type") in ("number", "integer"):
            limit = decimal.Decimal(str(validator.limit_value))
            schema["minimum"] = int(limit) if limit == int(limit) else float(limit)
    if mf.null and isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    if f.description:
        schema["description"] = f.description
    return schema


def _object_schema(
    model: type[models.Model],
    fields: list[F],
    *,
    required: Iterable[str],
    extra: dict[str, Any] | None = None,
    description: str = "",
    nullable: bool = False,
) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for f in fields:
        target = props
        for part in f.path[:-1]:
            group = target.setdefault(
                part, {"type": "object", "properties": {}, "additionalProperties": False}
            )
            target = group["properties"]
        target[f.path[-1]] = _prop_schema(model, f)
    props.update(extra or {})
    schema: dict[str, Any] = {"type": ["object", "null"] if nullable else "object"}
    if description:
        schema["description"] = description
    schema.update({"required": list(required), "properties": props, "additionalProperties": False})
    return schema


def community_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of a community document, version :data:`SCHEMA_VERSION`."""
    code = {"type": "string", "pattern": CODE_PATTERN}
    model_ref = {
        "type": ["object", "null"],
        "description": "a device model by manufacturer code and model number",
        "required": ["manufacturer", "model_number"],
        "properties": {"manufacturer": code, "model_number": {"type": "string", "minLength": 1}},
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:anfang:community:1",
        "title": "anfang community",
        "description": (
            "One residential community (住宅小区) with its security teams, locations, perimeter, devices "
            "and the device catalogue entries they use; references are codes. Written by "
            "`anfang community export`, read by `anfang community import`."
        ),
        "type": "object",
        "required": ["schema", "version", "community"],
        "properties": {
            "schema": {"const": SCHEMA_NAME},
            "version": {"const": SCHEMA_VERSION},
            "community": {"$ref": "#/$defs/community"},
            "security_teams": {"type": "array", "items": {"$ref": "#/$defs/security_team"}},
            "manufacturers": {"type": "array", "items": {"$ref": "#/$defs/manufacturer"}},
            "device_models": {"type": "array", "items": {"$ref": "#/$defs/device_model"}},
            "locations": {"type": "array", "items": {"$ref": "#/$defs/location"}},
            "perimeter": {"type": "array", "items": {"$ref": "#/$defs/perimeter_segment"}},
            "devices": {"type": "array", "items": {"$ref": "#/$defs/device"}},
        },
        "additionalProperties": False,
        "$defs": {
            "police_station": _object_schema(
                PoliceStation,
                STATION_FIELDS,
                required=["code", "name"],
                description="派出所; created on import when no station has this code",
                nullable=True,
            ),
            "property_company": _object_schema(
                PropertyCompany,
                COMPANY_FIELDS,
                required=["code", "name"],
                description="物业公司; created on import when no company has this code",
                nullable=True,
            ),
            "community": _object_schema(
                Community,
                COMMUNITY_FIELDS,
                required=["code", "name"],
                extra={
                    "police_station": {"$ref": "#/$defs/police_station"},
                    "property_company": {"$ref": "#/$defs/property_company"},
                },
            ),
            "security_team": _object_schema(
                SecurityTeam,
                TEAM_FIELDS,
                required=["kind", "name"],
                description="保安队伍 or 社区巡防队 (第5、6条); matched on import by kind and name",
            ),
            "manufacturer": _object_schema(Manufacturer, MANUFACTURER_FIELDS, required=["code", "name"]),
            "certificate": _object_schema(
                Certificate, CERTIFICATE_FIELDS, required=["type", "number", "issuer"]
            ),
            "device_model": _object_schema(
                DeviceModel,
                DEVICE_MODEL_FIELDS,
                required=["manufacturer", "model_number", "subsystem", "kind"],
                extra={
                    "manufacturer": {**code, "description": "manufacturer code"},
                    "certificates": {"type": "array", "items": {"$ref": "#/$defs/certificate"}},
                },
            ),
            "location": _object_schema(
                Location,
                LOCATION_FIELDS,
                required=["code", "name", "kind"],
                extra={
                    "parent": {"type": ["string", "null"], "description": "code of the parent location"},
                    "linked_to": {
                        "type": ["string", "null"],
                        "description": "code of the networked/merged location (第15条)",
                    },
                },
            ),
            "perimeter_segment": _object_schema(
                PerimeterSegment, SEGMENT_FIELDS, required=["code", "geometry"]
            ),
            "acceptance_record": _object_schema(
                AcceptanceRecord, ACCEPTANCE_FIELDS, required=["accepted_on", "accepted_by"]
            ),
            "device": _object_schema(
                Device,
                DEVICE_FIELDS,
                required=["code", "name", "subsystem", "kind"],
                extra={
                    "model": model_ref,
                    "location": {"type": ["string", "null"], "description": "code of a location"},
                    "acceptance": {"type": "array", "items": {"$ref": "#/$defs/acceptance_record"}},
                },
            ),
        },
    }


# ---------------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------------


def export_community(community: Community) -> dict[str, Any]:
    """The whole community as a document of :func:`community_schema`; logged as an export (R-33.5)."""
    # Sorted in Python, not by the database, so the order does not depend on its collation.
    devices = sorted(
        Device.objects.filter(community=community)
        .select_related("location", "device_model__manufacturer")
        .prefetch_related("acceptance_records"),
        key=lambda d: d.code,
    )
    models_used = sorted(
        {d.device_model for d in devices if d.device_model is not None},
        key=lambda m: (m.manufacturer.code, m.model_number),
    )
    makers = sorted({m.manufacturer for m in models_used}, key=lambda m: m.code)
    locations = list(Location.objects.filter(community=community).select_related("parent", "linked_to"))
    locations.sort(key=lambda loc: loc.code)
    segments = sorted(
        PerimeterSegment.objects.filter(community=community), key=lambda s: (s.sequence, s.code)
    )
    teams = sorted(SecurityTeam.objects.filter(community=community), key=lambda t: (t.kind, t.name, t.pk))

    data = _dump(community, COMMUNITY_FIELDS)
    station, company = community.police_station, community.property_company
    data["police_station"] = _dump(station, STATION_FIELDS) if station else None
    data["property_company"] = _dump(company, COMPANY_FIELDS) if company else None

    doc: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "version": SCHEMA_VERSION,
        "community": data,
        "security_teams": [_dump(t, TEAM_FIELDS) for t in teams],
        "manufacturers": [_dump(m, MANUFACTURER_FIELDS) for m in makers],
        "device_models": [_export_model(m) for m in models_used],
        "locations": [
            {
                **_dump(loc, LOCATION_FIELDS),
                "parent": loc.parent.code if loc.parent else None,
                "linked_to": loc.linked_to.code if loc.linked_to else None,
            }
            for loc in locations
        ],
        "perimeter": [_dump(s, SEGMENT_FIELDS) for s in segments],
        "devices": [_export_device(d) for d in devices],
    }
    audit.record_access(
        "export",
        "community",
        community_id=community.pk,
        query={"community": community.code},
        result_count=len(locations) + len(doc["perimeter"]) + len(devices),
    )
    return doc


def _export_model(model: DeviceModel) -> dict[str, Any]:
    certs = sorted(model.certificates.all(), key=lambda c: (c.certificate_type, c.number))
    return {
        "manufacturer": model.manufacturer.code,
        **_dump(model, DEVICE_MODEL_FIELDS),
        "certificates": [_dump(c, CERTIFICATE_FIELDS) for c in certs],
    }


def _export_device(device: Device) -> dict[str, Any]:
    data = _dump(device, DEVICE_FIELDS)
    model = device.device_model
    records = sorted(
        device.acceptance_records.all(), key=lambda r: (r.accepted_on, r.accepted_by, r.document_ref, r.pk)
    )
    # Keep references next to the code so a person reading the file sees them first.
    return {
        "code": data.pop("code"),
        "name": data.pop("name"),
        "subsystem": data.pop("subsystem"),
        "kind": data.pop("kind"),
        "model": {"manufacturer": model.manufacturer.code, "model_number": model.model_number}
        if model
        else None,
        "location": device.location.code if device.location else None,
        **data,
        "acceptance": [_dump(r, ACCEPTANCE_FIELDS) for r in records],
    }


# ---------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------

_TYPE_NAMES = {
    "string": gettext_lazy("文本"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数字"),
    "boolean": gettext_lazy("布尔值 true/false"),
    "object": gettext_lazy("对象 {…}"),
    "array": gettext_lazy("数组 […]"),
    "null": "null",
}


def _schema_problems(error: SchemaError) -> list[Problem]:
    """Turn one jsonschema error into readable problems with the path of the offending value."""
    path = error.json_path
    validator, instance = str(error.validator), error.instance
    value: Any = error.validator_value
    schema: Any = error.schema
    if validator == "required" and isinstance(instance, dict):
        return [
            Problem(f"{path}.{name}", _("缺少必填字段。"), "required")
            for name in value
            if name not in instance
        ]
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties", {}))
        return [
            Problem(f"{path}.{name}", _("未知字段（拼写错误？）。"), "unknown_field")
            for name in instance
            if name not in known
        ]
    if validator == "type":
        expected = value if isinstance(value, list) else [value]
        message = _("类型错误：应为%(expected)s。") % {
            "expected": _("或").join(str(_TYPE_NAMES.get(str(t), str(t))) for t in expected)
        }
    elif validator == "enum":
        message = _("取值“%(value)s”无效，可选：%(choices)s。") % {
            "value": instance,
            "choices": _("、").join(str(v) or '""' for v in value),
        }
    elif validator == "const":
        message = _("应为 %(expected)s。") % {"expected": value}
    elif validator == "pattern":
        message = _("编号只能包含字母、数字、下划线、点和连字符，且以字母或数字开头。")
    elif validator == "minLength":
        message = _("不能为空。")
    elif validator == "maxLength":
        message = _("不能超过 %(limit)s 个字符。") % {"limit": value}
    elif validator == "minimum":
        message = _("不能小于 %(limit)s。") % {"limit": value}
    elif validator == "format" and value == "date":
        message = _("日期格式应为 YYYY-MM-DD。")
    else:
        message = error.message
    return [Problem(path, message, f"schema_{validator}")]


def _validator() -> Draft202012Validator:
    return Draft202012Validator(community_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate_document(doc: Any, *, replace: bool = False) -> list[Problem]:
    """Every problem in ``doc``: the schema first; when the form is right, the content.

    ``replace`` says an existing community of that code may be updated (``--update``).
    """
    if not isinstance(doc, dict):
        return [Problem("$", _("文件内容须为 JSON 对象 {…}。"), "not_object")]
    if doc.get("schema") != SCHEMA_NAME or doc.get("version") != SCHEMA_VERSION:
        return [
            Problem(
                "$.version" if doc.get("schema") == SCHEMA_NAME else "$.schema",
                _(
                    "不是可导入的小区文件：须为 schema “%(name)s”、version %(version)s"
                    "（文件为 “%(got_name)s”、%(got)s）。"
                )
                % {
                    "name": SCHEMA_NAME,
                    "version": SCHEMA_VERSION,
                    "got_name": doc.get("schema"),
                    "got": doc.get("version"),
                },
                "unsupported_version",
            )
        ]
    problems: list[Problem] = []
    for error in sorted(_validator().iter_errors(doc), key=_document_order):
        problems.extend(_schema_problems(error))
    if problems:
        return _unique(problems)
    return _unique(_Checker(doc, replace=replace).run())


def _document_order(error: SchemaError) -> list[tuple[int, str]]:
    """Sort errors as they appear in the file ($.devices[2] before $.devices[10])."""
    order = [(p, "") if isinstance(p, int) else (-1, str(p)) for p in error.absolute_path]
    if order and order[0][1] in TOP_LEVEL_ORDER:
        order[0] = (TOP_LEVEL_ORDER.index(order[0][1]) - len(TOP_LEVEL_ORDER), "")
    return order


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _model_ref(ref: dict[str, Any] | None) -> tuple[str, str] | None:
    return (ref["manufacturer"], ref["model_number"]) if ref else None


class _Checker:
    """Content checks of a schema-valid document; collects every problem instead of stopping."""

    def __init__(self, doc: dict[str, Any], *, replace: bool) -> None:
        self.doc = doc
        self.replace = replace
        self.problems: list[Problem] = []
        self.today = timezone.localdate()
        self.community = Community.objects.filter(code=doc["community"]["code"]).first()

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(path, message, code))

    def run(self) -> list[Problem]:
        self.check_community()
        self.check_teams()
        self.check_catalogue()
        self.check_locations()
        self.check_perimeter()
        self.check_devices()
        return self.problems

    # -- field-level checks of the models (lengths, decimals, choices) ---------------------------------
    def fields(self, model: type[models.Model], item: dict[str, Any], fields: list[F], base: str) -> None:
        obj = model()
        given = set()
        for f, value in _present(item, fields):
            if f.kind not in ("geometry", "code"):
                setattr(obj, f.attr, value)
                given.add(f.attr)
        exclude = [
            f.name for f in model._meta.concrete_fields if f.attname not in given and f.name not in given
        ]
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for attr, messages in _validation_messages(exc).items():
                for message in messages:
                    self.add(_field_path(base, fields, attr), message, "field")

    def geometry(self, path: str, value: Any, validator: Any) -> None:
        try:
            validator(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(path, message, "geometry")

    def duplicates(self, items: list[Any], key: Any, path: str, message: str) -> None:
        """Report every item whose key an earlier item already has (``path`` has ``{i}``)."""
        seen: dict[Any, int] = {}
        for i, item in enumerate(items):
            k = key(item)
            if k in seen:
                first = path.format(i=seen[k]).rsplit(".", 1)[0]
                value = k if isinstance(k, str) else " ".join(k)
                self.add(path.format(i=i), message % {"value": value, "first": first}, "duplicate")
            else:
                seen[k] = i

    # -- the community ---------------------------------------------------------------------------------
    def check_community(self) -> None:
        c = self.doc["community"]
        if self.community is not None and not self.replace:
            self.add(
                "$.community.code",
                _("小区编号“%(code)s”已存在；如需按文件更新该小区，请使用 --update。") % {"code": c["code"]},
                "community_exists",
            )
        self.fields(Community, c, COMMUNITY_FIELDS, "$.community")
        management = c.get(
            "management_type", self.community.management_type if self.community else "property"
        )
        station = c.get("police_station", _MISSING)
        company = c.get("property_company", _MISSING)
        has_company = (
            bool(company)
            if company is not _MISSING
            else bool(self.community and self.community.property_company_id)
        )
        has_station = (
            bool(station)
            if station is not _MISSING
            else bool(self.community and self.community.police_station_id)
        )
        if management == ManagementTypeChoices.PROPERTY and not has_company:
            self.add("$.community.property_company", _("有物业管理的小区须指定物业公司（第5条）。"))
        if management == ManagementTypeChoices.UNMANAGED and not has_station:
            self.add("$.community.police_station", _("无物业管理的小区须关联辖区派出所（第6条）。"))
        if station:
            self.fields(PoliceStation, station, STATION_FIELDS, "$.community.police_station")
        if company:
            self.fields(PropertyCompany, company, COMPANY_FIELDS, "$.community.property_company")

    # -- security teams (R-5/R-6) ---------------------------------------------------------------------
    def check_teams(self) -> None:
        teams = self.doc.get("security_teams", [])
        self.duplicates(
            teams,
            lambda t: (t["kind"], t["name"]),
            "$.security_teams[{i}].name",
            _("安保队伍“%(value)s”重复（与 %(first)s 相同）。"),
        )
        for i, team in enumerate(teams):
            self.fields(SecurityTeam, team, TEAM_FIELDS, f"$.security_teams[{i}]")

    # -- manufacturers, device models, certificates ---------------------------------------------------
    def check_catalogue(self) -> None:
        makers = self.doc.get("manufacturers", [])
        self.duplicates(
            makers,
            lambda m: m["code"],
            "$.manufacturers[{i}].code",
            _("厂家编号“%(value)s”重复（与 %(first)s 相同）。"),
        )
        for i, m in enumerate(makers):
            self.fields(Manufacturer, m, MANUFACTURER_FIELDS, f"$.manufacturers[{i}]")
        maker_codes = {m["code"] for m in makers}
        models_ = self.doc.get("device_models", [])
        self.duplicates(
            models_,
            lambda m: (m["manufacturer"], m["model_number"]),
            "$.device_models[{i}].model_number",
            _("设备型号“%(value)s”重复（与 %(first)s 相同）。"),
        )
        known_makers = set(maker_codes)
        known_makers |= set(
            Manufacturer.objects.filter(code__in={m["manufacturer"] for m in models_}).values_list(
                "code", flat=True
            )
        )
        self.certificates: dict[tuple[str, str], list[Certificate]] = defaultdict(list)
        seen_certs: dict[tuple[str, str], str] = {}
        for i, m in enumerate(models_):
            base = f"$.device_models[{i}]"
            if m["manufacturer"] not in known_makers:
                self.add(
                    f"{base}.manufacturer",
                    _("厂家“%(code)s”未在文件的 manufacturers 中列出，平台中也没有。")
                    % {"code": m["manufacturer"]},
                    "unknown_reference",
                )
            self.kind_in_subsystem(base, m)
            self.fields(DeviceModel, m, DEVICE_MODEL_FIELDS, base)
            key = (m["manufacturer"], m["model_number"])
            for j, cert in enumerate(m.get("certificates", [])):
                cpath = f"{base}.certificates[{j}]"
                self.fields(Certificate, cert, CERTIFICATE_FIELDS, cpath)
                ckey = (cert["type"], cert["number"])
                owner = f"{key[0]} {key[1]}"
                if ckey in seen_certs:
                    self.add(
                        f"{cpath}.number",
                        _("证书编号“%(number)s”在文件中重复。") % {"number": cert["number"]},
                        "duplicate",
                    )
                seen_certs[ckey] = owner
                stored = (
                    Certificate.objects.filter(certificate_type=ckey[0], number=ckey[1])
                    .select_related("device_model__manufacturer")
                    .first()
                )
                if (
                    stored is not None
                    and (
                        stored.device_model.manufacturer.code,
                        stored.device_model.model_number,
                    )
                    != key
                ):
                    self.add(
                        f"{cpath}.number",
                        _("证书编号“%(number)s”在平台中属于另一型号“%(model)s”。")
                        % {"number": cert["number"], "model": stored.device_model},
                        "conflict",
                    )
                issued, expires = cert.get("issued_on"), cert.get("expires_on")
                if issued and expires and expires < issued:
                    self.add(f"{cpath}.expires_on", _("有效期不能早于发证日期。"))
                self.certificates[key].append(
                    Certificate(
                        certificate_type=cert["type"],
                        number=cert["number"],
                        issuer_level=cert.get("issuer_level", "provincial"),
                        issued_on=_from_json(issued, "date"),
                        expires_on=_from_json(expires, "date"),
                    )
                )
        self.model_keys = {(m["manufacturer"], m["model_number"]) for m in models_}

    def kind_in_subsystem(self, base: str, item: dict[str, Any]) -> None:
        if item["kind"] not in KIND_SUBSYSTEMS.get(item["subsystem"], ()):
            self.add(
                f"{base}.kind",
                _("设备类型“%(kind)s”不属于子系统“%(subsystem)s”，该子系统可用：%(allowed)s。")
                % {
                    "kind": item["kind"],
                    "subsystem": item["subsystem"],
                    "allowed": _("、").join(KIND_SUBSYSTEMS.get(item["subsystem"], ())),
                },
                "kind_not_in_subsystem",
            )

    # -- locations ------------------------------------------------------------------------------------
    def check_locations(self) -> None:
        locations = self.doc.get("locations", [])
        self.duplicates(
            locations,
            lambda loc: loc["code"],
            "$.locations[{i}].code",
            _("位置编号“%(value)s”重复（与 %(first)s 相同）。"),
        )
        by_code = {loc["code"]: loc for loc in locations}
        self.location_codes = set(by_code)
        for i, loc in enumerate(locations):
            base = f"$.locations[{i}]"
            self.fields(Location, loc, LOCATION_FIELDS, base)
            self.geometry(f"{base}.geometry", loc.get("geometry"), validate_geometry)
            kind = loc["kind"]
            parent_code = loc.get("parent")
            if parent_code:
                parent = by_code.get(parent_code)
                allowed = LOCATION_PARENTS.get(kind, ())
                if parent is None:
                    self.add(
                        f"{base}.parent",
                        _("上级位置“%(code)s”不在文件的 locations 中。") % {"code": parent_code},
                        "unknown_reference",
                    )
                elif allowed and parent["kind"] not in allowed:
                    self.add(
                        f"{base}.parent",
                        _("“%(kind)s”的上级位置须为：%(allowed)s（“%(parent)s”是%(parent_kind)s）。")
                        % {
                            "kind": LocationKindChoices(kind).label,
                            "allowed": _("、").join(str(LocationKindChoices(k).label) for k in allowed),
                            "parent": parent_code,
                            "parent_kind": LocationKindChoices(parent["kind"]).label,
                        },
                        "parent_kind",
                    )
            elif kind in LOCATION_PARENT_REQUIRED:
                self.add(
                    f"{base}.parent",
                    _("“%(kind)s”必须指定上级位置。") % {"kind": LocationKindChoices(kind).label},
                    "parent_required",
                )
            linked = loc.get("linked_to")
            if linked and linked not in by_code:
                self.add(
                    f"{base}.linked_to",
                    _("联网位置“%(code)s”不在文件的 locations 中。") % {"code": linked},
                    "unknown_reference",
                )
            if kind == LocationKindChoices.LANE and not loc.get("lane_type"):
                self.add(f"{base}.lane_type", _("通道须注明车行或人行。"))
            if kind == LocationKindChoices.ENTRANCE and not loc.get("entrance_role"):
                self.add(f"{base}.entrance_role", _("小区出入口须注明主出入口或次出入口（第12条）。"))
        self.check_cycles(locations, by_code)

    def check_cycles(self, locations: list[dict[str, Any]], by_code: dict[str, dict[str, Any]]) -> None:
        index = {loc["code"]: i for i, loc in enumerate(locations)}
        done: set[str] = set()
        for loc in locations:
            chain: list[str] = []
            code: str | None = loc["code"]
            while code is not None and code in by_code and code not in done and code not in chain:
                chain.append(code)
                code = by_code[code].get("parent")
            if code is not None and code in chain:
                cycle = [*chain[chain.index(code) :], code]
                for member in cycle[:-1]:
                    self.add(
                        f"$.locations[{index[member]}].parent",
                        _("上级位置不能形成循环：%(cycle)s。") % {"cycle": " → ".join(cycle)},
                        "parent_cycle",
                    )
            done.update(chain)

    # -- perimeter ------------------------------------------------------------------------------------
    def check_perimeter(self) -> None:
        segments = self.doc.get("perimeter", [])
        self.duplicates(
            segments,
            lambda s: s["code"],
            "$.perimeter[{i}].code",
            _("周界段编号“%(value)s”重复（与 %(first)s 相同）。"),
        )
        for i, seg in enumerate(segments):
            self.fields(PerimeterSegment, seg, SEGMENT_FIELDS, f"$.perimeter[{i}]")
            self.geometry(f"$.perimeter[{i}].geometry", seg.get("geometry"), validate_line)

    # -- devices --------------------------------------------------------------------------------------
    def check_devices(self) -> None:
        devices = self.doc.get("devices", [])
        self.duplicates(
            devices,
            lambda d: d["code"],
            "$.devices[{i}].code",
            _("设备编号“%(value)s”重复（与 %(first)s 相同）。"),
        )
        # Device codes are unique across the platform (push URLs and MQTT topics use them).
        elsewhere = Device.objects.filter(code__in=[d["code"] for d in devices]).select_related("community")
        if self.community is not None:
            elsewhere = elsewhere.exclude(community=self.community)
        taken = {d.code: d.community.code for d in elsewhere}
        wanted = Q(pk__in=[])
        for ref in {_model_ref(d.get("model")) for d in devices} - {None}:
            assert ref is not None
            wanted |= Q(manufacturer__code=ref[0], model_number=ref[1])
        stored_models = {
            (m.manufacturer.code, m.model_number): m
            for m in DeviceModel.objects.filter(wanted)
            .select_related("manufacturer")
            .prefetch_related("certificates")
        }
        stored_status: dict[str, str] = {}
        if self.community is not None and self.replace:
            stored_status = dict(
                Device.objects.filter(community=self.community).values_list("code", "status")
            )
        for i, d in enumerate(devices):
            base = f"$.devices[{i}]"
            if d["code"] in taken:
                self.add(
                    f"{base}.code",
                    _("设备编号“%(code)s”已被小区“%(community)s”使用；设备编号全平台唯一。")
                    % {"code": d["code"], "community": taken[d["code"]]},
                    "duplicate",
                )
            self.kind_in_subsystem(base, d)
            self.fields(Device, d, DEVICE_FIELDS, base)
            self.geometry(f"{base}.position", d.get("position"), validate_point)
            self.geometry(f"{base}.coverage", d.get("coverage"), validate_geometry)
            ref = _model_ref(d.get("model"))
            if ref is not None and ref not in self.model_keys and ref not in stored_models:
                self.add(
                    f"{base}.model",
                    _("设备型号“%(model)s”未在文件的 device_models 中列出，平台中也没有。")
                    % {"model": " ".join(ref)},
                    "unknown_reference",
                )
            location = d.get("location")
            if location and location not in self.location_codes:
                self.add(
                    f"{base}.location",
                    _("安装位置“%(code)s”不在文件的 locations 中。") % {"code": location},
                    "unknown_reference",
                )
            caps = d.get("capabilities", {})
            if (caps.get("resolution_width") is None) != (caps.get("resolution_height") is None):
                self.add(f"{base}.capabilities.resolution_height", _("分辨率须同时填写宽和高。"))
            seen_at = _get(d, ("heartbeat", "last_seen_at"))
            parsed = _parse_datetime(seen_at) if isinstance(seen_at, str) else None
            if isinstance(seen_at, str) and (parsed is None or timezone.is_naive(parsed)):
                self.add(
                    f"{base}.heartbeat.last_seen_at",
                    _("时间格式应为带时区的 ISO 8601，例如 2026-01-31T08:00:00+08:00。"),
                )
            for j, record in enumerate(d.get("acceptance", [])):
                self.fields(AcceptanceRecord, record, ACCEPTANCE_FIELDS, f"{base}.acceptance[{j}]")
            # Like devices.services.save_device, the rule guards the step into service: a device
            # already in service is not refused here (compliance reports flag expired certificates).
            if (
                d.get("status") == DeviceStatusChoices.IN_SERVICE
                and stored_status.get(d["code"]) != DeviceStatusChoices.IN_SERVICE
            ):
                self.check_in_service(base, d, ref, stored_models)

    def check_in_service(
        self,
        base: str,
        d: dict[str, Any],
        ref: tuple[str, str] | None,
        stored: dict[tuple[str, str], DeviceModel],
    ) -> None:
        """R-29 (第29条) acceptance and R-24 (第24条) certificate before a device is in service."""
        if not any(r.get("passed", True) for r in d.get("acceptance", [])):
            self.add(
                f"{base}.status",
                _("设备“%(code)s”为在用，但文件中没有验收合格记录，不得投入使用（第29条）。")
                % {"code": d["code"]},
                "not_accepted",
            )
        if ref is None:
            self.add(
                f"{base}.model",
                _("在用设备须登记设备型号，以核验产品证书（第24条）。"),
                "no_certificate",
            )
            return
        certs = list(self.certificates.get(ref, []))
        if ref in stored:
            certs.extend(stored[ref].certificates.all())
        # The certificate must have been valid when the device was accepted into service; one that
        # expired since is a compliance finding for the community, not a reason to refuse its data.
        accepted = [
            day
            for r in d.get("acceptance", [])
            if r.get("passed", True) and (day := _parse_date(r.get("accepted_on"))) is not None
        ]
        day = max(accepted) if accepted else self.today
        if not any(c.is_valid_on(day) for c in certs):
            self.add(
                f"{base}.model",
                _("型号“%(model)s”在 %(day)s 无有效生产登记批准书或检测报告，不得在用（第24条）。")
                % {"model": " ".join(ref), "day": day.isoformat()},
                "no_certificate",
            )


# ---------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------


def import_community(
    doc: Any,
    *,
    by: Any = None,
    replace: bool = False,
    dry_run: bool = False,
    authorisation: Authorisation | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Validate ``doc`` and, if it has no problem at all, write it in one transaction.

    ``replace`` allows updating an existing community (upsert by codes; nothing is deleted).
    Devices whose location, purpose or position change need ``authorisation`` (R-33.3 第33条第(3)项);
    it is recorded as a ``ChangeAuthorisation`` per changed device. ``dry_run`` does every write and
    rolls it back, so the counts are real. Shared records (police station, property company,
    manufacturers, device models, certificates) are created when missing and never modified.
    ``progress`` receives a line per step (for the command's output).
    """
    say = progress or (lambda _line: None)
    result = ImportResult(dry_run=dry_run)
    if isinstance(doc, dict) and isinstance(doc.get("community"), dict):
        result.community_code = str(doc["community"].get("code", ""))
    result.problems = validate_document(doc, replace=replace)
    if result.problems:
        return result
    say(_("检查通过，正在写入 …") if not dry_run else _("检查通过，试写入（之后撤销）…"))
    try:
        with transaction.atomic():
            importer = _Importer(doc, result, by=by, authorisation=authorisation, progress=say)
            importer.run()
            importer.finish()
            if result.problems or dry_run:
                raise _Rollback
    except _Rollback:
        if result.problems:  # nothing was written, so nothing may be reported as written
            result.created.clear()
            result.updated.clear()
            result.unchanged.clear()
    return result


class _Importer:
    """Writes a validated document; model validation failures become problems and undo the import."""

    def __init__(
        self,
        doc: dict[str, Any],
        result: ImportResult,
        *,
        by: Any,
        authorisation: Authorisation | None,
        progress: Callable[[str], None],
    ) -> None:
        self.progress = progress
        self.doc = doc
        self.result = result
        self.by = by
        self.authorisation = authorisation
        self.outcomes: dict[str, dict[str, str]] = defaultdict(dict)

    def save(
        self,
        obj: ChangeLoggedModel,
        label: str,
        base: str,
        fields: list[F],
        *,
        exclude: list[str] | None = None,
    ) -> bool:
        """full_clean and save ``obj``, counting it; False (with problems) when the model refuses."""
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
        before = stored.snapshot() if stored is not None else None
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            for attr, messages in _validation_messages(exc).items():
                for message in messages:
                    self.result.problems.append(Problem(_field_path(base, fields, attr), message, "model"))
            return False
        if before is None:
            obj.save()
            self.count(label, base, "created")
        elif before != obj.snapshot():
            obj.save()
            self.count(label, base, "updated")
        else:
            self.count(label, base, "unchanged")
        return True

    def count(self, label: str, key: str, outcome: str) -> None:
        """Remember what happened to one record; a record saved twice counts once, by its first outcome
        unless a later save updated something it had left unchanged."""
        seen = self.outcomes[label]
        if seen.get(key) in (None, "unchanged"):
            seen[key] = outcome

    def finish(self) -> None:
        for label, outcomes in self.outcomes.items():
            for outcome in outcomes.values():
                getattr(self.result, outcome)[label] += 1

    def run(self) -> None:
        self.community = self.import_community()
        if self.community is None:
            return
        self.step("security_team", len(self.doc.get("security_teams", [])))
        self.import_teams()
        models_ = self.import_catalogue()
        self.step("location", len(self.doc.get("locations", [])))
        locations = self.import_locations()
        self.step("perimeter_segment", len(self.doc.get("perimeter", [])))
        self.import_perimeter()
        self.step("device", len(self.doc.get("devices", [])))
        self.import_devices(models_, locations)

    def step(self, label: str, count: int) -> None:
        self.progress(_("  %(what)s：%(count)s 条 …") % {"what": RECORD_LABELS[label], "count": count})

    def shared(
        self, model: type[Any], item: dict[str, Any] | None, fields: list[F], label: str, base: str
    ) -> Any:
        """A shared record by code: the stored one, or created from the file."""
        if not item:
            return None
        stored = model.objects.filter(code=item["code"]).first()
        if stored is not None:
            self.count(label, base, "unchanged")
            return stored
        obj = model()
        _load(obj, item, fields)
        return obj if self.save(obj, label, base, fields) else None

    def import_community(self) -> Community | None:
        c = self.doc["community"]
        community = Community.objects.filter(code=c["code"]).first() or Community()
        _load(community, c, COMMUNITY_FIELDS)
        if "police_station" in c:
            community.police_station = self.shared(
                PoliceStation,
                c["police_station"],
                STATION_FIELDS,
                "police_station",
                "$.community.police_station",
            )
        if "property_company" in c:
            community.property_company = self.shared(
                PropertyCompany,
                c["property_company"],
                COMPANY_FIELDS,
                "property_company",
                "$.community.property_company",
            )
        return community if self.save(community, "community", "$.community", COMMUNITY_FIELDS) else None

    def import_teams(self) -> None:
        """Upsert by kind and name; teams missing from the file stay (an import never deletes)."""
        stored = {(t.kind, t.name): t for t in SecurityTeam.objects.filter(community=self.community)}
        for i, item in enumerate(self.doc.get("security_teams", [])):
            team = stored.get((item["kind"], item["name"])) or SecurityTeam(community=self.community)
            _load(team, item, TEAM_FIELDS)
            self.save(team, "security_team", f"$.security_teams[{i}]", TEAM_FIELDS)

    def import_catalogue(self) -> dict[tuple[str, str], DeviceModel]:
        makers: dict[str, Manufacturer] = {}
        for i, item in enumerate(self.doc.get("manufacturers", [])):
            maker = self.shared(
                Manufacturer, item, MANUFACTURER_FIELDS, "manufacturer", f"$.manufacturers[{i}]"
            )
            if maker is not None:
                makers[maker.code] = maker
        result: dict[tuple[str, str], DeviceModel] = {}
        for i, item in enumerate(self.doc.get("device_models", [])):
            base = f"$.device_models[{i}]"
            maker = (
                makers.get(item["manufacturer"])
                or Manufacturer.objects.filter(code=item["manufacturer"]).first()
            )
            if maker is None:
                continue
            model = DeviceModel.objects.filter(manufacturer=maker, model_number=item["model_number"]).first()
            if model is not None:
                self.count("device_model", base, "unchanged")
            else:
                model = DeviceModel(manufacturer=maker)
                _load(model, item, DEVICE_MODEL_FIELDS)
                if not self.save(model, "device_model", base, DEVICE_MODEL_FIELDS):
                    continue
            result[(maker.code, model.model_number)] = model
            for j, cert_item in enumerate(item.get("certificates", [])):
                if Certificate.objects.filter(
                    certificate_type=cert_item["type"], number=cert_item["number"]
                ).exists():
                    self.count("certificate", f"{base}.certificates[{j}]", "unchanged")
                    continue
                cert = Certificate(device_model=model)
                _load(cert, cert_item, CERTIFICATE_FIELDS)
                self.save(cert, "certificate", f"{base}.certificates[{j}]", CERTIFICATE_FIELDS)
        return result

    def import_locations(self) -> dict[str, Location]:
        items = self.doc.get("locations", [])
        by_code = {item["code"]: item for item in items}

        def depth(item: dict[str, Any]) -> int:
            n, code = 0, item.get("parent")
            while code and code in by_code:  # acyclic: checked in validation
                n, code = n + 1, by_code[code].get("parent")
            return n

        saved: dict[str, Location] = {}
        order = sorted(range(len(items)), key=lambda i: (depth(items[i]), i))
        stored = {loc.code: loc for loc in Location.objects.filter(community=self.community)}
        for i in order:
            item = items[i]
            loc = stored.get(item["code"]) or Location(community=self.community)
            _load(loc, item, LOCATION_FIELDS)
            if "parent" in item:
                parent_code = item["parent"]
                if parent_code and parent_code not in saved:
                    continue  # its parent failed and was reported
                loc.parent = saved[parent_code] if parent_code else None
            if self.save(loc, "location", f"$.locations[{i}]", LOCATION_FIELDS, exclude=["linked_to"]):
                saved[loc.code] = loc
        # Links may point either way (duty room ↔ monitoring centre), so they go in a second pass.
        for i, item in enumerate(items):
            loc = saved.get(item["code"])
            if loc is None or "linked_to" not in item:
                continue
            target = saved.get(item["linked_to"]) if item["linked_to"] else None
            if target is None and item["linked_to"]:
                continue
            if loc.linked_to_id != (target.pk if target else None):
                loc.linked_to = target
                self.save(loc, "location", f"$.locations[{i}]", LOCATION_FIELDS)
        return saved

    def import_perimeter(self) -> None:
        stored = {s.code: s for s in PerimeterSegment.objects.filter(community=self.community)}
        for i, item in enumerate(self.doc.get("perimeter", [])):
            seg = stored.get(item["code"]) or PerimeterSegment(community=self.community)
            _load(seg, item, SEGMENT_FIELDS)
            self.save(seg, "perimeter_segment", f"$.perimeter[{i}]", SEGMENT_FIELDS)

    def import_devices(
        self, models_: dict[tuple[str, str], DeviceModel], locations: dict[str, Location]
    ) -> None:
        stored = {d.code: d for d in Device.objects.filter(community=self.community)}
        for i, item in enumerate(self.doc.get("devices", [])):
            base = f"$.devices[{i}]"
            device = stored.get(item["code"]) or Device(community=self.community)
            before = device.snapshot() if device.pk is not None else None
            if (
                before is not None
                and before["status"] == DeviceStatusChoices.RETIRED
                and item.get("status", DeviceStatusChoices.RETIRED) != DeviceStatusChoices.RETIRED
            ):
                self.result.problems.append(
                    Problem(f"{base}.status", _("已退役的设备不能再改为其他状态。"), "invalid_transition")
                )
                continue
            # A stored device's heartbeat is live data; an older file must not turn it back.
            _load(device, item, DEVICE_FIELDS, skip=["last_seen_at"] if device.pk else [])
            if "model" in item:
                ref = _model_ref(item["model"])
                device.device_model = (
                    models_.get(ref)
                    or DeviceModel.objects.filter(manufacturer__code=ref[0], model_number=ref[1]).first()
                    if ref
                    else None
                )
            if "location" in item:
                code = item["location"]
                if code and code not in locations:
                    continue  # the location failed and was reported
                device.location = locations[code] if code else None
            changes = controlled_changes(before, device)
            if changes and self.authorisation is None:
                # R-33.3 (第33条第(3)项): purpose/location changes need an authority, also in bulk.
                self.result.problems.append(
                    Problem(
                        f"{base}.{'location' if 'location_id' in changes else sorted(changes)[0]}",
                        _(
                            "设备“%(code)s”的用途或位置将变更（%(fields)s），须经授权：请提供批准文号（--authorisation）（第33条第(3)项）。"
                        )
                        % {"code": device.code, "fields": _("、").join(sorted(changes))},
                        "authorisation_required",
                    )
                )
                continue
            if changes and self.authorisation is not None:
                auth = self.authorisation
                with audit.reason(f"R-33.3 {auth.reference}: {auth.reason}"):
                    if self.save(device, "device", base, DEVICE_FIELDS):
                        ChangeAuthorisation.objects.create(
                            device=device,
                            reference=auth.reference,
                            authorised_by=auth.authorised_by,
                            reason=auth.reason,
                            changes=changes,
                            recorded_by=self.by if getattr(self.by, "is_authenticated", False) else None,
                        )
                        self.count("change_authorisation", base, "created")
            elif not self.save(device, "device", base, DEVICE_FIELDS):
                continue
            self.import_acceptance(device, item, base)

    def import_acceptance(self, device: Device, item: dict[str, Any], base: str) -> None:
        """R-29 records are history: new ones are added, stored ones are never changed or removed."""
        existing = {
            (r.accepted_on, r.accepted_by, r.document_ref, r.passed) for r in device.acceptance_records.all()
        }
        for j, record_item in enumerate(item.get("acceptance", [])):
            record = AcceptanceRecord(device=device)
            _load(record, record_item, ACCEPTANCE_FIELDS)
            key = (record.accepted_on, record.accepted_by, record.document_ref, record.passed)
            if key in existing:
                self.count("acceptance_record", f"{base}.acceptance[{j}]", "unchanged")
                continue
            existing.add(key)
            self.save(record, "acceptance_record", f"{base}.acceptance[{j}]", ACCEPTANCE_FIELDS)
