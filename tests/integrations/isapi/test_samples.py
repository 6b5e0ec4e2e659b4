"""Every real ISAPI sample in ../shared/fixtures/protocols/isapi parses to what INDEX.md says."""

from __future__ import annotations

import datetime as dt

import pytest

from anfang.integrations import events
from anfang.integrations.isapi import IsapiAlert, parse_alert, to_device_event
from tests.support.shared_data import protocol_fixture


def tz(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def sample(name: str, content_type: str = "application/xml; charset=UTF-8") -> IsapiAlert:
    return parse_alert(protocol_fixture(f"isapi/{name}"), content_type)


def test_io_alarm_from_camera() -> None:
    alert = sample("io_alarm_DS-2CD2T46G2-ISU.xml")
    assert (alert.event_type, alert.event_state, alert.channel, alert.input_port) == ("IO", "active", 1, 1)
    assert alert.date_time == dt.datetime(2024, 11, 19, 16, 53, 28, tzinfo=tz(1))
    assert alert.ip_address == "192.168.1.151"
    assert alert.mac_address == "4f:e4:2f:81:cd:1b"
    assert alert.channel_name == "Cam 1"
    event = to_device_event(alert, device_code="CAM-1")
    assert (event.type, event.zone, event.restore, event.alarmable) == (events.INTRUSION, "1", False, True)
    assert event.source == "isapi" and event.device == "CAM-1" and event.vendor_code == "IO"


def test_fielddetection_with_human_target() -> None:
    alert = sample("fielddetection_intrusion_human.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("fielddetection", "active", 1)
    assert alert.date_time == dt.datetime(2022, 1, 31, 13, 53, 5, tzinfo=tz(1))
    assert (alert.region_id, alert.detection_target, alert.channel_name) == (3, "human", "COUR NORD")
    event = to_device_event(alert, device_code="CAM-1")
    assert event.type == events.INTRUSION
    assert event.text == "COUR NORD"
    assert event.data["detection_target"] == "human"


def test_duration_alert_takes_the_type_of_its_relation_event() -> None:
    alert = sample("duration_fielddetection_ipc.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("duration", "active", 1)
    assert alert.relation_event == "fielddetection"
    assert alert.date_time == dt.datetime(2023, 1, 23, 23, 27, 25, tzinfo=tz(1))
    assert alert.channel_name == "yard"
    event = to_device_event(alert, device_code="CAM-1")
    assert event.type == events.INTRUSION
    assert event.vendor_code == "duration"


def test_thermal_vmd_without_namespace() -> None:
    alert = sample("vmd_thermal_ipc_no_namespace.xml", "text/xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("VMD", "active", 2)
    assert alert.date_time == dt.datetime(2024, 11, 13, 20, 20, 52, tzinfo=tz(1))
    assert alert.channel_name == "Camera 02"
    event = to_device_event(alert, device_code="CAM-1")
    assert event.type == events.MOTION
    assert not event.alarmable  # motion is logged, not alarmed


def test_pir_with_psialliance_namespace_and_serial() -> None:
    alert = sample("pir_alarm_DS-2CD2443G0-IW.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("PIR", "active", 1)
    assert alert.date_time == dt.datetime(2023, 4, 6, 22, 22, 21, tzinfo=tz(1))
    assert alert.channel_name == "Bedroom"
    assert alert.serial_number == "DS-2CD2443G0-IW00000000AAWRE00000000"
    assert alert.active_post_count == 4268
    assert to_device_event(alert, device_code="CAM-1").type == events.INTRUSION


def test_anpr_plate_read() -> None:
    alert = sample("anpr_plate_KH35192.xml")
    assert alert.is_anpr
    assert (alert.event_type, alert.event_state, alert.channel) == ("ANPR", "active", 1)
    assert alert.date_time == dt.datetime(2023, 8, 11, 13, 49, tzinfo=tz(1))
    anpr = alert.anpr
    assert anpr is not None
    assert (anpr.plate, anpr.plate_color, anpr.direction, anpr.confidence) == (
        "KH35192",
        "unknown",
        "forward",
        100,
    )
    assert anpr.vehicle_color == "white"
    assert [p.file_name for p in anpr.pictures] == ["licensePlatePicture.jpg", "vehiclePicture.jpg"]
    event = to_device_event(alert, device_code="GATE-1")
    assert event.type == events.OTHER  # the vehicles app takes plate reads
    assert event.data["anpr"]["plate"] == "KH35192"


def test_vmd_with_only_dyn_channel() -> None:
    alert = sample("vmd_motion_dynchannel.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("VMD", "active", 1)
    assert alert.dyn_channel == 1
    assert alert.date_time == dt.datetime(2025, 3, 5, 10, 47, 40, tzinfo=dt.UTC)
    assert to_device_event(alert, device_code="CAM-1").zone == "1"


def test_nvr_vmd_with_target_type_and_extension_serial() -> None:
    alert = sample("vmd_nvr_DS-7608NXI-K2_human.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("VMD", "active", 5)
    assert alert.date_time == dt.datetime(2025, 7, 11, 6, 56, 42, tzinfo=tz(2))
    assert alert.detection_target == "human"
    assert alert.serial_number == "DS-7608NXI-K2/24404CVU0108CCRR0W8P0820AZ267"
    assert to_device_event(alert, device_code="NVR-1").zone == "5"


def test_linedetection_multipart_with_picture() -> None:
    alert = sample("linedetection_multipart_boundary.multipart", "multipart/form-data; boundary=boundary")
    assert (alert.event_type, alert.event_state, alert.channel) == ("linedetection", "active", 1)
    assert alert.date_time == dt.datetime(2025, 8, 3, 15, 51, 35, tzinfo=tz(3))
    assert (alert.region_id, alert.detection_target, alert.ip_address) == (1, "vehicle", "10.17.1.105")
    assert alert.part_name == "linedetection"
    assert len(alert.pictures) == 1
    picture = alert.pictures[0]
    assert (picture.name, picture.content_type) == ("test-image.jpg", "image/jpeg")
    assert picture.data == b"Fake JPEG data for testing purposes"
    event = to_device_event(alert, device_code="CAM-1")
    assert event.type == events.PERIMETER
    assert event.pictures == alert.pictures


def test_multipart_found_without_a_content_type_header() -> None:
    """Some proxies drop the header: the body's first line names the boundary."""
    alert = sample("linedetection_multipart_boundary.multipart", "")
    assert alert.event_type == "linedetection" and len(alert.pictures) == 1


def test_multipart_with_a_wrong_boundary_in_the_header() -> None:
    alert = sample("linedetection_multipart_boundary.multipart", 'multipart/form-data; boundary="other"')
    assert alert.event_type == "linedetection"


def test_cn_anpr_plate_with_colour_prefix() -> None:
    alert = sample("anpr_cn_plate_blue_wanA7XG66.xml")
    assert (alert.event_type, alert.event_state, alert.channel) == ("ANPR", "active", 1)
    assert alert.date_time == dt.datetime(2023, 10, 10, 18, 21, 1, tzinfo=tz(8))
    assert (alert.ip_address, alert.mac_address) == ("192.168.1.70", "08:54:11:ed:6d:90")
    anpr = alert.anpr
    assert anpr is not None
    assert anpr.license_plate_raw == "蓝皖A7XG66"
    assert (anpr.plate, anpr.plate_color, anpr.plate_type) == ("皖A7XG66", "blue", "92TypeCivil")
    assert (anpr.direction, anpr.confidence) == ("reverse", 97)
    assert anpr.plate_char_believe == (98, 99, 99, 99, 99, 99, 99)
    assert (anpr.vehicle_type, anpr.vehicle_color) == ("van", "gray")
    assert [p.file_name for p in anpr.pictures] == ["licensePlatePicture.jpg", "detectionPicture.jpg"]
    assert alert.uuid.startswith("2023101018210222000")
    assert alert.pic_num == 2


@pytest.mark.parametrize(
    "name",
    [
        "io_alarm_DS-2CD2T46G2-ISU.xml",
        "fielddetection_intrusion_human.xml",
        "duration_fielddetection_ipc.xml",
        "vmd_thermal_ipc_no_namespace.xml",
        "pir_alarm_DS-2CD2443G0-IW.xml",
        "anpr_plate_KH35192.xml",
        "vmd_motion_dynchannel.xml",
        "vmd_nvr_DS-7608NXI-K2_human.xml",
        "anpr_cn_plate_blue_wanA7XG66.xml",
    ],
)
def test_a_resent_push_is_a_duplicate(name: str) -> None:
    """The same bytes (even from another address) give the same external id, so re-sends are harmless."""
    body = protocol_fixture(f"isapi/{name}")
    first = to_device_event(parse_alert(body, "application/xml"), device_code="X")
    again = to_device_event(parse_alert(body, "text/xml"), device_code="X")
    assert first.external_id == again.external_id
    assert len(first.external_id) == 32
