"""Plate reads coming in: `POST /api/v1/passages` (the generic contract), Hikvision ANPR pushes (called from
`alarms.vendor_push.isapi_push`) and Dahua ITC pushes (`/ingest/dahua/<code>/NotificationInfo/TollgateInfo`).

Each read becomes a passage through `services.record_passage` (decision, barrier, blacklist alarm: 第9条,
第11条). A camera that cannot read plates may send only its scene picture: anfang reads the plate itself
(`anfang.anpr`, 第9条). A body nobody can read is kept raw with `alarms.services.record_unparseable` and
answered 4xx, so nothing a camera sent is lost; the answer to a good read goes out after the passage is
committed.
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import io
import json
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja import Router

from anfang import anpr
from anfang.alarms import services as alarm_services
from anfang.core import audit
from anfang.core.api_tools import BearerToken, device_of_token, registry_auth, request_user
from anfang.core.db import release_broken_connections
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
from anfang.core.models import ApiToken, User
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.devices.models import Device
from anfang.devices.services import heartbeat
from anfang.integrations.events import Picture
from anfang.integrations.generic import strict_b64decode
from anfang.integrations.isapi import IsapiAlert
from anfang.vehicles import services
from anfang.vehicles.choices import PassageSourceChoices
from anfang.vehicles.services import PassageResult, PlateRead

log = logging.getLogger(__name__)

# One router for everything under /passages (the search endpoints in `vehicles.api` are added to it): ninja
# serves one path from one router only, so GET and POST /passages must share it.
router = Router(tags=["vehicles"], auth=registry_auth)

MAX_PLATE: Final = 20
MAX_PICTURES: Final = 2
MAX_PICTURE_BYTES: Final = 2 * 1024 * 1024  # after decoding
# Two pictures of 2 MB in base64 (4/3 larger) and the document: bounds what one request can make us hold.
MAX_BODY_BYTES: Final = 6 * 1024 * 1024
# A device whose clock is off by more than this has a fault (its reads cannot be placed in time).
CLOCK_WINDOW: Final = dt.timedelta(days=1)
PICTURE_KINDS: Final = ("plate", "scene")
MAX_DATA_CHARS: Final = 16 * 1024
DOCUMENT_KEYS: Final = frozenset(
    {
        "device",
        "external_id",
        "plate",
        "plate_color",
        "direction",
        "occurred_at",
        "confidence",
        "pictures",
        "data",
    }
)


class PassageFormatError(Exception):
    """The body does not follow the passage contract; `field` names the first wrong field."""

    def __init__(self, field: str, detail: str, *, status: int = 422, code: str = "invalid_passage") -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail
        self.status = status
        self.code = code


@dataclass(frozen=True)
class PassageDocument:
    """A checked `POST /passages` body: the device code it names and the read."""

    device: str
    read: PlateRead


# ---------------------------------------------------------------------------------------------------
# Reading the generic contract
# ---------------------------------------------------------------------------------------------------


def _text(doc: dict[str, Any], key: str, *, max_length: int, required: bool = True) -> str:
    value = doc.get(key)
    if value is None:
        if required:
            raise PassageFormatError(key, "required")
        return ""
    if not isinstance(value, str):
        raise PassageFormatError(key, "must be a string")
    if "\x00" in value:
        raise PassageFormatError(key, "NUL characters are not allowed")
    value = value.strip()
    if len(value) > max_length:
        raise PassageFormatError(key, f"at most {max_length} characters")
    if required and not value and key != "plate":
        raise PassageFormatError(key, "must not be empty")
    return value


def _occurred_at(doc: dict[str, Any], now: dt.datetime) -> dt.datetime:
    text = _text(doc, "occurred_at", max_length=40)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise PassageFormatError("occurred_at", "not an ISO 8601 date and time") from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise PassageFormatError("occurred_at", "must carry a time zone (e.g. +08:00)")
    if abs(value - now) > CLOCK_WINDOW:
        raise PassageFormatError(
            "occurred_at",
            "more than one day from the server's clock: check the device's clock",
            code="clock_drift",
        )
    return value


def _confidence(doc: dict[str, Any]) -> float | None:
    value = doc.get("confidence")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PassageFormatError("confidence", "must be a number from 0 to 100")
    if not 0 <= value <= 100:
        raise PassageFormatError("confidence", "must be a number from 0 to 100")
    return float(value)


def _direction(doc: dict[str, Any]) -> str:
    value = _text(doc, "direction", max_length=10, required=False)
    if value not in ("", "in", "out", "unknown"):
        raise PassageFormatError("direction", 'one of "in", "out", "unknown"')
    return "" if value == "unknown" else value


def _check_picture_size(field: str, size: int) -> None:
    if size > MAX_PICTURE_BYTES:
        raise PassageFormatError(
            field, f"a picture may have at most {MAX_PICTURE_BYTES} bytes", status=413, code="too_large"
        )


def _json_pictures(doc: dict[str, Any]) -> dict[str, Picture]:
    value = doc.get("pictures")
    if value is None:
        return {}
    if not isinstance(value, list):
        raise PassageFormatError("pictures", "must be a list")
    if len(value) > MAX_PICTURES:
        raise PassageFormatError("pictures", f"at most {MAX_PICTURES} pictures")
    pictures: dict[str, Picture] = {}
    for index, item in enumerate(value):
        field = f"pictures[{index}]"
        if not isinstance(item, dict):
            raise PassageFormatError(field, "must be an object")
        kind = item.get("kind")
        if kind not in PICTURE_KINDS:
            raise PassageFormatError(f"{field}.kind", 'one of "plate", "scene"')
        if kind in pictures:
            raise PassageFormatError(f"{field}.kind", f"a second {kind} picture")
        name = _text(item, "name", max_length=100, required=False) or f"{kind}.jpg"
        content_type = _text(item, "content_type", max_length=100, required=False) or "image/jpeg"
        data = item.get("data")
        if not isinstance(data, str) or not data:
            raise PassageFormatError(f"{field}.data", "must be a base64 string")
        if len(data) > (MAX_PICTURE_BYTES * 4) // 3 + 8:
            _check_picture_size(f"{field}.data", len(data) * 3 // 4)
        try:
            raw = strict_b64decode(data)
        except (binascii.Error, ValueError) as exc:
            raise PassageFormatError(f"{field}.data", "not valid base64") from exc
        _check_picture_size(f"{field}.data", len(raw))
        if not raw:
            raise PassageFormatError(f"{field}.data", "empty picture")
        pictures[kind] = Picture(name, content_type, raw)
    return pictures


def parse_document(
    doc: Any, files: dict[str, Picture] | None = None, *, now: dt.datetime | None = None
) -> PassageDocument:
    """A decoded JSON document (+ multipart file parts by kind) → the device code and the read."""
    now = now or timezone.now()
    if not isinstance(doc, dict):
        raise PassageFormatError("__all__", "the body must be a JSON object")
    unknown = sorted(str(key) for key in doc if key not in DOCUMENT_KEYS)
    if unknown:
        raise PassageFormatError(unknown[0], "unknown field")
    device = _text(doc, "device", max_length=40)
    external_id = _text(doc, "external_id", max_length=200)
    # No plate at all (absent or null): the platform reads it from the pictures below. An empty string
    # stays what it always was: the camera saw a vehicle without a plate.
    read_plate = doc.get("plate") is None
    plate = "" if read_plate else _text(doc, "plate", max_length=MAX_PLATE)
    plate_color = _text(doc, "plate_color", max_length=20, required=False)
    direction = _direction(doc)
    occurred_at = _occurred_at(doc, now)
    confidence = _confidence(doc)
    data = doc.get("data")
    if data is not None:
        if not isinstance(data, dict):
            raise PassageFormatError("data", "must be an object")
        try:  # kept as JSON in the database: no NaN/Infinity, no NUL (PostgreSQL refuses both)
            text = json.dumps(data, allow_nan=False)
        except ValueError as exc:
            raise PassageFormatError("data", "NaN and Infinity are not allowed") from exc
        if "\\u0000" in text:
            raise PassageFormatError("data", "NUL characters are not allowed")
        if len(text) > MAX_DATA_CHARS:
            raise PassageFormatError("data", f"at most {MAX_DATA_CHARS} characters as JSON")
    pictures = _json_pictures(doc)
    for kind, picture in (files or {}).items():
        if kind in pictures:
            raise PassageFormatError(f"{kind}_picture", f"a second {kind} picture")
        pictures[kind] = picture
    data = dict(data or {})
    if read_plate:
        found = _read_plate(pictures)
        plate = found.text
        plate_color = plate_color or found.color
        confidence = round(found.confidence * 100, 1)
        data["anpr"] = found.data
        if found.plate_picture is not None and "plate" not in pictures:
            pictures["plate"] = found.plate_picture
    read = PlateRead(
        source=PassageSourceChoices.API,
        external_id=external_id,
        plate=plate,
        occurred_at=occurred_at,
        plate_color=plate_color,
        direction=direction,
        confidence=confidence,
        plate_picture=pictures.get("plate"),
        scene_picture=pictures.get("scene"),
        data=data,
    )
    return PassageDocument(device, read)


@dataclass(frozen=True)
class _Found:
    """The plate anfang read in a picture the camera sent."""

    text: str
    color: str
    confidence: float  # 0–1
    data: dict[str, Any]
    plate_picture: Picture | None


def _read_plate(pictures: dict[str, Picture]) -> _Found:
    """第9条: a camera that cannot read plates sends its scene picture (or a plate crop); anfang reads it.

    The most confident plate counts; the rectified plate is kept as the plate picture when none was sent.
    """
    kind = "scene" if "scene" in pictures else "plate" if "plate" in pictures else None
    if kind is None:
        raise PassageFormatError("plate", "required (or send a scene picture for anfang to read the plate)")
    picture = pictures[kind]
    try:
        reads = anpr.read(picture.data)
    except anpr.AnprUnavailable as exc:
        raise PassageFormatError(
            "plate",
            f"this server cannot read plates ({exc}): send the plate",
            status=503,
            code="anpr_unavailable",
        ) from exc
    except anpr.AnprError as exc:
        raise PassageFormatError("pictures", f"the {kind} picture is not a readable image: {exc}") from exc
    if not reads:
        raise PassageFormatError("plate", f"no plate found in the {kind} picture", code="no_plate")
    best = reads[0]
    crop: Picture | None = None
    if kind == "scene":
        try:
            from anfang.anpr.image import load
            from anfang.anpr.video import plate_crop, to_jpeg

            crop = Picture("plate.jpg", "image/jpeg", to_jpeg(plate_crop(load(picture.data), best.corners)))
        except Exception:  # the passage counts without the cut-out
            log.exception("could not cut the plate out of a scene picture")
    found = {
        "read_from": kind,
        "text": best.text,
        "color": best.color,
        "confidence": best.confidence,
        "box": list(best.box),
        "others": [r.text for r in reads[1:4]],
    }
    return _Found(best.text, best.color, best.confidence, found, crop)


def parse_body(
    body: bytes, content_type: str, meta: dict[str, Any], *, now: dt.datetime | None = None
) -> PassageDocument:
    """JSON, or multipart/form-data with a `json` field and `plate_picture` / `scene_picture` files."""
    files: dict[str, Picture] = {}
    if content_type.lower().startswith("multipart/form-data"):
        try:
            fields, uploads = MultiPartParser(
                {**meta, "CONTENT_TYPE": meta.get("CONTENT_TYPE", content_type), "CONTENT_LENGTH": len(body)},
                io.BytesIO(body),
                _upload_handlers(),
                "utf-8",
            ).parse()
        except (MultiPartParserError, ValueError) as exc:
            raise PassageFormatError("__all__", f"unreadable multipart body: {exc}") from exc
        unknown = sorted(set(uploads) - {"plate_picture", "scene_picture"})
        if unknown:
            raise PassageFormatError(unknown[0], "unknown file part (plate_picture, scene_picture)")
        for key in ("plate_picture", "scene_picture"):
            upload = uploads.get(key)
            if upload is None:
                continue
            _check_picture_size(key, upload.size or 0)
            data = upload.read()
            if not data:
                raise PassageFormatError(key, "empty picture")
            files[key.split("_")[0]] = Picture(
                (upload.name or key)[:100], upload.content_type or "image/jpeg", data
            )
        text = fields.get("json")
        if text is None:
            raise PassageFormatError("json", "the multipart body needs a json field")
        raw_doc: bytes = text.encode("utf-8")
    else:
        raw_doc = body
    try:
        doc = json.loads(raw_doc)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PassageFormatError("__all__", "the body is not JSON", code="invalid_passage") from exc
    return parse_document(doc, files, now=now)


def _upload_handlers() -> list[Any]:
    """Django's own: small pictures in memory, larger ones in a temporary file."""
    from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

    return [MemoryFileUploadHandler(), TemporaryFileUploadHandler()]


