"""Alarm centre services: store every device event, turn it into alarms, and the operator workflow (第16条).

Ingestion stores the event and commits before anything else happens (ARCHITECTURE data flow 2); the
caller acknowledges the device only after `ingest()` returns. Processing (zone, arming, joining an open
alarm, raising a new one) runs right after, in its own transaction; if the process dies in between, the
`PendingEventSweeper` job finishes the work, so an acknowledged event is never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from anfang.alarms.choices import (
    ALARM_TRANSITIONS,
    DEFAULT_PRIORITY,
    OPEN_STATES,
    AlarmActionChoices,
    AlarmOutcomeChoices,
    AlarmStateChoices,
    EventStatusChoices,
    NotificationKindChoices,
    PoliceChannelChoices,
)
from anfang.alarms.models import (
    Alarm,
    AlarmAction,
    AlarmChecklistItem,
    AlarmPolicy,
    AlarmQuerySet,
    AlarmZone,
    EventPicture,
    InboundEvent,
    Notification,
    OperatingProcedure,
    PoliceReport,
)
from anfang.alarms.signals import alarm_action_recorded, zones_armed
from anfang.core import audit, hot_cache
from anfang.core.choices import RoleChoices
from anfang.core.db import write_turn
from anfang.core.errors import DomainError
from anfang.core.hot_cache import HotCache
from anfang.core.plain_sql import plain_insert
from anfang.core.tenancy import Perm, has_perm
from anfang.devices.choices import DeviceKindChoices, DeviceStatusChoices
from anfang.devices.models import Device
from anfang.integrations import events as ev
from anfang.integrations.events import DeviceEvent
from anfang.sites.models import Community

log = logging.getLogger(__name__)

# Alarm types that alarm whether or not their zone is armed (24-hour zones: life and property safety).
TWENTY_FOUR_HOUR_TYPES = frozenset(
    {ev.EMERGENCY, ev.FIRE, ev.GAS, ev.MEDICAL, ev.WATER_LEAK, ev.TAMPER, ev.DEVICE_FAULT, ev.DEVICE_OFFLINE}
)

# The checklist used when neither the community nor the platform has written its own procedure.
# Chinese source strings, marked for translation and translated when shown.
DEFAULT_PROCEDURES: dict[str, list[str]] = {
    "blacklisted_vehicle": [
        gettext_noop("查看车道画面，核对车牌和车辆"),
        gettext_noop("通知出入口保安拦停车辆，不要放行"),
        gettext_noop("按黑名单原因需要时，立即向公安机关报警（第16条）"),
        gettext_noop("记录处置经过和结果"),
    ],
    "_": [
        gettext_noop("调取报警位置附近的摄像机画面核实"),
        gettext_noop("派保安到现场查看并保持通话"),
        gettext_noop("确认为真实警情的，立即向公安机关报警（第16条）"),
        gettext_noop("记录处置经过和结果"),
    ],
    ev.FIRE: [
        gettext_noop("调取画面核实烟雾/火情"),
        gettext_noop("确认火情立即拨打 119，并报告派出所（第16条）"),
        gettext_noop("派保安携带灭火器到场，组织疏散"),
        gettext_noop("通知物业负责人"),
        gettext_noop("记录处置经过和结果"),
    ],
    ev.EMERGENCY: [
        gettext_noop("回拨/对讲联系求助住户"),
        gettext_noop("派保安立即到场"),
        gettext_noop("涉及人身安全的，立即拨打 110/120（第16条）"),
        gettext_noop("记录处置经过和结果"),
    ],
    ev.PERIMETER: [
        gettext_noop("调取周界附近摄像机画面核实是否有人翻越"),
        gettext_noop("派巡逻保安到报警周界段"),
        gettext_noop("确认有人非法进入，立即向公安机关报警（第16条）"),
        gettext_noop("记录处置经过和结果"),
    ],
    ev.DEVICE_OFFLINE: [
        gettext_noop("检查设备供电和网络"),
        gettext_noop("通知维保人员报修"),
        gettext_noop("记录离线原因"),
    ],
    ev.DEVICE_FAULT: [
        gettext_noop("确认故障现象"),
        gettext_noop("通知维保人员报修"),
        gettext_noop("记录故障和处理结果"),
    ],
}

OPERATOR_ROLES = (RoleChoices.MANAGER, RoleChoices.OPERATOR)
NOT_REAL_OUTCOMES = (
    AlarmOutcomeChoices.FALSE_ALARM,
    AlarmOutcomeChoices.TEST,
    AlarmOutcomeChoices.DEVICE_FAULT,
)

LAST_SEEN_RESOLUTION = dt.timedelta(seconds=1)

# ---------------------------------------------------------------------------------------------------
# Ingestion
#
# The hot path (store an event, raise or join an alarm) writes its rows with `PlainInsert` and reads
# with plain SQL: at 200 events/s the ORM's cost of building each statement (10–30× what SQLite needs
# to run it) was most of the CPU (docs/benchmarks.md). The workflow below stays in the ORM.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    """What the device (or API client) is told: the stored event's id, and whether it was a repeat."""

    id: int
    duplicate: bool
    status: str
    alarm_id: int | None = None


@dataclass(frozen=True)
class Stored:
    """A stored event: what to answer now, and the new row to process (None for a repeat or an event
    of an unknown device, which have nothing to process)."""

    result: IngestResult
    row: InboundEvent | None


