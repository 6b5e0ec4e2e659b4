"""The live feed (SSE): snapshot, new alarms arriving on an open stream, resuming with Last-Event-ID,
scoping, the API variant with bearer tokens, and the stream under ASGI (AsyncClient and a real uvicorn)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import AsyncClient, Client
from django.utils import timezone, translation

from anfang.alarms import services, stream
from anfang.alarms.choices import AlarmTypeChoices
from anfang.alarms.models import Alarm
from anfang.core.models import ApiToken
from tests.alarms.conftest import AlarmSite, event
from tests.support.views import client_for

Message = dict[str, Any]


@pytest.fixture(autouse=True)
def _quick_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Heartbeats every 0.3 s so a read never blocks long; streams end after 20 s at the latest."""
    monkeypatch.setattr(stream, "POLL_S", 0.05)
    monkeypatch.setattr(stream, "HEARTBEAT_S", 0.3)
    monkeypatch.setattr(stream, "MAX_STREAM_S", 20.0)


def parse(chunks: Iterable[bytes]) -> Iterator[Message]:
    """SSE messages (comments become {"comment": …}) from a byte stream, as a browser reads them."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            msg: Message = {}
            for line in block.decode().split("\n"):
                key, _sep, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "":
                    msg["comment"] = value
                elif key == "data":
                    msg["data"] = json.loads(value)
                else:
                    msg[key] = value
            yield msg


def next_event(messages: Iterator[Message], event: str, *, within: float = 5.0) -> Message:
    deadline = time.monotonic() + within
    for msg in messages:
        if msg.get("event") == event:
            return msg
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no {event!r} message within {within} s")


def close(response: Any) -> None:
    """Close a stream as a browser leaving does. The test client's wrapper around the stream fires
    request_finished with the connection-closing handler switched off; `response.close()` alone would
    fire it again with the handler on, closing the test's connection (inside its transaction on
    PostgreSQL)."""
    response._iterator.close()


def open_stream(
    client: Client, url: str = "/console/stream", **headers: Any
) -> tuple[Any, Iterator[Message]]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content if not response.streaming else ""
    assert response["Content-Type"].startswith("text/event-stream")
    return response, parse(response.streaming_content)


# ---------------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------------


def test_message_framing_keeps_json_on_one_line() -> None:
    raw = stream.message("alarm", {"title": "两行\n文字"}, 7)
    assert (
        raw
        == b'event: alarm\nid: 7\ndata: {"title":"\xe4\xb8\xa4\xe8\xa1\x8c\\n\xe6\x96\x87\xe5\xad\x97"}\n\n'
    )
    assert next(parse([raw]))["data"] == {"title": "两行\n文字"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("12", 12), (" 12 ", 12), ("-1", None), ("abc", None), ("9" * 30, None)],
)
def test_last_event_id_parsing(value: str | None, expected: int | None) -> None:
    assert stream.parse_last_event_id(value) == expected


# ---------------------------------------------------------------------------------------------------
# The console stream (WSGI path: Django's test client)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feed_payloads_are_the_same_as_the_apis(site: AlarmSite) -> None:
    """The live feed builds payloads from plain rows; they must equal `alarm_payload` of the alarm."""
    open_one = Alarm.objects.get(pk=services.ingest(event(external_id="p1")).alarm_id)
    done = Alarm.objects.get(pk=services.ingest(event(external_id="p2", zone="2")).alarm_id)
    services.claim(open_one, by=site.tenancy.operator_a)
    services.acknowledge(done, by=site.tenancy.operator_a)
    services.resolve(done, by=site.tenancy.operator_a, outcome="false_alarm", note="风吹动树枝")
    with translation.override("en"):
        _cursor, payloads = services.changes_since(site.tenancy.operator_a, 0)
        for payload in payloads:
            payload.pop("actions")
            assert payload == services.alarm_payload(Alarm.objects.get(pk=payload["id"]))
    assert {p["id"] for p in payloads} == {open_one.pk, done.pk}
    resolved = next(p for p in payloads if p["id"] == done.pk)
    assert resolved["outcome_label"] == "False alarm" and resolved["open"] is False
    claimed = next(p for p in payloads if p["id"] == open_one.pk)
    assert claimed["claimed_by"] and claimed["location"] == "东门"


@pytest.mark.django_db
def test_an_alarm_storm_lists_the_most_urgent_and_says_how_many_more(
    site: AlarmSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A console (re)connecting during a storm gets the most urgent CONSOLE_LIMIT, and the count."""
    monkeypatch.setattr(services, "CONSOLE_LIMIT", 2)
    services.ingest(event(external_id="z1", zone="1"))
    services.ingest(event(external_id="z2", zone="2"))
    sos = services.ingest(event(device="SOS-1", external_id="s1", type="emergency", zone="")).alarm_id
    operator = client_for(site.tenancy.operator_a)
    response, messages = open_stream(operator)
    snapshot = next_event(messages, "snapshot")["data"]
    close(response)
    assert len(snapshot["alarms"]) == 2 and snapshot["total"] == 3
    assert snapshot["alarms"][0]["id"] == sos  # the emergency first: priority before age

    page = operator.get("/console/").content.decode()
    assert "另有 1 条未处置报警未列出：控制台只列出最紧急的 2 条。" in page


