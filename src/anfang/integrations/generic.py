"""The generic JSON event contract, shared by `POST /api/v1/events` and MQTT `anfang/<c>/<d>/event`.

Sample::

    {"device": "PD-P1", "external_id": "7f3a-0042", "type": "perimeter",
     "occurred_at": "2026-11-27T03:12:08+08:00", "zone": "3", "restore": false, "text": "",
     "data": {}, "pictures": [{"name": "scene.jpg", "content_type": "image/jpeg", "data": "<base64>"}]}

Pure: bytes in, `DeviceEvent` out, `EventFormatError(field, detail)` for anything else. Unknown keys are
ignored; NaN, Infinity and numbers too large for a float are refused (PostgreSQL's jsonb and SQLite's
JSON check refuse them, and the event would be lost at the database).
"""

from __future__ import annotations

import binascii
import datetime as dt
import json
import math
from typing import Any, Final

from anfang.integrations import events as ev
from anfang.integrations.events import DeviceEvent, Picture

# Field limits of `alarms.InboundEvent`, so what parses here also stores.
MAX_EXTERNAL_ID: Final = 200
MAX_ZONE: Final = 60
MAX_TEXT: Final = 500
MAX_PICTURES: Final = 8


class EventFormatError(ValueError):
    """The body does not follow the contract; `field` names what is wrong (`body` for the whole)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def loads_object(body: bytes) -> dict[str, Any]:
    """A JSON object, strictly: UTF-8 (a BOM is allowed), finite numbers only."""
    try:
        doc = json.loads(body.decode("utf-8-sig"), parse_constant=_refuse_constant, parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise EventFormatError("body", "not UTF-8") from exc
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, huge ints, nesting bombs
        raise EventFormatError("body", f"not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise EventFormatError("body", "a JSON object is expected")
    return doc


def timestamp(value: object, field: str) -> dt.datetime:
    """An ISO 8601 time with its UTC offset, as UTC."""
    if not isinstance(value, str):
        raise EventFormatError(field, "must be an ISO 8601 time with a UTC offset (Z or +08:00)")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise EventFormatError(field, f"is not ISO 8601: {value[:40]!r}") from exc
    if parsed.tzinfo is None:
        raise EventFormatError(field, "needs a UTC offset (Z or +08:00)")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:  # year 1 or 9999 pushed over the edge by its offset
        raise EventFormatError(field, "is out of range") from exc


def _short_string(doc: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = doc.get(field)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise EventFormatError(field, "must be a non-empty string" if required else "must be a string")
    if len(value) > limit:
        raise EventFormatError(field, f"longer than {limit} characters")
    return value.strip()


def parse_event(body: bytes, *, source: str, device_code: str | None = None) -> DeviceEvent:
    """The contract → DeviceEvent. `device_code` (MQTT: from the topic) replaces the body's `device`,
    which, when present, must name the same device."""
    doc = loads_object(body)
    named = doc.get("device")
    if device_code is None:
        if not isinstance(named, str) or not named.strip():
            raise EventFormatError("device", "the device code is required")
        device_code = named.strip()
    elif named is not None and named != device_code:
        raise EventFormatError("device", "differs from the device this channel belongs to")
    external_id = _short_string(doc, "external_id", MAX_EXTERNAL_ID, required=True)
    event_type = doc.get("type")
    if not isinstance(event_type, str) or event_type not in ev.EVENT_TYPES:
        raise EventFormatError("type", f"must be one of: {', '.join(ev.EVENT_TYPES)}")
    if "occurred_at" not in doc:
        raise EventFormatError("occurred_at", "is required (ISO 8601 with a UTC offset)")
    occurred_at = timestamp(doc["occurred_at"], "occurred_at")
    zone = _short_string(doc, "zone", MAX_ZONE)
    data = doc.get("data") or {}
    if not isinstance(data, dict):
        raise EventFormatError("data", "must be an object")
    restore = doc.get("restore", False)
    if not isinstance(restore, bool):
        raise EventFormatError("restore", "must be true or false")
    text = doc.get("text") or ""
    if not isinstance(text, str):
        raise EventFormatError("text", "must be a string")
    return DeviceEvent(
        source=source,
        device=device_code,
        external_id=external_id,
        type=event_type,
        occurred_at=occurred_at,
        zone=zone,
        restore=restore,
        text=text[:MAX_TEXT],
        data=data,
        pictures=_pictures(doc.get("pictures") or []),
    )


def strict_b64decode(data: str | bytes) -> bytes:
    """Standard base64 with nothing else allowed (`binascii.Error`/`ValueError` otherwise). The same
    rule as `b64decode(validate=True)`, whose regular-expression check cost more than the decoding
    itself for a camera's photos."""
    return binascii.a2b_base64(data, strict_mode=True)


def _pictures(items: Any) -> tuple[Picture, ...]:
    if not isinstance(items, list) or len(items) > MAX_PICTURES:
        raise EventFormatError("pictures", f"must be a list of at most {MAX_PICTURES}")
    pictures = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("data"), str):
            raise EventFormatError(f"pictures[{i}]", "each picture needs base64 data")
        try:
            data = strict_b64decode(item["data"])
        except (binascii.Error, ValueError) as exc:
            raise EventFormatError(f"pictures[{i}].data", "not valid base64") from exc
        pictures.append(
            Picture(
                name=str(item.get("name") or f"picture-{i + 1}.jpg")[:120],
                content_type=str(item.get("content_type") or "image/jpeg")[:60],
                data=data,
            )
        )
    return tuple(pictures)
