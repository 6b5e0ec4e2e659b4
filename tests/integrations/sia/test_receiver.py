"""The receiver's decision on frames built with pysiaalarm's helpers (`encode_frame`): ACK, NAK, DUH."""

from __future__ import annotations

import datetime as dt

import pytest
from Crypto.Cipher import AES
from pysiaalarm import SIAEvent

from anfang.integrations import events as ev
from anfang.integrations.sia import (
    SiaAccountConfig,
    SiaConfigError,
    SiaFormatError,
    accounts_by_id,
    encode_frame,
    handle_frame,
    parse_frame,
    split_frames,
    to_device_event,
)

NOW = dt.datetime(2026, 11, 27, 8, 30, 0, tzinfo=dt.UTC)
ASCII_KEY = "0123456789ABCDEF"  # pysiaalarm's convention: the 16 characters are the AES-128 key
HEX_KEY = "00112233445566778899AABBCCDDEEFF" * 2  # 64 hex digits: AES-256
ACCOUNTS = accounts_by_id(
    [
        SiaAccountConfig("1234"),
        SiaAccountConfig("ABCD", key=ASCII_KEY),
        SiaAccountConfig("BEEF", key=HEX_KEY, key_encoding="hex"),
    ]
)


def assert_framed(response: bytes) -> str:
    """A DC-09 answer: <LF> CRC length body <CR>, CRC and length right. Returns the body."""
    assert response[:1] == b"\n" and response[-1:] == b"\r"
    text = response[1:-1].decode("ascii")
    crc, length, body = text[:4], text[4:8], text[8:]
    assert SIAEvent._crc_calc(body) == crc
    assert int(length, 16) == len(body)
    return body


def test_clear_frame_is_acknowledged_and_stored() -> None:
    frame = encode_frame(account="1234", code="BA", zone="5", sequence=42, timestamp=NOW)
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert outcome.accepted and outcome.should_store
    assert assert_framed(outcome.response) == '"ACK"0042L0#1234[]'
    assert outcome.event is not None
    assert (outcome.event.code, outcome.event.zone, outcome.event.ri) == ("BA", "5", "1")
    assert outcome.warnings == ()
    assert outcome.config is ACCOUNTS["1234"]


@pytest.mark.parametrize(
    ("account", "key", "encoding"), [("ABCD", ASCII_KEY, "ascii"), ("BEEF", HEX_KEY, "hex")]
)
def test_encrypted_frame_gets_an_encrypted_ack_with_the_receiver_time(
    account: str, key: str, encoding: str
) -> None:
    frame = encode_frame(account=account, key=key, key_encoding=encoding, code="FA", zone="7", timestamp=NOW)  # type: ignore[arg-type]
    assert b'"*SIA-DCS"' in frame and b"Nri" not in frame  # the event is not readable on the wire
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert outcome.accepted, outcome.detail
    assert outcome.event is not None and outcome.event.code == "FA" and outcome.event.encrypted
    body = assert_framed(outcome.response)
    head, cipher = body.split("[", 1)
    assert head == f'"*ACK"0001L0#{account}'
    key_bytes = bytes.fromhex(key) if encoding == "hex" else key.encode()
    plain = AES.new(key_bytes, AES.MODE_CBC, bytes(16)).decrypt(bytes.fromhex(cipher)).decode()
    assert plain.endswith("]_08:30:00,11-27-2026")


def test_encrypted_contact_id_frame_is_read() -> None:
    frame = encode_frame(
        account="ABCD",
        key=ASCII_KEY,
        message_type="ADM-CID",
        qualifier="1",
        cid_event="120",
        zone="3",
        timestamp=NOW,
    )
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert outcome.accepted and outcome.event is not None
    event = to_device_event(outcome.event, device_code="P")
    assert (event.type, event.zone, event.vendor_code, event.restore) == (ev.EMERGENCY, "003", "1120", False)


def test_damaged_frame_is_refused_with_nak() -> None:
    frame = encode_frame(account="1234", code="BA", zone="5", timestamp=NOW)
    tampered = frame.replace(b"BA5", b"BA6")
    outcome = handle_frame(tampered, ACCOUNTS, now=NOW)
    assert outcome.error == "crc" and not outcome.should_store
    assert assert_framed(outcome.response) == '"NAK"0000R0L0A0[]_08:30:00,11-27-2026'


