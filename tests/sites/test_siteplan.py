"""Site plan: the SVG model holds the perimeter and every location; the page is scoped per tenant."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anfang.sites.siteplan import build_site_plan
from tests.support import factories

pytestmark = pytest.mark.django_db

PERIMETER = [[0, 0], [300, 0], [300, 200], [0, 200], [0, 0]]


def _rect(x: float, y: float, w: float, h: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


def demo_like(community):
    """12 buildings, two entrances, a road, a square, a 6-segment perimeter, a few devices."""
    buildings = []
    for i in range(12):
        row, col = divmod(i, 4)
        buildings.append(
            factories.location(
                community,
                code=f"B{i + 1}",
                name=f"{i + 1}号楼",
                kind="building",
                geometry=_rect(30 + col * 65, 30 + row * 55, 40, 18),
            )
        )
    main = factories.location(
        community,
        code="E1",
        name="南门",
        kind="entrance",
        geometry={"type": "Point", "coordinates": [150, 0]},
    )
    factories.location(
        community,
        code="E2",
        name="东门",
        kind="entrance",
        entrance_role="secondary",
        geometry={"type": "Point", "coordinates": [300, 120]},
    )
    factories.location(
        community,
        code="R1",
        name="中央大道",
        kind="road",
        geometry={"type": "LineString", "coordinates": [[150, 0], [150, 200]]},
    )
    factories.location(community, code="SQ", name="中心广场", kind="square", geometry=_rect(130, 90, 40, 25))
    factories.location(community, code="NOGEO", name="无几何位置", kind="duty_room")
    corners = [[0, 0], [150, 0], [300, 0], [300, 120], [300, 200], [0, 200], [0, 0]]
    barriers = ["wall", "wall", "fence", "fence", "wall", "none"]
    segments = [
        factories.segment(
            community, [corners[i], corners[i + 1]], code=f"P{i + 1}", sequence=i, barrier_type=b
        )
        for i, b in enumerate(barriers)
    ]
    cam = factories.device(
        community,
        code=f"{community.code}-cam1",
        name="南门摄像机",
        position={"type": "Point", "coordinates": [155, 5]},
        coverage=_rect(140, 5, 30, 25),
    )
    beam = factories.device(
        community,
        code=f"{community.code}-ir1",
        name="西侧红外对射",
        subsystem="perimeter",
        kind="infrared_beam",
        position={"type": "Point", "coordinates": [0, 100]},
        coverage={"type": "LineString", "coordinates": [[0, 0], [0, 200]]},
    )
    at_location = factories.device(
        community,
        code=f"{community.code}-door",
        name="1号楼门口机",
        subsystem="intercom",
        kind="door_station",
        location=buildings[0],
    )
    nowhere = factories.device(community, code=f"{community.code}-nvr", name="录像机", kind="nvr")
    return {
        "buildings": buildings,
        "main": main,
        "segments": segments,
        "devices": [cam, beam, at_location, nowhere],
    }


def test_plan_contains_the_perimeter_and_each_location(tenancy):
    data = demo_like(tenancy.a)
    plan = build_site_plan(tenancy.a)
    perimeter = plan.layer("perimeter").shapes
    assert len(perimeter) == len(data["segments"]) == 6
    assert {s.css for s in perimeter} == {"barrier-wall", "barrier-fence", "barrier-none"}
    assert all(s.dash for s in perimeter if s.css == "barrier-none")
    titles = " ".join(s.title for layer in plan.layers for s in layer.shapes)
    for i in range(1, 13):
        assert f"{i}号楼" in titles
    assert "南门" in titles and "东门" in titles and "中央大道" in titles and "中心广场" in titles
    assert len(plan.layer("areas").shapes) == 13  # 12 buildings and the square
    assert len(plan.layer("roads").shapes) == 1
    assert len(plan.layer("points").shapes) == 2
    labels = {label.text for label in plan.layer("labels").labels}
    assert {"1号楼", "12号楼", "南门", "中心广场"} <= labels
    assert "无几何位置" not in labels


def test_plan_flips_the_y_axis_so_north_is_up(tenancy):
    factories.location(
        tenancy.a, code="N", name="北", kind="entrance", geometry={"type": "Point", "coordinates": [10, 190]}
    )
    factories.location(
        tenancy.a, code="S", name="南", kind="entrance", geometry={"type": "Point", "coordinates": [10, 10]}
    )
    plan = build_site_plan(tenancy.a)
    y = {label.text: float(label.y) for label in plan.layer("labels").labels}
    assert y["北"] < y["南"]  # SVG y grows downwards


def test_devices_are_placed_with_coverage(tenancy):
    demo_like(tenancy.a)
    plan = build_site_plan(tenancy.a)
    devices = plan.layer("devices").shapes
    assert len(devices) == 3 and plan.devices_placed == 3 and plan.devices_unplaced == 1
    assert any("1号楼门口机" in s.title for s in devices)  # placed at its location's centroid
    coverage = plan.layer("coverage").shapes
    assert {s.css for s in coverage} == {"coverage-camera", "coverage-detector"}
    legend = {e.label for e in plan.legend}
    assert "视频监控系统" in legend and "周界电子防护系统" in legend and "摄像机视野" in legend


def test_plan_of_an_empty_community_still_draws(tenancy):
    plan = build_site_plan(tenancy.b)
    assert all(layer.count == 0 for layer in plan.layers)
    assert plan.view_box and plan.scale_bar.label


def test_scale_bar_is_a_round_number_of_metres(tenancy):
    plan = build_site_plan(tenancy.a)  # default 300 × 200 m
    assert re.fullmatch(r"\d+ 米", plan.scale_bar.label)
    assert plan.scale_bar.label in {"50 米", "100 米"}


def test_site_plan_page_renders_svg(client, tenancy):
    demo_like(tenancy.a)
    client.force_login(tenancy.operator_a)
    response = client.get(reverse("sites:site_plan", args=["a"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'data-layer="perimeter"' in body
    assert "12号楼" in body and 'data-layer-toggle="devices"' in body


def test_site_plan_of_another_tenant_is_404(client, tenancy):
    client.force_login(tenancy.manager_a)
    assert client.get(reverse("sites:site_plan", args=["b"])).status_code == 404
    assert client.get(reverse("sites:site_plan", args=["nope"])).status_code == 404


def test_site_plan_for_police_of_the_station(client, tenancy):
    client.force_login(tenancy.police_a)
    assert client.get(reverse("sites:site_plan", args=["a"])).status_code == 200
    assert client.get(reverse("sites:site_plan", args=["b"])).status_code == 404


def test_dashboard_has_the_plan_thumbnail(client, tenancy):
    demo_like(tenancy.a)
    client.force_login(tenancy.manager_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert "plan-thumbnail" in body and "<svg" in body


def test_labels_do_not_overlap_where_places_crowd(tenancy):
    for i in range(4):
        factories.location(
            tenancy.a,
            code=f"E{i}",
            name=f"出入口{i}",
            kind="entrance",
            geometry={"type": "Point", "coordinates": [150, 100 + i]},
        )
    labels = build_site_plan(tenancy.a).layer("labels").labels
    assert 1 <= len(labels) <= 4
    spots = {(label.x, label.y) for label in labels}
    assert len(spots) == len(labels)
