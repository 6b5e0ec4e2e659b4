"""The vehicle benchmark at a tiny size: its data must look like what the services write, or it lies."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from anfang.vehicles import plates
from bench import vehicles


def test_plates_follow_the_local_mix() -> None:
    rng = random.Random(1)
    sample = [vehicles.new_plate(rng) for _ in range(20_000)]
    prefixes = Counter(p[:2] for p in sample)
    assert prefixes["辽H"] / len(sample) > 0.55  # 营口 first
    assert prefixes["辽A"] + prefixes["辽B"] > 0.05 * len(sample)
    assert sum(n for k, n in prefixes.items() if not k.startswith("辽")) < 0.12 * len(sample)
    new_energy = sum(1 for p in sample if len(p) == 8) / len(sample)
    assert 0.12 < new_energy < 0.18
    for plate in sample[:2000]:  # what the services would have stored for that read
        parsed = plates.parse(plate)
        assert parsed.text == plate
        assert (str(parsed.kind), str(parsed.color)) == vehicles._kind(plate)


def test_partial_patterns_are_real_partial_searches() -> None:
    patterns = vehicles.partial_patterns(random.Random(2), 70)
    assert all("*" in p or "?" in p for p in patterns)
    assert plates.matches(patterns[0], "辽H12343") or not plates.matches(patterns[0], "辽H00000")


@pytest.mark.django_db(transaction=True)
def test_tiny_run_loads_searches_and_ingests(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    from anfang.vehicles import services
    from anfang.vehicles.models import Passage, SeenPlate

    settings.MEDIA_ROOT = str(tmp_path)
    # one thread: the in-memory test database is not shared with other threads' connections
    monkeypatch.setattr(services.dispatcher, "synchronous", True)
    cfg = vehicles.Settings(
        rows=3000,
        days=10,
        communities=2,
        residents=40,
        queries=10,
        seconds=1,
        rate=20,
        threads=1,
        ingest=("inprocess",),
    )
    cfg.keep_dir = None
    world, meta = vehicles.prepare(cfg, log=lambda _m: None)
    assert Passage.objects.count() == 3000
    assert meta["kept"] is False
    assert set(Passage.objects.values_list("community_id", flat=True).distinct()) == set(world.communities)
    # every plate has the seen-plate row the services keep, with its first and last passage
    assert SeenPlate.objects.count() == Passage.objects.values("community_id", "plate").distinct().count()
    one = Passage.objects.order_by("?").first()
    assert one is not None
    seen = SeenPlate.objects.get(community_id=one.community_id, plate=one.plate)
    assert seen.first_seen <= one.occurred_at <= seen.last_seen
    assert world.start <= one.occurred_at < world.end
    # residents make most passages
    residents = set(world.residents[world.communities[0]])
    mine = Passage.objects.filter(community_id=world.communities[0])
    assert mine.filter(plate__in=residents).count() > 0.6 * mine.count()

    rows, plans = vehicles.search(cfg, world)
    assert [name.split(",")[0] for name, _ in rows] == ["exact plate", "partial plate"]
    assert all("n=10" in value for _, value in rows)
    assert "vehicles_passage" in plans["exact"]  # the query plan is printed with the results

    ingest_rows = vehicles.ingest(cfg, world, "inprocess")
    assert "20 of 20 stored" in ingest_rows[0][1]
    assert "0 errors" in ingest_rows[0][1]
    assert "gate status {'sent'" in ingest_rows[2][1]  # the simulated barriers were told to open
    assert Passage.objects.count() == 3000  # the ingest's rows are removed again
