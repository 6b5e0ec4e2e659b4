"""The dashboard and a list on a phone: no sideways page scrolling, navigation behind the menu button."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, TIMEOUT_MS, login


def test_dashboard_on_a_phone(
    browser: Browser, live_server: Any, demo: Any, screenshot: Callable[..., Path]
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, "manager")
        expect(page.locator(".page-title")).to_be_visible()
        # The page fits the phone's width: nothing sticks out sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the phone"
        # The side navigation is folded away behind the menu button and opens on a tap.
        nav = page.locator("nav#sidenav")
        toggle = page.locator("button.nav-toggle")
        expect(toggle).to_be_visible()
        expect(nav).not_to_be_in_viewport()
        screenshot(page)
        toggle.click()
        expect(nav).to_be_in_viewport()
        expect(nav.get_by_role("link").first).to_be_visible()

        # A wide table (the device list) scrolls inside its own box, not the whole page.
        page.goto("/c/demo1/devices/")
        wrap = page.locator(".table-wrap")
        expect(wrap).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"device list is {overflow}px wider than the phone"
        assert wrap.evaluate("el => el.scrollWidth > el.clientWidth"), "the table should scroll sideways"
        screenshot(page, "devices")
    finally:
        context.close()
