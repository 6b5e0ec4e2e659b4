"""Frozen value types of the MQTT library."""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

TopicKind = Literal["event", "heartbeat", "z2m", "z2m_availability", "z2m_bridge", "z2m_command"]

EVENT: Final = "event"
HEARTBEAT: Final = "heartbeat"
Z2M: Final = "z2m"  # a Zigbee2MQTT device state: zigbee2mqtt/<friendly name>
Z2M_AVAILABILITY: Final = "z2m_availability"  # zigbee2mqtt/<friendly name>/availability
Z2M_BRIDGE: Final = "z2m_bridge"  # zigbee2mqtt/bridge/...: the bridge's own state and logs
Z2M_COMMAND: Final = "z2m_command"  # zigbee2mqtt/<friendly name>/set|get: commands, not reports


class MqttTopic(NamedTuple):
    """Where a message came from: `anfang/<community>/<device>/<kind>` or `zigbee2mqtt/<name>`.

    For Zigbee2MQTT topics `community` is "" and `device` is the friendly name, which the worker maps
    to an anfang device code.
    """

    community: str
    device: str
    kind: TopicKind
