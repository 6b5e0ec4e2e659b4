"""Alarm API: list and read alarms, and every operator action (第16条 workflow) as JSON.

Scoped by `services.visible_alarms(user)`: another community's alarm is a 404, police read only the
alarms reported to them and act on none. Refusals of the workflow come from the services as
`DomainError` → `{"error", "detail"}` with a 4xx. The live feed is `GET /api/v1/alarms/stream`
(Server-Sent Events, `alarms.stream`), a plain Django view listed before this API in the URLconf.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from django.db.models import Prefetch
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from anfang.alarms import services
from anfang.alarms.choices import (
    AlarmOutcomeChoices,
    AlarmStateChoices,
    AlarmTypeChoices,
    PoliceChannelChoices,
)
from anfang.alarms.models import Alarm, AlarmAction, EventPicture, InboundEvent
from anfang.core.api_tools import (
    Body,
    Code,
    Paging,
    Text,
    community_or_404,
    get_or_404,
    registry_auth,
    request_user,
)

router = Router(tags=["alarms"], auth=registry_auth)

StateSlug = Literal["new", "acknowledged", "verifying", "dispatched", "resolved"]
assert set(get_args(StateSlug)) == set(AlarmStateChoices.values)


# ---------------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------------


class AlarmOut(Schema):
    """`services.alarm_payload`: the same object the live stream sends."""

    id: int
    community: str
    type: str
    type_label: str
    priority: int
    priority_label: str
    state: str
    state_label: str
    open: bool
    title: str
    device: str | None
    device_name: str | None
    zone: str
    location: str | None
    created_at: dt.datetime
    last_event_at: dt.datetime | None
    event_count: int
    claimed_by: str | None
    claimed_by_id: int | None
    escalation_level: int
    confirmed_real: bool
    police_reported_at: dt.datetime | None
    outcome: str | None
    outcome_label: str | None
    updated_at: dt.datetime | None


class AlarmPage(Schema):
    count: int
    items: list[AlarmOut]


class ChecklistItemOut(Schema):
    id: int
    order: int
    text: str
    done: bool
    done_at: dt.datetime | None
    done_by: str | None


class ActionOut(Schema):
    id: int
    action: str
    action_label: str
    from_state: str
    to_state: str
    at: dt.datetime
    by: str
    note: str
    data: dict[str, Any]


class PoliceReportOut(Schema):
    id: int
    reported_at: dt.datetime
    channel: str
    channel_label: str
    officer: str
    case_number: str
    note: str
    recorded_by: str | None


class PictureOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class EventOut(Schema):
    id: int
    received_at: dt.datetime
    occurred_at: dt.datetime | None
    source: str
    device: str
    external_id: str
    type: str
    zone: str
    status: str
    text: str
    clock_drift_s: float | None
    pictures: list[PictureOut]


class CameraOut(Schema):
    code: str
    name: str


class AlarmDetailOut(AlarmOut):
    dispatched_to: str
    resolution_note: str
    acknowledged_at: dt.datetime | None
    verifying_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    resolved_at: dt.datetime | None
    confirmed_real_at: dt.datetime | None
    checklist: list[ChecklistItemOut]
    actions: list[ActionOut]
    police_reports: list[PoliceReportOut]
    events: list[EventOut]
    cameras: list[CameraOut]


class AlarmFilters(Schema):
    state: StateSlug | None = Field(None, description="alarm state")
    community: Code | None = Field(None, description="community code")
    type: str | None = Field(
        None, description="alarm type", json_schema_extra={"enum": list(AlarmTypeChoices.values)}
    )
    priority: int | None = Field(None, ge=1, le=4, description="1 = most urgent")
    open: bool | None = Field(
        None, description="true: open alarms only (console order); false: resolved only"
    )


class TakeOverIn(Body):
    take_over: bool = Field(False, description="act although another operator holds the alarm (recorded)")


class NoteOptIn(TakeOverIn):
    note: Text = Field("", max_length=4000)


class DispatchIn(NoteOptIn):
    to: Text = Field(..., max_length=200, description="who was sent (guard, team)")


class ConfirmRealIn(Body):
    note: Text = Field("", max_length=4000)


class PoliceReportIn(Body):
    channel: Literal["110", "119", "120", "station_phone", "platform", "in_person"]
    reported_at: dt.datetime | None = Field(None, description="when it was reported; default now")
    officer: Text = Field("", max_length=100)
    case_number: Text = Field("", max_length=60)
    note: Text = Field("", max_length=4000)


assert set(PoliceReportIn.model_fields["channel"].annotation.__args__) == set(PoliceChannelChoices.values)  # type: ignore[union-attr]


class ChecklistIn(Body):
    item: int = Field(..., ge=1, le=2_147_483_647, description="checklist item id")
    done: bool = True


class NoteIn(Body):
    note: Text = Field(..., min_length=1, max_length=4000)


class ResolveIn(TakeOverIn):
    outcome: Literal["real_incident", "false_alarm", "test", "device_fault"]
    note: Text = Field(..., max_length=4000, description="mandatory notes of what was done")


assert set(ResolveIn.model_fields["outcome"].annotation.__args__) == set(AlarmOutcomeChoices.values)  # type: ignore[union-attr]


class ReleaseIn(Body):
    pass


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def _visible(request: HttpRequest, alarm_id: int) -> Alarm:
    """The alarm if the caller may see it; 404 for another community's and for police not told."""
    user = request_user(request)
    return get_or_404(
        services.visible_alarms(user).select_related("community", "device", "location", "claimed_by"),
        pk=alarm_id,
    )


