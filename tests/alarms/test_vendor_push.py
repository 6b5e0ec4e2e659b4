"""POST /ingest/isapi/<code> and /ingest/dahua/<code>: real vendor pushes stored before the 200, the
four ways a camera may authenticate, duplicates, unreadable bodies kept, unknown devices kept (404)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anfang.alarms.models import Alarm, EventPicture, InboundEvent
from anfang.core.models import ApiToken
from tests.alarms.conftest import AlarmSite
from tests.support.shared_data import protocol_fixture

pytestmark = pytest.mark.django_db

ISAPI = "/ingest/isapi/CAM-1"
DAHUA = "/ingest/dahua/CAM-1"
XML = "application/xml"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def token_for(device: Any) -> str:
    return ApiToken.issue(name=f"{device.code} push", device=device)[1]


def client() -> Client:
    return Client(enforce_csrf_checks=True)  # a camera has no CSRF token: the endpoints must not ask


def isapi_xml(event_type: str = "IO", when: str = "2026-11-27T10:00:00+08:00", port: int = 1) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">'
        f"<ipAddress>10.0.0.5</ipAddress><channelID>1</channelID><dateTime>{when}</dateTime>"
        f"<activePostCount>1</activePostCount><eventType>{event_type}</eventType>"
        f"<eventState>active</eventState><inputIOPortID>{port}</inputIOPortID><channelName>东门</channelName>"
        "</EventNotificationAlert>"
    ).encode()


def post(url: str, body: bytes, content_type: str = XML, **extra: Any) -> Any:
    return client().post(url, body, content_type=content_type, **extra)


# ---------------------------------------------------------------------------------------------------
# ISAPI
# ---------------------------------------------------------------------------------------------------


def test_a_real_io_alarm_push_is_stored_answered_ok_and_raises_an_alarm(site: AlarmSite) -> None:
    body = protocol_fixture("isapi/io_alarm_DS-2CD2T46G2-ISU.xml")
    response = post(ISAPI, body, HTTP_AUTHORIZATION=f"Bearer {token_for(site.camera)}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    text = response.content.decode()
    assert "<ResponseStatus" in text and "<statusCode>1</statusCode>" in text and "<subStatusCode>ok<" in text
    stored = InboundEvent.objects.get(pk=int(response["X-Anfang-Event"]))
    assert (stored.device, stored.source, stored.vendor_code, stored.zone) == (
        site.camera,
        "isapi",
        "IO",
        "1",
    )
    assert bytes(stored.raw) == body
    assert stored.clock_drift_flagged  # the sample is from 2024
    alarm = Alarm.objects.get(pk=stored.alarm_id)
    assert alarm.alarm_type == "intrusion" and alarm.device == site.camera


def test_basic_auth_with_the_device_token_as_password(site: AlarmSite) -> None:
    secret = base64.b64encode(f"admin:{token_for(site.camera)}".encode()).decode()
    response = post(ISAPI, isapi_xml(), HTTP_AUTHORIZATION=f"Basic {secret}")
    assert response.status_code == 200, response.content


def test_token_in_the_query_string(site: AlarmSite) -> None:
    response = post(f"{ISAPI}?token={token_for(site.camera)}", isapi_xml())
    assert response.status_code == 200, response.content


def test_the_registered_network_address_is_enough(site: AlarmSite) -> None:
    site.camera.network_address = "192.168.1.64"
    site.camera.save()
    assert post(ISAPI, isapi_xml(), REMOTE_ADDR="192.168.1.64").status_code == 200
    assert post(ISAPI, isapi_xml(port=2), REMOTE_ADDR="192.168.1.65").status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer not-a-token"},
        {"HTTP_AUTHORIZATION": "Basic !!!"},
        {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"admin:").decode()},
    ],
)
def test_without_a_valid_device_token_the_push_is_refused(site: AlarmSite, headers: dict[str, str]) -> None:
    response = post(ISAPI, isapi_xml(), **headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized" and "Basic" in response["WWW-Authenticate"]
    assert not InboundEvent.objects.exists()


def test_another_devices_token_is_refused_even_in_the_same_community(site: AlarmSite) -> None:
    response = post(ISAPI, isapi_xml(), HTTP_AUTHORIZATION=f"Bearer {token_for(site.far_camera)}")
    assert response.status_code == 401


def test_a_revoked_token_is_refused(site: AlarmSite) -> None:
    raw = token_for(site.camera)
    ApiToken.objects.filter(device=site.camera).update(revoked_at=timezone.now())
    assert post(ISAPI, isapi_xml(), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_community_b_device_cannot_be_pushed_with_a_community_a_token(site: AlarmSite) -> None:
    response = post("/ingest/isapi/PIR-B", isapi_xml(), HTTP_AUTHORIZATION=f"Bearer {token_for(site.camera)}")
    assert response.status_code == 401
    assert not InboundEvent.objects.exists()


def test_a_real_multipart_push_keeps_its_picture(site: AlarmSite) -> None:
    body = protocol_fixture("isapi/linedetection_multipart_boundary.multipart")
    response = post(
        f"{ISAPI}?token={token_for(site.camera)}", body, content_type="multipart/form-data; boundary=boundary"
    )
    assert response.status_code == 200, response.content
    stored = InboundEvent.objects.get(pk=int(response["X-Anfang-Event"]))
    assert stored.vendor_code == "linedetection" and stored.event_type == "perimeter"
    picture = EventPicture.objects.get(event=stored)
    assert picture.name == "test-image.jpg" and picture.size > 0
    assert Alarm.objects.get(pk=stored.alarm_id).alarm_type == "perimeter"


def test_the_same_push_twice_is_stored_once(site: AlarmSite) -> None:
    url = f"{ISAPI}?token={token_for(site.camera)}"
    first = post(url, isapi_xml())
    second = post(url, isapi_xml())
    assert first.status_code == second.status_code == 200
    assert first["X-Anfang-Event"] == second["X-Anfang-Event"]
    assert (first["X-Anfang-Duplicate"], second["X-Anfang-Duplicate"]) == ("0", "1")
    assert InboundEvent.objects.count() == 1 and Alarm.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [b"<notAnAlert/>", b"\x00\xff garbage", b"<EventNotificationAlert><eventType>IO", b""],
)
def test_an_unreadable_push_is_kept_raw_and_answered_400(site: AlarmSite, body: bytes) -> None:
    response = post(f"{ISAPI}?token={token_for(site.camera)}", body)
    assert response.status_code == 400
    assert "<statusCode>6</statusCode>" in response.content.decode()
    kept = InboundEvent.objects.get()
    assert (kept.status, kept.device, bytes(kept.raw or b"")) == ("unparseable", site.camera, body)
    assert kept.error


def test_an_unknown_device_code_is_kept_and_answered_404(site: AlarmSite) -> None:
    body = protocol_fixture("isapi/pir_alarm_DS-2CD2443G0-IW.xml")
    response = post("/ingest/isapi/NOBODY-7", body)
    assert response.status_code == 404
    answer = response.json()
    assert answer["error"] == "unknown_device"
    kept = InboundEvent.objects.get(pk=answer["kept"])
    assert (kept.status, kept.device_code, bytes(kept.raw)) == ("unknown_device", "NOBODY-7", body)
    assert not Alarm.objects.exists()


def test_a_real_anpr_push_is_stored_as_an_event_not_an_alarm(site: AlarmSite) -> None:
    body = protocol_fixture("isapi/anpr_cn_plate_blue_wanA7XG66.xml")
    response = post(f"{ISAPI}?token={token_for(site.camera)}", body)
    assert response.status_code == 200, response.content
    stored = InboundEvent.objects.get()
    assert (stored.event_type, stored.vendor_code, stored.status) == ("other", "ANPR", "logged")
    assert stored.data["anpr"]["plate"] == "皖A7XG66" and stored.data["anpr"]["plate_color"] == "blue"
    assert not Alarm.objects.exists()


def test_only_post_is_allowed(site: AlarmSite) -> None:
    assert client().get(ISAPI).status_code == 405


def test_a_trailing_slash_is_accepted(site: AlarmSite) -> None:
    assert post(f"{ISAPI}/?token={token_for(site.camera)}", isapi_xml()).status_code == 200


def test_a_body_above_the_limit_is_refused_before_reading(site: AlarmSite, monkeypatch: Any) -> None:
    from anfang.alarms import vendor_push

    monkeypatch.setattr(vendor_push, "MAX_BODY_BYTES", 100)
    response = post(f"{ISAPI}?token={token_for(site.camera)}", isapi_xml())
    assert response.status_code == 413
    assert not InboundEvent.objects.exists()


# ---------------------------------------------------------------------------------------------------
# Dahua
# ---------------------------------------------------------------------------------------------------


def dahua_part(block: str, boundary: str = "myboundary") -> str:
    length = len(block.encode())
    return f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\n\r\n{block}\r\n"


def test_a_real_dahua_block_is_stored(site: AlarmSite) -> None:
    body = protocol_fixture("dahua/eventmanager_smartmotionhuman.txt")
    response = post(f"{DAHUA}?token={token_for(site.camera)}", body, content_type="text/plain")
    assert response.status_code == 200, response.content
    (answer,) = response.json()["events"]
    stored = InboundEvent.objects.get(pk=answer["id"])
    assert (stored.source, stored.vendor_code, stored.event_type, stored.status) == (
        "dahua",
        "SmartMotionHuman",
        "motion",
        "logged",
    )


def test_a_multipart_push_with_several_blocks_gives_several_events(site: AlarmSite) -> None:
    utc = int(timezone.now().timestamp())
    crossing = (
        f'Code=CrossLineDetection;action=Start;index=0;data={{"UTC": {utc}, "EventID": 77, "Name": "东墙"}}'
    )
    body = (
        dahua_part(crossing)
        + dahua_part(protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt").decode())
        + dahua_part("Heartbeat")
        + "--myboundary--\r\n"
    ).encode()
    response = post(
        f"{DAHUA}?token={token_for(site.camera)}",
        body,
        content_type="multipart/x-mixed-replace; boundary=myboundary",
    )
    assert response.status_code == 200, response.content
    events = response.json()["events"]
    assert [e["status"] for e in events] == ["alarm", "logged", "heartbeat"]
    assert Alarm.objects.get(pk=events[0]["alarm"]).alarm_type == "perimeter"
    again = post(
        f"{DAHUA}?token={token_for(site.camera)}",
        body,
        content_type="multipart/x-mixed-replace; boundary=myboundary",
    )
    assert [e["duplicate"] for e in again.json()["events"][:2]] == [True, True]  # blocks with their own time


def test_a_bad_block_is_kept_beside_the_good_ones(site: AlarmSite) -> None:
    body = b"Code=VideoMotion;action=Start;index=0\nCode=VideoLoss;action=Start;index=x;data={oops\n"
    response = post(f"{DAHUA}?token={token_for(site.camera)}", body, content_type="text/plain")
    assert response.status_code == 200
    answer = response.json()
    assert len(answer["events"]) == 1 and len(answer["kept"]) == 1
    kept = InboundEvent.objects.get(pk=answer["kept"][0])
    assert kept.status == "unparseable" and b"VideoLoss" in bytes(kept.raw)


@pytest.mark.parametrize("body", [b"", b"hello there", b"\xff\xfe\x00", "--边界\r\n\r\nx".encode()])
def test_a_dahua_body_without_any_event_is_kept_and_answered_400(site: AlarmSite, body: bytes) -> None:
    response = post(f"{DAHUA}?token={token_for(site.camera)}", body, content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_event"
    assert InboundEvent.objects.filter(status="unparseable").count() == 1


def test_dahua_needs_the_same_device_auth(site: AlarmSite) -> None:
    response = post(DAHUA, b"Code=VideoMotion;action=Start;index=0", content_type="text/plain")
    assert response.status_code == 401
    assert not InboundEvent.objects.exists()


def test_dahua_unknown_device_is_kept_and_answered_404(site: AlarmSite) -> None:
    response = post(
        "/ingest/dahua/NOBODY-8", b"Code=VideoMotion;action=Start;index=0", content_type="text/plain"
    )
    assert response.status_code == 404
    kept = InboundEvent.objects.get(pk=response.json()["kept"])
    assert kept.status == "unknown_device" and kept.device_code == "NOBODY-8"


def test_the_isapi_answer_is_well_formed_xml(site: AlarmSite) -> None:
    from defusedxml.ElementTree import fromstring

    response = post(
        f"{ISAPI}?token={token_for(site.camera)}", isapi_xml(when=dt.datetime.now(dt.UTC).isoformat())
    )
    root = fromstring(response.content)
    assert root.tag.endswith("ResponseStatus")
    assert json.dumps(
        {child.tag.split("}")[1]: child.text for child in root}
    )  # every element has a plain name


def test_a_large_push_to_an_unknown_code_is_kept_only_in_part(site: AlarmSite) -> None:
    body = b"<EventNotificationAlert>" + b"x" * 200_000
    response = post("/ingest/isapi/NOBODY-9", body, content_type="application/xml")
    assert response.status_code == 404
    kept = InboundEvent.objects.get(pk=response.json()["kept"])
    assert len(bytes(kept.raw)) == 64 * 1024 and "200024 bytes" in kept.error


@pytest.mark.parametrize("body", [b"--x", b'--""\r\n'])
def test_a_cut_off_multipart_push_is_kept_for_known_and_unknown_devices(site: AlarmSite, body: bytes) -> None:
    known = post(f"{DAHUA}?token={token_for(site.camera)}", body, content_type="text/plain")
    assert known.status_code == 400 and len(known.json()["kept"]) == 1
    unknown = post("/ingest/dahua/NOBODY-7", body, content_type="text/plain")
    assert unknown.status_code == 404 and InboundEvent.objects.filter(pk=unknown.json()["kept"]).exists()
