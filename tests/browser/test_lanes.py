"""The guard at the east gate: a stranger's car arrives live on the lane screen, the guard opens the barrier
with a reason, the override shows; a second car arriving while the guard types waits behind a banner;
then the passage is found by a partial plate search."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from anfang.core.choices import RoleChoices
from anfang.integrations.events import Picture
from anfang.vehicles import services
from anfang.vehicles.models import Passage
from anfang.vehicles.services import PlateRead
from tests.browser.conftest import DESKTOP, PHONE, login
from tests.support import factories
from tests.vehicles import conftest as vehicle_fixtures

gate = vehicle_fixtures.gate  # community a's east gate: an in-lane E-IN and an out-lane E-OUT


def _jpeg(size: tuple[int, int], colour: tuple[int, int, int], label: str = "") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    if label:
        ImageDraw.Draw(image).text((10, size[1] // 3), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def arrive(gate: Any, plate: str, external_id: str) -> int:
    """What the plate camera does: one read with its plate and scene photos."""
    read = PlateRead(
        source="api",
        external_id=external_id,
        plate=plate,
        occurred_at=timezone.now(),
        plate_color="blue",
        plate_picture=Picture("plate.jpg", "image/jpeg", _jpeg((220, 64), (29, 78, 216), "PLATE")),
        scene_picture=Picture("scene.jpg", "image/jpeg", _jpeg((640, 360), (70, 80, 90), "SCENE")),
    )
    return services.record_passage(read, device=gate.camera_in).id


class Background:
    """The page's background requests (polls, the live part, photos) reach the live server one at a
    time, and none while the test itself uses the database or navigates. The test database (SQLite in
    memory) is one connection that this thread and the server's threads share: two of them using it at
    once fail ("cannot open savepoint", a clash in the access log's sequence)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.paused = False
        self.busy = False
        self.waiting: list[Route] = []

    def __call__(self, route: Route) -> None:
        self.waiting.append(route)
        self.flush()

    def flush(self) -> None:
        if self.paused or self.busy:
            return
        self.busy = True
        try:
            while self.waiting and not self.paused:
                route = self.waiting.pop(0)
                route.fulfill(response=route.fetch(max_redirects=0))
        finally:
            self.busy = False

    @contextmanager
    def held(self) -> Iterator[None]:
        self.paused = True
        while self.busy:  # let a request already at the server finish first
            self.page.wait_for_timeout(20)
        try:
            yield
        finally:
            self.paused = False
            self.flush()


def _background(url: str) -> bool:
    return "latest.json" in url or "fragment=1" in url or url.endswith(".jpg")


def on_phone(pg: Page, screenshot: Callable[..., Path], step: str) -> None:
    """The same page at phone width (after the side navigation has slid away), then back to desktop."""
    pg.set_viewport_size(PHONE)
    pg.wait_for_timeout(400)
    pg.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    screenshot(pg, step)
    pg.set_viewport_size(DESKTOP)
    pg.wait_for_timeout(400)


def test_a_passage_arrives_live_the_guard_opens_it_and_search_finds_it(
    page: Page, live_server: Any, gate: Any, settings: Any, tmp_path: Path, screenshot: Callable[..., Path]
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    factories.user("guard_a", community=gate.tenancy.a, role=RoleChoices.GUARD)
    login(page, "guard_a")
    background = Background(page)
    page.route(_background, background)
    page.goto("/c/a/lanes/E-IN/")
    expect(page.get_by_text("这条车道尚无过车记录。")).to_be_visible()
    screenshot(page, "empty")

    # A stranger's car: it appears without reloading, big, asking the guard, with its photos.
    with background.held():
        first = arrive(gate, "辽H99999", "cam-1")
    current = page.locator("section[data-current]")
    expect(current).to_have_attribute("data-current", str(first))
    expect(current.locator(".plate-big")).to_have_text("辽H99999")
    expect(current).to_contain_text("请保安确认")
    expect(current).to_contain_text("陌生车辆")
    expect(current).to_have_class(re.compile(r"\bneeds-guard\b"))
    expect(page).to_have_title(re.compile(r"^\(!\)"))
    expect(current.locator("img.lane-photo-scene")).to_be_visible()
    page.wait_for_function(  # the plate photo itself, through the protected view
        "() => { const i = document.querySelector('img.lane-photo-plate');"
        " return !!i && i.complete && i.naturalWidth === 220; }"
    )
    screenshot(page, "arrived")
    on_phone(page, screenshot, "arrived")

    # Open with one of the common reasons: the override shows on the lane screen.
    current.get_by_text("快递/外卖").click()
    with background.held(), page.expect_navigation(wait_until="commit"):
        current.get_by_role("button", name="放行", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已人工放行 辽H99999")
    expect(page.locator("[data-override]")).to_contain_text("放行：快递/外卖")
    expect(page.locator("[data-override]")).to_contain_text("guard_a")
    with background.held():
        passage = Passage.objects.get(pk=first)
    assert passage.override == "open" and passage.override_reason == "快递/外卖"
    screenshot(page, "opened")

    # A second car while the guard types a reason: the screen does not change under the fingers.
    page.locator("input[name=reason]").fill("访客")
    with background.held():
        second = arrive(gate, "辽H88888", "cam-2")
    expect(page.locator("[data-new-arrival]")).to_be_visible()
    expect(page.locator("section[data-current]")).to_have_attribute("data-current", str(first))
    page.locator("[data-show-new]").click()
    expect(page.locator("section[data-current]")).to_have_attribute("data-current", str(second))
    expect(page.locator("[data-new-arrival]")).to_be_hidden()
    expect(page.locator("table.lane-recent")).to_contain_text("辽H99999")

    # Refusing without a reason is refused, and says why.
    with background.held(), page.expect_navigation(wait_until="commit"):
        page.locator("section[data-current]").get_by_role("button", name="禁止", exact=True).click()
    expect(page.locator("section[data-current] .alert-error")).to_contain_text("请选择或填写人工处理的原因")
    with background.held():
        assert Passage.objects.get(pk=second).override == ""
    on_phone(page, screenshot, "refused-without-reason")

    # Search by a partial plate finds the opened passage, with its thumbnail and the guard's reason.
    with background.held():
        page.goto("/c/a/passages/", wait_until="commit")
    page.fill("input[name=plate]", "H99*")
    with background.held(), page.expect_navigation(wait_until="commit"):
        page.get_by_role("button", name="查询").click()
    rows = page.locator("tr[data-passage]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("辽H99999")
    expect(rows.first).to_contain_text("快递/外卖")
    expect(rows.first.locator("img.thumb")).to_be_visible()
    screenshot(page, "search")
    on_phone(page, screenshot, "search")


def _english(msgid: str) -> str:
    from django.utils import translation

    with translation.override("en"):
        return translation.gettext(msgid)


def test_the_lane_screen_and_the_search_read_in_english(
    page: Page, live_server: Any, gate: Any, settings: Any, tmp_path: Path, screenshot: Callable[..., Path]
) -> None:
    """A guard who reads English: the lane screen and the search, with the decision and its reason."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    factories.user("guard_a", community=gate.tenancy.a, role=RoleChoices.GUARD)
    arrive(gate, "辽H99999", "cam-1")
    login(page, "guard_a")
    background = Background(page)
    page.route(_background, background)
    with background.held():
        page.goto("/c/a/lanes/E-IN/", wait_until="commit")
    with background.held(), page.expect_navigation(wait_until="commit"):
        page.select_option("#switch-language", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    current = page.locator("section[data-current]")
    expect(current.locator(".plate-big")).to_have_text("辽H99999")
    expect(current).to_contain_text(_english("请保安确认"))
    expect(current).to_contain_text(_english("陌生车辆"))
    expect(current.get_by_role("button", name=_english("放行"), exact=True)).to_be_visible()
    screenshot(page, "lane-en")

    with background.held():
        page.goto("/c/a/passages/?plate=H99*", wait_until="commit")
    rows = page.locator("tr[data-passage]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(_english("陌生车辆"))
    expect(page.get_by_role("button", name=_english("查询"))).to_be_visible()
    screenshot(page, "search-en")
