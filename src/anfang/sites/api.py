"""Registry API of places: police stations, property companies, communities, locations, perimeter,
security teams.

Thin endpoints: load through ``.for_user()``, check the permission, validate and save (change-logged
by signals, attributed to the token's or session's user).
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from anfang.core.api_tools import (
    Paging,
    apply_filters,
    assign,
    delete_instance,
    filter_schema,
    get_or_404,
    paginate,
    register_community_crud,
    register_reference_crud,
    registry_auth,
    request_user,
    require_admin,
    require_change,
    resolve_ref,
    save_instance,
)
from anfang.sites.filters import (
    CommunityFilterSet,
    LocationFilterSet,
    PerimeterSegmentFilterSet,
    SearchFilterSet,
)
from anfang.sites.models import (
    Community,
    Location,
    PerimeterSegment,
    PoliceStation,
    PropertyCompany,
    SecurityTeam,
)
from anfang.sites.schemas import (
    CommunityIn,
    CommunityOut,
    CommunityPage,
    CommunityPatch,
    LocationIn,
    LocationOut,
    LocationPage,
    LocationPatch,
    PerimeterSegmentIn,
    PerimeterSegmentOut,
    PerimeterSegmentPage,
    PerimeterSegmentPatch,
    PoliceStationIn,
    PoliceStationOut,
    PoliceStationPage,
    PoliceStationPatch,
    PropertyCompanyIn,
    PropertyCompanyOut,
    PropertyCompanyPage,
    PropertyCompanyPatch,
    SecurityTeamIn,
    SecurityTeamOut,
    SecurityTeamPage,
    SecurityTeamPatch,
)

router = Router(auth=registry_auth)


class PoliceStationFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "district", "address")

    class Meta:
        model = PoliceStation
        fields: list[str] = []


class PropertyCompanyFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "contact")

    class Meta:
        model = PropertyCompany
        fields: list[str] = []


# Query parameters of the FilterSets, for the OpenAPI (mypy sees a plain Schema).
if TYPE_CHECKING:
    PoliceStationFilters = Schema
    PropertyCompanyFilters = Schema
    CommunityFilters = Schema
    LocationFilters = Schema
    PerimeterSegmentFilters = Schema
else:
    PoliceStationFilters = filter_schema(PoliceStationFilterSet, "PoliceStationFilters")
    PropertyCompanyFilters = filter_schema(PropertyCompanyFilterSet, "PropertyCompanyFilters")
    CommunityFilters = filter_schema(CommunityFilterSet, "CommunityFilters")
    LocationFilters = filter_schema(LocationFilterSet, "LocationFilters")
    PerimeterSegmentFilters = filter_schema(PerimeterSegmentFilterSet, "PerimeterSegmentFilters")

# ---------------------------------------------------------------------------------------------------
# Police stations and property companies (reference data: everyone reads, the platform admin writes)
# ---------------------------------------------------------------------------------------------------

register_reference_crud(
    router,
    path="/police-stations",
    model=PoliceStation,
    filterset=PoliceStationFilterSet,
    filters=PoliceStationFilters,
    schema_in=PoliceStationIn,
    schema_patch=PoliceStationPatch,
    schema_out=PoliceStationOut,
    schema_page=PoliceStationPage,
    tags=["police stations"],
    singular="police_station",
    plural="police_stations",
)
register_reference_crud(
    router,
    path="/property-companies",
    model=PropertyCompany,
    filterset=PropertyCompanyFilterSet,
    filters=PropertyCompanyFilters,
    schema_in=PropertyCompanyIn,
    schema_patch=PropertyCompanyPatch,
    schema_out=PropertyCompanyOut,
    schema_page=PropertyCompanyPage,
    tags=["property companies"],
    singular="property_company",
    plural="property_companies",
)


# ---------------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------------

COMMUNITIES = ["communities"]
COMMUNITY_REFS = {
    "police_station": lambda v: resolve_ref(PoliceStation.objects.all(), "police_station", v),
    "property_company": lambda v: resolve_ref(PropertyCompany.objects.all(), "property_company", v),
}


def _communities(request: HttpRequest) -> Any:
    return Community.objects.for_user(request_user(request)).select_related(
        "police_station", "property_company"
    )


@router.get("/communities", response=CommunityPage, tags=COMMUNITIES, operation_id="list_communities")
def list_communities(
    request: HttpRequest, paging: Query[Paging], filters: Query[CommunityFilters]
) -> dict[str, Any]:
    qs = apply_filters(CommunityFilterSet, request, _communities(request))
    return paginate(qs.order_by("code"), paging)


@router.post("/communities", response={201: CommunityOut}, tags=COMMUNITIES, operation_id="create_community")
def create_community(request: HttpRequest, payload: CommunityIn) -> tuple[int, Community]:
    require_admin(request_user(request))
    community = Community()
    assign(community, payload.model_dump(), COMMUNITY_REFS)
    return 201, save_instance(community)


@router.get("/communities/{code}", response=CommunityOut, tags=COMMUNITIES, operation_id="get_community")
def get_community(request: HttpRequest, code: str) -> Community:
    return get_or_404(_communities(request), code=code)


@router.patch("/communities/{code}", response=CommunityOut, tags=COMMUNITIES, operation_id="update_community")
def update_community(request: HttpRequest, code: str, payload: CommunityPatch) -> Community:
    user = request_user(request)
    community = get_or_404(_communities(request), code=code)
    require_change(user, community)
    assign(community, payload.model_dump(exclude_unset=True), COMMUNITY_REFS)
    return save_instance(community)


@router.delete("/communities/{code}", response={204: None}, tags=COMMUNITIES, operation_id="delete_community")
def delete_community(request: HttpRequest, code: str) -> tuple[int, None]:
    user = request_user(request)
    community = get_or_404(_communities(request), code=code)
    require_admin(user)
    delete_instance(community)
    return 204, None


# ---------------------------------------------------------------------------------------------------
# Records of a community: locations (第8–15条), perimeter segments (第8条), security teams (第5、6条)
# ---------------------------------------------------------------------------------------------------


def _location_refs(community: Community) -> dict[str, Any]:
    same = Location.objects.filter(community=community)
    return {
        "parent": lambda v: resolve_ref(same, "parent", v),
        "linked_to": lambda v: resolve_ref(same, "linked_to", v),
    }


register_community_crud(
    router,
    path="locations",
    model=Location,
    schema_in=LocationIn,
    schema_patch=LocationPatch,
    schema_out=LocationOut,
    schema_page=LocationPage,
    tags=["locations"],
    singular="location",
    plural="locations",
    filterset=LocationFilterSet,
    filters=LocationFilters,
    related=("community", "parent", "linked_to"),
    refs=_location_refs,
)
register_community_crud(
    router,
    path="perimeter-segments",
    model=PerimeterSegment,
    schema_in=PerimeterSegmentIn,
    schema_patch=PerimeterSegmentPatch,
    schema_out=PerimeterSegmentOut,
    schema_page=PerimeterSegmentPage,
    tags=["perimeter segments"],
    singular="perimeter_segment",
    plural="perimeter_segments",
    filterset=PerimeterSegmentFilterSet,
    filters=PerimeterSegmentFilters,
)
# Security teams have no code: keyed by id.
register_community_crud(
    router,
    path="security-teams",
    model=SecurityTeam,
    schema_in=SecurityTeamIn,
    schema_patch=SecurityTeamPatch,
    schema_out=SecurityTeamOut,
    schema_page=SecurityTeamPage,
    tags=["security teams"],
    singular="security_team",
    plural="security_teams",
    key="pk",
    ordering=("kind", "name", "pk"),
)
