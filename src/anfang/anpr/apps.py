"""The plate reader as a Django app: no models, only its commands (`anfang anpr read`) and worker."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnprConfig(AppConfig):
    name = "anfang.anpr"
    label = "anpr"
    verbose_name = _("车牌识别")
