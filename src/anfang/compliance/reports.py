"""Compliance reports: a stored run as a :class:`Report`, sections by article, the site-plan overlay of
findings, and the standalone HTML and PDF (weasyprint) documents handed to a police inspection.

Everything here reads a :class:`~anfang.compliance.services.Report` (fresh or rebuilt from a stored
:class:`~anfang.compliance.models.ComplianceRun`), so the CLI, the web page and the API render the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from anfang.compliance.choices import SeverityChoices, StatusChoices
from anfang.compliance.models import ComplianceRun, RunFinding
from anfang.compliance.rules import Finding, ObjectRef, all_rules
from anfang.compliance.rules.base import RULES, rule_sort_key
from anfang.compliance.services import Report
from anfang.sites.models import Community

# Failing first, then what could not be judged, then passes (the inspector reads top-down).
STATUS_ORDER: dict[str, int] = {StatusChoices.FAIL: 0, StatusChoices.NOT_EVALUABLE: 1, StatusChoices.PASS: 2}
HIGHLIGHT = "#e03131"
PRINTED_PASSES = 8
CONDENSED_NAMED = 300  # a city-scale rule names its first 300 passing objects, then counts the rest
PDF_FONT = "Noto Sans CJK SC"

# weasyprint logs every layout step at INFO; a report run is not the place for that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# R-36 (第36条): the categories of violation the closing section lists, by the rule that finds them.
# Design review and design changes arrive with the construction feature: listed, not yet evaluable.
R36_CATEGORIES: list[tuple[str | None, str, str]] = [
    (None, "设计不符合标准", "Design not meeting the standards"),
    (None, "擅自变更设计", "Unauthorised design changes"),
    ("R-24", "使用未经检验或不合格的产品（第24条）", "Unverified or non-compliant products (Art. 24)"),
    ("R-29", "未经验收或验收不合格投入使用（第29条）", "Used before passing acceptance (Art. 29)"),
]


# ---------------------------------------------------------------------------------------------------
# Stored runs
# ---------------------------------------------------------------------------------------------------


def finding_fields(row: RunFinding) -> dict[str, Any]:
    """The :class:`Finding` fields of a stored finding row (the report and the page share it)."""
    return {
        "rule": row.rule,
        "article": row.article,
        "severity": row.severity,
        "status": row.status,
        "objects": [
            ObjectRef(str(o.get("type", "")), str(o.get("code", "")), str(o.get("name", "")))
            for o in row.object_refs
        ],
        "message_zh": row.message_zh,
        "message_en": row.message_en,
        "details": row.details or {},
    }


def report_from_run(run: ComplianceRun) -> Report:
    """The :class:`Report` of a stored run (same JSON as when it was checked)."""
    findings = [Finding(**finding_fields(row)) for row in run.findings.order_by("pk")]
    return Report(
        community=run.community, checked_at=run.checked_at, findings=findings, duration_ms=run.duration_ms
    )


def latest_run(community: Community) -> ComplianceRun | None:
    return (
        ComplianceRun.objects.filter(community=community).select_related("by").order_by("-checked_at").first()
    )


# ---------------------------------------------------------------------------------------------------
# Sections by article
# ---------------------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"第(\d+)条")


def article_number(article: str) -> int:
    """``第33条第(2)项`` → 33 (unknown shapes sort last)."""
    match = _ARTICLE.search(article or "")
    return int(match.group(1)) if match else 10_000


def is_zh(lang: str | None) -> bool:
    return (lang or translation.get_language() or "zh-hans").lower().startswith("zh")


@dataclass
class RuleSection:
    rule: str
    article: str
    title: str
    severity: str
    findings: list[Finding] = field(default_factory=list)
    zh: bool = True

    @property
    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in StatusChoices}
        for f in self.findings:
            out[f.status] = out.get(f.status, 0) + 1
        return out

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.status == StatusChoices.FAIL]

    @property
    def listed(self) -> list[Finding]:
        """Rows of the printed table: everything not passing, and the passes when they are few."""
        if len(self.passes) <= PRINTED_PASSES:
            return self.findings
        return [f for f in self.findings if f.status != StatusChoices.PASS]

    @property
    def passes(self) -> list[Finding]:
        return [f for f in self.findings if f.status == StatusChoices.PASS]

    @property
    def condensed_passes(self) -> list[Finding]:
        """Passes summarised in one row (a rule with 129 accepted devices is one line on paper)."""
        return [] if len(self.passes) <= PRINTED_PASSES else self.passes

    @property
    def condensed_labels(self) -> list[str]:
        """What the condensed row names: object codes, or the message when the object is the community."""
        labels: list[str] = []
        passes = self.condensed_passes
        for f in passes[:CONDENSED_NAMED]:
            codes = [o.code for o in f.objects if o.type != "community"]
            labels.append(
                ("、" if self.zh else ", ").join(codes)
                if codes
                else (f.message_zh if self.zh else f.message_en)
            )
        if len(passes) > CONDENSED_NAMED:
            more = len(passes) - CONDENSED_NAMED
            labels.append(f"……另有 {more} 项" if self.zh else f"… and {more} more")
        return labels

    @property
    def status(self) -> str:
        """The rule's overall result: fail if anything fails, pass only if something passed."""
        counts = self.counts
        if counts[StatusChoices.FAIL]:
            return StatusChoices.FAIL
        if counts[StatusChoices.PASS]:
            return StatusChoices.PASS
        return StatusChoices.NOT_EVALUABLE


