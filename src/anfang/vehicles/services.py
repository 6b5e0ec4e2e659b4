"""Vehicles at the gates: a plate read becomes a passage with a decision, the barrier is told, visits
are paired, a blacklisted plate raises an alarm, and records older than the retention are purged.

第9条 (entrance cameras recognise plates), 第11条 (automatic control combined with video at community
and parking entrances), 第33条第(2)项 (vehicle data and photos kept at least 3 months, R-33.2).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core.db import write_turn
from anfang.core.errors import DomainError
from anfang.core.hot_cache import HotCache
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.devices.models import Device
from anfang.integrations.events import Picture
from anfang.sites.models import Community
from anfang.vehicles import plates
from anfang.vehicles.choices import (
    DecisionChoices,
    DecisionReasonChoices,
    DirectionChoices,
    GateStatusChoices,
    LanePolicyChoices,
)
from anfang.vehicles.models import (
    BlacklistEntry,
    Lane,
    Passage,
    PassagePurge,
    ResidentVehicle,
    SeenPlate,
    Visit,
    VisitorPass,
    valid_between,
)

log = logging.getLogger(__name__)

RETENTION_FLOOR_DAYS = 90  # 第33条第(2)项: "不少于3个月"
# A read older than this (a camera's retransmission, a backlog sent after an outage) is recorded with its
# decision, but the barrier is not opened for it: the car is long gone, another may stand there now.
GATE_FRESHNESS = dt.timedelta(seconds=60)


# ---------------------------------------------------------------------------------------------------
# Recording a passage
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlateRead:
    """What a lane camera (or anfang's own recogniser) saw, in no vendor's format."""

    source: str
    external_id: str
    plate: str  # as read; normalised here
    occurred_at: dt.datetime
    plate_color: str = ""  # the device's colour word or code, a hint for the plate module
    direction: str = ""  # "in" / "out" / "" (the lane's own direction counts first)
    confidence: float | None = None
    plate_picture: Picture | None = None
    scene_picture: Picture | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str
    visitor_pass: VisitorPass | None = None
    blacklisted: BlacklistEntry | None = None


@dataclass(frozen=True)
class PassageResult:
    """What the device (or API client) is told."""

    id: int
    duplicate: bool
    decision: str
    reason: str
    plate: str
    alarm_id: int | None = None


# Read for every plate read and changed rarely (a lane's own save clears it in this process at once).
_lanes: HotCache[int, Lane | None] = HotCache("vehicles.lanes", Lane, Community)


def lane_for(device: Device) -> Lane | None:
    """The lane a plate camera watches (one camera, one lane)."""
    return _lanes.get(
        device.pk,
        lambda: Lane.objects.filter(camera=device).select_related("community").order_by("pk").first(),
    )


def record_passage(
    read: PlateRead,
    *,
    device: Device,
    lane: Lane | None = None,
    received_at: dt.datetime | None = None,
    saved_pictures: dict[str, str] | None = None,
) -> PassageResult:
    """Store the passage with its decision (one transaction), then tell the barrier.

    Idempotent on (device, external id): a repeat answers the first passage. A blacklisted plate raises
    an alarm in the same transaction. The gate command goes out after the commit (`GateDispatcher`).
    """
    received_at = received_at or timezone.now()
    lane = lane or lane_for(device)
    plate = plates.parse(read.plate, read.plate_color or None)
    direction = _direction(lane, read.direction)
    # Photos are written before the transaction: the disk must not hold the write lock (SQLite). A caller
    # with a single writer thread has them written beforehand by other threads (`saved_pictures`).
    pictures = saved_pictures if saved_pictures is not None else save_pictures(read)
    with write_turn(), transaction.atomic():
        # A repeat is rare: the unique (device, external id) index finds it below, one query fewer here.
        decision = decide(device.community_id, lane, plate, direction, read.occurred_at)
        passage = Passage(
            community_id=device.community_id,
            lane=lane,
            device=device,
            source=read.source,
            external_id=read.external_id[:200],
            plate=plate.text[:16],
            plate_raw=read.plate[:60],
            plate_color=str(plate.color),
            plate_kind=str(plate.kind),
            direction=direction,
            occurred_at=read.occurred_at,
            received_at=received_at,
            confidence=read.confidence,
            decision=decision.decision,
            reason=decision.reason,
            decided_at=timezone.now(),
            gate_status=(
                GateStatusChoices.TOO_LATE
                if decision.decision == DecisionChoices.OPEN
                and received_at - read.occurred_at > GATE_FRESHNESS
                else _gate_status(lane, decision.decision)
            ),
            visitor_pass=decision.visitor_pass,
            data=dict(read.data),
        )
        for attr, name in pictures.items():
            getattr(passage, attr).name = name
        try:
            with transaction.atomic():
                passage.save(force_insert=True)
        except IntegrityError:  # a repeat, or two copies racing: the unique index kept the first
            existing = _existing(device, read.external_id)
            if existing is None:
                raise
            transaction.on_commit(lambda: _delete_files(pictures.values()))
            return existing
        if decision.visitor_pass is not None:
            VisitorPass.objects.filter(pk=decision.visitor_pass.pk).update(uses=F("uses") + 1)
        if decision.blacklisted is not None:
            passage.alarm_id = _raise_blacklist_alarm(passage, decision.blacklisted, lane)
            Passage.objects.filter(pk=passage.pk).update(alarm_id=passage.alarm_id)
        _note_seen(passage)
        if passage.final_decision == DecisionChoices.OPEN:
            _pair_visit(passage)
        if passage.gate_status == GateStatusChoices.PENDING:
            transaction.on_commit(lambda: dispatcher.open(passage.pk, passage.lane_id))
    return PassageResult(passage.pk, False, passage.decision, passage.reason, passage.plate, passage.alarm_id)


def _existing(device: Device, external_id: str) -> PassageResult | None:
    if not external_id:
        return None
    found = (
        Passage.objects.filter(device=device, external_id=external_id[:200])
        .exclude(external_id="")
        .order_by()
        .values_list("id", "decision", "reason", "plate", "alarm_id")
        .first()
    )
    return PassageResult(found[0], True, found[1], found[2], found[3], found[4]) if found else None


def _direction(lane: Lane | None, read_direction: str) -> str:
    if lane is not None and lane.direction in (DirectionChoices.IN, DirectionChoices.OUT):
        return lane.direction
    if read_direction in (DirectionChoices.IN, DirectionChoices.OUT):
        return read_direction
    return DirectionChoices.UNKNOWN


def _gate_status(lane: Lane | None, decision: str) -> str:
    if decision != DecisionChoices.OPEN:
        return GateStatusChoices.NOT_NEEDED
    if lane is None or not lane.barrier_url:
        return GateStatusChoices.NO_BARRIER
    return GateStatusChoices.PENDING


def save_pictures(read: PlateRead) -> dict[str, str]:
    """Write the read's photos to storage; their names by field (for `record_passage`, which deletes
    them again if the read turns out to be a repeat)."""
    names: dict[str, str] = {}
    for attr, picture in (("plate_picture", read.plate_picture), ("scene_picture", read.scene_picture)):
        if picture is not None:
            field = Passage._meta.get_field(attr)
            path = field.generate_filename(  # type: ignore[union-attr]
                Passage(occurred_at=read.occurred_at), _picture_name(read, attr, picture)
            )
            names[attr] = field.storage.save(path, ContentFile(picture.data))  # type: ignore[union-attr]
    return names


def _picture_name(read: PlateRead, attr: str, picture: Picture) -> str:
    ext = {"image/png": "png", "image/bmp": "bmp"}.get(picture.content_type.lower(), "jpg")
    safe = "".join(ch for ch in read.external_id if ch.isalnum() or ch in "-_")[:60] or "read"
    return f"{safe}-{attr.split('_')[0]}.{ext}"


# ---------------------------------------------------------------------------------------------------
# Deciding
# ---------------------------------------------------------------------------------------------------


# A community's blacklist and resident register, read for every plate and changed a few times a day: a
# change made in this process counts at once (the save and delete signals clear them), one made in another
# web process within `ANFANG_HOT_CACHE_SECONDS` (5 s). Visitor passes are read live (their uses count).
_blacklists: HotCache[int, dict[str, list[BlacklistEntry]]] = HotCache("vehicles.blacklist", BlacklistEntry)
# Per plate only the validity (from, until): a register of thousands of vehicles stays small in memory.
Validity = tuple[dt.date | None, dt.date | None]
_registers: HotCache[int, dict[str, Validity]] = HotCache("vehicles.residents", ResidentVehicle)


def _blacklist(community_id: int) -> dict[str, list[BlacklistEntry]]:
    def load() -> dict[str, list[BlacklistEntry]]:
        entries: dict[str, list[BlacklistEntry]] = {}
        for entry in BlacklistEntry.objects.filter(community_id=community_id).order_by("pk"):
            entries.setdefault(entry.plate, []).append(entry)
        return entries

    return _blacklists.get(community_id, load)


def _residents(community_id: int) -> dict[str, Validity]:
    def load() -> dict[str, Validity]:
        rows = ResidentVehicle.objects.filter(community_id=community_id).values_list(
            "plate", "valid_from", "valid_until"
        )
        return {plate: (start, end) for plate, start, end in rows}

    return _registers.get(community_id, load)


def decide(
    community_id: int, lane: Lane | None, plate: plates.Plate, direction: str, at: dt.datetime
) -> Decision:
    """The lane's decision for this plate (第11条). In order: the blacklist refuses; leaving is free;
    a resident's valid vehicle, the lane's open hours or an open lane let in; a visitor's valid pass lets
    in where the lane admits visitors; anything else is asked of the guard (or refused, if the lane says so).
    """
    refuse = DecisionChoices.ASK if lane is None or lane.ask_guard else DecisionChoices.DENY
    if plate.kind == plates.PlateKind.NO_PLATE:
        return Decision(refuse, DecisionReasonChoices.NO_PLATE)
    banned = next((e for e in _blacklist(community_id).get(plate.text, ()) if e.active_at(at)), None)
    if banned is not None:
        return Decision(DecisionChoices.DENY, DecisionReasonChoices.BLACKLISTED, blacklisted=banned)
    if direction == DirectionChoices.OUT:
        return Decision(DecisionChoices.OPEN, DecisionReasonChoices.EXIT)
    local = timezone.localtime(at)
    resident = _residents(community_id).get(plate.text)
    if resident is not None and valid_between(*resident, local.date()):
        return Decision(DecisionChoices.OPEN, DecisionReasonChoices.RESIDENT)
    if lane is not None and (lane.policy == LanePolicyChoices.OPEN or lane.is_open_hours(local.time())):
        return Decision(DecisionChoices.OPEN, DecisionReasonChoices.OPEN_HOURS)
    reason: str = (
        DecisionReasonChoices.RESIDENTS_ONLY
        if lane is not None and lane.policy == LanePolicyChoices.RESIDENTS_ONLY
        else DecisionReasonChoices.UNKNOWN_VEHICLE
    )
    if lane is None or lane.policy == LanePolicyChoices.RESIDENTS_AND_VISITORS:
        passes = list(
            VisitorPass.objects.select_for_update()
            .filter(community_id=community_id, plate=plate.text, revoked_at__isnull=True)
            .order_by("valid_until")
        )
        current = [p for p in passes if p.valid_at(at)]
        usable = next((p for p in current if not p.used_up), None)
        if usable is not None:
            return Decision(DecisionChoices.OPEN, DecisionReasonChoices.VISITOR_PASS, visitor_pass=usable)
        if current:
            reason = DecisionReasonChoices.PASS_USED_UP
        elif passes:
            reason = DecisionReasonChoices.PASS_EXPIRED
    if resident is not None and reason == DecisionReasonChoices.UNKNOWN_VEHICLE:
        reason = DecisionReasonChoices.RESIDENT_EXPIRED
    return Decision(refuse, reason)


def _raise_blacklist_alarm(passage: Passage, entry: BlacklistEntry, lane: Lane | None) -> int:
    from anfang.alarms.services import raise_alarm

    where = lane.name if lane is not None else (passage.device.name if passage.device else "")
    alarm = raise_alarm(
        community_id=passage.community_id,
        alarm_type="blacklisted_vehicle",
        title=_("黑名单车辆 %(plate)s · %(where)s") % {"plate": passage.plate, "where": where},
        device=passage.device,
        location_id=lane.location_id if lane is not None else None,
        first_event_at=passage.occurred_at,
        at=passage.received_at,
        data={"passage": passage.pk, "plate": passage.plate, "reason": entry.reason},
    )
    return int(alarm.pk)


def _note_seen(passage: Passage) -> None:
    """Keep the community's plate list current (partial-plate search reads it)."""
    updated = SeenPlate.objects.filter(community_id=passage.community_id, plate=passage.plate).update(
        last_seen=passage.occurred_at
    )
    if not updated:
        try:
            with transaction.atomic():
                SeenPlate.objects.create(
                    community_id=passage.community_id,
                    plate=passage.plate,
                    first_seen=passage.occurred_at,
                    last_seen=passage.occurred_at,
                )
        except IntegrityError:
            pass


