"""Device rules: R-24 (第24条) certificates, R-29 (第29条) acceptance, R-33.3 change control."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anfang.core.errors import DomainError
from anfang.core.models import ChangeRecord
from anfang.devices import services
from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import ChangeAuthorisation, Device
from tests.support import factories

pytestmark = pytest.mark.django_db

AUTH = services.Authorisation(
    reference="营公技防〔2026〕12号", authorised_by="站前派出所", reason="改造出入口"
)


def _installed(community, **kw) -> Device:
    kw.setdefault("device_model", factories.device_model())
    kw.setdefault("status", DeviceStatusChoices.INSTALLED)
    return factories.device(community, **kw)


def test_r29_no_service_without_acceptance(tenancy):
    device = _installed(tenancy.a)
    with pytest.raises(DomainError) as exc:
        services.set_status(device, DeviceStatusChoices.IN_SERVICE)
    assert exc.value.code == "not_in_service_ready" and "第29条" in exc.value.detail
    assert Device.objects.get(pk=device.pk).status == DeviceStatusChoices.INSTALLED


def test_r29_failed_acceptance_does_not_count(tenancy):
    device = _installed(tenancy.a)
    services.record_acceptance(device, accepted_on=timezone.localdate(), accepted_by="验收组", passed=False)
    with pytest.raises(DomainError):
        services.set_status(device, DeviceStatusChoices.IN_SERVICE)


def test_r29_accepted_and_certified_device_goes_into_service(tenancy):
    device = _installed(tenancy.a)
    services.record_acceptance(
        device, accepted_on=timezone.localdate(), accepted_by="验收组", put_in_service=True
    )
    assert Device.objects.get(pk=device.pk).status == DeviceStatusChoices.IN_SERVICE


def test_new_device_cannot_be_created_in_service(tenancy):
    device = Device(
        community=tenancy.a,
        code="cam-new",
        name="新摄像机",
        subsystem="video",
        kind="camera",
        device_model=factories.device_model(),
        status=DeviceStatusChoices.IN_SERVICE,
    )
    with pytest.raises(DomainError):
        services.save_device(device)
    assert not Device.objects.filter(code="cam-new").exists()


@pytest.mark.parametrize(
    ("cert_kw", "blocked"),
    [
        ({"expires_on": dt.date(2020, 1, 1)}, True),  # expired
        ({"issuer_level": "municipal"}, True),  # registration must be provincial or higher
        ({"issuer_level": "national"}, False),
        ({"expires_on": None}, False),  # no expiry printed
        ({"certificate_type": "test_report", "issuer_level": "other"}, False),
    ],
)
def test_r24_certificate_validity(tenancy, cert_kw, blocked):
    model = factories.device_model(certified=False)
    data = {
        "certificate_type": "production_registration",
        "number": "辽GA000777",
        "issuer": "辽宁省公安厅",
        "issuer_level": "provincial",
        "expires_on": timezone.localdate() + dt.timedelta(days=10),
    }
    data.update(cert_kw)
    model.certificates.create(**data)
    device = _installed(tenancy.a, device_model=model)
    services.record_acceptance(device, accepted_on=timezone.localdate(), accepted_by="验收组")
    if blocked:
        with pytest.raises(DomainError) as exc:
            services.set_status(device, DeviceStatusChoices.IN_SERVICE)
        assert "第24条" in exc.value.detail
    else:
        services.set_status(device, DeviceStatusChoices.IN_SERVICE)


def test_r24_device_without_model_cannot_go_into_service(tenancy):
    device = factories.device(tenancy.a, status=DeviceStatusChoices.INSTALLED)
    services.record_acceptance(device, accepted_on=timezone.localdate(), accepted_by="验收组")
    with pytest.raises(DomainError) as exc:
        services.set_status(device, DeviceStatusChoices.IN_SERVICE)
    assert "第24条" in exc.value.detail


def test_lifecycle_refuses_impossible_transitions(tenancy):
    device = factories.device(tenancy.a)  # planned
    with pytest.raises(DomainError) as exc:
        services.set_status(device, DeviceStatusChoices.FAULTY)
    assert exc.value.code == "invalid_transition"
    retired = factories.device(tenancy.a, status=DeviceStatusChoices.RETIRED)
    with pytest.raises(DomainError):
        services.set_status(retired, DeviceStatusChoices.INSTALLED)


def test_r33_3_moving_a_device_needs_authorisation(tenancy):
    gate = factories.location(tenancy.a, kind="entrance", code="E1")
    square = factories.location(tenancy.a, kind="square", code="SQ1")
    device = factories.in_service_device(tenancy.a, location=gate, purpose="主出入口监控")
    device.location = square
    with pytest.raises(DomainError) as exc:
        services.save_device(device)
    assert exc.value.code == "authorisation_required" and exc.value.extra["fields"] == ["location_id"]
    assert Device.objects.get(pk=device.pk).location_id == gate.pk

    services.save_device(device, by=tenancy.manager_a, authorisation=AUTH)
    assert Device.objects.get(pk=device.pk).location_id == square.pk
    authorisation = ChangeAuthorisation.objects.get(device=device)
    assert authorisation.reference == AUTH.reference
    assert authorisation.changes == {"location_id": [gate.pk, square.pk]}
    change = ChangeRecord.objects.filter(object_type="devices.device", object_id=str(device.pk)).last()
    assert AUTH.reference in change.reason and "R-33.3" in change.reason


def test_r33_3_changing_purpose_needs_authorisation_but_renaming_does_not(tenancy):
    device = factories.in_service_device(tenancy.a, purpose="周界")
    device.name = "新名称"
    services.save_device(device)  # not a controlled field
    device.purpose = "停车场"
    with pytest.raises(DomainError):
        services.save_device(device)
    with pytest.raises(DomainError) as exc:
        services.save_device(device, authorisation=services.Authorisation("", "", ""))
    assert exc.value.code == "authorisation_incomplete"


def test_device_cannot_sit_in_another_communitys_location(tenancy):
    other = factories.location(tenancy.b, kind="square")
    device = factories.device(tenancy.a)
    device.location = other
    with pytest.raises(ValidationError):
        services.save_device(device, authorisation=AUTH)


def test_kind_must_belong_to_subsystem(tenancy):
    with pytest.raises(ValidationError) as exc:
        factories.device(tenancy.a, subsystem="intercom", kind="camera")
    assert "kind" in exc.value.message_dict


def test_offline_after_two_missed_heartbeats(tenancy):
    device = factories.in_service_device(tenancy.a, heartbeat_interval_s=60)
    now = timezone.now()
    services.heartbeat(device, at=now - dt.timedelta(seconds=100))
    device.refresh_from_db()
    assert not device.is_offline(now)
    assert device.is_offline(now + dt.timedelta(seconds=30))
    before = ChangeRecord.objects.count()
    services.heartbeat(device)
    assert ChangeRecord.objects.count() == before  # heartbeats are not registry changes
