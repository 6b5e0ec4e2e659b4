"""Read MQTT topics and payloads: anfang's generic event JSON, heartbeats and Zigbee2MQTT states.

Sample generic event on `anfang/<community>/<device>/event` (the body of POST /api/v1/events without
"device")::

    {"external_id": "42", "type": "intrusion", "occurred_at": "2026-11-27T08:00:00+08:00", "zone": "3"}

Pure parsing: no broker, no I/O, no clock (`received_at` is passed in). The worker subscribes,
maps the topic to a device and calls these.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any, Final

from anfang.integrations import events as ev
from anfang.integrations import generic
from anfang.integrations.events import DeviceEvent
from anfang.integrations.mqtt import models
from anfang.integrations.mqtt.errors import MqttPayloadError
from anfang.integrations.mqtt.mapping import Z2M_SENSORS, z2m_event_type
from anfang.integrations.mqtt.models import MqttTopic

ANFANG_PREFIX: Final = "anfang"
Z2M_PREFIX: Final = "zigbee2mqtt"  # Zigbee2MQTT's default base topic
MAX_PAYLOAD_BYTES: Final = 256 * 1024  # an event with a few small base64 pictures fits; a flood does not
MAX_TOPIC_CHARS: Final = 512


def parse_topic(topic: str, *, z2m_prefix: str = Z2M_PREFIX) -> MqttTopic:
    """`anfang/<community>/<device>/event|heartbeat` or `<z2m_prefix>/<friendly name>[/…]`."""
    if not topic or len(topic) > MAX_TOPIC_CHARS:
        raise MqttPayloadError("topic is empty or too long")
    if any(ch in topic for ch in "+#\x00"):
        raise MqttPayloadError("topic holds a wildcard or NUL character")
    head, _, rest = topic.partition("/")
    if head == ANFANG_PREFIX:
        parts = rest.split("/")
        if len(parts) != 3 or not all(p.strip() for p in parts[:2]):
            raise MqttPayloadError(f"expected anfang/<community>/<device>/<kind>, got {topic!r}")
        community, device, kind = parts
        if kind == models.EVENT:
            return MqttTopic(community, device, models.EVENT)
        if kind == models.HEARTBEAT:
            return MqttTopic(community, device, models.HEARTBEAT)
        raise MqttPayloadError(f"unknown anfang topic kind {kind!r} (event or heartbeat)")
    if head == z2m_prefix and rest:
        # Friendly names may contain "/"; z2m reserves the last level for these suffixes.
        if rest == "bridge" or rest.startswith("bridge/"):
            return MqttTopic("", rest, models.Z2M_BRIDGE)
        name, _, last = rest.rpartition("/")
        if name and last == "availability":
            return MqttTopic("", name, models.Z2M_AVAILABILITY)
        if name and last in ("set", "get"):
            return MqttTopic("", name, models.Z2M_COMMAND)
        return MqttTopic("", rest, models.Z2M)
    raise MqttPayloadError(f"topic {topic!r} is neither anfang/… nor {z2m_prefix}/…")


def parse_event_payload(payload: bytes, *, device_code: str) -> DeviceEvent:
    """The generic event contract (`integrations.generic`, as `POST /api/v1/events`) on the topic's
    device: external_id, type, occurred_at (with offset), zone?, data?, restore?, text?; a "device" key,
    if present, must name the topic's device."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MqttPayloadError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        return generic.parse_event(payload, source="mqtt", device_code=device_code)
    except generic.EventFormatError as exc:
        raise MqttPayloadError(str(exc)) from exc


