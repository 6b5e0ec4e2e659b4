"""Vendor HTTP pushes: `POST /ingest/isapi/<device code>` (Hikvision alarm server) and
`POST /ingest/dahua/<device code>` (Dahua event push) → stored device events.

Cameras cannot send bearer tokens, so a push is accepted with any one of: `Authorization: Bearer
<device token>`, HTTP Basic with the device token as password (any user name), `?token=<device token>`,
or — when the device has a network address registered — the request coming from that address.
Everything a known device sends is stored before the answer (ARCHITECTURE data flow 1–2): the 200
goes out after `services.ingest` returns; a body that cannot be read is kept raw and answered 400.
A push for an unknown device code is kept (flagged for an administrator) and answered 404.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import ipaddress
from typing import Any, Final
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anfang.alarms import services
from anfang.alarms.services import IngestResult
from anfang.core import audit
from anfang.core.models import ApiToken, hash_token
from anfang.devices.models import Device
from anfang.integrations import dahua, isapi
from anfang.integrations.dahua.parser import split_blocks

# Far above any alarm push with a few JPEG pictures; bounds what one request can make us hold.
MAX_BODY_BYTES: Final = 16 * 1024 * 1024
ISAPI_NAMESPACE: Final = "http://www.hikvision.com/ver20/XMLSchema"


class BodyTooLarge(Exception):
    """The request body exceeds MAX_BODY_BYTES."""


def _read_body(request: HttpRequest) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise BodyTooLarge
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge
    return bytes(body)


# ---------------------------------------------------------------------------------------------------
# Who may push for a device
# ---------------------------------------------------------------------------------------------------


def _offered_tokens(request: HttpRequest) -> list[str]:
    """Every device token the request offers: bearer header, Basic password, `?token=`."""
    tokens: list[str] = []
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        tokens.append(value.strip())
    elif scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        password = decoded.partition(":")[2]
        if password:
            tokens.append(password)
    query_token = request.GET.get("token", "").strip()
    if query_token:
        tokens.append(query_token)
    return tokens


def _same_address(registered: str, remote: str) -> bool:
    """The registered network address (an IP, optionally with a port) equals the request's peer."""
    text = registered.strip()
    if not text or not remote:
        return False
    if text.startswith("[") and "]" in text:  # [fe80::1]:80
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.168.1.64:80
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text) == ipaddress.ip_address(remote)
    except ValueError:
        return False


def device_authorised(request: HttpRequest, device: Device) -> bool:
    """Whether the request may push events for `device` (see the module docstring for the four ways)."""
    hashes = [hash_token(token) for token in _offered_tokens(request)]
    if hashes:
        token = ApiToken.objects.active().filter(device=device, key_hash__in=hashes).first()
        if token is not None:
            now = timezone.now()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            return True
    return _same_address(device.network_address, request.META.get("REMOTE_ADDR", ""))


