"""Vendor push endpoints under /ingest/ (ARCHITECTURE, Interfaces): no session, no CSRF, device auth."""

from django.urls import path

from anfang.alarms import vendor_push

app_name = "ingest"

urlpatterns = [
    path("isapi/<str:code>", vendor_push.isapi_push, name="isapi"),
    path("isapi/<str:code>/", vendor_push.isapi_push),
    path("dahua/<str:code>", vendor_push.dahua_push, name="dahua"),
    path("dahua/<str:code>/", vendor_push.dahua_push),
]
