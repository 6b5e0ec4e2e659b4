"""The one normalised event every device adapter produces (ARCHITECTURE, data flow step 1).

Adapters (`integrations.isapi`, `.dahua`, `.mqtt`, `.sia`) turn bytes into `DeviceEvent`s; the Django
side (`alarms.services.ingest`) stores and processes them. Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# Normalised event types. Alarm types in `alarms.choices.AlarmTypeChoices` use the same slugs.
INTRUSION: Final = "intrusion"  # indoor/area intrusion, PIR, burglary zone (SIA BA, CID 130)
PERIMETER: Final = "perimeter"  # perimeter beam/fence/line crossing (第8条)
EMERGENCY: Final = "emergency"  # panic / emergency button / duress (SIA PA/HA, CID 120/121/122)
FIRE: Final = "fire"  # fire or smoke (SIA FA, CID 110/111)
GAS: Final = "gas"
WATER_LEAK: Final = "water_leak"
MEDICAL: Final = "medical"
TAMPER: Final = "tamper"  # enclosure tamper, camera blocked (shelteralarm), user-code tamper (SIA JC/TA)
DEVICE_FAULT: Final = "device_fault"  # trouble, low battery, video loss, storage fault
DEVICE_OFFLINE: Final = "device_offline"  # raised by anfang itself when heartbeats stop
MOTION: Final = "motion"  # video motion detection (VMD) — normally logged, not alarmed
DOOR: Final = "door"  # door/window contact opened
ARMING: Final = "arming"  # closing / arming report (SIA CL, CID 401 restore=closing)
DISARMING: Final = "disarming"  # opening / disarming report (SIA OP)
TEST: Final = "test"  # periodic test / supervision (SIA RP, CID 602)
HEARTBEAT: Final = "heartbeat"  # keep-alive; updates the device's last-seen time only
INFO: Final = "info"  # housekeeping worth keeping but never alarming: zone bypass, alarm silenced
OTHER: Final = "other"

EVENT_TYPES: Final[tuple[str, ...]] = (
    INTRUSION,
    PERIMETER,
    EMERGENCY,
    FIRE,
    GAS,
    WATER_LEAK,
    MEDICAL,
    TAMPER,
    DEVICE_FAULT,
    DEVICE_OFFLINE,
    MOTION,
    DOOR,
    ARMING,
    DISARMING,
    TEST,
    HEARTBEAT,
    INFO,
    OTHER,
)

# Event types that never become an alarm on their own: they are logged (and may update state).
LOG_ONLY_TYPES: Final[frozenset[str]] = frozenset({MOTION, ARMING, DISARMING, TEST, HEARTBEAT, INFO})

SOURCES: Final[tuple[str, ...]] = ("api", "isapi", "dahua", "mqtt", "sia", "system")


@dataclass(frozen=True)
class Picture:
    """A picture that came with an event (ISAPI multipart part, base64 in JSON)."""

    name: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # keep logs readable: never print the bytes
        return f"Picture({self.name!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class DeviceEvent:
    """One thing a device reported, in anfang's terms.

    `device` is the anfang device code (the ingest URL, MQTT topic or SIA account mapping supplies it);
    `external_id` makes ingestion idempotent per device; `restore` is True for "inactive"/"restore"/
    "closing" halves of start/stop pairs, which end a condition rather than raise an alarm.
    """

    source: str
    device: str
    external_id: str
    type: str
    occurred_at: dt.datetime | None
    zone: str = ""
    restore: bool = False
    vendor_code: str = ""  # the device's own code: "fielddetection", "BA", "1130", "SmartMotionHuman"
    text: str = ""  # free text the device sent (SIA ^text^, channel name)
    data: Mapping[str, Any] = field(default_factory=dict)
    pictures: tuple[Picture, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {self.type!r}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown event source {self.source!r}")
        if self.occurred_at is not None and self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")

    @property
    def alarmable(self) -> bool:
        """Whether this event can raise (or join) an alarm at all."""
        return not self.restore and self.type not in LOG_ONLY_TYPES
