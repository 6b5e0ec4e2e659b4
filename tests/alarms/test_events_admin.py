"""Raw inbound events: list, safe payload display, download (access-logged), reprocessing; admin pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import Alarm, InboundEvent, SiaAccount
from anfang.alarms.views_config import payload_preview
from anfang.core.choices import RoleChoices
from anfang.core.models import AccessRecord
from tests.alarms.conftest import AlarmSite, event
from tests.support import factories

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def events(site: AlarmSite) -> dict[str, InboundEvent]:
    now = timezone.now()
    alarm = InboundEvent.objects.get(pk=services.ingest(event(external_id="ok", at=now)).id)
    drift = InboundEvent.objects.get(
        pk=services.ingest(event(external_id="late", zone="2", at=now - dt.timedelta(seconds=42))).id
    )
    bad = services.record_unparseable(
        source="isapi",
        device_code="PIR-1",
        raw=b"<EventNotificationAlert><script>alert(1)</script>",
        content_type="application/xml",
        error="not well-formed",
    )
    binary = services.record_unparseable(
        source="sia", device_code="", raw=bytes(range(256)) * 20, content_type="", error="bad CRC"
    )
    unknown = InboundEvent.objects.get(pk=services.ingest(event(device="NEW-9", external_id="u1")).id)
    other = InboundEvent.objects.get(pk=services.ingest(event(device="PIR-B", external_id="b1")).id)
    return {"alarm": alarm, "drift": drift, "bad": bad, "binary": binary, "unknown": unknown, "other": other}


def test_community_events_list_with_status_filter_and_drift_flag(
    site: AlarmSite, events: dict[str, InboundEvent]
) -> None:
    c = client_for(site.tenancy.operator_a)

    def row(key: str) -> str:  # the event's own link: alarm numbers on the page may share its number
        return f'href="/c/a/alarms/events/{events[key].pk}/"'

    html = c.get("/c/a/alarms/events/").content.decode()
    for key in ("alarm", "drift", "bad"):
        assert row(key) in html
    for key in ("binary", "unknown", "other"):  # no community, or community B
        assert row(key) not in html
    assert 'title="设备时钟偏差超过 5 秒">42.' in html
    html = c.get("/c/a/alarms/events/", {"status": "unparseable"}).content.decode()
    assert row("bad") in html and row("alarm") not in html
    html = c.get("/c/a/alarms/events/", {"drift": "true"}).content.decode()
    assert row("drift") in html and row("alarm") not in html
    html = c.get("/c/a/alarms/events/", {"status": "nonsense"}).content.decode()
    assert "errorlist" in html  # refused, said so, nothing hidden


def test_raw_payload_is_escaped_and_download_is_logged(
    site: AlarmSite, events: dict[str, InboundEvent]
) -> None:
    c = client_for(site.tenancy.manager_a)
    bad = events["bad"]
    html = c.get(f"/c/a/alarms/events/{bad.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "not well-formed" in html
    response = c.get(f"/c/a/alarms/events/{bad.pk}/raw/")
    assert response.status_code == 200 and response.content == bytes(bad.raw or b"")
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment" in response["Content-Disposition"]
    record = AccessRecord.objects.get(resource="inbound_event_raw")
    assert record.kind == "export" and record.query == {"event": bad.pk} and record.actor_name == "manager_a"


def test_payload_preview_text_hex_and_truncation() -> None:
    assert payload_preview(None)["kind"] == "empty"
    text = payload_preview("报警 zone 1\r\n".encode())
    assert text["kind"] == "text" and "报警" in text["text"] and not text["truncated"]
    # A long text cut inside a multi-byte character still shows as text.
    long = payload_preview(("报" * 3000).encode())
    assert long["kind"] == "text" and long["truncated"] and long["size"] == 9000
    binary = payload_preview(bytes(range(256)) * 20)
    assert binary["kind"] == "hex" and binary["truncated"]
    assert binary["text"].splitlines()[0].startswith("00000000  00 01 02")
    assert len(binary["text"].splitlines()) == 64


def test_reprocess_an_event_that_failed(site: AlarmSite) -> None:
    row = InboundEvent.objects.get(pk=services.ingest(event(external_id="e"), process_now=False).id)
    InboundEvent.objects.filter(pk=row.pk).update(status=EventStatusChoices.ERROR, error="RuntimeError('db')")
    op = client_for(site.tenancy.operator_a)
    html = op.get(f"/c/a/alarms/events/{row.pk}/").content.decode()
    assert "RuntimeError" in html and "重新处理" not in html
    assert op.post(f"/c/a/alarms/events/{row.pk}/reprocess/").status_code == 403
    c = client_for(site.tenancy.manager_a)
    assert "重新处理" in c.get(f"/c/a/alarms/events/{row.pk}/").content.decode()
    response = c.post(f"/c/a/alarms/events/{row.pk}/reprocess/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == EventStatusChoices.ALARM and row.alarm is not None and row.error == ""
    # Only failed (or unknown-device) events can be reprocessed: a second try changes nothing.
    c.post(f"/c/a/alarms/events/{row.pk}/reprocess/")
    assert Alarm.objects.count() == 1


def test_unassigned_events_are_for_platform_admins(site: AlarmSite, events: dict[str, InboundEvent]) -> None:
    t = site.tenancy
    for user in (t.manager_a, t.operator_a, t.police_a):
        assert client_for(user).get("/events/unassigned/").status_code == 403
        assert client_for(user).get(f"/events/unassigned/{events['unknown'].pk}/").status_code == 403
        assert client_for(user).get(f"/events/unassigned/{events['unknown'].pk}/raw/").status_code == 403
    c = client_for(t.admin)
    html = c.get("/events/unassigned/").content.decode()
    assert f">#{events['unknown'].pk}<" in html and f">#{events['binary'].pk}<" in html
    assert f">#{events['bad'].pk}<" not in html  # it has a community
    html = c.get(f"/events/unassigned/{events['binary'].pk}/").content.decode()
    assert 'data-raw="hex"' in html and "bad CRC" in html
    # A community's event is not reachable through the unassigned URLs.
    assert c.get(f"/events/unassigned/{events['bad'].pk}/").status_code == 404


def test_unknown_device_event_is_reprocessed_once_the_device_is_registered(
    site: AlarmSite, events: dict[str, InboundEvent]
) -> None:
    c = client_for(site.tenancy.admin)
    unknown = events["unknown"]
    response = c.post(f"/events/unassigned/{unknown.pk}/reprocess/")
    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.status == EventStatusChoices.UNKNOWN_DEVICE
    factories.in_service_device(site.tenancy.a, code="NEW-9", subsystem="perimeter", kind="infrared_beam")
    response = c.post(f"/events/unassigned/{unknown.pk}/reprocess/")
    assert response.status_code == 302 and response["Location"] == f"/c/a/alarms/events/{unknown.pk}/"
    unknown.refresh_from_db()
    assert unknown.community == site.tenancy.a and unknown.status == EventStatusChoices.ALARM


def test_events_are_scoped_and_closed_to_guards_and_police(
    site: AlarmSite, events: dict[str, InboundEvent]
) -> None:
    t = site.tenancy
    guard = factories.user("guard_a", community=t.a, role=RoleChoices.GUARD)
    technician = factories.user("tech_a", community=t.a, role=RoleChoices.TECHNICIAN)
    bad = events["bad"]
    assert client_for(technician).get(f"/c/a/alarms/events/{bad.pk}/").status_code == 200
    for user in (guard, t.police_a):
        assert client_for(user).get("/c/a/alarms/events/").status_code == 403
        assert client_for(user).get(f"/c/a/alarms/events/{bad.pk}/raw/").status_code == 403
    b = client_for(t.manager_b)
    assert b.get("/c/a/alarms/events/").status_code == 404
    assert b.get(f"/c/a/alarms/events/{bad.pk}/").status_code == 404
    assert b.get(f"/c/b/alarms/events/{bad.pk}/").status_code == 404  # A's event via B's URL
    assert b.get(f"/c/b/alarms/events/{bad.pk}/raw/").status_code == 404
    assert b.post(f"/c/b/alarms/events/{bad.pk}/reprocess/").status_code == 404
    assert not AccessRecord.objects.filter(resource="inbound_event_raw").exists()


def test_admin_pages_for_the_alarm_centre(site: AlarmSite, events: dict[str, InboundEvent]) -> None:
    SiaAccount.objects.create(
        community=site.tenancy.a,
        account_id="AB12",
        device=site.detector,
        key="00112233445566778899AABBCCDDEEFF",
    )
    c = client_for(site.tenancy.admin)
    for url in (
        "/admin/alarms/inboundevent/",
        f"/admin/alarms/inboundevent/{events['bad'].pk}/change/",
        "/admin/alarms/alarm/",
        "/admin/alarms/alarmzone/",
        "/admin/alarms/siaaccount/",
        "/admin/alarms/operatingprocedure/add/",
        "/admin/alarms/notification/",
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        assert "00112233445566778899" not in response.content.decode()
    html = c.get(f"/admin/alarms/siaaccount/{SiaAccount.objects.get().pk}/change/").content.decode()
    assert "00112233445566778899" not in html
    assert client_for(site.tenancy.manager_a).get("/admin/alarms/inboundevent/").status_code == 302