@dataclass
class ArticleSection:
    number: int
    rules: list[RuleSection] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _("第%(n)s条") % {"n": self.number} if self.number < 10_000 else "—"

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.rules for f in r.findings]

    @property
    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in StatusChoices}
        for r in self.rules:
            for key, value in r.counts.items():
                out[key] = out.get(key, 0) + value
        return out

    @property
    def violations(self) -> int:
        return sum(
            1
            for f in self.findings
            if f.status == StatusChoices.FAIL and f.severity == SeverityChoices.VIOLATION
        )

    @property
    def score(self) -> float | None:
        counts = self.counts
        evaluated = counts[StatusChoices.PASS] + counts[StatusChoices.FAIL]
        return round(100 * counts[StatusChoices.PASS] / evaluated, 1) if evaluated else None

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.rules}
        if StatusChoices.FAIL in statuses:
            return StatusChoices.FAIL
        if StatusChoices.PASS in statuses:
            return StatusChoices.PASS
        return StatusChoices.NOT_EVALUABLE


def sections(findings: Iterable[Finding], *, lang: str | None = None) -> list[ArticleSection]:
    """Findings grouped by article (第5条, 第6条 … in order), then by rule; failing first in each rule.

    Every registered rule gets a section even when it found nothing to check, so a reader sees it ran.
    """
    zh = is_zh(lang)
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    rule_ids = set(by_rule) | {rule.id for rule in all_rules()}
    articles: dict[int, ArticleSection] = {}
    for rule_id in sorted(rule_ids, key=rule_sort_key):
        rule = RULES.get(rule_id)
        items = sorted(by_rule.get(rule_id, []), key=lambda f: STATUS_ORDER.get(f.status, 3))
        article = items[0].article if items else (rule.article if rule else "")
        title = (rule.title_zh if zh else rule.title_en) if rule else rule_id
        severity = items[0].severity if items else (rule.severity if rule else SeverityChoices.VIOLATION)
        number = article_number(article)
        section = articles.setdefault(number, ArticleSection(number))
        section.rules.append(RuleSection(rule_id, article, title, severity, items, zh))
    return [articles[n] for n in sorted(articles)]


def r36_findings(
    findings: Iterable[Finding], *, lang: str | None = None
) -> list[tuple[str, list[Finding], bool]]:
    """R-36 (第36条): per category its failing findings and whether anfang can evaluate it yet."""
    zh = is_zh(lang)
    items = list(findings)
    return [
        (
            label_zh if zh else label_en,
            [f for f in items if rule is not None and f.rule == rule and f.status == StatusChoices.FAIL],
            rule is not None and rule in RULES,
        )
        for rule, label_zh, label_en in R36_CATEGORIES
    ]


def message(finding: Finding, lang: str | None = None) -> str:
    return finding.message_zh if is_zh(lang) else finding.message_en


# ---------------------------------------------------------------------------------------------------
# Links to the objects of a finding
# ---------------------------------------------------------------------------------------------------