# ---------------------------------------------------------------------------------------------------
# POST /api/v1/passages
# ---------------------------------------------------------------------------------------------------


def _read_limited(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise PassageFormatError(
            "__all__", f"the body exceeds {MAX_BODY_BYTES} bytes", status=413, code="too_large"
        )
    body = bytes(request.read(MAX_BODY_BYTES + 1))
    if len(body) > MAX_BODY_BYTES:
        raise PassageFormatError(
            "__all__", f"the body exceeds {MAX_BODY_BYTES} bytes", status=413, code="too_large"
        )
    return body


def _error_doc(exc: PassageFormatError, kept: int | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"error": exc.code, "detail": exc.detail, "field": exc.field}
    if kept is not None:
        doc["kept"] = kept
    return doc


def _error(exc: PassageFormatError, kept: int | None = None) -> JsonResponse:
    return JsonResponse(_error_doc(exc, kept), status=exc.status)


def accepted(result: PassageResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "duplicate": result.duplicate,
        "decision": result.decision,
        "reason": result.reason,
        "plate": result.plate,
        "alarm": result.alarm_id,
    }


WRONG_DEVICE: Final = "this token may not send plate reads for that device"


@router.post(
    "/passages",
    auth=BearerToken(),
    response={202: dict[str, Any]},
    summary="Send one plate read (plate camera's device token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["device", "external_id", "occurred_at"],
                        "properties": {
                            "device": {"type": "string"},
                            "external_id": {"type": "string", "maxLength": 200},
                            "plate": {
                                "type": "string",
                                "maxLength": MAX_PLATE,
                                "description": "omit it to have anfang read the plate from the scene picture",
                            },
                            "plate_color": {"type": "string"},
                            "direction": {"type": "string", "enum": ["in", "out", "unknown"]},
                            "occurred_at": {"type": "string", "format": "date-time"},
                            "confidence": {"type": "number", "minimum": 0, "maximum": 100},
                            "data": {"type": "object"},
                            "pictures": {
                                "type": "array",
                                "maxItems": MAX_PICTURES,
                                "items": {
                                    "type": "object",
                                    "required": ["kind", "data"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "content_type": {"type": "string"},
                                        "data": {"type": "string", "format": "byte"},
                                        "kind": {"type": "string", "enum": list(PICTURE_KINDS)},
                                    },
                                },
                            },
                        },
                    }
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["json"],
                        "properties": {
                            "json": {"type": "string", "description": "the same document as JSON"},
                            "plate_picture": {"type": "string", "format": "binary"},
                            "scene_picture": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
        }
    },
)
def post_passage(request: HttpRequest) -> HttpResponse:
    """Store the read as a passage (decided, barrier told after commit), then answer 202; a repeat
    (same device and external id) answers the first passage with `"duplicate": true`."""
    received_at = timezone.now()
    token = getattr(request, "api_token", None)
    token_device = token.device if isinstance(token, ApiToken) else None
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        body = _read_limited(request)
    except PassageFormatError as exc:
        return _error(exc)
    try:
        document = parse_body(body, content_type, dict(request.META), now=received_at)
    except PassageFormatError as exc:
        kept = alarm_services.record_unparseable(
            source="api",
            device_code=token_device.code if token_device else "",
            raw=body,
            content_type=content_type,
            error=f"passage {exc.field}: {exc.detail}",
            received_at=received_at,
        )
        return _error(exc, kept.pk)
    if token_device is not None:
        if token_device.code != document.device:
            return JsonResponse({"error": "forbidden", "detail": WRONG_DEVICE}, status=403)
        device: Device = token_device
    else:
        user = request_user(request)
        found = _device_for_person(user, document.device)
        if isinstance(found, JsonResponse):
            return found
        device = found
    result = services.record_passage(document.read, device=device, received_at=received_at)
    return JsonResponse(accepted(result), status=202)


