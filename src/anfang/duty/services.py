"""Duty room services (第15、16条): rosters and shifts, generating shifts from the weekly pattern,
handovers and the duty log (值班记录). Web pages, the CLI and the scheduler call these; none sees a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core.errors import DomainError
from anfang.core.models import User
from anfang.core.plain_sql import plain_insert
from anfang.core.tenancy import Perm, has_perm
from anfang.duty.choices import ALL_WEEKDAYS, DUTY_LOCATION_KINDS, DutyLogKindChoices
from anfang.duty.models import DutyLogEntry, Handover, Roster, Shift, ShiftPattern
from anfang.sites.models import Community, Location

# Shifts are generated this many days ahead (the scheduler keeps the horizon moving).
GENERATE_DAYS = 14
# The alarm steps that are not a person's action and not worth a duty-log line of their own.
SKIPPED_ALARM_ACTIONS = frozenset({"join"})
MAX_LOG_TEXT = 2000


# ---------------------------------------------------------------------------------------------------
# People and places
# ---------------------------------------------------------------------------------------------------


def members(community: Community) -> QuerySet[User]:
    """Who may be put on a shift or take over a room: active members of the community."""
    return (
        User.objects.filter(memberships__community=community, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )


def duty_locations(community: Community) -> QuerySet[Location]:
    """The rooms 第16条 wants manned round the clock: duty rooms and monitoring centres."""
    return Location.objects.filter(community=community, kind__in=DUTY_LOCATION_KINDS).order_by("kind", "code")


def _check_people(community: Community, people: Iterable[Any]) -> list[int]:
    ids = sorted({int(getattr(p, "pk", p)) for p in people})
    allowed = set(members(community).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - allowed:
        raise DomainError("not_a_member", _("值班人员必须是本小区的成员。"))
    return ids


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "display_name", "") or user.get_username())


# ---------------------------------------------------------------------------------------------------
# Rosters, shifts, the weekly pattern
# ---------------------------------------------------------------------------------------------------


@transaction.atomic
def save_roster(roster: Roster) -> Roster:
    """Create or update a roster (one per duty room / monitoring centre)."""
    roster.full_clean()
    roster.save()
    return roster


@transaction.atomic
def delete_roster(roster: Roster) -> None:
    """Delete a roster with its shifts and pattern; handovers and the duty log keep their lines."""
    roster.delete()


@transaction.atomic
def save_shift(shift: Shift, people: Iterable[Any]) -> Shift:
    """Create or update a shift with its people; a generated shift edited by hand leaves its pattern."""
    shift.pending_people = _check_people(shift.roster.community, people)
    shift.community_id = shift.roster.community_id
    shift.starts_at = shift.starts_at.replace(second=0, microsecond=0)
    shift.ends_at = shift.ends_at.replace(second=0, microsecond=0)
    if shift.pk is not None:
        shift.pattern = None
    shift.full_clean()
    shift.save()
    shift.people.set(shift.pending_people)
    shift.pending_people = None
    return shift


@transaction.atomic
def delete_shift(shift: Shift) -> None:
    shift.delete()


@transaction.atomic
def save_pattern(
    slot: ShiftPattern, people: Iterable[Any], *, now: dt.datetime | None = None
) -> ShiftPattern:
    """Create or update a slot of the weekly pattern and regenerate its shifts that have not started."""
    now = now or timezone.now()
    slot.pending_people = _check_people(slot.roster.community, people)
    slot.community_id = slot.roster.community_id
    slot.weekdays = sorted({int(d) for d in slot.weekdays})
    slot.full_clean()
    slot.save()
    slot.people.set(slot.pending_people)
    slot.pending_people = None
    for shift in Shift.objects.filter(pattern=slot, starts_at__gt=now):
        shift.delete()
    ShiftPattern.objects.filter(pk=slot.pk).update(generated_until=None)
    slot.generated_until = None
    generate(slot, now=now, days=GENERATE_DAYS)
    return slot


@transaction.atomic
def delete_pattern(slot: ShiftPattern, *, now: dt.datetime | None = None) -> None:
    """Delete a slot and its generated shifts that have not started (shifts worked stay as history)."""
    now = now or timezone.now()
    for shift in Shift.objects.filter(pattern=slot, starts_at__gt=now):
        shift.delete()
    slot.delete()


def generate(slot: ShiftPattern, *, now: dt.datetime, days: int = GENERATE_DAYS) -> int:
    """Create the slot's shifts for the local days [today, today + days) that are not there yet and have
    not ended; returns how many were created. Idempotent (cursor ``generated_until`` plus a check)."""
    today = timezone.localdate(now)
    last = today + dt.timedelta(days=days - 1)
    first = today
    if slot.generated_until is not None and slot.generated_until >= first:
        first = slot.generated_until + dt.timedelta(days=1)
    if first > last:
        return 0
    weekdays = set(slot.weekdays or ALL_WEEKDAYS)
    # A slot ending after midnight started the day before: look one day back for today's early hours.
    candidates = [first - dt.timedelta(days=1)] if first == today else []
    day = first
    while day <= last:
        candidates.append(day)
        day += dt.timedelta(days=1)
    occurrences = [slot.occurrence(d) for d in candidates if d.weekday() in weekdays]
    occurrences = [(s, e) for s, e in occurrences if e > now]
    existing = set(
        Shift.objects.filter(pattern=slot, starts_at__in=[s for s, _e in occurrences]).values_list(
            "starts_at", flat=True
        )
    )
    people = list(slot.people.values_list("pk", flat=True))
    created = 0
    for starts_at, ends_at in occurrences:
        if starts_at in existing:
            continue
        _shift_from_pattern(slot, starts_at, ends_at, people)
        created += 1
    ShiftPattern.objects.filter(pk=slot.pk).update(generated_until=last)
    slot.generated_until = last
    return created


def extend_rosters(
    now: dt.datetime | None = None, days: int = GENERATE_DAYS, *, rosters: Iterable[Roster] | None = None
) -> int:
    """Generate every pattern's shifts ``days`` ahead (the scheduler runs this); returns shifts created."""
    now = now or timezone.now()
    slots = ShiftPattern.objects.select_related("roster").order_by("roster_id", "pk")
    if rosters is not None:
        slots = slots.filter(roster__in=list(rosters))
    last = timezone.localdate(now) + dt.timedelta(days=days - 1)
    slots = slots.exclude(generated_until__gte=last)
    created = 0
    for slot in slots:
        with transaction.atomic():
            created += generate(slot, now=now, days=days)
    return created


