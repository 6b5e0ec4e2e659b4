"""Ingest workers: the MQTT listener and the SIA DC-09 receiver (`anfang worker mqtt|sia`).

Both follow ARCHITECTURE data flow 1–2: every message is stored first (through the process's
`EventPipeline`, which commits groups of messages; `services.record_unparseable` keeps what nobody
could read), and the device is told "got it" only after that commit — the MQTT PUBACK (QoS 1, manual
acknowledgement) and the SIA ACK. Processing into alarms follows in the pipeline's thread; the
scheduler's `PendingEventSweeper` finishes it if the worker dies in between. A duplicate (a
retransmission after a lost acknowledgement) is answered like the first copy and stored once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import socket
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.models import SiaAccount
from anfang.alarms.pipeline import EventPipeline, Message
from anfang.alarms.services import IngestResult, Stored
from anfang.core import audit
from anfang.core.config import ConfigError
from anfang.core.db import write_turn
from anfang.devices.models import Device
from anfang.integrations import mqtt as mqtt_lib
from anfang.integrations import sia as sia_lib
from anfang.integrations.events import DeviceEvent
from anfang.integrations.mqtt import models as topics
from anfang.integrations.sia.parser import MAX_FRAME_CHARS

log = logging.getLogger(__name__)


def _store(
    event: DeviceEvent,
    *,
    received_at: dt.datetime,
    raw: bytes | None,
    content_type: str,
    device: Device | None,
) -> Stored:
    """Store inside the caller's transaction (the pipeline's group, or `_store_and_process`)."""
    return services.store(event, received_at=received_at, raw=raw, content_type=content_type, device=device)


def _store_and_process(store: Callable[[], Sequence[Stored]]) -> list[IngestResult]:
    """Without the pipeline (tests, one message at a time): store and commit, then process."""
    with write_turn(), transaction.atomic():
        stored = list(store())
    rows = [s.row for s in stored if s.row is not None]
    processed = {r.id: r for r in services.process_stored(rows)} if rows else {}
    return [processed.get(s.result.id, s.result) for s in stored]


# ---------------------------------------------------------------------------------------------------
# MQTT
# ---------------------------------------------------------------------------------------------------

# anfang's own topics, and Zigbee2MQTT device states (friendly name = device code or serial number).
SUBSCRIPTIONS: Final[tuple[str, ...]] = ("anfang/+/+/event", "anfang/+/+/heartbeat", "zigbee2mqtt/+")
MQTT_CONTENT_TYPE: Final = "application/json"


@dataclass(frozen=True)
class BrokerAddress:
    """`mqtt://user:password@host:1883` or `mqtts://…:8883` (TLS; `?ca=/path/ca.pem`, `?insecure=1`)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    insecure: bool = False

    def __str__(self) -> str:  # never the password
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """Read `ANFANG_MQTT_URL`; raises `ConfigError` for a URL anfang cannot connect with."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"ANFANG_MQTT_URL={url!r} is not a URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ConfigError(f"ANFANG_MQTT_URL must start with mqtt:// or mqtts://, got {url!r}")
    tls = scheme in ("mqtts", "ssl")
    query = urllib.parse.parse_qs(parts.query)
    return BrokerAddress(
        host=parts.hostname or "127.0.0.1",
        port=port or (8883 if tls else 1883),
        tls=tls,
        username=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        ca_certs=query["ca"][0] if query.get("ca") else None,
        insecure=(query.get("insecure") or ["0"])[0].lower() in ("1", "true", "yes"),
    )


class MqttListener:
    """`anfang worker mqtt`: subscribe (QoS 1, persistent session) and store every message.

    The session is persistent (clean session off, fixed client id `ANFANG_MQTT_CLIENT_ID`), so the broker
    keeps QoS 1 messages published while the worker is down and delivers them when it is back. Each
    message is acknowledged only after it is committed; one that could not be stored (database down)
    is never acknowledged, so the broker delivers it again.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client_id: str | None = None,
        keepalive: int = 30,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        config = settings.CONFIG
        self.broker = parse_broker_url(url or config.mqtt_url)
        self.client_id = client_id or config.mqtt_client_id
        self.keepalive = keepalive
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.subscribed = threading.Event()  # set once the subscriptions are granted (tests wait on it)
        self._stop = threading.Event()
        # The last Zigbee2MQTT state per device: z2m repeats the whole state in every report, and only
        # changed sensor values are events. Lost on restart (then the first report counts in full).
        self._z2m_state: dict[str, dict[str, Any]] = {}
        # States of the group being stored, not yet committed: the next report of the same device in
        # that group compares with them. Forgotten before each try (a failed try's are not true).
        self._z2m_uncommitted: dict[str, dict[str, Any]] = {}
        self._pipeline = EventPipeline(
            "mqtt", retry_store=True, max_backoff=max_backoff, before_attempt=self._z2m_uncommitted.clear
        )

    # --- one message (no broker needed: tests call this) --------------------------------------------

    def handle_message(
        self, topic: str, payload: bytes, received_at: dt.datetime | None = None
    ) -> IngestResult | None:
        """Store what one message says and process it; None when the topic carries no event.

        Raises only when the database fails (the message must then not be acknowledged).
        """
        self._z2m_uncommitted.clear()
        results = _store_and_process(lambda: self.store_message(topic, payload, received_at))
        return results[-1] if results else None

    def store_message(
        self, topic: str, payload: bytes, received_at: dt.datetime | None = None
    ) -> list[Stored]:
        """Store one message inside the caller's transaction: the events it holds, or the raw bytes."""
        received_at = received_at or timezone.now()
        payload = bytes(payload)
        try:
            route = mqtt_lib.parse_topic(topic)
        except mqtt_lib.MqttPayloadError as exc:
            return [self._keep(topic, "", payload, str(exc), received_at)]
        if route.kind in (topics.Z2M_AVAILABILITY, topics.Z2M_BRIDGE, topics.Z2M_COMMAND):
            return []
        if route.kind == topics.Z2M:
            return self._store_z2m(topic, route.device, payload, received_at)
        device = services.find_device(route.device)
        if device is not None and services.community_code(device.community_id) != route.community:
            detail = f"topic names community {route.community!r}, device {device.code} belongs to another one"
            return [self._keep(topic, route.device, payload, detail, received_at)]
        try:
            events = mqtt_lib.parse_message(topic, payload, received_at=received_at, device_code=route.device)
        except mqtt_lib.MqttPayloadError as exc:
            return [self._keep(topic, route.device, payload, str(exc), received_at)]
        raw = payload if route.kind == topics.EVENT else None  # heartbeats are frequent and say nothing
        return [
            _store(event, received_at=received_at, raw=raw, content_type=MQTT_CONTENT_TYPE, device=device)
            for event in events
        ]

    def _store_z2m(self, topic: str, name: str, payload: bytes, received_at: dt.datetime) -> list[Stored]:
        matches = list(Device.objects.filter(code=name)[:1]) or list(
            Device.objects.filter(serial_number=name)[:2]
        )
        if len(matches) > 1:
            detail = f"Zigbee2MQTT name {name!r} matches the serial number of several devices"
            return [self._keep(topic, name, payload, detail, received_at)]
        device = matches[0] if matches else None
        code = device.code if device is not None else name
        try:
            events = mqtt_lib.parse_z2m(
                topic, payload, device_code=code, received_at=received_at, previous=self._z2m_previous(code)
            )
            state = json.loads(payload.decode("utf-8-sig"))
        except (mqtt_lib.MqttPayloadError, ValueError) as exc:
            return [self._keep(topic, code, payload, str(exc), received_at)]
        results = [
            _store(event, received_at=received_at, raw=payload, content_type=MQTT_CONTENT_TYPE, device=device)
            for event in events
        ]
        # Remembered only once the events are committed: a group that is rolled back and stored again
        # must compare with the state before it.
        self._z2m_uncommitted[code] = state
        transaction.on_commit(lambda: self._z2m_state.__setitem__(code, state))
        return results

    def _z2m_previous(self, code: str) -> dict[str, Any] | None:
        if code in self._z2m_uncommitted:
            return self._z2m_uncommitted[code]
        return self._z2m_state.get(code)

    def _keep(self, topic: str, code: str, payload: bytes, error: str, received_at: dt.datetime) -> Stored:
        """Keep an unreadable or misaddressed message raw, flagged for an administrator."""
        kept = services.record_unparseable(
            source="mqtt",
            device_code=code,
            raw=payload,
            content_type=MQTT_CONTENT_TYPE,
            error=f"{topic[:300]}: {error}",
            received_at=received_at,
        )
        log.warning("MQTT message on %r kept unparsed (#%s): %s", topic[:200], kept.pk, error)
        return Stored(IngestResult(kept.pk, False, kept.status), None)

    # --- the broker connection ----------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Connect (retrying with back-off while the broker is unreachable) and listen until `stop`."""
        self._stop = stop
        client = self._client()
        log.info("MQTT: connecting to %s as %r", self.broker, self.client_id)
        client.connect_async(self.broker.host, self.broker.port, keepalive=self.keepalive)
        client.loop_start()  # paho's thread: connects, reconnects with back-off, calls on_message
        try:
            stop.wait()
        finally:
            # The group in hand is stored and acknowledged; the rest waits in the broker's session.
            self._pipeline.stop()
            client.disconnect()
            client.loop_stop()
            log.info("MQTT: disconnected")

    def _client(self) -> Any:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            protocol=paho.MQTTv311,
        )
        client.manual_ack_set(True)  # PUBACK only after the commit (ARCHITECTURE data flow 1)
        client.reconnect_delay_set(min_delay=max(1, int(self.min_backoff)), max_delay=int(self.max_backoff))
        if self.broker.username is not None:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set(ca_certs=self.broker.ca_certs)
            if self.broker.insecure:
                client.tls_insecure_set(True)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        return client

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            log.error("MQTT: broker %s refused the connection: %s", self.broker, reason_code)
            return
        log.info("MQTT: connected to %s (session present: %s)", self.broker, flags.session_present)
        client.subscribe([(topic, 1) for topic in SUBSCRIPTIONS])

    def _on_connect_fail(self, client: Any, userdata: Any) -> None:
        log.error("MQTT: broker %s unreachable; retrying (up to every %.0f s)", self.broker, self.max_backoff)

    def _on_disconnect(
        self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        self.subscribed.clear()
        connections.close_all()  # paho's thread: reopened with the next message
        if not self._stop.is_set():
            log.warning("MQTT: disconnected from %s (%s); reconnecting", self.broker, reason_code)

    def _on_subscribe(self, client: Any, userdata: Any, mid: int, reason_codes: Any, properties: Any) -> None:
        failed = [code for code in reason_codes if code.is_failure]
        if failed:
            log.error("MQTT: subscription refused: %s", failed)
        else:
            self.subscribed.set()

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        """Hand the message to the writer; acknowledge it once it is committed. While the database is
        away the writer retries with back-off; a message never stored is never acknowledged (at stop
        it waits in the broker's session)."""
        received_at = timezone.now()
        try:
            topic = message.topic
        except UnicodeDecodeError:  # a topic must be UTF-8; keep what arrived anyway
            topic = bytes(message._topic).decode("utf-8", "replace")
        payload = bytes(message.payload)

        def store() -> list[Stored]:
            try:
                with transaction.atomic():
                    return self.store_message(topic, payload, received_at)
            except (OperationalError, InterfaceError):
                raise  # the database: the writer retries the whole group
            except Exception as exc:
                # Not the database being away but this message (a value the database refuses): keep it
                # raw for an administrator and go on — retrying would block the queue.
                log.exception("MQTT: message on %r could not be stored as an event", topic[:200])
                kept = services.record_unparseable(
                    source="mqtt",
                    device_code=topic.split("/")[2] if topic.count("/") >= 3 else "",
                    raw=payload,
                    content_type=f"mqtt:{topic[:180]}",
                    error=f"{type(exc).__name__}: {exc}",
                    received_at=received_at,
                )
                return [Stored(IngestResult(kept.pk, False, kept.status), None)]

        submitted = self._pipeline.submit(Message(store=store, actor="worker:mqtt"))
        mid, qos = message.mid, message.qos
        submitted.stored.add_done_callback(lambda stored: self._acknowledge(client, mid, qos, stored))

    @staticmethod
    def _acknowledge(client: Any, mid: int, qos: int, stored: Future[Any]) -> None:
        if stored.exception() is None:
            client.ack(mid, qos)  # PUBACK after the commit (ARCHITECTURE data flow 1)


# ---------------------------------------------------------------------------------------------------
# SIA DC-09
# ---------------------------------------------------------------------------------------------------

SIA_CONTENT_TYPE: Final = "application/x-sia-dc09"
# A line longer than this without its CR is not DC-09 (frames are at most a few hundred characters).
MAX_PENDING_BYTES: Final = 4 * MAX_FRAME_CHARS
# A frame not stored within this is not answered (the connection closes; the panel sends it again).
STORE_TIMEOUT_S: Final = 30.0


class _SiaServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address: tuple[str, int], receiver: SiaReceiver) -> None:
        self.receiver = receiver
        super().__init__(address, _SiaHandler)