def _device_for_person(user: User, code: str) -> Device | JsonResponse:
    """A person's token (an integration gateway) sends for plate cameras of communities they manage."""
    device = Device.objects.filter(code=code, community__in=communities_for(user)).first()
    if device is None:
        return JsonResponse({"error": "unknown_device", "detail": f"no device with code {code}"}, status=404)
    if not has_perm(user, device.community, Perm.MANAGE_VEHICLES):
        return JsonResponse({"error": "forbidden", "detail": WRONG_DEVICE}, status=403)
    return device


# ---------------------------------------------------------------------------------------------------
# The same endpoint for plate cameras' device tokens, without Django's request cycle (`anfang.asgi`)
#
# Django runs sync views one at a time in one thread, behind its middlewares and ninja: with two photos a
# read, one web process took about 40 reads a second (docs/benchmarks.md). Here the read is parsed and
# stored by this process's passage writers, and the answer is the same as above. A person's token, no token
# or an oversized body go to Django unchanged.
# ---------------------------------------------------------------------------------------------------

PASSAGES_PATH: Final = "/api/v1/passages"
# PostgreSQL stores side by side; SQLite has one writer, so one thread (and no waiting at its lock).
PASSAGE_WRITERS: Final = {"sqlite": 1}
_writers: ThreadPoolExecutor | None = None
# Parsing (JSON, base64, a plate read from a picture) and writing the photos happen beside the writer.
_readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="passage-readers")


