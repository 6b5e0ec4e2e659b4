"""Device registry and catalogue pages: scoping, the service rules (R-24, R-29, R-33.3), filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from anfang.core.models import ChangeRecord
from anfang.devices.models import (
    AcceptanceRecord,
    Certificate,
    ChangeAuthorisation,
    Device,
    DeviceModel,
    Manufacturer,
)
from tests.support import factories
from tests.support.views import ScopedViewTests, client_for

pytestmark = pytest.mark.django_db


class TestDeviceScoping(ScopedViewTests):
    def make(self, tenancy: Any) -> Device:
        return factories.device(tenancy.a, code="cam-a1", name="东门摄像机")

    def edit_url(self, obj: Device) -> str:
        return reverse("devices:device_edit", args=[obj.community.code, obj.code])

    def delete_url(self, obj: Device) -> str:
        return reverse("devices:device_delete", args=[obj.community.code, obj.code])

    def list_url(self, tenancy: Any) -> str:
        return reverse("devices:device_list", args=[tenancy.a.code])

    def test_other_community_cannot_change_status_or_accept(self, tenancy: Any) -> None:
        device = self.make(tenancy)
        client = client_for(tenancy.manager_b)
        for name in ("devices:device_status", "devices:device_acceptance"):
            url = reverse(name, args=["a", device.code])
            assert client.post(url, {"status": "installed"}).status_code == 404
        device.refresh_from_db()
        assert device.status == "planned"
        # Reaching A's device through B's URL is a 404 too.
        assert client.get(reverse("devices:device_detail", args=["b", device.code])).status_code == 404

    def test_operator_cannot_change_status(self, tenancy: Any) -> None:
        device = self.make(tenancy)
        url = reverse("devices:device_status", args=["a", device.code])
        assert client_for(tenancy.operator_a).post(url, {"status": "installed"}).status_code == 403
        device.refresh_from_db()
        assert device.status == "planned"


def _device_data(**kw: Any) -> dict[str, Any]:
    data = {
        "code": "cam-new",
        "name": "北门摄像机",
        "subsystem": "video",
        "kind": "camera",
        "status": "planned",
        "position": "12,34",
        "online": "on",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def _edit_data(device: Device, **kw: Any) -> dict[str, Any]:
    """What the edit form posts when the user only changes ``kw``."""
    data: dict[str, Any] = {
        "name": device.name,
        "subsystem": device.subsystem,
        "kind": device.kind,
        "purpose": device.purpose,
        "location": device.location_id or "",
        "device_model": device.device_model_id or "",
        "position": "" if not device.position else ",".join(str(c) for c in device.position["coordinates"]),
    }
    if device.online:
        data["online"] = "on"
    data.update(kw)
    return data


def test_device_create(tenancy: Any) -> None:
    gate = factories.location(tenancy.a, code="N", kind="entrance")
    client = client_for(tenancy.manager_a)
    response = client.post(reverse("devices:device_create", args=["a"]), _device_data(location=gate.pk))
    assert response.status_code == 302
    device = Device.objects.get(code="cam-new")
    assert device.community == tenancy.a and device.location == gate
    assert device.position == {"type": "Point", "coordinates": [12.0, 34.0]}
    assert ChangeRecord.objects.filter(object_type="devices.device", object_id=str(device.pk)).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "北门摄像机" in detail and "变更历史" in detail


def test_new_device_cannot_start_in_service(tenancy: Any) -> None:
    """R-29 (第29条): a new device is planned or installed; in service only after acceptance."""
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_create", args=["a"]), _device_data(status="in_service")
    )
    assert response.status_code == 400
    assert not Device.objects.filter(code="cam-new").exists()


def test_device_kind_must_match_subsystem(tenancy: Any) -> None:
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_create", args=["a"]), _device_data(kind="smoke_detector")
    )
    assert response.status_code == 400
    assert "不属于子系统" in response.content.decode()


def test_device_bad_position_keeps_input(tenancy: Any) -> None:
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_create", args=["a"]), _device_data(position="12；x")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "12；x" in body and "北门摄像机" in body
    assert not Device.objects.filter(code="cam-new").exists()


def test_device_cannot_be_moved_into_another_community(tenancy: Any) -> None:
    device = factories.device(tenancy.a, code="cam-1")
    foreign = factories.location(tenancy.b, code="BX", kind="entrance")
    client = client_for(tenancy.manager_a)
    form = client.get(reverse("devices:device_edit", args=["a", "cam-1"])).context["form"]
    assert foreign not in form.fields["location"].queryset
    response = client.post(
        reverse("devices:device_edit", args=["a", "cam-1"]),
        _edit_data(
            device,
            location=foreign.pk,
            auth_reference="营公安〔2026〕1号",
            auth_authorised_by="派出所",
            auth_reason="调整",
        ),
    )
    assert response.status_code == 400
    device.refresh_from_db()
    assert device.location_id is None
    # Nor at creation.
    response = client.post(reverse("devices:device_create", args=["a"]), _device_data(location=foreign.pk))
    assert response.status_code == 400
    assert not Device.objects.filter(code="cam-new").exists()


def test_location_change_without_authorisation_is_refused(tenancy: Any) -> None:
    """R-33.3 (第33条第(3)项): nothing is saved, the form says what is missing and keeps the input."""
    old = factories.location(tenancy.a, code="E1", kind="entrance")
    new = factories.location(tenancy.a, code="E2", kind="entrance")
    device = factories.device(tenancy.a, code="cam-2", location=old)
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_edit", args=["a", "cam-2"]), _edit_data(device, location=new.pk, name="改名")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第33条第(3)项" in body
    assert "改名" in body
    device.refresh_from_db()
    assert device.location == old and device.name != "改名"
    assert not ChangeAuthorisation.objects.exists()


def test_location_change_with_authorisation_is_saved(tenancy: Any) -> None:
    old = factories.location(tenancy.a, code="E1", kind="entrance")
    new = factories.location(tenancy.a, code="E2", kind="entrance")
    device = factories.device(tenancy.a, code="cam-3", location=old)
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("devices:device_edit", args=["a", "cam-3"]),
        _edit_data(
            device,
            location=new.pk,
            purpose="监视北门车行通道",
            auth_reference="营公安〔2026〕7号",
            auth_authorised_by="站前派出所",
            auth_reason="北门改造",
        ),
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.location == new and device.purpose == "监视北门车行通道"
    auth = ChangeAuthorisation.objects.get(device=device)
    assert auth.reference == "营公安〔2026〕7号" and auth.recorded_by == tenancy.manager_a
    assert set(auth.changes) == {"location_id", "purpose"}
    record = ChangeRecord.objects.filter(object_type="devices.device", action="update").last()
    assert record is not None and "营公安〔2026〕7号" in record.reason
    detail = client.get(reverse("devices:device_detail", args=["a", "cam-3"])).content.decode()
    assert "营公安〔2026〕7号" in detail and "北门改造" in detail


def test_other_edits_need_no_authorisation(tenancy: Any) -> None:
    device = factories.device(tenancy.a, code="cam-4", position={"type": "Point", "coordinates": [1, 2]})
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_edit", args=["a", "cam-4"]),
        _edit_data(device, name="新名称", serial_number="SN1"),
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "新名称" and device.serial_number == "SN1"
    assert not ChangeAuthorisation.objects.exists()


def test_status_change_to_in_service_without_acceptance_shows_r29(tenancy: Any) -> None:
    device = factories.device(
        tenancy.a, code="cam-5", device_model=factories.device_model(), status="installed"
    )
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("devices:device_status", args=["a", "cam-5"]), {"status": "in_service"}, follow=True
    )
    assert response.status_code == 200
    assert "第29条" in response.content.decode()
    device.refresh_from_db()
    assert device.status == "installed"


def test_status_change_follows_lifecycle(tenancy: Any) -> None:
    device = factories.device(tenancy.a, code="cam-6")
    client = client_for(tenancy.manager_a)
    url = reverse("devices:device_status", args=["a", "cam-6"])
    client.post(url, {"status": "installed"})
    device.refresh_from_db()
    assert device.status == "installed"
    bad = client.post(url, {"status": "nonsense"}, follow=True)
    assert bad.status_code == 200
    device.refresh_from_db()
    assert device.status == "installed"
    assert client.get(url).status_code == 405


def test_acceptance_puts_device_into_service(tenancy: Any) -> None:
    device = factories.device(
        tenancy.a, code="cam-7", device_model=factories.device_model(), status="installed"
    )
    client = client_for(tenancy.manager_a)
    url = reverse("devices:device_acceptance", args=["a", "cam-7"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "accepted_on": timezone.localdate().isoformat(),
            "passed": "on",
            "accepted_by": "市技防办验收组",
            "document_ref": "YS-2026-01",
            "put_in_service": "on",
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == "in_service"
    assert AcceptanceRecord.objects.filter(device=device, document_ref="YS-2026-01").exists()


def test_acceptance_without_certificate_shows_r24_and_saves_nothing(tenancy: Any) -> None:
    model = factories.device_model(certified=False)
    device = factories.device(tenancy.a, code="cam-8", device_model=model, status="installed")
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_acceptance", args=["a", "cam-8"]),
        {
            "accepted_on": timezone.localdate().isoformat(),
            "passed": "on",
            "accepted_by": "验收组",
            "put_in_service": "on",
        },
    )
    assert response.status_code in (400, 409)
    body = response.content.decode()
    assert "第24条" in body and "验收组" in body
    device.refresh_from_db()
    assert device.status == "installed"
    assert not AcceptanceRecord.objects.filter(device=device).exists()


def test_acceptance_date_in_future_refused(tenancy: Any) -> None:
    factories.device(tenancy.a, code="cam-9", status="installed")
    response = client_for(tenancy.manager_a).post(
        reverse("devices:device_acceptance", args=["a", "cam-9"]),
        {"accepted_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "accepted_by": "x"},
    )
    assert response.status_code == 400
    assert not AcceptanceRecord.objects.exists()


def test_delete_only_planned_unless_admin(tenancy: Any) -> None:
    planned = factories.device(tenancy.a, code="cam-p")
    installed = factories.device(tenancy.a, code="cam-i", status="installed")
    manager = client_for(tenancy.manager_a)
    assert manager.get(reverse("devices:device_delete", args=["a", "cam-p"])).status_code == 200
    assert manager.post(reverse("devices:device_delete", args=["a", "cam-p"])).status_code == 302
    assert not Device.objects.filter(pk=planned.pk).exists()
    assert manager.post(reverse("devices:device_delete", args=["a", "cam-i"])).status_code == 403
    assert Device.objects.filter(pk=installed.pk).exists()
    assert (
        client_for(tenancy.admin).post(reverse("devices:device_delete", args=["a", "cam-i"])).status_code
        == 302
    )
    assert not Device.objects.filter(pk=installed.pk).exists()


def test_device_detail_shows_certificate_validity(tenancy: Any) -> None:
    expired = factories.device_model(expires_on=timezone.localdate() - dt.timedelta(days=1))
    factories.device(tenancy.a, code="cam-x", device_model=expired)
    body = (
        client_for(tenancy.police_a)
        .get(reverse("devices:device_detail", args=["a", "cam-x"]))
        .content.decode()
    )
    assert "已过期" in body and "第24条" in body
    assert reverse("devices:device_status", args=["a", "cam-x"]) not in body  # read-only for police


def test_device_filters_narrow(tenancy: Any) -> None:
    gate = factories.location(tenancy.a, code="G", kind="entrance")
    factories.device(tenancy.a, code="cam-g", location=gate, anpr=True, subsystem="parking", kind="camera")
    factories.device(tenancy.a, code="door-1", subsystem="intercom", kind="door_station", status="installed")
    factories.device(tenancy.a, code="cam-z", name="西侧球机")
    factories.device(tenancy.b, code="cam-b")
    client = client_for(tenancy.manager_a)
    url = reverse("devices:device_list", args=["a"])

    def codes(params: dict[str, Any]) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {d.code for d in response.context["object_list"]}

    assert codes({}) == {"cam-g", "door-1", "cam-z"}
    assert codes({"subsystem": "intercom"}) == {"door-1"}
    assert codes({"kind": "camera"}) == {"cam-g", "cam-z"}
    assert codes({"status": "installed"}) == {"door-1"}
    assert codes({"location": "G"}) == {"cam-g"}
    assert codes({"anpr": "true"}) == {"cam-g"}
    assert codes({"q": "西侧"}) == {"cam-z"}
    assert codes({"subsystem": "", "status": ""}) == {"cam-g", "door-1", "cam-z"}
    counts = client.get(url).context["status_counts"]
    assert ("planned", "规划", 2, "grey") in [(v, str(label), n, b) for v, label, n, b in counts]


# ---------------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------------


def test_manager_creates_model_and_certificate(tenancy: Any) -> None:
    maker = Manufacturer.objects.create(code="hik", name="海康威视")
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("devices:model_create"),
        {"manufacturer": maker.pk, "model_number": "DS-2CD", "subsystem": "video", "kind": "camera"},
    )
    assert response.status_code == 302
    model = DeviceModel.objects.get(model_number="DS-2CD")
    detail = client.get(model.get_absolute_url()).content.decode()
    assert "无证书" in detail
    response = client.post(
        reverse("devices:certificate_create", args=[model.pk]),
        {
            "certificate_type": "production_registration",
            "number": "辽GA-1",
            "issuer": "辽宁省公安厅",
            "issuer_level": "provincial",
            "issued_on": "2025-01-01",
            "expires_on": (timezone.localdate() + dt.timedelta(days=100)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert "有效" in client.get(model.get_absolute_url()).content.decode()
    # Editing or deleting an existing entry is for platform admins only.
    assert client.get(reverse("devices:model_edit", args=[model.pk])).status_code == 403
    assert client.post(reverse("devices:model_delete", args=[model.pk])).status_code == 403
    cert = Certificate.objects.get(number="辽GA-1")
    assert client.get(reverse("devices:certificate_edit", args=[model.pk, cert.pk])).status_code == 403


def test_operator_cannot_create_catalogue_entries(tenancy: Any) -> None:
    client = client_for(tenancy.operator_a)
    assert client.get(reverse("devices:model_list")).status_code == 200
    assert client.get(reverse("devices:model_create")).status_code == 403
    assert client.get(reverse("devices:manufacturer_create")).status_code == 403


def test_certificate_dates_validated(tenancy: Any) -> None:
    model = factories.device_model(certified=False)
    response = client_for(tenancy.manager_a).post(
        reverse("devices:certificate_create", args=[model.pk]),
        {
            "certificate_type": "test_report",
            "number": "R-1",
            "issuer": "检测中心",
            "issuer_level": "national",
            "issued_on": "2025-06-01",
            "expires_on": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "有效期不能早于发证日期" in response.content.decode()


def test_admin_edits_and_deletes_model(tenancy: Any) -> None:
    model = factories.device_model(certified=False, model_number="OLD-1")
    client = client_for(tenancy.admin)
    response = client.post(
        reverse("devices:model_edit", args=[model.pk]),
        {"manufacturer": model.manufacturer_id, "model_number": "NEW-1", "subsystem": "video", "kind": "nvr"},
    )
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.model_number == "NEW-1"
    used = factories.device_model()
    factories.device(tenancy.a, device_model=used)
    assert client.post(reverse("devices:model_delete", args=[used.pk])).status_code == 409  # protected
    assert client.post(reverse("devices:model_delete", args=[model.pk])).status_code == 302
    assert not DeviceModel.objects.filter(pk=model.pk).exists()


def test_model_list_filter_and_validity(tenancy: Any) -> None:
    good = factories.device_model(model_number="GOOD")
    factories.device_model(model_number="OLD", expires_on=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(tenancy.manager_a)
    response = client.get(reverse("devices:model_list"), {"q": "GOOD"})
    assert [m.pk for m in response.context["object_list"]] == [good.pk]
    body = client.get(reverse("devices:model_list")).content.decode()
    assert "已过期" in body and "有效" in body


def test_admin_site_for_platform_admins_only(tenancy: Any) -> None:
    factories.device(tenancy.a)
    admin = client_for(tenancy.admin)
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/devices/device/").status_code == 200
    assert admin.get("/admin/core/changerecord/").status_code == 200
    assert admin.get("/admin/core/changerecord/add/").status_code == 403
    tenancy.manager_a.is_staff = True
    tenancy.manager_a.save()
    assert client_for(tenancy.manager_a).get("/admin/").status_code == 302


def test_every_admin_page_opens(tenancy: Any) -> None:
    """Each registered model's list (and add/change page where allowed) renders for a platform admin."""
    from django.contrib import admin

    device = factories.in_service_device(tenancy.a)
    factories.location(tenancy.a)
    client = client_for(tenancy.admin)
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in ("core", "sites", "devices"):
            continue  # Django's and django-axes' own admins keep Django's per-model permissions
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(url, {"q": "a"})
        assert response.status_code == 200, url
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change
    assert device.pk
