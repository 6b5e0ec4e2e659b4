from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anfang.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from anfang.core import plain_sql, signals  # noqa: F401  (change-log receivers, system check)