def test_bad_crc_flag_of_the_client_is_refused() -> None:
    outcome = handle_frame(encode_frame(account="1234", timestamp=NOW, bad_crc=True), ACCOUNTS, now=NOW)
    assert outcome.error == "crc"


def test_tampered_ciphertext_with_recomputed_crc_is_refused() -> None:
    """An attacker who fixes the CRC still cannot forge the encrypted body."""
    frame = encode_frame(account="ABCD", key=ASCII_KEY, timestamp=NOW).decode()
    body = frame[9:-1]
    head, cipher = body.split("[", 1)
    flipped = f"{head}[{'0' * 32}{cipher[32:]}"
    forged = f"\n{SIAEvent._crc_calc(flipped)}{len(flipped):04X}{flipped}\r".encode()
    outcome = handle_frame(forged, ACCOUNTS, now=NOW)
    assert outcome.error in ("key", "code", "timestamp")
    assert b'"NAK"' in outcome.response or b'"DUH"' in outcome.response
    assert not outcome.should_store


def test_frame_encrypted_with_another_key_is_refused() -> None:
    frame = encode_frame(account="ABCD", key="FEDCBA9876543210", timestamp=NOW)
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert outcome.error == "key"
    assert b'"NAK"' in outcome.response


def test_clear_text_frame_for_an_encrypting_account_is_refused() -> None:
    outcome = handle_frame(encode_frame(account="ABCD", timestamp=NOW), ACCOUNTS, now=NOW)
    assert outcome.error == "key" and b'"NAK"' in outcome.response


def test_encrypted_frame_without_timestamp_is_refused() -> None:
    """DC-09: the timestamp is what stops an encrypted frame being replayed."""
    outcome = handle_frame(encode_frame(account="ABCD", key=ASCII_KEY, timestamp=None), ACCOUNTS, now=NOW)
    assert outcome.error == "timestamp"


def test_clear_frame_without_timestamp_is_accepted_and_keyed_by_receive_time() -> None:
    outcome = handle_frame(encode_frame(account="1234", timestamp=None), ACCOUNTS, now=NOW)
    assert outcome.accepted and outcome.event is not None and outcome.event.timestamp is None
    event = to_device_event(outcome.event, device_code="P", received_at=NOW)
    assert event.occurred_at is None
    assert event.external_id == "1234/0001/20261127T083000Z/BA/1"


@pytest.mark.parametrize(
    ("offset_s", "error"),
    [
        (-41, "timestamp"),
        (-40, None),
        (-6, None),
        (0, None),
        (20, None),
        (21, "timestamp"),
        (-86400, "timestamp"),
    ],
)
def test_timestamp_window_is_40_s_past_20_s_future(offset_s: int, error: str | None) -> None:
    frame = encode_frame(account="1234", timestamp=NOW + dt.timedelta(seconds=offset_s))
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert outcome.error == error
    assert outcome.clock_drift_s == offset_s
    assert ("clock_drift" in outcome.warnings) is (error is None and abs(offset_s) > 5)
    if error:
        assert assert_framed(outcome.response).endswith("_08:30:00,11-27-2026")


def test_window_can_be_switched_off_per_account() -> None:
    accounts = accounts_by_id([SiaAccountConfig("1234", allowed_timeband=None)])
    frame = encode_frame(account="1234", timestamp=NOW - dt.timedelta(days=3))
    assert handle_frame(frame, accounts, now=NOW).accepted


def test_unknown_account_is_refused_and_named() -> None:
    outcome = handle_frame(encode_frame(account="9999", timestamp=NOW), ACCOUNTS, now=NOW)
    assert outcome.error == "account" and outcome.account == "9999"
    assert b'"NAK"' in outcome.response
    assert outcome.event is not None  # parsed, so the raw record can say what it was


def test_catch_all_account_accepts_any_clear_account() -> None:
    accounts = accounts_by_id([SiaAccountConfig("")])
    assert handle_frame(encode_frame(account="9999", timestamp=NOW), accounts, now=NOW).accepted


def test_unknown_event_code_gets_duh() -> None:
    outcome = handle_frame(encode_frame(account="1234", code="ZX", timestamp=NOW), ACCOUNTS, now=NOW)
    assert outcome.error == "code"
    assert assert_framed(outcome.response) == '"DUH"0001L0#1234[]'


def test_null_link_test_is_a_heartbeat() -> None:
    outcome = handle_frame(
        encode_frame(account="1234", message_type="NULL", timestamp=NOW), ACCOUNTS, now=NOW
    )
    assert outcome.accepted and outcome.event is not None
    assert to_device_event(outcome.event, device_code="P").type == ev.HEARTBEAT


