"""Duty services: shifts and people, generation from the weekly pattern, the duty log, handovers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.alarms.models import Alarm, AlarmAction
from anfang.alarms.signals import alarm_action_recorded
from anfang.core import audit
from anfang.core.choices import RoleChoices
from anfang.core.errors import DomainError
from anfang.core.models import ChangeRecord
from anfang.duty import services
from anfang.duty.models import DutyLogEntry, Handover, Shift, ShiftPattern
from anfang.duty.workers import RosterExtension
from tests.duty.conftest import local, room, roster, shift
from tests.support import factories

pytestmark = pytest.mark.django_db

NOW = local(2026, 6, 1, 10, 0)  # a Monday


def pattern(r: Any, name: str, start: int, end: int, people: list[Any], **kw: Any) -> ShiftPattern:
    with audit.actor(system="test"):
        return services.save_pattern(
            ShiftPattern(roster=r, name=name, start_time=dt.time(start), end_time=dt.time(end), **kw),
            people,
            now=NOW,
        )


def three_shifts(tenancy: Any) -> Any:
    r = roster(tenancy.a)
    pattern(r, "夜班", 0, 8, [tenancy.operator_a])
    pattern(r, "白班", 8, 16, [tenancy.manager_a])
    pattern(r, "中班", 16, 0, [tenancy.operator_a])
    return r


# -- shifts --------------------------------------------------------------------------------------------


def test_shift_people_must_be_members_and_are_change_logged(tenancy: Any) -> None:
    r = roster(tenancy.a)
    with pytest.raises(DomainError) as err:
        shift(r, NOW, NOW + dt.timedelta(hours=8), [tenancy.manager_b])
    assert err.value.code == "not_a_member"
    with pytest.raises(DomainError):
        shift(r, NOW, NOW + dt.timedelta(hours=8), [tenancy.police_a])  # police are not members
    s = shift(r, NOW, NOW + dt.timedelta(hours=8), [tenancy.operator_a])
    assert list(s.people.all()) == [tenancy.operator_a]
    created = ChangeRecord.objects.get(object_type="duty.shift", object_id=str(s.pk), action="create")
    assert created.after is not None and created.after["people"] == [tenancy.operator_a.pk]
    with audit.actor(tenancy.manager_a):
        services.save_shift(s, [tenancy.operator_a, tenancy.manager_a])
    updated = ChangeRecord.objects.get(object_type="duty.shift", object_id=str(s.pk), action="update")
    assert updated.before is not None and updated.after is not None
    assert updated.before["people"] == [tenancy.operator_a.pk]
    assert updated.after["people"] == sorted([tenancy.operator_a.pk, tenancy.manager_a.pk])
    assert updated.actor_name == "manager_a"


def test_shift_must_end_after_it_starts(tenancy: Any) -> None:
    from django.core.exceptions import ValidationError

    r = roster(tenancy.a)
    with pytest.raises(ValidationError):
        shift(r, NOW, NOW, [tenancy.operator_a])
    with pytest.raises(ValidationError):
        shift(r, NOW, NOW - dt.timedelta(hours=1), [tenancy.operator_a])


def test_roster_only_in_a_duty_room_or_monitoring_centre_of_its_community(tenancy: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        roster(tenancy.a, factories.location(tenancy.a, kind="building"))
    with pytest.raises(ValidationError):
        roster(tenancy.a, room(tenancy.b))
    r = roster(tenancy.a, room(tenancy.a, "MC", "monitoring_centre"))
    with pytest.raises(ValidationError):  # one roster per room
        roster(tenancy.a, r.location)


def test_uncovered_minutes_and_intervals_on_the_model(tenancy: Any) -> None:
    r = roster(tenancy.a)
    day = local(2026, 6, 2)
    shift(r, day, day + dt.timedelta(hours=8), [tenancy.operator_a])
    shift(r, day + dt.timedelta(hours=9), day + dt.timedelta(days=1), [tenancy.manager_a])
    assert r.uncovered_minutes(day, day + dt.timedelta(days=1)) == 60
    assert r.uncovered_intervals(day, day + dt.timedelta(days=1)) == [
        (day + dt.timedelta(hours=8), day + dt.timedelta(hours=9))
    ]
    r.min_people = 2
    assert r.uncovered_minutes(day, day + dt.timedelta(days=1)) == 24 * 60


# -- the weekly pattern ------------------------------------------------------------------------------


def test_pattern_generates_fourteen_days_of_three_shifts(tenancy: Any) -> None:
    r = three_shifts(tenancy)
    shifts = Shift.objects.filter(roster=r)
    # Today's night shift (00:00–08:00) has ended at 10:00: 13 nights, 14 days, 14 evenings.
    assert shifts.count() == 13 + 14 + 14
    first = shifts.order_by("starts_at").first()
    assert first is not None and first.starts_at == local(2026, 6, 1, 8)
    evening = shifts.get(starts_at=local(2026, 6, 1, 16))
    assert evening.ends_at == local(2026, 6, 2, 0) and list(evening.people.all()) == [tenancy.operator_a]
    assert r.uncovered_minutes(NOW, NOW + dt.timedelta(days=13)) == 0
    # Idempotent: running again (the scheduler) adds nothing.
    assert services.extend_rosters(NOW) == 0
    assert shifts.count() == 41


def test_the_horizon_moves_with_the_scheduler(tenancy: Any) -> None:
    r = three_shifts(tenancy)
    assert RosterExtension().tick(NOW + dt.timedelta(days=1)) == 3
    assert RosterExtension().tick(NOW + dt.timedelta(days=1, hours=5)) == 0
    last = Shift.objects.filter(roster=r).order_by("-starts_at").first()
    assert last is not None and last.starts_at == local(2026, 6, 15, 16)


def test_weekdays_limit_a_slot(tenancy: Any) -> None:
    r = roster(tenancy.a)
    pattern(r, "周末加班", 9, 17, [tenancy.manager_a], weekdays=[5, 6])
    days = {
        s.starts_at.astimezone(services.timezone.get_default_timezone()).weekday() for s in r.shifts.all()
    }
    assert days == {5, 6} and r.shifts.count() == 4


def test_editing_a_slot_regenerates_future_shifts_but_keeps_hand_edited_ones(tenancy: Any) -> None:
    r = three_shifts(tenancy)
    day_slot = r.patterns.get(name="白班")
    tomorrow = r.shifts.get(starts_at=local(2026, 6, 2, 8))
    with audit.actor(system="test"):
        services.save_shift(tomorrow, [tenancy.operator_a])  # edited by hand: leaves the pattern
    assert tomorrow.pattern is None
    guard = factories.user("guard_a", community=tenancy.a, role=RoleChoices.GUARD)
    with audit.actor(system="test"):
        services.save_pattern(day_slot, [guard], now=NOW)
    running = r.shifts.get(starts_at=local(2026, 6, 1, 8))  # started before the edit: history
    assert list(running.people.all()) == [tenancy.manager_a]
    later = r.shifts.get(starts_at=local(2026, 6, 3, 8))
    assert list(later.people.all()) == [guard]
    assert r.shifts.filter(starts_at=local(2026, 6, 2, 8)).count() == 2  # hand-edited + regenerated


def test_deleting_a_slot_removes_its_future_shifts_only(tenancy: Any) -> None:
    r = three_shifts(tenancy)
    slot = r.patterns.get(name="白班")
    with audit.actor(system="test"):
        services.delete_pattern(slot, now=NOW)
    assert r.shifts.filter(starts_at=local(2026, 6, 1, 8)).exists()  # running now: kept
    assert not r.shifts.filter(starts_at=local(2026, 6, 2, 8)).exists()
    assert r.uncovered_minutes(local(2026, 6, 2), local(2026, 6, 3)) == 8 * 60


def test_seed_duty_covers_every_room_round_the_clock(tenancy: Any) -> None:
    room(tenancy.a, "DUTY")
    room(tenancy.a, "MC", "monitoring_centre")
    p = [tenancy.operator_a]
    with audit.actor(system="test"):
        rosters = services.seed_duty(tenancy.a, {"DUTY": (p, p, p), "MC": (p, p, p)}, now=NOW)
    assert len(rosters) == 2
    for r in rosters:
        assert r.uncovered_minutes(NOW, NOW + dt.timedelta(days=13)) == 0


# -- duty log ---------------------------------------------------------------------------------------


def alarm_action(community: Any, action: str, by: Any = None, **kw: Any) -> AlarmAction:
    alarm = kw.pop("alarm", None) or Alarm.objects.create(
        community=community, alarm_type="intrusion", title="1号楼入侵"
    )
    row = AlarmAction.objects.create(
        alarm=alarm, community=community, action=action, by=by, by_name=by.username if by else "", **kw
    )
    alarm_action_recorded.send(sender=AlarmAction, action=row)
    return row


def test_alarm_steps_write_the_duty_log(tenancy: Any) -> None:
    raised = alarm_action(tenancy.a, "raise")
    alarm = raised.alarm
    alarm_action(tenancy.a, "join", alarm=alarm)  # a repeat of the same zone: no line of its own
    alarm_action(tenancy.a, "escalate", alarm=alarm)  # the system, not a person
    alarm_action(tenancy.a, "acknowledge", tenancy.operator_a, alarm=alarm, note="已查看视频")
    entries = list(DutyLogEntry.objects.filter(community=tenancy.a))
    assert [e.alarm_action.action for e in entries if e.alarm_action] == ["raise", "escalate", "acknowledge"]
    assert [e.kind for e in entries] == ["alarm", "system", "alarm"]
    assert all(e.alarm == alarm for e in entries)
    assert entries[0].text == "1号楼入侵" and entries[0].by is None
    assert entries[1].by is None and entries[1].summary() == f"超时未确认，已升级：#{alarm.pk} 入侵报警"
    assert entries[2].by == tenancy.operator_a and entries[2].by_name == "operator_a"
    assert entries[2].summary() == f"确认接警：#{alarm.pk} 入侵报警 — 已查看视频"
    # The same action delivered twice is logged once.
    alarm_action_recorded.send(sender=AlarmAction, action=entries[2].alarm_action)
    assert DutyLogEntry.objects.filter(community=tenancy.a).count() == 3


def test_escalations_and_system_notes_reach_the_duty_log(tenancy: Any) -> None:
    """The scheduler's escalations and the "device back online" note are system lines (R-16)."""
    from django.db import transaction
    from django.utils import timezone

    from anfang.alarms import services as alarms
    from anfang.devices.models import DeviceOutage

    now = timezone.now()
    device = factories.in_service_device(tenancy.a, code="PIR-9", name="北墙红外")
    with transaction.atomic():
        late = alarms.raise_alarm(
            community_id=tenancy.a.pk, alarm_type="intrusion", at=now - dt.timedelta(minutes=5)
        )
        real = alarms.raise_alarm(
            community_id=tenancy.a.pk, alarm_type="intrusion", at=now - dt.timedelta(minutes=30)
        )
        offline = alarms.raise_alarm(
            community_id=tenancy.a.pk,
            alarm_type="device_offline",
            device=device,
            at=now - dt.timedelta(hours=1),
        )
    alarms.acknowledge(real, by=tenancy.operator_a)
    alarms.confirm_real(real, by=tenancy.operator_a)
    Alarm.objects.filter(pk=real.pk).update(confirmed_real_at=now - dt.timedelta(minutes=20))
    alarms.escalate_overdue(now)
    DeviceOutage.objects.create(device=device, community=tenancy.a, started_at=now - dt.timedelta(hours=1))
    type(device).objects.filter(pk=device.pk).update(last_seen_at=now - dt.timedelta(seconds=10))
    alarms.check_heartbeats(now)

    system = {
        e.alarm_action.action: e
        for e in DutyLogEntry.objects.filter(community=tenancy.a, kind="system").select_related(
            "alarm_action"
        )
        if e.alarm_action
    }
    assert set(system) == {"escalate", "police_overdue", "note"}
    assert system["escalate"].alarm_id == late.pk and system["escalate"].by_name == ""
    assert system["police_overdue"].alarm_id == real.pk
    assert system["police_overdue"].summary().startswith(f"真实警情未及时报警，已升级：#{real.pk}")
    assert system["note"].alarm_id == offline.pk and "设备已恢复在线" in system["note"].summary()