def _detail(alarm: Alarm) -> dict[str, Any]:
    payload = services.alarm_payload(alarm)
    events = (
        InboundEvent.objects.filter(alarm=alarm)
        .order_by("id")
        .prefetch_related(Prefetch("pictures", queryset=EventPicture.objects.order_by("id")))[:200]
    )
    actions = AlarmAction.objects.filter(alarm=alarm).order_by("id")
    payload.update(
        dispatched_to=alarm.dispatched_to,
        resolution_note=alarm.resolution_note,
        acknowledged_at=alarm.acknowledged_at,
        verifying_at=alarm.verifying_at,
        dispatched_at=alarm.dispatched_at,
        resolved_at=alarm.resolved_at,
        confirmed_real_at=alarm.confirmed_real_at,
        checklist=[
            {
                "id": item.pk,
                "order": item.order,
                "text": item.text,
                "done": item.done_at is not None,
                "done_at": item.done_at,
                "done_by": services._name(item.done_by) if item.done_by else None,
            }
            for item in alarm.checklist.select_related("done_by").order_by("order")
        ],
        actions=[
            {
                "id": a.pk,
                "action": a.action,
                "action_label": a.get_action_display(),
                "from_state": a.from_state,
                "to_state": a.to_state,
                "at": a.at,
                "by": a.by_name,
                "note": a.note,
                "data": a.data,
            }
            for a in actions
        ],
        police_reports=[
            {
                "id": r.pk,
                "reported_at": r.reported_at,
                "channel": r.channel,
                "channel_label": r.get_channel_display(),
                "officer": r.officer,
                "case_number": r.case_number,
                "note": r.note,
                "recorded_by": services._name(r.recorded_by) if r.recorded_by else None,
            }
            for r in alarm.police_reports.select_related("recorded_by").order_by("reported_at")
        ],
        events=[
            {
                "id": e.pk,
                "received_at": e.received_at,
                "occurred_at": e.occurred_at,
                "source": e.source,
                "device": e.device_code,
                "external_id": e.external_id,
                "type": e.event_type,
                "zone": e.zone,
                "status": e.status,
                "text": e.text,
                "clock_drift_s": e.clock_drift_s,
                "pictures": [
                    {
                        "id": p.pk,
                        "name": p.name,
                        "content_type": p.content_type,
                        "size": p.size,
                        "url": reverse("api:alarm_picture", args=[alarm.pk, p.pk]),
                    }
                    for p in e.pictures.all()
                ],
            }
            for e in events
        ],
        cameras=[{"code": c.code, "name": c.name} for c in services.cameras_for(alarm)],
    )
    return payload


@router.get("/alarms", response=AlarmPage, operation_id="list_alarms")
def list_alarms(request: HttpRequest, paging: Query[Paging], filters: Query[AlarmFilters]) -> dict[str, Any]:
    """Alarms the caller may see, newest first; `open=true` gives the console order (priority, age)."""
    user = request_user(request)
    qs = services.visible_alarms(user).select_related("community", "device", "location", "claimed_by")
    if filters.community:
        qs = qs.filter(community=community_or_404(user, filters.community))
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.type:
        qs = qs.filter(alarm_type=filters.type)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.open is True:
        qs = qs.open().console_order()
    else:
        if filters.open is False:
            qs = qs.filter(state=AlarmStateChoices.RESOLVED)
        qs = qs.order_by("-created_at", "-id")
    return {
        "count": qs.count(),
        "items": [services.alarm_payload(a) for a in qs[paging.offset : paging.offset + paging.limit]],
    }


@router.get("/alarms/{alarm_id}", response=AlarmDetailOut, operation_id="get_alarm")
def get_alarm(request: HttpRequest, alarm_id: int) -> dict[str, Any]:
    """One alarm with its checklist, history, police reports, events (with pictures) and cameras."""
    return _detail(_visible(request, alarm_id))


@router.get(
    "/alarms/{alarm_id}/pictures/{picture_id}",
    response={200: None},
    operation_id="get_alarm_picture",
    url_name="alarm_picture",
)
def get_alarm_picture(request: HttpRequest, alarm_id: int, picture_id: int) -> HttpResponseBase:
    """A picture of one of the alarm's events; every view is in the access log (R-33.5 (第33条))."""
    from anfang.alarms.views import picture_response

    alarm = _visible(request, alarm_id)
    picture = get_or_404(
        EventPicture.objects.filter(event__alarm=alarm).select_related("event"), pk=picture_id
    )
    return picture_response(picture, alarm)


