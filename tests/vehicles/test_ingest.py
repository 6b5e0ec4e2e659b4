"""Plate reads coming in: POST /api/v1/passages (JSON and multipart), Hikvision ANPR pushes and Dahua ITC
pushes become passages with their decision; bad bodies are kept raw and answered 4xx; repeats are
recognised."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone
from PIL import Image

from anfang import anpr
from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import InboundEvent
from anfang.core.choices import RoleChoices
from anfang.core.models import ApiToken
from anfang.vehicles.models import BlacklistEntry, Passage, ResidentVehicle
from tests.support import factories
from tests.support.api import (
    VIA,
    anonymous_via,
    assert_error,
    client_for_via,
    device_client_via,
    run_async,
)
from tests.support.shared_data import protocol_fixture
from tests.vehicles.conftest import Gate

pytestmark = pytest.mark.django_db

URL = "/api/v1/passages"
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg" * 10


@pytest.fixture(params=VIA)
def via(request: pytest.FixtureRequest) -> str:
    """POST /api/v1/passages through Django and through the ASGI fast path: the same answers."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def doc(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "device": "ANPR-IN",
        "external_id": "r-1",
        "plate": "辽H12345",
        "plate_color": "blue",
        "occurred_at": timezone.localtime().isoformat(),
        "confidence": 97,
    }
    body.update(kw)
    return {k: v for k, v in body.items() if v is not None}


def picture(kind: str = "plate", data: bytes = JPEG) -> dict[str, Any]:
    return {
        "name": f"{kind}.jpg",
        "content_type": "image/jpeg",
        "data": base64.b64encode(data).decode(),
        "kind": kind,
    }


def unparseable() -> list[InboundEvent]:
    return list(InboundEvent.objects.filter(status=EventStatusChoices.UNPARSEABLE).order_by("id"))


# ---------------------------------------------------------------------------------------------------
# POST /api/v1/passages
# ---------------------------------------------------------------------------------------------------


def test_a_residents_read_is_stored_decided_and_answered_202(via: str, gate: Gate) -> None:
    ResidentVehicle.objects.create(community=gate.tenancy.a, plate="辽H12345")
    response = device_client_via(gate.camera_in, via).post(
        URL, doc(pictures=[picture("plate"), picture("scene")])
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "duplicate": False,
        "decision": "open",
        "reason": "resident",
        "plate": "辽H12345",
        "alarm": None,
    }
    passage = Passage.objects.get(pk=body["id"])
    assert passage.lane == gate.lane_in and passage.direction == "in" and passage.source == "api"
    assert passage.confidence == 97
    assert passage.plate_picture.read() == JPEG and passage.scene_picture.read() == JPEG


def test_a_repeat_answers_the_first_passage(via: str, gate: Gate) -> None:
    client = device_client_via(gate.camera_in, via)
    first = client.post(URL, doc()).json()
    again = client.post(URL, doc())
    assert again.status_code == 202
    assert again.json() == {**first, "duplicate": True}
    assert Passage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_copies_sent_at_once_to_the_fast_path_make_one_passage(gate: Gate) -> None:
    """A camera that retries before its first answer (the writer threads store them side by side)."""
    from anfang.asgi import application

    raw = ApiToken.issue(name="cam", device=gate.camera_in)[1]
    body = json.dumps(doc(external_id="twice", pictures=[picture("plate")])).encode()

    async def post_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}
            return await asyncio.gather(*(client.post(URL, content=body, headers=headers) for _ in range(6)))

    answers = [r.json() for r in run_async(post_all)]
    assert {a["id"] for a in answers} == {Passage.objects.get().pk}
    assert sorted(a["duplicate"] for a in answers) == [False] + [True] * 5


def test_a_blacklisted_plate_answers_with_its_alarm(via: str, gate: Gate) -> None:
    BlacklistEntry.objects.create(community=gate.tenancy.a, plate="辽H12345", reason="欠费")
    body = device_client_via(gate.camera_in, via).post(URL, doc()).json()
    assert body["decision"] == "deny" and body["reason"] == "blacklisted" and body["alarm"]