def test_arming_and_disarming_by_hand_is_logged(tenancy: Any) -> None:
    from anfang.alarms import services as alarms
    from anfang.alarms.models import AlarmZone

    device = factories.in_service_device(tenancy.a, code="PNL-1", name="报警主机")
    zone = AlarmZone.objects.create(community=tenancy.a, device=device, code="3", name="东侧围墙")
    alarms.set_armed(device, armed=False, by=tenancy.operator_a, zone=zone)
    alarms.set_armed(device, armed=True, by=tenancy.manager_a)
    lines = list(DutyLogEntry.objects.filter(community=tenancy.a).order_by("pk"))
    assert [(e.kind, e.by, e.summary()) for e in lines] == [
        ("system", tenancy.operator_a, "撤防：报警主机 防区 东侧围墙"),
        ("system", tenancy.manager_a, "布防：报警主机（全部防区）"),
    ]
    # Refused (a guard may not arm): nothing is logged.
    guard = factories.user("guard_x", community=tenancy.a, role=RoleChoices.GUARD)
    with pytest.raises(DomainError):
        alarms.set_armed(device, armed=False, by=guard)
    assert DutyLogEntry.objects.filter(community=tenancy.a).count() == 2


def test_duty_log_lines_are_append_only(tenancy: Any) -> None:
    entry = services.add_log_entry(tenancy.a, by=tenancy.operator_a, text="22:10 巡查南门，正常")
    entry.text = "改写"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert DutyLogEntry.objects.get(pk=entry.pk).text == "22:10 巡查南门，正常"


