"""Random bytes raise only `DahuaFormatError`; the stream parser never raises and loses nothing."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anfang.integrations.dahua import (
    DahuaEvent,
    DahuaFormatError,
    EventStreamParser,
    parse_event_block,
    parse_event_blocks,
    to_device_event,
)
from tests.support.shared_data import protocol_fixture

RECEIVED = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)
SAMPLES = [
    protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt"),
    protocol_fixture("dahua/eventmanager_smartmotionhuman.txt"),
    b"Code=VideoMotion;action=Start;index=0",
    b"Heartbeat",
]


def parse_or_typed_error(data: bytes | str) -> None:
    try:
        events = parse_event_blocks(data)
    except DahuaFormatError:
        return
    for event in events:
        assert isinstance(event, DahuaEvent)
        to_device_event(event, device_code="FUZZ", received_at=RECEIVED)  # what parsed must also map


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=1024))
def test_random_bytes_raise_only_the_library_error(data: bytes) -> None:
    parse_or_typed_error(data)


@settings(max_examples=300)
@given(tail=st.text(max_size=200))
def test_random_text_after_a_code_raises_only_the_library_error(tail: str) -> None:
    parse_or_typed_error("Code=VideoMotion;" + tail)
    with contextlib.suppress(DahuaFormatError):
        parse_event_block("Code=VideoMotion;action=Start;index=0;data=" + tail)


@settings(max_examples=200)
@given(data=st.data())
def test_damaged_samples_raise_only_the_library_error(data: st.DataObject) -> None:
    sample = data.draw(st.sampled_from(SAMPLES))
    at = data.draw(st.integers(0, len(sample)))
    cut = data.draw(st.integers(0, len(sample)))
    noise = data.draw(st.binary(max_size=8))
    parse_or_typed_error(sample[:at] + noise + sample[at:cut])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.binary(max_size=200), max_size=20), boundary=st.booleans())
def test_the_stream_parser_never_raises_on_random_bytes(chunks: list[bytes], boundary: bool) -> None:
    parser = EventStreamParser(max_part_size=2000)
    for chunk in chunks:
        prefix = b"--myboundary\r\n" if boundary else b""
        for event in parser.feed(prefix + chunk):
            assert isinstance(event, DahuaEvent)
        assert parser.buffered <= 2000
    parser.flush()
    assert all(isinstance(r, DahuaFormatError) for r in parser.take_rejected())


@settings(max_examples=200)
@given(data=st.data())
def test_any_chunking_of_a_valid_stream_gives_the_same_events(data: st.DataObject) -> None:
    bodies = data.draw(st.lists(st.sampled_from(SAMPLES), min_size=1, max_size=5))
    stream = b"".join(
        b"--myboundary\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n" % (len(b), b)
        for b in bodies
    )
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    parser = EventStreamParser()
    got: list[str] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += [f"{e.code}/{e.action}/{e.index}" for e in parser.feed(stream[start:end])]
    expected = [f"{e.code}/{e.action}/{e.index}" for b in bodies for e in parse_event_blocks(b)]
    assert got == expected
    assert parser.take_rejected() == []


@settings(max_examples=300)
@given(body=st.binary(max_size=300), content_type=st.text(max_size=60))
def test_sniffing_and_reading_a_pushed_body_never_raises(body: bytes, content_type: str) -> None:
    parser = EventStreamParser.sniff(b"--" + body, content_type)
    parser.feed(b"--" + body)
    parser.flush()
    assert all(isinstance(r, DahuaFormatError) for r in parser.take_rejected())
