"""`POST /api/v1/events`: the generic device event contract (ARCHITECTURE, Interfaces).

Body: `{"device": code, "external_id": str, "type": str, "occurred_at": ISO 8601, "zone": str?,
"data": {}?, "pictures": [{"name", "content_type", "data": base64}]?}` → `202 {"id", "duplicate", "status",
"alarm"}`. The answer is sent only after the event is committed. A body that cannot be read is still
kept (raw, flagged for an administrator) and answered with a clear 4xx.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from anfang.alarms import services
from anfang.core.api_tools import BearerToken, request_user
from anfang.core.models import ApiToken
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.devices.models import Device
from anfang.integrations import events as ev
from anfang.integrations import generic
from anfang.integrations.events import DeviceEvent
from anfang.integrations.generic import EventFormatError

router = Router(tags=["events"])


def parse_event_body(body: bytes, *, source: str = "api", device_code: str | None = None) -> DeviceEvent:
    """The generic JSON contract → DeviceEvent (`integrations.generic`, shared with MQTT)."""
    return generic.parse_event(body, source=source, device_code=device_code)


def _may_send_for(request: HttpRequest, device: Device | None, code: str) -> bool:
    token = getattr(request, "api_token", None)
    if isinstance(token, ApiToken) and token.device_id is not None:
        return device is not None and token.device_id == device.pk
    user = request_user(request)
    if user is None:
        return False
    # A person's token (an integration gateway) sends for devices of communities they may change; an
    # unknown device code from them is kept for an administrator to look at.
    if device is None:
        return communities_for(user, Perm.CHANGE_REGISTRY).exists()
    return has_perm(user, device.community, Perm.CHANGE_REGISTRY)


@router.post(
    "/events",
    auth=BearerToken(),
    response={202: dict[str, Any]},
    summary="Send one device event (device token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["device", "external_id", "type", "occurred_at"],
                        "properties": {
                            "device": {"type": "string"},
                            "external_id": {"type": "string"},
                            "type": {"type": "string", "enum": list(ev.EVENT_TYPES)},
                            "occurred_at": {"type": "string", "format": "date-time"},
                            "zone": {"type": "string"},
                            "restore": {"type": "boolean"},
                            "text": {"type": "string"},
                            "data": {"type": "object"},
                            "pictures": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "content_type": {"type": "string"},
                                        "data": {"type": "string", "format": "byte"},
                                    },
                                },
                            },
                        },
                    }
                }
            },
        }
    },
)
def post_event(request: HttpRequest) -> HttpResponse:
    """Store the event, then answer 202; a repeat (same device and external id) answers the first id."""
    received_at = timezone.now()
    body = request.body
    token = getattr(request, "api_token", None)
    token_device = token.device if isinstance(token, ApiToken) else None
    try:
        event = parse_event_body(body)
    except EventFormatError as exc:
        kept = services.record_unparseable(
            source="api",
            device_code=token_device.code if token_device else "",
            raw=body,
            content_type=request.content_type or "",
            error=f"{exc.field}: {exc.detail}",
            received_at=received_at,
        )
        return JsonResponse(
            {"error": "invalid_event", "detail": exc.detail, "field": exc.field, "kept": kept.pk}, status=422
        )
    device = (
        token_device
        if token_device and token_device.code == event.device
        else services.find_device(event.device)
    )
    if not _may_send_for(request, device, event.device):
        raise HttpError(403, "this token may not send events for that device")
    result = services.ingest(event, received_at=received_at, device=device)
    return JsonResponse(
        {"id": result.id, "duplicate": result.duplicate, "status": result.status, "alarm": result.alarm_id},
        status=202,
    )
