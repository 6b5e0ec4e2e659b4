from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VehiclesConfig(AppConfig):
    name = "anfang.vehicles"
    label = "vehicles"
    verbose_name = _("车辆与道闸")

    def ready(self) -> None:
        from anfang.vehicles import lookups  # noqa: F401  (registers `__like`)
