"""A manager looks back at the demo alarms: filters, exports to Excel, disarms a perimeter stretch."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from anfang.alarms.models import Alarm, AlarmZone
from anfang.core.models import AccessRecord, ChangeRecord
from tests.browser.conftest import PHONE, login


def _rows(page: Page) -> Any:
    return page.locator("table.table tbody tr")


def test_filter_export_and_disarm(
    page: Page, demo: Any, screenshot: Callable[..., Path], tmp_path: Path
) -> None:
    alarms = Alarm.objects.filter(community__code="demo1")
    false_alarms = alarms.filter(outcome="false_alarm")
    assert alarms.count() > false_alarms.count() > 0
    login(page, "manager")
    page.goto("/c/demo1/alarms/")
    expect(page.locator(".page-title")).to_contain_text(f"({alarms.count()})")
    expect(_rows(page)).to_have_count(alarms.count())
    screenshot(page)

    # Filter by outcome through the filter bar.
    page.select_option("select[name=outcome]", "false_alarm")
    with page.expect_navigation():
        page.locator("form.filters [type=submit]").click()
    expect(page).to_have_url(re.compile(r"outcome=false_alarm"))
    expect(_rows(page)).to_have_count(false_alarms.count())
    for text in _rows(page).all_inner_texts():
        assert "误报" in text, text

    # Export the filtered rows to Excel: the file holds exactly them, with who acknowledged each.
    with page.expect_download() as info:
        page.locator("[data-export=xlsx]").click()
    download = info.value
    assert re.fullmatch(r"alarms-demo1-\d{8}-\d{4}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    table = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    header, data = table[0], table[1:]
    assert sorted(row[0] for row in data) == sorted(false_alarms.values_list("pk", flat=True))
    assert all(row[header.index("接警人")] for row in data)
    assert AccessRecord.objects.filter(kind="export", resource="alarm_history").count() == 1
    assert AccessRecord.objects.filter(kind="search", resource="alarm_history").count() == 1
    screenshot(page, "filtered")

    # Disarm one perimeter stretch on the zones page, then arm it again.
    zone = AlarmZone.objects.filter(community__code="demo1", device__code__startswith="PD-P").first()
    assert zone is not None and zone.armed
    code = zone.device.code
    page.goto("/c/demo1/alarms/zones/")
    card = page.locator(f"section[data-device='{code}']")
    expect(card.locator("[data-armed]")).to_have_attribute("data-armed", "1")
    with page.expect_navigation():
        card.locator("[data-action=disarm-device]").click()
    expect(page.locator(".alert-warning")).to_contain_text("已撤防")
    expect(card.locator("[data-armed]")).to_have_attribute("data-armed", "0")
    zone.refresh_from_db()
    assert not zone.armed
    assert ChangeRecord.objects.filter(
        object_type="alarms.alarmzone", object_id=str(zone.pk), actor_name="manager"
    )
    screenshot(page, "disarmed")
    with page.expect_navigation():
        card.locator("[data-action=arm-device]").click()
    expect(card.locator("[data-armed]")).to_have_attribute("data-armed", "1")

    # The history on a phone: the table scrolls sideways inside its wrapper, the page does not.
    page.set_viewport_size(PHONE)
    page.goto("/c/demo1/alarms/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    screenshot(page, "phone")
