"""Logging in through the real login page, in Chinese by default."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import login


def test_login_page_is_chinese_and_logs_in(page: Page, tenancy: Any, screenshot: Callable[..., Path]) -> None:
    page.goto("/")
    # Anonymous users are sent to the login page, which speaks Chinese.
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    expect(page.locator("body")).to_contain_text("登录")
    screenshot(page)

    login(page, "manager_a")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    # Signed in: the user menu shows who is logged in.
    expect(page.locator(".usermenu:not(.notifybell)")).to_contain_text("manager_a")
    screenshot(page, "signed-in")


def test_wrong_password_keeps_username_and_says_why(page: Page, tenancy: Any) -> None:
    login(page, "manager_a", password="wrong-password")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("input[name=username]")).to_have_value("manager_a")
    # The form error is shown to the user, not just a reload.
    expect(page.locator("body")).to_contain_text(re.compile("用户名|密码"))
