"""A description of the machine and software a benchmark ran on, so numbers can be compared later."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def describe(database: str) -> dict[str, str]:
    """Facts that change benchmark numbers: cores, CPU, RAM, Python, database versions, date."""
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": _cpu_model(),
        "RAM": _ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "database of this run": database,
        "load average (1/5/15 min) at start": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
