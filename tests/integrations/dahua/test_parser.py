"""Dahua blocks and streams built from Dahua's HTTP API document, the stream's quirks, and bad input.

No real ITC traffic sample was found (INDEX.md "Coverage and gaps"): the TrafficJunction messages here
are BUILT FROM THE DOCUMENT (Dahua HTTP API, eventManager.cgi?action=attach and the TrafficJunction
event data: TrafficCar.PlateNumber/PlateColor/PlateType/VehicleColor, Object with ObjectType "Plate" and
Text, Vehicle.Category, Lane, JunctionDirection, UTC/UTCMS, newer firmware's RealUTC), not captured.
"""

from __future__ import annotations

import datetime as dt

import pytest

from anfang.integrations import events
from anfang.integrations.dahua import (
    DahuaFormatError,
    EventStreamParser,
    event_type_for,
    parse_event_block,
    parse_event_blocks,
    to_device_event,
)

RECEIVED = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)

# Built from the document (Dahua HTTP API, TrafficJunction event data) — not a device capture.
TRAFFIC_JUNCTION = """Code=TrafficJunction;action=Pulse;index=0;data={
   "Class" : "Traffic",
   "CountInGroup" : 1,
   "EventID" : 516,
   "GroupID" : 175706653,
   "IndexInGroup" : 1,
   "JunctionDirection" : "Obverse",
   "Lane" : 2,
   "LocaleTime" : "2026-11-27 09:00:05",
   "Name" : "TrafficJunction0",
   "Object" : {
      "Action" : "Appear",
      "BoundingBox" : [ 4544, 5120, 5056, 5312 ],
      "Category" : "Normal",
      "Confidence" : 198,
      "ObjectID" : 5995,
      "ObjectType" : "Plate",
      "Text" : "辽H12345"
   },
   "TrafficCar" : {
      "Event" : "TrafficJunction",
      "Lane" : 2,
      "PlateColor" : "Blue",
      "PlateNumber" : "辽H12345",
      "PlateType" : "Normal",
      "Speed" : 12,
      "VehicleColor" : "White"
   },
   "UTC" : 1795770005,
   "UTCMS" : 305,
   "Vehicle" : {
      "Category" : "Passenger car",
      "ObjectType" : "Vehicle"
   }
}
"""


def stream(*bodies: bytes, content_length: bool = True, newline: bytes = b"\r\n") -> bytes:
    out = b""
    for body in bodies:
        out += b"--myboundary" + newline + b"Content-Type: text/plain" + newline
        if content_length:
            out += b"Content-Length: %d" % len(body) + newline
        out += newline + body + newline
    return out


def feed_in_chunks(data: bytes, size: int, parser: EventStreamParser | None = None) -> list[tuple[str, str]]:
    parser = parser or EventStreamParser()
    got = []
    for i in range(0, len(data), size):
        got += [(e.code, e.action) for e in parser.feed(data[i : i + size])]
    return got


# --- ITC traffic (built from the document) -----------------------------------------------------------


def test_traffic_junction_plate_fields() -> None:
    event = parse_event_block(TRAFFIC_JUNCTION)
    assert event.is_traffic and event.is_anpr
    assert (event.code, event.action, event.index, event.event_id) == ("TrafficJunction", "Pulse", 0, 516)
    # "UTC" is the local wall time (LocaleTime 09:00:05 in Beijing) counted as if it were UTC: a known
    # firmware quirk. Kept as the device said; the Django side flags the drift.
    assert event.occurred_at == dt.datetime(2026, 11, 27, 9, 0, 5, 305000, tzinfo=dt.UTC)
    plate = event.plate
    assert plate is not None
    assert (plate.plate, plate.plate_color, plate.plate_type) == ("辽H12345", "blue", "Normal")
    assert (plate.vehicle_color, plate.vehicle_type, plate.confidence) == ("White", "Passenger car", 198)
    assert (plate.direction, plate.lane) == ("Obverse", 2)
    device_event = to_device_event(event, device_code="GATE-N", received_at=RECEIVED)
    assert device_event.type == events.OTHER  # the vehicles app takes plate reads
    assert device_event.data["plate"]["plate"] == "辽H12345"
    assert not device_event.restore  # Pulse is a one-off, not a start/stop half


