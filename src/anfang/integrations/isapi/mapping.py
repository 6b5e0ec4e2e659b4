"""Map an `IsapiAlert` to anfang's `DeviceEvent` (the only thing the Django side sees)."""

from __future__ import annotations

import hashlib
from typing import Any, Final

from anfang.integrations import events
from anfang.integrations.events import DeviceEvent
from anfang.integrations.isapi.models import IsapiAlert

SOURCE: Final = "isapi"

# ISAPI eventType (lower-cased) -> normalised type. Anything else is OTHER: stored and visible, never
# silently dropped (ARCHITECTURE, data flow step 2).
TYPE_BY_EVENT: Final[dict[str, str]] = {
    "fielddetection": events.INTRUSION,  # 区域入侵
    "regionentrance": events.INTRUSION,
    "regionexiting": events.INTRUSION,
    "linedetection": events.PERIMETER,  # 越界 — a virtual tripwire along the perimeter (第8条)
    "io": events.INTRUSION,  # alarm input: usually a PIR or beam detector wired to the camera/NVR
    "pir": events.INTRUSION,
    "vmd": events.MOTION,
    "motion": events.MOTION,
    "shelteralarm": events.TAMPER,  # camera covered
    "tamper": events.TAMPER,
    "videoloss": events.DEVICE_FAULT,
    "diskfull": events.DEVICE_FAULT,
    "diskerror": events.DEVICE_FAULT,
    "nicbroken": events.DEVICE_FAULT,
    "ipconflict": events.DEVICE_FAULT,
    "illaccess": events.DEVICE_FAULT,  # illegal log-in attempts
    "heartbeat": events.HEARTBEAT,  # keep-alive pushes: update last-seen only
    "anpr": events.OTHER,  # plate reads go to the vehicles app (`IsapiAlert.is_anpr`)
}


def event_type_for(event_type: str, relation_event: str = "") -> str:
    """The normalised type of an ISAPI eventType; a "duration" alert takes its relationEvent's type."""
    key = event_type.strip().lower()
    if key == "duration" and relation_event.strip().lower() not in ("", "duration"):
        return event_type_for(relation_event)
    return TYPE_BY_EVENT.get(key, events.OTHER)


def external_id_for(alert: IsapiAlert) -> str:
    """A digest of what does not change when a device re-sends the same push.

    eventType, state, channel, input port, region, the device's time, activePostCount and UUID: a re-sent
    push gives the same id (a duplicate, harmless), the next event (new time or count) a new one. The
    address, port and pictures are left out on purpose: they may differ between two sends of one event.
    """
    when = alert.date_time.isoformat() if alert.date_time is not None else alert.date_time_text
    fields = (
        "isapi/1",
        alert.event_type.lower(),
        alert.event_state.lower(),
        alert.channel,
        alert.input_port,
        alert.region_id,
        alert.relation_event.lower(),
        when,
        alert.active_post_count,
        alert.uuid,
    )
    text = "\x1f".join("" if value is None else str(value) for value in fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def zone_for(alert: IsapiAlert) -> str:
    """An IO alarm's zone is its input port (the detector wired there); otherwise the video channel."""
    if alert.event_type.lower() == "io" and alert.input_port is not None:
        return str(alert.input_port)
    return "" if alert.channel is None else str(alert.channel)


def to_device_event(alert: IsapiAlert, *, device_code: str) -> DeviceEvent:
    """The normalised event; `occurred_at` is the device's time as sent (drift is judged by the caller)."""
    return DeviceEvent(
        source=SOURCE,
        device=device_code,
        external_id=external_id_for(alert),
        type=event_type_for(alert.event_type, alert.relation_event),
        occurred_at=alert.date_time,
        zone=zone_for(alert),
        restore=not alert.active,
        vendor_code=alert.event_type,
        text=alert.channel_name,
        data=_data(alert),
        pictures=alert.pictures,
    )


def _data(alert: IsapiAlert) -> dict[str, Any]:
    """JSON-ready details; empty values are left out so stored events stay small."""
    data: dict[str, Any] = {
        "event_state": alert.event_state,
        "channel": alert.channel,
        "dyn_channel": alert.dyn_channel,
        "date_time": alert.date_time_text,
        "ip_address": alert.ip_address,
        "mac_address": alert.mac_address,
        "channel_name": alert.channel_name,
        "event_description": alert.event_description,
        "serial_number": alert.serial_number,
        "region_id": alert.region_id,
        "detection_target": alert.detection_target,
        "relation_event": alert.relation_event,
        "active_post_count": alert.active_post_count,
        "input_port": alert.input_port,
        "uuid": alert.uuid,
        "retransmission": alert.retransmission or None,
    }
    if alert.anpr is not None:
        anpr = alert.anpr
        data["anpr"] = {
            "plate": anpr.plate,
            "license_plate_raw": anpr.license_plate_raw,
            "plate_color": anpr.plate_color,
            "plate_type": anpr.plate_type,
            "confidence": anpr.confidence,
            "direction": anpr.direction,
            "plate_char_believe": list(anpr.plate_char_believe),
            "vehicle_type": anpr.vehicle_type,
            "vehicle_color": anpr.vehicle_color,
            "pictures": [{"file_name": p.file_name, "type": p.type} for p in anpr.pictures],
        }
    return {key: value for key, value in data.items() if value not in (None, "")}
