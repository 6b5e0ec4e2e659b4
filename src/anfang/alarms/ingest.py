"""`POST /api/v1/events`: the generic device event contract (ARCHITECTURE, Interfaces).

Body: `{"device": code, "external_id": str, "type": str, "occurred_at": ISO 8601, "zone": str?,
"data": {}?, "pictures": [{"name", "content_type", "data": base64}]?}` → `202 {"id", "duplicate", "status",
"alarm"}`. The answer is sent only after the event is committed. A body that cannot be read is still
kept (raw, flagged for an administrator) and answered with a clear 4xx.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from anfang.alarms import services
from anfang.alarms.pipeline import EventPipeline, Message
from anfang.alarms.services import Stored
from anfang.core.api_tools import BearerToken, device_of_token, request_user
from anfang.core.device_post import (
    ASGIApp,
    DevicePost,
    Receive,
    Scope,
    Send,
    for_django,
    read_post,
    send_json,
)
from anfang.core.models import ApiToken
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.devices.models import Device
from anfang.integrations import events as ev
from anfang.integrations import generic
from anfang.integrations.events import DeviceEvent
from anfang.integrations.generic import EventFormatError

log = logging.getLogger(__name__)
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
        status, doc = _unreadable(body, exc, token_device, request.content_type or "", received_at)
        return JsonResponse(doc, status=status)
    device = (
        token_device
        if token_device and token_device.code == event.device
        else services.find_device(event.device)
    )
    if not _may_send_for(request, device, event.device):
        raise HttpError(403, WRONG_DEVICE)
    result = services.ingest(event, received_at=received_at, device=device)
    return JsonResponse(accepted(result), status=202)


WRONG_DEVICE = "this token may not send events for that device"


def accepted(result: services.IngestResult) -> dict[str, Any]:
    return {"id": result.id, "duplicate": result.duplicate, "status": result.status, "alarm": result.alarm_id}


def _unreadable(
    body: bytes, exc: EventFormatError, device: Device | None, content_type: str, received_at: dt.datetime
) -> tuple[int, dict[str, Any]]:
    kept = services.record_unparseable(
        source="api",
        device_code=device.code if device else "",
        raw=body,
        content_type=content_type,
        error=f"{exc.field}: {exc.detail}",
        received_at=received_at,
    )
    return 422, {"error": "invalid_event", "detail": exc.detail, "field": exc.field, "kept": kept.pk}


# ---------------------------------------------------------------------------------------------------
# The same endpoint for device tokens, without Django's request cycle (`anfang.asgi` routes it here)
#
# A device posting hundreds of events a second paid, per event, for a thread, 13 middlewares, ninja,
# a new database connection and its own two transactions (≈ 25 ms of CPU, docs/benchmarks.md). Here
# the event goes straight to this process's `EventPipeline`, and the answer — the same as above — is
# sent once the event is committed and processed. Anything else (a person's token, no token, a body
# over the upload limit) is handed to Django unchanged, so its answers stay exactly those above.
# ---------------------------------------------------------------------------------------------------

EVENTS_PATH = "/api/v1/events"
_pipeline = EventPipeline("http")


class _DevicePost:
    """One POST from a device token, stored and processed in the pipeline's writer thread."""

    def __init__(self, post: DevicePost) -> None:
        self.body = post.body
        self.token = post.token
        self.content_type = post.media_type
        self.for_django = False
        self.reply: tuple[int, dict[str, Any]] | None = None
        self.message = Message(store=self.store, request_id=post.request_id)

    def store(self) -> list[Stored]:
        received_at = timezone.now()
        device_id = device_of_token(self.token)
        device = services.device_by_id(device_id) if device_id is not None else None
        if device is None:
            self.for_django = True  # a person's token, or none that counts: Django answers
            return []
        self.message.actor = f"device:{device.code}"
        try:
            event = parse_event_body(self.body)
        except EventFormatError as exc:
            self.reply = _unreadable(self.body, exc, device, self.content_type, received_at)
            return []
        if event.device != device.code:
            self.reply = (403, {"error": "forbidden", "detail": WRONG_DEVICE})
            return []
        return [services.store(event, received_at=received_at, device=device)]


async def device_events(scope: Scope, receive: Receive, send: Send, django: ASGIApp) -> None:
    """`POST /api/v1/events` (ASGI): device tokens here, everything else to `django`."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
    post = await read_post(scope, receive, limit)
    if post is None:
        return
    if for_django(post, limit):
        await django(scope, post.replay(receive), send)
        return
    mine = _DevicePost(post)
    try:
        # Shielded: a client gone or a server stopping must not cancel the writer's future (the event
        # is stored all the same; only this answer is lost, and the device's retry is a duplicate).
        results = await asyncio.shield(asyncio.wrap_future(_pipeline.submit(mine.message).processed))
    except Exception:
        log.exception("an event could not be stored")
        status, doc = 503, {"error": "unavailable", "detail": "the event was not stored; send it again"}
        await send_json(send, status, doc, post.request_id)
        return
    if mine.for_django:
        await django(scope, post.replay(receive), send)
    elif mine.reply is not None:
        await send_json(send, *mine.reply, post.request_id)
    else:
        await send_json(send, 202, accepted(results[0]), post.request_id)
