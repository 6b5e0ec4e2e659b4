"""Topics, the generic event payload and heartbeats; bad input gives a clear `MqttPayloadError`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from anfang.integrations import events as ev
from anfang.integrations.mqtt import (
    MqttPayloadError,
    MqttTopic,
    parse_event_payload,
    parse_heartbeat,
    parse_message,
    parse_topic,
    parse_z2m,
)

RECEIVED = dt.datetime(2026, 11, 27, 8, 30, 15, tzinfo=dt.UTC)
GOOD: dict[str, Any] = {
    "external_id": "evt-42",
    "type": "intrusion",
    "occurred_at": "2026-11-27T16:29:58+08:00",
    "zone": "3",
    "data": {"sensor": "pir"},
}


def payload(**changes: Any) -> bytes:
    body = {**GOOD, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not ...}).encode()


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("anfang/demo1/CAM-01/event", MqttTopic("demo1", "CAM-01", "event")),
        ("anfang/demo1/CAM-01/heartbeat", MqttTopic("demo1", "CAM-01", "heartbeat")),
        ("zigbee2mqtt/Kitchen", MqttTopic("", "Kitchen", "z2m")),
        ("zigbee2mqtt/floor 2/hall sensor", MqttTopic("", "floor 2/hall sensor", "z2m")),
        ("zigbee2mqtt/Kitchen/availability", MqttTopic("", "Kitchen", "z2m_availability")),
        ("zigbee2mqtt/Kitchen/set", MqttTopic("", "Kitchen", "z2m_command")),
        ("zigbee2mqtt/bridge/state", MqttTopic("", "bridge/state", "z2m_bridge")),
    ],
)
def test_topics(topic: str, expected: MqttTopic) -> None:
    assert parse_topic(topic) == expected
    community, device, kind = parse_topic(topic)  # unpacks as (community, device, kind)
    assert (community, device, kind) == expected


@pytest.mark.parametrize(
    "topic",
    [
        "",
        "anfang/demo1/CAM-01",
        "anfang/demo1/CAM-01/event/extra",
        "anfang//CAM-01/event",
        "anfang/demo1/CAM-01/status",
        "anfang/+/CAM-01/event",
        "anfang/demo1/#",
        "other/demo1/CAM-01/event",
        "zigbee2mqtt/",
        "anfang/demo1/CAM\x00/event",
        "anfang/" + "x" * 600 + "/d/event",
    ],
)
def test_bad_topics(topic: str) -> None:
    with pytest.raises(MqttPayloadError):
        parse_topic(topic)


def test_generic_event_payload() -> None:
    event = parse_event_payload(payload(), device_code="CAM-01")
    assert event == ev.DeviceEvent(
        source="mqtt",
        device="CAM-01",
        external_id="evt-42",
        type="intrusion",
        occurred_at=dt.datetime(2026, 11, 27, 8, 29, 58, tzinfo=dt.UTC),
        zone="3",
        data={"sensor": "pir"},
    )
    assert event.alarmable


def test_optional_fields_and_tolerated_forms() -> None:
    event = parse_event_payload(
        payload(
            zone=..., data=..., external_id=17, occurred_at="2026-11-27T08:00:00Z", restore=True, text="ok"
        ),
        device_code="D",
    )
    assert (event.external_id, event.zone, event.data, event.restore, event.text) == (
        "17",
        "",
        {},
        True,
        "ok",
    )
    assert parse_event_payload(payload(device="D"), device_code="D").device == "D"
    assert parse_event_payload(b"\xef\xbb\xbf" + payload(), device_code="D").external_id == "evt-42"  # BOM


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON"),
        (b"{", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "object"),
        (payload(data=...).replace(b"}", b', "data": {"t": NaN}}'), "NaN"),
        (b'"text"', "object"),
        (b"[" * 100000 + b"]" * 100000, "not JSON"),
        (payload(external_id=...), "external_id"),
        (payload(external_id=""), "external_id"),
        (payload(external_id=True), "external_id"),
        (payload(external_id="x" * 201), "external_id"),
        (payload(type=...), "type"),
        (payload(type="burglary"), "type"),
        (payload(type=3), "type"),
        (payload(occurred_at=...), "occurred_at"),
        (payload(occurred_at=None), "occurred_at"),
        (payload(occurred_at="yesterday"), "occurred_at"),
        (payload(occurred_at="2026-11-27T08:00:00"), "UTC offset"),
        (payload(occurred_at=1764230400), "occurred_at"),
        (payload(zone=["a"]), "zone"),
        (payload(zone="z" * 61), "zone"),
        (payload(data=[1]), "data"),
        (payload(restore="yes"), "restore"),
        (payload(text=5), "text"),
        (payload(device="OTHER"), "device"),
        (b"{" + b" " * (300 * 1024) + b"}", "larger"),
    ],
)
def test_bad_event_payloads_say_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(MqttPayloadError, match=message):
        parse_event_payload(body, device_code="D")


def test_heartbeat_accepts_any_payload() -> None:
    for body in (b"", b"1", b"online", b"\xff", b'{"uptime": 12}'):
        event = parse_heartbeat(body, device_code="D", received_at=RECEIVED)
        assert (event.type, event.device, event.external_id) == (
            ev.HEARTBEAT,
            "D",
            "heartbeat/20261127T083015Z",
        )
        assert not event.alarmable
    with_time = parse_heartbeat(
        b'{"occurred_at": "2026-11-27T08:30:10Z"}', device_code="D", received_at=RECEIVED
    )
    assert with_time.occurred_at == dt.datetime(2026, 11, 27, 8, 30, 10, tzinfo=dt.UTC)


def test_parse_message_dispatches_on_the_topic() -> None:
    [event] = parse_message("anfang/demo1/CAM-01/event", payload(), received_at=RECEIVED)
    assert event.device == "CAM-01" and event.type == ev.INTRUSION
    [beat] = parse_message("anfang/demo1/CAM-01/heartbeat", b"", received_at=RECEIVED)
    assert beat.type == ev.HEARTBEAT
    [leak] = parse_message(
        "zigbee2mqtt/Bath", b'{"water_leak": true}', received_at=RECEIVED, device_code="WL-1"
    )
    assert (leak.device, leak.type, leak.restore) == ("WL-1", ev.WATER_LEAK, False)
    assert parse_message("zigbee2mqtt/Bath/availability", b'{"state":"online"}', received_at=RECEIVED) == []


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"contact": False}, [(ev.DOOR, False)]),
        ({"contact": True}, [(ev.DOOR, True)]),
        ({"smoke": True}, [(ev.FIRE, False)]),
        ({"gas": True}, [(ev.GAS, False)]),
        ({"tamper": True}, [(ev.TAMPER, False)]),
        ({"battery_low": True}, [(ev.DEVICE_FAULT, False)]),
        ({"occupancy": True, "smoke": False}, [(ev.FIRE, True), (ev.MOTION, False)]),
        ({"occupancy": None, "smoke": "false", "battery": 3}, []),  # not booleans: no reading
    ],
)
def test_z2m_keys_map(state: dict[str, Any], expected: list[tuple[str, bool]]) -> None:
    events = parse_z2m("zigbee2mqtt/S", json.dumps(state).encode(), device_code="S", received_at=RECEIVED)
    assert sorted((e.type, e.restore) for e in events) == sorted(expected)


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        ("anfang/c/d/event", b'{"smoke": true}'),  # not a z2m topic
        ("zigbee2mqtt/S/availability", b'{"state": "online"}'),
        ("zigbee2mqtt/S", b"online"),
        ("zigbee2mqtt/S", b"[true]"),
    ],
)
def test_bad_z2m_input(topic: str, body: bytes) -> None:
    with pytest.raises(MqttPayloadError):
        parse_z2m(topic, body, device_code="S", received_at=RECEIVED)


def test_naive_receive_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_z2m("zigbee2mqtt/S", b"{}", device_code="S", received_at=dt.datetime(2026, 1, 1))
