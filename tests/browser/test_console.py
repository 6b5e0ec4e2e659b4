"""The duty operator at 3 a.m.: an empty console, alarms arriving live, acknowledge with the keyboard,
open one, resolve it with notes."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from anfang.alarms.models import Alarm
from anfang.core.models import ApiToken
from tests.alarms import conftest as alarm_fixtures
from tests.browser.conftest import login

site = alarm_fixtures.site  # the alarm site of tests/alarms (a detector, a panic button, cameras)

SELECTED = re.compile(r"\bselected\b")


def raised(ev: Any) -> Alarm:
    """Ingest one device event as the receivers do; the alarm it raised."""
    from anfang.alarms import services

    alarm_id = services.ingest(ev).alarm_id
    assert alarm_id is not None
    return Alarm.objects.get(pk=alarm_id)


def post_event(base: str, token: str, **doc: Any) -> dict[str, Any]:
    """What a device does: POST /api/v1/events with its own token."""
    body = {"occurred_at": timezone.now().isoformat(), **doc}
    request = urllib.request.Request(
        f"{base}/api/v1/events",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_alarms_arrive_live_and_are_handled_from_the_keyboard(
    page: Page, live_server: Any, site: Any, screenshot: Callable[..., Path]
) -> None:
    _t, detector_token = ApiToken.issue(name="pir", device=site.detector)
    _t, button_token = ApiToken.issue(name="sos", device=site.button)
    login(page, "operator_a")
    page.goto("/console/")

    # Nothing open: a clear empty state, the live connection up, the shortcuts hinted.
    expect(page.get_by_text("当前没有未处置的报警")).to_be_visible()
    expect(page.locator("[data-live-state]")).to_have_class(re.compile(r"\bis-live\b"))
    expect(page.locator("[data-live-state]")).to_contain_text("a 确认接警")
    page.get_by_role("button", name="开启提示音").click()
    expect(page.locator("[data-sound-toggle]")).to_have_text("提示音已开启")
    screenshot(page, "empty")

    # A perimeter alarm, then an emergency button: both arrive without reloading, most urgent first.
    post_event(live_server.url, detector_token, device="PIR-1", external_id="p1", type="perimeter", zone="1")
    rows = page.locator("tr.alarm-row")
    expect(rows).to_have_count(1)
    expect(page.locator("[data-toast]")).to_contain_text("周界报警")
    post_event(live_server.url, button_token, device="SOS-1", external_id="s1", type="emergency")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("紧急求助")
    expect(rows.nth(1)).to_contain_text("东门")
    expect(page.get_by_text("当前没有未处置的报警")).to_be_hidden()
    expect(page.locator("[data-open-count]")).to_have_text("2 条未处置")
    screenshot(page, "alarms")

    # Keyboard: the selection stayed on the first alarm to arrive although the emergency went above it
    # (it never jumps under the operator's fingers); k moves up, j down, k up; a acknowledges it.
    expect(rows.nth(1)).to_have_class(SELECTED)
    expect(rows.first).not_to_have_class(SELECTED)
    page.keyboard.press("k")
    expect(rows.first).to_have_class(SELECTED)
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(SELECTED)
    page.keyboard.press("k")
    expect(rows.first).to_have_class(SELECTED)
    page.keyboard.press("a")
    expect(rows.first).to_contain_text("已确认接警")
    expect(rows.first).to_contain_text("operator_a")  # acknowledging claims it
    sos = Alarm.objects.get(alarm_type="emergency")
    assert sos.state == "acknowledged" and sos.claimed_by == site.tenancy.operator_a

    # The help opens with ? and closes again.
    page.keyboard.press("?")
    expect(page.locator("dialog[data-help]")).to_be_visible()
    page.keyboard.press("?")
    expect(page.locator("dialog[data-help]")).to_be_hidden()

    # Enter opens the selected alarm (the URL changes at once; the page's "load" may wait on a busy machine).
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/c/a/alarms/{sos.pk}/", timeout=30_000)
    expect(page.locator(".page-title")).to_contain_text("紧急求助")
    expect(page.locator("#checklist")).to_contain_text("回拨/对讲联系求助住户")
    screenshot(page, "alarm")

    # Tick the first step of the procedure (saves on change), then resolve with notes.
    with page.expect_navigation():
        page.locator("#checklist input[type=checkbox]").first.check()
    expect(page.locator("#checklist li").first).to_have_class(re.compile(r"\bdone\b"))
    page.locator("#act-resolve-panel > summary").click()  # the next step (verify) is open, resolve folded
    form = page.locator("#act-resolve")
    form.locator("select[name=resolve-outcome]").select_option("false_alarm")
    form.locator("textarea[name=resolve-note]").fill("住户误按，已电话确认平安")
    with page.expect_navigation():
        form.get_by_role("button", name="处置完毕").click()
    expect(page.locator(".messages")).to_contain_text("报警已处置完毕。")
    expect(page.locator(".page-title")).to_contain_text("已处置")
    expect(page.locator(".timeline")).to_contain_text("住户误按，已电话确认平安")
    screenshot(page, "resolved")
    sos.refresh_from_db()
    assert (sos.state, sos.outcome) == ("resolved", "false_alarm")

    # Back on the console only the perimeter alarm is left.
    page.goto("/console/")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("周界报警")


def test_refused_resolve_keeps_the_notes(page: Page, live_server: Any, site: Any) -> None:
    from anfang.alarms import services
    from tests.alarms.conftest import event

    alarm = raised(event(external_id="x1"))
    services.acknowledge(alarm, by=site.tenancy.manager_a)
    login(page, "operator_a")
    page.goto(f"/c/a/alarms/{alarm.pk}/")
    page.locator("#act-resolve-panel > summary").click()
    form = page.locator("#act-resolve")
    form.locator("select[name=resolve-outcome]").select_option("test")
    form.locator("textarea[name=resolve-note]").fill("测试报警")
    with page.expect_navigation():
        form.get_by_role("button", name="处置完毕").click()
    # manager_a holds the alarm: refused, with the reason, and the notes are still there.
    expect(page.locator("#act-resolve .alert-error")).to_contain_text("接管")
    expect(page.locator("#act-resolve textarea[name=resolve-note]")).to_have_value("测试报警")
    assert Alarm.objects.get(pk=alarm.pk).state == "acknowledged"


def test_console_colours_by_age_and_fits_a_phone(
    page: Page, live_server: Any, site: Any, screenshot: Callable[..., Path]
) -> None:
    import datetime as dt

    from anfang.alarms import services
    from tests.alarms.conftest import event

    now = timezone.now()
    old = raised(event(external_id="o1", zone="1"))
    Alarm.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(minutes=6))
    services.escalate_overdue()  # not acknowledged in time: escalated, flashing
    waiting = raised(event(external_id="w1", zone="2"))
    Alarm.objects.filter(pk=waiting.pk).update(created_at=now - dt.timedelta(seconds=45))
    services.ingest(event(device="SOS-1", external_id="s1", type="emergency", zone=""))
    login(page, "operator_a")
    page.goto("/console/")
    rows = page.locator("tr.alarm-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_have_class(re.compile(r"\bage-old\b.*\bescalated\b|\bescalated\b.*\bage-old\b"))
    expect(rows.nth(1)).to_contain_text("已升级")
    expect(rows.nth(2)).to_have_class(re.compile(r"\bage-warn\b"))
    expect(rows.nth(2).locator("[data-age]")).to_contain_text("秒")
    expect(rows.first).to_have_class(re.compile(r"\bage-fresh\b"))
    screenshot(page, "ages")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(rows.first).to_be_visible()
    screenshot(page, "phone")


def test_a_dropped_connection_is_announced_and_recovered_without_losing_alarms(
    page: Page, live_server: Any, site: Any, monkeypatch: Any
) -> None:
    from django.db import DatabaseError

    from anfang.alarms import services, stream
    from tests.alarms.conftest import event

    login(page, "operator_a")
    page.goto("/console/")
    expect(page.locator("[data-live-state]")).to_have_class(re.compile(r"\bis-live\b"))

    # The server goes away: the open stream ends and every new one fails (the live server runs in
    # this process, so the test can pull the plug).
    def refuse(self: Any) -> list[bytes]:
        raise DatabaseError("server gone")

    monkeypatch.setattr(stream.AlarmFeed, "poll", refuse)
    monkeypatch.setattr(stream.AlarmFeed, "start", refuse)
    down = page.locator("[data-banner-down]")
    expect(down).to_be_visible(timeout=12_000)
    expect(down).to_have_text("实时连接已断开，正在重连…")
    expect(page.locator("[data-live-state]")).to_have_class(re.compile(r"\bis-down\b"))

    # Meanwhile an alarm is raised; when the server is back it is on the console, and the page says so.
    services.ingest(event(external_id="gap"))
    monkeypatch.undo()
    expect(page.locator("[data-banner-up]")).to_be_visible(timeout=12_000)
    expect(down).to_be_hidden()
    expect(page.locator("tr.alarm-row")).to_have_count(1)


# A browser that keeps Web Audio silent until the page has had a click or key press, as desktop Chrome
# does (headless Chromium lets every page play). Counts the tones played (window.__tones).
GATED_AUDIO = """
(() => {
  const Real = window.AudioContext;
  if (!Real) return;
  window.__tones = 0;
  let activated = false;  // a real click or key press on this document
  for (const type of ["keydown", "pointerdown", "click"]) {
    window.addEventListener(type, (ev) => { if (ev.isTrusted) activated = true; }, true);
  }
  class Gated extends Real {
    constructor(...args) {
      super(...args);
      this.__allowed = activated;
    }
    get state() { return this.__allowed ? super.state : "suspended"; }
    resume() {
      if (!activated) return new Promise(() => {});  // Chrome leaves it pending
      this.__allowed = true;
      return super.resume().then(() => { this.dispatchEvent(new Event("statechange")); });
    }
    createOscillator() { window.__tones += 1; return super.createOscillator(); }
  }
  window.AudioContext = Gated;
})();
"""


def tones(page: Page) -> int:
    return int(page.evaluate("() => window.__tones"))


def test_selection_stays_on_the_chosen_alarm_when_others_arrive_or_leave(
    page: Page, live_server: Any, site: Any, screenshot: Callable[..., Path]
) -> None:
    from anfang.alarms import services
    from tests.alarms.conftest import event

    first = raised(event(external_id="z1", zone="1"))
    second = raised(event(external_id="z2", zone="2"))
    login(page, "operator_a")
    page.goto("/console/")
    rows = page.locator("tr.alarm-row")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-live-state]")).to_have_class(re.compile(r"\bis-live\b"))
    page.keyboard.press("j")
    expect(page.locator(f'tr[data-id="{second.pk}"]')).to_have_class(SELECTED)

    # A more urgent alarm arrives on top: the selection stays on the second alarm (now the third row).
    sos = raised(event(device="SOS-1", external_id="s1", type="emergency", zone=""))
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-id", str(sos.pk))
    expect(rows.nth(2)).to_have_attribute("data-id", str(second.pk))
    expect(rows.nth(2)).to_have_class(SELECTED)
    screenshot(page, "kept")

    # a acknowledges the alarm the operator chose, not the new one.
    page.keyboard.press("a")
    expect(rows.nth(2)).to_contain_text("已确认接警")
    assert Alarm.objects.get(pk=second.pk).state == "acknowledged"
    assert Alarm.objects.get(pk=sos.pk).state == "new"
    assert Alarm.objects.get(pk=first.pk).state == "new"

    # Each row's buttons carry their own alarm: clicking the first row's acknowledges that one.
    for tr in rows.all():
        for form in tr.locator("form[data-act]").all():
            assert form.get_attribute("data-id") == tr.get_attribute("data-id")
    page.locator(f'tr[data-id="{first.pk}"]').get_by_role("button", name="确认接警").click()
    expect(page.locator(f'tr[data-id="{first.pk}"]')).to_contain_text("已确认接警")
    assert Alarm.objects.get(pk=first.pk).state == "acknowledged"
    assert Alarm.objects.get(pk=sos.pk).state == "new"
    expect(page.locator(f'tr[data-id="{first.pk}"]')).to_have_class(SELECTED)

    # The selected alarm is closed elsewhere: the selection goes to its neighbour below, not to the top.
    services.resolve(Alarm.objects.get(pk=first.pk), by=site.tenancy.operator_a, outcome="test", note="测试")
    expect(rows).to_have_count(2)
    expect(page.locator(f'tr[data-id="{second.pk}"]')).to_have_class(SELECTED)
    expect(rows.first).not_to_have_class(SELECTED)


def test_the_alarm_page_sounds_and_shows_new_alarms(
    page: Page, live_server: Any, site: Any, screenshot: Callable[..., Path]
) -> None:
    from tests.alarms.conftest import event

    page.context.add_init_script(GATED_AUDIO)
    working = raised(event(external_id="w1"))
    login(page, "operator_a")
    page.goto(f"/c/a/alarms/{working.pk}/")
    page.get_by_role("button", name="开启提示音").click()
    sound = page.locator("[data-sound-toggle]")
    expect(sound).to_have_text("提示音已开启")
    expect(page.locator("[data-alarm-page]")).to_have_attribute("data-live", "")
    page.wait_for_timeout(500)  # the test beep of the button
    before = tones(page)
    expect(page.locator("[data-alarm-toasts] .alarm-toast")).to_have_count(0)

    # While the operator works this alarm, an emergency comes in elsewhere: heard and shown.
    sos = raised(event(device="SOS-1", external_id="s1", type="emergency", zone=""))
    toast = page.locator("[data-alarm-toasts] .alarm-toast")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("新报警：紧急求助 · 门岗紧急按钮")
    expect(toast.get_by_role("link", name="打开")).to_have_attribute("href", f"/c/a/alarms/{sos.pk}/")
    expect(toast.get_by_role("link", name="控制台")).to_have_attribute("href", "/console/")
    page.wait_for_function(f"() => window.__tones > {before}")
    screenshot(page, "toast")

    # The toast leads to the new alarm.
    with page.expect_navigation():
        toast.get_by_role("link", name="打开").click()
    expect(page).to_have_url(f"{live_server.url}/c/a/alarms/{sos.pk}/")


def test_sound_button_says_when_the_browser_still_blocks_it(
    page: Page, live_server: Any, site: Any, screenshot: Callable[..., Path]
) -> None:
    from anfang.alarms import services
    from tests.alarms.conftest import event

    page.context.add_init_script(GATED_AUDIO)
    login(page, "operator_a")
    page.goto("/console/")
    sound = page.locator("[data-sound-toggle]")
    expect(sound).to_have_text("开启提示音")
    sound.click()
    expect(sound).to_have_text("提示音已开启")
    expect(sound).to_have_attribute("aria-pressed", "true")

    # After a reload the wish is remembered, but the browser has not allowed sound yet: the button
    # says so instead of claiming it is on, and an arriving alarm raises a warning.
    page.reload()
    expect(sound).to_have_text("点击开启提示音")
    expect(sound).to_have_attribute("aria-pressed", "false")
    banner = page.locator("[data-sound-blocked]")
    expect(banner).to_be_hidden()
    expect(page.locator("[data-live-state]")).to_have_class(re.compile(r"\bis-live\b"))
    services.ingest(event(external_id="b1"))
    expect(page.locator("tr.alarm-row")).to_have_count(1)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("浏览器阻止了提示音")
    assert tones(page) == 0
    screenshot(page, "blocked")

    # Any key press (keyboard-only operators) starts the sound; the next alarm is heard.
    page.keyboard.press("x")
    expect(sound).to_have_text("提示音已开启")
    expect(banner).to_be_hidden()
    services.ingest(event(external_id="b2", zone="2"))
    expect(page.locator("tr.alarm-row")).to_have_count(2)
    page.wait_for_function("() => window.__tones > 0")
