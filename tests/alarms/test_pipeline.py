"""The writer pipeline (`alarms.pipeline`) and the fast events endpoint in front of it.

Senders are answered only after their group is committed; one bad message fails alone; a database
that is away is retried (MQTT) or refused at once (HTTP: 503, the device sends again); a stopped
pipeline acknowledges nothing more; an event the sweeper finished first is not processed twice.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from anfang.alarms import ingest, pipeline, services
from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import Alarm, AlarmAction, InboundEvent
from anfang.core.models import ApiToken
from anfang.duty.models import DutyLogEntry
from tests.alarms.conftest import AlarmSite, event
from tests.alarms.test_ingest_api import URL, body
from tests.support.api import AsgiClient

pytestmark = pytest.mark.django_db(transaction=True)


def stored_message(external_id: str, **kw: Any) -> pipeline.Message:
    return pipeline.Message(store=lambda: [services.store(event(external_id=external_id, **kw))])


@pytest.fixture
def writer() -> Any:
    p = pipeline.EventPipeline("test")
    yield p
    p.stop()


def test_a_group_is_stored_then_processed_and_every_sender_hears_back(site: AlarmSite, writer: Any) -> None:
    gate = threading.Event()
    # The first message holds the writer until the others are queued, so they form one group.
    first = writer.submit(pipeline.Message(store=lambda: gate.wait(5) and []))
    messages = [writer.submit(stored_message(f"g{i}", zone=str(i))) for i in range(5)]
    gate.set()
    first.processed.result(timeout=10)
    answers = [m.processed.result(timeout=10)[0] for m in messages]
    assert [a.status for a in answers] == [EventStatusChoices.ALARM] * 5
    assert Alarm.objects.filter(pk__in=[a.alarm_id for a in answers]).count() == 5
    # Stored futures were resolved too (the MQTT PUBACK and SIA ACK hang on them).
    assert all(m.stored.result(timeout=1)[0].id == a.id for m, a in zip(messages, answers, strict=True))
    # every raise wrote its duty-log line.
    assert DutyLogEntry.objects.filter(alarm_id__in=[a.alarm_id for a in answers]).count() == 5


def test_one_bad_message_fails_alone(site: AlarmSite, writer: Any) -> None:
    def refused() -> list[Any]:
        services.store(event(external_id="half"))  # written, then undone with its savepoint
        raise ValueError("a value the database refuses")

    bad = writer.submit(pipeline.Message(store=refused))
    good = writer.submit(stored_message("fine"))
    with pytest.raises(ValueError):
        bad.stored.result(timeout=10)
    assert good.processed.result(timeout=10)[0].status == EventStatusChoices.ALARM
    assert list(InboundEvent.objects.values_list("external_id", flat=True)) == ["fine"]


def test_a_database_away_is_retried_until_stored_when_asked(
    site: AlarmSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    retrying = pipeline.EventPipeline("retry", retry_store=True, max_backoff=0.1)
    failures = iter([OperationalError("database is locked"), OperationalError("database is locked")])

    def flaky() -> list[Any]:
        error = next(failures, None)
        if error is not None:
            raise error
        return [services.store(event(external_id="late"))]

    try:
        message = retrying.submit(pipeline.Message(store=flaky))
        assert message.stored.result(timeout=10)[0].duplicate is False
    finally:
        retrying.stop()
    assert InboundEvent.objects.filter(external_id="late").count() == 1


def test_without_retry_a_database_away_fails_the_group(site: AlarmSite, writer: Any) -> None:
    def away() -> list[Any]:
        raise OperationalError("no such database")

    message = writer.submit(pipeline.Message(store=away))
    with pytest.raises(OperationalError):
        message.stored.result(timeout=10)
    with pytest.raises(OperationalError):
        message.processed.result(timeout=10)


def test_a_stopped_pipeline_acknowledges_nothing(site: AlarmSite) -> None:
    p = pipeline.EventPipeline("stopping")
    p.stop()
    message = p.submit(stored_message("too-late"))
    with pytest.raises(pipeline.PipelineStopped):
        message.stored.result(timeout=1)
    assert not InboundEvent.objects.exists()


def test_an_event_the_sweeper_finished_first_is_not_processed_twice(site: AlarmSite) -> None:
    stored = services.ingest(event(external_id="raced"), process_now=False)
    row = InboundEvent.objects.get(pk=stored.id)
    first = services.process(stored.id)  # the sweeper, say
    again = services.process_stored([row])[0]  # the pipeline, with its row from before
    assert (again.status, again.alarm_id) == first
    assert Alarm.objects.count() == 1
    assert AlarmAction.objects.filter(action="raise").count() == 1


# ---------------------------------------------------------------------------------------------------
# The fast events endpoint (`anfang.asgi` → `alarms.ingest.device_events`)
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Messages the HTTP pipeline received (to tell the fast path from Django's)."""
    seen: list[Any] = []
    real = ingest._pipeline.submit

    def spy(message: Any) -> Any:
        seen.append(message)
        return real(message)

    monkeypatch.setattr(ingest._pipeline, "submit", spy)
    return seen