# ---------------------------------------------------------------------------------------------------
# Actions: each calls one service and answers with the alarm as it now is
# ---------------------------------------------------------------------------------------------------


def _done(alarm: Alarm) -> dict[str, Any]:
    return _detail(_reload(alarm))


def _reload(alarm: Alarm) -> Alarm:
    return Alarm.objects.select_related("community", "device", "location", "claimed_by").get(pk=alarm.pk)


@router.post("/alarms/{alarm_id}/acknowledge", response=AlarmDetailOut, operation_id="acknowledge_alarm")
def acknowledge(request: HttpRequest, alarm_id: int, payload: NoteOptIn) -> dict[str, Any]:
    """The operator has seen it (stops the unacknowledged escalation)."""
    alarm = _visible(request, alarm_id)
    services.acknowledge(alarm, by=request_user(request), note=payload.note, take_over=payload.take_over)
    return _done(alarm)


@router.post("/alarms/{alarm_id}/claim", response=AlarmDetailOut, operation_id="claim_alarm")
def claim(request: HttpRequest, alarm_id: int, payload: TakeOverIn) -> dict[str, Any]:
    """ "I am on this one" (with `take_over`: take it from another operator)."""
    alarm = _visible(request, alarm_id)
    services.claim(alarm, by=request_user(request), take_over=payload.take_over)
    return _done(alarm)


@router.post("/alarms/{alarm_id}/release", response=AlarmDetailOut, operation_id="release_alarm")
def release(request: HttpRequest, alarm_id: int, payload: ReleaseIn) -> dict[str, Any]:
    alarm = _visible(request, alarm_id)
    services.release(alarm, by=request_user(request))
    return _done(alarm)


@router.post("/alarms/{alarm_id}/verify", response=AlarmDetailOut, operation_id="verify_alarm")
def verify(request: HttpRequest, alarm_id: int, payload: NoteOptIn) -> dict[str, Any]:
    alarm = _visible(request, alarm_id)
    services.start_verifying(alarm, by=request_user(request), note=payload.note, take_over=payload.take_over)
    return _done(alarm)


@router.post("/alarms/{alarm_id}/dispatch", response=AlarmDetailOut, operation_id="dispatch_alarm")
def dispatch(request: HttpRequest, alarm_id: int, payload: DispatchIn) -> dict[str, Any]:
    alarm = _visible(request, alarm_id)
    services.dispatch(
        alarm, by=request_user(request), to=payload.to, note=payload.note, take_over=payload.take_over
    )
    return _done(alarm)


@router.post("/alarms/{alarm_id}/confirm-real", response=AlarmDetailOut, operation_id="confirm_real_alarm")
def confirm_real(request: HttpRequest, alarm_id: int, payload: ConfirmRealIn) -> dict[str, Any]:
    """A real case: it must now be reported to the police at once (第16条)."""
    alarm = _visible(request, alarm_id)
    services.confirm_real(alarm, by=request_user(request), note=payload.note)
    return _done(alarm)


@router.post(
    "/alarms/{alarm_id}/report-police", response=AlarmDetailOut, operation_id="report_alarm_to_police"
)
def report_police(request: HttpRequest, alarm_id: int, payload: PoliceReportIn) -> dict[str, Any]:
    """Record when, how and to whom the case was reported to the police (第16条)."""
    alarm = _visible(request, alarm_id)
    services.report_to_police(
        alarm,
        by=request_user(request),
        channel=payload.channel,
        reported_at=payload.reported_at,
        officer=payload.officer,
        case_number=payload.case_number,
        note=payload.note,
    )
    return _done(alarm)


@router.post("/alarms/{alarm_id}/checklist", response=AlarmDetailOut, operation_id="tick_alarm_checklist")
def checklist(request: HttpRequest, alarm_id: int, payload: ChecklistIn) -> dict[str, Any]:
    alarm = _visible(request, alarm_id)
    services.tick_checklist(alarm, payload.item, by=request_user(request), done=payload.done)
    return _done(alarm)


@router.post("/alarms/{alarm_id}/note", response=AlarmDetailOut, operation_id="add_alarm_note")
def note(request: HttpRequest, alarm_id: int, payload: NoteIn) -> dict[str, Any]:
    alarm = _visible(request, alarm_id)
    services.add_note(alarm, by=request_user(request), note=payload.note)
    return _done(alarm)


@router.post("/alarms/{alarm_id}/resolve", response=AlarmDetailOut, operation_id="resolve_alarm")
def resolve(request: HttpRequest, alarm_id: int, payload: ResolveIn) -> dict[str, Any]:
    """Close the alarm with its outcome and the mandatory notes (complete duty records, 第16条)."""
    alarm = _visible(request, alarm_id)
    services.resolve(
        alarm,
        by=request_user(request),
        outcome=payload.outcome,
        note=payload.note,
        take_over=payload.take_over,
    )
    return _done(alarm)