def _db_time(value: dt.datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


_devices: HotCache[int, Device | None] = HotCache("alarms.devices", Device, keep_none=False)


def device_by_id(device_id: int) -> Device | None:
    """The device an event comes from, memoised for a few seconds (its name and place are read for
    every event; `last_seen_at` on the memo is not current — see `_note_seen`)."""
    return _devices.get(device_id, lambda: Device.objects.filter(pk=device_id).first())


_devices_by_code: HotCache[str, Device | None] = HotCache("alarms.devices_by_code", Device, keep_none=False)


_community_codes: HotCache[int, str] = HotCache("alarms.community_codes", Community)


def community_code(community_id: int) -> str:
    return _community_codes.get(
        community_id, lambda: Community.objects.filter(pk=community_id).values_list("code", flat=True).get()
    )


def find_device(code: str) -> Device | None:
    """The device with this code (memoised like `device_by_id`; an unknown code is asked again every
    time, so a device registered in another process counts at once)."""
    if not code:
        return None
    return _devices_by_code.get(code, lambda: Device.objects.filter(code=code).first())


def ingest(
    event: DeviceEvent,
    *,
    received_at: dt.datetime | None = None,
    raw: bytes | None = None,
    content_type: str = "",
    device: Device | None = None,
    process_now: bool = True,
) -> IngestResult:
    """Store one device event (committed when this returns), then process it.

    Idempotent on (device, external id): a repeat returns the first event's id with ``duplicate``.
    Events from unknown devices are stored with their raw payload, flagged for an administrator.
    """
    with write_turn(), transaction.atomic():
        stored = store(event, received_at=received_at, raw=raw, content_type=content_type, device=device)
    if not process_now or stored.row is None:
        return stored.result
    return process_stored([stored.row])[0]


def store(
    event: DeviceEvent,
    *,
    received_at: dt.datetime | None = None,
    raw: bytes | None = None,
    content_type: str = "",
    device: Device | None = None,
) -> Stored:
    """Insert one event (inside the caller's transaction); a repeat answers the first event instead."""
    received_at = received_at or timezone.now()
    if device is None:
        device = find_device(event.device)
    row = InboundEvent(
        received_at=received_at,
        source=event.source,
        community_id=device.community_id if device else None,
        device=device,
        device_code=event.device[:120],
        external_id=event.external_id[:200],
        event_type=event.type,
        vendor_code=event.vendor_code[:80],
        zone=event.zone[:60],
        restore=event.restore,
        occurred_at=event.occurred_at,
        clock_drift_s=(
            round((received_at - event.occurred_at).total_seconds(), 3) if event.occurred_at else None
        ),
        text=event.text[:500],
        data=dict(event.data),
        raw=raw,
        content_type=content_type[:200],
        status=EventStatusChoices.RECEIVED if device else EventStatusChoices.UNKNOWN_DEVICE,
    )
    # No look-up before the insert: the partial unique index on (device, external id) finds repeats
    # (ON CONFLICT DO NOTHING), so a new event — the common case — costs one statement.
    if plain_insert(InboundEvent, skip_conflicts=True).one(row) is None:
        seen = _existing(device, event.external_id) if device is not None else None
        if seen is None:  # the index kept a row we cannot find: should not happen, never hide it
            raise IntegrityError(f"event {event.device}/{event.external_id} conflicts but was not found")
        return Stored(seen, None)
    for picture in event.pictures:
        _store_picture(row, picture.name, picture.content_type, picture.data)
    result = IngestResult(row.pk, False, row.status)
    return Stored(result, row if device is not None else None)


def _existing(device: Device, external_id: str) -> IngestResult | None:
    # The `exclude` repeats the unique index's condition so that SQLite may use that partial index;
    # without it the look-up walked every event the device ever sent.
    found = (
        InboundEvent.objects.filter(device=device, external_id=external_id[:200])
        .exclude(external_id="")
        .order_by()
        .values_list("id", "status", "alarm_id")
        .first()
    )
    if found is None:
        return None
    return IngestResult(found[0], True, found[1], found[2])


def _store_picture(row: InboundEvent, name: str, content_type: str, data: bytes) -> EventPicture:
    safe = "".join(ch for ch in (name or "picture") if ch.isalnum() or ch in "._-")[:80] or "picture"
    picture = EventPicture(event=row, name=name[:120], content_type=content_type[:60], size=len(data))
    picture.image.save(safe, ContentFile(data), save=False)
    picture.save()
    return picture


def record_unparseable(
    *,
    source: str,
    device_code: str,
    raw: bytes,
    content_type: str,
    error: str,
    received_at: dt.datetime | None = None,
) -> InboundEvent:
    """Keep a payload nobody could read, with why, for an administrator (nothing a device sent is lost)."""
    device = find_device(device_code)
    with write_turn():
        return InboundEvent.objects.create(
            received_at=received_at or timezone.now(),
            source=source,
            community_id=device.community_id if device else None,
            device=device,
            device_code=device_code[:120],
            raw=raw,
            content_type=content_type[:200],
            status=EventStatusChoices.UNPARSEABLE,
            error=error[:2000],
        )


class _AlreadyProcessed(Exception):
    """Another process (the sweeper) finished this event first: undo this attempt's rows."""


def process(event_id: int) -> tuple[str, int | None]:
    """Decide what one stored event means: heartbeat, log only, disarmed, a new alarm, or part of one."""
    # No lock here: `process_stored` updates the status only while it is still `received`, so a second
    # process working on the same event undoes its own attempt.
    try:
        row = InboundEvent.objects.get(pk=event_id)
    except OperationalError:
        log.warning("processing event %s failed for now; the sweeper retries it", event_id, exc_info=True)
        return EventStatusChoices.RECEIVED, None
    if row.status != EventStatusChoices.RECEIVED or row.device_id is None:
        return row.status, row.alarm_id
    result = process_stored([row])[0]
    return result.status, result.alarm_id


def process_stored(
    rows: Sequence[InboundEvent], *, actors: Sequence[tuple[str, str]] = ()
) -> list[IngestResult]:
    """Process stored events in one transaction, each in its own savepoint (one failing event is set
    aside, the others go on). Safe to run twice: an event already processed elsewhere is left alone.
    `actors` (one (system, request id) per row) is who a change (a panel arming its zones) is
    attributed to."""
    results: list[IngestResult] = []
    try:
        with write_turn(), transaction.atomic():
            if connection.vendor == "postgresql":
                # An operator's transaction holding an alarm row must not stall ingest: after a moment
                # the event is left `received` for the sweeper (OperationalError below).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
            for i, row in enumerate(rows):
                if i < len(actors):
                    system, request_id = actors[i]
                    with audit.actor(system=system, request_id=request_id):
                        results.append(_process_one(row))
                else:
                    results.append(_process_one(row))
    except OperationalError:
        # A passing database trouble (lock timeout, failover) at commit: the events stay `received`,
        # and the PendingEventSweeper processes them again — they must not be set aside as errors.
        log.warning("processing %d events failed for now; the sweeper retries them", len(rows), exc_info=True)
        return [IngestResult(row.pk, False, EventStatusChoices.RECEIVED) for row in rows]
    return results


def _process_one(row: InboundEvent) -> IngestResult:
    try:
        with transaction.atomic():
            status, alarm_id = _process(row)
    except _AlreadyProcessed:
        done = InboundEvent.objects.filter(pk=row.pk).values_list("status", "alarm_id").first()
        status, alarm_id = done if done else (EventStatusChoices.RECEIVED, None)
    except OperationalError:
        log.warning("processing event %s failed for now; the sweeper retries it", row.pk, exc_info=True)
        return IngestResult(row.pk, False, EventStatusChoices.RECEIVED)
    except Exception as exc:  # keep the event, mark it, let an admin see it — never lose it
        log.exception("processing event %s failed", row.pk)
        InboundEvent.objects.filter(pk=row.pk, status=EventStatusChoices.RECEIVED).update(
            status=EventStatusChoices.ERROR, error=repr(exc)[:2000], processed_at=timezone.now()
        )
        return IngestResult(row.pk, False, EventStatusChoices.ERROR)
    return IngestResult(row.pk, False, status, alarm_id)


def _process(row: InboundEvent) -> tuple[str, int | None]:
    device = device_by_id(row.device_id) if row.device_id else None
    if device is None:
        raise ValueError(f"device {row.device_id} of event {row.pk} is gone")
    _note_seen(device, row.received_at)
    alarm_id: int | None = None
    etype = row.event_type
    if etype == ev.HEARTBEAT:
        status = EventStatusChoices.HEARTBEAT
    elif etype in (ev.ARMING, ev.DISARMING):
        # Whatever the qualifier: Contact ID reports arming as the "restore" of an opening (3401).
        _set_armed(device, armed=etype == ev.ARMING)
        status = EventStatusChoices.LOGGED
    elif row.restore or etype in ev.LOG_ONLY_TYPES or is_plate_read(row):
        status = EventStatusChoices.LOGGED
    else:
        zone = _zone_rule(device.pk, row.zone)
        alarm_type = alarm_type_for(etype, zone)
        if zone is not None and not zone.armed and alarm_type not in TWENTY_FOUR_HOUR_TYPES:
            status = EventStatusChoices.DISARMED
        else:
            alarm_id, joined = _raise_or_join(row, device, zone, alarm_type)
            status = EventStatusChoices.JOINED if joined else EventStatusChoices.ALARM
    with connection.cursor() as cursor:
        # `status = received` in the WHERE: if the sweeper finished this event meanwhile, undo ours.
        cursor.execute(
            f"UPDATE {InboundEvent._meta.db_table} SET status = %s, alarm_id = %s, processed_at = %s"
            " WHERE id = %s AND status = %s",
            [status, alarm_id, _db_time(timezone.now()), row.pk, EventStatusChoices.RECEIVED],
        )
        if cursor.rowcount != 1:
            raise _AlreadyProcessed
    row.status, row.alarm_id = status, alarm_id
    return status, alarm_id


_seen_written: dict[int, dt.datetime] = {}
hot_cache.forget_with_the_others(_seen_written.clear)


def _note_seen(device: Device, at: dt.datetime) -> None:
    """Any message proves the device is alive (R-33.1). To the second is plenty for heartbeat intervals
    of tens of seconds, and spares a write for every event of a chattering device."""
    last = _seen_written.get(device.pk) or device.last_seen_at
    if last is None or at - last >= LAST_SEEN_RESOLUTION:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Device._meta.db_table} SET last_seen_at = %s WHERE id = %s"
                " AND (last_seen_at IS NULL OR last_seen_at < %s)",
                [_db_time(at), device.pk, _db_time(at)],
            )
        # Remembered once committed: a rolled-back write must not spare the next one.
        transaction.on_commit(lambda: _seen_written.__setitem__(device.pk, at))


