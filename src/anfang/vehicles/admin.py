"""Django admin for the vehicles app (platform admins only). Passages are not listed here: their searches
must go through the access-logged pages (R-33.5)."""

from __future__ import annotations

from django.contrib import admin

from anfang.core.admin import PlatformAdminModelAdmin, ReadOnlyModelAdmin
from anfang.vehicles.models import BlacklistEntry, Lane, PassagePurge, ResidentVehicle, VisitorPass


@admin.register(Lane)
class LaneAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "community", "direction", "policy", "ask_guard"]
    list_filter = ["policy", "community"]
    search_fields = ["code", "name"]
    list_select_related = ["community"]
    raw_id_fields = ["location", "camera", "barrier"]
    exclude = ["barrier_password"]  # a secret: set on the lane page, never shown back


@admin.register(ResidentVehicle)
class ResidentVehicleAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "unit", "owner_name", "valid_from", "valid_until"]
    list_filter = ["community"]
    search_fields = ["plate", "owner_name"]
    list_select_related = ["community", "unit"]
    raw_id_fields = ["unit"]


@admin.register(VisitorPass)
class VisitorPassAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "valid_from", "valid_until", "max_uses", "uses", "revoked_at"]
    list_filter = ["community"]
    search_fields = ["plate"]
    list_select_related = ["community"]
    raw_id_fields = ["host_unit", "registered_by"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "reason", "valid_until"]
    list_filter = ["community"]
    search_fields = ["plate"]
    list_select_related = ["community"]
    raw_id_fields = ["added_by"]


@admin.register(PassagePurge)
class PassagePurgeAdmin(ReadOnlyModelAdmin):
    list_display = ["ran_at", "retention_days", "cutoff", "passages", "visits", "pictures", "oldest_kept"]
