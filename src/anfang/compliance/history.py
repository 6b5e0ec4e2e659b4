"""Queries over stored compliance results: open findings, findings opened/closed per day, and the
police view of a station's communities ranked by open violations.

Read-only; callers pass querysets already scoped with ``communities_for()`` where users are involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from anfang.compliance.choices import SeverityChoices
from anfang.compliance.models import ComplianceRun, FindingHistory
from anfang.core.tenancy import communities_for
from anfang.sites.models import Community

# Days are counted in China Standard Time: a "daily" check and "opened on 11-26" mean the local day
# of the communities (营口), whatever the server's clock zone is.
CHECK_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def local_date(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of ``moment``."""
    return moment.astimezone(CHECK_TIME_ZONE).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start (inclusive) and end (exclusive) of an Asia/Shanghai day, as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=CHECK_TIME_ZONE)
    return start, start + dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------------
# One community
# ---------------------------------------------------------------------------------------------------


def open_findings(community: Community, *, severity: str | None = None) -> QuerySet[FindingHistory]:
    """Findings failing at the last check and not yet closed, oldest first (longest outstanding)."""
    rows = FindingHistory.objects.filter(community=community, closed_at__isnull=True)
    if severity:
        rows = rows.filter(severity=severity)
    return rows.annotate(rule_order=rule_order()).order_by("opened_at", "rule_order", "key")


class HistoryState:
    """Values of the history page's state filter."""

    OPEN = "open"
    CLOSED = "closed"


def history(
    community: Community,
    *,
    rule: str | None = None,
    state: str | None = None,
    severity: str | None = None,
) -> QuerySet[FindingHistory]:
    """Every history row of ``community`` (newest first), optionally by rule, open/closed and severity."""
    rows = FindingHistory.objects.filter(community=community)
    if rule:
        rows = rows.filter(rule=rule)
    if state == HistoryState.OPEN:
        rows = rows.filter(closed_at__isnull=True)
    elif state == HistoryState.CLOSED:
        rows = rows.filter(closed_at__isnull=False)
    if severity:
        rows = rows.filter(severity=severity)
    return rows.annotate(rule_order=rule_order()).order_by("-opened_at", "rule_order", "key")


