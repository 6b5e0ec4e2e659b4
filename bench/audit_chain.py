"""Change-log append throughput and ``audit verify`` time over a long hash chain (R-33.5).

Every facility change appends one chained row inside its own transaction, so append throughput bounds
how fast bulk imports and busy workers can change things; ``anfang audit verify`` runs from cron and
must finish comfortably over a year of rows.
"""

from __future__ import annotations

import io
import time

from django.core.management import call_command

from anfang.core import audit
from anfang.core.models import ChangeRecord
from anfang.sites.models import Community, PoliceStation


def run(rows: int) -> list[tuple[str, str]]:
    station, _ = PoliceStation.objects.get_or_create(code="bench-ps", defaults={"name": "基准派出所"})
    community, _ = Community.objects.get_or_create(
        code="bench-audit",
        defaults={"name": "基准小区", "police_station": station, "management_type": "self"},
    )
    before = {"name": "旧名称", "address": "营口市站前区"}
    after = {"name": "新名称", "address": "营口市站前区"}
    existing = ChangeRecord.objects.count()

    start = time.perf_counter()
    with audit.actor(system="bench"):
        for i in range(rows):
            after["n"] = str(i)
            audit.record_change(community, "update", before=before, after=after, community_id=community.pk)
    append_s = time.perf_counter() - start

    start = time.perf_counter()
    checked, problems = audit.verify("change")
    verify_s = time.perf_counter() - start
    if problems or checked != existing + rows:
        raise RuntimeError(f"chain broken after the benchmark: {checked} rows, {problems[:3]}")

    out = io.StringIO()
    start = time.perf_counter()
    call_command("audit", "verify", stdout=out, stderr=out)
    command_s = time.perf_counter() - start

    return [
        (f"change-log append, {rows:,} rows, one transaction each", f"{rows / append_s:,.0f} rows/s"),
        (f"`audit.verify('change')` over {checked:,} rows", f"{verify_s:.2f} s"),
        ("`anfang audit verify` (both chains)", f"{command_s:.2f} s"),
    ]
