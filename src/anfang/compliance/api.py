"""Compliance API: a community's report as the JSON contract of docs/compliance.md, and stored runs.

``GET /communities/{code}/compliance`` — the latest stored run, or a fresh check (not stored) when
none exists or ``?fresh=true``; ``POST /communities/{code}/compliance/runs`` — check now and store
(registry editors). Scoped like the registry: another community's code is a 404.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from anfang.compliance import reports, services
from anfang.compliance.choices import TriggerChoices
from anfang.core import audit
from anfang.core.api_tools import community_or_404, registry_auth, request_user
from anfang.core.tenancy import Perm

router = Router(auth=registry_auth, tags=["compliance"])


class CommunityRef(Schema):
    code: str
    name: str


class ObjectOut(Schema):
    type: str = Field(
        ..., description="community, location, perimeter_segment, device, device_model, security_team"
    )
    code: str
    name: str


class FindingOut(Schema):
    rule: str = Field(..., description="requirement id, e.g. R-8")
    article: str = Field(..., description="article cited, e.g. 第8条")
    severity: Literal["violation", "advisory"]
    status: Literal["pass", "fail", "not_evaluable"]
    objects: list[ObjectOut]
    message_zh: str
    message_en: str
    details: dict[str, Any]


class ComplianceReportOut(Schema):
    community: CommunityRef
    checked_at: str = Field(..., description="ISO 8601, UTC (Z)")
    summary: dict[str, Any]
    findings: list[FindingOut]


@router.get(
    "/communities/{code}/compliance",
    response=ComplianceReportOut,
    operation_id="get_compliance_report",
    summary="Compliance report of a community",
)
def get_report(request: HttpRequest, code: str, fresh: bool = False) -> dict[str, Any]:
    """The latest stored check; a fresh, unstored check when there is none yet or ``fresh=true``."""
    user = request_user(request)
    community = community_or_404(user, code)
    run = None if fresh else reports.latest_run(community)
    report = reports.report_from_run(run) if run is not None else services.check_community(community)
    audit.record_access(
        "export",
        "compliance_report",
        community_id=community.pk,
        query={"format": "json", "run": run.pk if run else None, "channel": "api"},
        result_count=len(report.findings),
    )
    return report.as_json()


@router.post(
    "/communities/{code}/compliance/runs",
    response={201: ComplianceReportOut},
    operation_id="create_compliance_run",
    summary="Check a community now and store the run",
)
def create_run(request: HttpRequest, code: str) -> tuple[int, dict[str, Any]]:
    """Check now, store the run and update the finding history (needs registry change permission)."""
    user = request_user(request)
    community = community_or_404(user, code, Perm.CHANGE_REGISTRY)
    _run, report = services.record_run(community, trigger=TriggerChoices.API, by=user)
    return 201, report.as_json()
