"""Registry pages for communities, locations and perimeter segments (thin: scope, form, render)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse

from anfang.core.generic import (
    CommunityMixin,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    can_change,
    choice_order,
    code_choices,
    visible_community,
)
from anfang.devices.choices import DEVICE_STATUS_BADGES, DeviceStatusChoices, SubsystemChoices
from anfang.devices.models import Device
from anfang.sites.choices import LOCATION_KIND_COLOURS, LocationKindChoices, SecurityTeamKindChoices
from anfang.sites.filters import CommunityFilterSet, LocationFilterSet, PerimeterSegmentFilterSet
from anfang.sites.forms import (
    CommunityForm,
    LocationForm,
    PerimeterSegmentForm,
    SecurityTeamForm,
    geometry_label,
    geometry_to_text,
    svg_preview,
)
from anfang.sites.models import Community, Location, PerimeterSegment, SecurityTeam

# ---------------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------------


def _device_count() -> Subquery:
    return Subquery(
        Device.objects.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


class CommunityListView(ObjectListView):
    model = Community
    template_name = "sites/community_list.html"
    filterset_class = CommunityFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return (
            Community.objects.for_user(self.request.user)
            .select_related("police_station", "property_company")
            .annotate(device_count=Coalesce(_device_count(), 0))
            .order_by("code")
        )

    def can_add(self) -> bool:
        return bool(self.request.user.is_admin)  # type: ignore[union-attr]


class CommunityDetailView(ObjectDetailView):
    model = Community
    template_name = "sites/community_detail.html"

    def get_object(self) -> Community:
        return visible_community(self.request, self.kwargs["code"])

    def can_change(self, obj: Community) -> bool:
        return can_change(self.request, obj)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        community: Community = kwargs["object"]
        locations = Location.objects.filter(community=community)
        kinds = dict(locations.order_by().values_list("kind").annotate(n=Count("pk")))
        devices = Device.objects.filter(community=community)
        statuses = dict(devices.order_by().values_list("status").annotate(n=Count("pk")))
        subsystems = dict(devices.order_by().values_list("subsystem").annotate(n=Count("pk")))
        segments = list(PerimeterSegment.objects.filter(community=community))
        teams = list(
            SecurityTeam.objects.filter(community=community).order_by(
                choice_order("kind", SecurityTeamKindChoices), "name"
            )
        )
        return {
            "community": community,
            "location_total": sum(kinds.values()),
            "location_kinds": [
                (value, label, kinds[value]) for value, label in LocationKindChoices.choices if value in kinds
            ],
            "device_total": sum(statuses.values()),
            "device_statuses": [
                (value, label, statuses.get(value, 0), DEVICE_STATUS_BADGES[DeviceStatusChoices(value)])
                for value, label in DeviceStatusChoices.choices
            ],
            "device_subsystems": [
                (value, label, subsystems.get(value, 0)) for value, label in SubsystemChoices.choices
            ],
            "segment_total": len(segments),
            "perimeter_length_m": sum(s.length_m for s in segments),
            "teams": teams,
            "team_members": sum(t.members for t in teams),
        }


class CommunityCreateView(ObjectEditView):
    """Only a platform admin opens a new community (tenancy is theirs)."""

    model = Community
    form_class = CommunityForm

    def get_object(self) -> Community:
        return Community()

    def may_save(self, obj: Community) -> bool:
        return bool(self.request.user.is_admin)  # type: ignore[union-attr]

    def cancel_url(self, obj: Community) -> str:
        return reverse("sites:community_list")


class CommunityEditView(ObjectEditView):
    model = Community
    form_class = CommunityForm

    def get_object(self) -> Community:
        return visible_community(self.request, self.kwargs["code"])

    def may_save(self, obj: Community) -> bool:
        return can_change(self.request, obj)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"community": kwargs["object"]}


# ---------------------------------------------------------------------------------------------------
# Records of one community: locations and perimeter segments
# ---------------------------------------------------------------------------------------------------


class ScopedObjectMixin(CommunityMixin):
    """``/c/<code>/<things>/<key>/``: the record ``key`` of a community the user can see, else 404."""

    model: ClassVar[Any]
    url_kwarg: ClassVar[str]
    related: ClassVar[tuple[str, ...]] = ()

    def get_object(self) -> Any:
        queryset = self.model.objects.filter(community=self.community).select_related(*self.related)
        return get_object_or_404(queryset, code=self.kwargs[self.url_kwarg])

    def may_save(self, obj: Any) -> bool:
        return can_change(self.request, self.community)

    may_delete = may_save

    def can_change(self, obj: Any) -> bool:
        return can_change(self.request, self.community)

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"community": self.community}


class ScopedCreateMixin(ScopedObjectMixin):
    def get_object(self) -> Any:
        return self.model(community=self.community)


class LocationListView(CommunityMixin, ObjectListView):
    model = Location
    template_name = "sites/location_list.html"
    filterset_class = LocationFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return (
            Location.objects.filter(community=self.community)
            .select_related("parent")
            .annotate(
                device_count=Count("devices", distinct=True), child_count=Count("children", distinct=True)
            )
            .order_by(choice_order("kind", LocationKindChoices), "code")
        )

    def can_add(self) -> bool:
        return can_change(self.request, self.community)

    def adjust_filter_form(self, form: forms.Form) -> None:
        parents = Location.objects.filter(community=self.community, children__isnull=False).distinct()
        form.fields["parent"].widget = forms.Select(choices=code_choices(parents.order_by("kind", "code")))

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"community": self.community, "kind_colours": LOCATION_KIND_COLOURS}


class LocationDetailView(ScopedObjectMixin, ObjectDetailView):
    model = Location
    template_name = "sites/location_detail.html"
    url_kwarg = "loc"
    related = ("parent", "linked_to")

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        location: Location = kwargs["object"]
        shape = location.shape()
        return {
            "community": self.community,
            "children": location.children.order_by("kind", "code"),
            "devices": location.devices.select_related("device_model").order_by("subsystem", "code"),
            "geometry_text": geometry_to_text(location.geometry),
            "geometry_label": geometry_label(location.geometry),
            "svg": svg_preview(location.geometry, self.community.plan_width_m, self.community.plan_height_m),
            "geometry_shape": shape,
            "status_badges": DEVICE_STATUS_BADGES,
        }


# Kind-specific facts worth asking for each kind (第8–15条); the rest stay hidden in the form.
LOCATION_KIND_FIELDS: dict[str, list[str]] = {
    LocationKindChoices.ENTRANCE: ["entrance_role"],
    LocationKindChoices.LANE: ["lane_type", "direction"],
    LocationKindChoices.PARKING_ENTRANCE: ["direction"],
    LocationKindChoices.BUILDING: ["floors", "household_doors_standard", "lock_grade"],
    LocationKindChoices.UNIT: ["household_doors_standard", "lock_grade"],
    LocationKindChoices.UNIT_ENTRANCE: ["lock_grade"],
    LocationKindChoices.PARKING_LOT: ["area_m2"],
    LocationKindChoices.ROAD: ["is_main"],
    LocationKindChoices.SQUARE: ["is_main", "area_m2"],
    LocationKindChoices.DUTY_ROOM: ["linked_to", "area_m2"],
    LocationKindChoices.MONITORING_CENTRE: ["linked_to", "area_m2"],
    LocationKindChoices.OTHER: ["area_m2"],
}


class LocationEditMixin(ScopedObjectMixin):
    template_name = "sites/location_edit.html"

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "community": self.community,
            "kind_fields": {str(k): v for k, v in LOCATION_KIND_FIELDS.items()},
        }


class LocationCreateView(LocationEditMixin, ScopedCreateMixin, ObjectEditView):
    model = Location
    form_class = LocationForm

    def cancel_url(self, obj: Any) -> str:
        return reverse("sites:location_list", args=[self.community.code])


class LocationEditView(LocationEditMixin, ObjectEditView):
    model = Location
    form_class = LocationForm
    url_kwarg = "loc"


class LocationDeleteView(ScopedObjectMixin, ObjectDeleteView):
    model = Location
    url_kwarg = "loc"

    def success_url(self, obj: Any) -> str:
        return reverse("sites:location_list", args=[self.community.code])

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        location: Location = kwargs["object"]
        return {
            "community": self.community,
            "cascade": [(_kind_label(c.kind), c) for c in location.children.all()],
        }


def _kind_label(kind: str) -> str:
    return str(LocationKindChoices(kind).label) if kind in LocationKindChoices.values else kind


class PerimeterListView(CommunityMixin, ObjectListView):
    model = PerimeterSegment
    template_name = "sites/perimeter_list.html"
    filterset_class = PerimeterSegmentFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return PerimeterSegment.objects.filter(community=self.community).order_by("sequence", "code")

    def can_add(self) -> bool:
        return can_change(self.request, self.community)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        segments = list(kwargs["queryset"])
        return {
            "community": self.community,
            "total_length_m": sum(s.length_m for s in segments),
        }


class PerimeterDetailView(ScopedObjectMixin, ObjectDetailView):
    model = PerimeterSegment
    template_name = "sites/perimeter_detail.html"
    url_kwarg = "seg"

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        segment: PerimeterSegment = kwargs["object"]
        coords = (segment.geometry or {}).get("coordinates") or []
        return {
            "community": self.community,
            "points": coords,
            "geometry_text": geometry_to_text(segment.geometry),
            "svg": svg_preview(segment.geometry, self.community.plan_width_m, self.community.plan_height_m),
        }


class PerimeterCreateView(ScopedCreateMixin, ObjectEditView):
    model = PerimeterSegment
    form_class = PerimeterSegmentForm

    def cancel_url(self, obj: Any) -> str:
        return reverse("sites:perimeter_list", args=[self.community.code])


class PerimeterEditView(ScopedObjectMixin, ObjectEditView):
    model = PerimeterSegment
    form_class = PerimeterSegmentForm
    url_kwarg = "seg"


class PerimeterDeleteView(ScopedObjectMixin, ObjectDeleteView):
    model = PerimeterSegment
    url_kwarg = "seg"

    def success_url(self, obj: Any) -> str:
        return reverse("sites:perimeter_list", args=[self.community.code])


# ---------------------------------------------------------------------------------------------------
# Security teams (R-5 第5条 guard team, R-6 第6条 community patrol team)
# ---------------------------------------------------------------------------------------------------


class TeamMixin(ScopedObjectMixin):
    """Teams have no code of their own: ``/c/<code>/teams/<pk>/`` within the visible community."""

    url_kwarg = "pk"

    def get_object(self) -> Any:
        return get_object_or_404(SecurityTeam.objects.filter(community=self.community), pk=self.kwargs["pk"])

    def team_list_url(self) -> str:
        return reverse("sites:team_list", args=[self.community.code])

    def success_url(self, obj: Any) -> str:
        return self.team_list_url()

    def cancel_url(self, obj: Any) -> str:
        return self.team_list_url()

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "community": self.community,
            "crumb_url": self.team_list_url(),
            "crumb_label": SecurityTeam._meta.verbose_name_plural,
            "cancel_url": self.team_list_url(),
        }


class TeamListView(CommunityMixin, ObjectListView):
    model = SecurityTeam
    template_name = "sites/team_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return SecurityTeam.objects.filter(community=self.community).order_by(
            choice_order("kind", SecurityTeamKindChoices), "name"
        )

    def can_add(self) -> bool:
        return can_change(self.request, self.community)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"community": self.community}


class TeamCreateView(TeamMixin, ScopedCreateMixin, ObjectEditView):
    model = SecurityTeam
    form_class = SecurityTeamForm

    def get_object(self) -> Any:
        return SecurityTeam(community=self.community)


class TeamEditView(TeamMixin, ObjectEditView):
    model = SecurityTeam
    form_class = SecurityTeamForm


class TeamDeleteView(TeamMixin, ObjectDeleteView):
    model = SecurityTeam