# ---------------------------------------------------------------------------------------------------
# Who is on duty
# ---------------------------------------------------------------------------------------------------


def on_duty(roster: Roster, at: dt.datetime) -> list[Shift]:
    """The shifts of ``roster`` running at ``at``, with their people."""
    return list(
        Shift.objects.filter(roster=roster, starts_at__lte=at, ends_at__gt=at)
        .prefetch_related("people")
        .order_by("starts_at")
    )


def next_shifts(roster: Roster, at: dt.datetime, limit: int = 2) -> list[Shift]:
    return list(
        Shift.objects.filter(roster=roster, starts_at__gt=at)
        .prefetch_related("people")
        .order_by("starts_at")[:limit]
    )


def open_alarms(community: Community) -> QuerySet[Any]:
    from anfang.alarms.models import Alarm

    result: QuerySet[Any] = Alarm.objects.filter(community=community).open().console_order()
    return result


# ---------------------------------------------------------------------------------------------------
# Duty log (值班记录, 第16条) and handovers
# ---------------------------------------------------------------------------------------------------


def add_log_entry(
    community: Community, *, by: Any, text: str, roster: Roster | None = None, at: dt.datetime | None = None
) -> DutyLogEntry:
    """A line typed by the operator on duty. Lines are written at the time they are entered."""
    text = (text or "").strip()
    if not text:
        raise DomainError("empty", _("请填写值班记录内容。"))
    if len(text) > MAX_LOG_TEXT:
        raise DomainError("too_long", _("值班记录不能超过 %(n)s 字。") % {"n": MAX_LOG_TEXT})
    if roster is not None and roster.community_id != community.pk:
        raise DomainError("not_found", _("没有该排班表。"), status=404)
    return DutyLogEntry.objects.create(
        community=community,
        roster=roster,
        at=at or timezone.now(),
        by=by,
        by_name=person_name(by),
        kind=DutyLogKindChoices.MANUAL,
        text=text,
    )


def log_alarm_action(action: Any, *, created: bool = False) -> DutyLogEntry | None:
    """R-16 (第16条, complete duty records): one duty-log line per step of an alarm — a person's step or
    the raise as ``alarm``, a step nobody took (escalation, police overdue, "device back online") as
    ``system``. Only repeats of an open alarm (``join``) are left out."""
    if action.action in SKIPPED_ALARM_ACTIONS:
        return None
    # A step recorded this moment has no line yet (`created`); the OneToOne keeps one line per step.
    if not created and DutyLogEntry.objects.filter(alarm_action=action).exists():
        return None
    alarm = action.alarm
    by_person = action.by_id is not None
    text = action.note or (alarm.title if action.action == "raise" else "")
    entry = DutyLogEntry(
        community_id=action.community_id,
        at=action.at,
        by_id=action.by_id,
        by_name=action.by_name or (person_name(action.by) if by_person else ""),
        kind=DutyLogKindChoices.ALARM if by_person or action.action == "raise" else DutyLogKindChoices.SYSTEM,
        text=text,
        alarm=alarm,
        alarm_action=action,
    )
    # Written for every alarm raised (hundreds a second at peak): a plain insert, not the ORM's.
    plain_insert(DutyLogEntry).one(entry)
    return entry


