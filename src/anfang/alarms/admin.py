"""Django admin for the alarm centre (platform admins only).

Alarms, their actions, checklists, police reports and inbound events are records written by services:
read-only here. Zones, SIA accounts, procedures (including the platform-wide default procedures, which
have no community) and policies can be edited; their pages in the app are the everyday way.
"""

from __future__ import annotations

from django.contrib import admin

from anfang.alarms.models import (
    Alarm,
    AlarmAction,
    AlarmChecklistItem,
    AlarmPolicy,
    AlarmZone,
    InboundEvent,
    Notification,
    OperatingProcedure,
    PoliceReport,
    SiaAccount,
)
from anfang.core.admin import PlatformAdminModelAdmin, ReadOnlyModelAdmin


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "received_at", "source", "device_code", "event_type", "zone", "status", "community"]
    list_filter = ["status", "source", "community"]
    search_fields = ["device_code", "external_id", "vendor_code", "error"]
    list_select_related = ["community"]
    date_hierarchy = "received_at"
    exclude = ["raw"]  # shown safely (escaped, truncated) on the events page of the app


@admin.register(AlarmZone)
class AlarmZoneAdmin(PlatformAdminModelAdmin):
    list_display = ["device", "code", "name", "community", "alarm_type", "priority", "armed"]
    list_filter = ["armed", "alarm_type", "community"]
    search_fields = ["code", "name", "device__code", "device__name"]
    list_select_related = ["device", "community"]
    raw_id_fields = ["device", "location"]


@admin.register(SiaAccount)
class SiaAccountAdmin(PlatformAdminModelAdmin):
    list_display = ["account_id", "device", "community"]
    search_fields = ["account_id", "device__code"]
    list_select_related = ["device", "community"]
    raw_id_fields = ["device"]
    exclude = ["key"]  # a secret: set on the SIA accounts page of the app, never shown back


@admin.register(OperatingProcedure)
class OperatingProcedureAdmin(PlatformAdminModelAdmin):
    list_display = ["alarm_type", "community"]
    list_filter = ["alarm_type", "community"]


@admin.register(AlarmPolicy)
class AlarmPolicyAdmin(PlatformAdminModelAdmin):
    list_display = ["community", "ack_escalation_s", "police_report_minutes", "join_window_s"]


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "community", "alarm_type", "priority", "state", "outcome", "created_at"]
    list_filter = ["state", "alarm_type", "priority", "outcome", "community"]
    search_fields = ["title", "zone", "device__code"]
    list_select_related = ["community"]
    date_hierarchy = "created_at"


@admin.register(AlarmAction)
class AlarmActionAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "alarm", "action", "from_state", "to_state", "at", "by_name"]
    list_filter = ["action"]


@admin.register(AlarmChecklistItem)
class AlarmChecklistItemAdmin(ReadOnlyModelAdmin):
    list_display = ["alarm", "order", "text", "done_at", "done_by"]


@admin.register(PoliceReport)
class PoliceReportAdmin(ReadOnlyModelAdmin):
    list_display = ["alarm", "reported_at", "channel", "officer", "case_number", "recorded_by"]
    list_filter = ["channel"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "user", "community", "kind", "message", "read_at"]
    list_filter = ["kind"]
