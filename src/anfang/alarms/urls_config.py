"""Alarm centre configuration and records (namespace ``alarm_config``; ``alarms`` is the console's).

/c/<code>/alarms/ history (+ export), zones/ (arming), procedures/, policy/, sia/, events/;
/events/unassigned/ (platform admin); /notifications/ (one's own).
"""

from django.urls import path

from anfang.alarms import views_config as v

app_name = "alarm_config"

A = "c/<str:code>/alarms"

config_urlpatterns = [
    path(f"{A}/", v.HistoryView.as_view(), name="history"),
    path(f"{A}/export.<str:fmt>", v.history_export, name="history_export"),
    path(f"{A}/zones/", v.zones, name="zones"),
    path(f"{A}/zones/new/", v.ZoneCreateView.as_view(), name="zone_create"),
    path(f"{A}/zones/arm/", v.arm, name="arm"),
    path(f"{A}/zones/<int:pk>/edit/", v.ZoneEditView.as_view(), name="zone_edit"),
    path(f"{A}/zones/<int:pk>/delete/", v.ZoneDeleteView.as_view(), name="zone_delete"),
    path(f"{A}/procedures/", v.procedures, name="procedures"),
    path(f"{A}/procedures/<str:alarm_type>/", v.procedure_edit, name="procedure_edit"),
    path(f"{A}/procedures/<str:alarm_type>/reset/", v.procedure_reset, name="procedure_reset"),
    path(f"{A}/policy/", v.policy, name="policy"),
    path(f"{A}/policy/reset/", v.policy_reset, name="policy_reset"),
    path(f"{A}/sia/", v.sia_accounts, name="sia_accounts"),
    path(f"{A}/sia/new/", v.SiaCreateView.as_view(), name="sia_create"),
    path(f"{A}/sia/<int:pk>/edit/", v.SiaEditView.as_view(), name="sia_edit"),
    path(f"{A}/sia/<int:pk>/delete/", v.SiaDeleteView.as_view(), name="sia_delete"),
    path(f"{A}/events/", v.events, name="events"),
    path(f"{A}/events/<int:pk>/", v.event_detail, name="event_detail"),
    path(f"{A}/events/<int:pk>/raw/", v.event_raw, name="event_raw"),
    path(f"{A}/events/<int:pk>/reprocess/", v.event_reprocess, name="event_reprocess"),
    path("events/unassigned/", v.unassigned_events, name="unassigned_events"),
    path("events/unassigned/<int:pk>/", v.unassigned_event_detail, name="unassigned_event_detail"),
    path("events/unassigned/<int:pk>/raw/", v.unassigned_event_raw, name="unassigned_event_raw"),
    path(
        "events/unassigned/<int:pk>/reprocess/",
        v.unassigned_event_reprocess,
        name="unassigned_event_reprocess",
    ),
    path("notifications/", v.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", v.notification_read, name="notification_read"),
    path("notifications/read-all/", v.notifications_read_all, name="notifications_read_all"),
]

urlpatterns = config_urlpatterns