def _pair_visit(passage: Passage) -> None:
    """An entry opens a visit; an exit closes the plate's latest open visit (or stands alone)."""
    if passage.plate_kind == plates.PlateKind.NO_PLATE:
        return
    if passage.direction == DirectionChoices.IN:
        Visit.objects.create(
            community_id=passage.community_id,
            plate=passage.plate,
            entry=passage,
            entered_at=passage.occurred_at,
        )
    elif passage.direction == DirectionChoices.OUT:
        visit = (
            Visit.objects.filter(
                community_id=passage.community_id,
                plate=passage.plate,
                exited_at__isnull=True,
                entered_at__lte=passage.occurred_at,
            )
            .order_by("-entered_at")
            .first()
        )
        if visit is None:
            Visit.objects.create(
                community_id=passage.community_id,
                plate=passage.plate,
                exit=passage,
                exited_at=passage.occurred_at,
            )
        else:
            visit.exit = passage
            visit.exited_at = passage.occurred_at
            visit.save(update_fields=["exit", "exited_at"])


def vehicles_inside(community_id: int, *, since: dt.datetime | None = None) -> QuerySet[Visit]:
    """Visits with an entry and no exit yet (newest first); `since` leaves out stale ones."""
    qs = Visit.objects.filter(community_id=community_id, exited_at__isnull=True, entry__isnull=False)
    if since is not None:
        qs = qs.filter(entered_at__gte=since)
    return qs.select_related("entry", "entry__lane").order_by("-entered_at")


