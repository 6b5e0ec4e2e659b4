"""A real Mosquitto broker for tests: started on a free localhost port with a temporary config, stopped
after. Persistence is on (in the temporary directory), so persistent sessions survive a worker restart
and, with `restart()`, a broker restart.

Mosquitto is required, never skipped: `make test` installs it (scripts/system-deps.sh); without it the
test fails and says how to install it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


def mosquitto_binary() -> str:
    """The broker binary: `ANFANG_MOSQUITTO`, else `mosquitto` on PATH, else Debian's /usr/sbin/mosquitto."""
    candidates = [
        os.environ.get("ANFANG_MOSQUITTO", ""),
        shutil.which("mosquitto") or "",
        "/usr/sbin/mosquitto",
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "Mosquitto (the MQTT broker) is not installed: `apt-get install mosquitto` "
        "(or run `make test`, which installs it); MQTT tests need a real broker",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(host: str, port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@dataclass
class Broker:
    """A running Mosquitto: `url` for `ANFANG_MQTT_URL`, `stop()`/`start()` to take it down and up."""

    directory: Path
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    @property
    def log_text(self) -> str:
        path = self.directory / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "mosquitto.conf"
        lines = [
            f"listener {self.port} {self.host}",
            "allow_anonymous true",
            "persistence true",
            f"persistence_location {self.directory}/",
            f"log_dest file {self.directory / 'mosquitto.log'}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "max_queued_messages 100000",
        ]
        if os.getuid() == 0:
            # As root Mosquitto drops to the `mosquitto` user, who cannot write our temporary directory.
            lines.append(f"user {pwd.getpwuid(os.getuid()).pw_name}")
        config.write_text("\n".join(lines) + "\n")
        return config

    def start(self) -> None:
        config = self._write_config()
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if not wait_listening(self.host, self.port):
            self.stop()
            pytest.fail(f"Mosquitto did not start on port {self.port}:\n{self.log_text}", pytrace=False)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


def sqlite_read_uncommitted() -> Iterator[None]:
    """For worker tests on the in-memory SQLite test database (shared cache), where a reader in one
    thread makes a writer in another fail at once with "table is locked": readers take no table locks
    while this runs (a generator for a fixture to `yield from`). Nothing changes on PostgreSQL."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def unlock(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(unlock)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        unlock(None, connection)
    try:
        yield
    finally:
        connection_created.disconnect(unlock)


@contextmanager
def mosquitto(directory: Path, *, port: int | None = None) -> Iterator[Broker]:
    """Run a broker for the block (on `port`, or a free one) and stop it afterwards."""
    broker = Broker(directory) if port is None else Broker(directory, port=port)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
