"""URL map: UI at /, API at /api/v1/, Django admin at /admin/ (platform admin only).

UI URLs: /communities/ (list), /c/<community code>/… (everything of one community: plan, locations,
perimeter, devices), /catalogue/… (device models, manufacturers, certificates).
"""

from django.contrib import admin
from django.urls import include, path

from anfang.core.api import api
from anfang.vehicles import ingest as vehicle_ingest

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("anfang.alarms.urls")),  # before api/v1/: it serves /api/v1/alarms/stream
    path("api/v1/", api.urls),
    # Dahua ITC plate records (the paths the ITC HTTP upload uses, under the device's push URL).
    path(
        "ingest/dahua/<str:code>/NotificationInfo/TollgateInfo",
        vehicle_ingest.dahua_tollgate,
        name="dahua_tollgate",
    ),
    path("ingest/dahua/<str:code>/tollgate", vehicle_ingest.dahua_tollgate),
    path("ingest/dahua/<str:code>/NotificationInfo/KeepAlive", vehicle_ingest.dahua_keepalive),
    path("ingest/", include("anfang.alarms.urls_ingest")),  # vendor pushes (ISAPI, Dahua)
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anfang.core.urls")),
    path("", include("anfang.sites.urls")),
    path("", include("anfang.devices.urls")),
    path("", include("anfang.compliance.urls")),
    path("", include("anfang.duty.urls")),
    path("", include("anfang.vehicles.urls")),
    path("", include(("anfang.alarms.urls_config", "alarm_config"))),
]
