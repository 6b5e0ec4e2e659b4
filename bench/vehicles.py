"""Vehicle benchmarks (issue 6, "Numbers"): plate search on 10 million passages, ingest at the gates.

1. Data: ``BENCH_VEHICLE_ROWS`` (10,000,000) synthetic passages over ``BENCH_VEHICLE_DAYS`` (120) days in
   ``BENCH_VEHICLE_COMMUNITIES`` (5) communities with 4 lanes each, loaded straight into the tables (bench
   data: services bypassed on purpose) with the ``SeenPlate`` rows the services would have written and the
   resident register. Plates: mostly 辽H (营口), some 辽A/辽B/辽C…, other provinces rare, ~15 % 8-character
   new-energy plates; a few thousand resident plates per community make most passages (out in the
   morning, back in the evening), visitors are new plates seen once or twice. SQLite: batched inserts with
   ``synchronous=OFF`` for the load, indexes built afterwards; the file is kept in ``BENCH_VEHICLE_DIR``
   (``var/bench-vehicles``) and reused while its size matches. PostgreSQL: ``COPY`` (the throw-away
   cluster of ``scripts/with-postgres.sh`` is loaded every run).
2. Search through ``services.search_passages(user, …)`` as a manager of one community (access logging
   is the view's job and not included): exact plates over 90 days and partial patterns over 30 days,
   first page of 50, ``BENCH_VEHICLE_QUERIES`` (200) of each.
3. Ingest: ``BENCH_VEHICLE_RATE`` (100) plate events/s with two JPEG photos each for
   ``BENCH_VEHICLE_SECONDS`` (60) s on 4 lanes, two of them with a ``SimulatedBarrier``; latency from
   send to the stored decision, and from send to the barrier holding the open command.

Quick try: ``BENCH_VEHICLE_ROWS=200000 BENCH_VEHICLE_SECONDS=10 python -m bench --only vehicles --no-write``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import random
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings as dj_settings
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction

from anfang.core.choices import RoleChoices
from anfang.core.models import ApiToken, Membership, User
from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import Device
from anfang.integrations.events import Picture
from anfang.sites.models import Community, PoliceStation
from anfang.vehicles import services
from anfang.vehicles.models import Lane, Passage, ResidentVehicle, SeenPlate, Visit
from bench import alarm_load as load
from bench.alarms import _anfang

ROOT = Path(__file__).resolve().parents[1]
SCENES = Path("/work/shared/data/anpr/scenes")
FORMAT_VERSION = 2
PAGE = 50
Rows = list[tuple[str, str]]


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _keep_dir() -> Path | None:
    raw = os.environ.get("BENCH_VEHICLE_DIR", str(ROOT / "var" / "bench-vehicles"))
    return Path(raw) if raw else None


@dataclass
class Settings:
    rows: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_ROWS", 10_000_000))
    days: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_DAYS", 120))
    communities: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_COMMUNITIES", 5))
    residents: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_RESIDENTS", 3000))
    queries: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_QUERIES", 200))
    seconds: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_SECONDS", 60))
    rate: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_RATE", 100))
    threads: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_THREADS", 12))
    web_workers: int = field(default_factory=lambda: _env_int("BENCH_VEHICLE_WEB_WORKERS", 1))
    ingest: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            m.strip()
            for m in os.environ.get("BENCH_VEHICLE_INGEST", "http,inprocess").split(",")
            if m.strip()
        )
    )
    seed: int = 6
    keep_dir: Path | None = field(default_factory=_keep_dir)  # SQLite only; None: the current database


# ---------------------------------------------------------------------------------------------------
# Plates and times
# ---------------------------------------------------------------------------------------------------

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O on plates
DIGITS = "0123456789"
_LIAO_AUTH = "H" * 48 + "AAAABBBBCCDEFGJKLMNP"  # 辽H 营口 ~70 %, 沈阳 辽A, 大连 辽B, 鞍山 辽C …
_OTHER = ["吉A", "吉B", "黑A", "京A", "京N", "冀B", "鲁B", "蒙A", "津A", "沪A", "粤B", "川A"]
# Hour weights: residents leave in the morning, come back in the evening; visitors in the daytime.
_OUT_HOURS = [1, 1, 1, 1, 2, 6, 30, 60, 45, 20, 12, 10, 10, 10, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1]
_IN_HOURS = [1, 1, 1, 1, 1, 2, 4, 6, 6, 8, 10, 12, 15, 12, 10, 12, 20, 45, 60, 40, 20, 12, 6, 3]
_VISIT_HOURS = [0, 0, 0, 0, 0, 1, 3, 6, 10, 14, 16, 14, 12, 12, 14, 16, 16, 14, 12, 10, 8, 5, 2, 1]


def new_plate(rng: random.Random) -> str:
    """A plate of the local mix; ~15 % new-energy (8 characters: D/F then 5 digits, or 5 digits then D/F)."""
    r = rng.random()
    prefix = "辽" + rng.choice(_LIAO_AUTH) if r < 0.93 else rng.choice(_OTHER)
    if rng.random() < 0.15:
        if rng.random() < 0.97:  # buses and lorries (D/F last) are rare in a residential community
            return prefix + rng.choice("DF") + "".join(rng.choices(DIGITS, k=5))
        return prefix + "".join(rng.choices(DIGITS, k=5)) + rng.choice("DF")
    body = [rng.choice(DIGITS) for _ in range(5)]
    for pos in (0, 1):
        if rng.random() < 0.3:
            body[pos] = rng.choice(LETTERS)
    return prefix + "".join(body)


def _kind(plate: str) -> tuple[str, str]:
    """(kind, colour) as `plates.parse` gives them for the plates `new_plate` makes."""
    if len(plate) == 8:
        return ("new_energy_large", "yellow_green") if plate[-1] in "DF" else ("new_energy_small", "green")
    return ("ordinary_small", "blue")


def _hour_sampler(weights: Sequence[int]) -> list[int]:
    return [h for h, w in enumerate(weights) for _ in range(w)]


# ---------------------------------------------------------------------------------------------------
# Generating and loading
# ---------------------------------------------------------------------------------------------------

COLUMNS = (
    "community_id",
    "lane_id",
    "device_id",
    "source",
    "external_id",
    "plate",
    "plate_raw",
    "plate_color",
    "plate_kind",
    "direction",
    "occurred_at",
    "received_at",
    "confidence",
    "decision",
    "reason",
    "decided_at",
    "gate_status",
    "gate_detail",
    "override",
    "override_reason",
    "overridden_by_id",
    "overridden_at",
    "visitor_pass_id",
    "alarm_id",
    "plate_picture",
    "scene_picture",
    "data",
)


@dataclass
class World:
    """The communities, lanes and plates the rows refer to."""

    communities: list[int]
    lanes: dict[int, list[tuple[int, str]]]  # community -> [(lane id, direction)]: main in/out, side in/out
    residents: dict[int, list[str]]
    start: dt.datetime  # midnight UTC of the first day
    end: dt.datetime  # the end of the last day: "now" for the searches


def build_world(cfg: Settings, end: dt.datetime) -> World:
    """Communities, lanes, a manager per community and the resident register (bulk, no services)."""
    rng = random.Random(cfg.seed)
    station, _ = PoliceStation.objects.get_or_create(code="bench-ps", defaults={"name": "基准派出所"})
    ids: list[int] = []
    lanes: dict[int, list[tuple[int, str]]] = {}
    residents: dict[int, list[str]] = {}
    for c in range(cfg.communities):
        community, _ = Community.objects.get_or_create(
            code=f"bench-veh-{c + 1}",
            defaults={
                "name": f"基准小区（车辆）{c + 1}",
                "police_station": station,
                "management_type": "property",
                "vehicle_retention_days": 90,
            },
        )
        ids.append(community.pk)
        rows = []
        for code, name, direction in (
            ("M-IN", "正门入口", "in"),
            ("M-OUT", "正门出口", "out"),
            ("S-IN", "侧门入口", "in"),
            ("S-OUT", "侧门出口", "out"),
        ):
            lane, _ = Lane.objects.get_or_create(
                community=community, code=code, defaults={"name": name, "direction": direction}
            )
            rows.append((lane.pk, direction))
        lanes[community.pk] = rows
        plates: list[str] = []
        seen: set[str] = set()
        while len(plates) < cfg.residents:
            p = new_plate(rng)
            if p not in seen:
                seen.add(p)
                plates.append(p)
        residents[community.pk] = plates
        ResidentVehicle.objects.bulk_create(
            [
                ResidentVehicle(
                    community=community,
                    plate=p,
                    plate_color=_kind(p)[1],
                    owner_name=f"业主{i}",
                    valid_from=(end - dt.timedelta(days=cfg.days + 365)).date(),
                )
                for i, p in enumerate(plates)
            ],
            ignore_conflicts=True,
        )
        user, _ = User.objects.get_or_create(username=f"bench-veh-manager-{c + 1}")
        Membership.objects.get_or_create(
            user=user, community=community, defaults={"role": RoleChoices.MANAGER}
        )
    start = end - dt.timedelta(days=cfg.days)
    return World(ids, lanes, residents, start, end)


def generate(
    cfg: Settings, world: World, seen: dict[tuple[int, str], list[int]]
) -> Iterator[list[tuple[Any, ...]]]:
    """One list of rows per day, in time order; `seen` collects (first, last) seconds per plate."""
    rng = random.Random(cfg.seed + 1)
    out_h, in_h, visit_h = _hour_sampler(_OUT_HOURS), _hour_sampler(_IN_HOURS), _hour_sampler(_VISIT_HOURS)
    per_day = cfg.rows / cfg.days / len(world.communities)
    recent = {c: deque[str](maxlen=5000) for c in world.communities}
    base = int(world.start.timestamp())
    made = 0
    serial = 0
    for day in range(cfg.days):
        midnight = base + day * 86400
        prefix = (world.start + dt.timedelta(days=day)).strftime("%Y-%m-%d ")
        events: list[tuple[int, int, str, int, str]] = []  # (second of day, community, plate, lane, kind)
        for c in world.communities:
            want = per_day
            if day == cfg.days - 1:  # the last day takes the rounding: exactly cfg.rows rows
                want = (cfg.rows - made) / (len(world.communities) - world.communities.index(c))
            n = int(want) + (1 if rng.random() < want - int(want) else 0)
            made += n
            lanes = world.lanes[c]
            residents = world.residents[c]
            resident_rows = int(n * 0.7)
            todo: list[tuple[int, int, str, int, str]] = []
            while len(todo) < resident_rows:
                plate = residents[int(len(residents) * rng.random() ** 1.6)]
                gate = 0 if rng.random() < 0.7 else 2
                t_out = rng.choice(out_h) * 3600 + rng.randrange(3600)
                t_in = rng.choice(in_h) * 3600 + rng.randrange(3600)
                if t_in < t_out:  # out for the night, or in first then out
                    todo.append((t_in, c, plate, lanes[gate][0], "rin"))
                    todo.append((t_out, c, plate, lanes[gate + 1][0], "rout"))
                else:
                    todo.append((t_out, c, plate, lanes[gate + 1][0], "rout"))
                    todo.append((t_in, c, plate, lanes[gate][0], "rin"))
            del todo[resident_rows:]
            while len(todo) < n:
                if recent[c] and rng.random() < 0.25:
                    plate = rng.choice(recent[c])
                else:
                    plate = new_plate(rng)
                    recent[c].append(plate)
                gate = 0 if rng.random() < 0.7 else 2
                t_in = rng.choice(visit_h) * 3600 + rng.randrange(3600)
                t_out = min(86399, t_in + rng.randrange(600, 4 * 3600))
                todo.append((t_in, c, plate, lanes[gate][0], "vin"))
                todo.append((t_out, c, plate, lanes[gate + 1][0], "vout"))
            del todo[n:]
            events += todo
        events.sort()
        rows: list[tuple[Any, ...]] = []
        for second, c, plate, lane, kind in events:
            serial += 1
            at = f"{prefix}{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            stamp = midnight + second
            key = (c, plate)
            span = seen.get(key)
            if span is None:
                seen[key] = [stamp, stamp]
            else:
                span[1] = stamp
            color_kind = _kind(plate)
            if kind == "rin":
                direction, decision, reason, gate_status = "in", "open", "resident", "sent"
            elif kind == "vin":
                r = rng.random()
                if r < 0.5:
                    direction, decision, reason, gate_status = "in", "open", "visitor_pass", "sent"
                elif r < 0.9:
                    direction, decision, reason, gate_status = "in", "ask", "unknown_vehicle", "not_needed"
                else:
                    direction, decision, reason, gate_status = "in", "deny", "residents_only", "not_needed"
            else:
                direction, decision, reason, gate_status = "out", "open", "exit", "sent"
            ext = f"B{serial}"
            pic = f"passages/{prefix[:4]}/{prefix[5:7]}/{prefix[8:10]}/{ext}"
            rows.append(
                (
                    c,
                    lane,
                    None,
                    "isapi",
                    ext,
                    plate,
                    plate,
                    color_kind[1],
                    color_kind[0],
                    direction,
                    at,
                    at,
                    round(0.85 + rng.random() * 0.15, 3),
                    decision,
                    reason,
                    at,
                    gate_status,
                    "200 OK" if gate_status == "sent" else "",
                    "",
                    "",
                    None,
                    None,
                    None,
                    None,
                    pic + "-plate.jpg",
                    pic + "-scene.jpg",
                    "{}",
                )
            )
        yield rows


def _passage_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the passage table's secondary indexes, to drop before the load."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='vehicles_passage' "
                "AND sql IS NOT NULL"
            )
        else:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename='vehicles_passage' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
            )
        return [(name, sql) for name, sql in cur.fetchall()]


def _pg_line(row: tuple[Any, ...]) -> str:
    return "\t".join(
        "\\N" if v is None else (v + "+00" if isinstance(v, str) and len(v) == 19 and v[4] == "-" else str(v))
        for v in row
    )


def load_rows(cfg: Settings, world: World, log: Callable[[str], None] = print) -> dict[str, float]:
    """Insert the passages and seen plates; returns timings (s)."""
    indexes = _passage_indexes()
    seen: dict[tuple[int, str], list[int]] = {}
    started = time.perf_counter()
    raw = connection.connection if connection.connection is not None else None
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    if connection.vendor == "sqlite":
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        sql = f"INSERT INTO vehicles_passage ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})"
        done = 0
        for rows in generate(cfg, world, seen):
            cur.execute("BEGIN")
            cur.executemany(sql, rows)
            cur.execute("COMMIT")
            done += len(rows)
            if done // 1_000_000 != (done - len(rows)) // 1_000_000:
                log(f"  {done:,} passages, {time.perf_counter() - started:.0f} s")
    else:
        with raw.cursor() as cur, raw.transaction():
            with contextlib.suppress(Exception), raw.transaction():  # not a superuser: keep the checks
                cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers for bench rows
            done = 0
            with cur.copy(f"COPY vehicles_passage ({columns}) FROM STDIN") as copy:
                for rows in generate(cfg, world, seen):
                    copy.write("\n".join(map(_pg_line, rows)) + "\n")
                    done += len(rows)
                    if done // 1_000_000 != (done - len(rows)) // 1_000_000:
                        log(f"  {done:,} passages, {time.perf_counter() - started:.0f} s")
    inserted = time.perf_counter()
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)
    indexed = time.perf_counter()
    _load_seen(raw, seen)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    finished = time.perf_counter()
    return {
        "insert": inserted - started,
        "index": indexed - inserted,
        "seen": finished - indexed,
        "total": finished - started,
        "seen_plates": float(len(seen)),
    }


def _load_seen(raw: Any, seen: dict[tuple[int, str], list[int]]) -> None:
    """The seen-plate rows `services._note_seen` would have written (first and last passage)."""

    def stamp(seconds: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))

    rows = [(c, p, stamp(first), stamp(last)) for (c, p), (first, last) in seen.items()]
    if connection.vendor == "sqlite":
        cur = raw.cursor()
        cur.execute("BEGIN")
        cur.executemany(
            "INSERT OR IGNORE INTO vehicles_seenplate (community_id, plate, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?)",
            rows,
        )
        cur.execute("COMMIT")
    else:
        with (
            raw.cursor() as cur,
            raw.transaction(),
            cur.copy("COPY vehicles_seenplate (community_id, plate, first_seen, last_seen) FROM STDIN") as cp,
        ):
            for i in range(0, len(rows), 100_000):
                cp.write("".join(f"{c}\t{p}\t{a}+00\t{b}+00\n" for c, p, a, b in rows[i : i + 100_000]))


def _use_kept_sqlite(cfg: Settings) -> tuple[Path, dict[str, Any] | None]:
    """Point the default connection at the kept file; return the file's description if it matches."""
    assert cfg.keep_dir is not None
    cfg.keep_dir.mkdir(parents=True, exist_ok=True)
    path = cfg.keep_dir / "anfang.sqlite3"  # the keep dir is the server's ANFANG_DATA_DIR too
    if not path.exists() and (cfg.keep_dir / "vehicles.sqlite3").exists():  # the first runs' name
        for suffix in ("", "-wal", "-shm"):
            old = cfg.keep_dir / f"vehicles.sqlite3{suffix}"
            if old.exists():
                old.rename(f"{path}{suffix}")
    meta_path = cfg.keep_dir / "vehicles.json"
    wanted = {"version": FORMAT_VERSION, "rows": cfg.rows, "days": cfg.days, "communities": cfg.communities}
    wanted |= {"residents": cfg.residents, "seed": cfg.seed}
    meta: dict[str, Any] | None = None
    if meta_path.exists() and path.exists():
        meta = json.loads(meta_path.read_text())
        if any(meta.get(k) != v for k, v in wanted.items()):
            meta = None
    if meta is None:
        meta_path.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    connection.close()
    dj_settings.DATABASES["default"]["NAME"] = str(path)
    connection.settings_dict["NAME"] = str(path)
    call_command("migrate", verbosity=0)
    return path, meta