# ---------------------------------------------------------------------------------------------------
# The guard's hand: overriding a decision
# ---------------------------------------------------------------------------------------------------


def override(passage: Passage, *, by: Any, decision: str, reason: str) -> Passage:
    """Open or refuse by hand, with the reason (logged on the passage; 第11条 automatic control combined
    with a person watching). Opening sends the gate command like an automatic decision."""
    if not has_perm(by, passage.community, Perm.OPERATE_GATES):
        raise DomainError("forbidden", _("只有保安、值班员或管理员可以人工放行或禁止。"), status=403)
    if decision not in (DecisionChoices.OPEN, DecisionChoices.DENY):
        raise DomainError("invalid", _("人工处理只能是放行或禁止。"), status=400)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写人工处理的原因。"), status=400)
    with write_turn(), transaction.atomic():
        locked = Passage.objects.select_for_update(of=("self",)).select_related("lane").get(pk=passage.pk)
        was_open = locked.final_decision == DecisionChoices.OPEN
        locked.override = decision
        locked.override_reason = reason[:200]
        locked.overridden_by = by if getattr(by, "pk", None) else None
        locked.overridden_at = timezone.now()
        fields = ["override", "override_reason", "overridden_by", "overridden_at"]
        if decision == DecisionChoices.OPEN and not was_open:
            locked.gate_status = _gate_status(locked.lane, DecisionChoices.OPEN)
            fields.append("gate_status")
            _pair_visit(locked)
            if locked.gate_status == GateStatusChoices.PENDING:
                pk, lane_id = locked.pk, locked.lane_id
                transaction.on_commit(lambda: dispatcher.open(pk, lane_id))
        locked.save(update_fields=fields)
    log.info("passage %s: %s by hand (%s)", passage.pk, decision, reason)
    return locked