class ZoneRule(NamedTuple):
    """What processing needs of an `AlarmZone` row."""

    code: str
    armed: bool
    alarm_type: str
    priority: int | None
    name: str
    location_id: int | None


def _zone_rule(device_id: int, code: str) -> ZoneRule | None:
    """The zone row for this code, else the device-wide row (code ""), else None (armed by default).
    Read every time, never memoised: arming has to count from the next event on."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, armed, alarm_type, priority, name, location_id FROM {AlarmZone._meta.db_table}"
            " WHERE device_id = %s AND code IN (%s, '')",
            [device_id, code],
        )
        zones = {r[0]: ZoneRule(r[0], bool(r[1]), r[2] or "", r[3], r[4] or "", r[5]) for r in cursor}
    return zones.get(code) or zones.get("")


def zone_for(device: Device, code: str) -> AlarmZone | None:
    """The zone row for this code, else the device-wide row (code ""), else None (armed by default)."""
    # order_by(): the default ordering (by device) would join devices and communities to sort two rows.
    zones = {z.code: z for z in AlarmZone.objects.filter(device=device, code__in={code, ""}).order_by()}
    return zones.get(code) or zones.get("")


def alarm_type_for(event_type: str, zone: AlarmZone | ZoneRule | None) -> str:
    """The zone's type refines what a device reports generically (a contact "door" on a perimeter
    zone); a life-safety or fault signal (fire, emergency, tamper …) keeps its own type, so it is never
    turned into a disarmable intrusion."""
    if event_type in TWENTY_FOUR_HOUR_TYPES or zone is None or not zone.alarm_type:
        return event_type or ev.OTHER
    return zone.alarm_type


def is_plate_read(row: InboundEvent) -> bool:
    """A plate read (ISAPI `ANPR`, Dahua `Traffic*`) is a passage for the vehicles app, not an alarm."""
    code = row.vendor_code.lower()
    return row.event_type == ev.OTHER and (code == "anpr" or code.startswith("traffic"))


def _set_armed(device: Device, *, armed: bool) -> list[AlarmZone]:
    """An arming/disarming report from a panel applies to all of that panel's zones; returns them."""
    zones = list(AlarmZone.objects.filter(device=device))
    if not any(z.code == "" for z in zones):
        zones.append(AlarmZone(community_id=device.community_id, device=device, code=""))
    for zone in zones:
        if zone.armed != armed or zone.pk is None:
            zone.armed = armed
            zone.save()
    return zones


_policies: HotCache[int, AlarmPolicy] = HotCache("alarms.policies", AlarmPolicy)


def policy_for(community_id: int) -> AlarmPolicy:
    def load() -> AlarmPolicy:
        return AlarmPolicy.objects.filter(community_id=community_id).first() or AlarmPolicy(
            community_id=community_id
        )

    return _policies.get(community_id, load)


_OPEN_MARKS = ", ".join(["%s"] * len(OPEN_STATES))


def _raise_or_join(
    row: InboundEvent, device: Device, zone: ZoneRule | None, alarm_type: str
) -> tuple[int, bool]:
    at = row.occurred_at or row.received_at
    window = dt.timedelta(seconds=policy_for(device.community_id).join_window_s)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        # Newest first in Python, not ORDER BY id: sorting by id made SQLite walk the device's whole
        # alarm history (its device index, newest first) instead of the (device, zone, state) index.
        cursor.execute(
            f"SELECT id, community_id, state, title FROM {Alarm._meta.db_table}"
            f" WHERE device_id = %s AND zone = %s AND alarm_type = %s AND state IN ({_OPEN_MARKS})"
            f" AND last_event_at >= %s{lock}",
            [device.pk, row.zone, alarm_type, *OPEN_STATES, _db_time(row.received_at - window)],
        )
        candidates = cursor.fetchall()
        if candidates:
            pk, community_id, state, title = max(candidates)
            cursor.execute(
                f"UPDATE {Alarm._meta.db_table} SET event_count = event_count + 1, last_event_at = %s,"
                " updated_at = %s WHERE id = %s",
                [_db_time(row.received_at), _db_time(timezone.now()), pk],
            )
    if candidates:
        open_alarm = Alarm(id=pk, community_id=community_id, state=state, title=title)
        record_action(
            open_alarm, AlarmActionChoices.JOIN, by=None, data={"event": row.pk}, at=row.received_at
        )
        return pk, True
    priority = (zone.priority if zone and zone.priority else None) or DEFAULT_PRIORITY.get(alarm_type, 3)
    title = (zone.name if zone and zone.name else "") or device.name
    if row.zone and not (zone and zone.name and zone.code == row.zone):
        title = f"{title} · {row.zone}"
    alarm = raise_alarm(
        community_id=device.community_id,
        alarm_type=alarm_type,
        priority=priority,
        title=title,
        device=device,
        zone=row.zone,
        location_id=(zone.location_id if zone and zone.location_id else None) or device.location_id,
        first_event_at=at,
        at=row.received_at,
        data={"event": row.pk},
    )
    return alarm.pk, False


