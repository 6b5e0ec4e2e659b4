"""Device rules: lifecycle (R-24 第24条, R-29 第29条) and change control (R-33.3 第33条第(3)项)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.core.errors import DomainError
from anfang.devices.choices import DEVICE_STATUS_TRANSITIONS, DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, ChangeAuthorisation, Device

# Fields whose change needs a recorded authorisation.
CONTROLLED_FIELDS = ("location_id", "purpose", "position")


@dataclass(frozen=True)
class Authorisation:
    """What a user enters to authorise a change of purpose or location."""

    reference: str
    authorised_by: str
    reason: str


def in_service_blockers(device: Device, *, on: dt.date | None = None) -> list[str]:
    """Why ``device`` may not be in service: missing acceptance (R-29) or certificate (R-24)."""
    problems = []
    if not device.is_accepted:
        problems.append(_("没有验收合格记录，不得投入使用（第29条）。"))
    if device.device_model is None:
        problems.append(_("未登记设备型号，无法核验产品证书（第24条）。"))
    elif device.device_model.valid_certificate(on) is None:
        problems.append(
            _("设备型号“%(model)s”没有有效的生产登记批准书或检测报告（第24条）。")
            % {"model": device.device_model}
        )
    return problems


def controlled_changes(before: dict[str, Any] | None, device: Device) -> dict[str, list[Any]]:
    """Controlled fields that differ between the stored ``before`` snapshot and ``device``."""
    if before is None:
        return {}
    after = device.snapshot()
    return {f: [before.get(f), after.get(f)] for f in CONTROLLED_FIELDS if before.get(f) != after.get(f)}


@transaction.atomic
def save_device(device: Device, *, by: Any = None, authorisation: Authorisation | None = None) -> Device:
    """Create or update ``device``; refuses R-33.3 changes without an authorisation and refuses
    ``in_service`` when R-24/R-29 are not met."""
    before: dict[str, Any] | None = None
    previous_status: str | None = None
    if device.pk is not None:
        stored = Device.objects.select_for_update().filter(pk=device.pk).first()
        if stored is not None:
            before = stored.snapshot()
            previous_status = stored.status
    device.full_clean()
    if previous_status is not None and previous_status != device.status:
        _check_transition(previous_status, device.status)
    if device.status == DeviceStatusChoices.IN_SERVICE and previous_status != DeviceStatusChoices.IN_SERVICE:
        blockers = (
            in_service_blockers(device) if device.pk else [_("新设备须先验收，才能投入使用（第29条）。")]
        )
        if blockers:
            raise DomainError("not_in_service_ready", " ".join(blockers), status=409)
    changes = controlled_changes(before, device)
    if changes and authorisation is None:
        raise DomainError(
            "authorisation_required",
            _("变更设备的用途或位置须经授权，请填写批准文号、批准人和原因（第33条第(3)项）。"),
            status=409,
            fields=sorted(changes),
        )
    if changes and authorisation is not None:
        if not (
            authorisation.reference.strip()
            and authorisation.authorised_by.strip()
            and authorisation.reason.strip()
        ):
            raise DomainError("authorisation_incomplete", _("授权须填写批准文号、批准人和原因。"))
        with audit.reason(f"R-33.3 {authorisation.reference}: {authorisation.reason}"):
            device.save()
            ChangeAuthorisation.objects.create(
                device=device,
                reference=authorisation.reference,
                authorised_by=authorisation.authorised_by,
                reason=authorisation.reason,
                changes=changes,
                recorded_by=by if getattr(by, "is_authenticated", False) else None,
            )
    else:
        device.save()
    return device


def _check_transition(old: str, new: str) -> None:
    if new not in DEVICE_STATUS_TRANSITIONS.get(old, ()):
        raise DomainError(
            "invalid_transition",
            _("设备状态不能从“%(old)s”改为“%(new)s”。")
            % {
                "old": DeviceStatusChoices(old).label,
                "new": DeviceStatusChoices(new).label,
            },
            status=409,
        )


@transaction.atomic
def set_status(device: Device, status: str, *, by: Any = None) -> Device:
    device.status = status
    return save_device(device, by=by)


@transaction.atomic
def record_acceptance(
    device: Device,
    *,
    accepted_on: dt.date,
    accepted_by: str,
    passed: bool = True,
    document_ref: str = "",
    notes: str = "",
    put_in_service: bool = False,
    by: Any = None,
) -> AcceptanceRecord:
    """R-29: record the acceptance; optionally put the device into service in the same step."""
    record = AcceptanceRecord(
        device=device,
        accepted_on=accepted_on,
        accepted_by=accepted_by,
        passed=passed,
        document_ref=document_ref,
        notes=notes,
    )
    record.full_clean()
    record.save()
    if put_in_service and passed and device.status != DeviceStatusChoices.IN_SERVICE:
        set_status(device, DeviceStatusChoices.IN_SERVICE, by=by)
    return record


def heartbeat(device: Device, *, at: dt.datetime | None = None) -> None:
    """Note that the device was heard from (R-33.1); not a registry change, so not change-logged."""
    Device.objects.filter(pk=device.pk).update(last_seen_at=at or timezone.now())
