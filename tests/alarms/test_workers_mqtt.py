"""`anfang worker mqtt` against a real Mosquitto: events stored before PUBACK, duplicates harmless, bad
payloads kept, the persistent session delivering what was published while the worker was down, and a
SIGKILL in the middle of a stream losing nothing that the broker had confirmed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion

from anfang.alarms.models import Alarm, InboundEvent
from anfang.alarms.workers import MqttListener, parse_broker_url
from anfang.core.config import ConfigError
from anfang.devices.models import Device
from tests.support.mosquitto import Broker, free_port, mosquitto, sqlite_read_uncommitted, wait_listening
from tests.support.shared_data import protocol_fixture
from tests.support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]


def publisher(broker: Broker) -> paho.Client:
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


def publish(client: paho.Client, topic: str, payload: bytes | str) -> None:
    """Publish with QoS 1 and wait for the broker's PUBACK."""
    info = client.publish(topic, payload, qos=1)
    info.wait_for_publish(timeout=10)
    assert info.is_published()


def event_body(external_id: str, type: str = "perimeter", **extra: Any) -> str:
    return json.dumps(
        {
            "external_id": external_id,
            "type": type,
            "occurred_at": timezone.now().isoformat(),
            "zone": "1",
            **extra,
        }
    )


class RunningListener:
    def __init__(self, broker: Broker, client_id: str) -> None:
        self.listener = MqttListener(broker.url, client_id=client_id, min_backoff=0.2, max_backoff=1.0)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.listener.run, args=(self.stop,), daemon=True)

    def __enter__(self) -> MqttListener:
        self.thread.start()
        return self.listener

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    with mosquitto(tmp_path / "broker") as running:
        yield running


@pytest.fixture
def listening(broker: Broker, transactional_db: Any) -> Iterator[MqttListener]:
    unlocked = sqlite_read_uncommitted()
    next(unlocked)
    with RunningListener(broker, f"anfang-test-{uuid.uuid4().hex[:8]}") as listener:
        wait_for(listener.subscribed.is_set, what="the subscriptions")
        yield listener
    next(unlocked, None)


@pytest.fixture
def pub(broker: Broker) -> Iterator[paho.Client]:
    client = publisher(broker)
    yield client
    client.disconnect()
    client.loop_stop()


# ---------------------------------------------------------------------------------------------------
# Through the broker
# ---------------------------------------------------------------------------------------------------


def test_an_event_on_the_device_topic_raises_an_alarm(site: Any, listening: MqttListener, pub: paho.Client):
    publish(pub, "anfang/a/PIR-1/event", event_body("m-1"))
    stored = wait_for(
        lambda: InboundEvent.objects.filter(external_id="m-1", status="alarm").first(), what="the alarm"
    )
    alarm = Alarm.objects.get(device=site.detector)
    assert stored.source == "mqtt" and stored.device == site.detector and stored.alarm_id == alarm.pk
    assert alarm.alarm_type == "perimeter"
    assert json.loads(bytes(stored.raw))["external_id"] == "m-1"  # the payload is kept as sent


def test_the_same_event_twice_is_stored_once(site: Any, listening: MqttListener, pub: paho.Client):
    body = event_body("m-dup")
    publish(pub, "anfang/a/PIR-1/event", body)
    publish(pub, "anfang/a/PIR-1/event", body)
    publish(pub, "anfang/a/PIR-1/event", event_body("m-after"))
    wait_for(lambda: InboundEvent.objects.filter(external_id="m-after").exists(), what="the last event")
    assert InboundEvent.objects.filter(device=site.detector, external_id="m-dup").count() == 1
    assert Alarm.objects.filter(device=site.detector).count() == 1


def test_an_unreadable_payload_is_kept_raw_and_flagged(site: Any, listening: MqttListener, pub: paho.Client):
    publish(pub, "anfang/a/PIR-1/event", b"\xff\xfe not json")
    kept = wait_for(
        lambda: InboundEvent.objects.filter(status="unparseable").first(), what="the kept payload"
    )
    assert bytes(kept.raw) == b"\xff\xfe not json"
    assert kept.device == site.detector and kept.source == "mqtt"
    assert "anfang/a/PIR-1/event" in kept.error
    assert not Alarm.objects.exists()


