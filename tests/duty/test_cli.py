"""``anfang duty record`` and ``anfang duty extend``: formats, files, bad input (exit 2), access log."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from anfang.core.models import AccessRecord
from anfang.duty import services
from anfang.duty.management.commands.duty import Command
from anfang.duty.models import Shift

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(demo_built: Any) -> None:
    """The demo (demo1 has a 24-h roster), built once for this module."""


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            Command(stdout=out, stderr=err).run_from_argv(["anfang", "duty", *args])
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_json_record_of_today_names_who_is_on_duty() -> None:
    status, out, _err = run("record", "--community", "demo1", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["date"] == timezone.localdate().isoformat()
    rooms = {r["location"]: r for r in data["rooms"]}
    assert set(rooms) == {"DUTY", "MC"}
    assert rooms["MC"]["uncovered_minutes"] == 0 and len(rooms["MC"]["shifts"]) == 3
    assert ["李值班"] in [s["people"] for s in rooms["MC"]["shifts"]]


def test_past_day_of_the_demo_is_covered_too() -> None:
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    status, out, _err = run("record", "--community", "demo1", "--date", day)
    assert status == 0
    assert all(r["uncovered_minutes"] == 0 for r in json.loads(out)["rooms"])


def test_pdf_and_html_to_files_are_access_logged(tmp_path: Path) -> None:
    pdf, html = tmp_path / "d.pdf", tmp_path / "d.html"
    assert run("record", "--community", "demo1", "--format", "pdf", "--output", str(pdf))[0] == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert run("record", "--community", "demo1", "--format", "html", "-o", str(html), "--lang", "en")[0] == 0
    assert "<html" in html.read_text(encoding="utf-8")
    assert AccessRecord.objects.filter(resource="duty_record", query__output=str(pdf)).exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--community", "nope"),
        ("--community", "demo1", "--date", "2026-13-40"),
        ("--community", "demo1", "--format", "docx"),
        ("--community", "demo1", "--output", "/nonexistent/dir/x.json"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: tuple[str, ...]) -> None:
    status, _out, err = run("record", *args)
    assert status == 2 and err.strip()


def test_extend_generates_nothing_twice() -> None:
    before = Shift.objects.count()
    assert run("extend")[0] == 0
    assert Shift.objects.count() == before  # the demo is already generated 14 days ahead
    assert services.extend_rosters(timezone.now() + dt.timedelta(days=1)) == 6  # two rooms × three shifts