def test_traffic_plate_only_in_the_plate_object_and_real_utc_preferred() -> None:
    """Newer firmware: no TrafficCar plate, RealUTC beside a local-time UTC (as in the document)."""
    block = (
        'Code=TrafficJunction;action=Pulse;index=1;data={"Object": {"ObjectType": "Plate", '
        '"Text": "京A00001", "Confidence": "90"}, "UTC": 1795770005, "RealUTC": 1795741205, '
        '"TrafficCar": ["not", "an", "object"], "Lane": "x"}'
    )
    event = parse_event_block(block)
    assert event.plate is not None
    assert (event.plate.plate, event.plate.confidence, event.plate.lane) == ("京A00001", 90, None)
    assert event.occurred_at == dt.datetime(2026, 11, 27, 1, 0, 5, tzinfo=dt.UTC)


def test_traffic_event_without_a_plate_is_kept_with_an_empty_plate() -> None:
    event = parse_event_block("Code=TrafficParking;action=Start;index=0;data={}")
    assert event.plate is not None and event.plate.plate == ""


def test_non_traffic_event_has_no_plate() -> None:
    assert parse_event_block("Code=VideoMotion;action=Start;index=0").plate is None


# --- blocks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("VideoMotion", events.MOTION),
        ("SmartMotionHuman", events.MOTION),
        ("SmartMotionVehicle", events.MOTION),
        ("HumanTrait", events.MOTION),
        ("CrossLineDetection", events.PERIMETER),
        ("CrossRegionDetection", events.INTRUSION),
        ("AlarmLocal", events.INTRUSION),
        ("VideoBlind", events.TAMPER),
        ("VideoLoss", events.DEVICE_FAULT),
        ("StorageFailure", events.DEVICE_FAULT),
        ("Heartbeat", events.HEARTBEAT),
        ("TrafficJunction", events.OTHER),
        ("NewFile", events.OTHER),
    ],
)
def test_code_mapping(code: str, expected: str) -> None:
    assert event_type_for(code) == expected
    event = parse_event_block(f"Code={code};action=Start;index=3")
    device_event = to_device_event(event, device_code="X", received_at=RECEIVED)
    assert (device_event.type, device_event.zone) == (expected, "3")


def test_stop_is_a_restore() -> None:
    event = parse_event_block("Code=AlarmLocal;action=Stop;index=1\r\n")
    device_event = to_device_event(event, device_code="X", received_at=RECEIVED)
    assert (device_event.type, device_event.restore, device_event.alarmable) == (
        events.INTRUSION,
        True,
        False,
    )


def test_heartbeat_block() -> None:
    event = parse_event_block(b"Heartbeat\r\n")
    assert event.is_heartbeat
    assert to_device_event(event, device_code="X", received_at=RECEIVED).type == events.HEARTBEAT


def test_keys_in_any_case_extra_pairs_kept_and_data_with_semicolons() -> None:
    event = parse_event_block('code=CrossLineDetection;Action=Start;INDEX=2;Param=x;data={"Name": "a;b=c"}')
    assert (event.code, event.action, event.index) == ("CrossLineDetection", "Start", 2)
    assert event.extra == {"Param": "x"}
    assert event.data == {"Name": "a;b=c"}


def test_gbk_bytes_are_read() -> None:
    block = 'Code=CrossRegionDetection;action=Start;index=0;data={"Name": "东门周界"}'.encode("gbk")
    assert parse_event_block(block).data["Name"] == "东门周界"


def test_several_blocks_in_one_part() -> None:
    text = "Code=VideoLoss;action=Start;index=0\r\nCode=VideoLoss;action=Start;index=1\r\n"
    assert [(e.code, e.index) for e in parse_event_blocks(text)] == [("VideoLoss", 0), ("VideoLoss", 1)]