def _writer_pool() -> ThreadPoolExecutor:
    global _writers
    if _writers is None:
        count = PASSAGE_WRITERS.get(connection.vendor, 4)
        _writers = ThreadPoolExecutor(max_workers=count, thread_name_prefix="passages")
    return _writers


def _device_of(post: DevicePost) -> Device | None:
    """In a writer thread: the plate camera whose token this is; None for a person's token or a dead one."""
    try:
        device_id = device_of_token(post.token)
        return alarm_services.device_by_id(device_id) if device_id is not None else None
    except (OperationalError, InterfaceError):
        release_broken_connections()
        raise


@dataclass(frozen=True)
class _Parsed:
    document: PassageDocument
    pictures: dict[str, str] | None  # written to storage already (None: not this device's read)


def _parse(post: DevicePost, device_code: str, now: dt.datetime) -> _Parsed | PassageFormatError:
    """In a reader thread (no database): JSON, base64, the photos written to storage and — for a read
    without a plate — the plate read from the picture; none of it holds up the writer meanwhile."""
    try:
        document = parse_body(post.body, post.content_type, {}, now=now)
    except PassageFormatError as exc:
        return exc
    if document.device != device_code:
        return _Parsed(document, None)
    return _Parsed(document, services.save_pictures(document.read))


