"""The duty room in a browser: an operator of the demo sees who is on duty, writes the duty log and hands
over; the roster's week grid on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from anfang.duty.models import DutyLogEntry, Handover
from tests.browser.conftest import PHONE, login


def test_operator_writes_the_log_and_hands_over(
    page: Page, demo: Any, screenshot: Callable[..., Path]
) -> None:
    login(page, "operator")
    page.goto("/c/demo1/duty/")
    expect(page.locator("main")).to_contain_text("监控中心")
    expect(page.locator("main")).to_contain_text("当前在岗")
    screenshot(page)

    page.goto("/c/demo1/duty/log/")
    page.fill("textarea[name=text]", "22:10 巡查南门，道闸正常")
    with page.expect_navigation():
        page.get_by_role("button", name="记录").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("22:10 巡查南门，道闸正常")
    assert DutyLogEntry.objects.filter(text="22:10 巡查南门，道闸正常", by__username="operator").exists()

    page.goto("/c/demo1/duty/handover/")
    page.select_option("select[name=roster]", label="监控中心排班")
    page.select_option("select[name=taken_over_by]", label="吴值班")
    page.fill("textarea[name=notes]", "东门摄像机画面偶尔卡顿")
    with page.expect_navigation():
        page.get_by_role("button", name="确认交接").click()
    expect(page).to_have_url(re.compile(r"/c/demo1/duty/$"))
    expect(page.locator("main")).to_contain_text("交接班：李值班 → 吴值班")
    assert Handover.objects.get(community__code="demo1").notes == "东门摄像机画面偶尔卡顿"
    screenshot(page, "after-handover")


def test_roster_week_grid_on_a_phone(page: Page, demo: Any, screenshot: Callable[..., Path]) -> None:
    page.set_viewport_size(PHONE)
    login(page, "manager")
    page.goto("/c/demo1/duty/roster/")
    expect(page.locator("table.week-grid tbody tr")).to_have_count(7)
    expect(page.locator("main")).to_contain_text("本周24小时全覆盖")
    screenshot(page)
