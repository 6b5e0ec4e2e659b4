"""Django admin for the places of the registry (platform admins only; the app pages are the main UI)."""

from __future__ import annotations

from django.contrib import admin

from anfang.core.admin import PlatformAdminModelAdmin
from anfang.sites.models import Community, Location, PerimeterSegment, PoliceStation, PropertyCompany


@admin.register(PoliceStation)
class PoliceStationAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "district", "phone"]
    list_filter = ["district"]
    search_fields = ["code", "name", "district", "address"]


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "contact", "phone"]
    search_fields = ["code", "name", "contact"]


@admin.register(Community)
class CommunityAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "district", "management_type", "property_company", "police_station"]
    list_filter = ["management_type", "security_grade", "police_station", "district"]
    search_fields = ["code", "name", "address", "district"]
    autocomplete_fields = ["police_station", "property_company"]


@admin.register(Location)
class LocationAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "kind", "community", "parent"]
    list_filter = ["kind", "community"]
    search_fields = ["code", "name", "community__code", "community__name"]
    autocomplete_fields = ["community", "parent", "linked_to"]
    list_select_related = ["community", "parent"]


@admin.register(PerimeterSegment)
class PerimeterSegmentAdmin(PlatformAdminModelAdmin):
    list_display = ["code", "name", "community", "sequence", "barrier_type", "barrier_height_m"]
    list_filter = ["barrier_type", "community"]
    search_fields = ["code", "name", "community__code", "community__name"]
    list_select_related = ["community"]