class _SiaHandler(socketserver.BaseRequestHandler):
    server: _SiaServer

    def handle(self) -> None:
        self.server.receiver.serve_connection(self.request, self.client_address)


class SiaReceiver:
    """`anfang worker sia`: a DC-09 receiver on TCP `ANFANG_SIA_HOST:ANFANG_SIA_PORT`, many panels at once.

    Accounts are the `SiaAccount` rows, re-read every `refresh_s` seconds so a new panel works without
    a restart. `integrations.sia.handle_frame` decides ACK/NAK/DUH; an accepted frame is stored before
    its ACK is written; rejected frames (bad CRC, stale timestamp, unknown account, unreadable) are kept
    raw with the reason, then answered NAK or DUH.
    """

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        refresh_s: float = 5.0,
        idle_timeout_s: float = 300.0,
        bind_retry_s: float = 5.0,
    ) -> None:
        config = settings.CONFIG
        self.host = config.sia_host if host is None else host
        self.port = config.sia_port if port is None else port
        self.refresh_s = refresh_s
        self.idle_timeout_s = idle_timeout_s
        self.bind_retry_s = bind_retry_s
        self.address: tuple[str, int] | None = None  # where it listens (port 0 → the port chosen)
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._loaded_at = -math.inf
        self._accounts: dict[str, sia_lib.SiaAccountConfig] = {}
        self._devices: dict[str, Device] = {}
        self._pipeline = EventPipeline("sia")

    # --- accounts -----------------------------------------------------------------------------------

    def accounts(self) -> tuple[dict[str, sia_lib.SiaAccountConfig], dict[str, Device]]:
        """(account id → config, account id → device), re-read from the database every `refresh_s`."""
        with self._lock:
            if time.monotonic() - self._loaded_at >= self.refresh_s:
                try:
                    self._accounts, self._devices = self._load_accounts()
                except DatabaseError:
                    log.exception("SIA: could not read the accounts; keeping the previous list")
                self._loaded_at = time.monotonic()
            return self._accounts, self._devices

    @staticmethod
    def _load_accounts() -> tuple[dict[str, sia_lib.SiaAccountConfig], dict[str, Device]]:
        configs: dict[str, sia_lib.SiaAccountConfig] = {}
        devices: dict[str, Device] = {}
        for row in SiaAccount.objects.select_related("device"):
            try:
                # SiaAccount.key is written in hex (32, 48 or 64 digits), as panels state it.
                config = sia_lib.SiaAccountConfig(row.account_id, row.key or None, key_encoding="hex")
            except sia_lib.SiaConfigError as exc:
                log.error("SIA: account %s is not usable: %s", row.account_id, exc)
                continue
            configs[config.account_id] = config
            devices[config.account_id] = row.device
        return configs, devices

    # --- one frame (no socket needed: tests call this) ----------------------------------------------

    def handle_frame(self, frame: bytes, received_at: dt.datetime | None = None) -> bytes:
        """Decide, store (committed on return) and give the bytes to answer; processing is the caller's
        (see `serve_connection`). Raises only when the database fails: then nothing may be answered."""
        with write_turn(), transaction.atomic():
            response, _stored = self._store_frame(frame, received_at or timezone.now())
        return response

    def _submit_frame(self, frame: bytes, received_at: dt.datetime) -> bytes:
        """Store through the writer; the answer once the frame is committed (processing follows there).
        Raises when the database failed: then nothing may be answered."""
        answer: list[bytes] = []

        def store() -> list[Stored]:
            response, stored = self._store_frame(frame, received_at)
            answer[:] = [response]
            return [stored] if stored is not None else []

        self._pipeline.submit(Message(store=store, actor="worker:sia")).stored.result(timeout=STORE_TIMEOUT_S)
        return answer[0]

    def _store_frame(self, frame: bytes, received_at: dt.datetime) -> tuple[bytes, Stored | None]:
        accounts, devices = self.accounts()
        outcome = sia_lib.handle_frame(frame, accounts, now=received_at)
        device = devices.get(outcome.config.account_id) if outcome.config is not None else None
        if outcome.should_store and outcome.event is not None and device is not None:
            event = sia_lib.to_device_event(outcome.event, device_code=device.code, received_at=received_at)
            result = _store(
                event, received_at=received_at, raw=frame, content_type=SIA_CONTENT_TYPE, device=device
            )
            return outcome.response, result
        if outcome.should_keep_raw:
            account = outcome.account or (outcome.event.account if outcome.event else "")
            kept = services.record_unparseable(
                source="sia",
                device_code=device.code if device is not None else "",
                raw=frame,
                content_type=SIA_CONTENT_TYPE,
                error=f"{outcome.error}: {outcome.detail}" + (f" (account {account})" if account else ""),
                received_at=received_at,
            )
            log.warning("SIA: frame rejected (%s, kept as #%s): %s", outcome.error, kept.pk, outcome.detail)
        return outcome.response, None

    # --- the TCP server -----------------------------------------------------------------------------

    def serve_connection(self, sock: socket.socket, peer: Any) -> None:
        """One panel's connection: frames end with CR; each is stored, then answered, then processed."""
        sock.settimeout(1.0)
        buffer = b""
        idle = 0.0
        try:
            with audit.actor(system="worker:sia"):
                while not self._stop.is_set():
                    try:
                        chunk = sock.recv(4096)
                    except TimeoutError:
                        idle += 1.0
                        if idle >= self.idle_timeout_s:
                            break
                        continue
                    if not chunk:
                        break
                    idle = 0.0
                    frames, buffer = sia_lib.split_frames(buffer + chunk)
                    for frame in frames:
                        response = self._submit_frame(frame, timezone.now())
                        if response:
                            sock.sendall(response)  # after the commit (data flow 1)
                    if len(buffer) > MAX_PENDING_BYTES:
                        self._submit_frame(buffer, timezone.now())  # kept raw, flagged; the panel gets no ACK
                        buffer = b""
        except FutureTimeout:  # (an OSError too: caught first) the database is stuck
            log.error(
                "SIA: a frame from %s was not stored within %.0f s; closing unanswered", peer, STORE_TIMEOUT_S
            )
        except OSError as exc:
            log.info("SIA: connection from %s ended: %s", peer, exc)
        except Exception:
            # The database failed: close without answering, so the panel sends the frame again.
            log.exception("SIA: could not store a frame from %s; closing the connection unanswered", peer)
        finally:
            connections.close_all()

    def run(self, stop: threading.Event) -> None:
        """Listen until `stop` (retrying while the port is taken, so `anfang up` never crashes)."""
        self._stop = stop
        server = self._bind(stop)
        if server is None:
            return
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5}, daemon=True)
        thread.start()
        self.ready.set()
        log.info("SIA DC-09 receiver listening on %s:%s", *self.address or ("?", "?"))
        try:
            stop.wait()
        finally:
            server.shutdown()
            self._pipeline.stop()
            server.server_close()
            thread.join(timeout=5)

    def _bind(self, stop: threading.Event) -> _SiaServer | None:
        while not stop.is_set():
            try:
                server = _SiaServer((self.host, self.port), self)
            except OSError as exc:
                log.error(
                    "SIA: cannot listen on %s:%s (%s); retrying in %.0f s",
                    self.host,
                    self.port,
                    exc,
                    self.bind_retry_s,
                )
                stop.wait(self.bind_retry_s)
                continue
            host, port = server.server_address[:2]
            self.address = (str(host), int(port))
            return server
        return None


__all__ = ["SUBSCRIPTIONS", "BrokerAddress", "MqttListener", "SiaReceiver", "parse_broker_url"]
