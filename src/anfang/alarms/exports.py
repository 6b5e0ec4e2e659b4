"""Alarm history exports (Excel and CSV): every step's time and who took it, the outcome, the police report.

Columns are labelled in the active language; times are local (Asia/Shanghai). Text that a spreadsheet
would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) is kept as plain text, since titles and notes
come from devices and people.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from anfang.alarms.choices import AlarmActionChoices
from anfang.alarms.models import Alarm, AlarmAction, PoliceReport
from anfang.core import spreadsheets

# Who took each step: the latest action of that kind names the person.
STEP_ACTIONS = {
    "acknowledged_by": AlarmActionChoices.ACKNOWLEDGE,
    "verifying_by": AlarmActionChoices.VERIFY,
    "dispatched_by": AlarmActionChoices.DISPATCH,
    "confirmed_by": AlarmActionChoices.CONFIRM_REAL,
    "resolved_by": AlarmActionChoices.RESOLVE,
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 100_000


def columns() -> list[tuple[str, str]]:
    """(key, heading) of every exported column, headings in the active language."""
    return [
        ("id", _("报警编号")),
        ("community", _("小区")),
        ("type", _("报警类型")),
        ("priority", _("优先级")),
        ("state", _("状态")),
        ("outcome", _("处置结果")),
        ("title", _("摘要")),
        ("device", _("设备编号")),
        ("device_name", _("设备名称")),
        ("zone", _("防区")),
        ("location", _("位置")),
        ("created_at", _("报警时间")),
        ("first_event_at", _("首次事件时间")),
        ("last_event_at", _("最近事件时间")),
        ("event_count", _("事件数")),
        ("claimed_by", _("处理人")),
        ("acknowledged_at", _("接警时间")),
        ("acknowledged_by", _("接警人")),
        ("verifying_at", _("核实时间")),
        ("verifying_by", _("核实人")),
        ("dispatched_at", _("派警时间")),
        ("dispatched_by", _("派警人")),
        ("dispatched_to", _("派往")),
        ("confirmed_real_at", _("确认真实警情时间")),
        ("confirmed_by", _("确认人")),
        ("police_reported_at", _("向公安报警时间")),
        ("police_channel", _("报警方式")),
        ("police_officer", _("接警民警/接警员")),
        ("police_case", _("警情编号")),
        ("police_recorded_by", _("报警记录人")),
        ("resolved_at", _("处置完毕时间")),
        ("resolved_by", _("处置人")),
        ("resolution_note", _("处置说明")),
        ("escalated_at", _("升级时间")),
        ("escalation_level", _("升级级别")),
    ]


local = spreadsheets.local


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "display_name", "") or user.get_username())


def export_queryset(queryset: QuerySet[Alarm]) -> QuerySet[Alarm]:
    """The alarms with everything a row needs, loaded in a few queries per chunk."""
    return queryset.select_related("community", "device", "location", "claimed_by").prefetch_related(
        Prefetch(
            "actions",
            queryset=AlarmAction.objects.filter(action__in=list(STEP_ACTIONS.values())).order_by("id"),
            to_attr="step_actions",
        ),
        Prefetch(
            "police_reports",
            queryset=PoliceReport.objects.select_related("recorded_by").order_by("reported_at", "id"),
            to_attr="reports",
        ),
    )


def row_for(alarm: Alarm) -> dict[str, Any]:
    """One alarm as export values (times as naive local datetimes, labels translated)."""
    by_action: dict[str, str] = {}
    for action in getattr(alarm, "step_actions", []):
        by_action[action.action] = action.by_name
    reports: list[PoliceReport] = list(getattr(alarm, "reports", []))
    first = reports[0] if reports else None
    row: dict[str, Any] = {
        "id": alarm.pk,
        "community": alarm.community.name,
        "type": alarm.get_alarm_type_display(),
        "priority": alarm.get_priority_display(),
        "state": alarm.get_state_display(),
        "outcome": alarm.get_outcome_display() if alarm.outcome else "",
        "title": alarm.title,
        "device": alarm.device.code if alarm.device else "",
        "device_name": alarm.device.name if alarm.device else "",
        "zone": alarm.zone,
        "location": str(alarm.location) if alarm.location else "",
        "event_count": alarm.event_count,
        "claimed_by": _person(alarm.claimed_by),
        "dispatched_to": alarm.dispatched_to,
        "police_channel": "；".join(str(r.get_channel_display()) for r in reports),
        "police_officer": "；".join(r.officer for r in reports if r.officer),
        "police_case": "；".join(r.case_number for r in reports if r.case_number),
        "police_recorded_by": _person(first.recorded_by) if first else "",
        "resolution_note": alarm.resolution_note,
        "escalation_level": alarm.escalation_level,
    }
    for field in (
        "created_at",
        "first_event_at",
        "last_event_at",
        "acknowledged_at",
        "verifying_at",
        "dispatched_at",
        "confirmed_real_at",
        "police_reported_at",
        "resolved_at",
        "escalated_at",
    ):
        row[field] = local(getattr(alarm, field))
    for key, action in STEP_ACTIONS.items():
        row[key] = by_action.get(action, "")
    return row


def rows(queryset: QuerySet[Alarm]) -> Iterator[dict[str, Any]]:
    for alarm in export_queryset(queryset)[:MAX_ROWS].iterator(chunk_size=500):
        yield row_for(alarm)


def _text(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return _text(value)


def to_csv(data: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it without mojibake."""
    cols = columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _key, heading in cols])
    for row in data:
        writer.writerow([_csv_value(row[key]) for key, _heading in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(data: Iterable[dict[str, Any]], *, title: str, subtitle: str = "") -> bytes:
    """One sheet: a title line, the filter described, then the table with a frozen, filterable header."""
    widths = {"title": 28, "location": 18, "resolution_note": 40, "community": 14, "device_name": 16}
    body, _count = spreadsheets.to_xlsx(
        data, columns(), sheet=_("报警记录"), title=title, subtitle=subtitle, widths=widths, frozen_columns=1
    )
    return body
