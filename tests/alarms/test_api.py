"""Alarm API: list, read, every action as JSON; scoping A/B; police read only what was reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.models import Alarm, EventPicture, PoliceReport
from anfang.core.models import AccessRecord
from anfang.integrations.events import Picture
from tests.alarms.conftest import AlarmSite, event
from tests.support.api import assert_error, client_for, device_client

pytestmark = pytest.mark.django_db

API = "/api/v1/alarms"


def raise_alarm(external_id: str = "e1", **kw: Any) -> Alarm:
    result = services.ingest(event(external_id=external_id, **kw))
    assert result.alarm_id is not None
    return Alarm.objects.get(pk=result.alarm_id)


def test_list_is_scoped_filtered_and_paginated(site: AlarmSite) -> None:
    perimeter = raise_alarm("e1")
    sos = services.ingest(event(device="SOS-1", external_id="s1", type="emergency", zone="")).alarm_id
    services.ingest(event(device="PIR-B", external_id="b1"))
    client = client_for(site.tenancy.operator_a)
    body = client.get(API).json()
    assert body["count"] == 2
    assert {item["community"] for item in body["items"]} == {"a"}
    # open=true: console order (priority first).
    assert [i["id"] for i in client.get(f"{API}?open=true").json()["items"]] == [sos, perimeter.pk]
    assert [i["id"] for i in client.get(f"{API}?type=emergency").json()["items"]] == [sos]
    assert [i["id"] for i in client.get(f"{API}?priority=2").json()["items"]] == [perimeter.pk]
    assert client.get(f"{API}?state=acknowledged").json()["count"] == 0
    assert client.get(f"{API}?open=false").json()["count"] == 0
    page = client.get(f"{API}?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1
    item = body["items"][0]
    assert {"type_label", "priority_label", "state_label", "claimed_by", "event_count"} <= set(item)
    # Another community's code: 404, as everywhere.
    assert_error(client.get(f"{API}?community=b"), 404)


@pytest.mark.parametrize("query", ["state=burning", "priority=9", "open=maybe", "limit=0", "community=a%00"])
def test_bad_filters_are_4xx(site: AlarmSite, query: str) -> None:
    response = client_for(site.tenancy.operator_a).get(f"{API}?{query}")
    assert 400 <= response.status_code < 500


def test_detail_has_checklist_actions_reports_events_and_cameras(site: AlarmSite) -> None:
    alarm = raise_alarm()
    services.report_to_police(alarm, by=site.tenancy.operator_a, channel="110", officer="王")
    body = client_for(site.tenancy.operator_a).get(f"{API}/{alarm.pk}").json()
    assert body["id"] == alarm.pk and body["type"] == "perimeter"
    assert len(body["checklist"]) == 4 and body["checklist"][0]["done"] is False
    assert [a["action"] for a in body["actions"]] == ["raise", "report_police"]
    assert body["police_reports"][0]["officer"] == "王"
    assert body["events"][0]["device"] == "PIR-1"
    assert [c["code"] for c in body["cameras"]] == ["CAM-1"]


def test_every_action_through_the_api(site: AlarmSite) -> None:
    alarm = raise_alarm()
    client = client_for(site.tenancy.operator_a)

    def post(action: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        response = client.post(f"{API}/{alarm.pk}/{action}", data or {})
        assert response.status_code == 200, response.content
        result: dict[str, Any] = response.json()
        return result

    assert post("claim")["claimed_by_id"] == site.tenancy.operator_a.pk
    assert post("release")["claimed_by_id"] is None
    assert post("acknowledge", {"note": "看到了"})["state"] == "acknowledged"
    assert post("verify")["state"] == "verifying"
    item = alarm.checklist.order_by("order").first()
    assert post("checklist", {"item": item.pk})["checklist"][0]["done"] is True
    assert post("checklist", {"item": item.pk, "done": False})["checklist"][0]["done"] is False
    assert post("dispatch", {"to": "巡逻二组"})["dispatched_to"] == "巡逻二组"
    assert post("confirm-real", {"note": "确有其事"})["confirmed_real"] is True
    reported = post("report-police", {"channel": "station_phone", "case_number": "C-9"})
    assert reported["police_reports"][0]["case_number"] == "C-9" and reported["police_reported_at"]
    assert post("note", {"note": "现场已控制"})["actions"][-1]["note"] == "现场已控制"
    done = post("resolve", {"outcome": "real_incident", "note": "已移交"})
    assert (done["state"], done["outcome"], done["open"]) == ("resolved", "real_incident", False)


def test_domain_refusals_are_json_4xx(site: AlarmSite) -> None:
    alarm = raise_alarm()
    client = client_for(site.tenancy.operator_a)
    assert_error(client.post(f"{API}/{alarm.pk}/verify", {}), 409, "invalid_transition")
    assert_error(client.post(f"{API}/{alarm.pk}/release", {}), 409, "not_claimed")
    services.claim(alarm, by=site.tenancy.manager_a)
    body = assert_error(client.post(f"{API}/{alarm.pk}/acknowledge", {}), 409, "claimed")
    assert "接管" in body["detail"]
    taken = client.post(f"{API}/{alarm.pk}/acknowledge", {"take_over": True}).json()
    assert taken["claimed_by_id"] == site.tenancy.operator_a.pk
    assert_error(client.post(f"{API}/{alarm.pk}/checklist", {"item": 999999}), 404, "not_found")
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert_error(
        client.post(f"{API}/{alarm.pk}/report-police", {"channel": "110", "reported_at": future}),
        400,
        "reported_in_future",
    )
    assert not PoliceReport.objects.exists()
    assert_error(
        client.post(f"{API}/{alarm.pk}/resolve", {"outcome": "test", "note": " "}), 400, "note_required"
    )


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("resolve", {"outcome": "bored", "note": "x"}),
        ("resolve", {"note": "x"}),
        ("dispatch", {}),
        ("note", {"note": ""}),
        ("report-police", {"channel": "pigeon"}),
        ("acknowledge", {"nope": 1}),
        ("note", {"note": "a\x00b"}),
        ("acknowledge", [1]),
    ],
)
def test_bad_bodies_are_422(site: AlarmSite, action: str, data: Any) -> None:
    alarm = raise_alarm()
    assert_error(client_for(site.tenancy.operator_a).post(f"{API}/{alarm.pk}/{action}", data), 422, "invalid")


def test_another_community_gets_404_for_everything(site: AlarmSite) -> None:
    alarm = raise_alarm()
    client = client_for(site.tenancy.manager_b)
    assert client.get(API).json()["count"] == 0
    assert_error(client.get(f"{API}/{alarm.pk}"), 404)
    assert_error(client.post(f"{API}/{alarm.pk}/acknowledge", {}), 404)
    assert Alarm.objects.get(pk=alarm.pk).state == "new"


def test_police_read_only_what_was_reported_and_cannot_act(site: AlarmSite) -> None:
    alarm = raise_alarm()
    raise_alarm("e2", zone="5")
    police = client_for(site.tenancy.police_a)
    assert police.get(API).json()["count"] == 0
    assert_error(police.get(f"{API}/{alarm.pk}"), 404)
    services.report_to_police(alarm, by=site.tenancy.operator_a, channel="110")
    assert [i["id"] for i in police.get(API).json()["items"]] == [alarm.pk]
    assert police.get(f"{API}/{alarm.pk}").status_code == 200
    assert_error(police.post(f"{API}/{alarm.pk}/acknowledge", {}), 403, "forbidden")


def test_device_tokens_and_strangers_are_refused(site: AlarmSite) -> None:
    from django.test import Client

    alarm = raise_alarm()
    assert_error(device_client(site.detector).get(API), 403)
    assert_error(device_client(site.detector).post(f"{API}/{alarm.pk}/acknowledge", {}), 403)
    assert_error(Client().get(API), 401)


def test_pictures_through_the_api_are_scoped_and_logged(
    site: AlarmSite, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = services.ingest(event(pictures=(Picture("p.png", "image/png", b"\x89PNGdata"),)))
    alarm = Alarm.objects.get(pk=result.alarm_id)
    client = client_for(site.tenancy.operator_a)
    url = client.get(f"{API}/{alarm.pk}").json()["events"][0]["pictures"][0]["url"]
    assert url == f"{API}/{alarm.pk}/pictures/{EventPicture.objects.get().pk}"
    before = AccessRecord.objects.count()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNGdata"
    assert AccessRecord.objects.count() == before + 1
    assert_error(client_for(site.tenancy.manager_b).get(url), 404)