def parse_heartbeat(payload: bytes, *, device_code: str, received_at: dt.datetime) -> DeviceEvent:
    """A keep-alive (R-33.1): any payload; a JSON object's fields are kept and its occurred_at used."""
    _aware(received_at)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MqttPayloadError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    data: dict[str, Any] = {}
    occurred_at = None
    if payload.strip():
        try:
            data = _json_object(payload)
        except MqttPayloadError:
            data = {}  # a bare "1" or "online" is a heartbeat too
        if isinstance(data.get("occurred_at"), str):
            try:
                occurred_at = _timestamp(data["occurred_at"], "occurred_at")
            except MqttPayloadError:
                occurred_at = None
    return DeviceEvent(
        source="mqtt",
        device=device_code,
        external_id=f"heartbeat/{_second(received_at)}",
        type=ev.HEARTBEAT,
        occurred_at=occurred_at,
        data=data,
    )


def parse_z2m(
    topic: str,
    payload: bytes,
    *,
    device_code: str,
    received_at: dt.datetime,
    previous: Mapping[str, Any] | None = None,
) -> list[DeviceEvent]:
    """One event per sensor key in a Zigbee2MQTT state payload (contact, water_leak, smoke, …).

    z2m has no event id: the id is a hash of the payload plus the receive second and the key, so a
    message redelivered by the broker within the second is a duplicate. z2m repeats the whole state on
    every report; pass the last state as `previous` to get events only for keys whose value changed.
    """
    _aware(received_at)
    route = parse_topic(topic)
    if route.kind != models.Z2M:
        raise MqttPayloadError(f"{topic!r} is not a Zigbee2MQTT device state topic")
    state = _json_object(payload)
    digest = hashlib.sha256(payload).hexdigest()[:16]
    data = _z2m_data(state)
    events = []
    for key in Z2M_SENSORS:
        value = state.get(key)
        if not isinstance(value, bool):
            continue  # absent, null or a vendor's odd value: not a reading
        if previous is not None and previous.get(key) is value:
            continue
        mapped = z2m_event_type(key, value)
        if mapped is None:  # pragma: no cover - every key of Z2M_SENSORS maps
            continue
        event_type, restore = mapped
        events.append(
            DeviceEvent(
                source="mqtt",
                device=device_code,
                external_id=f"z2m/{digest}/{_second(received_at)}/{key}",
                type=event_type,
                occurred_at=None,  # z2m sends no device time
                restore=restore,
                vendor_code=key,
                text=route.device[: generic.MAX_TEXT],
                data={**data, "sensor": key, key: value},
            )
        )
    return events


def parse_message(
    topic: str, payload: bytes, *, received_at: dt.datetime, device_code: str | None = None
) -> list[DeviceEvent]:
    """Dispatch on the topic; `device_code` defaults to the topic's device (z2m: the friendly name).

    Availability, bridge and command topics carry no event: an empty list.
    """
    route = parse_topic(topic)
    code = device_code or route.device
    if route.kind == models.EVENT:
        return [parse_event_payload(payload, device_code=code)]
    if route.kind == models.HEARTBEAT:
        return [parse_heartbeat(payload, device_code=code, received_at=received_at)]
    if route.kind == models.Z2M:
        return parse_z2m(topic, payload, device_code=code, received_at=received_at)
    return []


# --- helpers ---------------------------------------------------------------------------------------


def _json_object(payload: bytes) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MqttPayloadError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        return generic.loads_object(payload)
    except generic.EventFormatError as exc:
        raise MqttPayloadError(f"payload {exc.detail}") from exc


def _timestamp(value: object, name: str) -> dt.datetime:
    try:
        return generic.timestamp(value, name)
    except generic.EventFormatError as exc:
        raise MqttPayloadError(f"'{name}' {exc.detail}") from exc


def _aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")


def _second(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _z2m_data(state: dict[str, Any]) -> dict[str, Any]:
    """The state minus the embedded device object, whose address and model are kept by name."""
    data = {key: value for key, value in state.items() if key != "device"}
    device = state.get("device")
    if isinstance(device, dict):
        ieee = device.get("ieeeAddr") or device.get("ieee_address")
        model = device.get("modelId") or device.get("modelID") or device.get("model")
        if isinstance(ieee, str):
            data["ieee"] = ieee
        if isinstance(model, str):
            data["model"] = model
    return data
