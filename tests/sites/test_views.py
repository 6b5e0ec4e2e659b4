"""Registry pages of communities, locations and perimeter segments, as a user sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from anfang.core.models import ChangeRecord
from anfang.sites.models import Community, Location, PerimeterSegment
from tests.support import factories
from tests.support.views import ScopedViewTests, client_for

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------
# Shared scoping checks
# ---------------------------------------------------------------------------------------------------


class TestCommunityScoping(ScopedViewTests):
    def make(self, tenancy: Any) -> Community:
        return tenancy.a

    def edit_url(self, obj: Community) -> str:
        return reverse("sites:community_edit", args=[obj.code])

    def list_url(self, tenancy: Any) -> str:
        return reverse("sites:location_list", args=[tenancy.a.code])  # community list is never 404

    def test_manager_sees_list_and_detail(self, tenancy: Any) -> None:
        client = client_for(tenancy.manager_a)
        listing = client.get(reverse("sites:community_list"))
        assert {c.code for c in listing.context["object_list"]} == {"a"}
        detail = client.get(self.detail_url(tenancy.a))
        assert detail.status_code == 200
        assert self.edit_url(tenancy.a) in detail.content.decode()


class TestLocationScoping(ScopedViewTests):
    def make(self, tenancy: Any) -> Location:
        return factories.location(tenancy.a, code="B1", name="1号楼")

    def edit_url(self, obj: Location) -> str:
        return reverse("sites:location_edit", args=[obj.community.code, obj.code])

    def delete_url(self, obj: Location) -> str:
        return reverse("sites:location_delete", args=[obj.community.code, obj.code])

    def list_url(self, tenancy: Any) -> str:
        return reverse("sites:location_list", args=[tenancy.a.code])


class TestPerimeterScoping(ScopedViewTests):
    def make(self, tenancy: Any) -> PerimeterSegment:
        return factories.segment(tenancy.a, [[0, 0], [100, 0]], code="N1")

    def edit_url(self, obj: PerimeterSegment) -> str:
        return reverse("sites:perimeter_edit", args=[obj.community.code, obj.code])

    def delete_url(self, obj: PerimeterSegment) -> str:
        return reverse("sites:perimeter_delete", args=[obj.community.code, obj.code])

    def list_url(self, tenancy: Any) -> str:
        return reverse("sites:perimeter_list", args=[tenancy.a.code])


# ---------------------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------------------


def _codes(response: Any) -> set[str]:
    return {obj.code for obj in response.context["object_list"]}


def test_community_list_filters_narrow(tenancy: Any) -> None:
    factories.community(code="c-east", name="东城小区", district="西市区")
    client = client_for(tenancy.admin)
    url = reverse("sites:community_list")
    assert _codes(client.get(url)) == {"a", "b", "c-east"}
    assert _codes(client.get(url, {"district": "西市"})) == {"c-east"}
    assert _codes(client.get(url, {"q": "小区A"})) == {"a"}
    assert _codes(client.get(url, {"police_station": tenancy.b.police_station.code})) == {"b"}
    assert _codes(client.get(url, {"management_type": "unmanaged"})) == set()
    # A bad choice narrows nothing and is shown as a field error, never a 500.
    bad = client.get(url, {"management_type": "nonsense"})
    assert bad.status_code == 200 and bad.context["filter_form"].errors


def test_police_sees_only_their_station(tenancy: Any) -> None:
    response = client_for(tenancy.police_a).get(reverse("sites:community_list"))
    assert _codes(response) == {"a"}
    assert reverse("sites:community_create") not in response.content.decode()


def test_manager_community_list(tenancy: Any) -> None:
    response = client_for(tenancy.manager_a).get(reverse("sites:community_list"))
    assert _codes(response) == {"a"}
    assert client_for(tenancy.manager_b).get(reverse("sites:community_detail", args=["a"])).status_code == 404


def test_only_admin_creates_community(tenancy: Any) -> None:
    data = {
        "code": "new-c",
        "name": "新建小区",
        "management_type": "property",
        "property_company": tenancy.a.property_company.pk,
        "police_station": tenancy.a.police_station.pk,
        "security_grade": "basic",
        "plan_width_m": "300",
        "plan_height_m": "200",
    }
    url = reverse("sites:community_create")
    assert client_for(tenancy.manager_a).get(url).status_code == 403
    assert client_for(tenancy.manager_a).post(url, data).status_code == 403
    response = client_for(tenancy.admin).post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("sites:community_detail", args=["new-c"])
    assert Community.objects.filter(code="new-c", name="新建小区").exists()


def test_community_create_requires_property_company(tenancy: Any) -> None:
    """R-5 (第5条): a managed community names its property company; the error keeps the input."""
    response = client_for(tenancy.admin).post(
        reverse("sites:community_create"),
        {
            "code": "pc-less",
            "name": "缺物业小区",
            "management_type": "property",
            "security_grade": "basic",
            "plan_width_m": "300",
            "plan_height_m": "200",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第5条" in body and "缺物业小区" in body
    assert not Community.objects.filter(code="pc-less").exists()


def test_manager_edits_community_and_change_is_logged(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    url = reverse("sites:community_edit", args=["a"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "code"}
    data.update(name="小区A（改名）", address="建设路1号")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tenancy.a.refresh_from_db()
    assert tenancy.a.name == "小区A（改名）" and tenancy.a.code == "a"
    record = ChangeRecord.objects.filter(object_type="sites.community", action="update").last()
    assert record is not None and record.actor_name == "manager_a"


def test_community_detail_counts(tenancy: Any) -> None:
    factories.location(tenancy.a, kind="entrance")
    factories.device(tenancy.a)
    factories.device(tenancy.b)
    response = client_for(tenancy.manager_a).get(reverse("sites:community_detail", args=["a"]))
    assert response.context["location_total"] == 1
    assert response.context["device_total"] == 1
    body = response.content.decode()
    for name in ("sites:site_plan", "sites:location_list", "sites:perimeter_list", "devices:device_list"):
        assert reverse(name, args=["a"]) in body


# ---------------------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------------------


def _location_data(**kw: Any) -> dict[str, Any]:
    data = {"code": "E1", "name": "东门", "kind": "entrance", "entrance_role": "main", "geometry": "10,20"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_location_create_with_simple_coordinates(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    response = client.post(reverse("sites:location_create", args=["a"]), _location_data())
    assert response.status_code == 302
    loc = Location.objects.get(community=tenancy.a, code="E1")
    assert loc.geometry == {"type": "Point", "coordinates": [10.0, 20.0]}
    building = client.post(
        reverse("sites:location_create", args=["a"]),
        _location_data(
            code="B1", name="1号楼", kind="building", entrance_role="", geometry="0,0; 20,0; 20,10; 0,10; 0,0"
        ),
    )
    assert building.status_code == 302
    assert Location.objects.get(code="B1").geometry["type"] == "Polygon"
    detail = client.get(reverse("sites:location_detail", args=["a", "B1"])).content.decode()
    assert "200.0" in detail  # area in m²


def test_location_invalid_geometry_keeps_typed_value(tenancy: Any) -> None:
    typed = "10,20; abc"
    response = client_for(tenancy.manager_a).post(
        reverse("sites:location_create", args=["a"]), _location_data(geometry=typed)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "无法识别坐标" in body
    assert typed in body
    assert "东门" in body
    assert not Location.objects.filter(code="E1").exists()


def test_location_invalid_json_geometry(tenancy: Any) -> None:
    response = client_for(tenancy.manager_a).post(
        reverse("sites:location_create", args=["a"]), _location_data(geometry='{"type": "Point"')
    )
    assert response.status_code == 400
    assert "JSON" in response.content.decode()


def test_location_self_intersecting_polygon_refused(tenancy: Any) -> None:
    response = client_for(tenancy.manager_a).post(
        reverse("sites:location_create", args=["a"]),
        _location_data(code="S1", kind="square", entrance_role="", geometry="0,0; 10,10; 10,0; 0,10; 0,0"),
    )
    assert response.status_code == 400
    assert "自相交" in response.content.decode()


def test_location_parent_limited_to_same_community(tenancy: Any) -> None:
    foreign = factories.location(tenancy.b, code="BB", kind="building")
    own = factories.location(tenancy.a, code="BA", kind="building")
    client = client_for(tenancy.manager_a)
    form = client.get(reverse("sites:location_create", args=["a"])).context["form"]
    assert own in form.fields["parent"].queryset and foreign not in form.fields["parent"].queryset
    response = client.post(
        reverse("sites:location_create", args=["a"]),
        _location_data(
            code="U1", name="1单元", kind="unit", entrance_role="", parent=foreign.pk, geometry=""
        ),
    )
    assert response.status_code == 400
    assert not Location.objects.filter(code="U1").exists()
    ok = client.post(
        reverse("sites:location_create", args=["a"]),
        _location_data(code="U1", name="1单元", kind="unit", entrance_role="", parent=own.pk, geometry=""),
    )
    assert ok.status_code == 302
    assert Location.objects.get(code="U1").parent == own


def test_location_model_rules_show_as_field_errors(tenancy: Any) -> None:
    """A unit needs a building as parent; an entrance needs main/secondary (第12条)."""
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("sites:location_create", args=["a"]),
        _location_data(code="U2", kind="unit", entrance_role="", geometry=""),
    )
    assert response.status_code == 400
    assert "必须指定上级位置" in response.content.decode()
    response = client.post(reverse("sites:location_create", args=["a"]), _location_data(entrance_role=""))
    assert "第12条" in response.content.decode()


def test_location_duplicate_code_in_community(tenancy: Any) -> None:
    factories.location(tenancy.a, code="E1")
    factories.location(tenancy.b, code="E2")
    client = client_for(tenancy.manager_a)
    response = client.post(reverse("sites:location_create", args=["a"]), _location_data())
    assert response.status_code == 400
    assert "本小区已有编号" in response.content.decode()
    # The same code in another community is fine.
    assert (
        client.post(reverse("sites:location_create", args=["a"]), _location_data(code="E2")).status_code
        == 302
    )


def test_location_edit_and_delete(tenancy: Any) -> None:
    loc = factories.location(tenancy.a, code="B9", name="9号楼", kind="building")
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("sites:location_edit", args=["a", "B9"]),
        {
            "code": "B9",
            "name": "9号楼（新）",
            "kind": "building",
            "geometry": "5,5",
            "household_doors_standard": "unknown",
        },
    )
    assert response.status_code == 302
    loc.refresh_from_db()
    assert loc.name == "9号楼（新）" and loc.geometry["coordinates"] == [5.0, 5.0]
    edit_page = client.get(reverse("sites:location_edit", args=["a", "B9"])).content.decode()
    assert "5,5" in edit_page  # stored geometry shown in the simple form
    confirm = client.get(reverse("sites:location_delete", args=["a", "B9"]))
    assert confirm.status_code == 200 and "9号楼（新）" in confirm.content.decode()
    assert client.post(reverse("sites:location_delete", args=["a", "B9"])).status_code == 302
    assert not Location.objects.filter(pk=loc.pk).exists()
    assert ChangeRecord.objects.filter(object_type="sites.location", action="delete").exists()


def test_location_with_devices_cannot_be_deleted(tenancy: Any) -> None:
    loc = factories.location(tenancy.a, code="G1", kind="entrance")
    factories.device(tenancy.a, location=loc)
    response = client_for(tenancy.manager_a).post(reverse("sites:location_delete", args=["a", "G1"]))
    assert response.status_code == 409
    assert "不能删除" in response.content.decode()
    assert Location.objects.filter(pk=loc.pk).exists()


def test_location_filters_narrow(tenancy: Any) -> None:
    building = factories.location(tenancy.a, code="B1", name="一号楼", kind="building")
    factories.location(tenancy.a, code="U1", name="一单元", kind="unit", parent=building)
    factories.location(tenancy.a, code="E1", name="南门", kind="entrance")
    client = client_for(tenancy.manager_a)
    url = reverse("sites:location_list", args=["a"])

    def codes(params: dict[str, Any]) -> set[str]:
        return {loc.code for loc in client.get(url, params).context["object_list"]}

    assert codes({}) == {"B1", "U1", "E1"}
    assert codes({"kind": "entrance"}) == {"E1"}
    assert codes({"kind": ""}) == {"B1", "U1", "E1"}
    assert codes({"parent": "B1"}) == {"U1"}
    assert codes({"q": "南"}) == {"E1"}


# ---------------------------------------------------------------------------------------------------
# Perimeter
# ---------------------------------------------------------------------------------------------------


def test_perimeter_create_edit_delete(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    data = {
        "code": "P1",
        "name": "北墙",
        "sequence": "1",
        "geometry": "0,0; 100,0",
        "barrier_type": "wall",
        "barrier_height_m": "2.2",
    }
    assert client.post(reverse("sites:perimeter_create", args=["a"]), data).status_code == 302
    seg = PerimeterSegment.objects.get(community=tenancy.a, code="P1")
    assert seg.length_m == pytest.approx(100)
    detail = client.get(reverse("sites:perimeter_detail", args=["a", "P1"])).content.decode()
    assert "100.0" in detail
    data["geometry"] = "0,0; 100,0; 100,50"
    assert client.post(reverse("sites:perimeter_edit", args=["a", "P1"]), data).status_code == 302
    seg.refresh_from_db()
    assert seg.length_m == pytest.approx(150)
    assert client.post(reverse("sites:perimeter_delete", args=["a", "P1"])).status_code == 302
    assert not PerimeterSegment.objects.filter(pk=seg.pk).exists()


def test_perimeter_needs_a_line(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    base = {"code": "P2", "sequence": "1", "barrier_type": "fence"}
    for typed in ("5,5", "", "0,0; 0,0"):
        response = client.post(reverse("sites:perimeter_create", args=["a"]), {**base, "geometry": typed})
        assert response.status_code == 400, typed
        if typed:
            assert typed in response.content.decode()
    assert not PerimeterSegment.objects.filter(code="P2").exists()


def test_perimeter_filter_by_barrier(tenancy: Any) -> None:
    factories.segment(tenancy.a, [[0, 0], [10, 0]], code="W", barrier_type="wall")
    factories.segment(tenancy.a, [[10, 0], [10, 10]], code="F", barrier_type="fence")
    response = client_for(tenancy.operator_a).get(
        reverse("sites:perimeter_list", args=["a"]), {"barrier_type": "fence"}
    )
    assert [s.code for s in response.context["object_list"]] == ["F"]
