"""Check a community against every rule; store runs and the open/closed history of findings."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anfang.compliance.choices import SeverityChoices, StatusChoices, TriggerChoices
from anfang.compliance.models import ComplianceRun, FindingHistory, RunFinding
from anfang.compliance.rules import CheckContext, Finding, all_rules
from anfang.compliance.rules.base import RULES, rule_sort_key
from anfang.compliance.snapshot import load
from anfang.sites.models import Community


@dataclass
class Report:
    """The result of one check; :meth:`as_json` is the documented contract (docs/compliance.md)."""

    community: Community
    checked_at: dt.datetime
    findings: list[Finding]
    duration_ms: int = 0
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def violations(self) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.status == StatusChoices.FAIL and f.severity == SeverityChoices.VIOLATION
        ]

    def summary(self) -> dict[str, Any]:
        by_status = Counter(f.status for f in self.findings)
        failing_rules = sorted({f.rule for f in self.violations}, key=rule_sort_key)
        return {
            "rules": len({f.rule for f in self.findings}),
            "checks": len(self.findings),
            "pass": by_status.get(StatusChoices.PASS, 0),
            "fail": by_status.get(StatusChoices.FAIL, 0),
            "not_evaluable": by_status.get(StatusChoices.NOT_EVALUABLE, 0),
            "violations": len(self.violations),
            "advisories": sum(
                1
                for f in self.findings
                if f.status == StatusChoices.FAIL and f.severity == SeverityChoices.ADVISORY
            ),
            "failing_rules": failing_rules,
            "score": self.score(),
            "by_rule": self.by_rule(),
        }

    def by_rule(self) -> list[dict[str, Any]]:
        """Per rule: checks passed/failed and a score (passed / evaluated), in article order."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            groups[f.rule].append(f)
        rows = []
        for rule_id in sorted(groups, key=rule_sort_key):
            items = groups[rule_id]
            rule = RULES.get(rule_id)
            counts = Counter(f.status for f in items)
            evaluated = counts[StatusChoices.PASS] + counts[StatusChoices.FAIL]
            rows.append(
                {
                    "rule": rule_id,
                    "article": items[0].article,
                    "severity": items[0].severity,
                    "title_zh": rule.title_zh if rule else "",
                    "title_en": rule.title_en if rule else "",
                    "pass": counts[StatusChoices.PASS],
                    "fail": counts[StatusChoices.FAIL],
                    "not_evaluable": counts[StatusChoices.NOT_EVALUABLE],
                    "score": round(100 * counts[StatusChoices.PASS] / evaluated, 1) if evaluated else None,
                }
            )
        return rows

    def score(self) -> float | None:
        """Share of evaluated violation-severity checks that pass, in percent."""
        evaluated = [
            f
            for f in self.findings
            if f.severity == SeverityChoices.VIOLATION and f.status != StatusChoices.NOT_EVALUABLE
        ]
        if not evaluated:
            return None
        return round(100 * sum(f.status == StatusChoices.PASS for f in evaluated) / len(evaluated), 1)

    def as_json(self) -> dict[str, Any]:
        c = self.community
        return {
            "community": {"code": c.code, "name": c.name},
            "checked_at": self.checked_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "summary": self.summary(),
            "findings": [f.as_json() for f in self.findings],
        }


def context(now: dt.datetime | None = None) -> CheckContext:
    """Settings of the rules, from ``settings.CONFIG`` (``ANFANG_MIN_CAMERA_RESOLUTION``)."""
    config = getattr(settings, "CONFIG", None)
    width, height = getattr(config, "min_camera_resolution", (1920, 1080))
    return CheckContext(now=now or timezone.now(), min_camera_width=width, min_camera_height=height)


def check_community(
    community: Community, *, now: dt.datetime | None = None, ctx: CheckContext | None = None
) -> Report:
    """Run every rule against ``community`` (read-only; nothing is stored)."""
    ctx = ctx or context(now)
    started = time.perf_counter()
    site = load(community)
    findings: list[Finding] = []
    for rule in all_rules():
        findings.extend(rule.check(site, ctx))
    duration = int((time.perf_counter() - started) * 1000)
    return Report(community=community, checked_at=ctx.now, findings=findings, duration_ms=duration)


@transaction.atomic
def record_run(
    community: Community,
    *,
    trigger: str = TriggerChoices.MANUAL,
    by: Any = None,
    now: dt.datetime | None = None,
) -> tuple[ComplianceRun, Report]:
    """Check, store the run with its findings, and open/close the finding history."""
    report = check_community(community, now=now)
    summary = report.summary()
    run = ComplianceRun.objects.create(
        community=community,
        checked_at=report.checked_at,
        trigger=trigger,
        by=by if getattr(by, "is_authenticated", False) else None,
        summary=summary,
        violations=summary["violations"],
        duration_ms=report.duration_ms,
    )
    RunFinding.objects.bulk_create(
        [
            RunFinding(
                run=run,
                rule=f.rule,
                article=f.article,
                severity=f.severity,
                status=f.status,
                key=f.key[:400],
                object_refs=[o.as_json() for o in f.objects],
                message_zh=f.message_zh,
                message_en=f.message_en,
                details=f.details,
            )
            for f in report.findings
        ],
        batch_size=500,
    )
    _update_history(community, report)
    return run, report


def _update_history(community: Community, report: Report) -> None:
    now = report.checked_at
    failing = {f.key[:400]: f for f in report.findings if f.status == StatusChoices.FAIL}
    open_rows = {h.key: h for h in FindingHistory.objects.filter(community=community, closed_at__isnull=True)}
    for key, row in open_rows.items():
        if key in failing:
            row.last_seen_at = now
            row.message_zh = failing[key].message_zh
            row.message_en = failing[key].message_en
            row.save(update_fields=["last_seen_at", "message_zh", "message_en"])
        else:
            row.closed_at = now
            row.save(update_fields=["closed_at"])
    FindingHistory.objects.bulk_create(
        [
            FindingHistory(
                community=community,
                rule=f.rule,
                article=f.article,
                severity=f.severity,
                key=key,
                object_refs=[o.as_json() for o in f.objects],
                message_zh=f.message_zh,
                message_en=f.message_en,
                opened_at=now,
                last_seen_at=now,
            )
            for key, f in failing.items()
            if key not in open_rows
        ],
        batch_size=500,
    )
