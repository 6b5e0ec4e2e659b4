from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "anfang.sites"
    label = "sites"
    verbose_name = _("小区与位置")