def test_manual_entry_refuses_empty_text_and_foreign_rosters(tenancy: Any) -> None:
    with pytest.raises(DomainError):
        services.add_log_entry(tenancy.a, by=tenancy.operator_a, text="   ")
    other = roster(tenancy.b)
    with pytest.raises(DomainError):
        services.add_log_entry(tenancy.a, by=tenancy.operator_a, text="x", roster=other)


# -- handover ----------------------------------------------------------------------------------------


def test_handover_carries_over_the_open_alarms_and_writes_the_log(tenancy: Any) -> None:
    r = roster(tenancy.a)
    open_alarm = Alarm.objects.create(community=tenancy.a, alarm_type="fire", state="acknowledged")
    Alarm.objects.create(community=tenancy.a, alarm_type="fire", state="resolved")
    Alarm.objects.create(community=tenancy.b, alarm_type="fire")
    handover = services.hand_over(r, by=tenancy.operator_a, to=tenancy.manager_a, notes="南门道闸待修")
    assert list(handover.alarms.all()) == [open_alarm]
    assert handover.handed_over_by_name == "operator_a" and handover.taken_over_by_name == "manager_a"
    entry = DutyLogEntry.objects.get(handover=handover)
    assert entry.kind == "handover" and entry.roster == r
    assert entry.summary() == "交接班：operator_a → manager_a，移交未处置报警 1 起 — 南门道闸待修"


