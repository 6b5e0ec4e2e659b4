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
    community_or_404,
    delete_instance,
    filter_schema,
    get_or_404,
    paginate,
    register_reference_crud,
    registry_auth,
    request_user,
    require_admin,
    require_change,
    resolve_ref,
    save_instance,
)
from anfang.core.tenancy import Perm
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
# Locations of a community (第8–15条)
# ---------------------------------------------------------------------------------------------------

LOCATIONS = ["locations"]


def _location_refs(community: Community) -> dict[str, Any]:
    same = Location.objects.filter(community=community)
    return {
        "parent": lambda v: resolve_ref(same, "parent", v),
        "linked_to": lambda v: resolve_ref(same, "linked_to", v),
    }


def _locations(request: HttpRequest, community: Community) -> Any:
    return (
        Location.objects.for_user(request_user(request))
        .filter(community=community)
        .select_related("community", "parent", "linked_to")
    )


@router.get(
    "/communities/{community}/locations",
    response=LocationPage,
    tags=LOCATIONS,
    operation_id="list_locations",
)
def list_locations(
    request: HttpRequest, community: str, paging: Query[Paging], filters: Query[LocationFilters]
) -> dict[str, Any]:
    site = community_or_404(request_user(request), community)
    qs = apply_filters(LocationFilterSet, request, _locations(request, site))
    return paginate(qs.order_by("code"), paging)


@router.post(
    "/communities/{community}/locations",
    response={201: LocationOut},
    tags=LOCATIONS,
    operation_id="create_location",
)
def create_location(request: HttpRequest, community: str, payload: LocationIn) -> tuple[int, Location]:
    site = community_or_404(request_user(request), community, Perm.CHANGE_REGISTRY)
    location = Location(community=site)
    assign(location, payload.model_dump(), _location_refs(site))
    return 201, save_instance(location)


@router.get(
    "/communities/{community}/locations/{code}",
    response=LocationOut,
    tags=LOCATIONS,
    operation_id="get_location",
)
def get_location(request: HttpRequest, community: str, code: str) -> Location:
    site = community_or_404(request_user(request), community)
    return get_or_404(_locations(request, site), code=code)


@router.patch(
    "/communities/{community}/locations/{code}",
    response=LocationOut,
    tags=LOCATIONS,
    operation_id="update_location",
)
def update_location(request: HttpRequest, community: str, code: str, payload: LocationPatch) -> Location:
    user = request_user(request)
    site = community_or_404(user, community)
    location = get_or_404(_locations(request, site), code=code)
    require_change(user, site)
    assign(location, payload.model_dump(exclude_unset=True), _location_refs(site))
    return save_instance(location)


@router.delete(
    "/communities/{community}/locations/{code}",
    response={204: None},
    tags=LOCATIONS,
    operation_id="delete_location",
)
def delete_location(request: HttpRequest, community: str, code: str) -> tuple[int, None]:
    user = request_user(request)
    site = community_or_404(user, community)
    location = get_or_404(_locations(request, site), code=code)
    require_change(user, site)
    delete_instance(location)
    return 204, None


# ---------------------------------------------------------------------------------------------------
# Perimeter segments (第8条)
# ---------------------------------------------------------------------------------------------------

PERIMETER = ["perimeter segments"]


def _segments(request: HttpRequest, community: Community) -> Any:
    return (
        PerimeterSegment.objects.for_user(request_user(request))
        .filter(community=community)
        .select_related("community")
    )


@router.get(
    "/communities/{community}/perimeter-segments",
    response=PerimeterSegmentPage,
    tags=PERIMETER,
    operation_id="list_perimeter_segments",
)
def list_perimeter_segments(
    request: HttpRequest, community: str, paging: Query[Paging], filters: Query[PerimeterSegmentFilters]
) -> dict[str, Any]:
    site = community_or_404(request_user(request), community)
    qs = apply_filters(PerimeterSegmentFilterSet, request, _segments(request, site))
    return paginate(qs.order_by("code"), paging)


@router.post(
    "/communities/{community}/perimeter-segments",
    response={201: PerimeterSegmentOut},
    tags=PERIMETER,
    operation_id="create_perimeter_segment",
)
def create_perimeter_segment(
    request: HttpRequest, community: str, payload: PerimeterSegmentIn
) -> tuple[int, PerimeterSegment]:
    site = community_or_404(request_user(request), community, Perm.CHANGE_REGISTRY)
    segment = PerimeterSegment(community=site)
    assign(segment, payload.model_dump())
    return 201, save_instance(segment)


