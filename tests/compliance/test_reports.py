"""Report building blocks: stored runs as reports, sections by article, the plan overlay, HTML/PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from anfang.compliance import reports, services
from anfang.compliance.rules import Finding, ObjectRef, all_rules
from anfang.sites.siteplan import build_site_plan
from tests.conftest import Tenancy
from tests.support import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 2, 30, tzinfo=dt.UTC)  # 10:30 in Asia/Shanghai


def finding(rule: str, article: str, status: str, *objects: ObjectRef, **details: object) -> Finding:
    return Finding(
        rule, article, "violation", status, list(objects), f"{rule} 中文", f"{rule} English", dict(details)
    )


def test_article_number_reads_the_article_of_items_too() -> None:
    assert reports.article_number("第8条") == 8
    assert reports.article_number("第33条第(2)项") == 33
    assert reports.article_number("") > 1000


def test_a_stored_run_gives_back_the_same_json(tenancy: Tenancy) -> None:
    run, report = services.record_run(tenancy.a, trigger="manual", now=NOW)
    again = reports.report_from_run(run).as_json()
    assert again == report.as_json()
    assert reports.latest_run(tenancy.a) == run
    assert reports.latest_run(tenancy.b) is None


def test_sections_follow_the_articles_and_put_failures_first() -> None:
    seg = ObjectRef("perimeter_segment", "P1", "南墙")
    found = [
        finding("R-8", "第8条", "pass", seg),
        finding("R-33.2", "第33条第(2)项", "fail"),
        finding("R-8", "第8条", "fail", seg),
        finding("R-8", "第8条", "not_evaluable"),
        finding("R-5", "第5条", "pass"),
    ]
    secs = reports.sections(found)
    numbers = [s.number for s in secs]
    assert numbers == sorted(numbers)
    r8 = next(s for s in secs if s.number == 8).rules[0]
    assert [f.status for f in r8.findings] == ["fail", "not_evaluable", "pass"]
    assert r8.status == "fail"
    # Every registered rule has its section even without findings, so a reader sees it ran.
    listed = {r.rule for s in secs for r in s.rules}
    assert {rule.id for rule in all_rules()} <= listed
    art33 = next(s for s in secs if s.number == 33)
    assert art33.label == "第33条" and art33.violations == 1 and art33.score == 0.0


def test_many_passes_are_condensed_in_print() -> None:
    many = [finding("R-29", "第29条", "pass", ObjectRef("device", f"D{i}")) for i in range(20)]
    rule = next(
        r
        for s in reports.sections([*many, finding("R-29", "第29条", "fail")])
        for r in s.rules
        if r.rule == "R-29"
    )
    assert [f.status for f in rule.listed] == ["fail"]
    assert len(rule.condensed_passes) == 20


def test_r36_lists_non_compliant_products_and_use_before_acceptance() -> None:
    model = ObjectRef("device_model", "aleph ABT-100", "艾礼富 ABT-100")
    found = [finding("R-24", "第24条", "fail", model), finding("R-29", "第29条", "pass")]
    rows = {label: (items, evaluable) for label, items, evaluable in reports.r36_findings(found)}
    products = next(v for k, v in rows.items() if "第24条" in k)
    assert products[0][0].objects == [model]
    acceptance = next(v for k, v in rows.items() if "第29条" in k)
    assert acceptance[0] == []
    design = next(v for k, v in rows.items() if "设计不符合标准" in k)
    assert design == ([], False)  # design review arrives with the construction feature


def test_uncovered_stretch_lands_exactly_on_the_segment_in_the_plan(tenancy: Tenancy) -> None:
    community = tenancy.a
    community.plan_width_m, community.plan_height_m = 100, 80
    community.save()
    factories.segment(community, [[0, 80], [100, 80]], code="P-N", barrier_type="wall")
    # Something drawn outside the plan rectangle widens the frame: the overlay must follow it.
    factories.location(
        community, kind="square", code="SQ", geometry={"type": "Point", "coordinates": [50, 95]}
    )
    plan = build_site_plan(community)
    segment_d = next(s.d for s in plan.layer("perimeter").shapes)
    gap = finding("R-8", "第8条", "fail", ObjectRef("perimeter_segment", "P-N"))
    gap.details = {
        "uncovered": [{"length_m": 100.0, "coordinates": [[0, 80], [100, 80]]}],
        "uncovered_length_m": 100.0,
    }
    drawn = reports.add_findings_layer(plan, community, [("7", gap), ("8", finding("R-8", "第8条", "pass"))])
    assert drawn == {"7"}
    shapes = plan.layer("findings").shapes
    assert len(shapes) == 1
    assert shapes[0].d == segment_d
    assert shapes[0].stroke == reports.HIGHLIGHT and "hl-7" in shapes[0].css


def test_failing_objects_without_details_are_outlined(tenancy: Tenancy) -> None:
    community = tenancy.a
    loc = factories.location(
        community, kind="square", code="SQ1", geometry={"type": "Point", "coordinates": [10, 10]}
    )
    dev = factories.device(community, code="CAM-X", position={"type": "Point", "coordinates": [20, 20]})
    found = [
        ("1", finding("R-9a", "第9条", "fail", ObjectRef("location", loc.code))),
        ("2", finding("R-33.1", "第33条第(1)项", "fail", ObjectRef("device", dev.code))),
        ("3", finding("R-7", "第7条", "fail", ObjectRef("community", community.code))),
    ]
    plan = build_site_plan(community)
    urls = reports.object_urls(community, [o for _k, f in found for o in f.objects])
    drawn = reports.add_findings_layer(plan, community, found, urls=urls)
    assert drawn == {"1", "2"}  # the community as a whole has no place on the plan
    hrefs = {s.href for s in plan.layer("findings").shapes}
    assert f"/c/{community.code}/locations/SQ1/" in hrefs
    assert f"/c/{community.code}/devices/CAM-X/" in hrefs


def test_object_urls_find_device_models_in_the_catalogue(tenancy: Tenancy) -> None:
    model = factories.device_model(model_number="ABT 100")
    urls = reports.object_urls(
        tenancy.a,
        [
            ObjectRef("device_model", f"{model.manufacturer.code} ABT 100"),
            ObjectRef("security_team", "1"),
            {"type": "perimeter_segment", "code": "P1"},
        ],
    )
    assert urls[("device_model", f"{model.manufacturer.code} ABT 100")] == f"/catalogue/models/{model.pk}/"
    assert urls[("perimeter_segment", "P1")] == "/c/a/perimeter/P1/"


def test_html_is_chinese_first_and_english_on_request(tenancy: Tenancy) -> None:
    report = services.check_community(tenancy.a, now=NOW)
    zh = reports.render_html(report)
    assert "安全防范合规检查报告" in zh and "R-7 中文" not in zh
    assert "2026-06-01 10:30" in zh  # Asia/Shanghai on the cover
    assert next(f.message_zh for f in report.findings if f.status == "fail") in zh
    rule = next(iter(all_rules()))
    assert rule.title_zh in zh
    en = reports.render_html(report, lang="en")
    assert rule.title_en in en
    assert next(f.message_en for f in report.findings if f.status == "fail") in en
    assert 'lang="en"' in en


def test_pdf_renders_with_the_cjk_font_embedded(tenancy: Tenancy, tmp_path: Path) -> None:
    report = services.check_community(tenancy.a, now=timezone.now())
    pdf = reports.render_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils (pdffonts) not installed: font embedding not checked")
    target = tmp_path / "r.pdf"
    target.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts  # so Chinese prints on any machine
    assert "CJK-JP" not in fonts  # simplified Chinese glyphs everywhere, page headers included


def test_condensed_row_names_the_first_objects_and_counts_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "CONDENSED_NAMED", 5)
    many = [finding("R-29", "第29条", "pass", ObjectRef("device", f"D{i}")) for i in range(12)]
    rule = next(r for s in reports.sections(many) for r in s.rules if r.rule == "R-29")
    assert rule.condensed_labels == ["D0", "D1", "D2", "D3", "D4", "……另有 7 项"]
    english = next(r for s in reports.sections(many, lang="en") for r in s.rules if r.rule == "R-29")
    assert english.condensed_labels[-1] == "… and 7 more"
