"""Every real SIA sample in ../shared/fixtures/protocols/sia parses to what INDEX.md says.

INDEX.md writes DC-09 tokens in two ways ("line=L0" for SIA-DCS rows, "line=789ABC" for ADM-CID):
`line_token` is the token with its letter, `line`/`receiver` the number without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.integrations import events as ev
from anfang.integrations.sia import (
    SiaAccountConfig,
    SiaFormatError,
    accounts_by_id,
    handle_frame,
    parse_frame,
    to_device_event,
)
from tests.support.shared_data import protocol_fixture

UTC = dt.UTC

# file → fields of the parsed SiaMessage, as INDEX.md lists them.
EXPECTED: dict[str, dict[str, Any]] = {
    "dcs_closing_CL_issue11.txt": {
        "id_token": "SIA-DCS",
        "sequence": "7960",
        "line_token": "L0",
        "account": "123456",
        "ri": "1",
        "code": "CL",
        "zone": "0",
        "text": "VX FRONTE ",
        "timestamp": dt.datetime(2021, 4, 11, 22, 40, 48, tzinfo=UTC),
        "encrypted": False,
        "crc": "9618",
        "crc_valid": False,
        "length_header": 77,
        "length_valid": False,
    },
    "adm_cid_fire_alarm.txt": {
        "id_token": "ADM-CID",
        "sequence": "9876",
        "receiver": "579BDF",
        "line": "789ABC",
        "account": "12345A",
        "qualifier": "1",
        "event_code": "110",
        "code": "FA",
        "partition": "00",
        "zone": "129",
        "timestamp": dt.datetime(2011, 9, 25, 14, 12, 4, tzinfo=UTC),
        "encrypted": False,
        "crc": "87CD",
        "crc_valid": False,
        "length_header": 55,
        "length_valid": False,
    },
    "dcs_user_code_tamper_JC.txt": {
        "id_token": "SIA-DCS",
        "sequence": "6002",
        "line_token": "L0",
        "account": "AAA",
        "ri": "2",
        "code": "JC",
        "zone": "12",
        "timestamp": dt.datetime(2021, 9, 15, 12, 58, 23, tzinfo=UTC),
        "encrypted": False,
        "crc": "97F9",
        "crc_valid": True,
        "length_header": 120,
        "length_valid": False,
    },
    "dcs_encrypted_star.txt": {
        "id_token": "*SIA-DCS",
        "sequence": "5994",
        "line_token": "L0",
        "account": "AAA",
        "encrypted": True,
        "decrypted": False,  # key=None: the source does not give it
        "crc": "60AB",
        "crc_valid": True,
        "length_header": 120,
        "length_valid": False,
    },
    "adm_cid_encrypted_star.txt": {
        "id_token": "*ADM-CID",
        "sequence": "6879",
        "receiver": "0",
        "line_token": "L0",
        "account": "123F",
        "encrypted": True,
        "decrypted": False,
        "crc": "D085",
        "crc_valid": True,
        "length_header": 120,
        "length_valid": True,
    },
    "osborne_hoffman_OH_test.txt": {
        "message_type": "OH",
        "receiver": "0001",
        "line": "0001",
        "account": "006969XX",
        "code": "RP",
    },
    "dcs_closing_CL.txt": {
        "id_token": "SIA-DCS",
        "sequence": "6002",
        "line_token": "L0",
        "account": "AAA",
        "ri": "1",
        "code": "CL",
        "zone": "501",
        "timestamp": dt.datetime(2019, 9, 25, 14, 12, 4, tzinfo=UTC),
        "encrypted": False,
        "crc": "E5D5",
        "crc_valid": True,
        "length_header": 120,
        "length_valid": False,
    },
    "dcs_water_alarm_WA.txt": {
        "id_token": "SIA-DCS",
        "sequence": "5268",
        "line_token": "L0",
        "account": "AAA",
        "ri": "1",
        "code": "WA",
        "zone": "000",
        "timestamp": dt.datetime(2020, 7, 8, 8, 40, 47, tzinfo=UTC),
        "encrypted": False,
        "crc": "C416",
        "crc_valid": False,
        "length_header": 633,
        "length_valid": False,
    },
}

ACCOUNTS = accounts_by_id(SiaAccountConfig(a) for a in ("AAA", "123456", "12345A", "123F", "006969XX"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_parses_to_what_the_index_says(name: str) -> None:
    message = parse_frame(protocol_fixture(f"sia/{name}"))
    got = {field: getattr(message, field) for field in EXPECTED[name]}
    assert got == EXPECTED[name]


def test_every_sia_sample_is_covered() -> None:
    from tests.support.shared_data import shared_dir

    on_disk = {p.name for p in (shared_dir() / "fixtures/protocols/sia").iterdir()}
    assert on_disk == set(EXPECTED) | {"dc04_receiver_prefix_unsupported.txt"}


def test_dc04_frame_is_rejected_as_format_with_its_account() -> None:
    """pysiaalarm rejects the DC-04 style "<x0A>" prefix; the account is still named for the log."""
    frame = protocol_fixture("sia/dc04_receiver_prefix_unsupported.txt")
    with pytest.raises(SiaFormatError) as caught:
        parse_frame(frame)
    assert (caught.value.code, caught.value.account) == ("format", "12345A")
    outcome = handle_frame(frame, ACCOUNTS, now=dt.datetime(2011, 9, 25, 14, 12, 5, tzinfo=UTC))
    assert outcome.error == "format"
    assert outcome.account == "12345A"
    assert outcome.event is None and not outcome.should_store and outcome.should_keep_raw
    assert b'"DUH"9876R579BDFL789ABC#12345A[]' in outcome.response


def at(name: str) -> dt.datetime:
    """A receiver clock one second after the sample's own time, so only real faults are rejected."""
    timestamp = EXPECTED[name].get("timestamp")
    return (timestamp or dt.datetime(2026, 1, 1, tzinfo=UTC)) + dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("name", "response", "error"),
    [
        # Valid CRC, fresh timestamp: ACK although the length header is wrong (real panels send that).
        ("dcs_closing_CL.txt", b'"ACK"6002L0#AAA[]', None),
        ("dcs_user_code_tamper_JC.txt", b'"ACK"6002L0#AAA[]', None),
        # CRC mismatch: NAK, never stored as an event.
        ("dcs_closing_CL_issue11.txt", b'"NAK"0000R0L0A0[]_22:40:49,04-11-2021', "crc"),
        ("adm_cid_fire_alarm.txt", b'"NAK"0000R579BDFL789ABCA0[]_14:12:05,09-25-2011', "crc"),
        ("dcs_water_alarm_WA.txt", b'"NAK"0000R0L0A0[]_08:40:48,07-08-2020', "crc"),
        # Encrypted and no key known for the account: NAK.
        ("dcs_encrypted_star.txt", b'"NAK"0000R0L0A0[]', "account"),
        ("adm_cid_encrypted_star.txt", b'"NAK"0000R0L0A0[]', "account"),
        # Osborne-Hoffman supervision line: pysiaalarm's bare ACK.
        ("osborne_hoffman_OH_test.txt", b'"ACK"', None),
    ],
)
def test_receiver_answers_each_sample(name: str, response: bytes, error: str | None) -> None:
    outcome = handle_frame(protocol_fixture(f"sia/{name}"), ACCOUNTS, now=at(name))
    assert response in outcome.response
    assert outcome.error == error
    assert outcome.should_store is (error is None)
    assert outcome.should_keep_raw