def prepare(cfg: Settings, log: Callable[[str], None] = print) -> tuple[World, dict[str, Any]]:
    """The world and its data: loaded now, or kept from an earlier run of the same size (SQLite)."""
    meta: dict[str, Any] | None = None
    if connection.vendor == "sqlite" and cfg.keep_dir is not None:
        _path, meta = _use_kept_sqlite(cfg)
    if meta is not None:
        end = dt.datetime.fromisoformat(meta["end"])
        world = build_world(cfg, end)
        meta["kept"] = True
        return world, meta
    end = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    world = build_world(cfg, end)
    log(f"loading {cfg.rows:,} passages …")
    timings = load_rows(cfg, world, log)
    meta = {
        "version": FORMAT_VERSION,
        "rows": cfg.rows,
        "days": cfg.days,
        "communities": cfg.communities,
        "residents": cfg.residents,
        "seed": cfg.seed,
        "end": end.isoformat(),
        "timings": timings,
        "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if connection.vendor == "sqlite" and cfg.keep_dir is not None:
        (cfg.keep_dir / "vehicles.json").write_text(json.dumps(meta, indent=1))
    meta["kept"] = False
    return world, meta


# ---------------------------------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------------------------------


def partial_patterns(rng: random.Random, count: int) -> list[str]:
    """Patterns a guard types from a half-read plate: H1*3, 辽H8*, *123, 辽H?88* and the like."""
    d = lambda k=1: "".join(rng.choices(DIGITS, k=k))  # noqa: E731
    makers = [
        lambda: f"H{d()}*{d()}",
        lambda: f"辽H{d()}*",
        lambda: f"*{d(3)}",
        lambda: f"辽H?{d(2)}*",
        lambda: f"辽H{d(2)}*",
        lambda: f"*{d(2)}{rng.choice('DF')}",
        lambda: f"{rng.choice('ABC')}{d()}*{d(2)}",
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def search(cfg: Settings, world: World) -> tuple[Rows, dict[str, str]]:
    """Exact and partial searches as the manager of the first community."""
    rng = random.Random(cfg.seed + 2)
    community = world.communities[0]
    user = User.objects.get(username="bench-veh-manager-1")
    residents = world.residents[community]
    visitors = list(
        SeenPlate.objects.filter(community_id=community, last_seen__gte=world.end - dt.timedelta(days=90))
        .exclude(plate__in=residents[:1000])
        .order_by("?")
        .values_list("plate", flat=True)[: max(50, cfg.queries)]
    )
    exact = [
        rng.choice(residents) if rng.random() < 0.7 or not visitors else rng.choice(visitors)
        for _ in range(cfg.queries)
    ]
    since90 = world.end - dt.timedelta(days=90)
    since30 = world.end - dt.timedelta(days=30)

    def run(plate: str, since: dt.datetime) -> int:
        return len(list(services.search_passages(user, plate=plate, since=since)[:PAGE]))

    for plate in exact[:5]:  # warm the caches the way a running server has them
        run(plate, since90)
    exact_times: list[float] = []
    exact_found = 0
    for plate in exact:
        took, found = _time(functools.partial(run, plate, since90))
        exact_times.append(took)
        exact_found += found
    patterns = partial_patterns(rng, cfg.queries)
    partial_times: list[float] = []
    by_shape: dict[str, list[float]] = {}
    partial_found = 0
    for pattern in patterns:
        took, found = _time(functools.partial(run, pattern, since30))
        partial_times.append(took)
        partial_found += found
        shape = "".join("d" if ch.isdigit() else ch for ch in pattern)
        by_shape.setdefault(shape, []).append(took)
    worst = max(by_shape.items(), key=lambda kv: load.percentile(kv[1], 95))
    plans = {
        "exact": services.search_passages(user, plate=exact[0], since=since90)[:PAGE].explain(),
        "partial": services.search_passages(user, plate="H1*3", since=since30)[:PAGE].explain(),
    }
    rows: Rows = [
        (
            f"exact plate, 90 days, first {PAGE} (target p95 < 20 ms)",
            f"{load.summary_ms(exact_times)}; {exact_found / len(exact):.0f} rows a page on average",
        ),
        (
            f"partial plate, 30 days, first {PAGE} (target p95 < 300 ms)",
            f"{load.summary_ms(partial_times)}; {partial_found / len(patterns):.0f} rows a page on average; "
            f"slowest shape `{worst[0]}` p95 {load.percentile(worst[1], 95) * 1000:.0f} ms",
        ),
    ]
    return rows, plans


# ---------------------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------------------


def _photos() -> list[Picture]:
    """Real scene photos of 30–80 kB (fallback: random bytes of that size behind a JPEG header)."""
    found = (
        sorted(p for p in SCENES.glob("*.jpg") if 30_000 <= p.stat().st_size <= 80_000)
        if SCENES.is_dir()
        else []
    )
    if found:
        return [Picture(p.name, "image/jpeg", p.read_bytes()) for p in found[:20]]
    rng = random.Random(3)
    return [Picture(f"s{i}.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + rng.randbytes(50_000)) for i in range(4)]


def ingest(cfg: Settings, world: World, mode: str = "inprocess") -> Rows:
    """Plate events at the asked rate from threads: `POST /api/v1/passages` to a running `anfang serve`
    (mode "http", device tokens, base64 photos), or `services.record_passage` in this process."""
    from anfang.integrations.gates.simulator import SimulatedBarrier

    community = world.communities[0]
    lanes = list(Lane.objects.filter(community_id=community).order_by("code"))  # M-IN, M-OUT, S-IN, S-OUT
    barriers: dict[int, SimulatedBarrier] = {}
    for lane in lanes[:2]:  # the main gate has barriers, the side gate only cameras
        sim = SimulatedBarrier(username="admin", password="pw").start()
        barriers[lane.pk] = sim
        Lane.objects.filter(pk=lane.pk).update(
            barrier_url=f"http://127.0.0.1:{sim.port}", barrier_username="admin", barrier_password="pw"
        )
    for lane in lanes[2:]:
        Lane.objects.filter(pk=lane.pk).update(barrier_url="")
    devices = []
    for i, lane in enumerate(lanes):
        device, _ = Device.objects.get_or_create(
            community_id=community,
            code=f"VEH-CAM-{i + 1}",
            defaults={
                "name": f"车牌识别摄像机{i + 1}",
                "subsystem": "parking",
                "kind": "camera",
                "status": DeviceStatusChoices.IN_SERVICE,
                "network_address": f"10.6.0.{i + 1}",
            },
        )
        Lane.objects.filter(pk=lane.pk).update(camera=device)
        devices.append(device)
    lanes = list(Lane.objects.filter(community_id=community).order_by("code"))
    tokens = [ApiToken.issue(name=f"bench {d.code}", device=d)[1] for d in devices]
    server: load.Process | None = None
    clients: list[httpx.Client] = []
    if mode == "http":
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if connection.vendor == "sqlite":
            env["ANFANG_DATA_DIR"] = str(Path(connection.settings_dict["NAME"]).parent)
        port = load.free_port()
        argv = [_anfang(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(cfg.web_workers)]
        log_path = Path(tempfile.mkdtemp(prefix="anfang-bench-veh-")) / "web.log"
        server = load.Process("web", argv, env, log_path, port=port).start()
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) for _ in range(cfg.threads)]
    first_new = (Passage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    photos = _photos()
    b64 = {p.name: base64.b64encode(p.data).decode() for p in photos}
    rng = random.Random(cfg.seed + 3)
    residents = world.residents[community]
    total = cfg.rate * cfg.seconds
    run_id = f"{time.time():.0f}"
    plan = []
    for i in range(total):
        plate = rng.choice(residents) if rng.random() < 0.8 else new_plate(rng)
        plan.append((i, i % 4, plate))
    sent: dict[int, float] = {}
    decided: list[float] = []
    results: dict[int, tuple[int, int, str]] = {}  # event -> (passage id, lane index, gate status)
    errors: list[str] = []
    lock = threading.Lock()
    t0 = time.perf_counter() + 0.5

    def worker(part: int) -> None:
        try:
            for i, lane_no, plate in plan[part :: cfg.threads]:
                due = t0 + i / cfg.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                a, b = photos[i % len(photos)], photos[(i + 7) % len(photos)]
                read = services.PlateRead(
                    source="api",
                    external_id=f"bench-{run_id}-{i}",
                    plate=plate,
                    occurred_at=dt.datetime.now(dt.UTC),
                    plate_color="蓝",
                    confidence=0.97,
                    plate_picture=a,
                    scene_picture=b,
                )
                body = b""
                if mode == "http":
                    body = json.dumps(
                        {
                            "device": devices[lane_no].code,
                            "external_id": read.external_id,
                            "plate": plate,
                            "plate_color": "蓝",
                            "occurred_at": read.occurred_at.isoformat(),
                            "confidence": 0.97,
                            "pictures": [
                                {"kind": "plate", "name": a.name, "data": b64[a.name]},
                                {"kind": "scene", "name": b.name, "data": b64[b.name]},
                            ],
                        }
                    ).encode()
                start = time.perf_counter()
                try:
                    if mode == "http":
                        answer = clients[part].post(
                            "/api/v1/passages",
                            content=body,
                            headers={
                                "Authorization": f"Bearer {tokens[lane_no]}",
                                "Content-Type": "application/json",
                            },
                        )
                        if answer.status_code != 202:
                            raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:80]}")
                        got = answer.json()
                        pid, decision = int(got["id"]), str(got["decision"])
                    else:
                        res = services.record_passage(read, device=devices[lane_no], lane=lanes[lane_no])
                        pid, decision = res.id, res.decision
                except Exception as exc:  # counted and reported
                    with lock:
                        errors.append(repr(exc))
                    continue
                took = time.perf_counter() - start
                with lock:
                    sent[i] = start
                    decided.append(took)
                    results[i] = (pid, lane_no, decision)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(cfg.threads)]
    web_pid = server.proc.pid if server is not None and server.proc is not None else 0
    cpu_before = load.cpu_seconds(web_pid) if web_pid else 0.0
    began = time.perf_counter()
    if cfg.threads == 1:  # in the caller's thread (the tests' in-memory database)
        worker(0)
    else:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - began
    cpu_ms = 0.0
    if web_pid:
        cpu_ms = (load.cpu_seconds(web_pid) - cpu_before) * 1000 / max(len(decided), 1)
    waited = time.perf_counter()
    while time.perf_counter() - waited < 120:  # let the gate dispatcher finish the queue
        if not Passage.objects.filter(pk__gte=first_new, gate_status="pending").exists():
            break
        time.sleep(0.5)
    drained = time.perf_counter() - began
    # Barrier latency: the dispatcher sends in commit order; per barrier, commands match opened passages
    # in id order.
    barrier_lat: list[float] = []
    wall = time.time() - time.perf_counter()
    for lane_pk, sim in barriers.items():
        lane_no = next(k for k, lane in enumerate(lanes) if lane.pk == lane_pk)
        opened = sorted(
            (pid, i) for i, (pid, ln, decision) in results.items() if ln == lane_no and decision == "open"
        )
        cmds = sim.commands
        for (_pid, i), (_cmd, _ch, at) in zip(opened, cmds, strict=False):
            barrier_lat.append(at.timestamp() - (sent[i] + wall))
        sim.stop()
    for client in clients:
        client.close()
    if server is not None:
        server.stop()
    stored = Passage.objects.filter(pk__gte=first_new).count()
    statuses = dict(
        Passage.objects.filter(pk__gte=first_new, gate_status__in=["sent", "failed", "pending"])
        .values_list("gate_status")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk"))
        .values_list("gate_status", "n")
    )
    # Leave the kept data as it was loaded.
    with transaction.atomic():
        Visit.objects.filter(community_id=community, entry_id__gte=first_new).delete()
        Visit.objects.filter(community_id=community, exit_id__gte=first_new).delete()
        Passage.objects.filter(pk__gte=first_new).delete()
    shutil.rmtree(Path(dj_settings.MEDIA_ROOT) / "passages", ignore_errors=True)
    if mode == "http" and connection.vendor == "sqlite":
        shutil.rmtree(
            Path(connection.settings_dict["NAME"]).parent / "media" / "passages", ignore_errors=True
        )
    size = sum(len(p.data) for p in photos) // len(photos) // 1000
    return [
        (
            f"ingest {cfg.rate} plate events/s × {cfg.seconds} s, 2 photos each (~{size} kB), "
            + (
                f"{cfg.threads} threads → `POST /api/v1/passages` "
                f"(`anfang serve --workers {cfg.web_workers}`)"
                if mode == "http"
                else f"{cfg.threads} threads calling `record_passage` in process"
            ),
            f"{len(decided):,} of {total:,} stored ({stored:,} rows) in {elapsed:.1f} s "
            f"({len(decided) / elapsed:.0f}/s), {len(errors)} errors"
            + (f" (first: {errors[0][:80]})" if errors else "")
            + (f"; CPU time per passage: web {cpu_ms:.1f} ms (barrier commands included)" if server else ""),
        ),
        (f"{mode}: plate → gate decision stored (target p99 < 200 ms)", load.summary_ms(decided)),
        (
            f"{mode}: plate → barrier holds the open command (2 lanes with SimulatedBarrier)",
            f"{load.summary_ms(barrier_lat)}; gate status {statuses}; queue drained {drained:.0f} s "
            "after the first event",
        ),
    ]


# ---------------------------------------------------------------------------------------------------


def run(cfg: Settings | None = None, log: Callable[[str], None] = print) -> Rows:
    cfg = cfg or Settings()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request costs the senders' CPU
    started = time.perf_counter()
    world, meta = prepare(cfg, log)
    rows: Rows = []
    t = meta.get("timings", {})
    how = "kept from an earlier run" if meta.get("kept") else "loaded this run"
    rows.append(
        (
            f"vehicle data: {cfg.rows:,} passages, {cfg.days} days, {cfg.communities} communities × 4 lanes",
            f"{how}; load {t.get('total', 0):.0f} s (insert {t.get('insert', 0):.0f} s, indexes "
            f"{t.get('index', 0):.0f} s, {t.get('seen_plates', 0):,.0f} seen plates "
            f"{t.get('seen', 0):.0f} s)",
        )
    )
    search_rows, plans = search(cfg, world)
    for name, plan in plans.items():
        log(f"plan ({name}):\n{plan}")
    rows += search_rows
    for mode in cfg.ingest:
        rows += ingest(cfg, world, mode)
    log(f"vehicles: {time.perf_counter() - started:.0f} s")
    return rows
