"""URL map: UI at /, API at /api/v1/, Django admin at /admin/ (platform admin only).

UI URLs: /communities/ (list), /c/<community code>/… (everything of one community: plan, locations,
perimeter, devices), /catalogue/… (device models, manufacturers, certificates).
"""

from django.contrib import admin
from django.urls import include, path

from anfang.core.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("anfang.alarms.urls")),  # before api/v1/: it serves /api/v1/alarms/stream
    path("api/v1/", api.urls),
    path("ingest/", include("anfang.alarms.urls_ingest")),  # vendor pushes (ISAPI, Dahua)
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anfang.core.urls")),
    path("", include("anfang.sites.urls")),
    path("", include("anfang.devices.urls")),
    path("", include("anfang.compliance.urls")),
    path("", include("anfang.duty.urls")),
    path("", include(("anfang.alarms.urls_config", "alarm_config"))),
]
