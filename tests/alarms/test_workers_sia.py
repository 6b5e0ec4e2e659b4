"""`anfang worker sia` on a real TCP socket: frames stored before their ACK, duplicates harmless, rejected
frames (bad CRC, stale timestamp, unknown account, not DC-09) kept raw and answered NAK/DUH, new accounts
picked up without a restart, many panels at once, and a SIGKILL mid-stream losing no ACKed event."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from anfang.alarms.models import Alarm, InboundEvent, SiaAccount
from anfang.alarms.workers import SiaReceiver
from anfang.devices.models import Device
from anfang.integrations.sia import encode_frame
from tests.support.mosquitto import free_port, sqlite_read_uncommitted, wait_listening
from tests.support.shared_data import protocol_fixture
from tests.support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
KEY_HEX = "000102030405060708090A0B0C0D0E0F"


class Panel:
    """A panel's side of the connection: send a frame, read the receiver's answer (up to its CR)."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=10)
        self.pending = b""

    def send(self, frame: bytes, *, chunk: int | None = None) -> bytes:
        if chunk:
            for i in range(0, len(frame), chunk):
                self.sock.sendall(frame[i : i + chunk])
                time.sleep(0.01)
        else:
            self.sock.sendall(frame)
        return self.answer()

    def answer(self) -> bytes:
        while b"\r" not in self.pending and not self.pending.startswith(b'"'):
            data = self.sock.recv(4096)
            if not data:
                raise ConnectionError("the receiver closed the connection")
            self.pending += data
        if self.pending.startswith(b'"'):  # Osborne-Hoffman answers a bare "ACK"
            answer, self.pending = self.pending, b""
            return answer
        answer, _, self.pending = self.pending.partition(b"\r")
        return answer + b"\r"

    def close(self) -> None:
        self.sock.close()


def frame(account: str = "1234", sequence: int = 1, code: str = "BA", zone: str = "5", **kw: Any) -> bytes:
    return encode_frame(
        account=account, sequence=sequence, code=code, zone=zone, timestamp=timezone.now(), **kw
    )


def add_account(device: Any, account_id: str, key: str = "") -> SiaAccount:
    return SiaAccount.objects.create(
        community=device.community, device=device, account_id=account_id, key=key
    )


@pytest.fixture(autouse=True)
def _sqlite_readers_do_not_lock(transactional_db: Any) -> Iterator[None]:
    """The SQLite test database is in memory with a shared cache, where a reader in one thread makes a
    writer in another fail at once ("table is locked"; a file database waits instead). Let readers read
    without locks, as they may on PostgreSQL."""
    yield from sqlite_read_uncommitted()


@pytest.fixture
def receiver(site: Any, transactional_db: Any) -> Iterator[tuple[SiaReceiver, tuple[str, int]]]:
    add_account(site.detector, "1234")
    sia = SiaReceiver("127.0.0.1", 0, refresh_s=0.2)
    stop = threading.Event()
    thread = threading.Thread(target=sia.run, args=(stop,), daemon=True)
    thread.start()
    assert sia.ready.wait(10)
    assert sia.address is not None
    yield sia, sia.address
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive()


@pytest.fixture
def panel(receiver: tuple[SiaReceiver, tuple[str, int]]) -> Iterator[Panel]:
    connection = Panel(receiver[1])
    yield connection
    connection.close()


def test_an_accepted_frame_is_stored_then_acked_and_raises_an_alarm(site: Any, panel: Panel):
    answer = panel.send(frame(sequence=7, code="BA", zone="5"))
    assert b'"ACK"0007L0#1234[]' in answer
    stored = InboundEvent.objects.get(device=site.detector)  # committed before the ACK was written
    assert stored.source == "sia" and stored.vendor_code == "BA" and stored.zone == "5"
    assert b"|Nri1/BA5]" in bytes(stored.raw)  # the frame is kept as sent
    alarm = wait_for(lambda: Alarm.objects.filter(device=site.detector).first(), what="the alarm")
    assert alarm.alarm_type == "intrusion"


def test_a_retransmitted_frame_is_acked_again_and_stored_once(site: Any, panel: Panel):
    sent = frame(sequence=8)
    assert b'"ACK"' in panel.send(sent)
    assert b'"ACK"' in panel.send(sent)  # the panel lost the first ACK and sends again
    assert InboundEvent.objects.filter(device=site.detector).count() == 1


def test_a_frame_arriving_in_pieces_is_read_whole(site: Any, panel: Panel):
    assert b'"ACK"' in panel.send(frame(sequence=9), chunk=5)
    assert InboundEvent.objects.filter(device=site.detector).count() == 1


