"""ANPR benchmark (issue 7, "Numbers"): exact-plate accuracy on real pictures, time per scene, memory.

Data: ``ANFANG_ANPR_DATA`` (default ``../shared/data/anpr`` beside the repository): ``labels.csv`` with
``scenes/`` (whole pictures) and ``crops/`` (a plate cropped tight). Scoring as its SOURCES.md says: a
scene counts when its label is among the plates returned; any other plate returned for a scene is a
false read unless SOURCES.md lists it as another real plate of that picture; a crop counts when the first
plate returned is the label. Times are per ``anpr.read(path)`` (decode included) with 2 threads; the
memory row reads scenes for ``BENCH_ANPR_REPEAT`` images (cycling) and compares the RSS before and after.

Alone: ``python -m bench.anpr`` (``--misses`` prints every miss). No database is needed.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Rows = list[tuple[str, str]]


def data_dir() -> Path:
    return Path(os.environ.get("ANFANG_ANPR_DATA", str(ROOT.parent / "shared" / "data" / "anpr")))


@dataclass
class Sample:
    file: str
    plate: str
    kind: str
    others: frozenset[str] = frozenset()


@dataclass
class Result:
    scenes: int = 0
    scenes_ok: int = 0
    crops: int = 0
    crops_ok: int = 0
    false_reads: int = 0
    errors: int = 0
    scene_ms: list[float] = field(default_factory=list)
    scene_cpu_ms: list[float] = field(default_factory=list)  # process CPU, both threads
    crop_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # file, expected, got
    false: list[tuple[str, str]] = field(default_factory=list)  # file, plate


def _other_plates(sources: Path) -> dict[str, frozenset[str]]:
    """The table of SOURCES.md listing further real plates in some scenes."""
    others: dict[str, frozenset[str]] = {}
    if not sources.exists():
        return others
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.match(r"^scenes/", cells[0]):
            others[cells[0]] = frozenset(p.strip() for p in cells[2].split(",") if p.strip())
    return others


def samples(root: Path) -> list[Sample]:
    others = _other_plates(root / "SOURCES.md")
    with (root / "labels.csv").open(encoding="utf-8") as fh:
        return [
            Sample(row["file"], row["plate"], row["kind"], others.get(row["file"], frozenset()))
            for row in csv.DictReader(fh)
        ]


def evaluate(items: list[Sample], root: Path, read: Callable[[Path], list[str]]) -> Result:
    """Accuracy and time of `read` (path -> plate texts, best first) over the samples."""
    from anfang.anpr import AnprError

    result = Result()
    for item in items:
        started = time.perf_counter()
        cpu_started = time.process_time()
        try:
            got = read(root / item.file)
        except AnprError as exc:
            got = []
            result.errors += 1
            print(f"error {item.file}: {exc}")
        ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu_started) * 1000
        if item.kind == "scene":
            result.scenes += 1
            result.scene_ms.append(ms)
            result.scene_cpu_ms.append(cpu_ms)
            ok = item.plate in got
            result.scenes_ok += ok
            for text in got:
                if text != item.plate and text not in item.others:
                    result.false_reads += 1
                    result.false.append((item.file, text))
        else:
            result.crops += 1
            result.crop_ms.append(ms)
            ok = bool(got) and got[0] == item.plate
            result.crops_ok += ok
        if not ok:
            result.misses.append((item.file, item.plate, " ".join(got) or "—"))
    return result


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load() -> str:
    """Other work on the machine makes times longer: the 1-minute load average says how much."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(log: Callable[[str], None] = print) -> Rows:
    from anfang import anpr

    root = data_dir()
    if not (root / "labels.csv").exists():
        return [("ANPR", f"skipped: no data set at {root} (set ANFANG_ANPR_DATA)")]
    if not anpr.available():
        return [("ANPR", "skipped: model files not installed (make install)")]
    items = samples(root)

    def texts(path: Path) -> list[str]:
        return [p.text for p in anpr.read(path)]

    texts(root / items[0].file)  # sessions are created once per process: not part of the timing
    result = evaluate(items, root, texts)
    repeat = int(os.environ.get("BENCH_ANPR_REPEAT", "1000"))
    scenes = [root / s.file for s in items if s.kind == "scene"]
    rss_before = _rss_mib()
    started = time.perf_counter()
    for i in range(repeat):
        anpr.read(scenes[i % len(scenes)])
    loop_s = time.perf_counter() - started
    rss_after = _rss_mib()
    for file, expected, got in result.misses:
        log(f"miss {file}: expected {expected}, got {got}")
    for file, text in result.false:
        log(f"false read {file}: {text}")
    misses = "; ".join(f"{f} {e}→{g}" for f, e, g in result.misses)
    return [
        (
            f"ANPR scenes: label among the plates read (target ≥ 95 %), {root.name}/",
            f"{result.scenes_ok}/{result.scenes} = {100 * result.scenes_ok / max(1, result.scenes):.1f} %, "
            f"{result.false_reads} false reads, {result.errors} errors",
        ),
        (
            "ANPR crops: first plate read is the label (target ≥ 98 %)",
            f"{result.crops_ok}/{result.crops} = {100 * result.crops_ok / max(1, result.crops):.1f} %",
        ),
        (
            "ANPR time per scene, `anpr.read(path)` with decode, 2 threads (target median ≤ 60 ms)",
            f"median {statistics.median(result.scene_ms):.0f} ms, p95 {_pct(result.scene_ms, 0.95):.0f} ms; "
            f"CPU (both threads) median {statistics.median(result.scene_cpu_ms):.0f} ms; "
            f"crops median {statistics.median(result.crop_ms or [0]):.0f} ms; load average {_load()}",
        ),
        (
            f"ANPR memory over {repeat:,} scene reads (cycling)",
            f"RSS {rss_before:.0f} MiB before, {rss_after:.0f} MiB after "
            f"({loop_s / max(1, repeat) * 1000:.0f} ms per image)",
        ),
        ("ANPR misses (file expected→got)", misses or "none"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    for name, value in run():
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
