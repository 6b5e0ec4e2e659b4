"""Load-generation pieces of the alarm benchmark that need no Django: processes, SSE consoles, pacing.

Kept apart from ``bench/alarms.py`` (which sets up the database and runs the scenarios) so the parts that
can be wrong in subtle ways — SSE parsing, pacing, percentiles, the mix of duplicates and malformed bodies
— are unit-tested cheaply in ``tests/bench/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

# ---------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(latencies_s: Sequence[float]) -> str:
    """``p50 12 ms, p95 30 ms, p99 80 ms, max 120 ms (n=12,000)`` for seconds in."""
    if not latencies_s:
        return "no samples"
    ms = [x * 1000 for x in latencies_s]
    return (
        f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
        f"p99 {percentile(ms, 99):.0f} ms, max {max(ms):.0f} ms (n={len(ms):,})"
    )


# ---------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen[Any] | None = None) -> None:
    """Block until something accepts TCP connections on 127.0.0.1:port (or the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout:.0f} s")


@dataclass
class Process:
    """A child process (server, worker, broker) with its output in a log file; killable and restartable."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    port: int | None = None
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self, ready_timeout: float = 60.0) -> Process:
        self._log = self.log_path.open("ab")
        # Own process group: SIGKILL reaches uvicorn's worker children too.
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.port is not None:
            wait_for_port(self.port, ready_timeout, self.proc)
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, no goodbye: what a power cut or the OOM killer does."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of every process in the process group `pid` leads (uvicorn and its
    workers); 0 when /proc is not there."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state ppid pgrp session … utime (14th field overall) stime (15th).
        if int(fields[2]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# ---------------------------------------------------------------------------------------------------
# Server-sent events
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SseMessage:
    event: str
    id: str
    data: str


def parse_sse(lines: Iterable[str]) -> Iterator[SseMessage]:
    """The SSE wire format (WHATWG): fields until a blank line; comments (``:``) ignored."""
    event, data, last_id = "", [], ""
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield SseMessage(event or "message", last_id, "\n".join(data))
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            last_id = value


@dataclass
class Console:
    """One operator console: an open SSE stream, noting when each alarm id first arrives."""

    name: str
    url: str
    token: str
    arrivals: dict[int, float] = field(default_factory=dict)
    snapshot_at: float | None = None
    messages: int = 0
    error: str = ""
    status: int | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _connected: threading.Event = field(default_factory=threading.Event)

    def start(self, timeout: float = 15.0) -> Console:
        self._thread = threading.Thread(target=self._run, name=f"sse-{self.name}", daemon=True)
        self._thread.start()
        self._connected.wait(timeout)
        return self

    @property
    def connected(self) -> bool:
        return self.status == 200 and not self.error

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        timeout = httpx.Timeout(10.0, read=None)
        try:
            with (
                httpx.Client(timeout=timeout) as client,
                client.stream("GET", self.url, headers=headers) as response,
            ):
                self.status = response.status_code
                if response.status_code != 200:
                    self.error = f"HTTP {response.status_code}"
                    self._connected.set()
                    return
                self._connected.set()
                for msg in parse_sse(response.iter_lines()):
                    now = time.monotonic()
                    self.messages += 1
                    if msg.event == "snapshot" and self.snapshot_at is None:
                        self.snapshot_at = now
                    elif msg.event == "alarm":
                        with contextlib.suppress(ValueError, TypeError, KeyError):
                            alarm_id = int(json.loads(msg.data)["id"])
                            self.arrivals.setdefault(alarm_id, now)
                    if self._stop.is_set():
                        return
        except Exception as exc:  # reported in the results, never a crash of the benchmark
            if not self._stop.is_set():
                self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._connected.set()

    def stop(self) -> None:
        self._stop.set()


def wait_for_arrivals(consoles: Sequence[Console], ids: Iterable[int], timeout: float) -> None:
    """Wait until every console has seen every alarm id (or the time is up)."""
    wanted = set(ids)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(wanted <= c.arrivals.keys() or not c.connected for c in consoles):
            return
        time.sleep(0.1)


# ---------------------------------------------------------------------------------------------------
# Paced sending
# ---------------------------------------------------------------------------------------------------


@dataclass
class Sent:
    """What one send achieved: when it was due, when it was acknowledged, and what came back."""

    index: int
    due: float
    acked_at: float | None = None
    ok: bool = False
    result: Any = None
    error: str = ""
    attempts: int = 0


def paced(
    count: int,
    rate: float,
    send: Callable[[int], tuple[bool, Any]],
    *,
    threads: int = 32,
    stop: threading.Event | None = None,
    retry_for: float = 0.0,
    max_seconds: float | None = None,
) -> list[Sent]:
    """Call ``send(i)`` for i in range(count), the i-th no earlier than start + i / rate (rate 0: at once).

    ``send`` returns (acknowledged, result) or raises; with ``retry_for`` > 0 a failed send is retried
    (as a device would) until it is acknowledged or that many seconds have passed. After ``max_seconds``
    nothing new is sent (a server that cannot keep up must not stretch a run without end); the rest
    stay ``not sent``.
    """
    results: list[Sent] = [Sent(i, 0.0) for i in range(count)]
    lock = threading.Lock()
    next_index = iter(range(count))
    start = time.monotonic() + 0.2
    end = start + max_seconds if max_seconds is not None else math.inf

    def worker() -> None:
        while stop is None or not stop.is_set():
            with lock:
                i = next(next_index, None) if time.monotonic() < end else None
            if i is None:
                return
            item = results[i]
            item.due = start + (i / rate if rate > 0 else 0.0)
            delay = item.due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            give_up = time.monotonic() + retry_for
            while True:
                item.attempts += 1
                try:
                    item.ok, item.result = send(i)
                    item.error = ""
                except Exception as exc:
                    item.ok, item.error = False, f"{type(exc).__name__}: {exc}"
                if item.ok:
                    item.acked_at = time.monotonic()
                    break
                if time.monotonic() >= give_up or (stop is not None and stop.is_set()):
                    break
                time.sleep(0.2)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, threads))]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    for item in results:
        if item.attempts == 0:
            item.error = "not sent: out of time"
    return results


def achieved_rate(sent: Sequence[Sent]) -> float:
    """Acknowledged sends per second between the first due time and the last acknowledgement."""
    acked = [s for s in sent if s.ok and s.acked_at is not None]
    if len(acked) < 2:
        return 0.0
    first = min(s.due for s in sent if s.attempts)
    last = max(s.acked_at for s in acked if s.acked_at is not None)
    return len(acked) / max(last - first, 1e-9)


# ---------------------------------------------------------------------------------------------------
# Event bodies: valid, repeated, malformed
# ---------------------------------------------------------------------------------------------------

# Unreadable whatever the transport (MQTT takes the device from the topic, so "no device" is fine there).
MALFORMED_ANYWHERE: tuple[bytes, ...] = (
    b'{"device": "x", "external_id": ',  # cut off
    b"not json at all",
    b"[1, 2, 3]",
    b'{"device": "d", "external_id": "m", "type": "meteor", "occurred_at": "2026-11-27T00:00:00Z"}',
    b'{"device": "d", "external_id": "m", "type": "intrusion", "occurred_at": "yesterday"}',
)
MALFORMED_BODIES: tuple[bytes, ...] = (
    b'{"device": "x", "external_id": ',  # cut off
    b"not json at all",
    b"[1, 2, 3]",
    b'{"external_id": "m", "type": "intrusion", "occurred_at": "2026-11-27T00:00:00Z"}',  # no device
    b'{"device": "d", "external_id": "m", "type": "meteor", "occurred_at": "2026-11-27T00:00:00Z"}',
    b'{"device": "d", "external_id": "m", "type": "intrusion", "occurred_at": "yesterday"}',
)


@dataclass(frozen=True)
class PlannedEvent:
    """One message of a load stream: a valid event, a repeat of an earlier one, or garbage."""

    kind: str  # "valid" | "duplicate" | "malformed"
    device: int  # index into the device list
    external_id: str
    event_type: str = "intrusion"
    zone: str = ""
    malformed: bytes = b""


def plan_stream(
    count: int,
    devices: int,
    *,
    duplicates: float = 0.10,
    malformed: float = 0.02,
    seed: int = 5,
    prefix: str = "zl",
    types: Sequence[str] = ("intrusion", "perimeter", "heartbeat", "door", "motion"),
    malformed_bodies: Sequence[bytes] = MALFORMED_BODIES,
) -> list[PlannedEvent]:
    """``count`` messages: about ``duplicates`` repeats of earlier valid events (same device and external
    id), ``malformed`` unreadable bodies, the rest new valid events spread over the devices."""
    rng = random.Random(seed)
    plan: list[PlannedEvent] = []
    valid: list[PlannedEvent] = []
    for i in range(count):
        roll = rng.random()
        if roll < malformed:
            body = malformed_bodies[i % len(malformed_bodies)]
            plan.append(PlannedEvent("malformed", rng.randrange(devices), "", malformed=body))
        elif roll < malformed + duplicates and valid:
            # Mostly recent repeats (a device retrying), some from long ago.
            first = valid[-1 - min(int(rng.expovariate(1 / 20)), len(valid) - 1)]
            plan.append(
                PlannedEvent("duplicate", first.device, first.external_id, first.event_type, first.zone)
            )
        else:
            device = rng.randrange(devices)
            event = PlannedEvent(
                "valid", device, f"{prefix}-{i}", rng.choice(list(types)), zone=str(rng.randrange(1, 5))
            )
            valid.append(event)
            plan.append(event)
    return plan


def event_json(device_code: str, external_id: str, event_type: str, zone: str) -> dict[str, Any]:
    """The generic event contract (``POST /api/v1/events``, MQTT ``…/event``)."""
    return {
        "device": device_code,
        "external_id": external_id,
        "type": event_type,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "zone": zone,
    }


# ---------------------------------------------------------------------------------------------------
# Transports: MQTT (QoS 1 publisher) and SIA DC-09 (a panel on one TCP connection)
# ---------------------------------------------------------------------------------------------------


def mosquitto_config(directory: Path, port: int) -> Path:
    """A broker on 127.0.0.1:port that keeps plenty of QoS 1 messages for a disconnected session."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous true",
        "persistence false",
        f"log_dest file {directory / 'mosquitto.log'}",
        "log_type error",
        "log_type warning",
        "max_queued_messages 200000",
        "max_inflight_messages 100",
    ]
    if os.getuid() == 0:
        import pwd

        # As root Mosquitto would drop to the `mosquitto` user, who cannot write the temporary directory.
        lines.append(f"user {pwd.getpwuid(os.getuid()).pw_name}")
    path = directory / "mosquitto.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


