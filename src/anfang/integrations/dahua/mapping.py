"""Map a `DahuaEvent` to anfang's `DeviceEvent` (the only thing the Django side sees)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Final

from anfang.integrations import events
from anfang.integrations.dahua.models import DahuaEvent
from anfang.integrations.events import DeviceEvent

SOURCE: Final = "dahua"

# Dahua Code (lower-cased) -> normalised type. Anything else is OTHER: stored and visible, not dropped.
TYPE_BY_CODE: Final[dict[str, str]] = {
    "videomotion": events.MOTION,
    "smartmotionhuman": events.MOTION,
    "smartmotionvehicle": events.MOTION,
    "humantrait": events.MOTION,
    "crosslinedetection": events.PERIMETER,  # tripwire along the perimeter (第8条)
    "crossregiondetection": events.INTRUSION,
    "alarmlocal": events.INTRUSION,  # alarm input: a detector wired to the camera/NVR
    "videoblind": events.TAMPER,  # camera covered
    "videoloss": events.DEVICE_FAULT,
    "storagefailure": events.DEVICE_FAULT,
    "heartbeat": events.HEARTBEAT,  # the stream's keep-alive (attach&heartbeat=N)
}


def event_type_for(code: str) -> str:
    """The normalised type of a Dahua event Code (traffic/plate codes are OTHER: `is_traffic`)."""
    return TYPE_BY_CODE.get(code.strip().lower(), events.OTHER)


def external_id_for(event: DahuaEvent, *, received_at: dt.datetime) -> str:
    """A digest of the block's content; the receive time joins it only when the block has no own time.

    A block with data carries EventID/UTC/PTS, so the same block seen twice is a duplicate. A bare
    `Code=VideoMotion;action=Start;index=0` looks the same every time it happens, so there the receive
    time tells two occurrences apart (attach streams are not replayed after a reconnect).
    """
    content = json.dumps(event.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    fields: list[str] = ["dahua/1", event.code, event.action, str(event.index), content]
    if event.occurred_at is None and event.event_id is None:
        fields.append(received_at.isoformat())
    text = "\x1f".join(fields)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def to_device_event(event: DahuaEvent, *, device_code: str, received_at: dt.datetime) -> DeviceEvent:
    """The normalised event. `received_at` (aware) only makes ids of time-less blocks unique.

    `occurred_at` is what the device said (None when it said nothing); clock drift is the caller's job.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return DeviceEvent(
        source=SOURCE,
        device=device_code,
        external_id=external_id_for(event, received_at=received_at),
        type=event_type_for(event.code),
        occurred_at=event.occurred_at,
        zone="" if event.index is None else str(event.index),
        restore=event.restore,
        vendor_code=event.code,
        text=_name(event),
        data=_data(event),
    )


def _name(event: DahuaEvent) -> str:
    name = event.data.get("Name")
    return name if isinstance(name, str) else ""


def _data(event: DahuaEvent) -> dict[str, Any]:
    """JSON-ready details: the device's own data object is kept whole under "payload"."""
    data: dict[str, Any] = {"action": event.action, "index": event.index}
    if event.locale_time:
        data["locale_time"] = event.locale_time
    if event.event_id is not None:
        data["event_id"] = event.event_id
    if event.extra:
        data["extra"] = dict(event.extra)
    if event.data:
        data["payload"] = dict(event.data)
    if event.plate is not None:
        plate = event.plate
        data["plate"] = {
            "plate": plate.plate,
            "plate_color": plate.plate_color,
            "plate_type": plate.plate_type,
            "confidence": plate.confidence,
            "vehicle_type": plate.vehicle_type,
            "vehicle_color": plate.vehicle_color,
            "direction": plate.direction,
            "lane": plate.lane,
        }
    return data