def _store_device_post(
    post: DevicePost, device: Device, parsed: _Parsed | PassageFormatError, received_at: dt.datetime
) -> tuple[int, dict[str, Any]]:
    """In a writer thread: store the read (or keep the body that could not be read) and the answer."""
    try:
        with audit.actor(system=f"device:{device.code}", request_id=post.request_id):
            if isinstance(parsed, PassageFormatError):
                kept = alarm_services.record_unparseable(
                    source="api",
                    device_code=device.code,
                    raw=post.body,
                    content_type=post.content_type,
                    error=f"passage {parsed.field}: {parsed.detail}",
                    received_at=received_at,
                )
                return parsed.status, _error_doc(parsed, kept.pk)
            if parsed.pictures is None:
                return 403, {"error": "forbidden", "detail": WRONG_DEVICE}
            result = services.record_passage(
                parsed.document.read, device=device, received_at=received_at, saved_pictures=parsed.pictures
            )
        return 202, accepted(result)
    except (OperationalError, InterfaceError):
        release_broken_connections()
        raise


async def device_passages(scope: Scope, receive: Receive, send: Send, django: ASGIApp) -> None:
    """`POST /api/v1/passages` (ASGI): plate cameras' device tokens here, everything else to `django`.

    The token is checked first (nobody else's body is parsed, let alone read for a plate), the body is
    parsed by a reader thread, and the read is stored by a writer thread."""
    post = await read_post(scope, receive, MAX_BODY_BYTES)
    if post is None:
        return
    if for_django(post, MAX_BODY_BYTES):
        await django(scope, post.replay(receive), send)
        return
    loop = asyncio.get_running_loop()
    received_at = timezone.now()
    try:
        device = await loop.run_in_executor(_writer_pool(), _device_of, post)
        if device is None:  # a person's token, or none that counts: Django answers
            await django(scope, post.replay(receive), send)
            return
        parsed = await loop.run_in_executor(_readers, _parse, post, device.code, received_at)
        # Shielded: a client gone must not cancel the store; its retry is then answered as a duplicate.
        reply = await asyncio.shield(
            loop.run_in_executor(_writer_pool(), _store_device_post, post, device, parsed, received_at)
        )
    except Exception:
        log.exception("a plate read could not be stored")
        doc = {"error": "unavailable", "detail": "the plate read was not stored; send it again"}
        await send_json(send, 503, doc, post.request_id)
        return
    await send_json(send, *reply, post.request_id)


