"""Barrier gates: the ISAPI barrierGate exchange (pure), the client against the simulator over a real socket.

The messages are BUILT FROM PUBLIC CODE, not captured here: the request path and body follow the
adapters in the public code index that drive `PUT /ISAPI/Parking/channels/<n>/barrierGate` with
`<BarrierGate version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><ctrlMode>open</ctrlMode>
</BarrierGate>` (one of them notes it was captured from a DS-TCG405-E, firmware V5.4.0, answered with
statusCode 1 / OK, and that lock/unlock are lasting states); ResponseStatus codes and subStatusCodes
follow the ISAPI ResponseStatus type (statusCode 1-7, subStatusCode ok/deviceBusy/lowPrivilege/…).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import anfang.integrations.gates as library
from anfang.integrations.gates import (
    AUTH,
    PROTOCOL,
    REFUSED,
    TIMEOUT,
    UNREACHABLE,
    GateCommand,
    GateFormatError,
    GateResult,
    IsapiBarrier,
    SimulatedBarrier,
    build_request,
    parse_command,
    parse_response,
    response_status,
)
from tests.integrations.quality import assert_checklist_complete, assert_standalone

# Built from the ISAPI ResponseStatus type (hikvision.com ver20 namespace variant).
OK_ANSWER = b"""<?xml version="1.0" encoding="UTF-8"?>
<ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<requestURL>/ISAPI/Parking/channels/1/barrierGate</requestURL>
<statusCode>1</statusCode>
<statusString>OK</statusString>
<subStatusCode>ok</subStatusCode>
</ResponseStatus>
"""
BUSY_ANSWER = (
    OK_ANSWER.replace(b"<statusCode>1", b"<statusCode>2")
    .replace(b">OK<", b">Device Busy<")
    .replace(b">ok<", b">deviceBusy<")
)
NOT_SUPPORTED = (
    b'<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="http://www.isapi.org/ver20/'
    b'XMLSchema"><requestURL>/ISAPI/Parking/channels/1/barrierGate</requestURL><statusCode>4</statusCode>'
    b"<statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode>"
    b"</ResponseStatus>"
)


@pytest.fixture
def sim() -> Iterator[SimulatedBarrier]:
    barrier = SimulatedBarrier(username="admin", password="pw")
    barrier.start()
    yield barrier
    barrier.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- the library stands alone ---------------------------------------------------------------------------


def test_every_rule_has_a_status_and_exemptions_a_reason() -> None:
    assert_checklist_complete(library)


def test_the_library_imports_no_django_and_no_other_anfang_app() -> None:
    assert_standalone(library)


# --- pure request / response ----------------------------------------------------------------------------


def test_build_request_is_the_isapi_put() -> None:
    method, path, body = build_request(GateCommand.OPEN, 1)
    assert (method, path) == ("PUT", "/ISAPI/Parking/channels/1/barrierGate")
    assert b'xmlns="http://www.isapi.org/ver20/XMLSchema"' in body
    assert b"<ctrlMode>open</ctrlMode>" in body
    assert parse_command(body) is GateCommand.OPEN
    assert build_request("unlock", 2)[1] == "/ISAPI/Parking/channels/2/barrierGate"
    assert [command.value for command in GateCommand] == ["open", "close", "lock", "unlock"]


@pytest.mark.parametrize("channel", [0, -1, 1000, True, "1"])
def test_build_request_refuses_a_bad_channel(channel: object) -> None:
    with pytest.raises(ValueError, match="channel"):
        build_request(GateCommand.OPEN, channel)  # type: ignore[arg-type]


def test_build_request_refuses_an_unknown_command() -> None:
    with pytest.raises(ValueError):
        build_request("explode", 1)


@pytest.mark.parametrize(
    ("status", "body", "ok", "error", "detail"),
    [
        (200, OK_ANSWER, True, "", "OK / ok"),
        (200, b"", True, "", "OK"),  # some firmware answers 200 without a body
        (200, BUSY_ANSWER, False, REFUSED, "Device Busy / deviceBusy"),
        (200, b"<html>hello</html>", False, PROTOCOL, "not a ResponseStatus"),
        (200, b"\x00\xff garbage", False, PROTOCOL, "not a ResponseStatus"),
        (401, b"", False, AUTH, "wrong user name or password"),
        (403, NOT_SUPPORTED, False, REFUSED, "Invalid Operation / notSupport"),
        (500, b"oops", False, REFUSED, "HTTP 500"),
    ],
)
def test_parse_response(status: int, body: bytes, ok: bool, error: str, detail: str) -> None:
    result = parse_response(status, body)
    assert (result.ok, result.status, result.error) == (ok, status, error)
    assert detail in result.detail


def test_parse_response_reads_the_status_fields() -> None:
    result = parse_response(200, BUSY_ANSWER)
    assert (result.status_code, result.sub_status_code) == (2, "deviceBusy")


def test_xml_bombs_are_not_expanded() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><ResponseStatus>&a;</ResponseStatus>'
    assert parse_response(200, bomb).error == PROTOCOL
    with pytest.raises(GateFormatError):
        parse_command(bomb)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty"),
        (b"open", "not XML"),
        (b"<ResponseStatus/>", "not BarrierGate"),
        (b"<BarrierGate><ctrlMode>explode</ctrlMode></BarrierGate>", "unknown ctrlMode"),
        (b"<BarrierGate/>", "unknown ctrlMode"),
    ],
)
def test_parse_command_bad_bodies(body: bytes, words: str) -> None:
    with pytest.raises(GateFormatError, match=words):
        parse_command(body)


def test_parse_command_without_namespace_and_in_capitals() -> None:
    assert parse_command(b"<BarrierGate><ctrlMode> LOCK </ctrlMode></BarrierGate>") is GateCommand.LOCK


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=100, max_value=599), st.binary(max_size=500))
def test_parse_response_never_raises(status: int, body: bytes) -> None:
    result = parse_response(status, body)
    assert isinstance(result, GateResult)
    assert not result.ok or 200 <= status < 300


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=500))
def test_parse_command_raises_only_the_typed_error(body: bytes) -> None:
    with contextlib.suppress(GateFormatError):
        parse_command(body)


def test_response_status_round_trip() -> None:
    result = parse_response(
        200, response_status(1, "ok", request_url="/ISAPI/Parking/channels/1/barrierGate")
    )
    assert result.ok and result.status_code == 1


# --- against the simulator, over a real local socket ----------------------------------------------------


def test_open_succeeds_and_the_barrier_records_it(sim: SimulatedBarrier) -> None:
    before = dt.datetime.now(dt.UTC)
    result = IsapiBarrier(sim.url, channel=1, username="admin", password="pw", timeout_s=2.0).send(
        GateCommand.OPEN
    )
    assert result.ok and result.status == 200 and result.status_code == 1
    assert result.error == "" and 0 < result.ms < 2000
    [(command, channel, at)] = sim.commands
    assert (command, channel) == (GateCommand.OPEN, 1)
    assert at.tzinfo is not None and before <= at <= dt.datetime.now(dt.UTC)


def test_every_command_and_channel(sim: SimulatedBarrier) -> None:
    for channel in (1, 2):
        barrier = IsapiBarrier(sim.url, channel=channel, username="admin", password="pw", timeout_s=2.0)
        for command in GateCommand:
            assert barrier.send(command).ok
    assert [(command.value, channel) for command, channel, _ in sim.commands] == [
        (command.value, channel) for channel in (1, 2) for command in GateCommand
    ]


def test_wrong_password_is_a_failed_result_with_the_reason(sim: SimulatedBarrier) -> None:
    result = IsapiBarrier(sim.url, username="admin", password="wrong", timeout_s=2.0).send(GateCommand.OPEN)
    assert not result.ok
    assert (result.status, result.error) == (401, AUTH)
    assert "wrong user name or password" in result.detail
    assert sim.commands == []


def test_wrong_user_is_refused_too(sim: SimulatedBarrier) -> None:
    result = IsapiBarrier(sim.url, username="guest", password="pw", timeout_s=2.0).send(GateCommand.OPEN)
    assert result.error == AUTH and sim.commands == []


def test_simulator_down_is_a_failed_result_not_an_exception() -> None:
    result = IsapiBarrier(f"http://127.0.0.1:{free_port()}", password="pw", timeout_s=1.0).send(
        GateCommand.OPEN
    )
    assert not result.ok and result.status is None and result.error == UNREACHABLE
    assert "cannot reach" in result.detail


def test_stopped_simulator_refuses_connections(sim: SimulatedBarrier) -> None:
    sim.stop()
    result = IsapiBarrier(sim.url, password="pw", timeout_s=1.0).send(GateCommand.OPEN)
    assert result.error == UNREACHABLE


def test_timeout_is_honoured_and_the_late_barrier_still_moves(sim: SimulatedBarrier) -> None:
    sim.fail_with(None, delay_s=1.0)
    started = time.monotonic()
    result = IsapiBarrier(sim.url, username="admin", password="pw", timeout_s=0.3).send(GateCommand.OPEN)
    elapsed = time.monotonic() - started
    assert not result.ok and result.error == TIMEOUT and result.status is None
    assert "0.3" in result.detail
    assert elapsed < 0.95  # gave up before the device answered
    assert 250 <= result.ms < 950
    # A timed-out command may still have opened the gate: the caller must not assume it did not.
    deadline = time.monotonic() + 3
    while not sim.commands and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [command for command, _, _ in sim.commands] == [GateCommand.OPEN]


@pytest.mark.parametrize(
    ("status", "error", "detail"),
    [(500, REFUSED, "deviceError"), (403, REFUSED, "lowPrivilege"), (401, AUTH, "wrong user name")],
)
def test_failing_device_answers(sim: SimulatedBarrier, status: int, error: str, detail: str) -> None:
    sim.fail_with(status)
    result = IsapiBarrier(sim.url, username="admin", password="pw", timeout_s=2.0).send(GateCommand.OPEN)
    assert (result.ok, result.status, result.error) == (False, status, error)
    assert detail in result.detail
    assert sim.commands == []
    sim.recover()
    assert IsapiBarrier(sim.url, username="admin", password="pw", timeout_s=2.0).send(GateCommand.OPEN).ok


def test_dropped_connection_is_a_failed_result(sim: SimulatedBarrier) -> None:
    sim.fail_with(None)
    result = IsapiBarrier(sim.url, username="admin", password="pw", timeout_s=2.0).send(GateCommand.CLOSE)
    assert not result.ok and result.error == UNREACHABLE and "closed the connection" in result.detail


def test_bad_base_url_is_a_failed_result() -> None:
    for url in ("not a url", "ftp://127.0.0.1", "http://"):
        result = IsapiBarrier(url, password="pw", timeout_s=0.5).send(GateCommand.OPEN)
        assert not result.ok and result.error in (UNREACHABLE, PROTOCOL), url


def test_simulator_checks_the_protocol(sim: SimulatedBarrier) -> None:
    auth = httpx.DigestAuth("admin", "pw")
    with httpx.Client(timeout=2.0) as client:
        bad_xml = client.put(sim.url + "/ISAPI/Parking/channels/1/barrierGate", content=b"open", auth=auth)
        bad_mode = client.put(
            sim.url + "/ISAPI/Parking/channels/1/barrierGate",
            content=b"<BarrierGate><ctrlMode>fly</ctrlMode></BarrierGate>",
            auth=auth,
        )
        wrong_path = client.put(sim.url + "/ISAPI/System/IO/outputs/1/trigger", content=b"", auth=auth)
        wrong_method = client.get(sim.url + "/ISAPI/Parking/channels/1/barrierGate", auth=auth)
        no_auth = client.put(
            sim.url + "/ISAPI/Parking/channels/1/barrierGate", content=build_request("open")[2]
        )
    assert (bad_xml.status_code, parse_response(400, bad_xml.content).sub_status_code) == (
        400,
        "badXmlFormat",
    )
    assert (bad_mode.status_code, parse_response(400, bad_mode.content).sub_status_code) == (
        400,
        "badXmlContent",
    )
    assert (wrong_path.status_code, wrong_method.status_code) == (404, 405)
    assert no_auth.status_code == 401 and no_auth.headers["WWW-Authenticate"].startswith("Digest ")
    assert sim.commands == []


def test_injected_client_is_used_and_kept_open(sim: SimulatedBarrier) -> None:
    with httpx.Client() as client:
        barrier = IsapiBarrier(sim.url, username="admin", password="pw", timeout_s=2.0, client=client)
        assert barrier.send(GateCommand.OPEN).ok and barrier.send(GateCommand.CLOSE).ok
        assert not client.is_closed
    assert "pw" not in repr(barrier)


def test_simulator_as_context_manager_on_a_chosen_port() -> None:
    port = free_port()
    with SimulatedBarrier(port=port, username="u", password="p") as sim:
        assert sim.url == f"http://127.0.0.1:{port}" and sim.running
        assert IsapiBarrier(sim.url, username="u", password="p", timeout_s=2.0).send("lock").ok
    assert not sim.running


def test_fail_with_refuses_a_non_status() -> None:
    with pytest.raises(ValueError):
        SimulatedBarrier().fail_with(42)