def test_several_frames_in_one_packet_each_get_their_answer(site: Any, panel: Panel):
    panel.sock.sendall(frame(sequence=21) + frame(sequence=22) + frame(sequence=23))
    answers = [panel.answer() for _ in range(3)]
    assert [a.count(b'"ACK"') for a in answers] == [1, 1, 1]
    assert InboundEvent.objects.filter(device=site.detector).count() == 3


def test_an_unknown_account_gets_nak_and_the_frame_is_kept(site: Any, panel: Panel):
    answer = panel.send(frame(account="9999", sequence=3))
    assert b'"NAK"' in answer
    kept = InboundEvent.objects.get(status="unparseable")
    assert kept.device is None and "account" in kept.error and "9999" in kept.error
    assert b"#9999" in bytes(kept.raw)


def test_a_bad_crc_gets_nak_and_the_frame_is_kept_for_the_panel(site: Any, panel: Panel):
    answer = panel.send(frame(sequence=4, bad_crc=True))
    assert b'"NAK"' in answer
    kept = InboundEvent.objects.get(status="unparseable")
    assert kept.device == site.detector and kept.error.startswith("crc")
    assert not Alarm.objects.exists()


def test_a_real_frame_with_a_stale_timestamp_gets_nak_and_is_kept(site: Any, panel: Panel):
    """pysiaalarm's closing report of 2019 (account AAA): far outside the 40 s window."""
    add_account(site.button, "AAA")
    time.sleep(0.3)  # the receiver re-reads its accounts
    answer = panel.send(b"\n" + protocol_fixture("sia/dcs_closing_CL.txt") + b"\r")
    assert b'"NAK"' in answer
    kept = InboundEvent.objects.get(status="unparseable")
    assert kept.device == site.button and kept.error.startswith("timestamp")


def test_a_frame_that_is_not_dc09_gets_duh_and_is_kept(site: Any, panel: Panel):
    answer = panel.send(protocol_fixture("sia/dc04_receiver_prefix_unsupported.txt") + b"\r")
    assert b'"DUH"' in answer or b'"NAK"' in answer
    assert InboundEvent.objects.filter(status="unparseable").count() == 1


def test_an_osborne_hoffman_test_line_is_acked(site: Any, panel: Panel):
    add_account(site.button, "006969XX")
    time.sleep(0.3)
    answer = panel.send(protocol_fixture("sia/osborne_hoffman_OH_test.txt") + b"\r")
    assert answer == b'"ACK"'
    stored = InboundEvent.objects.get(device=site.button)
    assert stored.event_type == "test"
    wait_for(lambda: InboundEvent.objects.get(pk=stored.pk).status == "logged", what="processing")


def test_a_new_account_works_without_a_restart(site: Any, panel: Panel):
    assert b'"NAK"' in panel.send(frame(account="5678", sequence=1))
    add_account(site.button, "5678")
    time.sleep(0.3)
    assert b'"ACK"' in panel.send(frame(account="5678", sequence=2))
    assert InboundEvent.objects.filter(device=site.button).count() == 1


def test_an_encrypted_account_is_decrypted_with_its_hex_key(site: Any, panel: Panel):
    add_account(site.button, "ABCD", key=KEY_HEX)
    time.sleep(0.3)
    answer = panel.send(
        frame(account="ABCD", sequence=5, code="PA", zone="1", key=KEY_HEX, key_encoding="hex")
    )
    assert b'"*ACK"' in answer
    stored = InboundEvent.objects.get(device=site.button)
    assert stored.event_type == "emergency" and stored.data["encrypted"] is True
    assert b'"NAK"' in panel.send(frame(account="ABCD", sequence=6, code="PA"))  # clear text refused


def test_a_link_test_marks_the_panel_alive(site: Any, panel: Panel):
    assert b'"ACK"' in panel.send(frame(sequence=11, message_type="NULL"))
    wait_for(lambda: Device.objects.get(pk=site.detector.pk).last_seen_at, what="last seen")
    wait_for(lambda: InboundEvent.objects.get(device=site.detector).status == "heartbeat", what="processing")


def test_many_panels_at_once(site: Any, receiver: tuple[SiaReceiver, tuple[str, int]]):
    for n in range(5):
        add_account(site.button, f"70{n}0")
    time.sleep(0.3)
    failures: list[str] = []

    def one_panel(n: int) -> None:
        connection: Panel | None = None
        for sequence in range(1, 9):
            sent = frame(account=f"70{n}0", sequence=sequence, code="BA", zone=str(n))
            for _attempt in range(5):  # a panel sends again when the connection drops unanswered
                try:
                    connection = connection or Panel(receiver[1])
                    answer = connection.send(sent)
                    break
                except OSError:
                    if connection is not None:
                        connection.close()
                    connection = None
            else:
                answer = b"no answer"
            if b'"ACK"' not in answer:
                failures.append(f"panel {n} frame {sequence}: {answer!r}")
        if connection is not None:
            connection.close()

    panels = [threading.Thread(target=one_panel, args=(n,)) for n in range(5)]
    for thread in panels:
        thread.start()
    for thread in panels:
        thread.join(timeout=60)
    assert not failures
    assert InboundEvent.objects.filter(source="sia", device=site.button).count() == 40


