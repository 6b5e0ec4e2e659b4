"""API of security teams (R-5/R-6 第5、6条) and the retention settings (R-33.2 第33条第(2)项)."""

from __future__ import annotations

from typing import Any

import pytest

from anfang.sites.models import SecurityTeam
from tests.support import factories
from tests.support.api import API, ScopedAPITests, assert_error, client_for

pytestmark = pytest.mark.django_db


def _team(community: Any, **kw: Any) -> SecurityTeam:
    data: dict[str, Any] = {"kind": "guard_team", "name": "物业保安队", "members": 12}
    data.update(kw)
    team = SecurityTeam(community=community, **data)
    team.full_clean()
    team.save()
    return team


def _list_url(community: Any) -> str:
    return f"{API}/communities/{community.code}/security-teams"


class TestSecurityTeams(ScopedAPITests):
    object_type = "sites.securityteam"
    key = "id"

    def list_url(self, community: Any) -> str:
        return _list_url(community)

    def detail_url(self, obj: Any) -> str:
        return f"{_list_url(obj.community)}/{obj.pk}"

    def make(self, community: Any) -> SecurityTeam:
        return _team(community)

    def create_data(self, tenancy: Any) -> dict[str, Any]:
        return {
            "kind": "guard_team",
            "name": "物业保安队",
            "members": 14,
            "leader": "李队长",
            "phone": "0417-2856611",
            "contract_ref": "LHW-WY-2024-003",
        }

    def update_data(self, tenancy: Any) -> dict[str, Any]:
        return {"members": 16, "leader": "赵队长"}


def test_created_team_reads_back_in_full(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    data = {
        "kind": "community_patrol",
        "name": "社区巡防队",
        "members": 6,
        "police_liaison": "刘警官",
        "notes": "夜间巡逻",
    }
    created = client.post(_list_url(tenancy.a), data).json()
    body = client.get(f"{_list_url(tenancy.a)}/{created['id']}").json()
    for field, value in data.items():
        assert body[field] == value
    assert body["community"] == "a" and body["leader"] == "" and body["contract_ref"] == ""
    listing = client.get(_list_url(tenancy.a)).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == created["id"]


def test_team_of_another_community_is_404_under_either_code(tenancy: Any) -> None:
    team = _team(tenancy.b, name="B 的保安队")
    client = client_for(tenancy.manager_a)
    assert_error(client.get(f"{_list_url(tenancy.a)}/{team.pk}"), 404, "not_found")
    assert_error(client.patch(f"{_list_url(tenancy.a)}/{team.pk}", {"members": 1}), 404, "not_found")
    assert_error(client.delete(f"{_list_url(tenancy.a)}/{team.pk}"), 404, "not_found")
    assert_error(client.get(_list_url(tenancy.b)), 404, "not_found")
    assert_error(client.get(f"{_list_url(tenancy.a)}/999999"), 404, "not_found")
    team.refresh_from_db()
    assert team.members == 12


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members": -1}, "members"),
        ({"kind": "army"}, "kind"),
        ({"name": ""}, "name"),
        ({"members": 10**20}, "members"),  # beyond any database column
    ],
)
def test_bad_team_input_is_400_naming_the_field(tenancy: Any, change: dict[str, Any], field: str) -> None:
    client = client_for(tenancy.manager_a)
    data = {"kind": "guard_team", "name": "保安队", "members": 3, **change}
    body = assert_error(client.post(_list_url(tenancy.a), data), 400, "invalid")
    assert field in body["detail"], body
    assert not SecurityTeam.objects.exists()
    team = _team(tenancy.a)
    body = assert_error(client.patch(f"{_list_url(tenancy.a)}/{team.pk}", change), 400, "invalid")
    assert field in body["detail"], body
    team.refresh_from_db()
    assert (team.kind, team.name, team.members) == ("guard_team", "物业保安队", 12)


def test_malformed_team_bodies_are_422(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    assert_error(client.post(_list_url(tenancy.a), {"name": "x"}), 422, "invalid")  # kind missing
    assert_error(
        client.post(_list_url(tenancy.a), {"kind": "guard_team", "name": "x", "size": 3}), 422, "invalid"
    )
    assert_error(
        client.post(_list_url(tenancy.a), {"kind": "guard_team", "name": "x", "members": "many"}),
        422,
        "invalid",
    )
    assert_error(client.get(f"{_list_url(tenancy.a)}/abc"), 422, "invalid")


# ---------------------------------------------------------------------------------------------------
# Retention settings
# ---------------------------------------------------------------------------------------------------


def test_community_retention_read_and_patched(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    url = f"{API}/communities/a"
    body = client.get(url).json()
    assert (body["video_retention_days"], body["vehicle_retention_days"]) == (30, 90)
    response = client.patch(url, {"video_retention_days": 45, "vehicle_retention_days": 180})
    assert response.status_code == 200, response.content
    tenancy.a.refresh_from_db()
    assert (tenancy.a.video_retention_days, tenancy.a.vehicle_retention_days) == (45, 180)


@pytest.mark.parametrize(("field", "value"), [("video_retention_days", 10), ("vehicle_retention_days", 60)])
def test_retention_below_the_floor_is_400(tenancy: Any, field: str, value: int) -> None:
    client = client_for(tenancy.manager_a)
    body = assert_error(client.patch(f"{API}/communities/a", {field: value}), 400, "invalid")
    assert field in body["detail"]
    tenancy.a.refresh_from_db()
    assert (tenancy.a.video_retention_days, tenancy.a.vehicle_retention_days) == (30, 90)
    data = {
        "code": "c-new",
        "name": "新小区",
        "property_company": tenancy.a.property_company.code,
        field: value,
    }
    body = assert_error(client_for(tenancy.admin).post(f"{API}/communities", data), 400, "invalid")
    assert field in body["detail"]


def test_recorder_retention_days_in_device_api(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    data = {
        "code": "NVR-9",
        "community": "a",
        "name": "录像机",
        "subsystem": "video",
        "kind": "nvr",
        "retention_days": 45,
    }
    response = client.post(f"{API}/devices", data)
    assert response.status_code == 201, response.content
    assert response.json()["retention_days"] == 45
    response = client.patch(f"{API}/devices/NVR-9", {"retention_days": 20})
    assert response.status_code == 200 and response.json()["retention_days"] == 20
    assert_error(client.patch(f"{API}/devices/NVR-9", {"retention_days": -5}), 422, "invalid")
    camera = factories.device(tenancy.a)
    assert client.get(f"{API}/devices/{camera.code}").json()["retention_days"] is None
