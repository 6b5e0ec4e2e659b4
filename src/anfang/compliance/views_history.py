"""Finding history of one community and the police ranking of a station's communities.

Thin: scope through ``visible_community()`` / ``communities_for()``, query :mod:`history`, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from anfang.compliance import history
from anfang.compliance.choices import SeverityChoices
from anfang.compliance.models import FindingHistory
from anfang.core.generic import visible_community
from anfang.sites.models import Community

PAGE_SIZE = 50
CHART_RANGES = (30, 90, 365)  # days the history chart can show

# Finding object type → (URL name, builds the args from the community code and the object code).
_OBJECT_URLS = {
    "location": "sites:location_detail",
    "perimeter_segment": "sites:perimeter_detail",
    "device": "devices:device_detail",
    "community": "sites:community_detail",
}


def object_links(community: Community, refs: list[dict[str, str]]) -> list[dict[str, str | None]]:
    """Each object of a finding with the URL of its registry page (None when it has none)."""
    links = []
    for obj in refs:
        name = _OBJECT_URLS.get(obj.get("type", ""))
        url: str | None = None
        if name is not None:
            args = [community.code] if obj["type"] == "community" else [community.code, obj.get("code", "")]
            try:
                url = reverse(name, args=args)
            except NoReverseMatch:
                url = None
        links.append({"code": obj.get("code", ""), "name": obj.get("name", ""), "url": url})
    return links


def format_duration(span: dt.timedelta) -> str:
    """A duration a manager reads at a glance: days, else hours, else minutes."""
    if span.days >= 1:
        return _("%(n)d 天") % {"n": span.days}
    hours = span.seconds // 3600
    if hours >= 1:
        return _("%(n)d 小时") % {"n": hours}
    return _("%(n)d 分钟") % {"n": max(span.seconds // 60, 0)}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    value: int


def chart_bars(days: list[history.DayCount], *, width: float = 600, height: float = 120) -> dict[str, Any]:
    """Bars of open violations per day, scaled into a ``width`` × ``height`` SVG box."""
    peak = max((d.open_violations for d in days), default=0)
    step = width / max(len(days), 1)
    bars = []
    for i, d in enumerate(days):
        h = (d.open_violations / peak) * (height - 4) if peak else 0.0
        bars.append(
            Bar(
                x=round(i * step, 2),
                y=round(height - h, 2),
                width=round(max(step - 1, 1), 2),
                height=round(h, 2),
                day=d.day,
                value=d.open_violations,
            )
        )
    return {"bars": bars, "width": width, "height": height, "peak": peak}


@login_required
def history_view(request: HttpRequest, code: str) -> HttpResponse:
    """Findings opened and closed over time, with a per-day chart of open violations."""
    community = visible_community(request, code)
    rule = request.GET.get("rule") or None
    state = request.GET.get("state") or None
    if state not in (None, history.HistoryState.OPEN, history.HistoryState.CLOSED):
        state = None
    severity = request.GET.get("severity") or None
    if severity not in (None, *SeverityChoices.values):
        severity = None
    try:
        days = int(request.GET.get("days", CHART_RANGES[0]))
    except ValueError:
        days = CHART_RANGES[0]
    if days not in CHART_RANGES:
        days = CHART_RANGES[0]

    now = timezone.now()
    today = history.local_date(now)
    counts = history.daily_counts(community, today - dt.timedelta(days=days - 1), today)
    rows = history.history(community, rule=rule, state=state, severity=severity)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    english = (get_language() or "").startswith("en")
    items = []
    for row in page.object_list:
        assert isinstance(row, FindingHistory)
        items.append(
            {
                "row": row,
                "message": row.message_en if english else row.message_zh,
                "objects": object_links(community, row.object_refs),
                "duration": format_duration(history.duration(row, now=now)),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "community": community,
        "items": items,
        "page": page,
        "query": query.urlencode(),
        "rules": history.rules_in_history(community),
        "rule": rule,
        "state": state,
        "severity": severity,
        "severities": SeverityChoices.choices,
        "days": days,
        "ranges": CHART_RANGES,
        "chart": chart_bars(counts),
        "counts": counts,
        "opened_total": sum(d.opened for d in counts),
        "closed_total": sum(d.closed for d in counts),
        "open_now": history.open_findings(community).count(),
        "open_violations": history.open_findings(community, severity=SeverityChoices.VIOLATION).count(),
        "last_run": history.last_run(community),
        "has_history": FindingHistory.objects.filter(community=community).exists(),
    }
    return render(request, "compliance/history.html", context)


@login_required
def police_ranking(request: HttpRequest) -> HttpResponse:
    """第34条 supervision: the station's communities ranked by open violations (police and admins)."""
    user: Any = request.user
    if not (user.is_police or user.is_admin):
        raise PermissionDenied(_("只有公安民警和平台管理员可以查看辖区小区排名。"))
    rows = history.station_ranking(history.ranking_communities(user))
    context = {
        "rows": rows,
        "station": user.police_station if user.is_police else None,
        "any_checked": any(r.last_run is not None for r in rows),
        "show_station": user.is_admin,
    }
    return render(request, "compliance/police_ranking.html", context)
