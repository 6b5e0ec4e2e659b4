"""A small process supervisor for ``anfang up``: start children, restart crashed ones with back-off,
stop them all cleanly.

Deliberately tiny (production runs one ``anfang serve`` / ``anfang worker NAME`` per systemd unit or
container instead). Children run in their own process group, so Ctrl-C in the terminal reaches only
the supervisor, which then stops every child with SIGTERM (SIGKILL after a grace period); on Linux a
child also receives SIGTERM if the supervisor itself dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChildSpec:
    """One supervised process: a name for the log and its command line."""

    name: str
    argv: Sequence[str]


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    backoff: float = 0.0
    restart_at: float | None = None
    restarts: int = 0
    history: list[int] = field(default_factory=list)  # exit codes, for tests and the log


def _die_with_parent() -> None:
    """Linux: deliver SIGTERM to the child when the supervisor exits (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


class Supervisor:
    """Run ``specs`` until ``stop`` is set; a child that exits is restarted after a back-off that
    doubles while it keeps crashing soon after start (``min_backoff`` … ``max_backoff`` seconds)."""

    def __init__(
        self,
        specs: Sequence[ChildSpec],
        *,
        env: Mapping[str, str] | None = None,
        log: Callable[[str], None] = print,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 30.0,
        grace: float = 10.0,
        poll: float = 0.2,
    ) -> None:
        self.children = [_Child(spec) for spec in specs]
        self.env = dict(env) if env is not None else None
        self.log = log
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.grace = grace
        self.poll = poll

    # -----------------------------------------------------------------------------------------------

    def _start(self, child: _Child) -> None:
        child.process = subprocess.Popen(
            list(child.spec.argv),
            env=self.env,
            process_group=0,
            preexec_fn=_die_with_parent,
        )
        child.started_at = time.monotonic()
        child.restart_at = None

    def next_backoff(self, child: _Child, ran_for: float) -> float:
        """Reset after a stable run; otherwise double (from ``min_backoff``) up to ``max_backoff``."""
        if ran_for >= self.stable_after or child.backoff <= 0:
            return self.min_backoff
        return min(child.backoff * 2, self.max_backoff)

    def check(self) -> None:
        """One supervision step: notice exits, schedule and perform restarts."""
        now = time.monotonic()
        for child in self.children:
            if child.process is not None:
                code = child.process.poll()
                if code is None:
                    continue
                child.history.append(code)
                child.backoff = self.next_backoff(child, now - child.started_at)
                child.process = None
                child.restart_at = now + child.backoff
                self.log(
                    _("[supervisor] %(name)s 已退出（%(code)s），%(delay).0f 秒后重启")
                    % {"name": child.spec.name, "code": code, "delay": child.backoff}
                )
            elif child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._start(child)

    def run(self, stop: threading.Event) -> int:
        """Start every child, supervise until ``stop`` is set, then stop them all; returns 0."""
        for child in self.children:
            self._start(child)
        try:
            while not stop.wait(self.poll):
                self.check()
        finally:
            self.stop_all()
        return 0

    def stop_all(self) -> None:
        """SIGTERM every running child, wait ``grace`` seconds, SIGKILL what is left."""
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(
                    _("[supervisor] 进程 %(pid)s 未在 %(grace).0f 秒内停止，强制结束")
                    % {"pid": process.pid, "grace": self.grace}
                )
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for child in self.children:
            child.process = None
            child.restart_at = None


# ---------------------------------------------------------------------------------------------------
# A local MQTT broker for `anfang up`
# ---------------------------------------------------------------------------------------------------

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def local_mqtt_broker(
    mqtt_url: str, data_dir: Path, *, log: Callable[[str], None] = print
) -> ChildSpec | None:
    """A Mosquitto child for `anfang up` when ANFANG_MQTT_URL names this machine and nothing listens
    on its port yet, so `make run` has a broker; None otherwise (a real broker is configured or running,
    or Mosquitto is not installed — then the MQTT worker keeps retrying and says so).

    Its config and persistence live in `<data dir>/mosquitto/`, so the worker's persistent session
    (and the events queued for it) survive a restart.
    """
    parts = urllib.parse.urlsplit(mqtt_url)
    try:
        port = parts.port or 1883
    except ValueError:
        return None
    host = parts.hostname or "127.0.0.1"
    if parts.scheme.lower() not in ("mqtt", "tcp") or host not in LOOPBACK_HOSTS:
        return None
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return None  # a broker is already there
    except OSError:
        pass
    binary = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None
    )
    if binary is None:
        log(_("[supervisor] 未找到 mosquitto，MQTT 设备暂不可接入（apt-get install mosquitto）"))
        return None
    directory = data_dir / "mosquitto"
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        f"listener {port} {'127.0.0.1' if host == 'localhost' else host}",
        "allow_anonymous true",
        "persistence true",
        f"persistence_location {directory}/",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
    ]
    if os.getuid() == 0:  # as root Mosquitto would switch to a `mosquitto` user who cannot write here
        lines.append(f"user {pwd.getpwuid(0).pw_name}")
    config = directory / "mosquitto.conf"
    config.write_text("\n".join(lines) + "\n")
    return ChildSpec("mqtt-broker", [binary, "-c", str(config)])
