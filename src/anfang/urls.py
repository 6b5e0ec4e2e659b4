"""URL map: UI at /, API at /api/v1/, Django admin at /admin/ (platform admin only)."""

from django.contrib import admin
from django.urls import include, path

from anfang.core.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anfang.core.urls")),
    path("sites/", include("anfang.sites.urls")),
    path("devices/", include("anfang.devices.urls")),
]
