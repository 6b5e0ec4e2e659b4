"""The site plan (总平面图) draws the demo community: perimeter, locations, devices, togglable layers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from anfang.sites.models import Location, PerimeterSegment
from tests.browser.conftest import login


def test_site_plan_shows_perimeter_and_locations(
    page: Page, demo: Any, screenshot: Callable[..., Path]
) -> None:
    login(page, "manager")
    page.goto("/c/demo1/plan/")
    svg = page.locator("svg#site-plan")
    expect(svg).to_be_visible()
    # The plan is drawn at a usable size, not collapsed to nothing.
    box = svg.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 250, box

    segments = PerimeterSegment.objects.filter(community__code="demo1").count()
    assert segments >= 6
    perimeter_layer = svg.locator("g[data-layer=perimeter]")
    perimeter = perimeter_layer.locator("path")
    assert perimeter.count() >= segments
    # The ring of segments encloses the plan: its drawn extent is a large part of the picture.
    ring = perimeter_layer.bounding_box()
    assert ring is not None and ring["width"] > box["width"] / 2 and ring["height"] > box["height"] / 3

    areas = svg.locator("g[data-layer=areas] path")
    assert areas.count() > 0
    # Locations carry their names as hover titles; a building of the demo is among them.
    building = Location.objects.filter(community__code="demo1", kind="building").first()
    assert building is not None
    assert any(building.name in t for t in svg.locator("title").all_text_contents())
    screenshot(page)

    # Unticking the perimeter layer hides it; ticking it again shows it.
    toggle = page.locator("input[data-layer-toggle=perimeter]")
    toggle.uncheck()
    expect(perimeter_layer).to_be_hidden()
    toggle.check()
    expect(perimeter_layer).to_be_visible()
