"""ISAPI messages built from Hikvision's ISAPI developer guide (EventNotificationAlert), and bad input.

No real sample was found for shelteralarm, videoloss or GB2312-declared pushes (INDEX.md "Coverage and
gaps"); the messages below are BUILT FROM THE DOCUMENT (ISAPI General, XML_EventNotificationAlert_
AlarmEventInfo: ipAddress, portNo, protocol, macAddress, channelID, dateTime, activePostCount, eventType,
eventState, eventDescription, channelName), not captured from a device.
"""

from __future__ import annotations

import datetime as dt

import pytest

from anfang.integrations import events
from anfang.integrations.isapi import (
    IsapiFormatError,
    event_type_for,
    parse_alert,
    split_plate_color,
    to_device_event,
)
from tests.support.shared_data import protocol_fixture


def alert_xml(
    event_type: str = "shelteralarm",
    *,
    state: str = "active",
    when: str = "2026-11-27T08:30:00+08:00",
    channel_name: str = "东门入口",
    encoding: str = "UTF-8",
    count: int = 1,
    extra: str = "",
) -> str:
    """An EventNotificationAlert built from the ISAPI document (not a device capture)."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n'
        "<ipAddress>192.168.1.64</ipAddress>\n<portNo>80</portNo>\n<protocol>HTTP</protocol>\n"
        "<macAddress>44:19:b6:00:00:01</macAddress>\n<channelID>1</channelID>\n"
        f"<dateTime>{when}</dateTime>\n<activePostCount>{count}</activePostCount>\n"
        f"<eventType>{event_type}</eventType>\n<eventState>{state}</eventState>\n"
        f"<eventDescription>{event_type} alarm</eventDescription>\n"
        f"<channelName>{channel_name}</channelName>\n{extra}"
        "</EventNotificationAlert>\n"
    )


# --- built from the document -------------------------------------------------------------------------


def test_gb2312_declared_push_keeps_the_chinese_channel_name() -> None:
    body = alert_xml(encoding="GB2312").encode("gb2312")
    alert = parse_alert(body, "application/xml")
    assert alert.channel_name == "东门入口"
    event = to_device_event(alert, device_code="CAM-E")
    assert (event.type, event.text, event.restore) == (events.TAMPER, "东门入口", False)


def test_wrongly_declared_encoding_is_still_read() -> None:
    """Declared UTF-8, sent as GB2312: real firmware does this."""
    body = alert_xml(encoding="UTF-8").encode("gb2312")
    assert parse_alert(body, "application/xml").channel_name == "东门入口"


def test_unknown_declared_encoding_falls_back_to_utf8() -> None:
    body = alert_xml(encoding="x-no-such-codec").encode("utf-8")
    assert parse_alert(body, "application/xml").channel_name == "东门入口"


def test_utf16_body_with_bom() -> None:
    body = alert_xml(encoding="UTF-16").encode("utf-16")
    assert parse_alert(body, "application/xml").event_type == "shelteralarm"


def test_inactive_state_is_a_restore() -> None:
    alert = parse_alert(alert_xml("videoloss", state="inactive").encode(), "application/xml")
    assert not alert.active
    event = to_device_event(alert, device_code="NVR")
    assert (event.type, event.restore, event.alarmable) == (events.DEVICE_FAULT, True, False)


def test_time_without_offset_is_not_guessed() -> None:
    alert = parse_alert(alert_xml(when="2026-11-27T08:30:00").encode(), "application/xml")
    assert alert.date_time is None
    assert alert.date_time_text == "2026-11-27T08:30:00"
    assert to_device_event(alert, device_code="X").occurred_at is None


def test_z_suffix_and_fractions_are_read() -> None:
    alert = parse_alert(alert_xml(when="2026-11-27T00:30:00.250Z").encode(), "application/xml")
    assert alert.date_time == dt.datetime(2026, 11, 27, 0, 30, 0, 250000, tzinfo=dt.UTC)


def test_garbled_time_leaves_the_time_empty_but_keeps_the_event() -> None:
    alert = parse_alert(alert_xml(when="yesterday").encode(), "application/xml")
    assert alert.date_time is None and alert.event_type == "shelteralarm"


def test_new_event_gets_a_new_id_and_restore_differs_from_start() -> None:
    def eid(**kwargs: object) -> str:
        body = alert_xml("fielddetection", **kwargs).encode()  # type: ignore[arg-type]
        return to_device_event(parse_alert(body, "application/xml"), device_code="X").external_id

    first = eid()
    assert eid() == first
    assert eid(count=2) != first
    assert eid(when="2026-11-27T08:30:01+08:00") != first
    assert eid(state="inactive") != first
    # descriptive fields (the channel name) are not part of the identity
    assert eid(channel_name="renamed") == first


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("fielddetection", events.INTRUSION),
        ("regionEntrance", events.INTRUSION),
        ("regionExiting", events.INTRUSION),
        ("linedetection", events.PERIMETER),
        ("IO", events.INTRUSION),
        ("PIR", events.INTRUSION),
        ("VMD", events.MOTION),
        ("motion", events.MOTION),
        ("shelteralarm", events.TAMPER),
        ("tamper", events.TAMPER),
        ("videoloss", events.DEVICE_FAULT),
        ("diskfull", events.DEVICE_FAULT),
        ("diskerror", events.DEVICE_FAULT),
        ("nicbroken", events.DEVICE_FAULT),
        ("ipconflict", events.DEVICE_FAULT),
        ("illaccess", events.DEVICE_FAULT),
        ("heartBeat", events.HEARTBEAT),
        ("ANPR", events.OTHER),
        ("facedetection", events.OTHER),
    ],
)
def test_event_type_mapping(event_type: str, expected: str) -> None:
    assert event_type_for(event_type) == expected
    alert = parse_alert(alert_xml(event_type).encode(), "application/xml")
    assert to_device_event(alert, device_code="X").type == expected


def test_duration_with_unknown_or_missing_relation_is_other() -> None:
    assert event_type_for("duration", "linedetection") == events.PERIMETER
    assert event_type_for("duration", "") == events.OTHER
    assert event_type_for("duration", "duration") == events.OTHER


@pytest.mark.parametrize(
    ("raw", "plate", "color"),
    [
        ("蓝皖A7XG66", "皖A7XG66", "blue"),
        ("黄京B12345", "京B12345", "yellow"),
        ("绿粤B12345D", "粤B12345D", "green"),
        ("白WJ0112345", "WJ0112345", "white"),
        ("黑黑A12345", "黑A12345", "black"),
        ("黑A12345", "黑A12345", ""),  # 黑 = Heilongjiang, not a colour
        ("KH35192", "KH35192", ""),
        ("无车牌", "", ""),
        ("", "", ""),
    ],
)
def test_plate_colour_prefix(raw: str, plate: str, color: str) -> None:
    assert split_plate_color(raw) == (plate, color)


def test_anpr_colour_from_prefix_when_the_element_says_unknown() -> None:
    extra = "<ANPR><licensePlate>黄辽H12345</licensePlate><plateColor>unknown</plateColor></ANPR>\n"
    alert = parse_alert(alert_xml("ANPR", extra=extra).encode(), "application/xml")
    assert alert.anpr is not None
    assert (alert.anpr.plate, alert.anpr.plate_color) == ("辽H12345", "yellow")
    assert alert.is_anpr


def test_bare_xml_labelled_multipart_is_still_read() -> None:
    alert = parse_alert(alert_xml().encode(), "multipart/form-data; boundary=boundary")
    assert alert.event_type == "shelteralarm" and alert.pictures == ()


def test_multipart_mixed_with_crlf_and_binary_pictures() -> None:
    """Built from the document: ANPR push as multipart/mixed, one part per pictureInfo fileName."""
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\r\n--not-a-boundary\r\n\x00\r\x0a\n\rbinary\xff\xd9"
    xml = alert_xml("ANPR", extra="<ANPR><licensePlate>蓝辽H88888</licensePlate></ANPR>\n").encode()
    body = (
        b"--MIME_boundary\r\n"
        b'Content-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\r\n'
        b"Content-Type: text/xml\r\nContent-Length: " + str(len(xml)).encode() + b"\r\n\r\n" + xml + b"\r\n"
        b"--MIME_boundary\r\n"
        b'Content-Disposition: form-data; name="licensePlatePicture.jpg"; '
        b'filename="licensePlatePicture.jpg"\r\n'
        b"Content-Type: image/jpeg\r\nContent-Length: "
        + str(len(jpeg)).encode()
        + b"\r\n\r\n"
        + jpeg
        + b"\r\n"
        b"--MIME_boundary\r\n"
        b'Content-Disposition: form-data; name="detectionPicture"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + jpeg + b"\r\n"
        b"--MIME_boundary--\r\n"
    )
    alert = parse_alert(body, "multipart/mixed; boundary=MIME_boundary")
    assert alert.anpr is not None and alert.anpr.plate == "辽H88888"
    assert [(p.name, p.content_type) for p in alert.pictures] == [
        ("licensePlatePicture.jpg", "image/jpeg"),
        ("detectionPicture", "image/jpeg"),
    ]
    assert all(p.data == jpeg for p in alert.pictures)  # byte-exact, CR/LF inside pictures kept
    assert "bytes" in repr(alert.pictures[0])


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/xml", "not well-formed"),
        (b"hello", "text/plain", "not well-formed"),
        (b'{"eventType": "VMD"}', "application/json", "not well-formed"),
        (b"<ResponseStatus><statusCode>1</statusCode></ResponseStatus>", "application/xml", "root element"),
        (
            b"<EventNotificationAlert><eventState>active</eventState></EventNotificationAlert>",
            "",
            "eventType",
        ),
        (b"--x\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--x--\r\n", "multipart/form-data", "no XML"),
        (b"--\r\n\r\n", "multipart/form-data", "boundary"),
        (b"-- \x00\x01 --", "multipart/form-data; boundary=", "boundary"),
    ],
)
def test_bad_input_gives_a_clear_typed_error(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(IsapiFormatError, match=message):
        parse_alert(body, content_type)


def test_truncated_sample_is_a_format_error() -> None:
    body = protocol_fixture("isapi/io_alarm_DS-2CD2T46G2-ISU.xml")
    for cut in (1, len(body) // 3, len(body) // 2, len(body) - 30):
        with pytest.raises(IsapiFormatError, match="not well-formed"):
            parse_alert(body[:cut], "application/xml")


def test_truncated_multipart_still_reads_a_complete_xml_part() -> None:
    """A connection cut inside the picture keeps the alert (the picture is partial)."""
    body = protocol_fixture("isapi/linedetection_multipart_boundary.multipart")
    cut = body.index(b"Fake JPEG") + 4
    alert = parse_alert(body[:cut], "multipart/form-data; boundary=boundary")
    assert alert.event_type == "linedetection"


def test_xml_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        b"<EventNotificationAlert><eventType>&lol2;</eventType></EventNotificationAlert>"
    )
    with pytest.raises(IsapiFormatError):
        parse_alert(bomb, "application/xml")


def test_external_entity_is_refused() -> None:
    xxe = (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<EventNotificationAlert><eventType>&e;</eventType></EventNotificationAlert>"
    )
    with pytest.raises(IsapiFormatError):
        parse_alert(xxe, "application/xml")


def test_body_must_be_bytes() -> None:
    with pytest.raises(IsapiFormatError):
        parse_alert("<EventNotificationAlert/>", "application/xml")  # type: ignore[arg-type]
