"""Alarm centre benchmarks (issue 5): ingest → console latency, zero loss, ingest processes killed.

Runs the real processes a deployment runs, each as a subprocess on the benchmark's database
(``ANFANG_DATA_DIR`` / ``DATABASE_URL`` set by ``bench/__main__.py``): ``anfang serve`` (uvicorn),
``anfang worker mqtt`` with a mosquitto broker started here, ``anfang worker sia``. The bench process
builds the community, devices and tokens through the ORM on the same database, drives the load, listens
as two operator consoles on ``GET /api/v1/alarms/stream`` and counts what was stored afterwards.

Latency is end to end as an operator sees it: from the moment the sender holds the acknowledgement
(HTTP 202 returned / MQTT PUBACK / SIA ACK) to the moment the alarm arrives on a console's SSE stream.
Every latency event has its own zone, so each one raises a new alarm (the expensive path).

Sizes (environment): ``BENCH_ALARM_SECONDS`` (60), ``BENCH_ALARM_RATE`` (200 events/s),
``BENCH_ALARM_EVENTS`` (100,000 messages for the zero-loss run over HTTP), ``BENCH_ALARM_KILL_EVENTS``
(5,000 messages per MQTT/SIA worker-kill run), ``BENCH_ALARM_DEVICES`` (50), ``BENCH_ALARM_PANELS`` (10 SIA
accounts), ``BENCH_ALARM_WEB_WORKERS`` (``anfang serve --workers``, 1), ``BENCH_ALARM_TRANSPORTS``
(``http,mqtt,sia``). Quick try: ``BENCH_ALARM_SECONDS=10 BENCH_ALARM_EVENTS=5000
BENCH_ALARM_KILL_EVENTS=1000 python -m bench --only alarms --no-write``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.db import connection

from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import InboundEvent, SiaAccount
from anfang.core.choices import RoleChoices
from anfang.core.models import ApiToken, Membership, User
from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import Device
from anfang.integrations.sia import encode_frame
from anfang.sites.models import Community, PoliceStation
from bench import alarm_load as load

COMMUNITY = "bench-alarms"
TARGET_P99_MS = 500
Rows = list[tuple[str, str]]


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _transports() -> tuple[str, ...]:
    raw = os.environ.get("BENCH_ALARM_TRANSPORTS", "http,mqtt,sia")
    return tuple(t.strip() for t in raw.split(",") if t.strip())


@dataclass
class Settings:
    seconds: int = field(default_factory=lambda: _env_int("BENCH_ALARM_SECONDS", 60))
    rate: int = field(default_factory=lambda: _env_int("BENCH_ALARM_RATE", 200))
    events: int = field(default_factory=lambda: _env_int("BENCH_ALARM_EVENTS", 100_000))
    kill_events: int = field(default_factory=lambda: _env_int("BENCH_ALARM_KILL_EVENTS", 5_000))
    devices: int = field(default_factory=lambda: _env_int("BENCH_ALARM_DEVICES", 50))
    panels: int = field(default_factory=lambda: _env_int("BENCH_ALARM_PANELS", 10))
    consoles: int = field(default_factory=lambda: _env_int("BENCH_ALARM_CONSOLES", 2))
    web_workers: int = field(default_factory=lambda: _env_int("BENCH_ALARM_WEB_WORKERS", 1))
    transports: tuple[str, ...] = field(default_factory=_transports)


# ---------------------------------------------------------------------------------------------------
# The site: one community, detectors with device tokens, SIA panels, a manager with a user token
# ---------------------------------------------------------------------------------------------------


@dataclass
class Site:
    community: Community
    devices: list[Device]
    device_tokens: list[str]
    user_token: str
    sia_accounts: list[str]  # account i belongs to devices[i]


def build_site(devices: int, panels: int = 10) -> Site:
    """Bench data, not facility changes: bulk-created, bypassing services and the change log on purpose."""
    station, _ = PoliceStation.objects.get_or_create(code="bench-ps", defaults={"name": "基准派出所"})
    community, _ = Community.objects.get_or_create(
        code=COMMUNITY,
        defaults={"name": "基准小区（报警）", "police_station": station, "management_type": "self"},
    )
    existing = Device.objects.filter(community=community).count()
    if existing < devices:
        Device.objects.bulk_create(
            Device(
                community=community,
                code=f"ALM-{i:04d}",
                name=f"入侵探测器{i}",
                subsystem="resident_alarm",
                kind="intrusion_detector",
                status=DeviceStatusChoices.IN_SERVICE,
                network_address=f"10.5.{i // 250}.{i % 250 + 1}",
            )
            for i in range(existing, devices)
        )
    rows = list(Device.objects.filter(community=community).order_by("code")[:devices])
    tokens = [ApiToken.issue(name=f"bench {d.code}", device=d)[1] for d in rows]
    accounts = [f"BE{i:02X}" for i in range(min(panels, len(rows)))]
    SiaAccount.objects.bulk_create(
        [SiaAccount(community=community, account_id=a, device=rows[i]) for i, a in enumerate(accounts)],
        ignore_conflicts=True,
    )
    user, _ = User.objects.get_or_create(username="bench-console")
    Membership.objects.get_or_create(user=user, community=community, defaults={"role": RoleChoices.MANAGER})
    _, user_token = ApiToken.issue(name="bench console", user=user)
    return Site(community, rows, tokens, user_token, accounts)


def _max_event_id() -> int:
    return InboundEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _wait_processed(
    start_id: int, expected: int, timeout: float, *, processed: bool = True, **filters: Any
) -> int:
    """Wait until `expected` events after `start_id` are stored (and, with `processed`, none of them is
    still waiting to be processed: after a SIGKILL some wait for the scheduler's sweeper instead)."""
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        qs = InboundEvent.objects.filter(id__gt=start_id, **filters)
        done = qs.count()
        if done >= expected and not (processed and qs.filter(status=EventStatusChoices.RECEIVED).exists()):
            break
        time.sleep(0.5)
    connection.close()
    return done


# ---------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------


def _anfang() -> str:
    script = Path(sys.executable).with_name("anfang")
    return str(script) if script.exists() else shutil.which("anfang") or "anfang"


@dataclass
class Stack:
    """The processes of one benchmark run; their logs go to the temporary directory."""

    tmp: Path
    settings: Settings
    env: dict[str, str] = field(default_factory=dict)
    web: load.Process | None = None
    mqtt_worker: load.Process | None = None
    sia_worker: load.Process | None = None
    broker_port: int | None = None
    sia_port: int | None = None
    procs: list[load.Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def _start(self, proc: load.Process) -> load.Process:
        self.procs.append(proc)
        return proc.start()

    def start_web(self) -> load.Process:
        port = load.free_port()
        argv = [_anfang(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(self.settings.web_workers)]
        self.web = self._start(load.Process("web", argv, self.env, self.tmp / "web.log", port=port))
        return self.web

    def start_mqtt(self) -> load.Process | None:
        binary = load.mosquitto_binary()
        if binary is None:
            return None
        self.broker_port = load.free_port()
        config = load.mosquitto_config(self.tmp / "mosquitto", self.broker_port)
        broker = load.Process("mosquitto", [binary, "-c", str(config)], self.env, self.tmp / "mosquitto.out")
        broker.port = self.broker_port
        self._start(broker)
        env = {
            **self.env,
            "ANFANG_MQTT_URL": f"mqtt://127.0.0.1:{self.broker_port}",
            "ANFANG_MQTT_CLIENT_ID": "bench-ingest",
        }
        worker = load.Process("mqtt-worker", [_anfang(), "worker", "mqtt"], env, self.tmp / "mqtt-worker.log")
        self.mqtt_worker = self._start(worker)
        return self.mqtt_worker

    def start_sia(self) -> load.Process:
        self.sia_port = load.free_port()
        env = {**self.env, "ANFANG_SIA_HOST": "127.0.0.1", "ANFANG_SIA_PORT": str(self.sia_port)}
        worker = load.Process("sia-worker", [_anfang(), "worker", "sia"], env, self.tmp / "sia-worker.log")
        worker.port = self.sia_port
        self.sia_worker = self._start(worker)
        return self.sia_worker

    @property
    def base(self) -> str:
        assert self.web is not None and self.web.port is not None
        return f"http://127.0.0.1:{self.web.port}"

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()


@contextlib.contextmanager
def consoles(stack: Stack, site: Site, count: int) -> Iterator[list[load.Console]]:
    url = f"{stack.base}/api/v1/alarms/stream"
    started = [load.Console(f"console {i + 1}", url, site.user_token).start() for i in range(count)]
    try:
        yield started
    finally:
        for console in started:
            console.stop()


# ---------------------------------------------------------------------------------------------------
# Latency: paced events, each a new alarm, to the consoles
# ---------------------------------------------------------------------------------------------------


@dataclass
class LatencyRun:
    transport: str
    ack: str  # what the sender waited for
    sent: list[load.Sent]
    alarms: dict[int, int]  # sent index → alarm id
    consoles: list[load.Console]
    cpu_s: dict[str, float] = field(default_factory=dict)  # process → CPU seconds during the run

    def rows(self, rate: int, seconds: int) -> Rows:
        errors = Counter(s.error.split(":")[0] for s in self.sent if not s.ok)
        acked = [s for s in self.sent if s.ok and s.acked_at is not None]
        to_ack = [s.acked_at - s.due for s in acked if s.acked_at is not None]
        label = f"{self.transport}, {rate} events/s for {seconds} s"
        attempted = sum(1 for s in self.sent if s.attempts)
        cpu = ", ".join(
            f"{name} {sec / max(len(acked), 1) * 1000:.1f} ms" for name, sec in self.cpu_s.items()
        )
        rows = [
            (
                f"{label}: sent / {self.ack}",
                f"{attempted:,} of {len(self.sent):,} sent / {len(acked):,} acknowledged, "
                f"achieved {load.achieved_rate(self.sent):.0f} events/s; "
                f"errors: {dict(errors) or 'none'}; {len(self.alarms):,} alarms raised; "
                f"CPU time per event: {cpu or 'not measured'}",
            ),
            (f"{label}: send → {self.ack}", load.summary_ms(to_ack)),
        ]
        for console in self.consoles:
            name = f"{label}: {self.ack} → alarm on {console.name} (SSE)"
            if not console.connected:
                rows.append((name, f"no stream ({console.error or 'not connected'})"))
                continue
            latencies = []
            missing = 0
            for s in acked:
                alarm = self.alarms.get(s.index)
                if alarm is None or s.acked_at is None:
                    continue
                if alarm in console.arrivals:
                    latencies.append(console.arrivals[alarm] - s.acked_at)
                else:
                    missing += 1
            p99 = load.percentile(latencies, 99) * 1000 if latencies else float("inf")
            verdict = "within" if p99 < TARGET_P99_MS and not missing else "NOT within"
            rows.append(
                (
                    name,
                    f"{load.summary_ms(latencies)}; {missing:,} never arrived; "
                    f"{verdict} the p99 < {TARGET_P99_MS} ms target",
                )
            )
        return rows


def _measure(
    transport: str,
    ack: str,
    stack: Stack,
    site: Site,
    cfg: Settings,
    send: Callable[[int], tuple[bool, Any]],
    resolve: Callable[[list[load.Sent]], dict[int, int]],
    threads: int,
    worker: load.Process | None = None,
) -> LatencyRun:
    """Send at the rate for the time (cut off at 1.5 times that), find the alarms, wait for the consoles.

    CPU time of the web process (ingest over HTTP, and the consoles' streams) and of the ingest worker
    is counted over the run, so capacity can be read off even on a machine shared with other work.
    """
    watched = {"web": stack.web, **({"worker": worker} if worker else {})}
    pids = {
        name: proc.proc.pid for name, proc in watched.items() if proc is not None and proc.proc is not None
    }
    with consoles(stack, site, cfg.consoles) as cons:
        before = {name: load.cpu_seconds(pid) for name, pid in pids.items()}
        sent = load.paced(
            cfg.seconds * cfg.rate, cfg.rate, send, threads=threads, max_seconds=cfg.seconds * 1.5 + 5
        )
        alarms = resolve(sent)
        load.wait_for_arrivals(cons, alarms.values(), timeout=20)
        cpu = {name: load.cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    return LatencyRun(transport, ack, sent, alarms, cons, cpu)


def _http_client(base: str, threads: int) -> httpx.Client:
    return httpx.Client(
        base_url=base,
        timeout=httpx.Timeout(30.0, connect=5.0),
        limits=httpx.Limits(max_connections=threads, max_keepalive_connections=threads),
    )


def _post(client: httpx.Client, token: str, body: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return client.post("/api/v1/events", content=body, headers=headers)


def latency_http(stack: Stack, site: Site, cfg: Settings) -> LatencyRun:
    threads = 32
    client = _http_client(stack.base, threads)
    codes = [d.code for d in site.devices]

    def send(i: int) -> tuple[bool, Any]:
        device = i % len(codes)
        body = json.dumps(load.event_json(codes[device], f"lat-http-{i}", "intrusion", f"H{i}")).encode()
        response = _post(client, site.device_tokens[device], body)
        if response.status_code != 202:
            raise RuntimeError(f"HTTP {response.status_code}")
        return True, response.json().get("alarm")

    def resolve(sent: list[load.Sent]) -> dict[int, int]:
        return {s.index: int(s.result) for s in sent if s.ok and isinstance(s.result, int)}

    run = _measure("HTTP `POST /api/v1/events`", "202 returned", stack, site, cfg, send, resolve, threads)
    client.close()
    return run


def _mqtt_topic(site: Site, device: int) -> str:
    return f"anfang/{site.community.code}/{site.devices[device].code}/event"


def _wait_mqtt_ready(stack: Stack, site: Site, timeout: float = 60.0) -> bool:
    """The worker has subscribed when a probe published now is stored (its session exists from then on)."""
    assert stack.broker_port is not None
    publisher = load.MqttPublisher(stack.broker_port, client_id="bench-probe")
    deadline = time.monotonic() + timeout
    try:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            external_id = f"probe-{time.time_ns()}-{n}"
            body = json.dumps(load.event_json(site.devices[0].code, external_id, "heartbeat", "")).encode()
            publisher.send(_mqtt_topic(site, 0), body, timeout=5)
            for _ in range(10):
                if InboundEvent.objects.filter(external_id=external_id).exists():
                    return True
                time.sleep(0.2)
        return False
    finally:
        publisher.close()
        connection.close()


def latency_mqtt(stack: Stack, site: Site, cfg: Settings) -> LatencyRun:
    assert stack.broker_port is not None
    publisher = load.MqttPublisher(stack.broker_port)
    start_id = _max_event_id()

    def send(i: int) -> tuple[bool, Any]:
        device = i % len(site.devices)
        code = site.devices[device].code
        body = json.dumps(load.event_json(code, f"lat-mqtt-{i}", "intrusion", f"M{i}")).encode()
        return publisher.send(_mqtt_topic(site, device), body), None

    def resolve(sent: list[load.Sent]) -> dict[int, int]:
        _wait_processed(start_id, sum(1 for s in sent if s.ok), 60, external_id__startswith="lat-mqtt-")
        rows = InboundEvent.objects.filter(
            id__gt=start_id, external_id__startswith="lat-mqtt-", alarm__isnull=False
        )
        found = {
            int(ext.rsplit("-", 1)[1]): alarm for ext, alarm in rows.values_list("external_id", "alarm_id")
        }
        connection.close()
        return found

    transport = "MQTT QoS 1 `anfang/<community>/<device>/event`"
    run = _measure(transport, "PUBACK", stack, site, cfg, send, resolve, 16, stack.mqtt_worker)
    publisher.close()
    return run


def _sia_frame(site: Site, panel: int, sequence: int, zone: str, *, bad_crc: bool = False) -> bytes:
    return encode_frame(
        account=site.sia_accounts[panel],
        code="BA",
        zone=zone,
        sequence=sequence,
        timestamp=dt.datetime.now(dt.UTC),
        bad_crc=bad_crc,
    )


def latency_sia(stack: Stack, site: Site, cfg: Settings) -> LatencyRun:
    assert stack.sia_port is not None
    panels = [load.SiaPanel(stack.sia_port) for _ in site.sia_accounts]
    count = len(panels)
    start_id = _max_event_id()

    def send(i: int) -> tuple[bool, Any]:
        panel, n = i % count, i // count
        answer = panels[panel].send(_sia_frame(site, panel, n % 9999 + 1, str(n)))
        return b'"ACK"' in answer, None

    def resolve(sent: list[load.Sent]) -> dict[int, int]:
        _wait_processed(start_id, sum(1 for s in sent if s.ok), 60, source="sia")
        device_panel = {site.devices[p].pk: p for p in range(count)}
        rows = InboundEvent.objects.filter(id__gt=start_id, source="sia", alarm__isnull=False)
        found = {
            int(zone) * count + device_panel[device]: alarm
            for device, zone, alarm in rows.values_list("device_id", "zone", "alarm_id")
            if device in device_panel and zone.isdigit()
        }
        connection.close()
        return found

    transport = f"SIA DC-09 ({count} panels, one TCP connection each)"
    run = _measure(transport, "ACK", stack, site, cfg, send, resolve, count, stack.sia_worker)
    for panel in panels:
        panel.close()
    return run


# ---------------------------------------------------------------------------------------------------
# Zero loss: repeats and garbage mixed in, the receiving process SIGKILLed halfway and started again
# ---------------------------------------------------------------------------------------------------


@dataclass
class Killer:
    """Kill `proc` with SIGKILL once `count()` reaches `at`, start it again a second later."""

    proc: load.Process
    at: int
    count: Callable[[], int]
    killed_after: int | None = None
    down_s: float | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Killer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while self.count() < self.at:
            time.sleep(0.02)
        self.killed_after = self.count()
        t = time.monotonic()
        self.proc.kill()
        time.sleep(1.0)
        self.proc.start()
        self.down_s = time.monotonic() - t

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=30)

    def describe(self) -> str:
        if self.down_s is None:
            return f"{self.proc.name} not killed"
        return (
            f"{self.proc.name} SIGKILLed after {self.killed_after:,} acknowledgements, "
            f"running again {self.down_s:.1f} s later"
        )


@dataclass
class Tally:
    acked: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: str) -> None:
        with self.lock:
            self.acked += 1
            self.answers[answer] += 1


def _loss_rows(
    label: str,
    plan: Sequence[load.PlannedEvent],
    sent: Sequence[load.Sent],
    stored: Counter[Any],
    expected: set[Any],
    unparseable: int,
    wall: float,
    killer: Killer,
    tally: Tally,
    senders: int,
) -> Rows:
    malformed = sum(1 for p in plan if p.kind == "malformed")
    duplicates = sum(1 for p in plan if p.kind == "duplicate")
    twice = sum(1 for n in stored.values() if n > 1)
    missing = len(expected - stored.keys())
    extra = len(stored.keys() - expected)
    never = sum(1 for s in sent if not s.ok)
    retried = sum(1 for s in sent if s.attempts > 1)
    exact = not (twice or missing or extra or never) and unparseable >= malformed
    answers = ", ".join(f"{n:,} {k}" for k, n in sorted(tally.answers.items()))
    verdict = "every valid event stored exactly once" if exact else "LOSS OR DUPLICATES"
    return [
        (
            f"{label}: sent",
            f"{len(plan):,} messages: {len(plan) - duplicates - malformed:,} valid, {duplicates:,} repeats "
            f"(same device + event id), {malformed:,} malformed; {len(plan) / wall:,.0f} messages/s over "
            f"{wall:.0f} s, {senders} senders; {killer.describe()}; {retried:,} re-sent after no answer",
        ),
        (
            f"{label}: stored",
            f"{len(stored):,} valid events stored ({twice} twice, {missing} missing, {extra} unexpected); "
            f"{unparseable:,} kept as unparseable for {malformed:,} malformed sent; "
            f"answers: {answers or '—'}; "
            f"{never} never acknowledged → {verdict}",
        ),
    ]


def zero_loss_http(stack: Stack, site: Site, cfg: Settings) -> Rows:
    assert stack.web is not None
    plan = load.plan_stream(cfg.events, len(site.devices), prefix="zl-http")
    codes = [d.code for d in site.devices]
    start_id = _max_event_id()
    senders = 8
    client = _http_client(stack.base, senders)
    tally = Tally()

    def send(i: int) -> tuple[bool, Any]:
        item = plan[i]
        if item.kind == "malformed":
            body = item.malformed
        else:
            doc = load.event_json(codes[item.device], item.external_id, item.event_type, item.zone)
            body = json.dumps(doc).encode()
        response = _post(client, site.device_tokens[item.device], body)
        if response.status_code == 422:
            tally.add("rejected (422, kept)")
        elif response.status_code == 202:
            tally.add("duplicate" if response.json().get("duplicate") else "new")
        return response.status_code in (202, 422), response.status_code

    killer = Killer(stack.web, cfg.events // 2, lambda: tally.acked).start()
    started = time.monotonic()
    sent = load.paced(len(plan), 0, send, threads=senders, retry_for=120)
    wall = time.monotonic() - started
    killer.join()
    client.close()
    expected = {(site.devices[p.device].pk, p.external_id) for p in plan if p.kind == "valid"}
    # Only this run's rows: a worker may still be catching up on an earlier run's backlog.
    rows = InboundEvent.objects.filter(id__gt=start_id, source="api")
    valid_rows = rows.filter(external_id__startswith="zl-http-").values_list("device_id", "external_id")
    stored = Counter(valid_rows.iterator())
    unparseable = rows.filter(status=EventStatusChoices.UNPARSEABLE).count()
    connection.close()
    label = f"zero loss, HTTP, {len(plan):,} messages"
    return _loss_rows(label, plan, sent, stored, expected, unparseable, wall, killer, tally, senders)


def kill_mqtt(stack: Stack, site: Site, cfg: Settings) -> Rows:
    assert stack.broker_port is not None and stack.mqtt_worker is not None
    plan = load.plan_stream(
        cfg.kill_events, len(site.devices), prefix="zl-mqtt", seed=7, malformed_bodies=load.MALFORMED_ANYWHERE
    )
    # First let the worker finish the latency run's backlog, so that this run measures itself.
    _wait_processed(0, cfg.seconds * cfg.rate, 900, processed=False, external_id__startswith="lat-mqtt-")
    start_id = _max_event_id()
    publisher = load.MqttPublisher(stack.broker_port)
    tally = Tally()

    def send(i: int) -> tuple[bool, Any]:
        item = plan[i]
        if item.kind == "malformed":
            body = item.malformed
        else:
            doc = load.event_json(
                site.devices[item.device].code, item.external_id, item.event_type, item.zone
            )
            body = json.dumps(doc).encode()
        ok = publisher.send(_mqtt_topic(site, item.device), body)
        if ok:
            tally.add("PUBACK")
        return ok, None

    killer = Killer(stack.mqtt_worker, cfg.kill_events // 2, lambda: tally.acked).start()
    started = time.monotonic()
    sent = load.paced(len(plan), cfg.rate, send, threads=8, retry_for=60)
    wall = time.monotonic() - started
    killer.join()
    publisher.close()
    expected = {(site.devices[p.device].pk, p.external_id) for p in plan if p.kind == "valid"}
    # The worker catches up on what the broker kept for its session.
    _wait_processed(start_id, len(expected), 600, processed=False, external_id__startswith="zl-mqtt-")
    rows = InboundEvent.objects.filter(id__gt=start_id, source="mqtt")
    valid_rows = rows.filter(external_id__startswith="zl-mqtt-").values_list("device_id", "external_id")
    stored = Counter(valid_rows.iterator())
    unparseable = rows.filter(status=EventStatusChoices.UNPARSEABLE).count()
    connection.close()
    label = f"zero loss, MQTT QoS 1 (persistent session), {len(plan):,} messages at {cfg.rate}/s"
    return _loss_rows(label, plan, sent, stored, expected, unparseable, wall, killer, tally, 8)


def kill_sia(stack: Stack, site: Site, cfg: Settings) -> Rows:
    assert stack.sia_port is not None and stack.sia_worker is not None
    count = len(site.sia_accounts)
    plan = load.plan_stream(cfg.kill_events, count, prefix="zl-sia", seed=11, types=("intrusion",))
    panels = [load.SiaPanel(stack.sia_port) for _ in range(count)]
    start_id = _max_event_id()
    frames: dict[str, bytes] = {}  # a repeat is the same frame again, as a panel resends it
    lock = threading.Lock()
    tally = Tally()

    def frame_for(i: int) -> bytes:
        item = plan[i]
        if item.kind == "malformed":
            return _sia_frame(site, item.device, i % 9999 + 1, "1", bad_crc=True)
        with lock:
            if item.external_id not in frames:
                n = int(item.external_id.rsplit("-", 1)[1])
                frames[item.external_id] = _sia_frame(site, item.device, n % 9999 + 1, str(n))
            return frames[item.external_id]

    def send(i: int) -> tuple[bool, Any]:
        answer = panels[plan[i].device].send(frame_for(i))
        kind = answer[answer.find(b'"') + 1 : answer.find(b'"', answer.find(b'"') + 1)].decode() or "?"
        ok = kind == "ACK" or (kind in ("NAK", "DUH") and plan[i].kind == "malformed")
        if ok:
            tally.add(kind)
        return ok, kind

    killer = Killer(stack.sia_worker, cfg.kill_events // 2, lambda: tally.acked).start()
    started = time.monotonic()
    sent = load.paced(len(plan), cfg.rate, send, threads=count, retry_for=60)
    wall = time.monotonic() - started
    killer.join()
    for panel in panels:
        panel.close()
    # Valid frames are told apart by (panel device, zone): each valid event has its own zone number.
    expected = {
        (site.devices[p.device].pk, p.external_id.rsplit("-", 1)[1]) for p in plan if p.kind == "valid"
    }
    rows = InboundEvent.objects.filter(id__gt=start_id, source="sia")
    valid_rows = rows.exclude(status=EventStatusChoices.UNPARSEABLE).values_list("device_id", "zone")
    stored = Counter(valid_rows.iterator())
    unparseable = rows.filter(status=EventStatusChoices.UNPARSEABLE).count()
    connection.close()
    label = f"zero loss, SIA DC-09, {len(plan):,} frames at {cfg.rate}/s"
    return _loss_rows(label, plan, sent, stored, expected, unparseable, wall, killer, tally, count)


# ---------------------------------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------------------------------


def run(cfg: Settings | None = None) -> Rows:
    cfg = cfg or Settings()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    results: Rows = []
    site = build_site(cfg.devices, cfg.panels)
    connection.close()  # the servers write; the bench process only reads from here on
    results.append(
        (
            "alarms: set-up",
            f"{len(site.devices)} detectors with device tokens, {len(site.sia_accounts)} SIA accounts; "
            f"{cfg.consoles} consoles on `GET /api/v1/alarms/stream` (a manager's bearer token); "
            f"`anfang serve --workers {cfg.web_workers}`, `anfang worker mqtt` (mosquitto), "
            "`anfang worker sia`",
        )
    )
    with tempfile.TemporaryDirectory(prefix="anfang-bench-alarms-") as tmp:
        stack = Stack(Path(tmp), cfg)
        try:
            stack.start_web()
            if "http" in cfg.transports:
                results += latency_http(stack, site, cfg).rows(cfg.rate, cfg.seconds)
            if "mqtt" in cfg.transports:
                if stack.start_mqtt() is None:
                    results.append(("MQTT", "not measured: mosquitto is not installed"))
                elif not _wait_mqtt_ready(stack, site):
                    results.append(
                        ("MQTT", f"not measured: the worker stored nothing\n{stack.procs[-1].tail()}")
                    )
                else:
                    results += latency_mqtt(stack, site, cfg).rows(cfg.rate, cfg.seconds)
                    if cfg.kill_events:
                        results += kill_mqtt(stack, site, cfg)
            if "sia" in cfg.transports:
                stack.start_sia()
                results += latency_sia(stack, site, cfg).rows(cfg.rate, cfg.seconds)
                if cfg.kill_events:
                    results += kill_sia(stack, site, cfg)
            if "http" in cfg.transports and cfg.events:
                results += zero_loss_http(stack, site, cfg)
        finally:
            stack.stop()
            keep = os.environ.get("BENCH_ALARM_KEEP_LOGS")
            if keep:
                for path in Path(tmp).rglob("*.log"):
                    shutil.copy(path, Path(keep) / path.name)
    return results
