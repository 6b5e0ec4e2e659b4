"""Duty room UI: /c/<code>/duty/… (room, roster with shifts and weekly pattern, log and record, handover)."""

from django.urls import path

from anfang.duty import views

app_name = "duty"

D = "c/<str:code>/duty"

urlpatterns = [
    path(f"{D}/", views.RoomView.as_view(), name="room"),
    path(f"{D}/roster/", views.RosterView.as_view(), name="roster"),
    path(f"{D}/roster/new/", views.RosterCreateView.as_view(), name="roster_create"),
    path(f"{D}/roster/<int:pk>/edit/", views.RosterEditView.as_view(), name="roster_edit"),
    path(f"{D}/roster/<int:pk>/delete/", views.RosterDeleteView.as_view(), name="roster_delete"),
    path(f"{D}/roster/<int:pk>/generate/", views.GenerateView.as_view(), name="roster_generate"),
    path(f"{D}/roster/<int:pk>/shifts/new/", views.ShiftCreateView.as_view(), name="shift_create"),
    path(f"{D}/roster/<int:pk>/shifts/<int:shift>/edit/", views.ShiftEditView.as_view(), name="shift_edit"),
    path(
        f"{D}/roster/<int:pk>/shifts/<int:shift>/delete/",
        views.ShiftDeleteView.as_view(),
        name="shift_delete",
    ),
    path(f"{D}/roster/<int:pk>/pattern/new/", views.PatternCreateView.as_view(), name="pattern_create"),
    path(
        f"{D}/roster/<int:pk>/pattern/<int:slot>/edit/", views.PatternEditView.as_view(), name="pattern_edit"
    ),
    path(
        f"{D}/roster/<int:pk>/pattern/<int:slot>/delete/",
        views.PatternDeleteView.as_view(),
        name="pattern_delete",
    ),
    path(f"{D}/log/", views.LogView.as_view(), name="log"),
    path(f"{D}/log/record/", views.RecordView.as_view(), name="record"),
    path(f"{D}/handover/", views.HandoverView.as_view(), name="handover"),
]
