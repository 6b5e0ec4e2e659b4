"""Switching the interface language to English and back with the switch in the top bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

ENGLISH_CATALOGUES = [(Path(p) / "en" / "LC_MESSAGES" / "django.mo").exists() for p in settings.LOCALE_PATHS]


def _switch(page: Page, language: str) -> None:
    with page.expect_navigation():
        page.select_option("#switch-language", language)


def _fail_login(page: Page) -> None:
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def _english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def test_login_page_switches_to_english_and_back(page: Page, screenshot: Callable[..., Path]) -> None:
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".auth-card h1")).to_have_text("登录安防平台")
    _fail_login(page)
    expect(page.locator(".alert-error")).to_contain_text("请输入一个正确的")

    _switch(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#switch-language")).to_have_value("en")
    # anfang's own texts come from its English catalogue (the msgid itself until one is compiled) ...
    expect(page.locator(".auth-card h1")).to_have_text(_english("登录安防平台"))
    expect(page.locator("label[for=id_password]")).to_have_text(_english("密码"))
    # ... and Django's messages from Django's, so the error after a failed log-in is English now.
    _fail_login(page)
    expect(page.locator(".alert-error")).to_contain_text("Please enter a correct")
    screenshot(page)

    _switch(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".auth-card h1")).to_have_text("登录安防平台")
    _fail_login(page)
    expect(page.locator(".alert-error")).to_contain_text("请输入一个正确的")


def test_english_catalogue_translates_the_labels() -> None:
    """Once the English catalogue is compiled, the labels the tests above look at are really English."""
    if not any(ENGLISH_CATALOGUES):
        pytest.skip("no compiled English catalogue (src/anfang/locale/en/LC_MESSAGES/django.mo) yet")
    for msgid in ("登录安防平台", "密码", "API 令牌", "设备"):
        assert _english(msgid) != msgid, f"{msgid!r} has no English translation"


def test_signed_in_pages_follow_the_language(
    page: Page, tenancy: Any, screenshot: Callable[..., Path]
) -> None:
    login(page, "manager_a")
    nav = page.locator("nav#sidenav")
    devices_link = nav.locator("a[href='/c/a/devices/']")
    expect(devices_link).to_have_text("设备")
    _switch(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(devices_link).to_have_text(_english("设备"))
    expect(page.locator(".usermenu a[href='/tokens/']")).to_have_text(_english("API 令牌"))
    # The choice sticks for the next page (language cookie), not just the page it was made on.
    with page.expect_navigation():
        devices_link.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".page-title")).to_contain_text(_english("设备"))
    screenshot(page, "english")
    _switch(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(devices_link).to_have_text("设备")
    expect(page.locator(".page-title")).to_contain_text("设备")
