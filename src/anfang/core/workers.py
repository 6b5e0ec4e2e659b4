"""``anfang worker scheduler``: runs the periodic jobs of every app in one process.

A job is any object with ``tick(now=None)`` doing one bounded, idempotent unit of work (it decides
itself whether anything is due, with its cursor in the database). Jobs are registered by dotted path
in :data:`JOBS`, in the order they run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

log = logging.getLogger(__name__)

# "module:Class" of each periodic job, instantiated without arguments, run in this order every tick.
JOBS: list[str] = [
    "anfang.sites.demo:DemoHeartbeats",  # demo communities only; before the checks that read them
    "anfang.alarms.services:PendingEventSweeper",
    "anfang.alarms.services:AlarmEscalation",
    "anfang.alarms.services:HeartbeatMonitor",
    "anfang.duty.workers:RosterExtension",  # before the check that reads the rosters
    "anfang.compliance.workers:DailyComplianceCheck",
    "anfang.vehicles.services:PassageRetention",
]


class PeriodicJob(Protocol):
    """A job may set ``every`` (seconds between runs in the loop); without it, it runs every interval."""

    def tick(self, now: dt.datetime | None = None) -> Any: ...


def load_jobs(paths: Sequence[str] = JOBS) -> list[PeriodicJob]:
    """Instantiate the registered jobs (imports are late: Django must be set up first)."""
    jobs: list[PeriodicJob] = []
    for path in paths:
        module_name, _, attr = path.partition(":")
        jobs.append(getattr(importlib.import_module(module_name), attr)())
    return jobs


class Scheduler:
    """Every ``interval`` seconds, tick each job that is due (its own ``every``); one job's failure is
    logged and does not stop the others or the loop. Ticks all at start, so ``anfang up`` checks the
    demo right away. Alarm escalation needs seconds, the daily compliance check minutes."""

    def __init__(self, *, interval: float = 1.0, jobs: Sequence[PeriodicJob] | None = None) -> None:
        self.interval = interval
        self.jobs: list[PeriodicJob] = list(jobs) if jobs is not None else load_jobs()
        self._last_run: dict[int, float] = {}

    def tick(self, now: dt.datetime | None = None) -> None:
        """Run every job once (tests and the first loop pass)."""
        for job in self.jobs:
            self._run(job, now)

    def _run(self, job: PeriodicJob, now: dt.datetime | None) -> None:
        self._last_run[id(job)] = time.monotonic()
        try:
            job.tick(now)
        except Exception:
            log.exception("periodic job %s failed", type(job).__name__)
        finally:
            _close_stale_connections()

    def tick_due(self) -> None:
        clock = time.monotonic()
        for job in self.jobs:
            every = float(getattr(job, "every", self.interval))
            if clock - self._last_run.get(id(job), -1e9) >= every - 1e-3:
                self._run(job, None)

    def run(self, stop: threading.Event) -> None:
        if not stop.is_set():
            self.tick()
        while not stop.wait(self.interval):
            self.tick_due()


def _close_stale_connections() -> None:
    """A long-lived worker must drop broken or expired database connections between ticks."""
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:  # never inside a transaction (a test's, for instance)
        close_old_connections()
