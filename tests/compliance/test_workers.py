"""The scheduler and the daily compliance check: once per Asia/Shanghai day, idempotent, bounded."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from anfang.cli import available_workers, load_worker
from anfang.compliance.choices import TriggerChoices
from anfang.compliance.models import ComplianceRun
from anfang.compliance.workers import DailyComplianceCheck
from anfang.core.workers import JOBS, Scheduler
from tests.support import factories

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026, Beijing time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CST)


def scheduled_runs(community: Any) -> list[ComplianceRun]:
    return list(
        ComplianceRun.objects.filter(community=community, trigger=TriggerChoices.SCHEDULED).order_by(
            "checked_at"
        )
    )


def test_each_community_is_checked_once_a_day(tenancy: Any) -> None:
    job = DailyComplianceCheck()
    assert sorted(job.tick(at(10, 3))) == ["a", "b"]
    assert job.tick(at(10, 3, 1)) == []
    assert job.tick(at(10, 23, 59)) == []
    assert [r.checked_at for r in scheduled_runs(tenancy.a)] == [at(10, 3)]
    # The next Beijing day starts at 16:00 UTC: checked again, once.
    assert sorted(job.tick(at(11, 0, 5))) == ["a", "b"]
    assert job.tick(at(11, 0, 6)) == []
    assert len(scheduled_runs(tenancy.b)) == 2


def test_the_day_is_the_beijing_day_not_utc(tenancy: Any) -> None:
    job = DailyComplianceCheck()
    job.tick(dt.datetime(2026, 11, 10, 15, 30, tzinfo=dt.UTC))  # 23:30 in Beijing on the 10th
    # 16:30 UTC the same UTC day is 00:30 on the 11th in Beijing: a new day, a new check.
    assert sorted(job.tick(dt.datetime(2026, 11, 10, 16, 30, tzinfo=dt.UTC))) == ["a", "b"]


def test_manual_checks_do_not_replace_the_daily_one(tenancy: Any) -> None:
    from anfang.compliance import services

    services.record_run(tenancy.a, trigger=TriggerChoices.MANUAL, now=at(10, 2))
    assert sorted(DailyComplianceCheck().tick(at(10, 3))) == ["a", "b"]


def test_work_per_tick_is_bounded(tenancy: Any) -> None:
    factories.community(code="c3")
    job = DailyComplianceCheck(batch_size=2)
    assert job.tick(at(10, 3)) == ["a", "b"]
    assert job.tick(at(10, 3, 1)) == ["c3"]
    assert job.tick(at(10, 3, 2)) == []


def test_a_failing_community_does_not_stop_the_others(tenancy: Any, monkeypatch: Any) -> None:
    from anfang.compliance import services

    real = services.record_run

    def broken(community: Any, **kw: Any) -> Any:
        if community.code == "a":
            raise RuntimeError("broken record")
        return real(community, **kw)

    monkeypatch.setattr(services, "record_run", broken)
    job = DailyComplianceCheck()
    assert job.tick(at(10, 3)) == ["b"]
    assert job.tick(at(10, 4)) == []  # not retried every minute the same day
    monkeypatch.setattr(services, "record_run", real)
    assert sorted(job.tick(at(11, 3))) == ["a", "b"]  # but the next day


def test_scheduler_runs_the_compliance_check_and_survives_a_failing_job(tenancy: Any) -> None:
    assert "anfang.compliance.workers:DailyComplianceCheck" in JOBS
    calls: list[str] = []

    class Broken:
        def tick(self, now: dt.datetime | None = None) -> None:
            calls.append("broken")
            raise RuntimeError("boom")

    class Recorder:
        def tick(self, now: dt.datetime | None = None) -> None:
            calls.append("ok")

    scheduler = Scheduler(jobs=[Broken(), Recorder()])
    scheduler.tick(at(10, 3))
    assert calls == ["broken", "ok"]

    default = Scheduler()
    assert any(isinstance(job, DailyComplianceCheck) for job in default.jobs)
    default.tick(at(10, 3))
    default.tick(at(10, 4))
    assert len(scheduled_runs(tenancy.a)) == 1


def test_scheduler_loop_stops_promptly() -> None:
    ticks: list[int] = []
    stop = threading.Event()

    class Counter:
        def tick(self, now: dt.datetime | None = None) -> None:
            ticks.append(1)
            if len(ticks) == 3:
                stop.set()

    thread = threading.Thread(target=Scheduler(interval=0.01, jobs=[Counter()]).run, args=(stop,))
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(ticks) == 3  # once at start, then every interval until stopped


def test_scheduler_is_a_registered_worker_started_by_up() -> None:
    assert load_worker("scheduler") is Scheduler
    assert "scheduler" in available_workers()
