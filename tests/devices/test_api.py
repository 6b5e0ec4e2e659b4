"""Devices API: catalogue (第24条), devices, lifecycle actions (第29条), change control (第33条第(3)项)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anfang.core.models import ChangeRecord
from anfang.devices.models import AcceptanceRecord, ChangeAuthorisation, Device
from tests.support import factories
from tests.support.api import (
    API,
    ReferenceAPITests,
    ScopedAPITests,
    assert_error,
    client_for,
    device_client,
)

pytestmark = pytest.mark.django_db


class TestDevices(ScopedAPITests):
    object_type = "devices.device"

    def list_url(self, community: Any) -> str:
        return f"{API}/devices?community={community.code}"

    def detail_url(self, obj: Any) -> str:
        return f"{API}/devices/{obj.code}"

    def make(self, community: Any) -> Device:
        return factories.device(community)

    def create_data(self, tenancy: Any) -> dict[str, Any]:
        return {
            "code": "cam-1",
            "community": tenancy.a.code,
            "name": "南门摄像机",
            "subsystem": "video",
            "kind": "camera",
            "position": {"type": "Point", "coordinates": [5, 5]},
            "port": 554,
        }

    def update_data(self, tenancy: Any) -> dict[str, Any]:
        return {"name": "北门摄像机", "network_address": "10.0.0.9"}


class TestManufacturers(ReferenceAPITests):
    object_type = "devices.manufacturer"
    list_url = f"{API}/manufacturers"
    creators = ("admin", "manager_a")

    def make(self) -> Any:
        return factories.device_model().manufacturer

    def create_data(self) -> dict[str, Any]:
        return {"code": "hik", "name": "海康威视"}

    def update_data(self) -> dict[str, Any]:
        return {"name": "杭州海康威视"}


class TestDeviceModels(ReferenceAPITests):
    object_type = "devices.devicemodel"
    list_url = f"{API}/device-models"
    key = "id"
    creators = ("admin", "manager_a")

    def make(self) -> Any:
        return factories.device_model()

    def create_data(self) -> dict[str, Any]:
        maker = factories.device_model(certified=False).manufacturer
        return {"manufacturer": maker.code, "model_number": "DS-2CD", "subsystem": "video", "kind": "camera"}

    def update_data(self) -> dict[str, Any]:
        return {"name": "筒型网络摄像机"}


class TestCertificates(ReferenceAPITests):
    object_type = "devices.certificate"
    list_url = f"{API}/certificates"
    key = "id"
    creators = ("admin", "manager_a")

    def make(self) -> Any:
        return factories.device_model().certificates.get()

    def create_data(self) -> dict[str, Any]:
        model = factories.device_model(certified=False)
        return {
            "device_model": model.pk,
            "certificate_type": "production_registration",
            "number": "辽GA-1",
            "issuer": "辽宁省公安厅",
            "issued_on": "2025-01-01",
            "expires_on": "2030-01-01",
        }

    def update_data(self) -> dict[str, Any]:
        return {"issuer_level": "national"}


# ---------------------------------------------------------------------------------------------------
# Catalogue details
# ---------------------------------------------------------------------------------------------------


def test_device_model_shows_certificates_and_r24_status(tenancy):
    good = factories.device_model()
    expired = factories.device_model(expires_on=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(tenancy.operator_a)
    body = client.get(f"{API}/device-models/{good.pk}").json()
    assert body["certified"] is True and body["certificates"][0]["valid_today"] is True
    body = client.get(f"{API}/device-models/{expired.pk}").json()
    assert body["certified"] is False and body["certificates"][0]["valid_today"] is False
    body = client.get(f"{API}/device-models", {"manufacturer": good.manufacturer.code}).json()
    assert [m["id"] for m in body["items"]] == [good.pk]


def test_certificate_dates_and_unknown_model(tenancy):
    model = factories.device_model(certified=False)
    client = client_for(tenancy.admin)
    data = {
        "device_model": model.pk,
        "certificate_type": "ccc",
        "number": "C1",
        "issuer": "CQC",
        "issued_on": "2025-01-01",
        "expires_on": "2024-01-01",
    }
    body = assert_error(client.post(f"{API}/certificates", data), 400, "invalid")
    assert "expires_on" in body["detail"]
    body = assert_error(client.post(f"{API}/certificates", {**data, "device_model": 999999}), 400, "invalid")
    assert "device_model" in body["detail"]
    body = assert_error(
        client.post(f"{API}/certificates", {**data, "issued_on": "yesterday"}), 422, "invalid"
    )
    assert "issued_on" in body["detail"]


def test_operator_may_not_add_to_the_catalogue(tenancy):
    response = client_for(tenancy.operator_a).post(f"{API}/manufacturers", {"code": "x", "name": "x"})
    assert_error(response, 403, "forbidden")


def test_manufacturer_in_use_cannot_be_deleted(tenancy):
    model = factories.device_model()
    response = client_for(tenancy.admin).delete(f"{API}/manufacturers/{model.manufacturer.code}")
    assert_error(response, 409, "protected")


# ---------------------------------------------------------------------------------------------------
# Devices: lists, scoping, lifecycle
# ---------------------------------------------------------------------------------------------------


def test_device_list_filters(tenancy):
    gate = factories.location(tenancy.a, code="E1", kind="entrance")
    factories.device(tenancy.a, code="cam-a", location=gate, anpr=True)
    factories.device(tenancy.a, code="ctl-a", subsystem="access", kind="access_controller")
    factories.device(tenancy.b, code="cam-b")
    admin = client_for(tenancy.admin)
    assert [d["code"] for d in admin.get(f"{API}/devices").json()["items"]] == ["cam-a", "cam-b", "ctl-a"]
    assert admin.get(f"{API}/devices", {"community": "b"}).json()["count"] == 1
    assert admin.get(f"{API}/devices", {"community": "zzz"}).json()["count"] == 0
    assert [d["code"] for d in admin.get(f"{API}/devices", {"subsystem": "access"}).json()["items"]] == [
        "ctl-a"
    ]
    body = admin.get(f"{API}/devices", {"location": "E1", "anpr": "true"}).json()
    assert [d["code"] for d in body["items"]] == ["cam-a"] and body["items"][0]["location"] == "E1"
    assert_error(admin.get(f"{API}/devices", {"status": "lost"}), 400, "invalid")
    mine = client_for(tenancy.manager_a).get(f"{API}/devices").json()
    assert mine["count"] == 2
    assert client_for(tenancy.manager_a).get(f"{API}/devices", {"community": "b"}).json()["count"] == 0


def test_device_codes_are_unique_across_communities(tenancy):
    factories.device(tenancy.b, code="cam-1")
    data = {"code": "cam-1", "community": "a", "name": "x", "subsystem": "video", "kind": "camera"}
    body = assert_error(client_for(tenancy.manager_a).post(f"{API}/devices", data), 400, "invalid")
    assert "code" in body["detail"]


def test_device_rules_give_400(tenancy):
    client = client_for(tenancy.manager_a)
    base = {"code": "d1", "community": "a", "name": "x", "subsystem": "video", "kind": "camera"}
    cases = [
        ({"kind": "turnstile"}, "kind"),
        ({"resolution_width": 1920}, "resolution_height"),
        ({"position": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}, "position"),
        ({"location": "nowhere"}, "location"),
        ({"device_model": 424242}, "device_model"),
        ({"subsystem": "laser"}, "subsystem"),
    ]
    for change, field in cases:
        body = assert_error(client.post(f"{API}/devices", {**base, **change}), 400, "invalid")
        assert field in body["detail"], (change, body)
    assert not Device.objects.filter(code="d1").exists()


def test_location_of_another_community_is_unknown(tenancy):
    theirs = factories.location(tenancy.b, code="EB", kind="building")
    device = factories.device(tenancy.a)
    body = assert_error(
        client_for(tenancy.manager_a).patch(
            f"{API}/devices/{device.code}",
            {
                "location": theirs.code,
                "authorisation": {"reference": "r", "authorised_by": "b", "reason": "c"},
            },
        ),
        400,
        "invalid",
    )
    assert "location" in body["detail"]


def test_new_device_cannot_start_in_service(tenancy):
    data = {
        "code": "d1",
        "community": "a",
        "name": "x",
        "subsystem": "video",
        "kind": "camera",
        "status": "in_service",
        "device_model": factories.device_model().pk,
    }
    assert_error(client_for(tenancy.manager_a).post(f"{API}/devices", data), 409, "not_in_service_ready")


def test_r29_in_service_needs_acceptance(tenancy):
    device = factories.device(tenancy.a, status="installed", device_model=factories.device_model())
    client = client_for(tenancy.manager_a)
    url = f"{API}/devices/{device.code}"
    body = assert_error(client.post(f"{url}/status", {"status": "in_service"}), 409, "not_in_service_ready")
    assert "第29条" in body["detail"]
    assert_error(client.patch(url, {"status": "in_service"}), 409, "not_in_service_ready")
    response = client.post(
        f"{url}/acceptance",
        {"accepted_on": str(timezone.localdate()), "accepted_by": "验收组", "document_ref": "YS-1"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["device_status"] == "installed"
    response = client.post(f"{url}/status", {"status": "in_service"})
    assert response.status_code == 200 and response.json()["status"] == "in_service"
    assert response.json()["is_accepted"] is True


def test_r24_in_service_needs_a_valid_certificate(tenancy):
    expired = factories.device_model(expires_on=timezone.localdate() - dt.timedelta(days=1))
    device = factories.device(tenancy.a, status="installed", device_model=expired)
    AcceptanceRecord.objects.create(device=device, accepted_on=timezone.localdate(), accepted_by="验收组")
    body = assert_error(
        client_for(tenancy.manager_a).post(f"{API}/devices/{device.code}/status", {"status": "in_service"}),
        409,
        "not_in_service_ready",
    )
    assert "第24条" in body["detail"]


def test_acceptance_can_put_into_service_in_one_step(tenancy):
    device = factories.device(tenancy.a, status="installed", device_model=factories.device_model())
    response = client_for(tenancy.manager_a).post(
        f"{API}/devices/{device.code}/acceptance",
        {"accepted_on": str(timezone.localdate()), "accepted_by": "验收组", "put_in_service": True},
    )
    assert response.status_code == 201 and response.json()["device_status"] == "in_service"
    device.refresh_from_db()
    assert device.status == "in_service"


def test_invalid_transition_is_409(tenancy):
    device = factories.device(tenancy.a, status="retired")
    response = client_for(tenancy.manager_a).post(
        f"{API}/devices/{device.code}/status", {"status": "planned"}
    )
    assert_error(response, 409, "invalid_transition")
    assert_error(
        client_for(tenancy.manager_a).post(f"{API}/devices/{device.code}/status", {"status": "lost"}),
        400,
        "invalid",
    )


def test_device_actions_are_scoped(tenancy):
    device = factories.device(tenancy.a, status="installed")
    url = f"{API}/devices/{device.code}"
    assert_error(client_for(tenancy.manager_b).post(f"{url}/status", {"status": "faulty"}), 404, "not_found")
    assert_error(client_for(tenancy.operator_a).post(f"{url}/status", {"status": "faulty"}), 403, "forbidden")
    body = {"accepted_on": "2026-01-01", "accepted_by": "x"}
    assert_error(client_for(tenancy.manager_b).post(f"{url}/acceptance", body), 404, "not_found")
    assert_error(client_for(tenancy.police_a).post(f"{url}/acceptance", body), 403, "forbidden")


# ---------------------------------------------------------------------------------------------------
# R-33.3 (第33条第(3)项): moving a device or changing its purpose needs an authorisation
# ---------------------------------------------------------------------------------------------------


def test_r33_3_change_of_location_without_authorisation_is_409(tenancy):
    old, new = factories.location(tenancy.a, code="B1"), factories.location(tenancy.a, code="B2")
    device = factories.device(tenancy.a, location=old)
    client = client_for(tenancy.manager_a)
    response = client.patch(f"{API}/devices/{device.code}", {"location": "B2"})
    body = assert_error(response, 409, "authorisation_required")
    assert body["fields"] == ["location_id"]
    device.refresh_from_db()
    assert device.location == old
    for change in ({"purpose": "车辆识别"}, {"position": {"type": "Point", "coordinates": [1, 2]}}):
        assert_error(client.patch(f"{API}/devices/{device.code}", change), 409, "authorisation_required")
    assert new.devices.count() == 0


def test_r33_3_change_with_authorisation_is_recorded(tenancy):
    factories.location(tenancy.a, code="B1")
    factories.location(tenancy.a, code="B2")
    device = factories.device(tenancy.a)
    client = client_for(tenancy.manager_a)
    authorisation = {"reference": "营公安〔2026〕7号", "authorised_by": "站前派出所", "reason": "改装至北门"}
    response = client.patch(
        f"{API}/devices/{device.code}",
        {"location": "B2", "purpose": "北门监控", "authorisation": authorisation},
    )
    assert response.status_code == 200, response.content
    assert response.json()["location"] == "B2" and response.json()["purpose"] == "北门监控"
    record = ChangeAuthorisation.objects.get(device=device)
    assert record.reference == "营公安〔2026〕7号" and record.recorded_by == tenancy.manager_a
    assert set(record.changes) == {"location_id", "purpose"}
    change = (
        ChangeRecord.objects.filter(object_type="devices.device", action="update").order_by("-seq").first()
    )
    assert change.actor_id == tenancy.manager_a.pk and "营公安〔2026〕7号" in change.reason


def test_r33_3_incomplete_authorisation(tenancy):
    device = factories.device(tenancy.a)
    client = client_for(tenancy.manager_a)
    response = client.patch(
        f"{API}/devices/{device.code}",
        {"purpose": "x", "authorisation": {"reference": " ", "authorised_by": "a", "reason": "b"}},
    )
    assert_error(response, 400, "authorisation_incomplete")
    response = client.patch(
        f"{API}/devices/{device.code}", {"purpose": "x", "authorisation": {"reference": "r"}}
    )
    body = assert_error(response, 422, "invalid")
    assert any(key.startswith("authorisation") for key in body["detail"])


def test_device_token_is_refused_on_the_registry(tenancy):
    device = factories.device(tenancy.a)
    client = device_client(device)
    for url in (f"{API}/devices", f"{API}/devices/{device.code}", f"{API}/communities", f"{API}/me"):
        assert_error(client.get(url), 403, "forbidden")
    assert_error(client.patch(f"{API}/devices/{device.code}", {"name": "hacked"}), 403, "forbidden")
    device.refresh_from_db()
    assert device.name != "hacked"