# ---------------------------------------------------------------------------------------------------
# Hikvision ANPR (ISAPI EventNotificationAlert with eventType ANPR)
# ---------------------------------------------------------------------------------------------------

# Hikvision `direction`: "forward" is a vehicle coming towards the camera (its front seen), "reverse"
# one driving away (its rear seen). Gate cameras face arriving traffic, so forward reads as "in". This is
# only a hint: a lane with a direction of its own (the usual case) decides (`services._direction`).
HIKVISION_DIRECTION: Final = {"forward": "in", "reverse": "out"}


def _vendor_time(
    device_time: dt.datetime | None, received_at: dt.datetime, data: dict[str, Any]
) -> dt.datetime:
    """The device's time, unless it is missing or off by more than a day: then the receive time, with the
    device's time kept in `data`. A camera with a wrong clock still saw a car now; losing the read (the
    API's 422) would leave the car at a closed barrier."""
    if device_time is not None and abs(device_time - received_at) <= CLOCK_WINDOW:
        return device_time
    data["device_time"] = device_time.isoformat() if device_time is not None else None
    data["time_from"] = "received_at"
    return received_at


def _isapi_pictures(alert: IsapiAlert) -> tuple[Picture | None, Picture | None]:
    """licensePlatePicture → plate; vehiclePicture / detectionPicture (any other) → scene."""
    types = {
        info.file_name.lower(): info.type.lower() for info in (alert.anpr.pictures if alert.anpr else ())
    }
    plate: Picture | None = None
    scene: Picture | None = None
    for picture in alert.pictures:
        label = types.get(picture.name.lower(), "") or picture.name.lower()
        if "plate" in label and plate is None:
            plate = picture
        elif scene is None and "plate" not in label:
            scene = picture
    return plate, scene


def plate_read_from_isapi(alert: IsapiAlert, *, received_at: dt.datetime) -> PlateRead:
    """An `IsapiAlert` with `anpr` → PlateRead (the parser split off the 蓝 prefix; its colour is a hint)."""
    anpr = alert.anpr
    if anpr is None:
        raise ValueError("not a plate read")
    data: dict[str, Any] = {
        "license_plate_raw": anpr.license_plate_raw,
        "plate_type": anpr.plate_type,
        "vehicle_type": anpr.vehicle_type,
        "vehicle_color": anpr.vehicle_color,
        "hikvision_direction": anpr.direction,
        "channel": alert.channel,
        "retransmission": alert.retransmission,
    }
    occurred_at = _vendor_time(alert.date_time, received_at, data)
    if alert.date_time is None:
        data["device_time"] = alert.date_time_text
    external_id = alert.uuid or f"{alert.date_time_text}|{alert.channel}|{anpr.license_plate_raw}"
    plate, scene = _isapi_pictures(alert)
    confidence = anpr.confidence if anpr.confidence is not None and 0 <= anpr.confidence <= 100 else None
    return PlateRead(
        source=PassageSourceChoices.ISAPI,
        external_id=external_id[:200],
        plate=(anpr.plate or anpr.license_plate_raw)[:60],
        occurred_at=occurred_at,
        plate_color=anpr.plate_color,
        direction=HIKVISION_DIRECTION.get(anpr.direction.lower(), ""),
        confidence=float(confidence) if confidence is not None else None,
        plate_picture=plate,
        scene_picture=scene,
        data={key: value for key, value in data.items() if value not in (None, "")},
    )


def isapi_passage(alert: IsapiAlert, device: Device, *, received_at: dt.datetime) -> PassageResult | None:
    """The passage for an ANPR push from a lane's camera; None when the device watches no lane (then the
    push stays an ordinary stored event of the alarm side)."""
    if not alert.is_anpr or alert.anpr is None:
        return None
    lane = services.lane_for(device)
    if lane is None:
        return None
    return services.record_passage(
        plate_read_from_isapi(alert, received_at=received_at),
        device=device,
        lane=lane,
        received_at=received_at,
    )


# ---------------------------------------------------------------------------------------------------
# Dahua ITC: POST /ingest/dahua/<code>/NotificationInfo/TollgateInfo (and KeepAlive)
# ---------------------------------------------------------------------------------------------------


