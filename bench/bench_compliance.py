"""Compliance check of a city-scale community (issue 4: under 3 s on SQLite).

Builds :mod:`bench.synthetic` (≥ 300 buildings, ≥ 10,000 devices, ≥ 1,000 perimeter segments), runs
``services.check_community`` ``BENCH_COMPLIANCE_RUNS`` times (default 5, after one warm-up run) and
reports the median and maximum, the number of findings, and where the time goes: snapshot loading and
each rule separately, so a slow rule is named with its cost.

Run alone: ``python -m bench --only compliance`` (or ``BENCH_DATABASES=sqlite make bench`` for all).
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter

from anfang.compliance import services
from anfang.compliance.rules import all_rules
from anfang.compliance.snapshot import load
from anfang.sites.models import Community
from bench import synthetic

TARGET_S = 3.0


def profile_rules(community: Community, repeat: int = 3) -> tuple[float, list[tuple[str, float, int]]]:
    """Median CPU seconds of ``snapshot.load`` and of each rule's ``check`` (with its findings count):
    CPU time, because wall time swings with whatever else shares the cores."""
    ctx = services.context()
    loads: list[float] = []
    per_rule: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for _ in range(repeat):
        start = time.process_time()
        site = load(community)
        loads.append(time.process_time() - start)
        for rule in all_rules():
            start = time.process_time()
            findings = list(rule.check(site, ctx))
            per_rule.setdefault(rule.id, []).append(time.process_time() - start)
            found[rule.id] = len(findings)
    rules = [(rule_id, statistics.median(times), found[rule_id]) for rule_id, times in per_rule.items()]
    return statistics.median(loads), rules


def run(runs: int | None = None) -> list[tuple[str, str]]:
    runs = runs or int(os.environ.get("BENCH_COMPLIANCE_RUNS", 5))
    sizes = synthetic.Sizes(
        buildings=int(os.environ.get("BENCH_BUILDINGS", 300)),
        segments=int(os.environ.get("BENCH_SEGMENTS", 1200)),
    )
    built = synthetic.build("bench-city", sizes)
    community = built.community
    counts = built.counts

    report = services.check_community(community)  # warm-up: imports, shapely, query plans
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = services.check_community(community)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median, worst = statistics.median(times), max(times)
    status = Counter(f.status for f in report.findings)
    load_s, rules = profile_rules(community)
    rules.sort(key=lambda r: r[1], reverse=True)
    slow = ", ".join(f"{rule_id} {secs * 1000:.0f} ms ({n:,} findings)" for rule_id, secs, n in rules[:6])
    verdict = "within" if median < TARGET_S else "OVER"
    return [
        (
            "compliance: synthetic city-scale community (bulk-built, no change log)",
            f"{counts['buildings']:,} buildings, {counts['locations']:,} locations, "
            f"{counts['devices']:,} devices, {counts['perimeter segments']:,} perimeter segments; "
            f"built in {built.seconds:.1f} s",
        ),
        (
            f"compliance: `services.check_community`, all {len(rules)} rules",
            f"{median:.2f} s median of {runs}, max {worst:.2f} s ({verdict} the {TARGET_S:.0f} s target); "
            f"CPU time {statistics.median(cpu):.2f} s median",
        ),
        (
            "compliance: findings of one check",
            f"{len(report.findings):,} (pass {status.get('pass', 0):,}, fail {status.get('fail', 0):,}, "
            f"not evaluable {status.get('not_evaluable', 0):,}; {len(report.violations):,} violations)",
        ),
        ("compliance: `snapshot.load` (all queries), CPU time", f"{load_s * 1000:.0f} ms median of 3"),
        ("compliance: slowest rules, CPU time (median of 3)", slow or "no rules registered"),
    ]