def test_a_message_the_database_refuses_is_kept_and_does_not_block_the_queue(
    site: Any, listening: MqttListener, pub: paho.Client, monkeypatch: pytest.MonkeyPatch
):
    from anfang.alarms import services

    real_store = services.store

    def refusing(event: Any, **kwargs: Any) -> Any:
        if event.external_id == "poison":
            raise ValueError("a value the database refuses")
        return real_store(event, **kwargs)

    monkeypatch.setattr(services, "store", refusing)
    publish(pub, "anfang/a/PIR-1/event", event_body("poison"))
    publish(pub, "anfang/a/PIR-1/event", event_body("after-poison"))
    wait_for(lambda: InboundEvent.objects.filter(external_id="after-poison").exists(), what="the next event")
    kept = InboundEvent.objects.get(status="unparseable")
    assert b"poison" in bytes(kept.raw) and "ValueError" in kept.error


def test_a_device_addressed_under_another_community_is_kept_not_alarmed(
    site: Any, listening: MqttListener, pub: paho.Client
):
    publish(pub, "anfang/b/PIR-1/event", event_body("m-wrong"))
    kept = wait_for(
        lambda: InboundEvent.objects.filter(status="unparseable").first(), what="the kept payload"
    )
    assert "community" in kept.error and "'b'" in kept.error
    assert not Alarm.objects.exists()
    assert not InboundEvent.objects.filter(external_id="m-wrong").exists()


def test_a_heartbeat_marks_the_device_alive(site: Any, listening: MqttListener, pub: paho.Client):
    assert Device.objects.get(pk=site.camera.pk).last_seen_at is None
    publish(pub, "anfang/a/CAM-1/heartbeat", b"1")
    wait_for(lambda: Device.objects.get(pk=site.camera.pk).last_seen_at, what="last seen")
    assert InboundEvent.objects.get(device=site.camera).status == "heartbeat"


def test_zigbee2mqtt_water_leak_from_a_real_payload(site: Any, listening: MqttListener, pub: paho.Client):
    """The friendly name is the device's serial number (here the IEEE address z2m uses by default)."""
    from tests.support import factories

    sensor = factories.in_service_device(
        site.tenancy.a, code="LEAK-1", name="水泵房漏水", serial_number="0x005043c95f277c80"
    )
    publish(pub, "zigbee2mqtt/0x005043c95f277c80", protocol_fixture("mqtt/z2m_trust_water_leak_true.json"))
    alarm = wait_for(lambda: Alarm.objects.filter(device=sensor).first(), what="the water alarm")
    assert alarm.alarm_type == "water_leak"
    publish(pub, "zigbee2mqtt/0x005043c95f277c80", protocol_fixture("mqtt/z2m_trust_water_leak_false.json"))
    wait_for(
        lambda: InboundEvent.objects.filter(device=sensor, vendor_code="water_leak", restore=True).exists(),
        what="the restore",
    )
    assert Alarm.objects.filter(device=sensor).count() == 1


def test_an_unknown_zigbee_device_is_kept_for_the_administrator(
    site: Any, listening: MqttListener, pub: paho.Client
):
    publish(pub, "zigbee2mqtt/Smoke", protocol_fixture("mqtt/z2m_xiaomi_smoke_with_device_object.json"))
    kept = wait_for(lambda: InboundEvent.objects.filter(device_code="Smoke").first(), what="the event")
    assert kept.status == "unknown_device" and kept.device is None


def test_events_published_while_the_worker_is_down_arrive_when_it_is_back(
    site: Any, broker: Broker, transactional_db: Any, pub: paho.Client
):
    client_id = f"anfang-test-{uuid.uuid4().hex[:8]}"
    with RunningListener(broker, client_id) as listener:
        wait_for(listener.subscribed.is_set, what="the subscriptions")
    for n in range(5):
        publish(pub, "anfang/a/PIR-1/event", event_body(f"offline-{n}"))
    assert not InboundEvent.objects.exists()
    with RunningListener(broker, client_id):
        wait_for(lambda: InboundEvent.objects.count() == 5, what="the five queued events")
    assert set(InboundEvent.objects.values_list("external_id", flat=True)) == {
        f"offline-{n}" for n in range(5)
    }