def test_multipart_with_picture_files(via: str, gate: Gate) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = device_client_via(gate.camera_in, via).post(
        URL,
        {
            "json": json.dumps(doc(external_id="mp-1")),
            "plate_picture": SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg"),
            "scene_picture": SimpleUploadedFile("s.jpg", JPEG + b"s", content_type="image/jpeg"),
        },
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 202, response.content
    passage = Passage.objects.get(pk=response.json()["id"])
    assert passage.plate_picture.read() == JPEG
    assert passage.scene_picture.read() == JPEG + b"s"


def test_a_person_with_vehicle_rights_may_send_for_the_device(via: str, gate: Gate) -> None:
    response = client_for_via(gate.tenancy.manager_a, via).post(URL, doc())
    assert response.status_code == 202
    assert Passage.objects.get().device == gate.camera_in


def test_a_person_without_vehicle_rights_is_refused(via: str, gate: Gate) -> None:
    technician = factories.user("tech_a", community=gate.tenancy.a, role=RoleChoices.TECHNICIAN)
    assert_error(client_for_via(technician, via).post(URL, doc()), 403, "forbidden")
    # Another community's device does not exist for them.
    assert_error(client_for_via(gate.tenancy.manager_b, via).post(URL, doc()), 404, "unknown_device")
    assert not Passage.objects.exists()


def test_a_device_token_sends_only_for_its_own_device(via: str, gate: Gate) -> None:
    assert_error(device_client_via(gate.camera_out, via).post(URL, doc()), 403, "forbidden")
    assert_error(device_client_via(gate.camera_b, via).post(URL, doc()), 403, "forbidden")
    assert not Passage.objects.exists()


def test_no_token_or_a_bad_one_is_401(via: str, gate: Gate) -> None:
    assert_error(anonymous_via(via).post(URL, doc()), 401)
    assert_error(anonymous_via(via, "nope").post(URL, doc()), 401)


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        (b"not json", "__all__", 422),
        (b"[1, 2]", "__all__", 422),
        (json.dumps(doc(plate=12345)).encode(), "plate", 422),
        (json.dumps(doc(plate="辽H1234567890123456789")).encode(), "plate", 422),
        (json.dumps(doc(external_id=None)).encode(), "external_id", 422),
        (json.dumps(doc(occurred_at="yesterday")).encode(), "occurred_at", 422),
        (json.dumps(doc(occurred_at="2026-11-27T10:00:00")).encode(), "occurred_at", 422),
        (json.dumps(doc(occurred_at="2020-01-01T10:00:00+08:00")).encode(), "occurred_at", 422),
        (json.dumps(doc(confidence="high")).encode(), "confidence", 422),
        (json.dumps(doc(confidence=101)).encode(), "confidence", 422),
        (json.dumps(doc(direction="sideways")).encode(), "direction", 422),
        (json.dumps(doc(colour="blue")).encode(), "colour", 422),
        (json.dumps(doc(pictures={"kind": "plate"})).encode(), "pictures", 422),
        (json.dumps(doc(data=[1])).encode(), "data", 422),
        (json.dumps(doc(data={"x": "a\x00b"})).encode(), "data", 422),
        (json.dumps(doc(data={"x": float("nan")})).encode(), "data", 422),
        (json.dumps(doc(device="ANPR-IN\x00")).encode(), "device", 422),
        (
            json.dumps(doc(pictures=[{**picture(), "data": "%%%not base64"}])).encode(),
            "pictures[0].data",
            422,
        ),
        (json.dumps(doc(pictures=[{**picture(), "kind": "face"}])).encode(), "pictures[0].kind", 422),
        (json.dumps(doc(pictures=[picture(), picture(), picture("scene")])).encode(), "pictures", 422),
        (
            json.dumps(doc(pictures=[picture(data=b"\xff" * (2 * 1024 * 1024 + 1))])).encode(),
            "pictures[0].data",
            413,
        ),
    ],
)
def test_a_bad_body_is_kept_and_answered_with_the_field(
    via: str, gate: Gate, body: bytes, field: str, status: int
) -> None:
    response = device_client_via(gate.camera_in, via).post(URL, body, content_type="application/json")
    error = assert_error(response, status)
    assert error["field"] == field
    kept = unparseable()
    assert [k.pk for k in kept] == [error["kept"]]
    assert (
        kept[0].raw is not None
        and bytes(kept[0].raw) == body
        and kept[0].source == "api"
        and kept[0].device == gate.camera_in
    )
    assert not Passage.objects.exists()


