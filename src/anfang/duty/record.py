"""The daily duty record (值班记录, 第16条) of one community: the day's roster, who was on duty, every
duty-log line, the alarms of the day with their handling times, and the handovers — as JSON, a
standalone HTML page or a PDF (weasyprint, Noto Sans CJK SC, like the compliance report)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from anfang.duty import services
from anfang.duty.models import DutyLogEntry, Handover, Roster, Shift
from anfang.sites.models import Community

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FORMATS = ("json", "html", "pdf")


@dataclass
class RoomDay:
    """One roster on the day: its shifts (local times, people) and its uncovered stretches."""

    roster: Roster
    shifts: list[Shift]
    gaps: list[tuple[dt.datetime, dt.datetime]]

    @property
    def uncovered_minutes(self) -> int:
        return sum(int((e - s) // dt.timedelta(minutes=1)) for s, e in self.gaps)


@dataclass
class AlarmRow:
    """An alarm raised on the day and when each step of its handling happened."""

    alarm: Any
    steps: list[tuple[str, dt.datetime | None]]
    response_s: int | None


@dataclass
class DayRecord:
    community: Community
    day: dt.date
    generated_at: dt.datetime
    rooms: list[RoomDay] = field(default_factory=list)
    entries: list[DutyLogEntry] = field(default_factory=list)
    alarms: list[AlarmRow] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        def iso(value: dt.datetime | None) -> str | None:
            return timezone.localtime(value).isoformat() if value is not None else None

        return {
            "community": {"code": self.community.code, "name": self.community.name},
            "date": self.day.isoformat(),
            "generated_at": iso(self.generated_at),
            "rooms": [
                {
                    "roster": room.roster.name,
                    "location": room.roster.location.code,
                    "min_people": room.roster.min_people,
                    "uncovered_minutes": room.uncovered_minutes,
                    "gaps": [{"start": iso(s), "end": iso(e)} for s, e in room.gaps],
                    "shifts": [
                        {
                            "starts_at": iso(s.starts_at),
                            "ends_at": iso(s.ends_at),
                            "people": [services.person_name(p) for p in s.people.all()],
                            "note": s.note,
                        }
                        for s in room.shifts
                    ],
                }
                for room in self.rooms
            ],
            "entries": [
                {
                    "at": iso(e.at),
                    "kind": e.kind,
                    "by": e.by_name,
                    "roster": e.roster.name if e.roster else None,
                    "text": e.summary(),
                    "alarm": e.alarm_id,
                }
                for e in self.entries
            ],
            "alarms": [
                {
                    "id": row.alarm.pk,
                    "type": row.alarm.alarm_type,
                    "title": row.alarm.title,
                    "state": row.alarm.state,
                    "outcome": row.alarm.outcome,
                    "location": row.alarm.location.name if row.alarm.location_id else None,
                    "response_s": row.response_s,
                    "steps": {name: iso(at) for name, at in row.steps},
                }
                for row in self.alarms
            ],
            "handovers": [
                {
                    "at": iso(h.at),
                    "roster": h.roster.name if h.roster else None,
                    "handed_over_by": h.handed_over_by_name,
                    "taken_over_by": h.taken_over_by_name,
                    "notes": h.notes,
                    "alarms": [a.pk for a in h.alarms.all()],
                }
                for h in self.handovers
            ],
        }


ALARM_STEPS = (
    "created_at",
    "acknowledged_at",
    "verifying_at",
    "dispatched_at",
    "confirmed_real_at",
    "police_reported_at",
    "resolved_at",
)


def build(community: Community, day: dt.date, *, now: dt.datetime | None = None) -> DayRecord:
    """Everything of ``day`` (Asia/Shanghai) for the record."""
    from anfang.alarms.models import Alarm

    start, end = services.day_bounds(day)
    record = DayRecord(community=community, day=day, generated_at=now or timezone.now())
    for roster in Roster.objects.filter(community=community).select_related("location").order_by("name"):
        shifts = list(
            Shift.objects.filter(roster=roster, starts_at__lt=end, ends_at__gt=start)
            .prefetch_related("people")
            .order_by("starts_at", "pk")
        )
        record.rooms.append(RoomDay(roster, shifts, roster.uncovered_intervals(start, end)))
    record.entries = list(services.log_entries(community, day))
    alarms = (
        Alarm.objects.filter(community=community)
        .filter(Q(created_at__gte=start, created_at__lt=end) | Q(resolved_at__gte=start, resolved_at__lt=end))
        .select_related("location")
        .order_by("created_at", "pk")
    )
    for alarm in alarms:
        steps = [(name, getattr(alarm, name)) for name in ALARM_STEPS]
        response = (
            int((alarm.acknowledged_at - alarm.created_at).total_seconds()) if alarm.acknowledged_at else None
        )
        record.alarms.append(AlarmRow(alarm, steps, response))
    record.handovers = list(
        Handover.objects.filter(community=community, at__gte=start, at__lt=end)
        .select_related("roster")
        .prefetch_related("alarms")
        .order_by("at", "pk")
    )
    return record


def render_html(record: DayRecord, *, lang: str | None = None, pdf: bool = False) -> str:
    """A standalone page (inline CSS); with ``pdf`` laid out for A4."""
    with translation.override(lang or translation.get_language() or "zh-hans"):
        return render_to_string("duty/record.html", {"record": record, "pdf": pdf})


def render_pdf(record: DayRecord, *, lang: str | None = None) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(record, lang=lang, pdf=True)).write_pdf()
    return pdf