def plate_read_from_dahua(read: Any, *, received_at: dt.datetime) -> PlateRead:
    """`integrations.dahua.DahuaPlateRead` → PlateRead (pictures: the plate cut-out and the scene)."""
    data: dict[str, Any] = {
        "vehicle_color": read.vehicle_color,
        "vehicle_type": read.vehicle_type,
        "dahua_device_id": read.device_id,
        **{k: v for k, v in dict(read.raw_fields or {}).items() if isinstance(k, str)},
    }
    occurred = read.occurred_at if read.occurred_at is not None and read.occurred_at.tzinfo else None
    if read.occurred_at is not None and occurred is None:
        # A local time without zone: the device's clock, read as the server's zone (stated in `data`).
        occurred = timezone.make_aware(read.occurred_at)
        data["time_zone_assumed"] = str(timezone.get_current_timezone())
    occurred_at = _vendor_time(occurred, received_at, data)
    plate_picture, scene_picture = _dahua_pictures(tuple(read.pictures or ()))
    confidence = read.confidence if read.confidence is not None and 0 <= read.confidence <= 100 else None
    return PlateRead(
        source=PassageSourceChoices.DAHUA,
        external_id=str(read.external_id or "")[:200],
        plate=str(read.plate or "")[:60],
        occurred_at=occurred_at,
        plate_color=str(read.plate_color or ""),
        direction=read.direction if read.direction in ("in", "out") else "",
        confidence=float(confidence) if confidence is not None else None,
        plate_picture=plate_picture,
        scene_picture=scene_picture,
        data={key: value for key, value in data.items() if value not in (None, "")},
    )


def _dahua_pictures(pictures: tuple[Picture, ...]) -> tuple[Picture | None, Picture | None]:
    plate = next((p for p in pictures if any(w in p.name.lower() for w in ("plate", "cutout"))), None)
    scene = next((p for p in pictures if p is not plate), None)
    return plate, scene


def _dahua_answer(ok: bool, message: str, status: int = 200, **extra: Any) -> JsonResponse:
    """The platform's answer to an ITC push, as the ITC HTTP upload document has it: `Result` (true when
    the platform took the record; the camera sends it again otherwise) and `Message`; anfang adds its own
    fields beside them (the camera ignores them)."""
    return JsonResponse({"Result": ok, "Message": message, **extra}, status=status)


@csrf_exempt
@require_POST
def dahua_tollgate(request: HttpRequest, code: str) -> HttpResponse:
    """One ITC plate record (JSON with base64 pictures) → a passage; the same device auth as other pushes."""
    from anfang.alarms import vendor_push
    from anfang.integrations import dahua

    push = vendor_push._receive(request, code)
    if isinstance(push, HttpResponse):
        return push
    received_at, body, content_type, device = push
    with audit.actor(system=f"device:{device.code if device else code[:60]}"):
        if device is None:
            kept = alarm_services.record_unparseable(
                source="dahua",
                device_code=code,
                raw=body,
                content_type=content_type,
                error="plate record for an unknown device",
                received_at=received_at,
            )
            return vendor_push._unknown_device(code, kept.pk)
        try:
            read = dahua.parse_tollgate(body)
        except dahua.DahuaFormatError as exc:
            kept = alarm_services.record_unparseable(
                source="dahua",
                device_code=device.code,
                raw=body,
                content_type=content_type or "application/json",
                error=f"TollgateInfo: {exc}",
                received_at=received_at,
            )
            return _dahua_answer(
                False, "invalid record", 400, error="invalid_event", detail=str(exc), kept=kept.pk
            )
        result = services.record_passage(
            plate_read_from_dahua(read, received_at=received_at), device=device, received_at=received_at
        )
    return _dahua_answer(True, "OK", **accepted(result))


@csrf_exempt
@require_POST
def dahua_keepalive(request: HttpRequest, code: str) -> HttpResponse:
    """The ITC camera's heartbeat to the platform (`/NotificationInfo/KeepAlive`): answered and noted as the
    device's last contact, not stored as an event."""
    from anfang.alarms import vendor_push

    push = vendor_push._receive(request, code)
    if isinstance(push, HttpResponse):
        return push
    if push[3] is None:
        return JsonResponse({"error": "unknown_device", "detail": f"no device with code {code}"}, status=404)
    heartbeat(push[3])  # the camera was heard from, so its status page shows it online
    return _dahua_answer(True, "OK")
