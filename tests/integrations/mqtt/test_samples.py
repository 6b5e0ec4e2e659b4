"""Every real Zigbee2MQTT sample in ../shared/fixtures/protocols/mqtt parses to what INDEX.md says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.integrations import events as ev
from anfang.integrations.mqtt import MqttTopic, parse_topic, parse_z2m
from tests.support.shared_data import protocol_fixture, shared_dir

RECEIVED = dt.datetime(2026, 11, 27, 8, 30, 15, 400000, tzinfo=dt.UTC)

# file → (topic, the main sensor's event (type, restore), fields INDEX.md lists, other events)
SAMPLES: dict[str, tuple[str, tuple[str, bool], dict[str, Any], set[tuple[str, bool]]]] = {
    "z2m_aqara_contact_window.json": (
        "zigbee2mqtt/Aqara WindowSensorHome",
        (ev.DOOR, True),  # contact=true: closed
        {"sensor": "contact", "contact": True, "battery": 100, "voltage": 3095, "linkquality": 212},
        set(),
    ),
    "z2m_trust_water_leak_true.json": (
        "zigbee2mqtt/0x005043c95f277c80",
        (ev.WATER_LEAK, False),
        {
            "sensor": "water_leak",
            "water_leak": True,
            "tamper": False,
            "battery_low": False,
            "linkquality": 94,
        },
        {(ev.TAMPER, True), (ev.DEVICE_FAULT, True)},
    ),
    "z2m_trust_water_leak_false.json": (
        "zigbee2mqtt/0x005043c95f277c80",
        (ev.WATER_LEAK, True),
        {
            "sensor": "water_leak",
            "water_leak": False,
            "tamper": False,
            "battery_low": False,
            "linkquality": 97,
        },
        {(ev.TAMPER, True), (ev.DEVICE_FAULT, True)},
    ),
    "z2m_xiaomi_smoke_false_battery_string.json": (
        "zigbee2mqtt/livingroomsmokedetector",
        (ev.FIRE, True),
        {"sensor": "smoke", "smoke": False, "battery": "100.00", "voltage": 3055},
        set(),
    ),
    "z2m_xiaomi_smoke_with_device_object.json": (
        "zigbee2mqtt/Smoke",
        (ev.FIRE, True),
        {
            "sensor": "smoke",
            "smoke": False,
            "battery": 100,
            "ieee": "0x00158d0001d64498",
            "model": "lumi.sensor_smoke",
        },
        set(),
    ),
    "z2m_xiaomi_motion_occupancy_true.json": (
        "zigbee2mqtt/KeukenMotionSensorMS4",
        (ev.MOTION, False),
        {"sensor": "occupancy", "occupancy": True, "battery": 97, "illuminance": 0},
        set(),
    ),
    "z2m_hue_motion_nulls.json": (
        "zigbee2mqtt/Bad Motion",
        (ev.MOTION, True),
        {"sensor": "occupancy", "occupancy": False, "battery": 74},
        set(),
    ),
    "z2m_aqara_motion_minimal_2018.json": (
        "zigbee2mqtt/0x00158d0002006aa6",
        (ev.MOTION, False),
        {"sensor": "occupancy", "occupancy": True, "illuminance": 122},
        set(),
    ),
}


def test_every_mqtt_sample_is_covered() -> None:
    on_disk = {p.name for p in (shared_dir() / "fixtures/protocols/mqtt").iterdir()}
    assert on_disk == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_topic_names_the_z2m_device(name: str) -> None:
    topic = SAMPLES[name][0]
    assert parse_topic(topic) == MqttTopic("", topic.removeprefix("zigbee2mqtt/"), "z2m")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_parses_to_what_the_index_says(name: str) -> None:
    topic, (event_type, restore), fields, others = SAMPLES[name]
    events = parse_z2m(topic, protocol_fixture(f"mqtt/{name}"), device_code="Z-1", received_at=RECEIVED)
    main = next(e for e in events if e.vendor_code == fields["sensor"])
    assert (main.source, main.device, main.type, main.restore) == ("mqtt", "Z-1", event_type, restore)
    assert {key: main.data.get(key) for key in fields} == fields
    assert main.text == topic.removeprefix("zigbee2mqtt/")
    assert {(e.type, e.restore) for e in events if e is not main} == others
    assert "device" not in main.data  # the embedded device object is reduced to ieee and model


def test_sample_external_ids_are_stable_per_second_and_distinct_per_sensor() -> None:
    name = "z2m_trust_water_leak_true.json"
    topic, payload = SAMPLES[name][0], protocol_fixture(f"mqtt/{name}")
    first = parse_z2m(topic, payload, device_code="Z", received_at=RECEIVED)
    again = parse_z2m(topic, payload, device_code="Z", received_at=RECEIVED.replace(microsecond=900000))
    later = parse_z2m(topic, payload, device_code="Z", received_at=RECEIVED + dt.timedelta(seconds=1))
    assert [e.external_id for e in first] == [e.external_id for e in again]  # broker redelivery
    assert len({e.external_id for e in first}) == 3
    assert not {e.external_id for e in first} & {e.external_id for e in later}
    assert first[0].external_id.endswith("/20261127T083015Z/water_leak")


def test_repeated_state_gives_events_only_for_changes() -> None:
    topic = "zigbee2mqtt/0x005043c95f277c80"
    before = {"water_leak": False, "tamper": False, "battery_low": False}
    payload = protocol_fixture("mqtt/z2m_trust_water_leak_true.json")
    events = parse_z2m(topic, payload, device_code="Z", received_at=RECEIVED, previous=before)
    assert [(e.type, e.restore) for e in events] == [(ev.WATER_LEAK, False)]