@pytest.mark.django_db
def test_snapshot_then_a_new_alarm_arrives_on_the_open_stream(site: AlarmSite) -> None:
    first = services.ingest(event(external_id="e1")).alarm_id
    response, messages = open_stream(client_for(site.tenancy.operator_a))
    snapshot = next_event(messages, "snapshot")
    assert [a["id"] for a in snapshot["data"]["alarms"]] == [first]
    assert snapshot["id"] == str(snapshot["data"]["cursor"])

    second = services.ingest(event(device="SOS-1", external_id="s1", type="emergency", zone="")).alarm_id
    arrived = next_event(messages, "alarm")
    assert arrived["data"]["id"] == second and arrived["data"]["actions"] == ["raise"]
    assert arrived["data"]["type_label"] == str(AlarmTypeChoices.EMERGENCY.label)
    assert int(arrived["id"]) > int(snapshot["id"])

    # A change to an alarm arrives too, and a resolved alarm says it is closed.
    alarm = Alarm.objects.get(pk=first)
    services.acknowledge(alarm, by=site.tenancy.operator_a)
    changed = next_event(messages, "alarm")
    assert (changed["data"]["id"], changed["data"]["state"]) == (first, "acknowledged")
    services.resolve(alarm, by=site.tenancy.operator_a, outcome="false_alarm", note="风吹")
    closed = next_event(messages, "alarm")
    assert (closed["data"]["id"], closed["data"]["open"]) == (first, False)
    close(response)


@pytest.mark.django_db
def test_heartbeat_comments_keep_the_connection_alive(site: AlarmSite) -> None:
    response, messages = open_stream(client_for(site.tenancy.operator_a))
    next_event(messages, "snapshot")
    assert next(messages) == {"comment": "keep-alive"}
    close(response)


@pytest.mark.django_db
def test_last_event_id_resumes_without_missing_anything(site: AlarmSite) -> None:
    client = client_for(site.tenancy.operator_a)
    response, messages = open_stream(client)
    cursor = next_event(messages, "snapshot")["id"]
    close(response)  # the connection drops…

    # …and meanwhile two things happen.
    missed = services.ingest(event(external_id="e1")).alarm_id
    services.acknowledge(Alarm.objects.get(pk=missed), by=site.tenancy.manager_a)

    response, messages = open_stream(client, **{"Last-Event-ID": cursor})
    first = next(m for m in messages if "event" in m)
    assert first["event"] == "alarm"  # no snapshot on resume: just what was missed
    assert (first["data"]["id"], first["data"]["state"]) == (missed, "acknowledged")
    assert first["data"]["actions"] == ["raise", "claim", "acknowledge"]
    close(response)

    # The same through ?last_event_id= (a new EventSource cannot set the header).
    response, messages = open_stream(client, url=f"/console/stream?last_event_id={cursor}")
    assert next(m for m in messages if "event" in m)["data"]["id"] == missed
    close(response)