def log_arming(device: Any, *, armed: bool, by: Any, zone: Any = None) -> DutyLogEntry:
    """R-16 (第16条): arming or disarming a device or zone by hand is a duty-room act, so it is a line
    of the duty log (a ``system`` line with the person who did it)."""
    if zone is None:
        target = _("%(device)s（全部防区）") % {"device": device.name}
    else:
        target = _("%(device)s 防区 %(zone)s") % {
            "device": device.name,
            "zone": zone.name or zone.code or _("整机"),
        }
    return DutyLogEntry.objects.create(
        community_id=device.community_id,
        at=timezone.now(),
        by=by if getattr(by, "pk", None) else None,
        by_name=person_name(by),
        kind=DutyLogKindChoices.SYSTEM,
        text=(_("布防：%(target)s") if armed else _("撤防：%(target)s")) % {"target": target},
    )


@transaction.atomic
def hand_over(
    roster: Roster, *, by: Any, to: Any, notes: str = "", at: dt.datetime | None = None
) -> Handover:
    """交接班: record who handed the room to whom and carry over the community's open alarms."""
    community = roster.community
    if to is None:
        raise DomainError("taker_required", _("请选择接班人。"))
    if not members(community).filter(pk=to.pk).exists():
        raise DomainError("not_a_member", _("接班人必须是本小区的成员。"))
    if by is not None and to.pk == by.pk:
        raise DomainError("same_person", _("交班人和接班人不能是同一人。"))
    at = at or timezone.now()
    handover = Handover.objects.create(
        community=community,
        roster=roster,
        at=at,
        handed_over_by=by,
        handed_over_by_name=person_name(by),
        taken_over_by=to,
        taken_over_by_name=person_name(to),
        notes=(notes or "").strip(),
    )
    carried = list(open_alarms(community))
    handover.alarms.set(carried)
    DutyLogEntry.objects.create(
        community=community,
        roster=roster,
        at=at,
        by=by,
        by_name=person_name(by),
        kind=DutyLogKindChoices.HANDOVER,
        text=handover.notes,
        handover=handover,
    )
    if by is not None:
        _pass_claims(carried, by=by, to=to, handover=handover, at=at)
    return handover


def _pass_claims(alarms: list[Any], *, by: Any, to: Any, handover: Handover, at: dt.datetime) -> None:
    """The open alarms ``by`` had claimed pass to ``to`` (one ``take_over`` step each), so the next shift
    does not find every carried-over alarm "claimed by" someone who has gone home. A taker who may not
    handle alarms cannot hold a claim: the claims are released instead."""
    from anfang.alarms import services as alarm_services
    from anfang.alarms.choices import AlarmActionChoices
    from anfang.alarms.models import Alarm

    ids = [a.pk for a in alarms if a.claimed_by_id == by.pk]
    if not ids:
        return
    may_handle = has_perm(to, handover.community, Perm.HANDLE_ALARMS)
    note = _("交接班")
    locked = (
        Alarm.objects.select_for_update(of=("self",)).filter(pk__in=ids, claimed_by=by).open().order_by("pk")
    )
    for alarm in locked:
        if may_handle:
            alarm.claimed_by = to
            alarm.claimed_at = at
            action = AlarmActionChoices.TAKE_OVER
            data = {"from": person_name(by), "handover": handover.pk}
            who = to
        else:
            alarm.claimed_by = None
            alarm.claimed_at = None
            action, data, who = AlarmActionChoices.RELEASE, {"handover": handover.pk}, by
        alarm.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
        alarm_services.record_action(alarm, action, by=who, note=note, data=data, at=at)


def linkable_alarms(user: Any, entries: Iterable[DutyLogEntry]) -> set[int]:
    """The alarms of ``entries`` the reader may open. Police read the whole duty log (they inspect the
    第16条 records) but see only alarms reported to them, so other lines show without a link."""
    from anfang.alarms.services import visible_alarms

    ids = {e.alarm_id for e in entries if e.alarm_id is not None}
    if not ids:
        return set()
    return set(visible_alarms(user).filter(pk__in=ids).values_list("pk", flat=True))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[00:00, 24:00) of a local (Asia/Shanghai) day as aware datetimes."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def log_entries(community: Community, day: dt.date) -> QuerySet[DutyLogEntry]:
    start, end = day_bounds(day)
    return (
        DutyLogEntry.objects.filter(community=community, at__gte=start, at__lt=end)
        .select_related(
            "roster", "alarm", "alarm_action__alarm__location", "handover", "by", "alarm__location"
        )
        .order_by("at", "pk")
    )