@router.get(
    "/communities/{community}/perimeter-segments/{code}",
    response=PerimeterSegmentOut,
    tags=PERIMETER,
    operation_id="get_perimeter_segment",
)
def get_perimeter_segment(request: HttpRequest, community: str, code: str) -> PerimeterSegment:
    site = community_or_404(request_user(request), community)
    return get_or_404(_segments(request, site), code=code)


@router.patch(
    "/communities/{community}/perimeter-segments/{code}",
    response=PerimeterSegmentOut,
    tags=PERIMETER,
    operation_id="update_perimeter_segment",
)
def update_perimeter_segment(
    request: HttpRequest, community: str, code: str, payload: PerimeterSegmentPatch
) -> PerimeterSegment:
    user = request_user(request)
    site = community_or_404(user, community)
    segment = get_or_404(_segments(request, site), code=code)
    require_change(user, site)
    assign(segment, payload.model_dump(exclude_unset=True))
    return save_instance(segment)


@router.delete(
    "/communities/{community}/perimeter-segments/{code}",
    response={204: None},
    tags=PERIMETER,
    operation_id="delete_perimeter_segment",
)
def delete_perimeter_segment(request: HttpRequest, community: str, code: str) -> tuple[int, None]:
    user = request_user(request)
    site = community_or_404(user, community)
    segment = get_or_404(_segments(request, site), code=code)
    require_change(user, site)
    delete_instance(segment)
    return 204, None


# ---------------------------------------------------------------------------------------------------
# Security teams (R-5 第5条 guard team, R-6 第6条 community patrol team); no code: keyed by id
# ---------------------------------------------------------------------------------------------------

TEAMS = ["security teams"]


def _teams(request: HttpRequest, community: Community) -> Any:
    return (
        SecurityTeam.objects.for_user(request_user(request))
        .filter(community=community)
        .select_related("community")
    )


@router.get(
    "/communities/{community}/security-teams",
    response=SecurityTeamPage,
    tags=TEAMS,
    operation_id="list_security_teams",
)
def list_security_teams(request: HttpRequest, community: str, paging: Query[Paging]) -> dict[str, Any]:
    site = community_or_404(request_user(request), community)
    return paginate(_teams(request, site).order_by("kind", "name", "pk"), paging)


@router.post(
    "/communities/{community}/security-teams",
    response={201: SecurityTeamOut},
    tags=TEAMS,
    operation_id="create_security_team",
)
def create_security_team(
    request: HttpRequest, community: str, payload: SecurityTeamIn
) -> tuple[int, SecurityTeam]:
    site = community_or_404(request_user(request), community, Perm.CHANGE_REGISTRY)
    team = SecurityTeam(community=site)
    assign(team, payload.model_dump())
    return 201, save_instance(team)


@router.get(
    "/communities/{community}/security-teams/{team_id}",
    response=SecurityTeamOut,
    tags=TEAMS,
    operation_id="get_security_team",
)
def get_security_team(request: HttpRequest, community: str, team_id: int) -> SecurityTeam:
    site = community_or_404(request_user(request), community)
    return get_or_404(_teams(request, site), pk=team_id)


@router.patch(
    "/communities/{community}/security-teams/{team_id}",
    response=SecurityTeamOut,
    tags=TEAMS,
    operation_id="update_security_team",
)
def update_security_team(
    request: HttpRequest, community: str, team_id: int, payload: SecurityTeamPatch
) -> SecurityTeam:
    user = request_user(request)
    site = community_or_404(user, community)
    team = get_or_404(_teams(request, site), pk=team_id)
    require_change(user, site)
    assign(team, payload.model_dump(exclude_unset=True))
    return save_instance(team)


@router.delete(
    "/communities/{community}/security-teams/{team_id}",
    response={204: None},
    tags=TEAMS,
    operation_id="delete_security_team",
)
def delete_security_team(request: HttpRequest, community: str, team_id: int) -> tuple[int, None]:
    user = request_user(request)
    site = community_or_404(user, community)
    team = get_or_404(_teams(request, site), pk=team_id)
    require_change(user, site)
    delete_instance(team)
    return 204, None