def revoke_pass(ticket: VisitorPass) -> VisitorPass:
    """The lane no longer lets the plate in on this pass (change-logged like any record; the caller
    checked `OPERATE_GATES`). Revoking twice keeps the first time."""
    with transaction.atomic():
        locked = VisitorPass.objects.select_for_update().get(pk=ticket.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save()
    return locked


# ---------------------------------------------------------------------------------------------------
# The barrier
# ---------------------------------------------------------------------------------------------------


class GateDispatcher:
    """Sends open commands after the decision is committed, one thread per lane (a slow or dead barrier
    never holds up another lane), each keeping its barrier's connection; records on the passage what
    the barrier answered."""

    def __init__(self) -> None:
        self._queues: dict[int, queue.Queue[int]] = {}
        self._lock = threading.Lock()
        self.synchronous = False  # tests: send in the caller's thread

    def open(self, passage_id: int, lane_id: int | None = None) -> None:
        if self.synchronous or lane_id is None:
            send_open(passage_id)
            return
        with self._lock:
            lane_queue = self._queues.get(lane_id)
            if lane_queue is None:
                lane_queue = self._queues[lane_id] = queue.Queue()
                threading.Thread(
                    target=self._run, args=(lane_queue,), name=f"gate-lane-{lane_id}", daemon=True
                ).start()
        lane_queue.put(passage_id)

    def _run(self, lane_queue: queue.Queue[int]) -> None:
        from django.db import close_old_connections

        while True:
            passage_id = lane_queue.get()
            try:
                send_open(passage_id)
            except Exception:
                log.exception("opening the barrier for passage %s failed", passage_id)
                close_old_connections()


dispatcher = GateDispatcher()
_barriers: dict[tuple[str, int, str, str], Any] = {}
_barriers_lock = threading.Lock()


def _barrier_for(lane: Lane) -> Any:
    """The lane's barrier client, kept while its settings stay the same (connection and digest reuse)."""
    from anfang.integrations.gates import IsapiBarrier

    key = (lane.barrier_url, lane.barrier_channel, lane.barrier_username, lane.barrier_password)
    with _barriers_lock:
        barrier = _barriers.get(key)
        if barrier is None:
            barrier = _barriers[key] = IsapiBarrier(
                lane.barrier_url,
                channel=lane.barrier_channel,
                username=lane.barrier_username,
                password=lane.barrier_password,
                timeout_s=2.0,
            )
    return barrier


def send_open(passage_id: int) -> str:
    """Send the open command for one passage and record the barrier's answer."""
    from anfang.integrations.gates import GateCommand

    passage = Passage.objects.select_related("lane").get(pk=passage_id)
    lane = passage.lane
    if lane is None or not lane.barrier_url:
        Passage.objects.filter(pk=passage_id).update(gate_status=GateStatusChoices.NO_BARRIER)
        return GateStatusChoices.NO_BARRIER
    result = _barrier_for(lane).send(GateCommand.OPEN)
    status = GateStatusChoices.SENT if result.ok else GateStatusChoices.FAILED
    # A timeout says nothing about the arm: the barrier may have opened (the guard should look).
    kind = getattr(result, "error", "") or ""
    detail = " ".join(str(part) for part in (kind, result.status or "", result.detail) if part)[:200]
    Passage.objects.filter(pk=passage_id).update(gate_status=status, gate_detail=detail)
    if not result.ok:
        log.warning("barrier of lane %s did not open for passage %s: %s", lane.code, passage_id, detail)
    return status


# ---------------------------------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------------------------------


def visible_passages(user: Any) -> QuerySet[Passage]:
    return Passage.objects.filter(community__in=communities_for(user, Perm.SEE_VEHICLES))


def search_passages(
    user: Any,
    *,
    plate: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    community_ids: Sequence[int] | None = None,
    lane_ids: Iterable[int] | None = None,
    direction: str = "",
) -> QuerySet[Passage]:
    """Passages the user may see. `plate` is exact (辽H12345), or a pattern with `*` and `?` (辽H1*,
    H1*3): patterns are matched against the community's plate list first, then read by plate."""
    # The user's community ids as a plain list: a tenancy subquery here made PostgreSQL scan the time index
    # across all communities (bench/vehicles.py).
    allowed = list(communities_for(user, Perm.SEE_VEHICLES).values_list("pk", flat=True))
    if community_ids is not None:
        allowed = [pk for pk in allowed if pk in set(community_ids)]
    qs = Passage.objects.filter(community_id__in=allowed)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    if lane_ids is not None:
        qs = qs.filter(lane_id__in=list(lane_ids))
    if direction:
        qs = qs.filter(direction=direction)
    plate = (plate or "").strip()
    if plate:
        if "*" in plate or "?" in plate:
            seen = SeenPlate.objects.filter(community_id__in=allowed, plate__like=plates.to_like(plate))
            if since is not None:
                seen = seen.filter(last_seen__gte=since)
            # The most recently seen first, so a broad pattern's first page still has the newest passages.
            recent = seen.order_by("-last_seen").values_list("plate", flat=True)[:5000]
            qs = qs.filter(plate__in=list(dict.fromkeys(recent)))
        else:
            qs = qs.filter(plate=plates.normalise(plate))
    return qs.order_by("-occurred_at", "-pk")


# ---------------------------------------------------------------------------------------------------
# Retention (第33条第(2)项)
# ---------------------------------------------------------------------------------------------------


def retention_days() -> int:
    """The configured retention, never below the legal floor (config refuses less; this double-checks)."""
    return max(RETENTION_FLOOR_DAYS, int(settings.CONFIG.vehicle_retention_days))


def purge_expired(now: dt.datetime | None = None, *, batch: int = 5000) -> PassagePurge | None:
    """Delete passages (and their photos, and visits made only of them) older than the retention; record
    what was deleted. Nothing inside the floor is ever touched."""
    now = now or timezone.now()
    days = retention_days()
    cutoff = now - dt.timedelta(days=days)
    purge = PassagePurge(retention_days=days, cutoff=cutoff, ran_at=now)
    while True:
        rows = list(
            Passage.objects.filter(occurred_at__lt=cutoff)
            .order_by("occurred_at")
            .values_list("id", "plate_picture", "scene_picture")[:batch]
        )
        if not rows:
            break
        ids = [r[0] for r in rows]
        with transaction.atomic():
            purge.visits += Visit.objects.filter(
                Q(entry_id__in=ids, exit__isnull=True)
                | Q(exit_id__in=ids, entry__isnull=True)
                | Q(entry_id__in=ids, exit_id__in=ids)
            ).delete()[0]
            purge.passages += Passage.objects.filter(pk__in=ids).delete()[0]
        purge.pictures += _delete_files(name for r in rows for name in r[1:] if name)
    if not purge.passages:
        return None
    purge.oldest_kept = Passage.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    purge.save()
    log.info("retention: %d passages older than %s deleted (%d days kept)", purge.passages, cutoff, days)
    return purge


def _delete_files(names: Iterable[str]) -> int:
    from django.core.files.storage import default_storage

    deleted = 0
    for name in names:
        try:
            default_storage.delete(name)
            deleted += 1
        except OSError:
            log.warning("could not delete %s", name, exc_info=True)
    return deleted


class PassageRetention:
    """Every hour: purge passages past the retention (R-33.2)."""

    every = 3600.0

    def tick(self, now: dt.datetime | None = None) -> PassagePurge | None:
        return purge_expired(now)