def raise_alarm(
    *,
    community_id: int,
    alarm_type: str,
    priority: int | None = None,
    title: str = "",
    device: Device | None = None,
    zone: str = "",
    location_id: int | None = None,
    first_event_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Alarm:
    """Create an alarm with its procedure checklist and its `raise` action (call inside a transaction)."""
    at = at or timezone.now()
    alarm = Alarm(
        community_id=community_id,
        alarm_type=alarm_type,
        priority=priority or DEFAULT_PRIORITY.get(alarm_type, 3),
        title=title[:200],
        device=device,
        zone=zone[:60],
        location_id=location_id,
        created_at=at,
        first_event_at=first_event_at or at,
        last_event_at=at,
    )
    plain_insert(Alarm).one(alarm)
    plain_insert(AlarmChecklistItem).many(
        AlarmChecklistItem(alarm_id=alarm.pk, order=i, text=text[:300])
        for i, text in enumerate(procedure_steps(community_id, alarm_type), start=1)
    )
    record_action(alarm, AlarmActionChoices.RAISE, by=None, to_state=AlarmStateChoices.NEW, at=at, data=data)
    return alarm


_procedures: HotCache[tuple[int | None, str], list[str]] = HotCache("alarms.procedures", OperatingProcedure)


def procedure_steps(community_id: int | None, alarm_type: str) -> list[str]:
    """The community's own procedure for this type, else the platform's, else the built-in default."""

    def load() -> list[str]:
        rows = {
            p.community_id: p
            for p in OperatingProcedure.objects.filter(
                Q(community_id=community_id) | Q(community__isnull=True), alarm_type=alarm_type
            ).order_by()
        }
        chosen = rows.get(community_id) or rows.get(None)
        if chosen is not None and chosen.steps:
            return [str(step) for step in chosen.steps if str(step).strip()]
        return DEFAULT_PROCEDURES.get(alarm_type, DEFAULT_PROCEDURES["_"])

    return list(_procedures.get((community_id, alarm_type), load))


# ---------------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------------


def record_action(
    alarm: Alarm,
    action: str,
    *,
    by: Any,
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    from_state: str | None = None,
) -> AlarmAction:
    """Append one step to the alarm's history and tell listeners (the duty log) — in the caller's
    transaction."""
    row = AlarmAction(
        alarm=alarm,
        community_id=alarm.community_id,
        action=action,
        from_state=from_state if from_state is not None else (alarm.state if to_state else ""),
        to_state=to_state,
        at=at or timezone.now(),
        by=by if by is not None and getattr(by, "pk", None) else None,
        by_name=_name(by),
        note=note,
        data=data or {},
    )
    plain_insert(AlarmAction).one(row)
    try:
        with transaction.atomic():  # a savepoint: a failing listener (the duty log) loses only its line
            alarm_action_recorded.send(sender=AlarmAction, action=row, created=True)
    except DatabaseError:
        log.exception("a listener of alarm action %s failed; the alarm is kept", row.pk)
    return row


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "display_name", "") or getattr(user, "username", "") or user)[:150]


def _locked(alarm: Alarm) -> Alarm:
    return Alarm.objects.select_for_update(of=("self",)).select_related("claimed_by").get(pk=alarm.pk)


def _require_handler(alarm: Alarm, by: Any) -> None:
    if not has_perm(by, alarm.community, Perm.HANDLE_ALARMS):
        raise DomainError("forbidden", _("只有值班员或管理员可以处置报警。"), status=403)


def _check_claim(alarm: Alarm, by: Any, take_over: bool) -> str | None:
    """Two operators never work one alarm unknowingly: acting on another's claim needs `take_over`."""
    if alarm.claimed_by_id and alarm.claimed_by_id != by.pk:
        if not take_over:
            raise DomainError(
                "claimed",
                _("该报警正由 %(name)s 处理；如需接管请选择“接管”。") % {"name": _name(alarm.claimed_by)},
                status=409,
            )
        return _name(alarm.claimed_by)
    return None


