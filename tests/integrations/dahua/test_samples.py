"""Every real Dahua sample in ../shared/fixtures/protocols/dahua parses to what INDEX.md says."""

from __future__ import annotations

import datetime as dt

from anfang.integrations import events
from anfang.integrations.dahua import EventStreamParser, parse_event_block, to_device_event
from tests.support.shared_data import protocol_fixture

RECEIVED = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)


def test_humantrait_stop_from_wizmind() -> None:
    event = parse_event_block(protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt"))
    assert (event.code, event.action, event.index) == ("HumanTrait", "Stop", 14)
    assert event.data["Name"] == "PortraitDetection"
    assert event.event_id == 10231
    assert event.locale_time == "2022-08-13 21:26:33"
    assert event.data["UTC"] == 1660425993
    assert event.occurred_at == dt.datetime(2022, 8, 13, 21, 26, 33, tzinfo=dt.UTC)
    assert event.data["Objects"][0]["ObjectType"] == "Human"
    assert event.data["Objects"][0]["ObjectID"] == 42840
    device_event = to_device_event(event, device_code="NVR-1", received_at=RECEIVED)
    assert (device_event.type, device_event.restore, device_event.zone) == (events.MOTION, True, "14")
    assert device_event.source == "dahua" and device_event.vendor_code == "HumanTrait"
    assert device_event.text == "PortraitDetection"


def test_smart_motion_human_start_with_device_spelling() -> None:
    event = parse_event_block(protocol_fixture("dahua/eventmanager_smartmotionhuman.txt"))
    assert (event.code, event.action, event.index) == ("SmartMotionHuman", "Start", 0)
    assert event.data["RegionName"] == ["Region1"]
    assert event.data["object"][0]["HumamID"] == 542  # sic: the device spells it so
    assert event.data["object"][0]["Rect"] == [2072, 1808, 3440, 8184]
    assert event.occurred_at is None  # the block has no time: the receive time stands in
    device_event = to_device_event(event, device_code="IPC-1", received_at=RECEIVED)
    assert (device_event.type, device_event.restore, device_event.alarmable) == (events.MOTION, False, False)


def test_the_same_block_seen_twice_is_a_duplicate_when_it_has_its_own_time() -> None:
    body = protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt")
    first = to_device_event(parse_event_block(body), device_code="N", received_at=RECEIVED)
    later = RECEIVED + dt.timedelta(seconds=30)
    again = to_device_event(parse_event_block(body), device_code="N", received_at=later)
    assert first.external_id == again.external_id


def test_a_timeless_block_happening_again_is_a_new_event() -> None:
    body = protocol_fixture("dahua/eventmanager_smartmotionhuman.txt")
    first = to_device_event(parse_event_block(body), device_code="I", received_at=RECEIVED)
    later = RECEIVED + dt.timedelta(seconds=30)
    again = to_device_event(parse_event_block(body), device_code="I", received_at=later)
    assert first.external_id != again.external_id


def test_real_samples_inside_a_crlf_multipart_stream() -> None:
    """The samples were posted without their multipart headers; wrapped as the device sends them."""
    parts = [
        protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt").replace(b"\n", b"\r\n"),
        protocol_fixture("dahua/eventmanager_smartmotionhuman.txt").replace(b"\n", b"\r\n"),
    ]
    stream = b"".join(
        b"--myboundary\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n" % (len(p), p)
        for p in parts
    )
    parser = EventStreamParser()
    got = [event for i in range(0, len(stream), 7) for event in parser.feed(stream[i : i + 7])]
    assert [(e.code, e.action, e.index) for e in got] == [
        ("HumanTrait", "Stop", 14),
        ("SmartMotionHuman", "Start", 0),
    ]
    assert parser.take_rejected() == []
