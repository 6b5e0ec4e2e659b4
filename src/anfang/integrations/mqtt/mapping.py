"""Zigbee2MQTT sensor keys → anfang event types.

A Zigbee2MQTT state payload carries the sensor's whole state, e.g. an Aqara contact sensor::

    {"battery":100,"contact":true,"linkquality":212,"voltage":3095}

Each boolean key below becomes one event; the value that means "alarm" is given per key (z2m's
`contact` is True when the door is *closed*). The other value is a restore.
"""

from __future__ import annotations

from typing import Final

from anfang.integrations import events as ev

# key → (event type, value that raises the condition)
Z2M_SENSORS: Final[dict[str, tuple[str, bool]]] = {
    "contact": (ev.DOOR, False),  # contact=false: door/window open
    "water_leak": (ev.WATER_LEAK, True),
    "smoke": (ev.FIRE, True),
    "gas": (ev.GAS, True),
    "carbon_monoxide": (ev.GAS, True),
    "occupancy": (ev.MOTION, True),
    "tamper": (ev.TAMPER, True),
    "battery_low": (ev.DEVICE_FAULT, True),
}


def z2m_event_type(key: str, value: bool) -> tuple[str, bool] | None:
    """(event type, restore) for one sensor key and its value; None for keys that are not sensors."""
    entry = Z2M_SENSORS.get(key)
    if entry is None:
        return None
    event_type, alarm_value = entry
    return event_type, value is not alarm_value
