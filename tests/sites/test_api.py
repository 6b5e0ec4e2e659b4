"""Sites API: communities, police stations, property companies, locations, perimeter segments."""

from __future__ import annotations

from typing import Any

import pytest

from anfang.core.models import ChangeRecord
from anfang.sites.models import Community, Location
from tests.support import factories
from tests.support.api import (
    API,
    ReferenceAPITests,
    ScopedAPITests,
    assert_error,
    client_for,
)

pytestmark = pytest.mark.django_db

LINE = {"type": "LineString", "coordinates": [[0, 0], [100, 0]]}


class TestLocations(ScopedAPITests):
    object_type = "sites.location"

    def list_url(self, community: Any) -> str:
        return f"{API}/communities/{community.code}/locations"

    def detail_url(self, obj: Any) -> str:
        return f"{API}/communities/{obj.community.code}/locations/{obj.code}"

    def make(self, community: Any) -> Location:
        return factories.location(community, kind="building")

    def create_data(self, tenancy: Any) -> dict[str, Any]:
        return {
            "code": "E1",
            "name": "南门",
            "kind": "entrance",
            "entrance_role": "main",
            "geometry": {"type": "Point", "coordinates": [10, 20]},
        }

    def update_data(self, tenancy: Any) -> dict[str, Any]:
        return {"name": "一号楼", "floors": 18}


class TestPerimeterSegments(ScopedAPITests):
    object_type = "sites.perimetersegment"

    def list_url(self, community: Any) -> str:
        return f"{API}/communities/{community.code}/perimeter-segments"

    def detail_url(self, obj: Any) -> str:
        return f"{API}/communities/{obj.community.code}/perimeter-segments/{obj.code}"

    def make(self, community: Any) -> Any:
        return factories.segment(community, [[0, 0], [50, 0]])

    def create_data(self, tenancy: Any) -> dict[str, Any]:
        return {"code": "N1", "name": "北墙", "geometry": LINE, "barrier_type": "fence", "sequence": 2}

    def update_data(self, tenancy: Any) -> dict[str, Any]:
        return {"barrier_type": "wall", "barrier_height_m": 2.5}


class TestPoliceStations(ReferenceAPITests):
    object_type = "sites.policestation"
    list_url = f"{API}/police-stations"

    def make(self) -> Any:
        return factories.police_station()

    def create_data(self) -> dict[str, Any]:
        return {"code": "ps-new", "name": "站前派出所", "district": "站前区"}

    def update_data(self) -> dict[str, Any]:
        return {"phone": "0417-110"}


class TestPropertyCompanies(ReferenceAPITests):
    object_type = "sites.propertycompany"
    list_url = f"{API}/property-companies"

    def make(self) -> Any:
        return factories.property_company()

    def create_data(self) -> dict[str, Any]:
        return {"code": "pc-new", "name": "营口物业"}

    def update_data(self) -> dict[str, Any]:
        return {"contact": "王经理"}


# ---------------------------------------------------------------------------------------------------
# Communities: created by the platform admin, edited by managers
# ---------------------------------------------------------------------------------------------------


def test_community_list_is_scoped_and_ordered(tenancy):
    body = client_for(tenancy.manager_a).get(f"{API}/communities").json()
    assert [c["code"] for c in body["items"]] == ["a"] and body["count"] == 1
    body = client_for(tenancy.admin).get(f"{API}/communities").json()
    assert [c["code"] for c in body["items"]] == ["a", "b"]
    police = client_for(tenancy.police_a).get(f"{API}/communities").json()
    assert [c["code"] for c in police["items"]] == ["a"]


def test_community_detail_names_related_records_by_code(tenancy):
    body = client_for(tenancy.manager_a).get(f"{API}/communities/a").json()
    assert body["police_station"] == tenancy.a.police_station.code
    assert body["property_company"] == tenancy.a.property_company.code
    assert body["plan_width_m"] == 300.0


def test_only_admin_creates_and_deletes_communities(tenancy):
    data = {
        "code": "c-new",
        "name": "新小区",
        "management_type": "unmanaged",
        "police_station": tenancy.a.police_station.code,
    }
    assert_error(client_for(tenancy.manager_a).post(f"{API}/communities", data), 403, "forbidden")
    response = client_for(tenancy.admin).post(f"{API}/communities", data)
    assert response.status_code == 201, response.content
    assert response.json()["property_company"] is None
    assert_error(client_for(tenancy.manager_a).delete(f"{API}/communities/a"), 403, "forbidden")
    assert client_for(tenancy.admin).delete(f"{API}/communities/c-new").status_code == 204
    assert not Community.objects.filter(code="c-new").exists()


def test_manager_edits_own_community_not_others(tenancy):
    client = client_for(tenancy.manager_a)
    response = client.patch(f"{API}/communities/a", {"name": "阳光小区", "security_grade": "enhanced"})
    assert response.status_code == 200 and response.json()["name"] == "阳光小区"
    row = ChangeRecord.objects.filter(object_type="sites.community").order_by("-seq").first()
    assert row.actor_id == tenancy.manager_a.pk and row.after["name"] == "阳光小区"
    assert_error(client.patch(f"{API}/communities/b", {"name": "x"}), 404, "not_found")
    assert_error(client_for(tenancy.operator_a).patch(f"{API}/communities/a", {"name": "x"}), 403)