def test_a_broker_that_comes_up_late_is_connected_to(site: Any, tmp_path: Path, transactional_db: Any):
    port = free_port()
    late = Broker(tmp_path / "late", port=port)
    with RunningListener(late, f"anfang-test-{uuid.uuid4().hex[:8]}") as listener:
        time.sleep(1.0)  # connection refused meanwhile: logged, retried, nothing crashes
        assert not listener.subscribed.is_set()
        late.start()
        try:
            wait_for(listener.subscribed.is_set, timeout=20, what="the late connection")
            client = publisher(late)
            publish(client, "anfang/a/PIR-1/event", event_body("late-1"))
            wait_for(lambda: InboundEvent.objects.filter(external_id="late-1").exists(), what="the event")
            client.disconnect()
            client.loop_stop()
        finally:
            late.stop()


# ---------------------------------------------------------------------------------------------------
# handle_message without a broker
# ---------------------------------------------------------------------------------------------------


def listener() -> MqttListener:
    return MqttListener("mqtt://127.0.0.1:1", client_id="unit")


def test_handle_message_stores_and_processes(site: Any):
    result = listener().handle_message("anfang/a/SOS-1/event", event_body("h-1", type="emergency").encode())
    assert result is not None and not result.duplicate and result.status == "alarm"
    again = listener().handle_message("anfang/a/SOS-1/event", event_body("h-1", type="emergency").encode())
    assert again is not None and again.duplicate and again.id == result.id


def test_handle_message_ignores_zigbee_availability_and_bridge_topics(site: Any):
    assert listener().handle_message("zigbee2mqtt/LEAK-1/availability", b"online") is None
    assert listener().handle_message("zigbee2mqtt/bridge/state", b'{"state":"online"}') is None
    assert not InboundEvent.objects.exists()


def test_handle_message_keeps_an_unknown_device_and_an_unreadable_topic(site: Any):
    unknown = listener().handle_message("anfang/a/NOPE-9/event", event_body("u-1").encode())
    assert unknown is not None and unknown.status == "unknown_device"
    odd = listener().handle_message("anfang/a/PIR-1/sideways", b"{}")
    assert odd is not None and odd.status == "unparseable"
    assert InboundEvent.objects.get(pk=odd.id).error.startswith("anfang/a/PIR-1/sideways")


def test_handle_message_refuses_a_z2m_name_shared_by_two_serial_numbers(site: Any):
    from tests.support import factories

    for code in ("Z-1", "Z-2"):
        factories.in_service_device(site.tenancy.a, code=code, serial_number="0x00158d0002006aa6")
    result = listener().handle_message(
        "zigbee2mqtt/0x00158d0002006aa6", protocol_fixture("mqtt/z2m_aqara_motion_minimal_2018.json")
    )
    assert result is not None and result.status == "unparseable"
    assert "several devices" in InboundEvent.objects.get(pk=result.id).error


@pytest.mark.parametrize(
    ("url", "host", "port", "tls", "user"),
    [
        ("mqtt://127.0.0.1:1883", "127.0.0.1", 1883, False, None),
        ("mqtts://anfang:s%40cret@broker.example:8884", "broker.example", 8884, True, "anfang"),
        ("mqtts://broker.example", "broker.example", 8883, True, None),
    ],
)
def test_broker_urls(url: str, host: str, port: int, tls: bool, user: str | None):
    address = parse_broker_url(url)
    assert (address.host, address.port, address.tls, address.username) == (host, port, tls, user)
    assert "cret" not in str(address)


@pytest.mark.parametrize("url", ["http://x", "mqtt://host:notaport", "broker:1883"])
def test_bad_broker_urls_are_refused(url: str):
    with pytest.raises(ConfigError):
        parse_broker_url(url)