def _unauthorised(code: str) -> JsonResponse:
    response = JsonResponse(
        {
            "error": "unauthorized",
            "detail": f"push for device {code} needs its device token (Bearer, Basic password or ?token=) "
            "or must come from the device's registered network address",
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Basic realm="anfang"'
    return response


# What is kept of a push to a device code nobody registered (no token can be checked for it).
UNKNOWN_DEVICE_KEEP_BYTES: Final = 64 * 1024


def _unknown_device(code: str, kept: int) -> JsonResponse:
    return JsonResponse(
        {"error": "unknown_device", "detail": f"no device with code {code}; the push was kept", "kept": kept},
        status=404,
    )


def _too_large() -> JsonResponse:
    return JsonResponse(
        {"error": "too_large", "detail": f"the body exceeds {MAX_BODY_BYTES} bytes"},
        status=413,
    )


def _result_headers(response: HttpResponse, results: list[IngestResult]) -> HttpResponse:
    if results:
        response["X-Anfang-Event"] = ",".join(str(r.id) for r in results)
        response["X-Anfang-Duplicate"] = ",".join("1" if r.duplicate else "0" for r in results)
    return response


# ---------------------------------------------------------------------------------------------------
# Hikvision ISAPI
# ---------------------------------------------------------------------------------------------------


def isapi_status(
    request_url: str, status_code: int = 1, status_string: str = "OK", sub_status: str = "ok"
) -> bytes:
    """ISAPI's `ResponseStatus`, as the device expects the alarm server to answer (statusCode 1 = OK)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ResponseStatus version="2.0" xmlns="{ISAPI_NAMESPACE}">\n'
        f"<requestURL>{escape(request_url)}</requestURL>\n"
        f"<statusCode>{status_code}</statusCode>\n"
        f"<statusString>{escape(status_string)}</statusString>\n"
        f"<subStatusCode>{escape(sub_status)}</subStatusCode>\n"
        "</ResponseStatus>\n"
    ).encode()


def _receive(request: HttpRequest, code: str) -> tuple[dt.datetime, bytes, str, Device | None] | HttpResponse:
    """The common start of a vendor push: the receive time, the body (size-checked), its content type and
    the device (None when the code is unknown: the push is still kept); or the refusal to answer."""
    received_at = timezone.now()
    try:
        body = _read_body(request)
    except BodyTooLarge:
        return _too_large()
    device = services.find_device(code)
    content_type = request.META.get("CONTENT_TYPE", "")
    if device is not None and not device_authorised(request, device):
        return _unauthorised(code)
    if device is None and len(body) > UNKNOWN_DEVICE_KEEP_BYTES:
        # Nobody vouches for a push to an unknown code: keep enough to recognise it, not megabytes.
        kept = services.record_unparseable(
            source="dahua" if request.path.startswith("/ingest/dahua/") else "isapi",
            device_code=code,
            raw=body[:UNKNOWN_DEVICE_KEEP_BYTES],
            content_type=content_type,
            error=f"unknown device; body of {len(body)} bytes (sha256 {hashlib.sha256(body).hexdigest()}) "
            f"cut to its first {UNKNOWN_DEVICE_KEEP_BYTES} bytes",
            received_at=received_at,
        )
        return _unknown_device(code, kept.pk)
    return received_at, body, content_type, device


@csrf_exempt
@require_POST
def isapi_push(request: HttpRequest, code: str) -> HttpResponse:
    """One `EventNotificationAlert` (bare XML, or multipart with pictures); ANPR reads are stored too."""
    push = _receive(request, code)
    if isinstance(push, HttpResponse):
        return push
    received_at, body, content_type, device = push
    with audit.actor(system=f"device:{device.code if device else code[:60]}"):
        try:
            alert = isapi.parse_alert(body, content_type)
        except isapi.IsapiFormatError as exc:
            kept = services.record_unparseable(
                source="isapi",
                device_code=code,
                raw=body,
                content_type=content_type,
                error=str(exc),
                received_at=received_at,
            )
            if device is None:
                return _unknown_device(code, kept.pk)
            status = isapi_status(request.path, 6, "Invalid XML Content", "badXmlContent")
            return HttpResponse(status, status=400, content_type="application/xml; charset=utf-8")
        if alert.is_anpr and device is not None:
            # A plate read of a lane's camera becomes a passage *instead of* a stored event (第9条, 第11条):
            # the passage keeps the read, its decision and both pictures for the retention; an
            # event beside it would store the pictures twice and give the alarm desk reads it never acts
            # on. Reads of a camera that watches no lane stay ordinary events (below).
            from anfang.vehicles.ingest import isapi_passage

            passage = isapi_passage(alert, device, received_at=received_at)
            if passage is not None:
                response = HttpResponse(
                    isapi_status(request.path), content_type="application/xml; charset=utf-8"
                )
                response["X-Anfang-Passage"] = str(passage.id)
                response["X-Anfang-Duplicate"] = "1" if passage.duplicate else "0"
                return response
        event = isapi.to_device_event(alert, device_code=device.code if device else code)
        # Pictures are stored as files; the raw body is kept when it is only the XML (or nobody knows
        # the device: then everything is kept for the administrator).
        raw = None if alert.pictures and device is not None else body
        result = services.ingest(
            event, received_at=received_at, raw=raw, content_type=content_type, device=device
        )
    if device is None:
        return _unknown_device(code, result.id)
    response = HttpResponse(isapi_status(request.path), content_type="application/xml; charset=utf-8")
    return _result_headers(response, [result])


# ---------------------------------------------------------------------------------------------------
# Dahua
# ---------------------------------------------------------------------------------------------------


def _dahua_blocks(body: bytes, content_type: str) -> tuple[list[dahua.DahuaEvent], list[tuple[bytes, str]]]:
    """The readable event blocks and the unreadable pieces (raw bytes, why) of one push body."""
    events: list[dahua.DahuaEvent] = []
    rejected: list[tuple[bytes, str]] = []
    if "multipart" in content_type.lower() or body.lstrip().startswith(b"--"):
        # The declared boundary if the body uses it, else the body's first line; never raises.
        parser = dahua.EventStreamParser.sniff(body, content_type)
        events = parser.feed(body) + parser.flush()
        rejected = [(exc.raw or str(exc).encode(), str(exc)) for exc in parser.take_rejected()]
        return events, rejected
    text = body.decode("utf-8", "replace")
    for block in split_blocks(text):
        try:
            events.append(dahua.parse_event_block(block))
        except dahua.DahuaFormatError as exc:
            rejected.append((block.encode("utf-8"), str(exc)))
    return events, rejected


@csrf_exempt
@require_POST
def dahua_push(request: HttpRequest, code: str) -> HttpResponse:
    """One or more `Code=…;action=…;index=…;data={…}` blocks (plain, or multipart chunks) → events."""
    push = _receive(request, code)
    if isinstance(push, HttpResponse):
        return push
    received_at, body, content_type, device = push
    device_code = device.code if device is not None else code
    results: list[IngestResult] = []
    kept: list[int] = []
    with audit.actor(system=f"device:{device_code[:60]}"):
        events, rejected = _dahua_blocks(body, content_type) if body.strip() else ([], [(body, "empty body")])
        if not events and not rejected:  # e.g. a multipart body cut off before its first part ended
            rejected = [(body, "no complete event block in the body")]
        for raw, error in rejected:
            kept.append(
                services.record_unparseable(
                    source="dahua",
                    device_code=device_code,
                    raw=raw,
                    content_type=content_type or "text/plain",
                    error=error,
                    received_at=received_at,
                ).pk
            )
        for block in events:
            event = dahua.to_device_event(block, device_code=device_code, received_at=received_at)
            results.append(
                services.ingest(
                    event,
                    received_at=received_at,
                    raw=block.raw.encode("utf-8", "replace"),
                    content_type="text/plain",
                    device=device,
                )
            )
    if device is None:
        return _unknown_device(code, [r.id for r in results][:1][0] if results else kept[0])
    payload: dict[str, Any] = {
        "events": [
            {"id": r.id, "duplicate": r.duplicate, "status": r.status, "alarm": r.alarm_id} for r in results
        ],
        "kept": kept,
    }
    if not results:
        payload.update(error="invalid_event", detail="no readable event block in the body")
        return JsonResponse(payload, status=400)
    return _result_headers(JsonResponse(payload), results)
