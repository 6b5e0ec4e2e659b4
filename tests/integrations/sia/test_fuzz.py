"""Random and damaged frames raise only `SiaFormatError`, and the receiver always answers."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysiaalarm import SIAEvent

from anfang.integrations.sia import (
    SiaAccountConfig,
    SiaFormatError,
    SiaMessage,
    accounts_by_id,
    encode_frame,
    handle_frame,
    parse_frame,
    to_device_event,
)
from tests.support.shared_data import protocol_fixture

NOW = dt.datetime(2026, 11, 27, 8, 30, tzinfo=dt.UTC)
KEY = "0123456789ABCDEF"
ACCOUNTS = accounts_by_id(
    [SiaAccountConfig("AAA"), SiaAccountConfig("1234"), SiaAccountConfig("ABCD", key=KEY)]
)
SAMPLES = [
    protocol_fixture("sia/dcs_closing_CL.txt"),
    protocol_fixture("sia/adm_cid_fire_alarm.txt"),
    protocol_fixture("sia/dcs_closing_CL_issue11.txt"),
    protocol_fixture("sia/osborne_hoffman_OH_test.txt"),
    encode_frame(account="1234", timestamp=NOW, text="x"),
    encode_frame(account="ABCD", key=KEY, timestamp=NOW),
    encode_frame(account="ABCD", key=KEY, message_type="ADM-CID", timestamp=NOW),
]


def check(frame: bytes) -> None:
    try:
        message = parse_frame(frame, ACCOUNTS)
    except SiaFormatError as exc:
        assert exc.code in ("empty", "length", "format", "key", "crc")
    else:
        assert isinstance(message, SiaMessage)
        to_device_event(message, device_code="FUZZ", received_at=NOW)  # whatever parses also maps
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert isinstance(outcome.response, bytes)
    assert outcome.response == b"" or outcome.response.startswith((b"\n", b'"'))


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(frame=st.binary(max_size=600))
def test_random_bytes_raise_only_the_library_error(frame: bytes) -> None:
    check(frame)


@settings(max_examples=400)
@given(
    sample=st.sampled_from(SAMPLES),
    at=st.integers(min_value=0, max_value=200),
    cut=st.integers(min_value=0, max_value=200),
    noise=st.binary(max_size=12),
)
def test_damaged_frames_raise_only_the_library_error(sample: bytes, at: int, cut: int, noise: bytes) -> None:
    check(sample[:at] + noise + sample[at + cut :])


@settings(max_examples=300)
@given(
    kind=st.sampled_from(["SIA-DCS", "ADM-CID", "NULL"]),
    body=st.text(alphabet="0123456789ABCDEF", max_size=200),
)
def test_encrypted_garbage_with_a_good_crc_raises_only_the_library_error(kind: str, body: str) -> None:
    """The decrypt-and-parse path, reached because the CRC is right and the account has a key."""
    text = f'"*{kind}"0001L0#ABCD[{body}'
    check(f"\n{SIAEvent._crc_calc(text)}{len(text):04X}{text}\r".encode())


@settings(max_examples=300)
@given(content=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_clear_content_with_a_good_crc_raises_only_the_library_error(content: str) -> None:
    text = f'"SIA-DCS"0001L0#1234[{content}'
    check(f"\n{SIAEvent._crc_calc(text)}{len(text):04X}{text}\r".encode())
