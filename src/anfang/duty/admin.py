"""Django admin for the duty room (platform admins only), read-only: rosters go through
``duty.services`` (people checked, shifts regenerated), and handovers and the duty log are records that
are never edited (第16条: complete duty records)."""

from __future__ import annotations

from django.contrib import admin

from anfang.core.admin import ReadOnlyModelAdmin
from anfang.duty.models import DutyLogEntry, Handover, Roster, Shift, ShiftPattern


@admin.register(Roster)
class RosterAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "community", "location", "min_people"]
    list_filter = ["community"]
    search_fields = ["name", "community__code", "location__code"]
    list_select_related = ["community", "location"]


@admin.register(ShiftPattern)
class ShiftPatternAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "roster", "start_time", "end_time", "generated_until"]
    list_filter = ["community"]
    list_select_related = ["roster"]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyModelAdmin):
    list_display = ["roster", "starts_at", "ends_at", "pattern", "note"]
    list_filter = ["community"]
    date_hierarchy = "starts_at"
    list_select_related = ["roster", "pattern"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "community", "roster", "handed_over_by_name", "taken_over_by_name"]
    list_filter = ["community"]
    date_hierarchy = "at"
    search_fields = ["handed_over_by_name", "taken_over_by_name", "notes"]
    list_select_related = ["community", "roster"]


@admin.register(DutyLogEntry)
class DutyLogEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "community", "kind", "by_name", "text"]
    list_filter = ["kind", "community"]
    date_hierarchy = "at"
    search_fields = ["text", "by_name"]
    list_select_related = ["community"]
