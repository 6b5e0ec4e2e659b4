"""MQTT payloads: anfang's generic event and heartbeat topics, and Zigbee2MQTT sensor states.

Bytes in, `DeviceEvent`s out; no broker, no Django, no I/O, no clock. Entry points: `parse_topic`,
`parse_event_payload`, `parse_heartbeat`, `parse_z2m` and `parse_message` (dispatch on the topic).
"""

from anfang.integrations.mqtt.errors import MqttPayloadError
from anfang.integrations.mqtt.mapping import Z2M_SENSORS, z2m_event_type
from anfang.integrations.mqtt.models import MqttTopic
from anfang.integrations.mqtt.parser import (
    parse_event_payload,
    parse_heartbeat,
    parse_message,
    parse_topic,
    parse_z2m,
)

__all__ = [
    "Z2M_SENSORS",
    "MqttPayloadError",
    "MqttTopic",
    "parse_event_payload",
    "parse_heartbeat",
    "parse_message",
    "parse_topic",
    "parse_z2m",
    "z2m_event_type",
]
