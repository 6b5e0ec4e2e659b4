"""GET /api/v1/passages (search, one passage, pictures) and the override: scoped to the communities whose
vehicle records the caller may see, every search and picture view access-logged (R-33.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anfang.core.choices import RoleChoices
from anfang.core.models import AccessRecord
from anfang.vehicles import services
from anfang.vehicles.models import Passage
from tests.support import factories
from tests.support.api import assert_error, client_for, device_client
from tests.vehicles.conftest import Gate, read

pytestmark = pytest.mark.django_db

URL = "/api/v1/passages"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def passage(gate: Gate, plate: str = "辽H12345", device: Any = None, **kw: Any) -> Passage:
    result = services.record_passage(read(plate, **kw), device=device or gate.camera_in)
    return Passage.objects.get(pk=result.id)


def access_rows(resource: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(resource=resource).order_by("seq"))


def test_a_search_lists_the_communitys_passages_and_is_access_logged(gate: Gate) -> None:
    mine = passage(gate, pictures=True)
    passage(gate, "辽B77777", device=gate.camera_b)
    response = client_for(gate.tenancy.operator_a).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == mine.pk and item["community"] == "a" and item["lane"] == "E-IN"
    assert item["plate"] == "辽H12345" and item["direction"] == "in"
    assert (
        item["decision"] == "ask" and item["final_decision"] == "ask" and item["reason"] == "unknown_vehicle"
    )
    assert item["pictures"]["plate"].endswith(f"/passages/{mine.pk}/pictures/plate")
    rows = access_rows("vehicle_passages")
    assert len(rows) == 1 and rows[0].kind == "search" and rows[0].result_count == 1


def test_filters_plate_pattern_time_lane_entrance_direction(gate: Gate) -> None:
    now = timezone.now()
    a = passage(gate, "辽H12345", at=now - dt.timedelta(hours=2))
    b = passage(gate, "辽H19999", device=gate.camera_out, at=now - dt.timedelta(minutes=5))
    passage(gate, "京A00001", at=now - dt.timedelta(minutes=1))
    client = client_for(gate.tenancy.manager_a)

    def ids(**params: Any) -> list[int]:
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids(plate="辽H12345") == [a.pk]
    assert ids(plate="辽H1*") == [b.pk, a.pk]
    assert ids(plate="*9999") == [b.pk]
    assert ids(**{"from": (now - dt.timedelta(hours=1)).isoformat(), "plate": "辽H1*"}) == [b.pk]
    assert ids(to=(now - dt.timedelta(hours=1)).isoformat()) == [a.pk]
    assert ids(lane="E-OUT") == [b.pk]
    assert ids(direction="out") == [b.pk]
    assert len(ids(entrance="G1")) == 3
    assert ids(community="a", limit=1, offset=1) == [b.pk]
    logged = access_rows("vehicle_passages")
    assert len(logged) == 9
    assert logged[0].query["plate"] == "辽H12345"


def test_bad_filters_are_422(gate: Gate) -> None:
    client = client_for(gate.tenancy.manager_a)
    assert_error(client.get(URL, {"from": "yesterday"}), 422, "invalid")
    assert_error(client.get(URL, {"direction": "up"}), 422, "invalid")
    assert_error(client.get(URL, {"limit": 0}), 422, "invalid")
    assert_error(client.get(URL, {"plate": "x" * 30}), 422, "invalid")


def test_another_communitys_passages_never_show(gate: Gate) -> None:
    theirs = passage(gate, "辽B77777", device=gate.camera_b)
    client = client_for(gate.tenancy.manager_a)
    assert client.get(URL, {"plate": "辽B77777"}).json()["count"] == 0
    assert client.get(URL, {"plate": "辽B*"}).json()["count"] == 0
    assert_error(client.get(URL, {"community": "b"}), 404)
    assert_error(client.get(f"{URL}/{theirs.pk}"), 404)
    assert_error(client.get(f"{URL}/{theirs.pk}/pictures/plate"), 404)
    assert_error(client.post(f"{URL}/{theirs.pk}/override", {"decision": "open", "reason": "x"}), 404)
    # B's manager sees it.
    assert client_for(gate.tenancy.manager_b).get(f"{URL}/{theirs.pk}").status_code == 200


def test_police_see_their_stations_passages(gate: Gate) -> None:
    mine = passage(gate)
    response = client_for(gate.tenancy.police_a).get(URL)
    assert [i["id"] for i in response.json()["items"]] == [mine.pk]


def test_a_role_without_vehicle_rights_sees_nothing(gate: Gate) -> None:
    mine = passage(gate)
    technician = factories.user("tech_a", community=gate.tenancy.a, role=RoleChoices.TECHNICIAN)
    client = client_for(technician)
    assert client.get(URL).json()["count"] == 0
    assert_error(client.get(f"{URL}/{mine.pk}"), 404)
    assert_error(client.get(URL, {"community": "a"}), 403)


def test_device_tokens_and_anonymous_callers_cannot_search(gate: Gate) -> None:
    assert_error(device_client(gate.camera_in).get(URL), 403)
    assert_error(Client().get(URL), 401)


def test_one_passage_and_its_pictures_are_access_logged(gate: Gate) -> None:
    mine = passage(gate, pictures=True)
    client = client_for(gate.tenancy.operator_a)
    body = client.get(f"{URL}/{mine.pk}").json()
    assert body["id"] == mine.pk and body["pictures"]["scene"]
    response = client.get(body["pictures"]["plate"])
    assert response.status_code == 200
    assert response.getvalue() == b"\xff\xd8plate"
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    assert len(access_rows("vehicle_passage")) == 1
    rows = access_rows("vehicle_passage_picture")
    assert len(rows) == 1 and rows[0].query == {"passage": mine.pk, "picture": "plate"}
    assert rows[0].community_id == gate.tenancy.a.pk


def test_a_missing_picture_is_404(gate: Gate) -> None:
    mine = passage(gate)
    client = client_for(gate.tenancy.operator_a)
    assert client.get(f"{URL}/{mine.pk}").json()["pictures"] == {"plate": None, "scene": None}
    assert_error(client.get(f"{URL}/{mine.pk}/pictures/plate"), 404)
    assert client.get(f"{URL}/{mine.pk}/pictures/face").status_code == 422


def test_the_session_reads_pictures_too(gate: Gate) -> None:
    mine = passage(gate, pictures=True)
    browser = Client()
    browser.force_login(gate.tenancy.operator_a)
    assert browser.get(f"{URL}/{mine.pk}/pictures/scene").status_code == 200


def test_a_guard_opens_by_hand_with_a_reason(gate: Gate) -> None:
    mine = passage(gate)
    client = client_for(gate.tenancy.operator_a)
    response = client.post(f"{URL}/{mine.pk}/override", {"decision": "open", "reason": "业主来访"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] == "ask" and body["override"] == "open" and body["final_decision"] == "open"
    assert body["override_reason"] == "业主来访" and body["overridden_by"]
    assert body["gate_status"] == "no_barrier"


def test_an_override_needs_a_reason_a_known_decision_and_the_right(gate: Gate) -> None:
    mine = passage(gate)
    client = client_for(gate.tenancy.operator_a)
    url = f"{URL}/{mine.pk}/override"
    assert_error(client.post(url, {"decision": "open", "reason": "  "}), 400, "reason_required")
    assert_error(client.post(url, {"decision": "maybe", "reason": "x"}), 422, "invalid")
    assert_error(client.post(url, {"decision": "open"}), 422, "invalid")
    assert_error(client.post(url, {"decision": "open", "reason": "x", "extra": 1}), 422, "invalid")
    assert_error(client.post(url, "not json", content_type="application/json"), 400)
    assert_error(client_for(gate.tenancy.police_a).post(url, {"decision": "open", "reason": "x"}), 403)
    assert not Passage.objects.get(pk=mine.pk).override