def test_community_rules_of_articles_5_and_6_give_400(tenancy):
    client = client_for(tenancy.admin)
    body = assert_error(
        client.post(f"{API}/communities", {"code": "x1", "name": "无物业", "management_type": "property"}),
        400,
        "invalid",
    )
    assert "property_company" in body["detail"]
    body = assert_error(
        client.post(f"{API}/communities", {"code": "x2", "name": "无派出所", "management_type": "unmanaged"}),
        400,
        "invalid",
    )
    assert "police_station" in body["detail"]


def test_unknown_foreign_codes_are_400_naming_the_field(tenancy):
    client = client_for(tenancy.admin)
    body = assert_error(
        client.patch(f"{API}/communities/a", {"police_station": "nope", "property_company": "nada"}),
        400,
        "invalid",
    )
    assert set(body["detail"]) == {"police_station", "property_company"}
    body = assert_error(
        client_for(tenancy.manager_a).post(
            f"{API}/communities/a/locations", {"code": "U1", "name": "1单元", "kind": "unit", "parent": "B9"}
        ),
        400,
        "invalid",
    )
    assert "parent" in body["detail"]


def test_parent_in_another_community_is_unknown(tenancy):
    theirs = factories.location(tenancy.b, code="BB", kind="building")
    body = assert_error(
        client_for(tenancy.manager_a).post(
            f"{API}/communities/a/locations",
            {"code": "U1", "name": "1单元", "kind": "unit", "parent": theirs.code},
        ),
        400,
        "invalid",
    )
    assert "parent" in body["detail"]


def test_location_rules_and_duplicates(tenancy):
    client = client_for(tenancy.manager_a)
    factories.location(tenancy.a, code="B1", kind="building")
    url = f"{API}/communities/a/locations"
    assert_error(client.post(url, {"code": "B1", "name": "重复", "kind": "building"}), 400, "invalid")
    body = assert_error(client.post(url, {"code": "E9", "name": "门", "kind": "entrance"}), 400, "invalid")
    assert "entrance_role" in body["detail"]
    body = assert_error(client.post(url, {"code": "K1", "name": "x", "kind": "spaceship"}), 400, "invalid")
    assert "kind" in body["detail"]
    response = client.post(url, {"code": "U1", "name": "1单元", "kind": "unit", "parent": "B1"})
    assert response.status_code == 201 and response.json()["parent"] == "B1"


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Circle", "coordinates": [0, 0]},
        {"type": "Point", "coordinates": "here"},
        {"type": "Point", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]},
        {"type": "LineString", "coordinates": [[1, 1], [1, 1]]},
    ],
)
def test_invalid_geometry_is_400(tenancy, geometry):
    client = client_for(tenancy.manager_a)
    body = assert_error(
        client.post(
            f"{API}/communities/a/locations",
            {"code": "G1", "name": "g", "kind": "square", "geometry": geometry},
        ),
        400,
        "invalid",
    )
    assert "geometry" in body["detail"]


def test_perimeter_segment_must_be_a_line(tenancy):
    client = client_for(tenancy.manager_a)
    url = f"{API}/communities/a/perimeter-segments"
    body = assert_error(
        client.post(url, {"code": "S1", "geometry": {"type": "Point", "coordinates": [0, 0]}}), 400, "invalid"
    )
    assert "geometry" in body["detail"]
    response = client.post(url, {"code": "S1", "geometry": LINE})
    assert response.status_code == 201 and response.json()["length_m"] == 100.0


def test_location_with_devices_cannot_be_deleted(tenancy):
    loc = factories.location(tenancy.a, code="B1")
    factories.device(tenancy.a, location=loc)
    response = client_for(tenancy.manager_a).delete(f"{API}/communities/a/locations/B1")
    assert_error(response, 409, "protected")
    assert Location.objects.filter(pk=loc.pk).exists()


def test_location_filters_and_pagination(tenancy):
    for i in range(5):
        factories.location(tenancy.a, code=f"B{i}", name=f"{i}号楼", kind="building")
    factories.location(tenancy.a, code="E1", name="南门", kind="entrance")
    client = client_for(tenancy.operator_a)
    url = f"{API}/communities/a/locations"
    body = client.get(url, {"kind": "building", "limit": 2, "offset": 1}).json()
    assert body["count"] == 5 and [i["code"] for i in body["items"]] == ["B1", "B2"]
    body = client.get(url, {"kind": ["entrance", "building"]}).json()
    assert body["count"] == 6
    assert client.get(url, {"q": "南门"}).json()["count"] == 1
    body = assert_error(client.get(url, {"kind": "spaceship"}), 400, "invalid")
    assert "kind" in body["detail"]
    assert_error(client.get(url, {"limit": 0}), 422, "invalid")
    assert_error(client.get(url, {"limit": "many"}), 422, "invalid")
    assert_error(client.get(url, {"offset": -1}), 422, "invalid")


def test_community_filters(tenancy):
    client = client_for(tenancy.admin)
    body = client.get(f"{API}/communities", {"police_station": tenancy.b.police_station.code}).json()
    assert [c["code"] for c in body["items"]] == ["b"]
    assert_error(client.get(f"{API}/communities", {"management_type": "weird"}), 400, "invalid")
