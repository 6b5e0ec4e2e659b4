"""``anfang compliance check``: exit status 0/1/2, JSON/HTML/PDF output, ``--record``."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anfang.compliance.management.commands.compliance import Command
from anfang.compliance.models import ComplianceRun, FindingHistory
from anfang.core.models import AccessRecord
from anfang.sites import demo

pytestmark = pytest.mark.django_db

FINDING_KEYS = {"rule", "article", "severity", "status", "objects", "message_zh", "message_en", "details"}


@pytest.fixture(scope="module", autouse=True)
def seeded(demo_built: Any) -> None:
    """The demo, built once for this module (``demo_built`` in tests/conftest.py)."""


def run(*args: str) -> tuple[int, str, str]:
    """Run the command as the console script does: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    cmd = Command(stdout=out, stderr=err)
    # run_from_argv closes every connection when done, which would end the module's transaction
    # (PostgreSQL; SQLite's in-memory test database survives it).
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            cmd.run_from_argv(["anfang", "compliance", *args])
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_json_report_follows_the_contract_and_exit_status_is_1_for_violations(tmp_path: Path) -> None:
    target = tmp_path / "demo1.json"
    status, _out, err = run("check", "--community", demo.DEMO1, "--format", "json", "--output", str(target))
    assert status == 1
    assert "违规" in err
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert set(doc) == {"community", "checked_at", "summary", "findings"}
    assert doc["community"] == {"code": demo.DEMO1, "name": "辽河湾花园"}
    assert doc["checked_at"].endswith("Z")
    assert doc["summary"]["violations"] > 0
    for finding in doc["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["status"] in {"pass", "fail", "not_evaluable"}
        assert finding["severity"] in {"violation", "advisory"}
        assert finding["article"].startswith("第")
        assert all(set(o) == {"type", "code", "name"} for o in finding["objects"])
    # The demo's uncovered perimeter segment P6 is a failing R-8 finding with its stretch.
    p6 = [
        f
        for f in doc["findings"]
        if f["rule"] == "R-8" and f["status"] == "fail" and any(o["code"] == "P6" for o in f["objects"])
    ]
    assert p6 and p6[0]["details"]["uncovered"][0]["length_m"] > 0
    # Writing a report to a file is an export in the access log.
    assert AccessRecord.objects.filter(kind="export", resource="compliance_report").exists()


def test_json_goes_to_stdout_without_output(capfd: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run("check", "--community", demo.DEMO2)
    printed = out or capfd.readouterr().out
    assert status == 1
    assert json.loads(printed)["community"]["code"] == demo.DEMO2


def test_exit_status_0_when_nothing_violates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from anfang.compliance import services

    real = services.check_community

    def only_passes(community: Any, **kw: Any) -> Any:
        report = real(community, **kw)
        report.findings = [f for f in report.findings if f.status != "fail"]
        return report

    monkeypatch.setattr(services, "check_community", only_passes)
    status, _out, err = run("check", "--community", demo.DEMO1, "-o", str(tmp_path / "r.json"))
    assert status == 0
    assert "0 项违规" in err


def test_html_report_has_every_article_section(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    status, _out, _err = run("check", "--community", demo.DEMO1, "--format", "html", "-o", str(target))
    assert status == 1
    html = target.read_text(encoding="utf-8")
    from anfang.compliance.reports import article_number
    from anfang.compliance.rules import all_rules

    for rule in all_rules():
        assert f'id="article-{article_number(rule.article)}"' in html, rule.id
        assert rule.title_zh in html
    assert html.index('id="article-5"') < html.index('id="article-8"') < html.index('id="article-29"')
    assert "第36条" in html
    assert "<style>" in html and "<link" not in html  # standalone: inline CSS only
    assert "uncovered" in html  # the R-8 plan draws P6's stretch in red


def test_pdf_report_starts_with_pdf_and_has_pages(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    status, _out, _err = run("check", "--community", demo.DEMO1, "--format", "pdf", "-o", str(target))
    assert status == 1
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfinfo") and shutil.which("pdftotext"):
        info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= 3
        text = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "辽河湾花园" in text and "第8条" in text and "P6" in text


def test_record_stores_a_run_and_opens_the_history(tmp_path: Path) -> None:
    status, _out, _err = run("check", "--community", demo.DEMO1, "--record", "-o", str(tmp_path / "r.json"))
    assert status == 1
    run_row = ComplianceRun.objects.get(community__code=demo.DEMO1)
    assert run_row.trigger == "cli" and run_row.violations > 0
    assert FindingHistory.objects.filter(community__code=demo.DEMO1, closed_at__isnull=True).count() > 0


def test_without_record_nothing_is_stored(tmp_path: Path) -> None:
    run("check", "--community", demo.DEMO1, "-o", str(tmp_path / "r.json"))
    assert not ComplianceRun.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "nope"], "nope"),
        (["--community", demo.DEMO1, "--format", "xml"], "xml"),
        (["--community", demo.DEMO1, "--output", "/nonexistent-dir/x/r.json"], "/nonexistent-dir/x/r.json"),
    ],
)
def test_errors_exit_with_2_and_a_clear_message(args: list[str], message: str) -> None:
    status, out, err = run("check", *args)
    assert status == 2
    assert message in err
    assert out == ""


def test_call_command_raises_command_error_with_returncode_2() -> None:
    with pytest.raises(CommandError) as exc:
        call_command("compliance", "check", "--community", "nope")
    assert exc.value.returncode == 2