def _transition(
    alarm: Alarm,
    to_state: str,
    action: str,
    *,
    by: Any,
    note: str = "",
    take_over: bool = False,
    at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Alarm:
    _require_handler(alarm, by)
    with transaction.atomic():
        alarm = _locked(alarm)
        if to_state not in ALARM_TRANSITIONS.get(alarm.state, ()):
            raise DomainError(
                "invalid_transition",
                _("报警当前为“%(from)s”，不能改为“%(to)s”。")
                % {"from": alarm.get_state_display(), "to": AlarmStateChoices(to_state).label},
                status=409,
            )
        _claim_for(alarm, by, take_over, at=at)
        at = at or timezone.now()
        from_state = alarm.state
        alarm.state = to_state
        stamp = {
            AlarmStateChoices.ACKNOWLEDGED: "acknowledged_at",
            AlarmStateChoices.VERIFYING: "verifying_at",
            AlarmStateChoices.DISPATCHED: "dispatched_at",
            AlarmStateChoices.RESOLVED: "resolved_at",
        }[AlarmStateChoices(to_state)]
        setattr(alarm, stamp, at)
        for field, value in (extra or {}).items():
            setattr(alarm, field, value)
        alarm.save()
        record_action(
            alarm, action, by=by, from_state=from_state, to_state=to_state, note=note, at=at, data=data
        )
        return alarm


def _claim_for(alarm: Alarm, by: Any, take_over: bool, *, at: dt.datetime | None = None) -> None:
    """Make `by` the alarm's handler (recording a take-over), inside the caller's transaction."""
    previous = _check_claim(alarm, by, take_over)
    if alarm.claimed_by_id == by.pk:
        return
    alarm.claimed_by = by
    alarm.claimed_at = at or timezone.now()
    alarm.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
    if previous:
        record_action(alarm, AlarmActionChoices.TAKE_OVER, by=by, data={"from": previous}, at=at)
    else:
        record_action(alarm, AlarmActionChoices.CLAIM, by=by, at=at)


def claim(alarm: Alarm, *, by: Any, take_over: bool = False) -> Alarm:
    """Say "I am on this one", so every other console shows who handles it."""
    _require_handler(alarm, by)
    with transaction.atomic():
        alarm = _locked(alarm)
        if not alarm.is_open:
            raise DomainError("closed", _("该报警已处置完毕。"), status=409)
        _claim_for(alarm, by, take_over)
        return alarm


def release(alarm: Alarm, *, by: Any) -> Alarm:
    _require_handler(alarm, by)
    with transaction.atomic():
        alarm = _locked(alarm)
        if alarm.claimed_by_id != by.pk:
            raise DomainError("not_claimed", _("您没有认领该报警。"), status=409)
        alarm.claimed_by = None
        alarm.claimed_at = None
        alarm.save(update_fields=["claimed_by", "claimed_at", "updated_at"])
        record_action(alarm, AlarmActionChoices.RELEASE, by=by)
        return alarm


def acknowledge(alarm: Alarm, *, by: Any, note: str = "", take_over: bool = False) -> Alarm:
    """The operator has seen it: stops the unacknowledged-alarm escalation."""
    return _transition(
        alarm,
        AlarmStateChoices.ACKNOWLEDGED,
        AlarmActionChoices.ACKNOWLEDGE,
        by=by,
        note=note,
        take_over=take_over,
    )


def start_verifying(alarm: Alarm, *, by: Any, note: str = "", take_over: bool = False) -> Alarm:
    return _transition(
        alarm, AlarmStateChoices.VERIFYING, AlarmActionChoices.VERIFY, by=by, note=note, take_over=take_over
    )


def dispatch(alarm: Alarm, *, by: Any, to: str, note: str = "", take_over: bool = False) -> Alarm:
    """Send guards to the place; `to` names who went."""
    to = to.strip()
    if not to:
        raise DomainError("dispatched_to_required", _("请填写派往的保安或队伍。"))
    return _transition(
        alarm,
        AlarmStateChoices.DISPATCHED,
        AlarmActionChoices.DISPATCH,
        by=by,
        note=note,
        take_over=take_over,
        data={"to": to},
        extra={"dispatched_to": to[:200]},
    )


def resolve(alarm: Alarm, *, by: Any, outcome: str, note: str, take_over: bool = False) -> Alarm:
    """Close the alarm with its outcome; the notes are mandatory (complete duty records, 第16条)."""
    if outcome not in AlarmOutcomeChoices.values:
        raise DomainError("outcome_required", _("请选择处置结果。"))
    if not note.strip():
        raise DomainError("note_required", _("请填写处置说明。"))
    extra: dict[str, Any] = {"outcome": outcome, "resolution_note": note.strip()}
    if outcome == AlarmOutcomeChoices.REAL_INCIDENT and alarm.confirmed_real_at is None:
        extra["confirmed_real_at"] = timezone.now()
    return _transition(
        alarm,
        AlarmStateChoices.RESOLVED,
        AlarmActionChoices.RESOLVE,
        by=by,
        note=note.strip(),
        take_over=take_over,
        data={"outcome": outcome},
        extra=extra,
    )


def confirm_real(alarm: Alarm, *, by: Any, note: str = "") -> Alarm:
    """第16条: a confirmed case must be reported to the police at once; the report clock starts here."""
    _require_handler(alarm, by)
    with transaction.atomic():
        alarm = _locked(alarm)
        if alarm.confirmed_real_at is not None:
            return alarm
        alarm.confirmed_real_at = timezone.now()
        alarm.save(update_fields=["confirmed_real_at", "updated_at"])
        record_action(alarm, AlarmActionChoices.CONFIRM_REAL, by=by, note=note)
        return alarm


def report_to_police(
    alarm: Alarm,
    *,
    by: Any,
    channel: str,
    reported_at: dt.datetime | None = None,
    officer: str = "",
    case_number: str = "",
    note: str = "",
) -> PoliceReport:
    """Record that (and how) the case was reported to the police (第16条)."""
    _require_handler(alarm, by)
    if channel not in PoliceChannelChoices.values:
        raise DomainError("channel_required", _("请选择报警方式。"))
    now = timezone.now()
    reported_at = reported_at or now
    if reported_at > now + dt.timedelta(minutes=1):
        raise DomainError("reported_in_future", _("报警时间不能晚于当前时间。"))
    if reported_at < alarm.created_at - dt.timedelta(minutes=1):
        # A report before the alarm would make any case look reported in time (第16条).
        raise DomainError("reported_before_alarm", _("报警时间不能早于报警发生时间。"))
    with transaction.atomic():
        alarm = _locked(alarm)
        report = PoliceReport.objects.create(
            alarm=alarm,
            community_id=alarm.community_id,
            reported_at=reported_at,
            channel=channel,
            officer=officer.strip()[:100],
            case_number=case_number.strip()[:60],
            note=note.strip(),
            recorded_by=by,
        )
        changed = ["updated_at"]
        if alarm.confirmed_real_at is None:
            alarm.confirmed_real_at = reported_at
            changed.append("confirmed_real_at")
        if alarm.police_reported_at is None or reported_at < alarm.police_reported_at:
            alarm.police_reported_at = reported_at
            changed.append("police_reported_at")
        alarm.save(update_fields=changed)
        record_action(
            alarm,
            AlarmActionChoices.REPORT_POLICE,
            by=by,
            note=note.strip(),
            data={
                "report": report.pk,
                "channel": channel,
                "officer": report.officer,
                "case_number": report.case_number,
                "reported_at": reported_at.isoformat(),
            },
        )
        return report


def tick_checklist(alarm: Alarm, item_id: int, *, by: Any, done: bool = True) -> AlarmChecklistItem:
    _require_handler(alarm, by)
    with transaction.atomic():
        alarm = _locked(alarm)
        item = AlarmChecklistItem.objects.filter(alarm=alarm, pk=item_id).first()
        if item is None:
            raise DomainError("not_found", _("没有这个处置步骤。"), status=404)
        if (item.done_at is not None) == done:
            return item
        item.done_at = timezone.now() if done else None
        item.done_by = by if done else None
        item.save(update_fields=["done_at", "done_by"])
        record_action(
            alarm,
            AlarmActionChoices.CHECKLIST,
            by=by,
            note=item.text,
            data={"item": item.pk, "order": item.order, "done": done},
        )
        return item


def add_note(alarm: Alarm, *, by: Any, note: str) -> AlarmAction:
    _require_handler(alarm, by)
    if not note.strip():
        raise DomainError("note_required", _("请填写备注内容。"))
    with transaction.atomic():
        return record_action(_locked(alarm), AlarmActionChoices.NOTE, by=by, note=note.strip())


# ---------------------------------------------------------------------------------------------------
# Escalation (scheduler)
# ---------------------------------------------------------------------------------------------------


def _managers(community_id: int) -> QuerySet[Any]:
    from anfang.core.models import User

    return User.objects.filter(
        is_active=True, memberships__community_id=community_id, memberships__role=RoleChoices.MANAGER
    ).distinct()


def notify_managers(alarm: Alarm, kind: str, message: str, *, at: dt.datetime | None = None) -> int:
    rows = [
        Notification(
            community_id=alarm.community_id,
            user=user,
            kind=kind,
            alarm=alarm,
            message=message[:300],
            created_at=at or timezone.now(),
        )
        for user in _managers(alarm.community_id)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def escalate_overdue(now: dt.datetime | None = None) -> list[Alarm]:
    """Unacknowledged past the community's limit (default 30 s), and confirmed-real cases not reported
    to the police within its few minutes (第16条): mark, tell the consoles, notify the managers."""
    now = now or timezone.now()
    policies = {p.community_id: p for p in AlarmPolicy.objects.all()}
    default = AlarmPolicy()
    escalated: list[Alarm] = []
    for alarm in Alarm.objects.filter(
        state=AlarmStateChoices.NEW, escalation_level=0, created_at__lt=now - dt.timedelta(seconds=5)
    ).select_related("community"):
        limit = policies.get(alarm.community_id, default).ack_escalation_s
        if alarm.created_at > now - dt.timedelta(seconds=limit):
            continue
        with transaction.atomic():
            locked = _locked(alarm)
            if locked.state != AlarmStateChoices.NEW or locked.escalation_level:
                continue
            locked.escalation_level = 1
            locked.escalated_at = now
            locked.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            record_action(locked, AlarmActionChoices.ESCALATE, by=None, at=now, data={"after_s": limit})
            notify_managers(
                locked,
                NotificationKindChoices.ESCALATION,
                _("报警 #%(id)s（%(type)s）超过 %(s)s 秒无人确认。")
                % {"id": locked.pk, "type": locked.get_alarm_type_display(), "s": limit},
                at=now,
            )
            escalated.append(locked)
    # A case closed as anything but real (confirmed in error, then found false) owes no report.
    for alarm in Alarm.objects.filter(
        confirmed_real_at__isnull=False, police_reported_at__isnull=True, police_overdue_at__isnull=True
    ).exclude(state=AlarmStateChoices.RESOLVED, outcome__in=NOT_REAL_OUTCOMES):
        minutes = policies.get(alarm.community_id, default).police_report_minutes
        assert alarm.confirmed_real_at is not None
        if alarm.confirmed_real_at > now - dt.timedelta(minutes=minutes):
            continue
        with transaction.atomic():
            locked = _locked(alarm)
            if locked.police_reported_at is not None or locked.police_overdue_at is not None:
                continue
            locked.police_overdue_at = now
            locked.escalation_level = max(locked.escalation_level, 2)
            locked.save(update_fields=["police_overdue_at", "escalation_level", "updated_at"])
            record_action(
                locked, AlarmActionChoices.POLICE_OVERDUE, by=None, at=now, data={"after_min": minutes}
            )
            notify_managers(
                locked,
                NotificationKindChoices.POLICE_OVERDUE,
                _("报警 #%(id)s 已确认为真实警情，%(m)s 分钟内未向公安报警（第16条）。")
                % {"id": locked.pk, "m": minutes},
                at=now,
            )
            escalated.append(locked)
    return escalated


# ---------------------------------------------------------------------------------------------------
# Device heartbeats
# ---------------------------------------------------------------------------------------------------


def check_heartbeats(now: dt.datetime | None = None) -> tuple[int, int]:
    """Open an outage and raise a "device offline" alarm for each device silent past twice its interval;
    close the outage (its return is logged on the alarm) when it is heard from again.
    Returns (went offline, came back)."""
    from anfang.devices.models import DeviceOutage

    now = now or timezone.now()
    back = 0
    for outage in DeviceOutage.objects.filter(ended_at__isnull=True).select_related("device"):
        seen = outage.device.last_seen_at
        if seen is not None and seen > outage.started_at:
            with transaction.atomic():
                DeviceOutage.objects.filter(pk=outage.pk).update(ended_at=seen)
                for alarm in Alarm.objects.open().filter(device=outage.device, alarm_type=ev.DEVICE_OFFLINE):
                    record_action(
                        alarm,
                        AlarmActionChoices.NOTE,
                        by=None,
                        at=now,
                        note=_("设备已恢复在线（%(at)s）。")
                        % {"at": timezone.localtime(seen).strftime("%H:%M:%S")},
                        data={"device_back_at": seen.isoformat()},
                    )
            back += 1
    open_ids = set(DeviceOutage.objects.filter(ended_at__isnull=True).values_list("device_id", flat=True))
    gone = 0
    candidates = Device.objects.filter(
        status=DeviceStatusChoices.IN_SERVICE, heartbeat_interval_s__isnull=False
    ).exclude(pk__in=open_ids)
    for device in candidates.iterator():
        if not device.is_offline(now):
            continue
        with transaction.atomic():
            DeviceOutage.objects.create(
                device=device,
                community_id=device.community_id,
                started_at=(device.last_seen_at + dt.timedelta(seconds=device.heartbeat_interval_s or 0))
                if device.last_seen_at
                else now,
                last_seen_at=device.last_seen_at,
            )
            still_open = (
                Alarm.objects.open()
                .filter(device=device, alarm_type=ev.DEVICE_OFFLINE)
                .order_by("-id")
                .first()
            )
            if still_open is not None:
                # A flapping device: its offline alarm is still being handled; one alarm, counted again.
                still_open.event_count += 1
                still_open.last_event_at = now
                still_open.save(update_fields=["event_count", "last_event_at", "updated_at"])
                record_action(
                    still_open, AlarmActionChoices.JOIN, by=None, at=now, data={"offline_again": True}
                )
                gone += 1
                continue
            raise_alarm(
                community_id=device.community_id,
                alarm_type=ev.DEVICE_OFFLINE,
                title=device.name,
                device=device,
                location_id=device.location_id,
                at=now,
                data={"last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None},
            )
        gone += 1
    return gone, back


# ---------------------------------------------------------------------------------------------------
# Reading: console order, cameras, the live feed
# ---------------------------------------------------------------------------------------------------


def cameras_for(alarm: Alarm, *, limit: int = 6) -> list[Device]:
    """Cameras that can see the alarm's place: their field of view holds the device's position or the
    location, or they are installed at the same location; nearest first."""
    from shapely.geometry import Point

    cameras = list(
        Device.objects.filter(
            community_id=alarm.community_id,
            kind=DeviceKindChoices.CAMERA,
            status__in=(DeviceStatusChoices.IN_SERVICE, DeviceStatusChoices.INSTALLED),
        ).select_related("location")
    )
    target = None
    if alarm.device is not None and alarm.device.position:
        target = (
            Point(alarm.device.position["coordinates"]) if "coordinates" in alarm.device.position else None
        )
    if target is None and alarm.location is not None and alarm.location.geometry:
        shape = alarm.location.shape()
        target = shape.representative_point() if shape is not None else None
    scored: list[tuple[float, Device]] = []
    for camera in cameras:
        if camera.pk == getattr(alarm.device, "pk", None):
            scored.append((-1.0, camera))
            continue
        same_place = alarm.location_id is not None and camera.location_id == alarm.location_id
        fov = camera.coverage_shape() if camera.coverage else None
        sees = target is not None and fov is not None and fov.buffer(0.5).contains(target)
        if not (same_place or sees):
            continue
        distance = 0.0
        if target is not None and camera.position and "coordinates" in camera.position:
            distance = Point(camera.position["coordinates"]).distance(target)
        scored.append((distance, camera))
    scored.sort(key=lambda pair: (pair[0], pair[1].code))
    return [camera for _, camera in scored[:limit]]


def visible_alarms(user: Any) -> AlarmQuerySet:
    """What a user may see: every alarm of the communities where they handle or follow alarms (operators,
    managers, guards who are dispatched, technicians); elsewhere (police) only what was reported to the
    police."""
    from anfang.core.tenancy import communities_for

    qs: AlarmQuerySet = Alarm.objects.filter(community__in=communities_for(user, Perm.VIEW))
    if not user.is_admin:
        seeing = communities_for(user, Perm.SEE_ALARMS)
        qs = qs.filter(Q(community__in=seeing) | Q(police_reported_at__isnull=False))
    return qs


def _visible_flat(user: Any) -> AlarmQuerySet:
    """`visible_alarms(user)` with the community ids resolved first (see `changes_since`)."""
    from anfang.core.tenancy import communities_for

    qs: AlarmQuerySet = Alarm.objects.all()
    if getattr(user, "is_admin", False) and user.is_active:
        return qs
    view = list(communities_for(user, Perm.VIEW).values_list("pk", flat=True))
    seeing = list(communities_for(user, Perm.SEE_ALARMS).values_list("pk", flat=True))
    return qs.filter(community_id__in=view).filter(
        Q(community_id__in=seeing) | Q(police_reported_at__isnull=False)
    )


# What a payload is built from: `.values()` names, so a live feed builds payloads from plain rows (at 200
# alarms a second, making model instances with four related ones was most of a console's cost).
_PAYLOAD_VALUES = (
    "id",
    "community__code",
    "alarm_type",
    "priority",
    "state",
    "title",
    "device__code",
    "device__name",
    "zone",
    "location__name",
    "created_at",
    "last_event_at",
    "event_count",
    "claimed_by_id",
    "claimed_by__username",
    "claimed_by__display_name",
    "escalation_level",
    "confirmed_real_at",
    "police_reported_at",
    "outcome",
    "updated_at",
)


def alarm_payload(alarm: Alarm) -> dict[str, Any]:
    """The JSON a console (SSE) or API client gets for one alarm; labels in the active language."""
    claimed = alarm.claimed_by
    return _payload(
        {
            "id": alarm.pk,
            "community__code": alarm.community.code,
            "alarm_type": alarm.alarm_type,
            "priority": alarm.priority,
            "state": alarm.state,
            "title": alarm.title,
            "device__code": alarm.device.code if alarm.device else None,
            "device__name": alarm.device.name if alarm.device else None,
            "zone": alarm.zone,
            "location__name": alarm.location.name if alarm.location else None,
            "created_at": alarm.created_at,
            "last_event_at": alarm.last_event_at,
            "event_count": alarm.event_count,
            "claimed_by_id": alarm.claimed_by_id,
            "claimed_by__username": claimed.username if claimed else None,
            "claimed_by__display_name": claimed.display_name if claimed else None,
            "escalation_level": alarm.escalation_level,
            "confirmed_real_at": alarm.confirmed_real_at,
            "police_reported_at": alarm.police_reported_at,
            "outcome": alarm.outcome,
            "updated_at": alarm.updated_at,
        }
    )


def _label(field: str, value: Any) -> str:
    choices = Alarm._meta.get_field(field).flatchoices  # type: ignore[union-attr]
    return str(dict(choices).get(value, value))


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _payload(v: dict[str, Any]) -> dict[str, Any]:
    claimed = v["claimed_by__display_name"] or v["claimed_by__username"]
    return {
        "id": v["id"],
        "community": v["community__code"],
        "type": v["alarm_type"],
        "type_label": _label("alarm_type", v["alarm_type"]),
        "priority": v["priority"],
        "priority_label": _label("priority", v["priority"]),
        "state": v["state"],
        "state_label": _label("state", v["state"]),
        "open": v["state"] in OPEN_STATES,
        "title": v["title"],
        "device": v["device__code"],
        "device_name": v["device__name"],
        "zone": v["zone"],
        "location": v["location__name"],
        "created_at": v["created_at"].isoformat(),
        "last_event_at": _iso(v["last_event_at"]),
        "event_count": v["event_count"],
        "claimed_by": claimed[:150] if v["claimed_by_id"] else None,
        "claimed_by_id": v["claimed_by_id"],
        "escalation_level": v["escalation_level"],
        "confirmed_real": v["confirmed_real_at"] is not None,
        "police_reported_at": _iso(v["police_reported_at"]),
        "outcome": v["outcome"] or None,
        "outcome_label": _label("outcome", v["outcome"]) if v["outcome"] else None,
        "updated_at": _iso(v["updated_at"]),
    }


def _with_relations(qs: AlarmQuerySet) -> AlarmQuerySet:
    return qs.select_related("community", "device", "location", "claimed_by")


# The console lists at most this many open alarms, the most urgent first. A storm of tens of thousands
# (a bench run, a broken detector line) made every console (re)connect build all of them: 4 s of CPU.
CONSOLE_LIMIT = 500


def _open_visible(user: Any, community_ids: Iterable[int] | None) -> AlarmQuerySet:
    qs = visible_alarms(user).open()
    if community_ids is not None:
        qs = qs.filter(community_id__in=list(community_ids))
    return qs


def open_alarms(
    user: Any, community_ids: Iterable[int] | None = None, *, limit: int | None = None
) -> list[Alarm]:
    """Open alarms in console order (priority, then age); the first `limit` of them if given."""
    qs = _with_relations(_open_visible(user, community_ids)).console_order()
    return list(qs[:limit] if limit else qs)


def open_alarm_count(user: Any, community_ids: Iterable[int] | None = None) -> int:
    return _open_visible(user, community_ids).count()


def feed_cursor() -> int:
    """Where a live feed starts: after the newest alarm action."""
    last = AlarmAction.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


# On PostgreSQL an id is taken at insert and seen at commit, so a lower id can appear after a higher one
# (several processes write alarm actions). A feed does not move its cursor past such a gap until the gap
# is older than this (then it is a rolled-back insert, never to appear).
FEED_GAP_WAIT = dt.timedelta(seconds=10)


def changes_since(
    user: Any,
    cursor: int,
    *,
    community_ids: Sequence[int] | None = None,
    limit: int = 500,
    seen: set[int] | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """Alarms changed after `cursor` (an AlarmAction id), as payloads, and the new cursor.

    Live screens follow the database by id (ARCHITECTURE data flow 3), so any process may serve them.
    The cursor stops below a young gap in the ids (see FEED_GAP_WAIT); `seen` — the caller's set of action
    ids already delivered above the cursor — keeps those from being sent twice.
    """
    actions = AlarmAction.objects.filter(id__gt=cursor)
    if community_ids is not None:
        actions = actions.filter(community_id__in=list(community_ids))
    rows = list(actions.order_by("id").values_list("id", "alarm_id", "action", "at")[:limit])
    if not rows:
        return cursor, []
    new_cursor = rows[-1][0]
    if connection.vendor == "postgresql":
        new_cursor = _contiguous_cursor(cursor, [(r[0], r[3]) for r in rows], now or timezone.now())
    if seen is not None:
        fresh = [r for r in rows if r[0] not in seen]
        seen.update(r[0] for r in rows if r[0] > new_cursor)
        seen.difference_update([i for i in seen if i <= new_cursor])
        rows = fresh
    ids: dict[int, list[str]] = {}
    for _id, alarm_id, action, _at in rows:
        ids.setdefault(alarm_id, []).append(action)
    if not ids:
        return new_cursor, []
    # The user's community ids first, then a flat filter: nesting the tenancy subqueries of
    # `visible_alarms` into this query cost more Python than the rest of a poll, and every console polls
    # twenty times a second. Same scope: rights are still read again at every poll.
    # Only the related columns a payload shows: all columns of four joined tables (JSON geometry
    # included) made this the most expensive query of a poll.
    rows_of = _visible_flat(user).filter(pk__in=list(ids)).order_by().values(*_PAYLOAD_VALUES)
    payloads = []
    for values in sorted(rows_of, key=lambda v: (v["priority"], v["created_at"], v["id"])):
        payload = _payload(values)
        payload["actions"] = ids[values["id"]]
        payloads.append(payload)
    return new_cursor, payloads


def _contiguous_cursor(cursor: int, rows: Sequence[tuple[int, dt.datetime]], now: dt.datetime) -> int:
    """The highest id up to which every id has been seen, skipping gaps older than FEED_GAP_WAIT."""
    expected = cursor + 1
    for action_id, at in rows:
        if action_id != expected and at > now - FEED_GAP_WAIT:
            return expected - 1
        expected = action_id + 1
    return expected - 1


# ---------------------------------------------------------------------------------------------------
# Periodic jobs (registered in core.workers.JOBS)
# ---------------------------------------------------------------------------------------------------


class AlarmEscalation:
    """Every two seconds: escalate unacknowledged and unreported alarms."""

    every = 2.0

    def tick(self, now: dt.datetime | None = None) -> int:
        return len(escalate_overdue(now))


class HeartbeatMonitor:
    """Every ten seconds: devices gone silent, and devices back (R-33.1)."""

    every = 10.0

    def tick(self, now: dt.datetime | None = None) -> tuple[int, int]:
        return check_heartbeats(now)


class PendingEventSweeper:
    """Every five seconds: finish events stored but not processed (their process died in between)."""

    every = 5.0
    grace = dt.timedelta(seconds=3)

    def tick(self, now: dt.datetime | None = None) -> int:
        now = now or timezone.now()
        pending = list(
            InboundEvent.objects.filter(
                status=EventStatusChoices.RECEIVED, device__isnull=False, received_at__lt=now - self.grace
            )
            .order_by("id")
            .values_list("id", flat=True)[:1000]
        )
        for event_id in pending:
            process(event_id)
        return len(pending)


# ---------------------------------------------------------------------------------------------------
# Configuration pages: arming and disarming by hand, processing a stored event again
# ---------------------------------------------------------------------------------------------------


@contextmanager
def _attributed(by: Any) -> Iterator[None]:
    """Attribute change-log rows to `by` when no request (or another user) already does."""
    current = audit.current().user
    if by is not None and getattr(current, "pk", None) != getattr(by, "pk", None):
        with audit.actor(by):
            yield
    else:
        yield


def set_armed(device: Device, *, armed: bool, by: Any, zone: AlarmZone | None = None) -> list[AlarmZone]:
    """Arm or disarm one zone, or the whole device (every zone of it); change-logged with `by` (R-33.5)."""
    if not has_perm(by, device.community, Perm.HANDLE_ALARMS):
        raise DomainError("forbidden", _("只有值班员或管理员可以布防、撤防。"), status=403)
    if zone is not None and zone.device_id != device.pk:
        raise DomainError("not_found", _("没有这个防区。"), status=404)
    with _attributed(by), transaction.atomic():
        if zone is None:
            zones = _set_armed(device, armed=armed)
        else:
            locked = AlarmZone.objects.select_for_update().get(pk=zone.pk)
            if locked.armed != armed:
                locked.armed = armed
                locked.save()
            zones = [locked]
        # R-16 (第16条): arming by hand is a line of the duty log (the duty app listens).
        zones_armed.send(
            sender=AlarmZone, device=device, zone=zones[0] if zone is not None else None, armed=armed, by=by
        )
        return zones


def reprocess(event: InboundEvent, *, by: Any) -> tuple[str, int | None]:
    """Process a stored event again: one that failed (`error`, after a fix), or one from a device that
    was unknown then and is registered now (platform admins only). Nothing else is reprocessable."""
    if event.status == EventStatusChoices.UNKNOWN_DEVICE:
        if not getattr(by, "is_admin", False):
            raise DomainError("forbidden", _("只有平台管理员可以重新处理未知设备的事件。"), status=403)
        device = find_device(event.device_code)
        if device is None:
            raise DomainError(
                "unknown_device",
                _("设备“%(code)s”仍未登记，请先登记该设备。") % {"code": event.device_code},
                status=409,
            )
        try:
            with transaction.atomic():
                InboundEvent.objects.filter(pk=event.pk, status=EventStatusChoices.UNKNOWN_DEVICE).update(
                    device=device,
                    community_id=device.community_id,
                    status=EventStatusChoices.RECEIVED,
                    error="",
                    processed_at=None,
                )
        except IntegrityError as exc:
            raise DomainError(
                "duplicate", _("该设备已有同一事件编号的事件，本事件是重复上报。"), status=409
            ) from exc
    elif event.status == EventStatusChoices.ERROR:
        community = event.community if event.community_id else None
        allowed = getattr(by, "is_admin", False) or (
            community is not None and has_perm(by, community, Perm.MANAGE_DUTY)
        )
        if not allowed:
            raise DomainError("forbidden", _("只有管理员可以重新处理事件。"), status=403)
        InboundEvent.objects.filter(pk=event.pk, status=EventStatusChoices.ERROR).update(
            status=EventStatusChoices.RECEIVED, error="", processed_at=None
        )
    else:
        raise DomainError(
            "not_reprocessable", _("只有处理出错或来自未登记设备的事件可以重新处理。"), status=409
        )
    log.info("event %s reprocessed by %s", event.pk, _name(by))
    return process(event.pk)
