"""POST /api/v1/events: the generic device event contract.

Every test runs twice: through Django (the test client: ninja's endpoint) and through the ASGI
application uvicorn serves, where device tokens take the fast path (`alarms.ingest.device_events`,
the process's `EventPipeline`) and everything else is handed to Django. The answers must be the same.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import Alarm, InboundEvent
from tests.alarms.conftest import AlarmSite
from tests.support import api as api_support
from tests.support.api import assert_error

URL = "/api/v1/events"


@pytest.fixture(params=api_support.VIA)
def via(request: pytest.FixtureRequest) -> str:
    return str(request.param)


device_client = api_support.device_client_via
client_for = api_support.client_for_via


def body(**kw: Any) -> dict[str, Any]:
    doc = {
        "device": "PIR-1",
        "external_id": "evt-1",
        "type": "perimeter",
        "occurred_at": "2026-11-27T03:00:00+08:00",
    }
    doc.update(kw)
    return doc


def test_device_token_posts_an_event_and_gets_202_with_the_stored_id(via: str, site: AlarmSite) -> None:
    client = device_client(site.detector, via)
    response = client.post(URL, body(zone="3"))
    assert response.status_code == 202, response.content
    answer = response.json()
    assert answer["duplicate"] is False and answer["status"] == "alarm"
    row = InboundEvent.objects.get(pk=answer["id"])
    assert (row.device, row.zone, row.source) == (site.detector, "3", "api")
    assert Alarm.objects.get(pk=answer["alarm"]).state == "new"
    again = client.post(URL, body(zone="3")).json()
    assert again["duplicate"] is True and again["id"] == answer["id"]


def test_pictures_in_base64_are_kept(via: str, site: AlarmSite, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    pic = {"name": "a.jpg", "content_type": "image/jpeg", "data": base64.b64encode(b"JPEGDATA").decode()}
    answer = device_client(site.detector, via).post(URL, body(pictures=[pic])).json()
    assert InboundEvent.objects.get(pk=answer["id"]).pictures.get().image.read() == b"JPEGDATA"


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (body(type="explosion"), "type"),
        (body(occurred_at="yesterday"), "occurred_at"),
        (body(occurred_at="2026-11-27T03:00:00"), "occurred_at"),
        (body(external_id=""), "external_id"),
        (body(pictures=[{"data": "***"}]), "pictures[0].data"),
        (body(occurred_at="9999-12-31T23:00:00-05:00"), "occurred_at"),  # beyond year 9999 in UTC
        (body(data={"v": 1e999}), "body"),  # infinity: the database would refuse it
        ([1, 2], "body"),
    ],
)
def test_bad_event_is_refused_clearly_and_kept_raw(via: str, site: AlarmSite, doc: Any, field: str) -> None:
    response = device_client(site.detector, via).post(URL, doc)
    answer = assert_error(response, 422, "invalid_event")
    assert answer["field"] == field
    kept = InboundEvent.objects.get(pk=answer["kept"])
    assert kept.status == EventStatusChoices.UNPARSEABLE and kept.raw and field in kept.error
    assert Alarm.objects.count() == 0


def test_not_json_is_kept_too(via: str, site: AlarmSite) -> None:
    response = device_client(site.detector, via).post(
        URL, b"\x00\xffgarbage", content_type="application/json"
    )
    assert assert_error(response, 422)["field"] == "body"
    assert bytes(InboundEvent.objects.get().raw) == b"\x00\xffgarbage"


def test_a_device_token_sends_only_for_its_own_device(via: str, site: AlarmSite) -> None:
    response = device_client(site.detector, via).post(URL, body(device="PIR-B"))
    assert_error(response, 403)
    assert InboundEvent.objects.count() == 0


def test_a_managers_token_sends_for_their_community_only(via: str, site: AlarmSite) -> None:
    manager = client_for(site.tenancy.manager_a, via)
    assert manager.post(URL, body()).status_code == 202
    assert_error(manager.post(URL, body(device="PIR-B")), 403)
    unknown = manager.post(URL, body(device="GHOST")).json()
    assert InboundEvent.objects.get(pk=unknown["id"]).status == EventStatusChoices.UNKNOWN_DEVICE


def test_no_token_no_event(via: str, site: AlarmSite, client: Any) -> None:
    poster = client if via == "django" else api_support.AsgiClient(None)
    assert poster.post(URL, body(), content_type="application/json").status_code == 401
    assert InboundEvent.objects.count() == 0


def test_a_number_too_large_for_the_database_is_refused_and_kept(via: str, site: AlarmSite) -> None:
    raw = (
        b'{"device": "PIR-1", "external_id": "big", "type": "perimeter",'
        b' "occurred_at": "2026-11-27T03:00:00+08:00", "data": {"v": 1e999}}'
    )
    response = device_client(site.detector, via).post(URL, raw, content_type="application/json")
    assert assert_error(response, 422)["field"] == "body"
    assert bytes(InboundEvent.objects.get(status="unparseable").raw) == raw