def test_a_clock_off_by_more_than_a_day_is_a_device_fault(via: str, gate: Gate) -> None:
    late = (timezone.now() + dt.timedelta(days=1, minutes=5)).isoformat()
    error = assert_error(
        device_client_via(gate.camera_in, via).post(URL, doc(occurred_at=late)), 422, "clock_drift"
    )
    assert error["field"] == "occurred_at"


def test_a_body_above_the_limit_is_refused(via: str, gate: Gate) -> None:
    body = b'{"x": "' + b"a" * (7 * 1024 * 1024) + b'"}'
    assert_error(
        device_client_via(gate.camera_in, via).post(URL, body, content_type="application/json"),
        413,
        "too_large",
    )


def test_a_multipart_body_without_the_json_field_is_kept(via: str, gate: Gate) -> None:
    response = device_client_via(gate.camera_in, via).post(
        URL, {"document": "{}"}, content_type=MULTIPART_CONTENT
    )
    assert assert_error(response, 422)["field"] == "json"
    assert len(unparseable()) == 1


# ---------------------------------------------------------------------------------------------------
# A camera that cannot read plates: anfang reads the scene picture (第9条)
# ---------------------------------------------------------------------------------------------------

ANPR_IMAGES = Path(__file__).parent.parent / "anpr" / "images"
needs_anpr = pytest.mark.skipif(not anpr.available(), reason="ANPR model files not installed")


def scene(name: str = "s0004.jpg") -> bytes:
    return (ANPR_IMAGES / name).read_bytes()


def blank_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (70, 70, 70)).save(out, "JPEG")
    return out.getvalue()


@needs_anpr
def test_a_read_without_plate_is_read_from_its_scene_picture(via: str, gate: Gate) -> None:
    ResidentVehicle.objects.create(community=gate.tenancy.a, plate="苏EB68W9")
    body = doc(plate=None, plate_color=None, confidence=None, pictures=[picture("scene", scene())])
    response = device_client_via(gate.camera_in, via).post(URL, body)
    assert response.status_code == 202, response.content
    answer = response.json()
    assert (answer["plate"], answer["decision"], answer["reason"]) == ("苏EB68W9", "open", "resident")
    passage = Passage.objects.get(pk=answer["id"])
    assert passage.source == "api" and passage.plate_color == "blue"
    assert passage.confidence is not None and 50 < passage.confidence <= 100
    assert passage.data["anpr"]["read_from"] == "scene" and passage.data["anpr"]["text"] == "苏EB68W9"
    assert passage.scene_picture.read() == scene()
    assert passage.plate_picture.read()[:2] == b"\xff\xd8"  # the plate cut out of the scene, as JPEG