def test_device_tokens_take_the_fast_path_and_people_go_to_django(
    site: AlarmSite, submitted: list[Any]
) -> None:
    _token, raw = ApiToken.issue(name="device", device=site.detector)
    assert AsgiClient(raw).post(URL, body()).status_code == 202
    assert len(submitted) == 1
    _token, person = ApiToken.issue(name="gateway", user=site.tenancy.manager_a)
    assert AsgiClient(person).post(URL, body(external_id="p1")).status_code == 202
    assert len(submitted) == 2  # tried, found not a device token, handed to Django
    assert InboundEvent.objects.filter(external_id="p1").count() == 1


def test_a_revoked_device_token_is_refused_at_once(site: AlarmSite, submitted: list[Any]) -> None:
    token, raw = ApiToken.issue(name="device", device=site.detector)
    assert AsgiClient(raw).post(URL, body()).status_code == 202
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert AsgiClient(raw).post(URL, body(external_id="after")).status_code == 401
    assert not InboundEvent.objects.filter(external_id="after").exists()


def test_a_body_over_the_upload_limit_gets_djangos_answer(
    site: AlarmSite, submitted: list[Any], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _token, raw = ApiToken.issue(name="device", device=site.detector)
    response = AsgiClient(raw).post(URL, body(text="长" * 1000))
    assert response.status_code == 400 and not submitted
    assert not InboundEvent.objects.filter(external_id="evt-1").exists()


def test_a_database_failure_is_a_503_and_nothing_is_acknowledged(
    site: AlarmSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def away(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "store", away)
    _token, raw = ApiToken.issue(name="device", device=site.detector)
    response = AsgiClient(raw).post(URL, body())
    assert response.status_code == 503 and response.json()["error"] == "unavailable"
    assert not InboundEvent.objects.exists()


def test_a_waiter_that_gives_up_does_not_stop_the_writer(site: AlarmSite, writer: Any) -> None:
    """A cancelled future (a client gone, a server stopping) must not kill the thread others wait on."""
    gate = threading.Event()
    writer.submit(pipeline.Message(store=lambda: gate.wait(5) and []))
    given_up = writer.submit(stored_message("c1"))
    other = writer.submit(stored_message("c2", zone="2"))
    assert given_up.processed.cancel()
    gate.set()
    assert other.processed.result(timeout=10)[0].status == EventStatusChoices.ALARM
    assert given_up.stored.result(timeout=10)[0].duplicate is False  # stored all the same
    assert writer.submit(stored_message("c3", zone="3")).processed.result(timeout=10)


def test_two_zigbee_reports_of_one_device_in_one_group_compare_with_each_other(site: AlarmSite) -> None:
    """Leak, then dry, queued together: both are events (the second compares with the first)."""
    from anfang.alarms.workers import MqttListener
    from tests.support import factories
    from tests.support.shared_data import protocol_fixture

    sensor = factories.in_service_device(
        site.tenancy.a, code="LEAK-1", name="水泵房漏水", serial_number="0x005043c95f277c80"
    )
    listener = MqttListener("mqtt://127.0.0.1:1", client_id="unit")
    acked: list[int] = []
    client = type("Client", (), {"ack": lambda self, mid, qos: acked.append(mid)})()
    gate = threading.Event()
    listener._pipeline.submit(pipeline.Message(store=lambda: gate.wait(5) and []))
    for mid, name in enumerate(["z2m_trust_water_leak_true.json", "z2m_trust_water_leak_false.json"], 1):
        message = type(
            "Msg",
            (),
            {
                "topic": "zigbee2mqtt/0x005043c95f277c80",
                "payload": protocol_fixture(f"mqtt/{name}"),
                "mid": mid,
                "qos": 1,
            },
        )()
        listener._on_message(client, None, message)
    gate.set()
    try:
        deadline = time.monotonic() + 10
        while len(acked) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        listener._pipeline.stop()
    assert acked == [1, 2]
    leaks = list(
        InboundEvent.objects.filter(device=sensor, vendor_code="water_leak")
        .order_by("id")
        .values_list("restore", flat=True)
    )
    assert leaks == [False, True]


def test_the_fast_path_answers_with_the_request_id_of_the_changes_it_caused(site: AlarmSite) -> None:
    """A panel disarming itself over HTTP: the zone change is logged with the answer's request id."""
    from anfang.core.models import ChangeRecord

    _token, raw = ApiToken.issue(name="device", device=site.detector)
    client = AsgiClient(raw)
    response = client.post(URL, body(type="disarming", zone=""))
    assert response.status_code == 202 and response.json()["status"] == "logged"
    request_id = response["x-request-id"]
    change = ChangeRecord.objects.filter(object_type="alarms.alarmzone").latest("seq")
    assert (change.request_id, change.actor_name) == (request_id, f"device:{site.detector.code}")
    assert response["x-content-type-options"] == "nosniff"


def test_a_device_registered_elsewhere_counts_at_once(site: AlarmSite) -> None:
    """An unknown code is not memoised: registered by another process (here: no save signal reaches
    this process's memo), its next event is its own."""
    from anfang.devices.models import Device

    assert services.ingest(event(device="NEW-1", external_id="n1")).status == "unknown_device"
    Device.objects.bulk_create([Device(community=site.tenancy.a, code="NEW-1", name="新探测器")])
    assert services.ingest(event(device="NEW-1", external_id="n2")).status == "alarm"