def test_handover_passes_the_leavers_claims_to_the_taker(tenancy: Any) -> None:
    from anfang.alarms import services as alarms

    r = roster(tenancy.a)
    mine = Alarm.objects.create(community=tenancy.a, alarm_type="fire", title="3号楼烟感")
    theirs = Alarm.objects.create(community=tenancy.a, alarm_type="intrusion", title="北墙")
    nobodys = Alarm.objects.create(community=tenancy.a, alarm_type="intrusion", title="南门")
    other_operator = factories.user("operator_a2", community=tenancy.a, role=RoleChoices.OPERATOR)
    alarms.claim(mine, by=tenancy.operator_a)
    alarms.claim(theirs, by=other_operator)
    handover = services.hand_over(r, by=tenancy.operator_a, to=tenancy.manager_a, at=NOW)
    assert set(handover.alarms.all()) == {mine, theirs, nobodys}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    nobodys.refresh_from_db()
    assert mine.claimed_by == tenancy.manager_a and mine.claimed_at == NOW
    assert theirs.claimed_by == other_operator and nobodys.claimed_by is None
    step = AlarmAction.objects.get(alarm=mine, action="take_over")
    assert step.by == tenancy.manager_a and step.data == {"from": "operator_a", "handover": handover.pk}
    assert not AlarmAction.objects.filter(alarm__in=[theirs, nobodys], action="take_over").exists()
    # The duty log shows the handover, then the take-over it caused.
    lines = [e.summary() for e in DutyLogEntry.objects.filter(community=tenancy.a, at=NOW)]
    assert lines == [
        "交接班：operator_a → manager_a，移交未处置报警 3 起",
        f"接管：#{mine.pk} 火警 — 交接班",
    ]


def test_handover_to_someone_who_cannot_handle_alarms_releases_the_claims(tenancy: Any) -> None:
    from anfang.alarms import services as alarms

    r = roster(tenancy.a)
    guard = factories.user("guard_h", community=tenancy.a, role=RoleChoices.GUARD)
    alarm = Alarm.objects.create(community=tenancy.a, alarm_type="fire")
    alarms.claim(alarm, by=tenancy.operator_a)
    services.hand_over(r, by=tenancy.operator_a, to=guard)
    alarm.refresh_from_db()
    assert alarm.claimed_by is None
    assert AlarmAction.objects.filter(alarm=alarm, action="release", by=tenancy.operator_a).exists()


