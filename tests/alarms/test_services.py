"""Ingest and the alarm workflow, without HTTP (第16条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.choices import AlarmActionChoices, EventStatusChoices
from anfang.alarms.models import Alarm, AlarmPolicy, AlarmZone, InboundEvent, Notification, OperatingProcedure
from anfang.core.errors import DomainError
from anfang.devices.models import Device, DeviceOutage
from anfang.integrations import events as ev
from anfang.integrations.events import Picture
from tests.alarms.conftest import AlarmSite, event

pytestmark = pytest.mark.django_db


def actions(alarm: Alarm) -> list[str]:
    return list(alarm.actions.values_list("action", flat=True))


# --- ingest -------------------------------------------------------------------------------------------


def test_event_becomes_alarm_at_the_devices_place_with_procedure(site: AlarmSite) -> None:
    result = services.ingest(event())
    assert not result.duplicate and result.status == EventStatusChoices.ALARM
    alarm = Alarm.objects.get(pk=result.alarm_id)
    assert (alarm.community, alarm.alarm_type, alarm.priority, alarm.state) == (
        site.tenancy.a,
        "perimeter",
        2,
        "new",
    )
    assert alarm.location is not None and alarm.location.name == "东门"
    assert alarm.checklist.count() >= 3 and "公安" in "".join(alarm.checklist.values_list("text", flat=True))
    assert actions(alarm) == ["raise"]
    assert Device.objects.get(pk=site.detector.pk).last_seen_at is not None  # any event proves life


def test_same_external_id_is_stored_once(site: AlarmSite) -> None:
    first = services.ingest(event(external_id="x-1"))
    again = services.ingest(event(external_id="x-1"))
    assert again.duplicate and again.id == first.id and again.alarm_id == first.alarm_id
    assert InboundEvent.objects.count() == 1 and Alarm.objects.count() == 1
    # the same id from another device is a different event
    assert not services.ingest(event(device="SOS-1", external_id="x-1", type=ev.EMERGENCY)).duplicate


def test_repeated_events_of_one_zone_join_the_open_alarm(site: AlarmSite) -> None:
    first = services.ingest(event(external_id="1"))
    second = services.ingest(event(external_id="2"))
    other_zone = services.ingest(event(external_id="3", zone="2"))
    assert second.status == EventStatusChoices.JOINED and second.alarm_id == first.alarm_id
    assert other_zone.alarm_id != first.alarm_id
    alarm = Alarm.objects.get(pk=first.alarm_id)
    assert alarm.event_count == 2 and actions(alarm) == ["raise", "join"]


def test_event_after_the_join_window_or_after_resolution_raises_a_new_alarm(site: AlarmSite) -> None:
    AlarmPolicy.objects.create(community=site.tenancy.a, join_window_s=60)
    now = timezone.now()
    first = services.ingest(event(external_id="1"), received_at=now - dt.timedelta(minutes=5))
    late = services.ingest(event(external_id="2"), received_at=now)
    assert late.alarm_id != first.alarm_id


def test_unknown_device_is_kept_for_an_admin_not_alarmed(site: AlarmSite) -> None:
    result = services.ingest(event(device="NOPE-9"), raw=b"{...}")
    row = InboundEvent.objects.get(pk=result.id)
    assert row.status == EventStatusChoices.UNKNOWN_DEVICE and row.device is None and row.raw == b"{...}"
    assert Alarm.objects.count() == 0


def test_disarmed_zone_logs_but_emergency_still_alarms(site: AlarmSite) -> None:
    AlarmZone.objects.create(community=site.tenancy.a, device=site.detector, code="1", armed=False)
    quiet = services.ingest(event(external_id="1"))
    assert quiet.status == EventStatusChoices.DISARMED and Alarm.objects.count() == 0
    AlarmZone.objects.create(community=site.tenancy.a, device=site.button, code="", armed=False)
    loud = services.ingest(event(device="SOS-1", external_id="2", type=ev.EMERGENCY, zone=""))
    assert loud.status == EventStatusChoices.ALARM  # a panic button is a 24-hour zone


def test_panel_disarm_and_arm_reports_switch_its_zones(site: AlarmSite) -> None:
    services.ingest(event(external_id="op", type=ev.DISARMING, zone="501"))
    assert services.ingest(event(external_id="a1")).status == EventStatusChoices.DISARMED
    services.ingest(event(external_id="cl", type=ev.ARMING, zone="501"))
    assert services.ingest(event(external_id="a2")).status == EventStatusChoices.ALARM


def test_zone_settings_name_type_and_priority(site: AlarmSite) -> None:
    AlarmZone.objects.create(
        community=site.tenancy.a,
        device=site.detector,
        code="1",
        name="东围墙",
        alarm_type="intrusion",
        priority=1,
    )
    alarm = Alarm.objects.get(pk=services.ingest(event()).alarm_id)
    assert (alarm.title, alarm.alarm_type, alarm.priority) == ("东围墙", "intrusion", 1)


def test_restore_motion_and_heartbeat_are_logged_only(site: AlarmSite) -> None:
    assert services.ingest(event(external_id="r", restore=True)).status == EventStatusChoices.LOGGED
    assert services.ingest(event(external_id="m", type=ev.MOTION)).status == EventStatusChoices.LOGGED
    assert services.ingest(event(external_id="h", type=ev.HEARTBEAT)).status == EventStatusChoices.HEARTBEAT
    assert Alarm.objects.count() == 0


def test_pictures_are_stored_with_the_event(site: AlarmSite, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = services.ingest(event(pictures=(Picture("scene.jpg", "image/jpeg", b"\xff\xd8jpeg"),)))
    picture = InboundEvent.objects.get(pk=result.id).pictures.get()
    assert picture.size == 6 and picture.image.read() == b"\xff\xd8jpeg"


def test_clock_drift_is_recorded_and_flagged(site: AlarmSite) -> None:
    now = timezone.now()
    result = services.ingest(event(at=now - dt.timedelta(seconds=42)), received_at=now)
    row = InboundEvent.objects.get(pk=result.id)
    assert row.clock_drift_s == pytest.approx(42) and row.clock_drift_flagged


def test_event_stored_but_not_processed_is_finished_by_the_sweeper(site: AlarmSite) -> None:
    result = services.ingest(event(), process_now=False)
    assert InboundEvent.objects.get(pk=result.id).status == EventStatusChoices.RECEIVED
    assert services.PendingEventSweeper().tick(timezone.now() + dt.timedelta(seconds=10)) == 1
    assert InboundEvent.objects.get(pk=result.id).status == EventStatusChoices.ALARM


def test_community_procedure_replaces_the_default(site: AlarmSite) -> None:
    OperatingProcedure.objects.create(
        community=site.tenancy.a, alarm_type="perimeter", steps=["看监控", "", "报警"]
    )
    alarm = Alarm.objects.get(pk=services.ingest(event()).alarm_id)
    assert list(alarm.checklist.values_list("text", flat=True)) == ["看监控", "报警"]


# --- workflow -----------------------------------------------------------------------------------------


@pytest.fixture
def alarm(site: AlarmSite) -> Alarm:
    return Alarm.objects.get(pk=services.ingest(event()).alarm_id)


def test_full_workflow_records_every_step_with_time_and_user(site: AlarmSite, alarm: Alarm) -> None:
    op = site.tenancy.operator_a
    alarm = services.acknowledge(alarm, by=op)
    alarm = services.start_verifying(alarm, by=op, note="看到有人翻墙")
    alarm = services.confirm_real(alarm, by=op)
    services.report_to_police(alarm, by=op, channel="110", officer="张警官", case_number="J2026-1")
    alarm = services.dispatch(Alarm.objects.get(pk=alarm.pk), by=op, to="保安队 王五")
    item = alarm.checklist.first()
    assert item is not None
    services.tick_checklist(alarm, item.pk, by=op)
    alarm = services.resolve(alarm, by=op, outcome="real_incident", note="嫌疑人已被民警带走")
    assert alarm.state == "resolved" and alarm.outcome == "real_incident"
    assert alarm.acknowledged_at and alarm.verifying_at and alarm.dispatched_at and alarm.resolved_at
    assert alarm.police_reported_at is not None and alarm.claimed_by == op
    assert actions(alarm) == [
        "raise",
        "claim",
        "acknowledge",
        "verify",
        "confirm_real",
        "report_police",
        "dispatch",
        "checklist",
        "resolve",
    ]
    assert all(a.by == op for a in alarm.actions.exclude(action="raise"))


def test_resolve_needs_outcome_and_notes_and_an_acknowledgement(site: AlarmSite, alarm: Alarm) -> None:
    op = site.tenancy.operator_a
    with pytest.raises(DomainError) as refused:
        services.resolve(alarm, by=op, outcome="false_alarm", note="误报")
    assert refused.value.code == "invalid_transition"
    services.acknowledge(alarm, by=op)
    for outcome, note, code in (("false_alarm", "  ", "note_required"), ("", "x", "outcome_required")):
        with pytest.raises(DomainError) as refused:
            services.resolve(alarm, by=op, outcome=outcome, note=note)
        assert refused.value.code == code
    assert Alarm.objects.get(pk=alarm.pk).state == "acknowledged"


def test_two_operators_never_work_one_alarm_unknowingly(site: AlarmSite, alarm: Alarm) -> None:
    op, manager = site.tenancy.operator_a, site.tenancy.manager_a
    services.claim(alarm, by=op)
    with pytest.raises(DomainError) as refused:
        services.acknowledge(alarm, by=manager)
    assert refused.value.code == "claimed" and refused.value.status == 409
    alarm = services.acknowledge(alarm, by=manager, take_over=True)
    assert alarm.claimed_by == manager and "take_over" in actions(alarm)


def test_people_without_the_alarm_role_cannot_act(site: AlarmSite, alarm: Alarm) -> None:
    for outsider in (site.tenancy.police_a, site.tenancy.manager_b):
        with pytest.raises(DomainError) as refused:
            services.acknowledge(alarm, by=outsider)
        assert refused.value.status == 403
    assert Alarm.objects.get(pk=alarm.pk).state == "new"


# --- escalation (controllable clock) ------------------------------------------------------------------


def test_unacknowledged_alarm_escalates_after_30_seconds_and_notifies_managers(site: AlarmSite) -> None:
    t0 = timezone.now()
    alarm = Alarm.objects.get(pk=services.ingest(event(), received_at=t0).alarm_id)
    assert services.escalate_overdue(t0 + dt.timedelta(seconds=29)) == []
    escalated = services.escalate_overdue(t0 + dt.timedelta(seconds=31))
    assert [a.pk for a in escalated] == [alarm.pk]
    assert services.escalate_overdue(t0 + dt.timedelta(seconds=90)) == []  # once
    alarm.refresh_from_db()
    assert alarm.escalation_level == 1 and "escalate" in actions(alarm)
    note = Notification.objects.get()
    assert note.user == site.tenancy.manager_a and note.alarm == alarm


def test_acknowledged_in_time_never_escalates_and_policy_is_per_community(site: AlarmSite) -> None:
    AlarmPolicy.objects.create(community=site.tenancy.a, ack_escalation_s=120)
    t0 = timezone.now()
    alarm = Alarm.objects.get(pk=services.ingest(event(), received_at=t0).alarm_id)
    assert services.escalate_overdue(t0 + dt.timedelta(seconds=60)) == []
    services.acknowledge(alarm, by=site.tenancy.operator_a)
    assert services.escalate_overdue(t0 + dt.timedelta(seconds=600)) == []


def test_real_case_not_reported_to_police_in_time_escalates(site: AlarmSite, alarm: Alarm) -> None:
    op = site.tenancy.operator_a
    services.acknowledge(alarm, by=op)
    alarm = services.confirm_real(alarm, by=op)
    assert alarm.confirmed_real_at is not None
    later = alarm.confirmed_real_at + dt.timedelta(minutes=4)
    assert services.escalate_overdue(later) == []
    overdue = services.escalate_overdue(alarm.confirmed_real_at + dt.timedelta(minutes=6))
    assert [a.pk for a in overdue] == [alarm.pk]
    assert Notification.objects.filter(kind="police_overdue").count() == 1


def test_reported_real_case_does_not_escalate(site: AlarmSite, alarm: Alarm) -> None:
    op = site.tenancy.operator_a
    services.acknowledge(alarm, by=op)
    alarm = services.confirm_real(alarm, by=op)
    services.report_to_police(alarm, by=op, channel="110")
    assert services.escalate_overdue(timezone.now() + dt.timedelta(hours=1)) == []


def test_police_report_time_cannot_be_in_the_future(site: AlarmSite, alarm: Alarm) -> None:
    with pytest.raises(DomainError):
        services.report_to_police(
            alarm,
            by=site.tenancy.operator_a,
            channel="110",
            reported_at=timezone.now() + dt.timedelta(hours=1),
        )
    with pytest.raises(DomainError):
        services.report_to_police(alarm, by=site.tenancy.operator_a, channel="telegram")


# --- heartbeats (R-33.1) ------------------------------------------------------------------------------


def test_silent_device_goes_offline_once_and_its_return_is_logged(site: AlarmSite) -> None:
    t0 = timezone.now()
    Device.objects.filter(pk=site.detector.pk).update(heartbeat_interval_s=60, last_seen_at=t0)
    assert services.check_heartbeats(t0 + dt.timedelta(seconds=100)) == (0, 0)
    assert services.check_heartbeats(t0 + dt.timedelta(seconds=130)) == (1, 0)
    assert services.check_heartbeats(t0 + dt.timedelta(seconds=200)) == (0, 0)  # not twice
    outage = DeviceOutage.objects.get()
    alarm = Alarm.objects.get(alarm_type="device_offline")
    assert alarm.device == site.detector and outage.ended_at is None
    services.ingest(event(type=ev.HEARTBEAT, external_id="hb"), received_at=t0 + dt.timedelta(seconds=300))
    assert services.check_heartbeats(t0 + dt.timedelta(seconds=305)) == (0, 1)
    outage.refresh_from_db()
    assert outage.ended_at == t0 + dt.timedelta(seconds=300)
    assert alarm.actions.filter(action=AlarmActionChoices.NOTE).exists()


# --- reading --------------------------------------------------------------------------------------------


def test_cameras_that_see_the_alarm_are_listed_nearest_first(site: AlarmSite, alarm: Alarm) -> None:
    assert [c.code for c in services.cameras_for(alarm)] == ["CAM-1"]


def test_feed_follows_changes_and_is_scoped(site: AlarmSite) -> None:
    cursor = services.feed_cursor()
    services.ingest(event())
    services.ingest(event(device="PIR-B", external_id="b"))
    seen: set[int] = set()  # what a stream has sent (PostgreSQL: the cursor may wait below an id gap)
    cursor2, changed = services.changes_since(site.tenancy.operator_a, cursor, seen=seen)
    assert [p["device"] for p in changed] == ["PIR-1"] and cursor2 >= cursor
    assert services.changes_since(site.tenancy.operator_a, cursor2, seen=seen)[1] == []
    # police see only what was reported to them
    assert services.changes_since(site.tenancy.police_a, cursor)[1] == []


def test_device_page_shows_its_outages(site: AlarmSite, client: Any) -> None:
    t0 = timezone.now() - dt.timedelta(hours=1)
    Device.objects.filter(pk=site.detector.pk).update(heartbeat_interval_s=60, last_seen_at=t0)
    services.check_heartbeats(t0 + dt.timedelta(minutes=5))
    client.force_login(site.tenancy.manager_a)
    page = client.get(f"/c/a/devices/{site.detector.code}/").content.decode()
    assert "在线与离线记录" in page and "仍离线" in page


# --- found in review --------------------------------------------------------------------------------------


def test_life_safety_events_keep_their_type_on_a_disarmed_typed_zone(site: AlarmSite) -> None:
    AlarmZone.objects.create(
        community=site.tenancy.a, device=site.detector, code="5", alarm_type="intrusion", armed=False
    )
    assert services.ingest(event(external_id="i", type=ev.INTRUSION, zone="5")).status == "disarmed"
    for n, etype in enumerate((ev.FIRE, ev.TAMPER, ev.EMERGENCY)):
        result = services.ingest(event(external_id=f"l{n}", type=etype, zone="5"))
        assert result.status == "alarm", etype
        assert Alarm.objects.get(pk=result.alarm_id).alarm_type == etype  # not "intrusion"


def test_contact_id_closing_reported_as_restore_arms_again(site: AlarmSite) -> None:
    services.ingest(event(external_id="1401", type=ev.DISARMING, zone="501"))
    services.ingest(event(external_id="3401", type=ev.ARMING, zone="501", restore=True))
    assert services.ingest(event(external_id="1130")).status == "alarm"


def test_a_passing_database_error_leaves_the_event_for_the_sweeper(
    site: AlarmSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    def locked(event_id: int) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_process", locked)
    result = services.ingest(event())
    assert result.status == "received" and InboundEvent.objects.get(pk=result.id).status == "received"
    monkeypatch.undo()
    services.PendingEventSweeper().tick(timezone.now() + dt.timedelta(seconds=10))
    assert InboundEvent.objects.get(pk=result.id).status == "alarm"


def test_a_failing_duty_log_listener_does_not_take_the_alarm_down(site: AlarmSite) -> None:
    from django.db import DatabaseError

    from anfang.alarms.signals import alarm_action_recorded

    def broken(**kwargs: Any) -> None:
        raise DatabaseError("duty log unavailable")

    alarm_action_recorded.connect(broken, dispatch_uid="test-broken")
    try:
        result = services.ingest(event())
    finally:
        alarm_action_recorded.disconnect(dispatch_uid="test-broken")
    assert result.status == "alarm" and Alarm.objects.filter(pk=result.alarm_id).exists()


def test_confirmed_then_found_false_owes_no_police_report(site: AlarmSite, alarm: Alarm) -> None:
    op = site.tenancy.operator_a
    services.acknowledge(alarm, by=op)
    alarm = services.confirm_real(alarm, by=op)
    services.resolve(alarm, by=op, outcome="false_alarm", note="看错了，是保安巡逻")
    assert services.escalate_overdue(timezone.now() + dt.timedelta(hours=1)) == []


def test_a_police_report_cannot_predate_the_alarm(site: AlarmSite, alarm: Alarm) -> None:
    with pytest.raises(DomainError) as refused:
        services.report_to_police(
            alarm,
            by=site.tenancy.operator_a,
            channel="110",
            reported_at=alarm.created_at - dt.timedelta(hours=2),
        )
    assert refused.value.code == "reported_before_alarm"


def test_a_flapping_device_keeps_one_offline_alarm(site: AlarmSite) -> None:
    t0 = timezone.now()
    Device.objects.filter(pk=site.detector.pk).update(heartbeat_interval_s=60, last_seen_at=t0)
    services.check_heartbeats(t0 + dt.timedelta(seconds=130))
    Device.objects.filter(pk=site.detector.pk).update(last_seen_at=t0 + dt.timedelta(seconds=200))
    services.check_heartbeats(t0 + dt.timedelta(seconds=210))  # back
    services.check_heartbeats(t0 + dt.timedelta(seconds=400))  # gone again
    assert DeviceOutage.objects.count() == 2
    offline = Alarm.objects.get(alarm_type="device_offline")
    assert offline.event_count == 2


def test_guards_and_technicians_see_alarms_but_cannot_act(site: AlarmSite, alarm: Alarm) -> None:
    from anfang.core.choices import RoleChoices
    from tests.support import factories

    guard = factories.user("guard_a", community=site.tenancy.a, role=RoleChoices.GUARD)
    assert list(services.visible_alarms(guard)) == [alarm]
    with pytest.raises(DomainError):
        services.acknowledge(alarm, by=guard)


def test_feed_cursor_waits_below_a_young_gap_and_passes_an_old_one() -> None:
    now = timezone.now()
    young, old = now - dt.timedelta(seconds=1), now - dt.timedelta(minutes=1)
    assert services._contiguous_cursor(10, [(11, young), (12, young)], now) == 12
    assert services._contiguous_cursor(10, [(11, young), (13, young)], now) == 11  # 12 not committed yet
    assert services._contiguous_cursor(10, [(11, young), (13, old)], now) == 13  # 12 rolled back long ago