def test_time_less_than_a_second_apart_and_stop_differ() -> None:
    start = parse_event_block("Code=VideoMotion;action=Start;index=0")
    stop = parse_event_block("Code=VideoMotion;action=Stop;index=0")
    ids = {
        to_device_event(start, device_code="X", received_at=RECEIVED).external_id,
        to_device_event(
            start, device_code="X", received_at=RECEIVED + dt.timedelta(milliseconds=1)
        ).external_id,
        to_device_event(stop, device_code="X", received_at=RECEIVED).external_id,
    }
    assert len(ids) == 3


def test_naive_received_at_is_a_programming_error() -> None:
    event = parse_event_block("Code=VideoMotion;action=Start;index=0")
    with pytest.raises(ValueError, match="aware"):
        to_device_event(event, device_code="X", received_at=dt.datetime(2026, 11, 27))


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("", "empty"),
        ("   \r\n", "empty"),
        ("action=Start;index=0", "Code"),
        ("Code=;action=Start", "Code"),
        ("Code=Video Motion!;action=Start", "Code"),
        ("Code=VideoMotion;action=Start;index=one", "index"),
        ("Code=VideoMotion;action", "key=value"),
        ('Code=VideoMotion;action=Start;index=0;data={"Id" : [ 0 ],', "not JSON"),
        ("Code=VideoMotion;action=Start;index=0;data=[1, 2]", "not a JSON object"),
        ('Code=VideoMotion;action=Start;index=0;data={"a": 1} trailing', "after the data"),
        ("Code=VideoMotion;action=Start;index=0;data=" + "[" * 100000, "not JSON"),
        ("hello world", "key=value"),
    ],
)
def test_bad_block_gives_a_clear_typed_error(block: str, message: str) -> None:
    with pytest.raises(DahuaFormatError, match=message) as caught:
        parse_event_block(block)
    if block.strip():
        assert caught.value.raw  # what the device sent is kept for the caller to store