def test_receiver_and_line_are_echoed() -> None:
    frame = encode_frame(account="1234", receiver="12", line="3", sequence=7, timestamp=NOW)
    outcome = handle_frame(frame, ACCOUNTS, now=NOW)
    assert assert_framed(outcome.response) == '"ACK"0007R12L3#1234[]'


def test_not_a_frame_gets_duh_and_is_kept() -> None:
    outcome = handle_frame(b"this is not a parsable event\r", ACCOUNTS, now=NOW)
    assert outcome.error == "format" and outcome.should_keep_raw and not outcome.should_store
    assert assert_framed(outcome.response) == '"DUH"0000R0L0A0[]'


def test_empty_line_gets_no_answer() -> None:
    outcome = handle_frame(b"\n\r", ACCOUNTS, now=NOW)
    assert (outcome.response, outcome.error, outcome.should_keep_raw) == (b"", "empty", False)


def test_overlong_line_is_refused_without_parsing() -> None:
    outcome = handle_frame(b"A" * 5000, ACCOUNTS, now=NOW)
    assert outcome.error == "length" and b'"DUH"' in outcome.response


@pytest.mark.parametrize(
    "frame",
    [
        b'E5D50078"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-20\xff9',  # non-ASCII byte
        b'E5D50078"SIA-DCS"',  # truncated after the ID
        b"E5D5007",  # truncated in the header
        b'E5D50078"XYZ-ABC"6002L0#AAA[]',  # unknown protocol token
        b'0000007"*SIA-DCS"0001L0#ABCD[ZZZZ',  # encrypted body that is not hex
        b'00000078"*SIA-DCS"0001L0#ABCD[0123',  # encrypted body not whole AES blocks
    ],
)
def test_bad_frames_give_a_typed_error(frame: bytes) -> None:
    with pytest.raises(SiaFormatError) as caught:
        parse_frame(frame, ACCOUNTS)
    assert caught.value.code in ("format", "key", "crc")
    assert handle_frame(frame, ACCOUNTS, now=NOW).error == caught.value.code


def test_retransmitted_frame_maps_to_the_same_external_id() -> None:
    """A panel resends when our ACK is lost: ingestion must see a duplicate, not a new alarm."""
    frame = encode_frame(account="1234", code="BA", zone="5", sequence=9, timestamp=NOW)
    later = NOW + dt.timedelta(seconds=10)
    first = handle_frame(frame, ACCOUNTS, now=NOW)
    second = handle_frame(frame, ACCOUNTS, now=later)
    assert first.event is not None and second.event is not None
    ids = {
        to_device_event(first.event, device_code="P", received_at=NOW).external_id,
        to_device_event(second.event, device_code="P", received_at=later).external_id,
    }
    assert ids == {"1234/0009/20261127T083000Z/BA/5"}


def test_split_frames_cuts_a_stream_at_cr() -> None:
    one = encode_frame(account="1234", sequence=1, timestamp=NOW)
    two = encode_frame(account="1234", sequence=2, timestamp=NOW)
    frames, rest = split_frames(one + two[:10])
    assert frames == [one[:-1]] and rest == two[:10]
    frames, rest = split_frames(rest + two[10:])
    assert [handle_frame(f, ACCOUNTS, now=NOW).accepted for f in frames] == [True] and rest == b""


def test_naive_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        handle_frame(b"x", ACCOUNTS, now=dt.datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("account", "key", "encoding"),
    [
        ("12", None, "ascii"),  # too short
        ("12-4", None, "ascii"),
        ("1234", "0123", "ascii"),  # key length
        ("1234", "ZZZZZZZZZZZZZZZZ", "ascii"),  # not hex
        ("1234", "0123456789ABCDEF", "hex"),  # 16 hex digits is no AES key
    ],
)
def test_bad_account_config_is_refused(account: str, key: str | None, encoding: str) -> None:
    with pytest.raises(SiaConfigError):
        SiaAccountConfig(account, key, key_encoding=encoding)  # type: ignore[arg-type]


def test_key_never_appears_in_repr() -> None:
    assert ASCII_KEY not in repr(ACCOUNTS["ABCD"])
    assert "key=set" in repr(ACCOUNTS["ABCD"])


def test_account_ids_are_upper_cased() -> None:
    assert SiaAccountConfig("abc").account_id == "ABC"
