"""Dahua ITC plate reads: the ITSAPI TollgateInfo push and eventManager Traffic* blocks.

No real ITC capture exists (INDEX.md gaps): every message here is BUILT FROM DOCUMENTS AND PUBLIC CODE
(see samples/README.md and each sample's `_built_from`), not captured from a device.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anfang.integrations.dahua import (
    TOLLGATE_ACK,
    DahuaFormatError,
    DahuaPlateRead,
    parse_event_block,
    parse_tollgate,
    plate_read_from_event,
)

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sample_json(name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(sample(name))
    return value


def body(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def minimal(**plate: Any) -> dict[str, Any]:
    return {"Picture": {"Plate": {"PlateNumber": "辽H12345", **plate}, "SnapInfo": {"DeviceID": "D1"}}}


# --- samples ---------------------------------------------------------------------------------------------


def test_full_tollgate_push_built_from_safewheels() -> None:
    read = parse_tollgate(sample("dahua_tollgate_v119.json"))
    assert isinstance(read, DahuaPlateRead)
    assert (read.device_id, read.plate, read.plate_color) == ("ITC-GATE-N-01", "辽H12345", "Blue")
    assert (read.vehicle_color, read.vehicle_type, read.confidence) == ("White", "SaloonCar", 96)
    assert (read.direction, read.direction_sent) == ("in", "Obverse")
    # AccurateTime has no zone and TimeZone 13 is an index into Dahua's table: local wall time, naive.
    assert read.occurred_at == dt.datetime(2026, 11, 27, 9, 0, 5, 305000)
    assert not read.time_zone_known
    assert [(p.name, p.content_type) for p in read.pictures] == [("scene.jpg", "image/jpeg")]
    assert read.pictures[0].data.startswith(b"\xff\xd8") and read.pictures[0].data.endswith(b"\xff\xd9")
    # The rest is kept, without the picture bytes, and is plain JSON.
    assert read.raw_fields["Picture"]["Vehicle"]["VehicleSign"] == "Volkswagen"
    assert "Content" not in read.raw_fields["Picture"]["NormalPic"]
    assert read.raw_fields["Picture"]["NormalPic"]["PicName"].endswith("_normal.jpg")
    json.dumps(read.raw_fields, allow_nan=False)
    assert read.has_plate


def test_cutout_push_with_numbers_as_strings() -> None:
    read = parse_tollgate(sample("dahua_tollgate_cutout.json"))
    assert (read.plate, read.plate_color, read.confidence, read.lane) == ("辽HD0815", "Green", 88, 2)
    assert (read.direction, read.direction_sent) == ("out", "Leave")
    assert [p.name for p in read.pictures] == ["plate.jpg", "scene.jpg"]  # crop first, then the scene
    assert read.occurred_at == dt.datetime(2026, 11, 27, 17, 30, 10, 21000)


def test_no_plate_read_with_utc_seconds_is_aware() -> None:
    read = parse_tollgate(sample("dahua_tollgate_noplate_utc.json"))
    assert read.plate == "" and not read.has_plate
    assert read.pictures == ()
    assert read.occurred_at == dt.datetime(2026, 11, 27, 14, 15, 0, 500000, tzinfo=dt.UTC)
    assert read.time_zone_known
    assert (read.direction, read.vehicle_type, read.confidence) == ("in", "Truck", 0)


def test_traffic_junction_block_of_an_exit_camera() -> None:
    text = sample("dahua_traffic_junction_parking.txt").decode("utf-8")
    block = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    read = plate_read_from_event(parse_event_block(block))
    assert read is not None
    assert (read.plate, read.plate_color, read.vehicle_color) == ("辽H7Q2B1", "yellow", "Red")
    # CommInfo.ParkType 2 = exit camera: that wins over JunctionDirection (relative to the lane).
    assert (read.direction, read.direction_sent) == ("out", "Obverse")
    assert read.occurred_at == dt.datetime(2026, 11, 27, 10, 2, 11, 120000, tzinfo=dt.UTC)  # RealUTC
    assert read.time_zone_known
    assert read.confidence == 90  # Object.Confidence 230 on the 0-255 scale
    assert read.lane == 1
    assert read.raw_fields["Code"] == "TrafficJunction" and read.raw_fields["GroupID"] == 123


def test_non_traffic_events_give_no_read() -> None:
    assert plate_read_from_event(parse_event_block("Code=VideoMotion;action=Start;index=0")) is None
    assert plate_read_from_event(parse_event_block("Heartbeat")) is None


def test_traffic_block_without_time_uses_locale_time_naive() -> None:
    event = parse_event_block(
        'Code=TrafficParkingSpaceParking;action=Pulse;index=1;data={"LocaleTime": "2026-11-27 08:00:00",'
        ' "TrafficCar": {"PlateNumber": "辽H00001", "Direction": "Reverse"}}'
    )
    read = plate_read_from_event(event)
    assert read is not None
    assert read.occurred_at == dt.datetime(2026, 11, 27, 8, 0) and not read.time_zone_known
    assert read.direction == "out"


# --- idempotency -------------------------------------------------------------------------------------------


def test_a_resent_push_is_a_duplicate_and_the_next_read_is_not() -> None:
    first = parse_tollgate(sample("dahua_tollgate_v119.json"))
    again = parse_tollgate(sample("dahua_tollgate_v119.json"))
    assert first.external_id == again.external_id
    later = sample_json("dahua_tollgate_v119.json")
    later["Picture"]["SnapInfo"]["AccurateTime"] = "2026-11-27 09:00:07.001"
    assert parse_tollgate(body(later)).external_id != first.external_id
    other_camera = sample_json("dahua_tollgate_v119.json")
    other_camera["Picture"]["SnapInfo"]["DeviceID"] = "ITC-GATE-S-02"
    assert parse_tollgate(body(other_camera)).external_id != first.external_id


def test_the_same_event_block_gives_the_same_id() -> None:
    text = 'Code=TrafficJunction;action=Pulse;index=0;data={"UTC": 1795770005, "EventID": %d, ' + (
        '"TrafficCar": {"PlateNumber": "辽H12345"}}'
    )
    one = plate_read_from_event(parse_event_block(text % 1))
    same = plate_read_from_event(parse_event_block(text % 1))
    two = plate_read_from_event(parse_event_block(text % 2))
    assert one is not None and same is not None and two is not None
    assert one.external_id == same.external_id != two.external_id


def test_ack_is_what_the_camera_waits_for() -> None:
    assert json.loads(TOLLGATE_ACK) == {"Result": True}


# --- tolerance ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("Obverse", "in"),
        ("approach", "in"),
        ("Forward", "in"),
        ("Reverse", "out"),
        ("LEAVE", "out"),
        ("Exit", "out"),
        ("", ""),
        ("Unknown", ""),
        (3, ""),
    ],
)
def test_direction_mapping(sent: object, expected: str) -> None:
    message = minimal()
    message["Picture"]["SnapInfo"]["Direction"] = sent
    assert parse_tollgate(body(message)).direction == expected


@pytest.mark.parametrize(
    ("snap", "expected", "known"),
    [
        (
            {"AccurateTime": "2026-11-27 09:00:05", "TimeZone": "GMT+08:00"},
            dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            True,
        ),
        (
            {"AccurateTime": "2026-11-27T09:00:05+08:00"},
            dt.datetime(2026, 11, 27, 1, 0, 5, tzinfo=dt.UTC),
            True,
        ),
        ({"SnapTime": "2026-11-27 09:00:05"}, dt.datetime(2026, 11, 27, 9, 0, 5), False),
        ({"UTC": "1795770005"}, dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=dt.UTC), True),
        ({"AccurateTime": "yesterday"}, None, False),
        ({"AccurateTime": "2026-13-45 99:00:00"}, None, False),
        ({}, None, False),
    ],
)
def test_times(snap: dict[str, Any], expected: dt.datetime | None, known: bool) -> None:
    message = {"Picture": {"Plate": {"PlateNumber": "辽H1"}, "SnapInfo": snap}}
    read = parse_tollgate(body(message))
    assert read.occurred_at == expected
    assert read.time_zone_known is known


def test_gbk_body_and_utf8_body_both_read() -> None:
    message = minimal()
    assert parse_tollgate(json.dumps(message, ensure_ascii=False).encode("gbk")).plate == "辽H12345"
    assert parse_tollgate(json.dumps(message, ensure_ascii=False).encode("utf-8")).plate == "辽H12345"
    assert parse_tollgate(b"\xef\xbb\xbf" + body(message)).plate == "辽H12345"  # BOM


def test_missing_and_wrongly_typed_fields_are_tolerated() -> None:
    read = parse_tollgate(b'{"Picture": {"Plate": "x", "SnapInfo": [1], "Vehicle": {"VehicleColor": 5}}}')
    assert (read.plate, read.device_id, read.vehicle_color, read.occurred_at) == ("", "", "5", None)
    read = parse_tollgate(body(minimal(Confidence=True, PlateColor=None)))
    assert (read.confidence, read.plate_color) == (None, "")
    assert parse_tollgate(b'{"picture": {"plate": {"plateNumber": "A1"}}}').plate == "A1"  # key case


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [
        (96, 96),
        ("88", 88),
        (97.6, 98),
        ("97.6", 98),
        (255, 100),
        (-1, None),
        (10**30, None),
        (float("nan"), None),
        ("lots", None),
    ],
)
def test_confidence(confidence: object, expected: int | None) -> None:
    message = json.dumps(minimal(Confidence=confidence), allow_nan=True).encode()
    assert parse_tollgate(message).confidence == expected


def test_huge_numbers_do_not_break_the_read() -> None:
    digits = "9" * 4000
    message = (
        (
            '{"Picture": {"Plate": {"PlateNumber": "A1", "Confidence": DIGITS},'
            ' "SnapInfo": {"UTC": DIGITS, "Lane": 1e400}}}'
        )
        .replace("DIGITS", digits)
        .encode()
    )
    read = parse_tollgate(message)
    assert (read.confidence, read.occurred_at, read.lane) == (None, None, None)
    json.dumps(read.raw_fields, allow_nan=False)


def test_data_uri_and_unpadded_base64_are_read() -> None:
    data = b"\xff\xd8scene\xff\xd9"
    encoded = base64.b64encode(data).decode().rstrip("=")
    message = minimal()
    message["Picture"]["NormalPic"] = {"Content": "data:image/jpeg;base64," + encoded}
    assert parse_tollgate(body(message)).pictures[0].data == data


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "not JSON"),
        (b"Code=TrafficJunction;action=Pulse", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"Picture"', "not a JSON object"),
        (b'{"Result": true}', "no Picture"),
        (b'{"Picture": "x"}', "no Picture"),
        (b"{" * 100_000, "not JSON"),
        (b'{"Picture": {"Plate": {}}, "x": ' + b"9" * 5000 + b"}", "not JSON"),
    ],
)
def test_bad_bodies_raise_a_clear_error(raw: bytes, words: str) -> None:
    with pytest.raises(DahuaFormatError, match=words) as caught:
        parse_tollgate(raw)
    assert caught.value.raw == raw[:4096]


@pytest.mark.parametrize("content", ["not base64 at all!", "AAA=A", 12345, ["AAAA"]])
def test_bad_base64_names_the_field(content: object) -> None:
    message = minimal()
    message["Picture"]["CutoutPic"] = {"Content": content}
    with pytest.raises(DahuaFormatError, match=r"Picture\.CutoutPic\.Content"):
        parse_tollgate(body(message))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_the_typed_error(raw: bytes) -> None:
    with contextlib.suppress(DahuaFormatError):
        parse_tollgate(raw)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)
_keys = st.sampled_from(
    [
        "Plate",
        "SnapInfo",
        "Vehicle",
        "NormalPic",
        "CutoutPic",
        "VehiclePic",
        "CommInfo",
        "PlateNumber",
        "Confidence",
        "AccurateTime",
        "UTC",
        "TimeZone",
        "Direction",
        "Content",
        "Lane",
        "LaneNo",
        "DeviceID",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, st.dictionaries(_keys, _json, max_size=6) | _json, max_size=6))
def test_random_pictures_raise_only_the_typed_error(picture: dict[str, Any]) -> None:
    raw = json.dumps({"Picture": picture}, allow_nan=True).encode()
    try:
        read = parse_tollgate(raw)
    except DahuaFormatError:
        return
    json.dumps(read.raw_fields, allow_nan=False)
    assert read.occurred_at is None or isinstance(read.occurred_at, dt.datetime)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["TrafficCar", "Object", "CommInfo", "UTC", "RealUTC", "LocaleTime", "Lane", "EventID"]
        ),
        _json,
        max_size=6,
    )
)
def test_random_traffic_data_never_raises(data: dict[str, Any]) -> None:
    text = "Code=TrafficJunction;action=Pulse;index=0;data=" + json.dumps(data, allow_nan=True)
    try:
        event = parse_event_block(text)
    except DahuaFormatError:
        return
    read = plate_read_from_event(event)
    assert read is not None
    json.dumps(read.raw_fields, allow_nan=False)