def _reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def object_urls(
    community: Community, refs: Iterable[dict[str, Any] | ObjectRef]
) -> dict[tuple[str, str], str]:
    """URL of each referenced object's page: ``{(type, code): url}`` (device models: the catalogue)."""
    from anfang.devices.models import DeviceModel

    out: dict[tuple[str, str], str] = {}
    models: set[str] = set()
    code = community.code
    for r in refs:
        kind, ref_code = (r.type, r.code) if isinstance(r, ObjectRef) else (r.get("type"), r.get("code"))
        kind, ref_code = str(kind or ""), str(ref_code or "")
        if kind == "location":
            out[(kind, ref_code)] = _reverse("sites:location_detail", code, ref_code)
        elif kind == "perimeter_segment":
            out[(kind, ref_code)] = _reverse("sites:perimeter_detail", code, ref_code)
        elif kind == "device":
            out[(kind, ref_code)] = _reverse("devices:device_detail", code, ref_code)
        elif kind == "community":
            out[(kind, ref_code)] = _reverse("sites:community_detail", ref_code)
        elif kind == "security_team":
            out[(kind, ref_code)] = _reverse("sites:team_list", code)
        elif kind == "device_model":
            models.add(ref_code)
    if models:
        # "<manufacturer code> <model number>": codes never contain spaces, model numbers may.
        wanted = {tuple(m.split(" ", 1)) for m in models if " " in m}
        rows = DeviceModel.objects.filter(model_number__in=[w[1] for w in wanted]).values_list(
            "pk", "manufacturer__code", "model_number"
        )
        for pk, maker, number in rows:
            if (maker, number) in wanted:
                out[("device_model", f"{maker} {number}")] = _reverse("devices:model_detail", pk)
    return out


# ---------------------------------------------------------------------------------------------------
# Site plan overlay: failing objects and uncovered perimeter in red
# ---------------------------------------------------------------------------------------------------


def _geom(value: Any) -> BaseGeometry | None:
    if not value:
        return None
    try:
        geom = shape(value)
    except Exception:  # a malformed stored geometry must not break the report
        return None
    return None if geom.is_empty else geom


def _plan_top(plan: Any) -> float:
    """The plan's northern edge in metres, which maps to SVG y = 0 in ``build_site_plan``.

    ``plan.background`` starts ``M0 <top - height>``; reading it back keeps the overlay exactly on the
    frame the site plan chose (it widens to fit anything drawn outside the plan rectangle)."""
    parts = plan.background.split()
    return float(parts[1]) + float(plan.height_m)


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _line_d(coords: Sequence[Sequence[float]], top: float) -> str:
    pts = [f"{_fmt(float(c[0]))} {_fmt(top - float(c[1]))}" for c in coords]
    return "M" + " L".join(pts) if len(pts) > 1 else ""


def _geom_d(geom: BaseGeometry, top: float, r: float) -> tuple[str, bool]:
    """Path data of a geometry and whether it is an area (filled) rather than a line or point."""
    if geom.geom_type == "Point":
        x, y = geom.x, top - geom.y
        arc = f"{_fmt(r)} {_fmt(r)} 0 1 0"
        return f"M{_fmt(x - r)} {_fmt(y)} a{arc} {_fmt(2 * r)} 0 a{arc} {_fmt(-2 * r)} 0 Z", True
    if geom.geom_type == "LineString":
        return _line_d(list(geom.coords), top), False
    if geom.geom_type == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return " ".join(_line_d(list(ring.coords), top) + " Z" for ring in rings), True
    if hasattr(geom, "geoms"):
        parts = [_geom_d(g, top, r) for g in geom.geoms]
        return " ".join(d for d, _area in parts), any(area for _d, area in parts)
    return "", False


def finding_geometries(
    community: Community, findings: Iterable[Finding]
) -> dict[tuple[str, str], BaseGeometry]:
    """Geometry of every location, segment and device named by ``findings`` (devices: their position,
    else their location's), loaded in three queries."""
    from anfang.devices.models import Device
    from anfang.sites.models import Location, PerimeterSegment

    codes: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        for o in f.objects:
            codes[o.type].add(o.code)
    out: dict[tuple[str, str], BaseGeometry] = {}
    if codes["location"]:
        for code, geometry in Location.objects.filter(
            community=community, code__in=codes["location"]
        ).values_list("code", "geometry"):
            if (g := _geom(geometry)) is not None:
                out[("location", code)] = g
    if codes["perimeter_segment"]:
        for code, geometry in PerimeterSegment.objects.filter(
            community=community, code__in=codes["perimeter_segment"]
        ).values_list("code", "geometry"):
            if (g := _geom(geometry)) is not None:
                out[("perimeter_segment", code)] = g
    if codes["device"]:
        for code, position, loc_geometry in Device.objects.filter(
            community=community, code__in=codes["device"]
        ).values_list("code", "position", "location__geometry"):
            g = _geom(position)
            if g is None and (lg := _geom(loc_geometry)) is not None:
                g = lg.centroid
            if g is not None:
                out[("device", code)] = g
    return out


