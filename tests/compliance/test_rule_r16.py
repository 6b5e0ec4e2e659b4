"""R-16 (第16条): every duty room and monitoring centre manned 24 h, read from the duty rosters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.compliance.rules import RULES, CheckContext, Finding
from anfang.compliance.snapshot import load
from anfang.core.choices import RoleChoices
from anfang.sites.models import Community
from tests.duty.conftest import local, room, roster, shift
from tests.support import factories

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 1, 10, 0)


def check(community: Community, now: dt.datetime = NOW) -> list[Finding]:
    return list(RULES["R-16"].check(load(community), CheckContext(now=now)))


@pytest.fixture
def staffed(tenancy: Any) -> Any:
    """Community A's duty room with a roster covering 9 whole days from midnight before NOW."""
    r = roster(tenancy.a)
    guard = factories.user("guard_a", community=tenancy.a, role=RoleChoices.GUARD)
    day = local(2026, 6, 1)
    for i in range(9):
        start = day + dt.timedelta(days=i)
        shift(r, start, start + dt.timedelta(hours=12), [tenancy.operator_a])
        shift(r, start + dt.timedelta(hours=12), start + dt.timedelta(days=1), [guard])
    return r


def test_no_duty_room_is_not_evaluable(tenancy: Any) -> None:
    [finding] = check(tenancy.a)
    assert finding.status == "not_evaluable" and finding.article == "第16条"
    assert "值班室" in finding.message_zh and finding.message_en


def test_room_without_roster_fails(tenancy: Any) -> None:
    room(tenancy.a, "MC", kind="monitoring_centre")
    [finding] = check(tenancy.a)
    assert finding.status == "fail" and finding.objects[0].code == "MC"
    assert "监控中心“值班室MC”没有值班排班表" in finding.message_zh
    assert "has no duty roster" in finding.message_en


def test_fully_covered_week_passes(staffed: Any, tenancy: Any) -> None:
    [finding] = check(tenancy.a)
    assert finding.status == "pass", finding.message_zh
    assert finding.details["uncovered_minutes"] == 0 and finding.details["gaps"] == []
    assert finding.objects[0].type == "location" and finding.objects[0].code == "DUTY"


def test_a_gap_fails_and_names_it_in_local_time(staffed: Any, tenancy: Any) -> None:
    night = staffed.shifts.get(starts_at=local(2026, 6, 3, 12))
    night.delete()
    [finding] = check(tenancy.a)
    assert finding.status == "fail"
    assert finding.details["uncovered_minutes"] == 12 * 60
    assert finding.details["gaps"] == [
        {"start": "2026-06-03T12:00:00+08:00", "end": "2026-06-04T00:00:00+08:00"}
    ]
    assert "06-03 12:00–24:00" in finding.message_zh and "720 分钟" in finding.message_zh
    assert "(Asia/Shanghai)" in finding.message_en


def test_gap_beyond_seven_days_does_not_count(staffed: Any, tenancy: Any) -> None:
    staffed.shifts.get(starts_at=local(2026, 6, 8, 12)).delete()  # begins after NOW + 7 days
    assert check(tenancy.a)[0].status == "pass"
    staffed.shifts.get(starts_at=local(2026, 6, 8)).delete()  # 06-08 00:00–12:00: inside until 10:00
    [finding] = check(tenancy.a)
    assert finding.status == "fail" and finding.details["uncovered_minutes"] == 10 * 60


def test_minimum_people_counts_distinct_people(staffed: Any, tenancy: Any) -> None:
    staffed.min_people = 2
    staffed.save()
    [finding] = check(tenancy.a)
    assert finding.status == "fail" and finding.details["uncovered_minutes"] == 7 * 24 * 60
    # The same person on an overlapping shift is still one person.
    shift(staffed, NOW, NOW + dt.timedelta(hours=2), [tenancy.operator_a])
    assert check(tenancy.a)[0].details["uncovered_minutes"] == 7 * 24 * 60
    shift(staffed, NOW, NOW + dt.timedelta(hours=2), [tenancy.manager_a])
    assert check(tenancy.a)[0].details["uncovered_minutes"] == 7 * 24 * 60 - 120


def test_a_shift_without_people_covers_nothing(tenancy: Any) -> None:
    r = roster(tenancy.a)
    shift(r, NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1), [])
    [finding] = check(tenancy.a)
    assert finding.status == "fail" and finding.details["uncovered_minutes"] == 7 * 24 * 60


def test_many_gaps_are_listed_up_to_five(staffed: Any, tenancy: Any) -> None:
    for day in range(2, 8):
        staffed.shifts.get(starts_at=local(2026, 6, day, 12)).delete()
    [finding] = check(tenancy.a)
    assert len(finding.details["gaps"]) == 6
    assert "等 6 段" in finding.message_zh and "and 1 more" in finding.message_en


def test_rosters_of_another_community_do_not_count(staffed: Any, tenancy: Any) -> None:
    room(tenancy.b)
    [finding] = check(tenancy.b)
    assert finding.status == "fail" and finding.details["roster"] is None


def test_demo_rooms_pass_and_demo2_fails(demo_built: Any) -> None:
    from django.utils import timezone

    for code, status in (("demo1", "pass"), ("demo2", "fail")):
        findings = check(Community.objects.get(code=code), timezone.now())
        assert [f.status for f in findings] == [status, status], code
        assert {f.objects[0].code for f in findings} == {"DUTY", "MC"}