def test_truncated_real_sample_is_a_format_error() -> None:
    from tests.support.shared_data import protocol_fixture

    body = protocol_fixture("dahua/eventmanager_humantrait_wizmind.txt")
    for cut in (60, len(body) // 2, len(body) - 3):
        with pytest.raises(DahuaFormatError, match="not JSON"):
            parse_event_block(body[:cut])


# --- the stream --------------------------------------------------------------------------------------


def test_stream_gives_each_event_as_soon_as_its_part_is_complete() -> None:
    parser = EventStreamParser()
    data = stream(b"Code=VideoMotion;action=Start;index=0")
    assert [(e.code, e.action) for e in parser.feed(data[:-3])] == []
    assert [(e.code, e.action) for e in parser.feed(data[-3:])] == [("VideoMotion", "Start")]
    assert parser.buffered == 0 or parser.buffered <= 2


@pytest.mark.parametrize("size", [1, 2, 3, 5, 13, 64, 10_000])
def test_chunking_does_not_change_the_events(size: int) -> None:
    data = stream(
        b"Code=VideoMotion;action=Start;index=0",
        TRAFFIC_JUNCTION.encode(),
        b"Heartbeat",
        b"Code=VideoMotion;action=Stop;index=0",
    )
    assert feed_in_chunks(data, size) == [
        ("VideoMotion", "Start"),
        ("TrafficJunction", "Pulse"),
        ("Heartbeat", ""),
        ("VideoMotion", "Stop"),
    ]


def test_lf_only_stream_and_parts_without_headers() -> None:
    data = stream(b"Code=VideoBlind;action=Start;index=0", newline=b"\n") + (
        b"--myboundary\nCode=VideoBlind;action=Stop;index=0\n--myboundary\n"
    )
    assert feed_in_chunks(data, 4) == [("VideoBlind", "Start"), ("VideoBlind", "Stop")]


def test_wrong_content_length_is_corrected_by_the_boundary() -> None:
    too_long = b"--myboundary\r\nContent-Length: 500\r\n\r\nCode=VideoLoss;action=Start;index=0\r\n"
    too_short = b"--myboundary\r\nContent-Length: 20\r\n\r\nCode=VideoLoss;action=Stop;index=0\r\n"
    parser = EventStreamParser()
    got = parser.feed(too_long + too_short + b"--myboundary\r\n")
    assert [(e.code, e.action, e.index) for e in got] == [("VideoLoss", "Start", 0), ("VideoLoss", "Stop", 0)]
    assert parser.take_rejected() == []


def test_missing_content_length_waits_for_the_next_boundary_or_flush() -> None:
    parser = EventStreamParser()
    assert parser.feed(stream(b"Code=AlarmLocal;action=Start;index=0", content_length=False)) == []
    assert [e.code for e in parser.flush()] == ["AlarmLocal"]


def test_junk_and_unreadable_parts_are_kept_raw_not_raised() -> None:
    parser = EventStreamParser()
    data = b"HTTP junk\r\n" + stream(
        b"Code=VideoMotion;action=Start;index=x", b"Code=VideoMotion;action=Stop;index=0"
    )
    got = parser.feed(data)
    assert [(e.code, e.action) for e in got] == [("VideoMotion", "Stop")]
    rejected = parser.take_rejected()
    assert [type(r) for r in rejected] == [DahuaFormatError, DahuaFormatError]
    assert rejected[0].raw == b"HTTP junk\r\n"
    assert b"index=x" in rejected[1].raw
    assert parser.take_rejected() == []


def test_picture_parts_and_close_delimiter_are_skipped() -> None:
    data = (
        stream(b"Code=TrafficJunction;action=Pulse;index=0")
        + b"--myboundary\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9\r\n"
        + b"--myboundary--\r\n"
        + stream(b"Heartbeat")
    )
    parser = EventStreamParser()
    assert [e.code for e in parser.feed(data)] == ["TrafficJunction", "Heartbeat"]
    assert parser.take_rejected() == []


def test_boundary_from_the_response_content_type() -> None:
    parser = EventStreamParser.from_content_type('multipart/x-mixed-replace; boundary="other"')
    data = b"--other\r\nContent-Length: 9\r\n\r\nHeartbeat\r\n"
    assert [e.code for e in parser.feed(data)] == ["Heartbeat"]
    assert EventStreamParser.from_content_type("text/plain").boundary == "myboundary"


def test_sniffing_the_boundary_of_a_pushed_body() -> None:
    body = b"--other\r\nContent-Length: 9\r\n\r\nHeartbeat\r\n--other--\r\n"
    assert EventStreamParser.sniff(body).boundary == "other"
    assert EventStreamParser.sniff(body, "multipart/mixed; boundary=other").boundary == "other"
    assert EventStreamParser.sniff(body, "multipart/mixed; boundary=wrong").boundary == "other"
    assert (
        EventStreamParser.sniff(b"--\xff\xfe\r\n", "multipart/mixed; boundary=\u00e9").boundary
        == "myboundary"
    )
    assert EventStreamParser.from_content_type("multipart/mixed; boundary=\u00e9").boundary == "myboundary"
    parser = EventStreamParser.sniff(body)
    assert [e.code for e in parser.feed(body) + parser.flush()] == ["Heartbeat"]


def test_a_stream_without_parts_is_rejected_in_bounded_memory() -> None:
    parser = EventStreamParser(max_part_size=1000)
    for _ in range(10):
        assert parser.feed(b"x" * 400) == []
        assert parser.buffered <= 1000
    rejected = parser.take_rejected()
    assert rejected and all(isinstance(r, DahuaFormatError) for r in rejected)
    assert sum(len(r.raw) for r in rejected) + parser.buffered == 4000  # nothing silently lost


def test_bad_boundary_is_refused() -> None:
    with pytest.raises(ValueError):
        EventStreamParser("")
    with pytest.raises(ValueError):
        EventStreamParser("a\r\nb")