@pytest.mark.django_db
def test_a_stale_or_bad_last_event_id_gets_a_fresh_snapshot(site: AlarmSite) -> None:
    services.ingest(event(external_id="e1"))
    client = client_for(site.tenancy.operator_a)
    for bad in ("999999999", "nonsense"):
        response, messages = open_stream(client, **{"Last-Event-ID": bad})
        assert next(m for m in messages if "event" in m)["event"] == "snapshot"
        close(response)


@pytest.mark.django_db
def test_another_communitys_alarm_never_arrives(site: AlarmSite) -> None:
    b_alarm = services.ingest(event(device="PIR-B", external_id="b0")).alarm_id
    response, messages = open_stream(client_for(site.tenancy.operator_a))
    assert next_event(messages, "snapshot")["data"]["alarms"] == []
    services.ingest(event(device="PIR-B", external_id="b1", zone="9"))
    a_alarm = services.ingest(event(external_id="a1")).alarm_id
    seen = []
    while True:
        msg = next_event(messages, "alarm")
        seen.append(msg["data"]["id"])
        if msg["data"]["id"] == a_alarm:
            break
    assert seen == [a_alarm] and b_alarm not in seen
    close(response)


@pytest.mark.django_db
def test_police_get_only_alarms_reported_to_them(site: AlarmSite) -> None:
    alarm = Alarm.objects.get(pk=services.ingest(event(external_id="e1")).alarm_id)
    response, messages = open_stream(client_for(site.tenancy.police_a))
    assert next_event(messages, "snapshot")["data"]["alarms"] == []
    services.report_to_police(alarm, by=site.tenancy.operator_a, channel="110")
    arrived = next_event(messages, "alarm")
    assert arrived["data"]["id"] == alarm.pk and arrived["data"]["police_reported_at"]
    close(response)


