"""Template helpers of the compliance app: the latest check of a community, for the dashboard tile."""

from __future__ import annotations

from typing import Any

from django import template

from anfang.compliance.models import ComplianceRun

register = template.Library()


@register.simple_tag
def latest_compliance(community: Any) -> ComplianceRun | None:
    """The community's latest stored run (``violations`` = open violations), or None before the first."""
    if community is None:
        return None
    return ComplianceRun.objects.filter(community=community).order_by("-checked_at").first()
