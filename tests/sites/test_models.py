"""Registry validation of places: R-5/R-6 management, location hierarchy, geometry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anfang.sites.models import Community, Location
from tests.support import factories

pytestmark = pytest.mark.django_db


def test_r5_managed_community_needs_property_company():
    c = Community(code="x", name="X", management_type="property")
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "property_company" in exc.value.message_dict


def test_r6_unmanaged_community_needs_police_station():
    c = Community(code="y", name="Y", management_type="unmanaged")
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "police_station" in exc.value.message_dict


def test_lane_needs_an_entrance_parent(tenancy):
    with pytest.raises(ValidationError) as exc:
        factories.location(tenancy.a, kind="lane")
    assert "parent" in exc.value.message_dict
    building = factories.location(tenancy.a, kind="building")
    with pytest.raises(ValidationError):
        factories.location(tenancy.a, kind="lane", parent=building)
    gate = factories.location(tenancy.a, kind="entrance")
    lane = factories.location(tenancy.a, kind="lane", parent=gate, direction="in")
    assert lane.parent == gate


def test_parent_must_be_in_same_community(tenancy):
    building_b = factories.location(tenancy.b, kind="building")
    with pytest.raises(ValidationError):
        factories.location(tenancy.a, kind="unit", parent=building_b)


def test_parent_cycle_is_refused(tenancy):
    a = factories.location(tenancy.a, kind="other")
    b = factories.location(tenancy.a, kind="other", parent=a)
    a.parent = b
    with pytest.raises(ValidationError):
        a.full_clean()


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Circle", "coordinates": [0, 0]},
        {"type": "Point", "coordinates": "here"},
        {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]},  # bow-tie
        {"type": "LineString", "coordinates": [[1, 1], [1, 1]]},
        [1, 2],
    ],
)
def test_invalid_geometry_is_refused(tenancy, geometry):
    loc = Location(community=tenancy.a, code="g", name="g", kind="square", geometry=geometry)
    with pytest.raises(ValidationError) as exc:
        loc.full_clean()
    assert "geometry" in exc.value.message_dict


def test_perimeter_segment_length(tenancy):
    seg = factories.segment(tenancy.a, [[0, 0], [30, 40]], barrier_type="fence")
    assert seg.length_m == pytest.approx(50.0)
