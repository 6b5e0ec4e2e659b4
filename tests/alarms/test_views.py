"""The console and the alarm page: what the duty operator sees and does; scoping; police read only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.models import Alarm, AlarmAction, EventPicture, PoliceReport
from anfang.core.models import AccessRecord
from anfang.integrations.events import Picture
from tests.alarms.conftest import AlarmSite, event
from tests.support.views import client_for

pytestmark = pytest.mark.django_db


def raise_alarm(site: AlarmSite, external_id: str = "e1", **kw: Any) -> Alarm:
    result = services.ingest(event(external_id=external_id, **kw))
    assert result.alarm_id is not None
    return Alarm.objects.get(pk=result.alarm_id)


def detail_url(alarm: Alarm) -> str:
    return f"/c/{alarm.community.code}/alarms/{alarm.pk}/"


def act_url(alarm: Alarm, action: str) -> str:
    return f"{detail_url(alarm)}{action}/"


def text(response: Any) -> str:
    return str(response.content.decode())


# ---------------------------------------------------------------------------------------------------
# Console
# ---------------------------------------------------------------------------------------------------


def test_empty_console_says_so(tenancy: Any) -> None:
    response = client_for(tenancy.operator_a).get("/console/")
    assert response.status_code == 200
    body = text(response)
    assert "当前没有未处置的报警" in body
    assert "实时连接已断开，正在重连…" in body  # the banner is there, hidden until the stream drops
    assert 'id="console-config"' in body


def test_console_lists_open_alarms_most_urgent_first(site: AlarmSite) -> None:
    intrusion = raise_alarm(site, "e1")
    sos = services.ingest(event(device="SOS-1", external_id="s1", type="emergency", zone="")).alarm_id
    resolved = raise_alarm(site, "e2", zone="2")
    services.acknowledge(resolved, by=site.tenancy.operator_a)
    services.resolve(resolved, by=site.tenancy.operator_a, outcome="false_alarm", note="猫")
    body = text(client_for(site.tenancy.operator_a).get("/console/"))
    assert f'data-id="{sos}"' in body and f'data-id="{intrusion.pk}"' in body
    assert f'data-id="{resolved.pk}"' not in body
    # Emergency (priority 1) before perimeter (priority 2).
    assert body.index(f'data-id="{sos}"') < body.index(f'data-id="{intrusion.pk}"')
    assert "紧急求助" in body and "东门" in body
    assert "data-empty hidden" in body  # the empty state is there for the live page, hidden


def test_console_row_shows_age_class_and_escalation(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    Alarm.objects.filter(pk=alarm.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    services.escalate_overdue()
    body = text(client_for(site.tenancy.operator_a).get("/console/"))
    assert "age-old escalated" in body
    assert "已升级" in body


def test_console_of_another_community_is_404_and_never_lists_its_alarms(site: AlarmSite) -> None:
    services.ingest(event(device="PIR-B", external_id="b1"))
    b_alarm = Alarm.objects.get(community=site.tenancy.b)
    client = client_for(site.tenancy.operator_a)
    assert client.get("/console/?community=b").status_code == 404
    assert f'data-id="{b_alarm.pk}"' not in text(client.get("/console/"))
    assert client.get("/console/?community=a\x00").status_code == 404


def test_console_narrows_to_a_community_and_says_how_many_elsewhere(site: AlarmSite) -> None:
    from anfang.core.choices import RoleChoices
    from anfang.core.models import Membership

    operator = site.tenancy.operator_a
    Membership.objects.create(user=operator, community=site.tenancy.b, role=RoleChoices.OPERATOR)
    a_alarm = raise_alarm(site)
    services.ingest(event(device="PIR-B", external_id="b1"))
    client = client_for(operator)
    narrowed = text(client.get("/console/?community=a"))
    assert f'data-id="{a_alarm.pk}"' in narrowed
    assert "其他小区另有 1 条未处置报警。" in narrowed
    everything = text(client.get("/console/?community="))
    assert everything.count('class="alarm-row') == 2


def test_console_needs_login(client: Any) -> None:
    response = client.get("/console/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------------
# Alarm page: reading
# ---------------------------------------------------------------------------------------------------


def test_alarm_page_shows_everything_about_the_alarm(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    body = text(client_for(site.tenancy.operator_a).get(detail_url(alarm)))
    for expected in ("周界报警", "东门红外", "PIR-1", "处置步骤", "调取周界附近摄像机画面核实是否有人翻越"):
        assert expected in body
    # The camera watching the detector is offered, linked to its device page; the far one is not.
    assert "/c/a/devices/CAM-1/" in body and "CAM-2" not in body
    # Forms for the new alarm: acknowledge, confirm real, report to police, note; not resolve yet.
    assert act_url(alarm, "acknowledge") in body and act_url(alarm, "report-police") in body
    assert act_url(alarm, "resolve") not in body
    assert "产生报警" in body  # the timeline


def test_alarm_of_another_community_is_404(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    client = client_for(site.tenancy.manager_b)
    assert client.get(detail_url(alarm)).status_code == 404
    assert client.get(f"/c/b/alarms/{alarm.pk}/").status_code == 404
    assert client.post(act_url(alarm, "acknowledge")).status_code == 404
    assert Alarm.objects.get(pk=alarm.pk).state == "new"


def test_police_see_only_alarms_reported_to_them_and_cannot_act(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    police = client_for(site.tenancy.police_a)
    assert police.get(detail_url(alarm)).status_code == 404
    services.report_to_police(alarm, by=site.tenancy.operator_a, channel="110", case_number="J-1")
    body = text(police.get(detail_url(alarm)))
    assert "J-1" in body and "处置由值班员或管理员进行" in body
    assert act_url(alarm, "acknowledge") not in body
    assert police.post(act_url(alarm, "acknowledge")).status_code == 403
    assert Alarm.objects.get(pk=alarm.pk).state == "new"


# ---------------------------------------------------------------------------------------------------
# Alarm page: every action
# ---------------------------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_page(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    client = client_for(site.tenancy.operator_a)

    def post(action: str, data: dict[str, Any] | None = None) -> Alarm:
        response = client.post(act_url(alarm, action), data or {})
        assert response.status_code == 302, text(response)[:2000]
        assert response["Location"].startswith(detail_url(alarm))
        return Alarm.objects.get(pk=alarm.pk)

    assert post("claim").claimed_by == site.tenancy.operator_a
    assert post("release").claimed_by is None
    assert post("acknowledge", {"acknowledge-note": "已看到"}).state == "acknowledged"
    assert post("verify").state == "verifying"
    item = alarm.checklist.order_by("order").first()
    post("checklist", {"item": item.pk, "done": "on"})
    item.refresh_from_db()
    assert item.done_at is not None and item.done_by == site.tenancy.operator_a
    post("checklist", {"item": item.pk})
    item.refresh_from_db()
    assert item.done_at is None
    dispatched = post("dispatch", {"dispatch-to": "巡逻一组", "dispatch-note": "带手电"})
    assert (dispatched.state, dispatched.dispatched_to) == ("dispatched", "巡逻一组")
    assert post("confirm-real", {"confirm-real-note": "有人翻墙"}).confirmed_real_at is not None
    reported = post(
        "report-police",
        {
            "report-police-reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "report-police-channel": "110",
            "report-police-officer": "王警官",
            "report-police-case_number": "JQ-2026-1",
            "report-police-note": "",
        },
    )
    assert reported.police_reported_at is not None
    assert PoliceReport.objects.get(alarm=alarm).case_number == "JQ-2026-1"
    post("note", {"note-note": "保安到场，人已离开"})
    done = post("resolve", {"resolve-outcome": "real_incident", "resolve-note": "已移交派出所"})
    assert (done.state, done.outcome, done.resolution_note) == ("resolved", "real_incident", "已移交派出所")
    actions = list(AlarmAction.objects.filter(alarm=alarm).values_list("action", flat=True))
    for expected in ("claim", "release", "acknowledge", "verify", "checklist", "dispatch", "confirm_real"):
        assert expected in actions
    assert {"report_police", "note", "resolve"} <= set(actions)
    body = text(client.get(detail_url(alarm)))
    assert "已移交派出所" in body and "JQ-2026-1" in body and "巡逻一组" in body


def test_take_over_from_another_operator(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    services.claim(alarm, by=site.tenancy.manager_a)
    client = client_for(site.tenancy.operator_a)
    page = text(client.get(detail_url(alarm)))
    assert "该报警正由" in page and act_url(alarm, "take-over") in page
    response = client.post(act_url(alarm, "take-over"))
    assert response.status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).claimed_by == site.tenancy.operator_a
    assert AlarmAction.objects.filter(alarm=alarm, action="take_over").exists()


def test_refused_action_keeps_what_was_typed(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    services.claim(alarm, by=site.tenancy.manager_a)
    client = client_for(site.tenancy.operator_a)
    # Acknowledging another's alarm without "take over" is refused; the note stays in the form.
    response = client.post(act_url(alarm, "acknowledge"), {"acknowledge-note": "我来看看监控"})
    assert response.status_code == 409
    body = text(response)
    assert "如需接管请选择" in body and "我来看看监控" in body and "alert-error" in body
    assert Alarm.objects.get(pk=alarm.pk).state == "new"
    # With the box ticked it goes through.
    response = client.post(
        act_url(alarm, "acknowledge"), {"acknowledge-note": "接手", "acknowledge-take_over": "on"}
    )
    assert response.status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).state == "acknowledged"


def test_resolve_without_notes_is_refused_and_keeps_the_outcome(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    services.acknowledge(alarm, by=site.tenancy.operator_a)
    response = client_for(site.tenancy.operator_a).post(
        act_url(alarm, "resolve"), {"resolve-outcome": "false_alarm", "resolve-note": "  "}
    )
    assert response.status_code == 400
    body = text(response)
    assert '<option value="false_alarm" selected>' in body
    assert Alarm.objects.get(pk=alarm.pk).state == "acknowledged"


def test_report_to_police_in_the_future_is_refused_and_keeps_input(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    future = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(site.tenancy.operator_a).post(
        act_url(alarm, "report-police"),
        {"report-police-reported_at": future, "report-police-channel": "119", "report-police-officer": "李"},
    )
    assert response.status_code == 400
    body = text(response)
    assert "报警时间不能晚于当前时间" in body and 'value="李"' in body and future in body
    assert not PoliceReport.objects.exists()


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("dispatch", {"dispatch-to": ""}),
        ("note", {"note-note": ""}),
        ("report-police", {"report-police-channel": "carrier-pigeon"}),
        ("checklist", {"item": "abc"}),
        ("note", {"note-note": "a\x00b"}),
    ],
)
def test_bad_input_is_a_400_with_the_form(site: AlarmSite, action: str, data: dict[str, Any]) -> None:
    alarm = raise_alarm(site)
    response = client_for(site.tenancy.operator_a).post(act_url(alarm, action), data)
    assert response.status_code == 400
    assert "请检查填写的内容" in text(response)


def test_invalid_transition_is_explained(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    response = client_for(site.tenancy.operator_a).post(act_url(alarm, "verify"))
    assert response.status_code == 409
    assert "不能改为" in text(response)


def test_unknown_action_is_404_and_get_is_refused(site: AlarmSite) -> None:
    alarm = raise_alarm(site)
    client = client_for(site.tenancy.operator_a)
    assert client.post(act_url(alarm, "explode")).status_code == 404
    assert client.get(act_url(alarm, "acknowledge")).status_code == 405


# ---------------------------------------------------------------------------------------------------
# Pictures: scoped and access-logged
# ---------------------------------------------------------------------------------------------------


def test_event_pictures_are_served_scoped_and_every_view_is_logged(
    site: AlarmSite, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = services.ingest(
        event(pictures=(Picture(name="snap.jpg", content_type="image/jpeg", data=b"\xff\xd8JPEG"),))
    )
    alarm = Alarm.objects.get(pk=result.alarm_id)
    picture = EventPicture.objects.get()
    url = f"{detail_url(alarm)}pictures/{picture.pk}/"
    client = client_for(site.tenancy.operator_a)
    assert url in text(client.get(detail_url(alarm)))
    before = AccessRecord.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8JPEG"
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    record = AccessRecord.objects.order_by("-seq").first()
    assert AccessRecord.objects.count() == before + 1
    assert record is not None and record.kind == "view" and record.resource == "alarm_event_picture"
    assert record.actor == site.tenancy.operator_a
    assert client_for(site.tenancy.manager_b).get(url).status_code == 404
    assert client_for(site.tenancy.police_a).get(url).status_code == 404
    # A picture of another alarm is not reachable through this one.
    other = raise_alarm(site, "e9", zone="7")
    assert client.get(f"{detail_url(other)}pictures/{picture.pk}/").status_code == 404
    assert AccessRecord.objects.count() == before + 1


def test_a_picture_that_is_not_an_image_is_a_download(site: AlarmSite, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = services.ingest(
        event(pictures=(Picture(name="x.svg", content_type="image/svg+xml", data=b"<svg onload=alert(1)>"),))
    )
    alarm = Alarm.objects.get(pk=result.alarm_id)
    picture = EventPicture.objects.get()
    response = client_for(site.tenancy.operator_a).get(f"{detail_url(alarm)}pictures/{picture.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_english_console(tenancy: Any) -> None:
    client = client_for(tenancy.operator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/console/").status_code == 200


def test_police_console_lists_only_reported_alarms_without_buttons(site: AlarmSite) -> None:
    quiet = raise_alarm(site, "e1")
    reported = raise_alarm(site, "e2", zone="2")
    services.report_to_police(reported, by=site.tenancy.operator_a, channel="110")
    body = text(client_for(site.tenancy.police_a).get("/console/"))
    assert f'data-id="{reported.pk}"' in body and f'data-id="{quiet.pk}"' not in body
    assert 'data-act="acknowledge"' not in body and 'data-act="claim"' not in body
    assert '"handling": []' in body
