"""Lane decisions for every list combination and expiry (第11条), passages, visits, blacklist alarms,
overrides and retention (第33条第(2)项)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anfang.alarms.models import Alarm
from anfang.core.errors import DomainError
from anfang.vehicles import services
from anfang.vehicles.models import BlacklistEntry, Passage, PassagePurge, ResidentVehicle, Visit, VisitorPass
from tests.vehicles.conftest import Gate, pass_in, pass_out, read

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def resident(gate: Gate, plate: str = "辽H12345", **kw: Any) -> ResidentVehicle:
    return ResidentVehicle.objects.create(community=gate.tenancy.a, plate=plate, unit=gate.unit, **kw)


def visitor(gate: Gate, plate: str = "辽H12345", **kw: Any) -> VisitorPass:
    kw.setdefault("valid_from", NOW - dt.timedelta(hours=1))
    kw.setdefault("valid_until", NOW + dt.timedelta(hours=4))
    return VisitorPass.objects.create(community=gate.tenancy.a, plate=plate, **kw)


# ---------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------


def test_a_residents_vehicle_is_let_in_and_an_unknown_one_is_asked(gate: Gate) -> None:
    resident(gate)
    known = pass_in(gate)
    assert (known.decision, known.reason) == ("open", "resident")
    unknown = pass_in(gate, "辽H99999")
    assert (unknown.decision, unknown.reason) == ("ask", "unknown_vehicle")


def test_a_plate_is_compared_after_normalising(gate: Gate) -> None:
    resident(gate)
    assert pass_in(gate, "辽h 12345").decision == "open"
    assert pass_in(gate, "辽Ｈ１２３４５").decision == "open"  # full width


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (None, None, ("open", "resident")),
        (NOW.date() - DAY, NOW.date() + DAY, ("open", "resident")),
        (None, NOW.date() - DAY, ("ask", "resident_expired")),
        (NOW.date() + DAY, None, ("ask", "resident_expired")),
    ],
)
def test_resident_validity(gate: Gate, valid_from: Any, valid_until: Any, expected: tuple[str, str]) -> None:
    resident(gate, valid_from=valid_from, valid_until=valid_until)
    result = pass_in(gate)
    assert (result.decision, result.reason) == expected


def test_a_visitor_pass_for_one_use_opens_once(gate: Gate) -> None:
    ticket = visitor(gate, max_uses=1)
    first = pass_in(gate)
    assert (first.decision, first.reason) == ("open", "visitor_pass")
    ticket.refresh_from_db()
    assert ticket.uses == 1
    again = pass_in(gate)
    assert (again.decision, again.reason) == ("ask", "pass_used_up")


def test_a_visitor_pass_for_many_uses_opens_within_its_window(gate: Gate) -> None:
    visitor(gate, max_uses=None)
    assert [pass_in(gate).decision for _ in range(3)] == ["open", "open", "open"]
    late = pass_in(gate, at=NOW + dt.timedelta(hours=5))
    assert (late.decision, late.reason) == ("ask", "pass_expired")


def test_a_revoked_pass_counts_for_nothing(gate: Gate) -> None:
    visitor(gate, revoked_at=NOW)
    result = pass_in(gate)
    assert (result.decision, result.reason) == ("ask", "unknown_vehicle")


def test_a_residents_only_lane_refuses_visitors_and_may_deny_without_asking(gate: Gate) -> None:
    visitor(gate)
    gate.lane_in.policy = "residents_only"
    gate.lane_in.save()
    result = pass_in(gate)
    assert (result.decision, result.reason) == ("ask", "residents_only")
    gate.lane_in.ask_guard = False
    gate.lane_in.save()
    assert pass_in(gate).decision == "deny"


def test_open_hours_let_anyone_in_even_across_midnight(gate: Gate) -> None:
    gate.lane_in.open_from = dt.time(22, 0)
    gate.lane_in.open_until = dt.time(6, 0)
    gate.lane_in.save()
    night = timezone.make_aware(dt.datetime.combine(NOW.date(), dt.time(23, 30)))
    morning = timezone.make_aware(dt.datetime.combine(NOW.date(), dt.time(5, 59)))
    noon = timezone.make_aware(dt.datetime.combine(NOW.date(), dt.time(12, 0)))
    assert pass_in(gate, at=night).reason == "open_hours"
    assert pass_in(gate, at=morning).reason == "open_hours"
    assert pass_in(gate, at=noon).decision == "ask"


def test_leaving_is_free_but_not_for_the_blacklist(gate: Gate) -> None:
    leaving = pass_out(gate, "辽H99999")
    assert (leaving.decision, leaving.reason) == ("open", "exit")
    BlacklistEntry.objects.create(community=gate.tenancy.a, plate="辽H66666", reason="盗抢车辆")
    assert pass_out(gate, "辽H66666").decision == "deny"


def test_a_blacklisted_plate_is_refused_and_raises_an_alarm(gate: Gate) -> None:
    resident(gate, plate="辽H66666")  # even a resident's plate: the blacklist comes first
    BlacklistEntry.objects.create(community=gate.tenancy.a, plate="辽H66666", reason="盗抢车辆")
    result = pass_in(gate, "辽H66666")
    assert (result.decision, result.reason) == ("deny", "blacklisted")
    alarm = Alarm.objects.get(pk=result.alarm_id)
    assert alarm.alarm_type == "blacklisted_vehicle" and "辽H66666" in alarm.title
    assert alarm.community == gate.tenancy.a and alarm.location == gate.entrance
    assert alarm.checklist.count() > 0


def test_a_change_to_the_lists_counts_for_the_next_car_at_once(gate: Gate) -> None:
    """The lists are memoised per process for a few seconds; a change made here is never served stale."""
    assert pass_in(gate, "辽H12345").reason == "unknown_vehicle"  # the register is now memoised
    registered = resident(gate)
    assert pass_in(gate, "辽H12345").reason == "resident"
    registered.valid_until = (NOW - DAY).date()
    registered.save()
    assert pass_in(gate, "辽H12345").reason == "resident_expired"
    entry = BlacklistEntry.objects.create(community=gate.tenancy.a, plate="辽H12345", reason="盗抢车辆")
    assert pass_out(gate, "辽H12345").decision == "deny"
    entry.delete()
    assert pass_out(gate, "辽H12345").decision == "open"


def test_an_expired_blacklist_entry_no_longer_refuses(gate: Gate) -> None:
    BlacklistEntry.objects.create(
        community=gate.tenancy.a, plate="辽H66666", reason="欠费", valid_until=NOW - dt.timedelta(minutes=1)
    )
    result = pass_in(gate, "辽H66666")
    assert result.decision == "ask" and result.alarm_id is None


def test_lists_of_another_community_do_not_count(gate: Gate) -> None:
    ResidentVehicle.objects.create(community=gate.tenancy.b, plate="辽H12345")
    BlacklistEntry.objects.create(community=gate.tenancy.b, plate="辽H66666", reason="B 的黑名单")
    assert pass_in(gate).decision == "ask"
    assert pass_in(gate, "辽H66666").reason == "unknown_vehicle"


def test_no_plate_read_asks_the_guard(gate: Gate) -> None:
    result = pass_in(gate, "无车牌")
    assert (result.decision, result.reason, result.plate) == ("ask", "no_plate", "无车牌")


# ---------------------------------------------------------------------------------------------------
# Passages and visits
# ---------------------------------------------------------------------------------------------------


def test_a_repeat_of_the_same_device_read_is_recognised(gate: Gate) -> None:
    first = pass_in(gate, external_id="cam-1")
    again = pass_in(gate, external_id="cam-1")
    assert again.duplicate and again.id == first.id
    assert Passage.objects.count() == 1


def test_photos_are_stored_with_the_passage(gate: Gate, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    passage = Passage.objects.get(pk=pass_in(gate, pictures=True).id)
    assert passage.plate_picture.read() == b"\xff\xd8plate"
    assert passage.scene_picture.name.startswith("passages/")


def test_entries_and_exits_pair_into_visits_with_dwell(gate: Gate) -> None:
    resident(gate)
    pass_in(gate, at=NOW - dt.timedelta(hours=3))
    pass_out(gate, at=NOW - dt.timedelta(hours=1))
    visit = Visit.objects.get()
    assert visit.dwell == dt.timedelta(hours=2)
    pass_in(gate, at=NOW)
    assert [v.plate for v in services.vehicles_inside(gate.tenancy.a.pk)] == ["辽H12345"]


def test_a_vehicle_refused_at_the_gate_is_not_inside(gate: Gate) -> None:
    pass_in(gate, "辽H99999")  # asked, nobody opened
    assert not services.vehicles_inside(gate.tenancy.a.pk).exists()


def test_an_exit_without_entry_stands_alone(gate: Gate) -> None:
    pass_out(gate, "辽H77777")
    visit = Visit.objects.get()
    assert visit.entry is None and visit.exited_at is not None and visit.dwell is None


# ---------------------------------------------------------------------------------------------------
# Overrides
# ---------------------------------------------------------------------------------------------------


def test_the_guard_opens_by_hand_with_a_reason(gate: Gate) -> None:
    from tests.support import factories

    guard = factories.user("guard_a", community=gate.tenancy.a, role="guard")
    result = pass_in(gate, "辽H99999")
    passage = Passage.objects.get(pk=result.id)
    with pytest.raises(DomainError):
        services.override(passage, by=guard, decision="open", reason="  ")
    done = services.override(passage, by=guard, decision="open", reason="送货车辆，已登记")
    assert (done.final_decision, done.override_reason) == ("open", "送货车辆，已登记")
    assert done.overridden_by == guard
    assert done.decision == "ask"  # what the lane decided stays on record
    assert services.vehicles_inside(gate.tenancy.a.pk).count() == 1


def test_only_gate_operators_of_the_community_override(gate: Gate) -> None:
    passage = Passage.objects.get(pk=pass_in(gate, "辽H99999").id)
    with pytest.raises(DomainError) as refused:
        services.override(passage, by=gate.tenancy.manager_b, decision="open", reason="x")
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        services.override(passage, by=gate.tenancy.police_a, decision="open", reason="x")


# ---------------------------------------------------------------------------------------------------
# Search and scoping
# ---------------------------------------------------------------------------------------------------


def test_search_exact_prefix_and_partial(gate: Gate) -> None:
    for plate in ["辽H12345", "辽H1A203", "辽H88888", "辽B12345"]:
        pass_in(gate, plate)
    manager = gate.tenancy.manager_a

    def found(pattern: str) -> list[str]:
        return sorted(p.plate for p in services.search_passages(manager, plate=pattern))

    assert found("辽H12345") == ["辽H12345"]
    assert found("辽h12345") == ["辽H12345"]
    assert found("辽H1*") == ["辽H12345", "辽H1A203"]
    assert found("H1*3") == ["辽H12345", "辽H1A203"]
    assert found("*12345") == ["辽B12345", "辽H12345"]
    assert found("辽H?8888") == ["辽H88888"]


def test_search_is_scoped_to_the_users_communities(gate: Gate) -> None:
    pass_in(gate, "辽H12345")
    services.record_passage(read("辽H12345"), device=gate.camera_b)
    assert {p.community_id for p in services.search_passages(gate.tenancy.manager_a, plate="辽H12345")} == {
        gate.tenancy.a.pk
    }
    assert {p.community_id for p in services.search_passages(gate.tenancy.manager_b, plate="辽H1*")} == {
        gate.tenancy.b.pk
    }
    # Police see their station's communities' vehicle records.
    assert services.search_passages(gate.tenancy.police_a, plate="辽H12345").count() == 1


# ---------------------------------------------------------------------------------------------------
# Retention (第33条第(2)项)
# ---------------------------------------------------------------------------------------------------


def test_retention_never_deletes_inside_90_days(gate: Gate, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    resident(gate)
    old = pass_in(gate, at=NOW - dt.timedelta(days=91), pictures=True)
    edge = pass_in(gate, at=NOW - dt.timedelta(days=89, hours=23))
    recent = pass_in(gate, at=NOW - dt.timedelta(days=1))
    old_picture = Passage.objects.get(pk=old.id).plate_picture.name
    purge = services.purge_expired(NOW)
    assert purge is not None and (purge.passages, purge.pictures, purge.retention_days) == (1, 2, 90)
    assert set(Passage.objects.values_list("id", flat=True)) == {edge.id, recent.id}
    assert not (tmp_path / old_picture).exists()
    assert services.purge_expired(NOW) is None  # nothing more to do, nothing recorded
    assert PassagePurge.objects.count() == 1


def test_retention_can_only_be_longer(gate: Gate, settings: Any) -> None:
    import dataclasses

    settings.CONFIG = dataclasses.replace(settings.CONFIG, vehicle_retention_days=30)
    assert services.retention_days() == 90  # the floor holds even if config were bypassed
    settings.CONFIG = dataclasses.replace(settings.CONFIG, vehicle_retention_days=180)
    pass_in(gate, at=NOW - dt.timedelta(days=120))
    assert services.purge_expired(NOW) is None


def test_the_config_refuses_less_than_90_days(monkeypatch: Any) -> None:
    from anfang.core.config import ConfigError, load

    monkeypatch.setenv("ANFANG_VEHICLE_RETENTION_DAYS", "60")
    with pytest.raises(ConfigError, match="ANFANG_VEHICLE_RETENTION_DAYS"):
        load()


# ---------------------------------------------------------------------------------------------------
# The barrier (a simulated Hikvision ISAPI barrier controller on a local port)
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def barrier(gate: Gate, monkeypatch: pytest.MonkeyPatch) -> Any:
    from anfang.integrations.gates import SimulatedBarrier

    sim = SimulatedBarrier(username="admin", password="gate-pw")
    sim.start()
    gate.lane_in.barrier_url = sim.url
    gate.lane_in.barrier_username = "admin"
    gate.lane_in.barrier_password = "gate-pw"
    gate.lane_in.save()
    monkeypatch.setattr(services.dispatcher, "synchronous", True)
    yield sim
    sim.stop()


def test_an_open_decision_opens_the_barrier_after_commit(
    gate: Gate, barrier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resident(gate)
    with django_capture_on_commit_callbacks(execute=True):
        result = pass_in(gate)
    assert [command for command, _channel, _at in barrier.commands] == ["open"]
    assert Passage.objects.get(pk=result.id).gate_status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        pass_in(gate, "辽H99999")  # asked: the barrier stays shut
    assert len(barrier.commands) == 1


def test_a_barrier_that_fails_is_recorded_not_hidden(
    gate: Gate, barrier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resident(gate)
    barrier.fail_with(status=500)
    with django_capture_on_commit_callbacks(execute=True):
        result = pass_in(gate)
    passage = Passage.objects.get(pk=result.id)
    assert passage.gate_status == "failed" and "500" in passage.gate_detail


def test_the_guard_opening_by_hand_opens_the_barrier(
    gate: Gate, barrier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    passage = Passage.objects.get(pk=pass_in(gate, "辽H99999").id)
    with django_capture_on_commit_callbacks(execute=True):
        services.override(passage, by=gate.tenancy.manager_a, decision="open", reason="快递车辆")
    assert [command for command, _channel, _at in barrier.commands] == ["open"]


def test_an_old_read_is_recorded_but_does_not_open_the_barrier(
    gate: Gate, barrier: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A retransmission or a backlog after an outage: the car is long gone."""
    resident(gate)
    with django_capture_on_commit_callbacks(execute=True):
        result = pass_in(gate, at=NOW - dt.timedelta(minutes=10))
    passage = Passage.objects.get(pk=result.id)
    assert (passage.decision, passage.gate_status) == ("open", "too_late")
    assert barrier.commands == []
