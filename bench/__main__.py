"""``python -m bench``: run every benchmark on a fresh database and append a section to docs/benchmarks.md.

Without DATABASE_URL the run uses a new SQLite file (WAL, as in production on one box) in a temporary
directory; with it (``scripts/with-postgres.sh python -m bench``) the given, empty PostgreSQL database.
Sizes can be lowered for a quick try: ``BENCH_AUDIT_ROWS=1000 BENCH_DEVICES=500 python -m bench``;
``--only compliance`` (repeatable: audit, devices, compliance, alarms, vehicles, anpr) runs a subset;
the alarm benchmark (``bench/alarms.py``) runs the real server and ingest workers as subprocesses on the same
database, sized by ``BENCH_ALARM_*`` (quick: ``BENCH_ALARM_SECONDS=10 BENCH_ALARM_EVENTS=5000``); the
vehicle benchmark (``bench/vehicles.py``) loads ``BENCH_VEHICLE_ROWS`` passages (10 million; the SQLite
file is kept in ``var/bench-vehicles`` and reused) and measures plate search and gate ingest
(``BENCH_VEHICLE_*``); the ANPR benchmarks (``bench/anpr.py``, ``bench/anpr_video.py``) read the real
pictures of ``../shared/data/anpr`` (``ANFANG_ANPR_DATA``) and need no database.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "benchmarks.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--audit-rows", type=int, default=int(os.environ.get("BENCH_AUDIT_ROWS", 100_000)))
    parser.add_argument("--devices", type=int, default=int(os.environ.get("BENCH_DEVICES", 10_000)))
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to the report")
    parser.add_argument(
        "--only",
        choices=["audit", "devices", "compliance", "alarms", "vehicles", "anpr"],
        action="append",
        help="run only these benchmarks (repeatable); default all",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="anfang-bench-")
    os.environ["ANFANG_DATA_DIR"] = tmp.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
    import django

    django.setup()
    import logging
    import warnings

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench import alarms, anpr, anpr_video, audit_chain, bench_compliance, device_list, machine, vehicles

    for name in ("django.request", "axes"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # 404s of pages not written yet, log-in chatter
    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment()  # allows the test client's host name; keeps e-mail in memory
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            database = f"PostgreSQL {cur.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version} (file, WAL)"

    started = time.perf_counter()
    only = set(args.only or ["audit", "devices", "compliance", "alarms", "vehicles", "anpr"])
    results: list[tuple[str, str]] = []
    if "audit" in only:
        results += audit_chain.run(args.audit_rows)
    if "devices" in only:
        results += device_list.run(args.devices)
    if "compliance" in only:
        results += bench_compliance.run()
    if "alarms" in only:
        results += alarms.run()
    if "vehicles" in only:
        results += vehicles.run()
    if "anpr" in only:
        results += anpr.run()
        results += anpr_video.run()
    total = time.perf_counter() - started

    facts = machine.describe(database)
    lines = [f"## {facts['date (UTC)']} — {database}", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items() if key != "date (UTC)"]
    lines += ["", "| benchmark | result |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in results]
    lines += ["", f"Total run time {total:.0f} s.", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        if not REPORT.exists():
            REPORT.write_text("# Benchmarks\n\nAppended by `make bench`.\n\n")
        with REPORT.open("a") as fh:
            fh.write("\n" + text)
        print(f"appended to {REPORT.relative_to(ROOT)}", file=sys.stderr)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
