"""Dahua ITC (ANPR / parking camera) plate reads: the ITSAPI HTTP push and eventManager traffic blocks.

Pure: bytes in, a frozen `DahuaPlateRead` out; no Django, no I/O, no clock. Two ways a read arrives:

* The ITSAPI "platform server" push used by parking systems: the camera POSTs JSON to
  `/NotificationInfo/TollgateInfo` (and a keep-alive to `/NotificationInfo/KeepAlive`)::

      {"Picture": {"Plate": {"PlateNumber": "辽H12345", "PlateColor": "Blue", "Confidence": 96, …},
                   "Vehicle": {"VehicleColor": "White", "VehicleType": "Sedan", …},
                   "SnapInfo": {"DeviceID": "…", "AccurateTime": "2026-11-27 09:00:05.305",
                                "Direction": "Obverse", …},
                   "NormalPic": {"Content": "<base64 JPEG>", "PicName": "…"},
                   "CutoutPic": {"Content": "<base64 JPEG>", "PicName": "…"}}}

  The camera re-sends a push until it is answered with `{"Result": true}` (`TOLLGATE_ACK`).
  `parse_tollgate(body)` reads it.
* The eventManager stream's `Code=TrafficJunction;action=Pulse;index=0;data={…}` blocks (TrafficCar,
  Object with ObjectType "Plate"), already parsed by `parse_event_block`: `plate_read_from_event(event)`.

Direction mapping (documented in README/QUALITY.md): the vendor says how the vehicle moves relative to
the lane's configured direction ("Obverse"/"Reverse", older firmware "Approach"/"Leave", sometimes
"Forward"/"Backward", "In"/"Out", "Entry"/"Exit"). Obverse, Approach, Forward, In, Entry, Enter → "in";
Reverse, Leave, Backward, Away, Out, Exit → "out"; anything else, numbers included, → "" (the
vehicles app then uses the camera's role: an entrance camera's reads are entries). When the message
names the camera's role (`CommInfo.ParkType` 1 = entry camera, 2 = exit camera) that wins.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from anfang.integrations.dahua.errors import DahuaFormatError
from anfang.integrations.dahua.models import DahuaEvent
from anfang.integrations.events import Picture

TOLLGATE_PATH: Final = "/NotificationInfo/TollgateInfo"
KEEPALIVE_PATH: Final = "/NotificationInfo/KeepAlive"
TOLLGATE_ACK: Final = b'{"Result": true}'  # without it the camera pushes the same read again
MAX_BODY_SIZE: Final = 32 << 20  # 32 MiB: three full-HD JPEGs in base64 fit many times over

IN: Final = "in"
OUT: Final = "out"
_DIRECTIONS: Final[Mapping[str, str]] = {
    **dict.fromkeys(("obverse", "approach", "forward", "in", "entry", "enter"), IN),
    **dict.fromkeys(("reverse", "leave", "backward", "away", "out", "exit"), OUT),
}
_PARK_TYPE: Final[Mapping[int, str]] = {1: IN, 2: OUT}  # CommInfo.ParkType: 0 = camera does both
# Picture objects of a TollgateInfo push, in the order they are returned, with the name each gets.
_PICTURES: Final = (("CutoutPic", "plate"), ("NormalPic", "scene"), ("VehiclePic", "vehicle"))
_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_TIME_FORMATS: Final = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass(frozen=True)
class DahuaPlateRead:
    """One plate read as the camera reported it (not normalised: that is the plate module's job).

    `external_id` is the same for a re-sent push and differs for the next read (digest of the device's
    own ids and time). `occurred_at` is aware when the message gives a zone or a UTC field
    (`time_zone_known` True); else it is the camera's local wall time, naive, and `time_zone_known` is
    False: the caller applies the community's zone. `direction` is "in", "out" or "" (see the module
    docstring); `direction_sent` keeps the vendor's word. `raw_fields` holds the rest of the message,
    JSON-safe, without picture bytes.
    """

    device_id: str
    external_id: str
    plate: str
    plate_color: str = ""
    vehicle_color: str = ""
    vehicle_type: str = ""
    direction: str = ""
    direction_sent: str = ""
    occurred_at: dt.datetime | None = None
    time_zone_known: bool = False
    confidence: int | None = None
    lane: int | None = None
    pictures: tuple[Picture, ...] = ()
    raw_fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_plate(self) -> bool:
        """False for a vehicle without a readable plate (the camera still sends pictures)."""
        return bool(self.plate)


def parse_tollgate(body: bytes) -> DahuaPlateRead:
    """Read a `/NotificationInfo/TollgateInfo` push body.

    Raises `DahuaFormatError` (with `.raw`) when the body is not a JSON object with a `Picture` object,
    or a picture's base64 is damaged (the message names the field).
    """
    raw = bytes(body)
    if len(raw) > MAX_BODY_SIZE:
        raise DahuaFormatError(f"body larger than {MAX_BODY_SIZE} bytes", raw=raw[:4096])
    message = _json_object(raw)
    picture = _mapping(_get(message, "Picture"))
    if not picture:
        raise DahuaFormatError("no Picture object (not a TollgateInfo push)", raw=raw[:4096])
    plate = _mapping(_get(picture, "Plate"))
    vehicle = _mapping(_get(picture, "Vehicle"))
    snap = _mapping(_get(picture, "SnapInfo"))
    comm = _mapping(_get(picture, "CommInfo")) or _mapping(_get(message, "CommInfo"))
    pictures = tuple(
        item
        for key, role in _PICTURES
        if (item := _picture(_mapping(_get(picture, key)), f"Picture.{key}.Content", role, raw)) is not None
    )
    occurred_at, zone_known = _snap_time(snap)
    device_id = _str(_get(snap, "DeviceID")) or _str(_get(message, "DeviceID"))
    plate_number = _str(_get(plate, "PlateNumber"))
    direction_sent = _str(_get(snap, "Direction"))
    pic_names = [_str(_get(_mapping(_get(picture, key)), "PicName")) for key, _ in _PICTURES]
    external = _digest(
        "tollgate",
        device_id,
        _str(_get(message, "PicName")) or next((name for name in pic_names if name), ""),
        _str(_get(snap, "AccurateTime")) or _str(_get(snap, "SnapTime")),
        _str(_get(snap, "UTC")),
        _str(_get(snap, "RecNo")) or _str(_get(snap, "SnapID")) or _str(_get(snap, "EventID")),
        _str(_get(snap, "LaneNo")) or _str(_get(snap, "Lane")),
        plate_number,
    )
    return DahuaPlateRead(
        device_id=device_id,
        external_id=external,
        plate=plate_number,
        plate_color=_str(_get(plate, "PlateColor")),
        vehicle_color=_str(_get(vehicle, "VehicleColor")),
        vehicle_type=_str(_get(vehicle, "VehicleType")),
        direction=_direction(direction_sent, comm),
        direction_sent=direction_sent,
        occurred_at=occurred_at,
        time_zone_known=zone_known,
        confidence=_confidence(_get(plate, "Confidence")),
        lane=_int(_get(snap, "LaneNo")) if _get(snap, "LaneNo") is not None else _int(_get(snap, "Lane")),
        pictures=pictures,
        raw_fields=_json_safe(_without_pictures(message)),
    )


def plate_read_from_event(event: DahuaEvent) -> DahuaPlateRead | None:
    """The plate read of an eventManager `Traffic*` block (TrafficJunction, TrafficParking…), else None.

    `occurred_at` follows `DahuaEvent`: RealUTC, else UTC as the device said (often local wall time
    counted as UTC; the caller's drift check flags it), else LocaleTime naive with `time_zone_known`
    False. A traffic block without any plate text gives a read with `plate` "" (no-plate vehicle).
    """
    if not event.is_traffic or event.plate is None:
        return None
    data = event.data
    plate = event.plate
    comm = _mapping(data.get("CommInfo"))
    occurred_at: dt.datetime | None = event.occurred_at
    zone_known = occurred_at is not None
    if occurred_at is None and event.locale_time:
        occurred_at = _naive(event.locale_time)
    external = _digest(
        "event",
        event.code,
        event.action,
        str(event.index),
        str(event.event_id),
        _str(data.get("GroupID")),
        _str(data.get("IndexInGroup")),
        _str(data.get("RealUTC")) or _str(data.get("UTC")),
        _str(data.get("UTCMS")),
        event.locale_time,
        plate.plate,
    )
    return DahuaPlateRead(
        device_id=_str(data.get("DeviceID")) or _str(data.get("MachineName")),
        external_id=external,
        plate=plate.plate,
        plate_color=plate.plate_color,
        vehicle_color=plate.vehicle_color,
        vehicle_type=plate.vehicle_type,
        direction=_direction(plate.direction, comm),
        direction_sent=plate.direction,
        occurred_at=occurred_at,
        time_zone_known=zone_known,
        confidence=_confidence(plate.confidence),
        lane=plate.lane,
        raw_fields=_json_safe({"Code": event.code, "action": event.action, "index": event.index, **data}),
    )


# --- helpers -----------------------------------------------------------------------------------------


def _json_object(raw: bytes) -> Mapping[str, Any]:
    text = _text(raw)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError, ints over 4300 digits
        raise DahuaFormatError(f"body is not JSON: {str(exc)[:120]}", raw=raw[:4096]) from None
    if not isinstance(value, dict):
        raise DahuaFormatError("body is not a JSON object", raw=raw[:4096])
    return value


def _text(raw: bytes) -> str:
    """UTF-8 (what devices send even when a header says GBK), else GB18030 (a superset of GBK)."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    """`mapping[key]`, or the same key in another case (firmware differs: PlateNumber, plateNumber)."""
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    for other, value in mapping.items():
        if isinstance(other, str) and other.lower() == lowered:
            return value
    return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()[:200]
    return ""


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) < 1 << 53 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 1 << 53 else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d{1,15}", text):
            return int(text)
        try:
            number = float(text) if len(text) <= 30 else math.nan
        except ValueError:
            return None
        return _int(number)
    return None


def _confidence(value: object) -> int | None:
    """0–100 as sent; some firmware sends 0–255 (Object.Confidence): scaled; anything else None."""
    number = _int(value)
    if number is None and isinstance(value, float | str):
        try:
            as_float = float(value)
        except ValueError:
            return None
        number = round(as_float) if math.isfinite(as_float) else None
    if number is None or number < 0:
        return None
    if number <= 100:
        return number
    if number <= 255:
        return round(number * 100 / 255)
    return None


def _direction(sent: str, comm: Mapping[str, Any]) -> str:
    park_type = _int(_get(comm, "ParkType"))
    if park_type is not None and park_type in _PARK_TYPE:
        return _PARK_TYPE[park_type]
    return _DIRECTIONS.get(sent.strip().lower(), "")


def _naive(text: str) -> dt.datetime | None:
    text = text.strip()
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _zone(value: object) -> dt.tzinfo | None:
    """A zone only when written with a sign ("+08:00", "GMT+8", "UTC+08:00") — Dahua's bare TimeZone
    numbers are indexes into its zone table, not hours, so they are not guessed."""
    match = _OFFSET.match(_str(value))
    if match is None:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if match.group(1) == "-" else offset)


def _snap_time(snap: Mapping[str, Any]) -> tuple[dt.datetime | None, bool]:
    """UTC seconds (+ms) if sent; else AccurateTime/SnapTime with an ISO offset or a signed TimeZone;
    else the wall time naive (zone unknown)."""
    seconds = _int(_get(snap, "RealUTC")) or _int(_get(snap, "UTC"))
    if seconds and 0 < seconds < 253402300799:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
        millis = _int(_get(snap, "UTCMS"))
        if millis is not None and 0 < millis < 1000:
            moment += dt.timedelta(milliseconds=millis)
        return moment, True
    text = _str(_get(snap, "AccurateTime")) or _str(_get(snap, "SnapTime"))
    if not text:
        return None, False
    parsed: dt.datetime | None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = _naive(text)
    if parsed is None:
        return None, False
    if parsed.tzinfo is not None:
        return parsed, True
    zone = _zone(_get(snap, "TimeZone"))
    return (parsed.replace(tzinfo=zone), True) if zone is not None else (parsed, False)


def _picture(obj: Mapping[str, Any], name: str, role: str, raw: bytes) -> Picture | None:
    content = _get(obj, "Content")
    if content is None or content == "":
        return None
    if not isinstance(content, str):
        raise DahuaFormatError(f"{name} is not a base64 string", raw=raw[:4096])
    text = content.strip()
    if text.startswith("data:") and "base64," in text:
        text = text.split("base64,", 1)[1]
    text = re.sub(r"\s+", "", text)
    text += "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DahuaFormatError(f"{name} is not valid base64", raw=raw[:4096]) from None
    if not data:
        return None
    content_type, extension = _sniff(data)
    return Picture(name=f"{role}.{extension}", content_type=content_type, data=data)


def _sniff(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG"):
        return "image/png", "png"
    return "application/octet-stream", "bin"


def _without_pictures(message: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """The message without picture bytes (kept as pictures), their PicName and size remain."""
    out: dict[str, Any] = {}
    for key, value in message.items():
        if isinstance(value, Mapping):
            out[key] = _without_pictures(value, depth + 1) if depth < 20 else None
        elif key == "Content" and isinstance(value, str):
            out["ContentLength"] = len(value)
        else:
            out[key] = value
    return out


def _json_safe(value: object, depth: int = 0) -> Any:
    """Plain JSON types only (no NaN/inf, no huge ints), bounded depth, so the caller can store it."""
    if depth > 20:
        return None
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 1 << 63 else str(value)[:40]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item, depth + 1) for item in value]
    return str(value)


def _digest(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