def mosquitto_binary() -> str | None:
    import shutil

    candidates = (
        os.environ.get("ANFANG_MOSQUITTO", ""),
        shutil.which("mosquitto") or "",
        "/usr/sbin/mosquitto",
    )
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class MqttPublisher:
    """A device-side QoS 1 publisher; `send` returns once the broker's PUBACK for that message is in."""

    def __init__(self, port: int, client_id: str = "bench-publisher") -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self._acked: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason_code: Any, properties: Any) -> None:
        with self._lock:
            done = self._acked.setdefault(mid, threading.Event())
        done.set()

    def send(self, topic: str, payload: bytes, timeout: float = 30.0) -> bool:
        info = self.client.publish(topic, payload, qos=1)
        with self._lock:
            done = self._acked.setdefault(info.mid, threading.Event())
        ok = done.wait(timeout)
        with self._lock:
            self._acked.pop(info.mid, None)
        return ok

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class SiaPanel:
    """One alarm panel's TCP connection to the receiver: send a frame, wait for its answer.

    Like a panel it reconnects when the connection is gone and sends an unanswered frame again.
    """

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.port = port
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.lock = threading.Lock()

    def send(self, frame: bytes) -> bytes:
        with self.lock:
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
                self.sock.sendall(frame)
                answer = b""
                while not answer.endswith(b"\r"):
                    chunk = self.sock.recv(4096)
                    if not chunk:
                        raise ConnectionError("receiver closed the connection")
                    answer += chunk
                return answer
            except OSError:
                self.close()
                raise

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None
