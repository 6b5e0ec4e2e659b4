"""Random and damaged bodies raise only `IsapiFormatError` (never another exception)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anfang.integrations.isapi import IsapiAlert, IsapiFormatError, parse_alert, to_device_event
from tests.support.shared_data import protocol_fixture

CONTENT_TYPES = st.sampled_from(
    [
        "",
        "application/xml",
        "text/xml; charset=GB2312",
        "multipart/form-data; boundary=boundary",
        'multipart/mixed; boundary="MIME_boundary"',
        "multipart/form-data",
        "image/jpeg",
    ]
)
SAMPLES = [
    "isapi/io_alarm_DS-2CD2T46G2-ISU.xml",
    "isapi/anpr_cn_plate_blue_wanA7XG66.xml",
    "isapi/pir_alarm_DS-2CD2443G0-IW.xml",
    "isapi/linedetection_multipart_boundary.multipart",
]


def parse_or_typed_error(body: bytes, content_type: str) -> None:
    try:
        alert = parse_alert(body, content_type)
    except IsapiFormatError:
        return
    assert isinstance(alert, IsapiAlert)
    to_device_event(alert, device_code="FUZZ")  # whatever parsed must also map


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2048), content_type=CONTENT_TYPES)
def test_random_bytes_raise_only_the_library_error(body: bytes, content_type: str) -> None:
    parse_or_typed_error(body, content_type)


@settings(max_examples=300)
@given(body=st.binary(max_size=512), content_type=CONTENT_TYPES)
def test_random_bytes_after_a_boundary_raise_only_the_library_error(body: bytes, content_type: str) -> None:
    parse_or_typed_error(b"--boundary\r\n" + body, content_type)


@settings(max_examples=300)
@given(
    name=st.sampled_from(SAMPLES),
    cut=st.integers(min_value=0, max_value=4000),
    noise=st.binary(max_size=16),
    at=st.integers(min_value=0, max_value=4000),
)
def test_damaged_real_samples_raise_only_the_library_error(
    name: str, cut: int, noise: bytes, at: int
) -> None:
    body = protocol_fixture(name)
    damaged = body[:at] + noise + body[at:cut]
    content_type = "multipart/form-data; boundary=boundary" if name.endswith("multipart") else "text/xml"
    parse_or_typed_error(damaged, content_type)


@settings(max_examples=200)
@given(text=st.text(max_size=60))
def test_random_element_text_never_breaks_the_mapping(text: str) -> None:
    """Whatever a device puts in the fields, a parsed alert maps to a valid DeviceEvent."""
    from xml.sax.saxutils import escape

    value = escape(text)
    body = (
        "<EventNotificationAlert>"
        f"<eventType>VMD{value}</eventType><eventState>{value}</eventState><channelID>{value}</channelID>"
        f"<dateTime>{value}</dateTime><activePostCount>{value}</activePostCount>"
        f"<ANPR><licensePlate>{value}</licensePlate><plateCharBelieve>{value}</plateCharBelieve></ANPR>"
        "</EventNotificationAlert>"
    ).encode("utf-8", "surrogatepass")
    parse_or_typed_error(body, "application/xml")
