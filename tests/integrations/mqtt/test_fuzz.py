"""Random topics and payloads raise only `MqttPayloadError` (never another exception)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anfang.integrations.events import DeviceEvent
from anfang.integrations.mqtt import (
    MqttPayloadError,
    parse_event_payload,
    parse_message,
    parse_topic,
    parse_z2m,
)

RECEIVED = dt.datetime(2026, 11, 27, 8, 30, tzinfo=dt.UTC)
TOPICS = st.sampled_from(
    ["anfang/c/d/event", "anfang/c/d/heartbeat", "zigbee2mqtt/S", "zigbee2mqtt/S/availability"]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["external_id", "type", "occurred_at", "zone", "data", "restore", "text", "device", "contact", "smoke"]
)


def parsed_or_typed_error(call: Any) -> None:
    try:
        result = call()
    except MqttPayloadError:
        return
    events = result if isinstance(result, list) else [result]
    assert all(isinstance(e, DeviceEvent) for e in events)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(topic=TOPICS, body=st.binary(max_size=512))
def test_random_bytes_raise_only_the_library_error(topic: str, body: bytes) -> None:
    parsed_or_typed_error(lambda: parse_message(topic, body, received_at=RECEIVED))
    parsed_or_typed_error(lambda: parse_event_payload(body, device_code="D"))


@settings(max_examples=400)
@given(topic=st.text(max_size=80))
def test_random_topics_raise_only_the_library_error(topic: str) -> None:
    parsed_or_typed_error(lambda: parse_topic(topic))
    parsed_or_typed_error(lambda: parse_message(topic, b"{}", received_at=RECEIVED))


@settings(max_examples=400)
@given(body=st.dictionaries(KEYS, JSON, max_size=8))
def test_random_json_objects_raise_only_the_library_error(body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    parsed_or_typed_error(lambda: parse_event_payload(raw, device_code="D"))
    parsed_or_typed_error(lambda: parse_z2m("zigbee2mqtt/S", raw, device_code="S", received_at=RECEIVED))


@settings(max_examples=300)
@given(occurred_at=st.text(max_size=40) | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()))
def test_random_times_raise_only_the_library_error(occurred_at: str) -> None:
    raw = json.dumps({"external_id": "1", "type": "fire", "occurred_at": occurred_at}).encode()
    parsed_or_typed_error(lambda: parse_event_payload(raw, device_code="D"))
