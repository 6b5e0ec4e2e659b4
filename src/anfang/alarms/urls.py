"""Alarm pages: the live console, its SSE stream, one alarm with its actions, event pictures, and the
API stream (a plain async view, so it must come before the ninja API in the root URLconf)."""

from django.urls import path

from anfang.alarms import views

app_name = "alarms"

urlpatterns = [
    path("api/v1/alarms/stream", views.api_stream, name="api_stream"),
    path("console/", views.console, name="console"),
    path("console/stream", views.console_stream, name="console_stream"),
    path("c/<str:code>/alarms/<int:pk>/", views.detail, name="detail"),
    path(
        "c/<str:code>/alarms/<int:pk>/pictures/<int:picture>/",
        views.event_picture,
        name="event_picture",
    ),
    path("c/<str:code>/alarms/<int:pk>/<slug:action>/", views.act, name="act"),
]
