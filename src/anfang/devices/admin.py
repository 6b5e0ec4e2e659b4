"""Django admin for the device catalogue and devices (platform admins only).

Devices, acceptances and change authorisations are read-only here: their rules (R-24, R-29,
R-33.3) live in ``devices.services``, which only the app pages and the API call.
"""

from __future__ import annotations

from django.contrib import admin

from anfang.core.admin import PlatformAdminInline, PlatformAdminModelAdmin, ReadOnlyModelAdmin
from anfang.devices.models import (
    AcceptanceRecord,
    Certificate,
    ChangeAuthorisation,
    Device,
    DeviceModel,
    Manufacturer,
)


@admin.register(Manufacturer)
class ManufacturerAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "country"]
    search_fields = ["code", "name"]


class CertificateInline(PlatformAdminInline):
    model = Certificate
    fields = ["certificate_type", "number", "issuer", "issuer_level", "issued_on", "expires_on"]


@admin.register(DeviceModel)
class DeviceModelAdmin(PlatformAdminModelAdmin):
    list_display = ["model_number", "manufacturer", "name", "subsystem", "kind"]
    list_filter = ["subsystem", "kind", "manufacturer"]
    search_fields = ["model_number", "name", "manufacturer__name"]
    inlines = [CertificateInline]


@admin.register(Certificate)
class CertificateAdmin(PlatformAdminModelAdmin):
    list_display = ["number", "certificate_type", "device_model", "issuer", "issuer_level", "expires_on"]
    list_filter = ["certificate_type", "issuer_level"]
    search_fields = ["number", "issuer", "device_model__model_number"]
    date_hierarchy = "expires_on"


@admin.register(Device)
class DeviceAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "name", "community", "subsystem", "kind", "status", "location", "last_seen_at"]
    list_filter = ["status", "subsystem", "kind", "anpr", "community"]
    search_fields = ["code", "name", "network_address", "serial_number", "community__code"]
    list_select_related = ["community", "location"]


@admin.register(AcceptanceRecord)
class AcceptanceRecordAdmin(ReadOnlyModelAdmin):
    list_display = ["device", "accepted_on", "passed", "accepted_by", "document_ref"]
    list_filter = ["passed"]
    search_fields = ["device__code", "accepted_by", "document_ref"]


@admin.register(ChangeAuthorisation)
class ChangeAuthorisationAdmin(ReadOnlyModelAdmin):
    list_display = ["device", "reference", "authorised_by", "recorded_by", "created_at"]
    search_fields = ["device__code", "reference", "authorised_by", "reason"]