def test_a_line_without_its_end_is_dropped_and_kept_beyond_the_limit(site: Any, panel: Panel):
    panel.sock.sendall(b"X" * 9000)
    wait_for(lambda: InboundEvent.objects.filter(status="unparseable").exists(), what="the kept garbage")
    assert b'"ACK"' in panel.send(frame(sequence=12))  # the connection still works


def test_handle_frame_without_a_socket(site: Any, transactional_db: Any):
    add_account(site.detector, "4321")
    sia = SiaReceiver("127.0.0.1", 0)
    assert b'"ACK"' in sia.handle_frame(frame(account="4321", sequence=1))
    assert (
        InboundEvent.objects.filter(device=site.detector, status="received").count() == 1
    )  # processed later


def test_a_port_in_use_is_retried_not_fatal(transactional_db: Any):
    """`anfang up` must survive a taken port: the receiver logs, waits and listens once it is free."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    sia = SiaReceiver("127.0.0.1", port, bind_retry_s=0.2)
    stop = threading.Event()
    thread = threading.Thread(target=sia.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert not sia.ready.wait(0.6) and thread.is_alive()
        blocker.close()
        assert sia.ready.wait(10) and sia.address == ("127.0.0.1", port)
    finally:
        blocker.close()
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()


# ---------------------------------------------------------------------------------------------------
# Kill test: the real `anfang worker sia`, SIGKILLed in the middle of a stream
# ---------------------------------------------------------------------------------------------------

SETUP = """
from anfang.alarms.models import SiaAccount
from anfang.core import audit
from tests.support import factories
with audit.actor(system="test"):
    a = factories.community(code="a", name="小区A")
    panel = factories.in_service_device(a, code="PANEL-1", subsystem="resident_alarm", kind="alarm_panel")
    SiaAccount.objects.create(community=a, device=panel, account_id="2468")
"""


def stored_sequences(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "anfang.sqlite3", timeout=30) as db:
        rows = db.execute(
            "SELECT json_extract(data, '$.sequence') FROM alarms_inboundevent WHERE source = 'sia'"
        )
        return [str(row[0]) for row in rows]


@pytest.mark.slow
def test_kill_mid_stream_loses_no_acked_event(tmp_path: Path):
    """Send 80 frames, waiting for each ACK; SIGKILL the worker after 30; the panel resends what got no
    ACK until the restarted worker answers; every ACKed frame is stored exactly once."""
    data_dir = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        ANFANG_DATA_DIR=str(data_dir),
        ANFANG_SIA_PORT=str(port),
        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]),
    )
    cli = [sys.executable, "-m", "anfang.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, cwd=REPO, check=True, timeout=180)
    subprocess.run([*cli, "shell", "-c", SETUP], env=env, cwd=REPO, check=True, timeout=60)
    log = (tmp_path / "worker.log").open("ab")

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen([*cli, "worker", "sia"], env=env, cwd=REPO, stdout=log, stderr=log)
        assert wait_listening("127.0.0.1", port, timeout=60), (tmp_path / "worker.log").read_text()
        return worker

    workers = [start()]
    acked: list[str] = []

    def kill_and_restart() -> None:
        """SIGKILL whenever the 30th ACK has come, with the panel still sending, then start again."""
        wait_for(lambda: len(acked) >= 30, timeout=120, what="30 ACKs")
        workers[-1].send_signal(signal.SIGKILL)
        workers[-1].wait(timeout=10)
        workers.append(start())

    killer = threading.Thread(target=kill_and_restart)
    killer.start()
    connection: Panel | None = None
    try:
        for n in range(1, 81):
            sent = encode_frame(
                account="2468",
                sequence=n,
                code="BA",
                zone="1",
                timestamp=timezone.now() - dt.timedelta(seconds=1),
            )
            while True:  # a panel sends a frame again until it is acknowledged
                try:
                    connection = connection or Panel(("127.0.0.1", port))
                    answer = connection.send(sent)
                    break
                except OSError:
                    if connection is not None:
                        connection.close()
                    connection = None
                    time.sleep(0.1)
            assert b'"ACK"' in answer, answer
            acked.append(f"{n:04d}")
        killer.join(timeout=120)
        assert len(workers) == 2  # it was killed and restarted mid-stream
    finally:
        if connection is not None:
            connection.close()
        killer.join(timeout=120)
        worker = workers[-1]
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        log.close()
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()
    stored = stored_sequences(data_dir)
    assert sorted(stored) == sorted(acked)  # every ACKed frame, each exactly once
