"""The daily compliance check: every community is checked once per (Asia/Shanghai) day, so the
finding history shows when each problem appeared and when it was fixed even if nobody opens the page.

Run by the ``scheduler`` worker (:class:`anfang.core.workers.Scheduler`); tests call :meth:`tick`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from anfang.compliance import services
from anfang.compliance.choices import TriggerChoices
from anfang.compliance.history import day_bounds, local_date
from anfang.compliance.models import ComplianceRun
from anfang.sites.models import Community

log = logging.getLogger(__name__)


class DailyComplianceCheck:
    """Check, per tick, at most ``batch_size`` communities that have no scheduled run today.

    Idempotent: a community with a scheduled run dated today (Asia/Shanghai) is skipped, so ticking
    every minute checks each community once a day. A community whose check raises is logged and not
    retried before the next day (one broken record must not make the worker spin on it)."""

    every = 60.0

    def __init__(self, *, batch_size: int = 20) -> None:
        self.batch_size = batch_size
        self._failed: dict[dt.date, set[int]] = {}

    def due(self, now: dt.datetime) -> list[Community]:
        """Communities without a scheduled run on ``now``'s day (at most ``batch_size``, by code)."""
        start, end = day_bounds(local_date(now))
        done_today = ComplianceRun.objects.filter(
            trigger=TriggerChoices.SCHEDULED, checked_at__gte=start, checked_at__lt=end
        ).values("community_id")
        failed = self._failed.get(local_date(now), set())
        return list(
            Community.objects.exclude(pk__in=done_today)
            .exclude(pk__in=failed)
            .order_by("code")[: self.batch_size]
        )

    def tick(self, now: dt.datetime | None = None) -> list[str]:
        """Run the due checks; returns the codes of the communities checked in this tick."""
        now = now or timezone.now()
        today = local_date(now)
        self._failed = {today: self._failed.get(today, set())}  # forget earlier days' failures
        checked = []
        for community in self.due(now):
            try:
                run, _report = services.record_run(community, trigger=TriggerChoices.SCHEDULED, now=now)
            except Exception:
                log.exception("scheduled compliance check of %s failed", community.code)
                self._failed[today].add(community.pk)
                continue
            log.info(
                "scheduled compliance check of %s: %d violations (%d ms)",
                community.code,
                run.violations,
                run.duration_ms,
            )
            checked.append(community.code)
        return checked