@pytest.mark.django_db
def test_the_stream_speaks_the_users_language(site: AlarmSite) -> None:
    services.ingest(event(external_id="e1"))
    client = client_for(site.tenancy.operator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, messages = open_stream(client)
    label = next_event(messages, "snapshot")["data"]["alarms"][0]["type_label"]
    with translation.override("en"):
        assert label == str(AlarmTypeChoices.PERIMETER.label)
    close(response)


@pytest.mark.django_db
def test_console_stream_needs_a_login() -> None:
    response = Client().get("/console/stream")
    assert response.status_code == 401


# ---------------------------------------------------------------------------------------------------
# The API stream: user bearer tokens only
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_stream_with_a_user_token(site: AlarmSite) -> None:
    _token, raw = ApiToken.issue(name="wall", user=site.tenancy.operator_a)
    response, messages = open_stream(Client(), "/api/v1/alarms/stream", Authorization=f"Bearer {raw}")
    next_event(messages, "snapshot")
    new = services.ingest(event(external_id="e1")).alarm_id
    assert next_event(messages, "alarm")["data"]["id"] == new
    close(response)


def test_revoking_the_token_ends_the_stream(site: AlarmSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "RECHECK_S", 0.1)
    token, raw = ApiToken.issue(name="wall", user=site.tenancy.operator_a)
    response, messages = open_stream(Client(), "/api/v1/alarms/stream", Authorization=f"Bearer {raw}")
    next_event(messages, "snapshot")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    started = time.monotonic()
    rest = list(messages)  # the stream ends by itself
    assert time.monotonic() - started < 5 and not any(m.get("event") == "alarm" for m in rest)
    close(response)


def test_a_deactivated_user_is_cut_off(site: AlarmSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "RECHECK_S", 0.1)
    response, messages = open_stream(client_for(site.tenancy.operator_a))
    next_event(messages, "snapshot")
    type(site.tenancy.operator_a).objects.filter(pk=site.tenancy.operator_a.pk).update(is_active=False)
    time.sleep(0.2)  # past the re-check interval
    services.ingest(event(external_id="after"))
    assert not any(m.get("event") == "alarm" for m in messages)
    close(response)


@pytest.mark.django_db
def test_api_stream_narrowed_to_a_community(site: AlarmSite) -> None:
    _token, raw = ApiToken.issue(name="wall", user=site.tenancy.admin)
    auth = {"Authorization": f"Bearer {raw}"}
    services.ingest(event(device="PIR-B", external_id="b1"))
    response, messages = open_stream(Client(), "/api/v1/alarms/stream?community=a", **auth)
    assert next_event(messages, "snapshot")["data"]["alarms"] == []
    close(response)


@pytest.mark.django_db
def test_api_stream_refuses_devices_strangers_and_other_communities(site: AlarmSite) -> None:
    _t, device_raw = ApiToken.issue(name="dev", device=site.detector)
    _t, user_raw = ApiToken.issue(name="u", user=site.tenancy.operator_a)
    client = Client()
    answer = client.get("/api/v1/alarms/stream", headers={"Authorization": f"Bearer {device_raw}"})
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    answer = client.get("/api/v1/alarms/stream", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert client.get("/api/v1/alarms/stream").status_code == 401
    answer = client.get("/api/v1/alarms/stream?community=b", headers={"Authorization": f"Bearer {user_raw}"})
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"
    assert (
        client.post("/api/v1/alarms/stream", headers={"Authorization": f"Bearer {user_raw}"}).status_code
        == 405
    )


# ---------------------------------------------------------------------------------------------------
# Under ASGI: Django's AsyncClient, and a real uvicorn
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_stream_under_asgi_with_the_async_client(site: AlarmSite) -> None:
    _token, raw = ApiToken.issue(name="wall", user=site.tenancy.operator_a)

    async def run() -> tuple[Message, Message]:
        client = AsyncClient()
        response = await client.get("/api/v1/alarms/stream", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200
        chunks = response.streaming_content.__aiter__()
        got: list[Message] = []

        async def read_until(kind: str) -> Message:
            buffer: list[bytes] = []
            while True:
                chunk = await asyncio.wait_for(chunks.__anext__(), timeout=5)
                buffer.append(chunk)
                for msg in parse(buffer):
                    got.append(msg)
                    if msg.get("event") == kind:
                        return msg
                    buffer = []

        snapshot = await read_until("snapshot")
        from asgiref.sync import sync_to_async

        await sync_to_async(services.ingest)(event(external_id="e1"))
        arrived = await read_until("alarm")
        await chunks.aclose()
        return snapshot, arrived

    snapshot, arrived = asyncio.run(run())
    assert snapshot["data"]["alarms"] == []
    assert arrived["data"]["community"] == "a" and arrived["data"]["state"] == "new"


@pytest.mark.django_db(transaction=True)
def test_stream_under_a_real_uvicorn(site: AlarmSite) -> None:
    import httpx
    import uvicorn

    from anfang.asgi import application

    _token, raw = ApiToken.issue(name="wall", user=site.tenancy.operator_a)
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with (
            httpx.Client(timeout=10) as http,
            http.stream(
                "GET",
                f"http://127.0.0.1:{port}/api/v1/alarms/stream",
                headers={"Authorization": f"Bearer {raw}"},
            ) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            messages = parse(response.iter_raw())
            next_event(messages, "snapshot")
            new = services.ingest(event(external_id="e1")).alarm_id
            assert next_event(messages, "alarm")["data"]["id"] == new
    finally:
        server.should_exit = True
        thread.join(timeout=10)
