"""合规检查: a manager runs the check of the demo and sees the uncovered perimeter stretch in red."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from anfang.sites.demo import DEMO_GAPS
from tests.browser.conftest import login


def test_manager_runs_the_check_and_locates_the_uncovered_perimeter(
    page: Page, demo: Any, screenshot: Callable[..., Path]
) -> None:
    login(page, "manager")
    page.goto("/c/demo1/compliance/")
    page.get_by_role("button", name="立即检查").first.click()

    # The stored run: violations counted, 第8条 marked as failing, P6 named with its uncovered length.
    violations = page.locator(".stat", has_text="违规").locator(".stat-value")
    expect(violations).not_to_have_text("0")
    article8 = page.locator("#article-8")
    expect(article8).to_contain_text("不符合")
    p6_row = article8.locator("tr", has_text=DEMO_GAPS["uncovered_perimeter_segment"]).first
    expect(p6_row).to_contain_text("150 米")
    screenshot(page)

    # "在图上定位" highlights the finding's red stretch on the site plan.
    p6_row.get_by_role("link", name="在图上定位").click()
    # (A horizontal stretch has a zero-height box, so Playwright would call it hidden: check the class.)
    located = page.locator(".plan-svg .finding.located")
    expect(located).not_to_have_count(0)
    red, green, blue = located.first.evaluate(
        "e => getComputedStyle(e).stroke.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    assert red > 150 and green < 100 and blue < 100, (red, green, blue)
    screenshot(page, step="located")


def test_operator_sees_the_report_but_cannot_run_a_check(page: Page, demo: Any) -> None:
    login(page, "operator")
    page.goto("/c/demo1/compliance/")
    expect(page.locator("h1")).to_contain_text("合规检查")
    expect(page.get_by_role("button", name="立即检查")).to_have_count(0)