def add_findings_layer(
    plan: Any,
    community: Community,
    findings: Sequence[tuple[str, Finding]],
    *,
    lang: str | None = None,
    urls: dict[tuple[str, str], str] | None = None,
) -> set[str]:
    """Draw failing ``findings`` on ``plan`` as a red layer ``findings``; R-8 uncovered stretches and
    ring gaps come from the finding's details. Each shape carries the CSS class ``hl-<key>`` of its
    finding. Returns the keys that have something on the plan."""
    from anfang.sites.siteplan import PlanLayer, PlanShape

    failing = [(key, f) for key, f in findings if f.status == StatusChoices.FAIL]
    geoms = finding_geometries(community, [f for _key, f in failing])
    top = _plan_top(plan)
    span = max(float(plan.width_m), float(plan.height_m), 1.0)
    r = span / 160
    layer = PlanLayer("findings", _("不符合项"))
    drawn: set[str] = set()
    urls = urls or {}
    for key, f in failing:
        title = f"{f.rule} {f.article}：{message(f, lang)}"
        css = f"finding hl-{key}"
        stretches = [s for s in f.details.get("uncovered", []) if isinstance(s, dict)]
        gaps = [g for g in f.details.get("gaps", []) if isinstance(g, dict)]
        for item in [*stretches, *gaps]:
            d = _line_d(item.get("coordinates") or [], top)
            if d:
                layer.shapes.append(
                    PlanShape(d=d, stroke=HIGHLIGHT, width="6", title=title, css=css + " uncovered")
                )
                drawn.add(key)
        if stretches or gaps:
            continue
        for obj in f.objects:
            geom = geoms.get((obj.type, obj.code))
            if geom is None:
                continue
            d, area = _geom_d(geom, top, r)
            if not d:
                continue
            layer.shapes.append(
                PlanShape(
                    d=d,
                    fill=HIGHLIGHT if area else "none",
                    fill_opacity="0.25" if area else "1",
                    stroke=HIGHLIGHT,
                    width="3" if area else "5",
                    title=title,
                    href=urls.get((obj.type, obj.code), ""),
                    css=css,
                )
            )
            drawn.add(key)
    plan.layers.append(layer)
    return drawn


# ---------------------------------------------------------------------------------------------------
# Standalone documents
# ---------------------------------------------------------------------------------------------------


def local_time(value: dt.datetime) -> dt.datetime:
    """Reports show Asia/Shanghai (the configured TIME_ZONE), whatever the server's clock zone."""
    return timezone.localtime(value)


def document_context(report: Report, *, lang: str | None = None, pdf: bool = False) -> dict[str, Any]:
    """Everything ``compliance/report.html`` needs."""
    from anfang.sites.siteplan import build_site_plan

    community = report.community
    summary = report.summary()
    secs = sections(report.findings, lang=lang)
    plan = None
    plan_svg = ""
    r8 = [f for f in report.findings if f.rule == "R-8"]
    if r8:
        plan = build_site_plan(community)
        # The R-8 drawing shows the perimeter and what covers it; devices and labels would only clutter.
        plan.layers = [
            layer for layer in plan.layers if layer.key in {"areas", "roads", "perimeter", "coverage"}
        ]
        for layer in plan.layers:
            if layer.key == "coverage":  # detectors only: camera views belong to R-9a, not R-8
                layer.shapes = [s for s in layer.shapes if "coverage-detector" in s.css]
        add_findings_layer(plan, community, [(str(i), f) for i, f in enumerate(r8)], lang=lang)
        # weasyprint's SVG renderer reads fonts from SVG attributes, not the page CSS: name the CJK
        # font on the root element so the plan's Chinese text uses the same simplified-Chinese face.
        # The SVG is the output of an autoescaped template, so marking it safe adds nothing unescaped.
        svg = render_to_string("sites/site_plan_svg.html", {"plan": plan})
        plan_svg = mark_safe(svg.replace("<svg ", f'<svg font-family="{PDF_FONT}" ', 1))
    return {
        "report": report,
        "community": community,
        "summary": summary,
        "sections": secs,
        "r36": r36_findings(report.findings, lang=lang),
        "checked_at": local_time(report.checked_at),
        "zh": is_zh(lang),
        "pdf": pdf,
        "plan": plan,
        "plan_svg": plan_svg,
        "has_violations": bool(summary["violations"]),
    }


def render_html(report: Report, *, lang: str = "zh-hans", pdf: bool = False) -> str:
    """The report as one standalone HTML page (inline CSS, inline SVG, no external files)."""
    with translation.override(lang):
        return render_to_string("compliance/report.html", document_context(report, lang=lang, pdf=pdf))


def render_pdf(report: Report, *, lang: str = "zh-hans") -> bytes:
    """The report as PDF (A4, Noto Sans CJK SC), fit to hand to a police inspection."""
    from weasyprint import HTML

    html = render_html(report, lang=lang, pdf=True)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
