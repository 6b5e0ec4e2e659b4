"""Filters shared by the registry list pages and the list endpoints of the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anfang.sites.choices import BarrierTypeChoices, LocationKindChoices, ManagementTypeChoices
from anfang.sites.models import Community, Location, PerimeterSegment


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    search_fields: tuple[str, ...] = ("code", "name")
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class CommunityFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "address", "district")
    management_type = django_filters.ChoiceFilter(choices=ManagementTypeChoices.choices, label=_("管理方式"))
    police_station = django_filters.CharFilter(field_name="police_station__code", label=_("派出所编号"))
    district = django_filters.CharFilter(lookup_expr="icontains", label=_("区县"))

    class Meta:
        model = Community
        fields = ["management_type", "police_station", "district"]


class LocationFilterSet(SearchFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=LocationKindChoices.choices, label=_("类型"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级位置编号"))

    class Meta:
        model = Location
        fields = ["kind", "parent"]


class PerimeterSegmentFilterSet(SearchFilterSet):
    barrier_type = django_filters.ChoiceFilter(choices=BarrierTypeChoices.choices, label=_("屏障类型"))

    class Meta:
        model = PerimeterSegment
        fields = ["barrier_type"]