# ---------------------------------------------------------------------------------------------------
# Demo
# ---------------------------------------------------------------------------------------------------

# The usual three-shift day (三班倒), local time; 00:00 as an end means midnight.
THREE_SHIFTS: Sequence[tuple[str, dt.time, dt.time]] = (
    ("夜班", dt.time(0), dt.time(8)),
    ("白班", dt.time(8), dt.time(16)),
    ("中班", dt.time(16), dt.time(0)),
)


def seed_duty(
    community: Community,
    staff: dict[str, Sequence[Any]],
    *,
    now: dt.datetime | None = None,
    days: int = GENERATE_DAYS,
    past_days: int = 7,
) -> list[Roster]:
    """A full 24-h roster for each duty room / monitoring centre of ``community`` (demo and tests).

    ``staff`` maps a location code to three lists of people, for the night, day and evening shifts.
    The last ``past_days`` days are filled too, so the demo's past duty records show who was on duty.
    """
    now = now or timezone.now()
    rosters = []
    for location in duty_locations(community).filter(code__in=list(staff)):
        roster = save_roster(Roster(community=community, location=location, name=f"{location.name}排班"))
        for (name, start, end), people in zip(THREE_SHIFTS, staff[location.code], strict=True):
            slot = ShiftPattern(community=community, roster=roster, name=name, start_time=start, end_time=end)
            save_pattern(slot, people, now=now)
            _backfill(slot, timezone.localdate(now) - dt.timedelta(days=past_days), now)
        extend_rosters(now, days, rosters=[roster])
        rosters.append(roster)
    return rosters


def _backfill(slot: ShiftPattern, first: dt.date, now: dt.datetime) -> None:
    """The slot's shifts from local day ``first`` up to those already generated (ended or running)."""
    people = list(slot.people.values_list("pk", flat=True))
    day = first
    while day <= timezone.localdate(now):
        starts_at, ends_at = slot.occurrence(day)
        day += dt.timedelta(days=1)
        if starts_at > now or Shift.objects.filter(pattern=slot, starts_at=starts_at).exists():
            continue
        _shift_from_pattern(slot, starts_at, ends_at, people)


def _shift_from_pattern(
    slot: ShiftPattern, starts_at: dt.datetime, ends_at: dt.datetime, people: list[int]
) -> Shift:
    """One concrete shift of a pattern slot, with its people (known before the change log snapshot)."""
    shift = Shift(
        community_id=slot.community_id,
        roster_id=slot.roster_id,
        starts_at=starts_at,
        ends_at=ends_at,
        pattern=slot,
    )
    shift.pending_people = people
    shift.save()
    shift.people.set(people)
    shift.pending_people = None
    return shift


# ---------------------------------------------------------------------------------------------------
# The roster page's week grid
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourCell:
    """One hour of the week grid: the fewest people on duty in it and its uncovered minutes."""

    start: dt.datetime
    people: int
    uncovered: int


def week_grid(roster: Roster, monday: dt.date) -> list[tuple[dt.date, list[HourCell]]]:
    """7 local days × 24 hours of ``roster`` from ``monday``, computed from one query."""
    start, _end = day_bounds(monday)
    end = start + dt.timedelta(days=7)
    pieces = roster.timeline(start, end)
    rows: list[tuple[dt.date, list[HourCell]]] = []
    index = 0
    for d in range(7):
        day = monday + dt.timedelta(days=d)
        day_start, _ = day_bounds(day)
        cells = []
        for h in range(24):
            h_start = day_start + dt.timedelta(hours=h)
            h_end = h_start + dt.timedelta(hours=1)
            while index < len(pieces) and pieces[index].end <= h_start:
                index += 1
            fewest: int | None = None
            uncovered = 0
            j = index
            while j < len(pieces) and pieces[j].start < h_end:
                piece = pieces[j]
                overlap = min(piece.end, h_end) - max(piece.start, h_start)
                if overlap > dt.timedelta(0):
                    fewest = piece.people if fewest is None else min(fewest, piece.people)
                    if piece.people < roster.min_people:
                        uncovered += int(overlap // dt.timedelta(minutes=1))
                j += 1
            cells.append(HourCell(h_start, fewest or 0, uncovered))
        rows.append((day, cells))
    return rows
