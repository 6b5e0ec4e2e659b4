"""Devices UI: the devices of a community (/c/<code>/devices/…) and the catalogue (/catalogue/…)."""

from django.urls import path

from anfang.devices import views

app_name = "devices"

D = "c/<str:code>/devices"
M = "catalogue/models"

urlpatterns = [
    path(f"{D}/", views.DeviceListView.as_view(), name="device_list"),
    path(f"{D}/new/", views.DeviceCreateView.as_view(), name="device_create"),
    path(f"{D}/<str:dev>/", views.DeviceDetailView.as_view(), name="device_detail"),
    path(f"{D}/<str:dev>/edit/", views.DeviceEditView.as_view(), name="device_edit"),
    path(f"{D}/<str:dev>/delete/", views.DeviceDeleteView.as_view(), name="device_delete"),
    path(f"{D}/<str:dev>/status/", views.DeviceStatusView.as_view(), name="device_status"),
    path(f"{D}/<str:dev>/acceptance/", views.DeviceAcceptanceView.as_view(), name="device_acceptance"),
    path(f"{M}/", views.DeviceModelListView.as_view(), name="model_list"),
    path(f"{M}/new/", views.DeviceModelCreateView.as_view(), name="model_create"),
    path(f"{M}/<int:pk>/", views.DeviceModelDetailView.as_view(), name="model_detail"),
    path(f"{M}/<int:pk>/edit/", views.DeviceModelEditView.as_view(), name="model_edit"),
    path(f"{M}/<int:pk>/delete/", views.DeviceModelDeleteView.as_view(), name="model_delete"),
    path(f"{M}/<int:pk>/certificates/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path(
        f"{M}/<int:pk>/certificates/<int:cert>/edit/",
        views.CertificateEditView.as_view(),
        name="certificate_edit",
    ),
    path(
        f"{M}/<int:pk>/certificates/<int:cert>/delete/",
        views.CertificateDeleteView.as_view(),
        name="certificate_delete",
    ),
    path("catalogue/manufacturers/", views.ManufacturerListView.as_view(), name="manufacturer_list"),
    path("catalogue/manufacturers/new/", views.ManufacturerCreateView.as_view(), name="manufacturer_create"),
    path(
        "catalogue/manufacturers/<int:pk>/edit/",
        views.ManufacturerEditView.as_view(),
        name="manufacturer_edit",
    ),
]