def rule_order() -> Case:
    """Position of a row's rule in article order (R-5 before R-13), usable in ``order_by``."""
    from anfang.compliance.rules.base import RULES, rule_sort_key

    ids = sorted(RULES, key=rule_sort_key)
    return Case(
        *(When(rule=rule_id, then=Value(i)) for i, rule_id in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )


def rules_in_history(community: Community) -> list[str]:
    """The rule ids that ever had a finding in ``community``, in article order (for the filter)."""
    from anfang.compliance.rules.base import rule_sort_key

    ids = FindingHistory.objects.filter(community=community).values_list("rule", flat=True).distinct()
    return sorted(set(ids), key=rule_sort_key)


def duration(row: FindingHistory, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long a finding has been (or was) open: to its closing, or to ``now`` if still open."""
    end = row.closed_at or now or timezone.now()
    return max(end - row.opened_at, dt.timedelta(0))


@dataclass(frozen=True)
class DayCount:
    """One day of the history chart (Asia/Shanghai date)."""

    day: dt.date
    opened: int
    closed: int
    open_violations: int  # violation-severity findings open at the end of the day


def daily_counts(community: Community, start: dt.date, end: dt.date) -> list[DayCount]:
    """Per day from ``start`` to ``end`` (inclusive): findings opened, findings closed, and
    violations still open at the end of the day. One query; the counting is done here."""
    if end < start:
        return []
    range_start, _ = day_bounds(start)
    _, range_end = day_bounds(end)
    rows = FindingHistory.objects.filter(community=community, opened_at__lt=range_end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=range_start)
    )
    spans = [
        (local_date(opened), local_date(closed) if closed else None, severity)
        for opened, closed, severity in rows.values_list("opened_at", "closed_at", "severity")
    ]
    days = []
    day = start
    while day <= end:
        opened = sum(1 for o, _c, _s in spans if o == day)
        closed = sum(1 for _o, c, _s in spans if c == day)
        still_open = sum(
            1 for o, c, s in spans if s == SeverityChoices.VIOLATION and o <= day and (c is None or c > day)
        )
        days.append(DayCount(day=day, opened=opened, closed=closed, open_violations=still_open))
        day += dt.timedelta(days=1)
    return days


def last_run(community: Community) -> ComplianceRun | None:
    return ComplianceRun.objects.filter(community=community).order_by("-checked_at").first()


# ---------------------------------------------------------------------------------------------------
# Police: the communities of a station (第34条 supervision)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    """One community in the police ranking."""

    rank: int | None  # None: never checked, listed last
    community: Community
    open_violations: int
    open_advisories: int
    last_run: ComplianceRun | None

    @property
    def score(self) -> float | None:
        return self.last_run.summary.get("score") if self.last_run is not None else None


def ranking_communities(user: Any) -> QuerySet[Community]:
    """What the ranking covers: a police officer's station(s), or every community for an admin."""
    if getattr(user, "is_admin", False):
        return communities_for(user)
    station_id = getattr(user, "police_station_id", None)
    if station_id is None:
        return Community.objects.none()
    return communities_for(user).filter(police_station_id=station_id)


def _open_count(severity: str) -> Coalesce:
    return Coalesce(
        Subquery(
            FindingHistory.objects.filter(community=OuterRef("pk"), closed_at__isnull=True, severity=severity)
            .order_by()
            .values("community")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def station_ranking(communities: Iterable[Community] | QuerySet[Community]) -> list[RankRow]:
    """``communities`` ranked by open violations (most first), then by lower score, then code.

    Communities never checked come last without a rank: "no violations" would be a silent pass."""
    qs = (
        communities
        if isinstance(communities, QuerySet)
        else Community.objects.filter(pk__in=[c.pk for c in communities])
    )
    annotated = list(
        qs.select_related("police_station")
        .annotate(
            n_violations=_open_count(SeverityChoices.VIOLATION),
            n_advisories=_open_count(SeverityChoices.ADVISORY),
            last_run_id=Subquery(
                ComplianceRun.objects.filter(community=OuterRef("pk"))
                .order_by("-checked_at")
                .values("pk")[:1]
            ),
        )
        .order_by("code")
    )
    runs = ComplianceRun.objects.in_bulk([c.last_run_id for c in annotated if c.last_run_id is not None])
    latest = {run.community_id: run for run in runs.values()}

    def sort_key(c: Any) -> tuple[Any, ...]:
        run = latest.get(c.pk)
        score = run.summary.get("score") if run is not None else None
        return (run is None, -c.n_violations, score if score is not None else 101.0, c.code)

    rows = []
    rank = 0
    for c in sorted(annotated, key=sort_key):
        run = latest.get(c.pk)
        if run is not None:
            rank += 1
        rows.append(
            RankRow(
                rank=rank if run is not None else None,
                community=c,
                open_violations=c.n_violations,
                open_advisories=c.n_advisories,
                last_run=run,
            )
        )
    return rows


def open_violation_counts(communities: Iterable[Community]) -> dict[int, int | None]:
    """Open violations per community pk, None for a community never checked (for overview tables)."""
    pks = [c.pk for c in communities]
    checked = set(
        ComplianceRun.objects.filter(community__in=pks).values_list("community_id", flat=True).distinct()
    )
    counts = dict(
        FindingHistory.objects.filter(
            community__in=pks, closed_at__isnull=True, severity=SeverityChoices.VIOLATION
        )
        .values_list("community")
        .annotate(n=Count("pk"))
        .values_list("community", "n")
    )
    return {pk: (counts.get(pk, 0) if pk in checked else None) for pk in pks}
