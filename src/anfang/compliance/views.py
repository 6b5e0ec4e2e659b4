"""The compliance page of a community: latest stored run, score by article, findings with filters and
their place on the site plan; "check now" for registry editors; JSON and PDF downloads.

Thin: the community is loaded through ``communities_for()`` (404 for anyone who cannot see it), the
check is ``services.record_run``, the documents come from ``reports``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anfang.compliance import reports, services
from anfang.compliance.choices import SeverityChoices, StatusChoices, TriggerChoices
from anfang.compliance.models import ComplianceRun
from anfang.compliance.rules import Finding, ObjectRef
from anfang.compliance.rules.base import rule_sort_key
from anfang.core import audit
from anfang.core.generic import visible_community
from anfang.core.tenancy import Perm, has_perm
from anfang.devices.models import Device
from anfang.sites.models import Community

PASSES_LISTED = 200  # per rule; the rest are found with the object filter
PLAN_DEVICE_LIMIT = 2000


@dataclass
class PageFinding(Finding):
    """A stored finding as the page shows it: its row id, message in the page language, object links."""

    pk: int = 0
    text: str = ""
    links: list[tuple[ObjectRef, str]] = field(default_factory=list)
    on_plan: bool = False


def _community(request: HttpRequest, code: str) -> Community:
    return visible_community(request, code, "police_station", "property_company")


def _page_findings(run: ComplianceRun, lang: str) -> list[PageFinding]:
    zh = reports.is_zh(lang)
    return [
        PageFinding(**reports.finding_fields(row), pk=row.pk, text=row.message_zh if zh else row.message_en)
        for row in run.findings.order_by("pk")
    ]


def _matches(f: PageFinding, params: dict[str, str]) -> bool:
    if params["status"] and f.status != params["status"]:
        return False
    if params["severity"] and f.severity != params["severity"]:
        return False
    if params["rule"] and f.rule != params["rule"]:
        return False
    q = params["q"].lower()
    if q:
        haystack = " ".join([f.text, *(f"{o.code} {o.name}" for o in f.objects)]).lower()
        return q in haystack
    return True


@login_required
def community_report(request: HttpRequest, code: str) -> HttpResponse:
    """The latest stored check of the community, filtered by status, severity, rule and object."""
    from anfang.sites.siteplan import build_site_plan

    community = _community(request, code)
    lang = translation.get_language() or "zh-hans"
    run = reports.latest_run(community)
    can_run = has_perm(request.user, community, Perm.CHANGE_REGISTRY)
    context: dict[str, Any] = {"community": community, "run": run, "can_run": can_run}
    if run is None:
        return render(request, "compliance/community.html", context)

    findings = _page_findings(run, lang)
    params = {key: request.GET.get(key, "").strip()[:100] for key in ("status", "severity", "rule", "q")}
    shown = [f for f in findings if _matches(f, params)]
    shown_sections = []
    for sec in reports.sections(shown, lang=lang):
        sec.rules = [r for r in sec.rules if r.findings]  # a filter hides rules with nothing left
        if sec.rules:
            shown_sections.append(sec)
    # Only the rows the page lists get links (a city-scale run has tens of thousands of passes).
    listed: list[PageFinding] = [
        f  # type: ignore[misc]
        for sec in shown_sections
        for r in sec.rules
        for f in [*(x for x in r.findings if x.status != StatusChoices.PASS), *r.passes[:PASSES_LISTED]]
    ]
    urls = reports.object_urls(community, [o for f in listed for o in f.objects])
    for f in listed:
        f.links = [(o, urls.get((o.type, o.code), "")) for o in f.objects]

    # Beyond a few thousand devices the plan would drown the findings: draw places, perimeter and
    # the failing objects only.
    many_devices = Device.objects.filter(community=community).count() > PLAN_DEVICE_LIMIT
    plan = build_site_plan(community, devices=[]) if many_devices else build_site_plan(community)
    on_plan = reports.add_findings_layer(
        plan, community, [(str(f.pk), f) for f in listed], lang=lang, urls=urls
    )
    for f in listed:
        f.on_plan = str(f.pk) in on_plan

    all_sections = reports.sections(findings, lang=lang)
    summary = run.summary or {}
    context.update(
        {
            "summary": summary,
            "score_rows": all_sections,
            "article_sections": shown_sections,
            "plan": plan,
            "plan_without_devices": many_devices,
            "params": params,
            "filtered": any(params.values()),
            "shown_count": len(shown),
            "total_count": len(findings),
            "status_choices": StatusChoices.choices,
            "severity_choices": SeverityChoices.choices,
            "rule_choices": sorted({f.rule for f in findings}, key=rule_sort_key),
            "failing_on_plan": sum(1 for f in shown if f.on_plan),
            "checked_at": reports.local_time(run.checked_at),
        }
    )
    return render(request, "compliance/community.html", context)


@require_POST
@login_required
def run_check(request: HttpRequest, code: str) -> HttpResponse:
    """Check now and store the run: registry editors only (police and operators read)."""
    community = _community(request, code)
    if not has_perm(request.user, community, Perm.CHANGE_REGISTRY):
        raise PermissionDenied(_("您在该小区没有执行合规检查的权限。"))
    run = services.record_run(community, trigger=TriggerChoices.MANUAL, by=request.user)[0]
    violations = run.violations
    if violations:
        messages.warning(request, _("检查完成：发现 %(n)s 项违规。") % {"n": violations})
    else:
        messages.success(request, _("检查完成：未发现违规项。"))
    return redirect("compliance:community", code=community.code)


def _report(community: Community) -> tuple[services.Report, ComplianceRun | None]:
    """The latest stored run, or a fresh (unstored) check when none exists yet."""
    run = reports.latest_run(community)
    if run is not None:
        return reports.report_from_run(run), run
    return services.check_community(community), None


def _log_export(community: Community, fmt: str, run: ComplianceRun | None, report: services.Report) -> None:
    audit.record_access(
        "export",
        "compliance_report",
        community_id=community.pk,
        query={"format": fmt, "run": run.pk if run else None},
        result_count=len(report.findings),
    )


def _filename(community: Community, report: services.Report, ext: str) -> str:
    return f"compliance-{community.code}-{reports.local_time(report.checked_at):%Y%m%d-%H%M}.{ext}"


@login_required
def report_json(request: HttpRequest, code: str) -> HttpResponse:
    """The JSON contract of docs/compliance.md, as a download (access-logged)."""
    community = _community(request, code)
    report, run = _report(community)
    _log_export(community, "json", run, report)
    body = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(community, report, "json")}"'
    return response


@login_required
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The inspection PDF in the page language (access-logged)."""
    community = _community(request, code)
    report, run = _report(community)
    _log_export(community, "pdf", run, report)
    pdf = reports.render_pdf(report, lang=translation.get_language() or "zh-hans")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(community, report, "pdf")}"'
    return response
