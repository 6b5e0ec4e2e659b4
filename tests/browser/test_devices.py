"""Browsing the device registry of the demo community: list, filter by subsystem, open a device."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from anfang.devices.choices import SubsystemChoices
from anfang.devices.models import Device
from tests.browser.conftest import login
from tests.support import factories


def _rows(page: Page) -> Any:
    return page.locator("table.table tbody tr")


def test_browse_filter_and_open_a_device(page: Page, demo: Any, screenshot: Callable[..., Path]) -> None:
    login(page, "manager")
    page.goto("/c/demo1/devices/")
    total = Device.objects.filter(community__code="demo1").count()
    perimeter = Device.objects.filter(community__code="demo1", subsystem=SubsystemChoices.PERIMETER)
    assert 0 < perimeter.count() < total

    # The heading shows how many devices the community has; the table lists the first page.
    expect(page.locator(".page-title")).to_contain_text(f"({total})")
    expect(_rows(page).first).to_be_visible()
    screenshot(page)

    # Filter by subsystem through the filter bar, as a manager would.
    page.select_option("select[name=subsystem]", SubsystemChoices.PERIMETER.value)
    with page.expect_navigation():
        page.locator("form.filters [type=submit]").click()
    expect(page).to_have_url(re.compile(r"subsystem=perimeter"))
    label = str(SubsystemChoices.PERIMETER.label)
    rows = _rows(page)
    # Exactly the community's perimeter devices (a handful: one page), and the heading counts them.
    expect(rows).to_have_count(perimeter.count())
    expect(page.locator(".page-title")).to_contain_text(f"({perimeter.count()})")
    for text in rows.all_inner_texts():
        assert label in text, text
    screenshot(page, "filtered")

    # Open the first device of the filtered list: its detail page shows its code and name.
    link = rows.first.locator("a").first
    code = link.inner_text().strip()
    device = Device.objects.get(code=code)
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(rf"/c/demo1/devices/{re.escape(code)}/$"))
    expect(page.locator("main")).to_contain_text(device.name)
    expect(page.locator("main")).to_contain_text(label)
    screenshot(page, "detail")


def test_device_of_another_community_is_not_found(page: Page, tenancy: Any) -> None:
    """Tenancy in the browser: community B's manager gets 'not found' for A's devices, A's sees them."""
    device = factories.device(tenancy.a, name="南门枪机")
    login(page, "manager_b")
    response = page.goto(f"/c/a/devices/{device.code}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("南门枪机")
    response = page.goto("/c/a/devices/")
    assert response is not None and response.status == 404

    page.context.clear_cookies()
    login(page, "manager_a")
    response = page.goto(f"/c/a/devices/{device.code}/")
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text("南门枪机")
