"""Filters shared by the device list page and ``GET /api/v1/devices``."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from anfang.devices.choices import DeviceKindChoices, DeviceStatusChoices, SubsystemChoices
from anfang.devices.models import Device, DeviceModel
from anfang.sites.filters import SearchFilterSet


class DeviceFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "network_address", "serial_number", "location__name")
    subsystem = django_filters.MultipleChoiceFilter(choices=SubsystemChoices.choices, label=_("子系统"))
    kind = django_filters.MultipleChoiceFilter(choices=DeviceKindChoices.choices, label=_("设备类型"))
    status = django_filters.MultipleChoiceFilter(choices=DeviceStatusChoices.choices, label=_("状态"))
    location = django_filters.CharFilter(field_name="location__code", label=_("位置编号"))
    anpr = django_filters.BooleanFilter(label=_("车牌识别"))

    class Meta:
        model = Device
        fields = ["subsystem", "kind", "status", "location", "anpr"]


class DeviceModelFilterSet(SearchFilterSet):
    search_fields = ("model_number", "name", "manufacturer__name")
    subsystem = django_filters.ChoiceFilter(choices=SubsystemChoices.choices, label=_("子系统"))
    manufacturer = django_filters.CharFilter(field_name="manufacturer__code", label=_("厂家编号"))

    class Meta:
        model = DeviceModel
        fields = ["subsystem", "manufacturer"]
