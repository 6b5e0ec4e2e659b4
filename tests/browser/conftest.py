"""Playwright harness: Debian's chromium, headless, against pytest-django's live server.

Every test in this directory is marked ``browser``. The browser is started once per test process
(session) and each test gets a fresh context (cookies, language) and page. Screenshots go to
``test-artifacts/screenshots/<test>-<width>.png`` (gitignored) so a reviewer can look at the pages.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM refuses to run inside one
# unless told that this is deliberate. The live server itself runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous but bounded: a page of the live server answers in well under a second.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in tests/browser so ``-m "not browser"`` skips them all."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = _chromium()
    if executable is None:
        message = "chromium not found: install Debian's 'chromium' package (make test does as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A desktop-sized page in a fresh context whose browser asks for Chinese, like a user in 营口."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a full-page screenshot as ``<test>[-<step>]-<width>.png``; returns the path.

    ``step`` names later screenshots of the same test so they do not overwrite the first.
    """

    def take(pg: Page, step: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
        width = pg.viewport_size["width"] if pg.viewport_size else 0
        path = SCREENSHOTS / f"{name}{'-' + step if step else ''}-{width}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def demo_dump(tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any) -> Path:
    """Build the demo once per test process and keep it as a fixture file (rolled back afterwards).

    Loading the file costs a third of building the demo, and every live-server test starts from an
    empty database, so each test that needs the demo loads it again.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from anfang.sites.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        build_demo(password=factories.PASSWORD)
        call_command(
            "dumpdata",
            exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"],
            use_natural_foreign_keys=True,
            output=str(path),
            verbosity=0,
        )
        transaction.set_rollback(True)
    return path


@pytest.fixture
def demo(transactional_db: Any, demo_dump: Path) -> None:
    """The demo communities (demo1 辽河湾花园, demo2) with the demo users, as `make run` shows them."""
    from django.core.management import call_command

    call_command("loaddata", str(demo_dump), verbosity=0)


def login(pg: Page, username: str, password: str = factories.PASSWORD) -> None:
    """Log in through the login form, as a person would, and wait for the page after it."""
    pg.goto("/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", password)
    with pg.expect_navigation():
        pg.press("input[name=password]", "Enter")