# ---------------------------------------------------------------------------------------------------
# Kill test: the real `anfang worker mqtt`, SIGKILLed in the middle of a stream
# ---------------------------------------------------------------------------------------------------

SETUP = """
from anfang.core import audit
from tests.support import factories
with audit.actor(system="test"):
    a = factories.community(code="a", name="小区A")
    factories.in_service_device(a, code="PIR-1", subsystem="perimeter", kind="infrared_beam")
"""


def worker_env(data_dir: Path, broker: Broker, client_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        ANFANG_DATA_DIR=str(data_dir),
        ANFANG_MQTT_URL=broker.url,
        ANFANG_MQTT_CLIENT_ID=client_id,
        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]),
        PYTHONUNBUFFERED="1",
    )
    return env


def stored_ids(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "anfang.sqlite3", timeout=30) as db:
        return [
            row[0]
            for row in db.execute("SELECT external_id FROM alarms_inboundevent WHERE external_id != ''")
        ]


@pytest.mark.slow
def test_kill_mid_stream_loses_nothing_the_broker_confirmed(tmp_path: Path):
    """SIGKILL the worker while a QoS 1 stream arrives; restart it; every confirmed publish is stored once."""
    data_dir = tmp_path / "data"
    with mosquitto(tmp_path / "broker") as broker:
        env = worker_env(data_dir, broker, f"anfang-kill-{uuid.uuid4().hex[:8]}")
        cli = [sys.executable, "-m", "anfang.cli"]
        subprocess.run([*cli, "migrate", "-v0"], env=env, cwd=REPO, check=True, timeout=180)
        subprocess.run([*cli, "shell", "-c", SETUP], env=env, cwd=REPO, check=True, timeout=60)

        log = (tmp_path / "worker.log").open("ab")

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen([*cli, "worker", "mqtt"], env=env, cwd=REPO, stdout=log, stderr=log)

        worker = start()
        client = publisher(broker)
        try:
            # The worker's session exists once it has stored a first event (before it subscribed, a
            # message has no subscriber to be queued for: probe until one is stored).
            deadline = time.monotonic() + 60
            while not any(i.startswith("probe") for i in stored_ids(data_dir)):
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                publish(client, "anfang/a/PIR-1/event", event_body(f"probe-{time.monotonic()}"))
                time.sleep(0.5)
            confirmed = []
            total = 120
            for n in range(total):
                publish(client, "anfang/a/PIR-1/event", event_body(f"k-{n:03d}", type="motion"))
                confirmed.append(f"k-{n:03d}")
                if n == 40:
                    wait_for(lambda: len(stored_ids(data_dir)) > 10, what="some events stored")
                    worker.send_signal(signal.SIGKILL)
                    worker.wait(timeout=10)
                if n == 80:
                    worker = start()
            wait_for(lambda: set(confirmed) <= set(stored_ids(data_dir)), timeout=60, what="every event")
            ids = stored_ids(data_dir)
            assert sorted(i for i in ids if i.startswith("k-")) == sorted(confirmed)  # each exactly once
        finally:
            client.disconnect()
            client.loop_stop()
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)
            log.close()
        assert worker.returncode == 0, (tmp_path / "worker.log").read_text()  # a clean stop on SIGTERM


# ---------------------------------------------------------------------------------------------------
# `anfang up` brings a local broker when none is running
# ---------------------------------------------------------------------------------------------------


def test_up_starts_a_local_broker_only_when_none_listens(tmp_path: Path, broker: Broker):
    from anfang.core.supervisor import local_mqtt_broker

    assert local_mqtt_broker("mqtt://broker.example:1883", tmp_path) is None  # not this machine
    assert local_mqtt_broker(broker.url, tmp_path) is None  # one is already running
    port = free_port()
    spec = local_mqtt_broker(f"mqtt://127.0.0.1:{port}", tmp_path / "data")
    assert spec is not None and spec.name == "mqtt-broker"
    assert f"listener {port} 127.0.0.1" in (tmp_path / "data" / "mosquitto" / "mosquitto.conf").read_text()
    process = subprocess.Popen(list(spec.argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_listening("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(timeout=10)
