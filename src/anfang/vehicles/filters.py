"""Filters of the vehicle list pages (resident vehicles, blacklist)."""

from __future__ import annotations

from anfang.sites.filters import SearchFilterSet
from anfang.vehicles.models import BlacklistEntry, ResidentVehicle


class ResidentVehicleFilterSet(SearchFilterSet):
    """Search by plate, owner, phone, unit or note."""

    search_fields = ("plate", "owner_name", "owner_phone", "unit__name", "unit__code", "note")

    class Meta:
        model = ResidentVehicle
        fields: list[str] = []


class BlacklistFilterSet(SearchFilterSet):
    search_fields = ("plate", "reason")

    class Meta:
        model = BlacklistEntry
        fields: list[str] = []