def test_wrong_length_header_is_accepted_with_a_warning() -> None:
    outcome = handle_frame(protocol_fixture("sia/dcs_closing_CL.txt"), ACCOUNTS, now=at("dcs_closing_CL.txt"))
    assert outcome.accepted
    assert outcome.warnings == ("length",)
    assert outcome.clock_drift_s == -1.0


def test_old_sample_against_todays_clock_is_refused_as_stale() -> None:
    frame = protocol_fixture("sia/dcs_closing_CL.txt")
    outcome = handle_frame(frame, ACCOUNTS, now=dt.datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assert outcome.error == "timestamp"
    assert outcome.response.startswith(b"\n") and b'"NAK"' in outcome.response
    assert b"_02:00:00,11-27-2026" in outcome.response  # the receiver's time, to correct the panel clock
    assert not outcome.should_store


@pytest.mark.parametrize(
    ("name", "event_type", "restore", "zone", "vendor_code"),
    [
        ("dcs_closing_CL.txt", ev.ARMING, False, "501", "CL"),
        ("dcs_closing_CL_issue11.txt", ev.ARMING, False, "0", "CL"),
        ("dcs_user_code_tamper_JC.txt", ev.TAMPER, True, "12", "JC"),  # pysiaalarm: "tamper canceled"
        ("adm_cid_fire_alarm.txt", ev.FIRE, False, "129", "1110"),
        ("dcs_water_alarm_WA.txt", ev.WATER_LEAK, False, "000", "WA"),
        ("osborne_hoffman_OH_test.txt", ev.TEST, False, "", "RP"),
    ],
)
def test_sample_maps_to_a_device_event(
    name: str, event_type: str, restore: bool, zone: str, vendor_code: str
) -> None:
    message = parse_frame(protocol_fixture(f"sia/{name}"))
    event = to_device_event(message, device_code="PANEL-1", received_at=at(name))
    assert (event.source, event.device, event.type) == ("sia", "PANEL-1", event_type)
    assert (event.restore, event.zone, event.vendor_code) == (restore, zone, vendor_code)
    assert event.occurred_at == EXPECTED[name].get("timestamp")
    assert event.external_id.startswith(f"{message.account}/")


def test_sample_text_reaches_the_event() -> None:
    message = parse_frame(protocol_fixture("sia/dcs_closing_CL_issue11.txt"))
    event = to_device_event(message, device_code="P")
    assert event.text == "VX FRONTE"
    assert event.external_id == "123456/7960/20210411T224048Z/CL/0"
    assert event.data["area"] == "1" and event.data["crc_valid"] is False