def test_a_failed_handover_passes_no_claim(tenancy: Any) -> None:
    from anfang.alarms import services as alarms

    r = roster(tenancy.a)
    alarm = Alarm.objects.create(community=tenancy.a, alarm_type="fire")
    alarms.claim(alarm, by=tenancy.operator_a)
    with pytest.raises(DomainError):
        services.hand_over(r, by=tenancy.operator_a, to=tenancy.manager_b)
    alarm.refresh_from_db()
    assert alarm.claimed_by == tenancy.operator_a


def test_handover_refuses_outsiders_and_oneself(tenancy: Any) -> None:
    r = roster(tenancy.a)
    with pytest.raises(DomainError):
        services.hand_over(r, by=tenancy.operator_a, to=tenancy.manager_b)
    with pytest.raises(DomainError):
        services.hand_over(r, by=tenancy.operator_a, to=tenancy.operator_a)
    assert not Handover.objects.exists() and not DutyLogEntry.objects.exists()


def test_people_who_cannot_be_on_duty_leave_their_minutes_uncovered(tenancy: Any) -> None:
    """R-16: a deactivated user, or one no longer a member, is still on the shift but covers nothing."""
    from anfang.core.models import Membership

    r = roster(tenancy.a)
    leaver = factories.user("leaver", community=tenancy.a, role=RoleChoices.OPERATOR)
    shift(r, NOW, NOW + dt.timedelta(hours=8), [tenancy.operator_a])
    late = shift(r, NOW + dt.timedelta(hours=8), NOW + dt.timedelta(hours=16), [leaver])
    window = (NOW, NOW + dt.timedelta(hours=16))
    assert r.uncovered_minutes(*window) == 0
    Membership.objects.filter(user=leaver).delete()
    assert r.uncovered_intervals(*window) == [(NOW + dt.timedelta(hours=8), NOW + dt.timedelta(hours=16))]
    assert list(late.people.all()) == [leaver]  # the shift keeps them as history
    tenancy.operator_a.is_active = False
    tenancy.operator_a.save()
    assert r.uncovered_minutes(*window) == 16 * 60
    monday = dt.date(2026, 6, 1)
    assert services.week_grid(r, monday)[0][1][10].people == 0


def test_r16_finding_shows_the_gap_of_a_deactivated_user(tenancy: Any) -> None:
    from anfang.compliance.rules import RULES, CheckContext
    from anfang.compliance.snapshot import load

    r = roster(tenancy.a)
    night = factories.user("night_op", community=tenancy.a, role=RoleChoices.OPERATOR)
    day = local(2026, 6, 1)
    for i in range(8):
        start = day + dt.timedelta(days=i)
        shift(r, start, start + dt.timedelta(hours=12), [tenancy.operator_a])
        shift(r, start + dt.timedelta(hours=12), start + dt.timedelta(days=1), [night])

    def finding() -> Any:
        [result] = RULES["R-16"].check(load(tenancy.a), CheckContext(now=NOW))
        return result

    assert finding().status == "pass"
    night.is_active = False
    night.save()
    result = finding()
    assert result.status == "fail" and result.details["uncovered_minutes"] == 7 * 12 * 60
    assert result.details["gaps"][0] == {
        "start": "2026-06-01T12:00:00+08:00",
        "end": "2026-06-02T00:00:00+08:00",
    }
    assert "06-01 12:00–24:00" in result.message_zh


def test_week_grid_marks_uncovered_hours(tenancy: Any) -> None:
    r = roster(tenancy.a)
    monday = dt.date(2026, 6, 1)
    shift(r, local(2026, 6, 1), local(2026, 6, 1, 8, 30), [tenancy.operator_a])
    grid = services.week_grid(r, monday)
    assert len(grid) == 7 and all(len(cells) == 24 for _d, cells in grid)
    first_day = grid[0][1]
    assert [c.uncovered for c in first_day[:10]] == [0] * 8 + [30, 60]
    assert first_day[0].people == 1 and first_day[9].people == 0
    assert sum(c.uncovered for _d, cells in grid[1:] for c in cells) == 6 * 24 * 60