@needs_anpr
def test_a_multipart_read_without_plate_is_read_from_its_scene_file(via: str, gate: Gate) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = device_client_via(gate.camera_in, via).post(
        URL,
        {
            "json": json.dumps(doc(plate=None, external_id="mp-scene")),
            "scene_picture": SimpleUploadedFile("s.jpg", scene("s0052.jpg"), content_type="image/jpeg"),
        },
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 202, response.content
    assert Passage.objects.get().plate == "辽BMW005"


@needs_anpr
def test_a_scene_without_a_plate_is_kept_and_answered_no_plate(via: str, gate: Gate) -> None:
    body = json.dumps(doc(plate=None, pictures=[picture("scene", blank_jpeg())])).encode()
    response = device_client_via(gate.camera_in, via).post(URL, body, content_type="application/json")
    error = assert_error(response, 422, "no_plate")
    assert error["field"] == "plate"
    kept = unparseable()
    assert [k.pk for k in kept] == [error["kept"]] and bytes(kept[0].raw or b"") == body
    assert not Passage.objects.exists()


@needs_anpr
def test_an_unreadable_scene_without_plate_is_kept_and_refused(via: str, gate: Gate) -> None:
    body = json.dumps(doc(plate=None, pictures=[picture("scene", JPEG)])).encode()
    error = assert_error(
        device_client_via(gate.camera_in, via).post(URL, body, content_type="application/json"), 422
    )
    assert error["field"] == "pictures" and len(unparseable()) == 1
    assert not Passage.objects.exists()


def test_no_plate_and_no_picture_is_refused(via: str, gate: Gate) -> None:
    error = assert_error(device_client_via(gate.camera_in, via).post(URL, doc(plate=None)), 422)
    assert error["field"] == "plate" and len(unparseable()) == 1


def test_an_empty_plate_is_still_a_vehicle_without_plate(via: str, gate: Gate) -> None:
    """Only a missing plate asks anfang to read; "" is what a camera says for a car without plates."""
    response = device_client_via(gate.camera_in, via).post(URL, doc(plate="", pictures=[picture("scene")]))
    assert response.status_code == 202, response.content
    assert response.json()["reason"] == "no_plate"


# ---------------------------------------------------------------------------------------------------
# Hikvision ANPR pushes
# ---------------------------------------------------------------------------------------------------


def isapi_post(device: Any, body: bytes, content_type: str = "application/xml") -> Any:
    _token, raw = ApiToken.issue(name="push", device=device)
    return Client(enforce_csrf_checks=True).post(
        f"/ingest/isapi/{device.code}?token={raw}", body, content_type=content_type
    )


def multipart(xml: bytes, *parts: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = "MIME_boundary"
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\r\n'
        f"Content-Type: application/xml\r\n\r\n".encode()
        + xml
        + b"\r\n"
    ]
    for name, data in parts:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_chinese_anpr_fixture_becomes_a_passage_with_both_pictures(gate: Gate) -> None:
    xml = protocol_fixture("isapi/anpr_cn_plate_blue_wanA7XG66.xml")
    body, content_type = multipart(
        xml, ("licensePlatePicture.jpg", JPEG + b"plate"), ("detectionPicture.jpg", JPEG + b"scene")
    )
    response = isapi_post(gate.camera_in, body, content_type)
    assert response.status_code == 200, response.content
    assert b"<statusCode>1</statusCode>" in response.content
    passage = Passage.objects.get(pk=int(response["X-Anfang-Passage"]))
    assert passage.plate == "皖A7XG66" and passage.plate_raw == "皖A7XG66"
    assert passage.plate_color == "blue" and passage.source == "isapi"
    assert passage.confidence == 97 and passage.lane == gate.lane_in and passage.direction == "in"
    assert passage.data["license_plate_raw"] == "蓝皖A7XG66"
    assert passage.data["hikvision_direction"] == "reverse"
    assert passage.plate_picture.read() == JPEG + b"plate"
    assert passage.scene_picture.read() == JPEG + b"scene"
    # The fixture's clock (2023) is far off: the read counts at its arrival, the device's time is kept.
    assert abs((passage.occurred_at - timezone.now()).total_seconds()) < 60
    assert passage.data["device_time"].startswith("2023-10-10T18:21:01")
    # A passage instead of an alarm-side event; a repeat (same UUID) is the same passage.
    assert not InboundEvent.objects.exists()
    again = isapi_post(gate.camera_in, body, content_type)
    assert again["X-Anfang-Passage"] == response["X-Anfang-Passage"] and again["X-Anfang-Duplicate"] == "1"
    assert Passage.objects.count() == 1


def test_the_foreign_anpr_fixture_with_a_vehicle_picture(gate: Gate) -> None:
    xml = protocol_fixture("isapi/anpr_plate_KH35192.xml")
    body, content_type = multipart(xml, ("vehiclePicture.jpg", JPEG + b"v"))
    response = isapi_post(gate.camera_out, body, content_type)
    assert response.status_code == 200
    passage = Passage.objects.get()
    assert passage.lane == gate.lane_out and passage.direction == "out" and passage.decision == "open"
    assert passage.plate_raw == "KH35192" and passage.data["hikvision_direction"] == "forward"
    assert not passage.plate_picture and passage.scene_picture.read() == JPEG + b"v"


def test_an_anpr_push_of_a_camera_without_a_lane_stays_an_event(gate: Gate) -> None:
    other = factories.in_service_device(gate.tenancy.a, code="CAM-X", name="普通摄像机")
    response = isapi_post(other, protocol_fixture("isapi/anpr_plate_KH35192.xml"))
    assert response.status_code == 200
    assert not Passage.objects.exists()
    assert InboundEvent.objects.filter(device=other).count() == 1


def test_an_unreadable_isapi_push_of_a_lane_camera_is_kept(gate: Gate) -> None:
    response = isapi_post(gate.camera_in, b"<EventNotificationAlert><eventType>ANPR")
    assert response.status_code == 400
    assert len(unparseable()) == 1 and not Passage.objects.exists()


# ---------------------------------------------------------------------------------------------------
# Dahua ITC pushes
# ---------------------------------------------------------------------------------------------------


def dahua_post(device: Any, body: bytes, path: str = "NotificationInfo/TollgateInfo", **kw: Any) -> Any:
    _token, raw = ApiToken.issue(name="push", device=device)
    return Client(enforce_csrf_checks=True).post(
        f"/ingest/dahua/{device.code}/{path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def dahua_sample(name: str, *, now: bool = True) -> bytes:
    from pathlib import Path

    doc = json.loads((Path(__file__).parents[1] / "integrations" / "samples" / name).read_bytes())
    if now:  # the samples carry a fixed time; a live camera sends the current one
        snap = doc["Picture"]["SnapInfo"]
        local = timezone.localtime()
        if "AccurateTime" in snap:
            snap["AccurateTime"] = local.strftime("%Y-%m-%d %H:%M:%S.000")
        if "UTC" in snap:
            snap["UTC"] = int(local.timestamp())
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "sample", ["dahua_tollgate_v119.json", "dahua_tollgate_cutout.json", "dahua_tollgate_noplate_utc.json"]
)
def test_every_dahua_sample_becomes_a_passage(gate: Gate, sample: str) -> None:
    body = dahua_sample(sample)
    response = dahua_post(gate.camera_in, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["Result"] is True and answer["duplicate"] is False
    passage = Passage.objects.get(pk=answer["id"])
    assert passage.source == "dahua" and passage.lane == gate.lane_in
    assert abs((passage.occurred_at - timezone.now()).total_seconds()) < 3600 * 24
    again = dahua_post(gate.camera_in, body, path="tollgate").json()
    assert again["id"] == answer["id"] and again["duplicate"] is True


def test_the_dahua_v119_sample_is_read_fully(gate: Gate) -> None:
    answer = dahua_post(gate.camera_in, dahua_sample("dahua_tollgate_v119.json")).json()
    passage = Passage.objects.get(pk=answer["id"])
    assert passage.plate == "辽H12345" and passage.plate_color == "blue" and passage.confidence == 96
    assert passage.scene_picture and passage.data.get("vehicle_color") == "White"


def test_a_bad_dahua_push_is_kept_and_answered_400(gate: Gate) -> None:
    response = dahua_post(gate.camera_in, b"{not json")
    assert response.status_code == 400
    assert response.json()["Result"] is False
    assert [k.pk for k in unparseable()] == [response.json()["kept"]]
    bad_picture = json.dumps({"Picture": {"Plate": {"PlateNumber": "辽H1"}, "NormalPic": {"Content": "%%%"}}})
    assert dahua_post(gate.camera_in, bad_picture.encode()).status_code == 400
    assert len(unparseable()) == 2 and not Passage.objects.exists()


def test_a_dahua_push_needs_the_device_token(gate: Gate) -> None:
    response = Client().post(
        f"/ingest/dahua/{gate.camera_in.code}/NotificationInfo/TollgateInfo",
        dahua_sample("dahua_tollgate_v119.json"),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Passage.objects.exists()


def test_the_dahua_keepalive_is_answered_and_marks_the_camera_heard(gate: Gate) -> None:
    before = timezone.now()
    response = dahua_post(gate.camera_in, b'{"DeviceID": "ITC-GATE-N-01"}', path="NotificationInfo/KeepAlive")
    assert response.status_code == 200 and response.json()["Result"] is True
    gate.camera_in.refresh_from_db()
    assert gate.camera_in.last_seen_at is not None and gate.camera_in.last_seen_at >= before
