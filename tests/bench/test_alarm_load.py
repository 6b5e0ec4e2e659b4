"""The alarm benchmark's own pieces: a wrong percentile, SSE parser or load mix would make its numbers lie."""

from __future__ import annotations

import math
import os
import threading
import time

import pytest

from bench import alarm_load as load


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert load.percentile(values, 50) == 50
    assert load.percentile(values, 99) == 99
    assert load.percentile(values, 100) == 100
    assert load.percentile([7.0], 99) == 7.0
    assert math.isnan(load.percentile([], 50))


def test_summary_in_milliseconds() -> None:
    assert load.summary_ms([0.010, 0.020, 0.030]) == "p50 20 ms, p95 30 ms, p99 30 ms, max 30 ms (n=3)"
    assert load.summary_ms([]) == "no samples"


def test_sse_messages_are_split_at_blank_lines_and_comments_ignored() -> None:
    lines = [
        "retry: 2000",
        "",
        "event: snapshot",
        "id: 118",
        'data: {"cursor": 118, "alarms": []}',
        "",
        ": keep-alive",
        "",
        "event: alarm",
        'data: {"id": 7}',
        "",
        "event: alarm",
        "id: 121",
        'data: {"id": 8,',
        'data: "x": 1}',
        "",
    ]
    messages = list(load.parse_sse(lines))
    assert [(m.event, m.id) for m in messages] == [("snapshot", "118"), ("alarm", "118"), ("alarm", "121")]
    assert messages[2].data == '{"id": 8,\n"x": 1}'


def test_an_unfinished_sse_message_is_not_delivered() -> None:
    assert list(load.parse_sse(["event: alarm", 'data: {"id": 1}'])) == []


def test_planned_stream_mixes_repeats_and_garbage_in_the_asked_proportions() -> None:
    plan = load.plan_stream(20_000, 50, duplicates=0.10, malformed=0.02, seed=1)
    kinds = {k: sum(1 for p in plan if p.kind == k) for k in ("valid", "duplicate", "malformed")}
    assert abs(kinds["duplicate"] / len(plan) - 0.10) < 0.01
    assert abs(kinds["malformed"] / len(plan) - 0.02) < 0.005
    valid = [p for p in plan if p.kind == "valid"]
    assert len({(p.device, p.external_id) for p in valid}) == len(valid), "valid events are all distinct"
    seen: set[tuple[int, str]] = set()
    for p in plan:
        if p.kind == "valid":
            seen.add((p.device, p.external_id))
        elif p.kind == "duplicate":
            assert (p.device, p.external_id) in seen, "a repeat repeats an event sent before it"
        else:
            assert p.malformed and not p.external_id


def test_planned_stream_is_reproducible() -> None:
    assert load.plan_stream(500, 5, seed=3) == load.plan_stream(500, 5, seed=3)


def test_paced_sending_keeps_the_rate_and_retries_until_acknowledged() -> None:
    failures = {3: 2}  # send 3 fails twice, then succeeds
    lock = threading.Lock()

    def send(i: int) -> tuple[bool, int]:
        with lock:
            if failures.get(i):
                failures[i] -= 1
                raise ConnectionError("down")
        return True, i * 10

    started = time.monotonic()
    sent = load.paced(40, 200, send, threads=4, retry_for=5)
    elapsed = time.monotonic() - started
    assert all(s.ok for s in sent)
    assert [s.result for s in sent] == [i * 10 for i in range(40)]
    assert sent[3].attempts == 3
    assert elapsed >= 39 / 200, "the 40th send is not due before 195 ms"
    due = [s.due for s in sent]
    assert due == sorted(due) and due[-1] - due[0] == pytest.approx(39 / 200)


def test_paced_sending_stops_when_out_of_time() -> None:
    sent = load.paced(1000, 100, lambda i: (True, None), threads=2, max_seconds=0.2)
    done = [s for s in sent if s.attempts]
    assert 5 < len(done) < 1000
    assert all(s.error == "not sent: out of time" for s in sent if not s.attempts)
    assert load.achieved_rate(sent) > 0


def test_cpu_time_of_a_process_group() -> None:
    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc")
    before = load.cpu_seconds(os.getpgrp())
    end = time.process_time() + 0.1
    while time.process_time() < end:
        pass
    assert load.cpu_seconds(os.getpgrp()) >= before + 0.05
