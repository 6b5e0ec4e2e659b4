"""Periodic jobs of the duty room, run by the ``scheduler`` worker (:mod:`anfang.core.workers`)."""

from __future__ import annotations

import datetime as dt

from anfang.core import audit
from anfang.duty import services


class RosterExtension:
    """Keeps every roster's shifts generated 14 days ahead from its weekly pattern (R-16 第16条: the
    rooms stay manned after the horizon moves). Idempotent: a pattern already generated far enough is
    skipped in the query."""

    every = 300.0

    def tick(self, now: dt.datetime | None = None) -> int:
        with audit.actor(system="worker:scheduler"):
            return services.extend_rosters(now)
