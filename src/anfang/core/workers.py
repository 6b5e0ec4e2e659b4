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
from collections.abc import Sequence
from typing import Any, Protocol

log = logging.getLogger(__name__)

# "module:Class" of each periodic job, instantiated without arguments, run in this order every tick.
JOBS: list[str] = [
    "anfang.sites.demo:DemoHeartbeats",  # demo communities only; before the check that reads them
    "anfang.compliance.workers:DailyComplianceCheck",
]


class PeriodicJob(Protocol):
    def tick(self, now: dt.datetime | None = None) -> Any: ...


def load_jobs(paths: Sequence[str] = JOBS) -> list[PeriodicJob]:
    """Instantiate the registered jobs (imports are late: Django must be set up first)."""
    jobs: list[PeriodicJob] = []
    for path in paths:
        module_name, _, attr = path.partition(":")
        jobs.append(getattr(importlib.import_module(module_name), attr)())
    return jobs


class Scheduler:
    """Every ``interval`` seconds, tick each job in turn; one job's failure is logged and does not
    stop the others or the loop. Ticks once at start, so ``anfang up`` checks the demo right away."""

    def __init__(self, *, interval: float = 60.0, jobs: Sequence[PeriodicJob] | None = None) -> None:
        self.interval = interval
        self.jobs: list[PeriodicJob] = list(jobs) if jobs is not None else load_jobs()

    def tick(self, now: dt.datetime | None = None) -> None:
        for job in self.jobs:
            try:
                job.tick(now)
            except Exception:
                log.exception("periodic job %s failed", type(job).__name__)
            finally:
                _close_stale_connections()

    def run(self, stop: threading.Event) -> None:
        if not stop.is_set():
            self.tick()
        while not stop.wait(self.interval):
            self.tick()


def _close_stale_connections() -> None:
    """A long-lived worker must drop broken or expired database connections between ticks."""
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:  # never inside a transaction (a test's, for instance)
        close_old_connections()
