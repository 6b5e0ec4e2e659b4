"""Filters of the alarm history and the raw event list, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anfang.alarms.choices import (
    AlarmOutcomeChoices,
    AlarmPriorityChoices,
    AlarmStateChoices,
    AlarmTypeChoices,
    EventSourceChoices,
    EventStatusChoices,
)
from anfang.alarms.models import Alarm, InboundEvent
from anfang.sites.filters import SearchFilterSet

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AlarmFilterSet(SearchFilterSet):
    """Date range (local days, Asia/Shanghai), type, priority, state, outcome, device, reported to police."""

    search_fields = ("title", "zone", "device__code", "device__name", "location__name", "resolution_note")
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE_WIDGET
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE_WIDGET
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="alarm_type", choices=AlarmTypeChoices.choices, label=_("报警类型")
    )
    priority = django_filters.MultipleChoiceFilter(choices=AlarmPriorityChoices.choices, label=_("优先级"))
    state = django_filters.MultipleChoiceFilter(choices=AlarmStateChoices.choices, label=_("状态"))
    outcome = django_filters.MultipleChoiceFilter(choices=AlarmOutcomeChoices.choices, label=_("处置结果"))
    device = django_filters.CharFilter(field_name="device__code", label=_("设备"))
    reported = django_filters.BooleanFilter(method="filter_reported", label=_("已向公安报警"))

    class Meta:
        model = Alarm
        fields = ["date_from", "date_to", "type", "priority", "state", "outcome", "device", "reported"]

    def filter_reported(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(police_reported_at__isnull=not value)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.form.add_error("date_to", _("截止日期不能早于起始日期。"))
            return False
        return valid


class InboundEventFilterSet(SearchFilterSet):
    """What became of each event, where it came from, and whether the device clock drifts (> 5 s)."""

    search_fields = ("device_code", "external_id", "vendor_code", "zone", "text", "error")
    status = django_filters.MultipleChoiceFilter(choices=EventStatusChoices.choices, label=_("处理结果"))
    source = django_filters.MultipleChoiceFilter(choices=EventSourceChoices.choices, label=_("来源"))
    drift = django_filters.BooleanFilter(method="filter_drift", label=_("时钟偏差超过 5 秒"))
    date_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE_WIDGET
    )
    date_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE_WIDGET
    )

    class Meta:
        model = InboundEvent
        fields = ["status", "source", "drift", "date_from", "date_to"]

    def filter_drift(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        # ARCHITECTURE: device clocks drifting more than 5 s are flagged.
        flagged = Q(clock_drift_s__gt=5) | Q(clock_drift_s__lt=-5)
        if value is None:
            return queryset
        return queryset.filter(flagged) if value else queryset.exclude(flagged)
