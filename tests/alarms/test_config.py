"""Alarm configuration pages: zones and arming, procedures, policy, SIA accounts, notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.choices import EventStatusChoices
from anfang.alarms.models import AlarmPolicy, AlarmZone, Notification, OperatingProcedure, SiaAccount
from anfang.core.choices import RoleChoices
from anfang.core.models import ChangeRecord
from anfang.integrations import events as ev
from tests.alarms.conftest import AlarmSite, event
from tests.support import factories

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def guard(tenancy: Any) -> Any:
    return factories.user("guard_a", community=tenancy.a, role=RoleChoices.GUARD)


@pytest.fixture
def technician(tenancy: Any) -> Any:
    return factories.user("tech_a", community=tenancy.a, role=RoleChoices.TECHNICIAN)


# --- zones and arming ----------------------------------------------------------------------------------


def test_zones_page_lists_alarm_devices_not_cameras(site: AlarmSite) -> None:
    AlarmZone.objects.create(community=site.tenancy.a, device=site.detector, code="1", name="东墙一段")
    html = client_for(site.tenancy.operator_a).get("/c/a/alarms/zones/").content.decode()
    assert "东门红外" in html and "门岗紧急按钮" in html and "东墙一段" in html
    assert "东门摄像机" not in html  # video subsystem: no zones
    assert "PIR-B" not in html
    assert "整机撤防" in html and "新增防区" not in html  # operators arm; they do not define zones


def test_manager_creates_and_edits_a_zone_bad_input_kept(site: AlarmSite) -> None:
    c = client_for(site.tenancy.manager_a)
    assert "东门红外" in c.get("/c/a/alarms/zones/new/?device=PIR-1").content.decode()
    data = {
        "device": site.detector.pk,
        "code": "3",
        "name": "北墙",
        "alarm_type": "perimeter",
        "priority": "1",
    }
    response = c.post("/c/a/alarms/zones/new/", data)
    assert response.status_code == 302 and response["Location"].endswith("#device-PIR-1")
    zone = AlarmZone.objects.get(device=site.detector, code="3")
    assert (zone.name, zone.priority, zone.armed, zone.community) == ("北墙", 1, True, site.tenancy.a)
    # The same zone number again: refused, with what was typed kept.
    response = c.post("/c/a/alarms/zones/new/", {**data, "name": "北墙二"})
    assert response.status_code == 400
    assert 'value="北墙二"' in response.content.decode()
    # A device of community B cannot be chosen.
    response = c.post("/c/a/alarms/zones/new/", {**data, "device": site.other_device.pk, "code": "9"})
    assert response.status_code == 400 and not AlarmZone.objects.filter(code="9").exists()
    response = c.post(f"/c/a/alarms/zones/{zone.pk}/edit/", {**data, "name": "北墙（改）"})
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.name == "北墙（改）" and zone.armed is True  # saving the form never disarms (arm buttons do)
    assert c.post(f"/c/a/alarms/zones/{zone.pk}/delete/").status_code == 302
    assert not AlarmZone.objects.filter(pk=zone.pk).exists()


def test_technician_defines_zones_but_cannot_arm(site: AlarmSite, technician: Any) -> None:
    c = client_for(technician)
    html = c.get("/c/a/alarms/zones/").content.decode()
    assert "新增防区" in html and "整机撤防" not in html
    response = c.post("/c/a/alarms/zones/arm/", {"device": "PIR-1", "armed": "0"})
    assert response.status_code == 403
    assert not AlarmZone.objects.exists()


def test_disarming_a_zone_is_change_logged_with_the_user_and_stops_alarms(site: AlarmSite) -> None:
    zone = AlarmZone.objects.create(community=site.tenancy.a, device=site.detector, code="1")
    c = client_for(site.tenancy.operator_a)
    response = c.post("/c/a/alarms/zones/arm/", {"device": "PIR-1", "zone": zone.pk, "armed": "0"})
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.armed is False
    record = ChangeRecord.objects.filter(object_type="alarms.alarmzone", object_id=str(zone.pk)).latest("seq")
    assert record.actor_id == site.tenancy.operator_a.pk and record.actor_name == "operator_a"
    assert record.before is not None and record.before["armed"] is True and record.after is not None
    assert record.after["armed"] is False
    # An intrusion from the disarmed zone is logged only; a panic button still alarms (24-hour zone).
    assert services.ingest(event(external_id="d1", zone="1")).status == EventStatusChoices.DISARMED
    c.post("/c/a/alarms/zones/arm/", {"device": "PIR-1", "zone": zone.pk, "armed": "1"})
    zone.refresh_from_db()
    assert zone.armed is True


def test_disarming_a_whole_device_disarms_every_zone(site: AlarmSite) -> None:
    AlarmZone.objects.create(community=site.tenancy.a, device=site.detector, code="1")
    AlarmZone.objects.create(community=site.tenancy.a, device=site.detector, code="2")
    c = client_for(site.tenancy.manager_a)
    c.post("/c/a/alarms/zones/arm/", {"device": "PIR-1", "armed": "0"})
    assert set(AlarmZone.objects.filter(device=site.detector).values_list("code", "armed")) == {
        ("", False),
        ("1", False),
        ("2", False),
    }
    html = c.get("/c/a/alarms/zones/").content.decode()
    assert 'data-armed="0"' in html
    assert ChangeRecord.objects.filter(object_type="alarms.alarmzone", actor_name="manager_a").count() == 3


def test_arming_is_refused_to_guards_police_and_other_communities(site: AlarmSite, guard: Any) -> None:
    t = site.tenancy
    zone = AlarmZone.objects.create(community=t.a, device=site.detector, code="1")
    post = {"device": "PIR-1", "zone": zone.pk, "armed": "0"}
    assert client_for(guard).post("/c/a/alarms/zones/arm/", post).status_code == 403
    assert client_for(guard).get("/c/a/alarms/zones/").status_code == 403
    assert client_for(t.police_a).post("/c/a/alarms/zones/arm/", post).status_code == 403
    assert client_for(t.manager_b).post("/c/a/alarms/zones/arm/", post).status_code == 404
    assert client_for(t.manager_b).get("/c/a/alarms/zones/").status_code == 404
    assert client_for(t.manager_b).get(f"/c/a/alarms/zones/{zone.pk}/edit/").status_code == 404
    # A's zone addressed through B's page is not found either.
    assert client_for(t.manager_b).get(f"/c/b/alarms/zones/{zone.pk}/edit/").status_code == 404
    zone.refresh_from_db()
    assert zone.armed is True
    # Nonsense input: not found, nothing changed.
    c = client_for(t.manager_a)
    assert c.post("/c/a/alarms/zones/arm/", {"device": "PIR-1", "zone": "x", "armed": "0"}).status_code == 404
    assert c.post("/c/a/alarms/zones/arm/", {"device": "PIR-B", "armed": "0"}).status_code == 404
    assert c.get("/c/a/alarms/zones/arm/").status_code == 405


# --- procedures ----------------------------------------------------------------------------------------


def test_procedures_show_the_translated_default_and_can_be_replaced_and_reset(site: AlarmSite) -> None:
    c = client_for(site.tenancy.manager_a)
    html = c.get("/c/a/alarms/procedures/").content.decode()
    assert "确认火情立即拨打 119" in html and "内置默认" in html
    c.cookies["anfang_language"] = "en"
    assert c.get("/c/a/alarms/procedures/").status_code == 200
    del c.cookies["anfang_language"]
    response = c.post("/c/a/alarms/procedures/fire/", {"steps": "  先看画面\n\n拨打 119  \n通知物业\n"})
    assert response.status_code == 302
    row = OperatingProcedure.objects.get(community=site.tenancy.a, alarm_type="fire")
    assert row.steps == ["先看画面", "拨打 119", "通知物业"]
    assert services.procedure_steps(site.tenancy.a.pk, "fire") == ["先看画面", "拨打 119", "通知物业"]
    assert ChangeRecord.objects.filter(
        object_type="alarms.operatingprocedure", actor_name="manager_a"
    ).exists()
    html = c.get("/c/a/alarms/procedures/fire/").content.decode()
    assert "先看画面" in html and "确认火情立即拨打 119" in html  # own steps, and the default beside them
    assert c.post("/c/a/alarms/procedures/fire/reset/").status_code == 302
    assert not OperatingProcedure.objects.filter(community=site.tenancy.a).exists()
    assert services.procedure_steps(site.tenancy.a.pk, "fire") == services.DEFAULT_PROCEDURES["fire"]


def test_procedure_bad_input_is_kept(site: AlarmSite) -> None:
    c = client_for(site.tenancy.manager_a)
    response = c.post("/c/a/alarms/procedures/fire/", {"steps": "\n  \n"})
    assert response.status_code == 400 and "至少填写一个步骤" in response.content.decode()
    long = "很" * 301
    response = c.post("/c/a/alarms/procedures/fire/", {"steps": f"第一步\n{long}"})
    assert response.status_code == 400 and long in response.content.decode()
    assert c.get("/c/a/alarms/procedures/no_such_type/").status_code == 404
    assert not OperatingProcedure.objects.exists()


def test_operators_read_procedures_but_only_managers_edit(site: AlarmSite, guard: Any) -> None:
    t = site.tenancy
    op = client_for(t.operator_a)
    html = op.get("/c/a/alarms/procedures/").content.decode()
    assert "内置默认" in html and "/procedures/fire/" not in html
    assert op.get("/c/a/alarms/procedures/fire/").status_code == 403
    assert op.post("/c/a/alarms/procedures/fire/", {"steps": "x"}).status_code == 403
    assert op.post("/c/a/alarms/procedures/fire/reset/").status_code == 403
    assert client_for(guard).get("/c/a/alarms/procedures/").status_code == 403
    assert client_for(t.manager_b).post("/c/a/alarms/procedures/fire/", {"steps": "x"}).status_code == 404
    assert not OperatingProcedure.objects.exists()


# --- policy --------------------------------------------------------------------------------------------


def test_policy_shows_defaults_then_saves_within_bounds(site: AlarmSite) -> None:
    c = client_for(site.tenancy.manager_a)
    html = c.get("/c/a/alarms/policy/").content.decode()
    assert "正在使用默认值" in html and 'value="30"' in html and 'value="300"' in html
    data = {"ack_escalation_s": "2", "police_report_minutes": "500", "join_window_s": "-1"}
    response = c.post("/c/a/alarms/policy/", data)
    assert response.status_code == 400 and not AlarmPolicy.objects.exists()
    html = response.content.decode()
    assert 'value="2"' in html and 'value="500"' in html and html.count("errorlist") >= 3
    data = {"ack_escalation_s": "60", "police_report_minutes": "3", "join_window_s": "120"}
    assert c.post("/c/a/alarms/policy/", data).status_code == 302
    saved = services.policy_for(site.tenancy.a.pk)
    assert (saved.ack_escalation_s, saved.police_report_minutes, saved.join_window_s) == (60, 3, 120)
    assert ChangeRecord.objects.filter(object_type="alarms.alarmpolicy", actor_name="manager_a").exists()
    assert "正在使用默认值" not in c.get("/c/a/alarms/policy/").content.decode()
    assert c.post("/c/a/alarms/policy/reset/").status_code == 302
    assert not AlarmPolicy.objects.exists()


def test_policy_is_read_only_for_operators_and_hidden_from_others(site: AlarmSite, guard: Any) -> None:
    t = site.tenancy
    op = client_for(t.operator_a)
    html = op.get("/c/a/alarms/policy/").content.decode()
    assert '<form method="post" class="card"' not in html and "30" in html
    assert op.post("/c/a/alarms/policy/", {"ack_escalation_s": "60"}).status_code == 403
    assert op.post("/c/a/alarms/policy/reset/").status_code == 403
    assert client_for(guard).get("/c/a/alarms/policy/").status_code == 403
    assert client_for(t.police_a).get("/c/a/alarms/policy/").status_code == 403
    assert client_for(t.manager_b).get("/c/a/alarms/policy/").status_code == 404


# --- SIA accounts --------------------------------------------------------------------------------------

KEY = "00112233445566778899AABBCCDDEEFF"


@pytest.fixture
def panel(site: AlarmSite) -> Any:
    return factories.device(
        site.tenancy.a, code="PANEL-1", name="1号楼报警主机", subsystem="resident_alarm", kind="alarm_panel"
    )


def test_sia_account_key_is_validated_never_shown_and_kept(site: AlarmSite, panel: Any) -> None:
    c = client_for(site.tenancy.manager_a)
    response = c.post("/c/a/alarms/sia/new/", {"account_id": "ab12", "device": panel.pk, "key": "xyz"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "十六进制" in html and 'value="ab12"' in html and "xyz" not in html
    response = c.post("/c/a/alarms/sia/new/", {"account_id": "ab12", "device": panel.pk, "key": KEY.lower()})
    assert response.status_code == 302
    account = SiaAccount.objects.get()
    assert (account.account_id, account.key, account.community) == ("AB12", KEY, site.tenancy.a)
    html = c.get("/c/a/alarms/sia/").content.decode()
    assert "已设置" in html and KEY not in html and KEY.lower() not in html
    html = c.get(f"/c/a/alarms/sia/{account.pk}/edit/").content.decode()
    assert KEY not in html and "已设置" in html
    # Saving without typing a key keeps it; clearing it needs the box.
    assert (
        c.post(f"/c/a/alarms/sia/{account.pk}/edit/", {"account_id": "AB12", "device": panel.pk}).status_code
        == 302
    )
    account.refresh_from_db()
    assert account.key == KEY
    response = c.post(
        f"/c/a/alarms/sia/{account.pk}/edit/",
        {"account_id": "AB12", "device": panel.pk, "clear_key": "on", "key": KEY},
    )
    assert response.status_code == 400
    c.post(
        f"/c/a/alarms/sia/{account.pk}/edit/", {"account_id": "AB12", "device": panel.pk, "clear_key": "on"}
    )
    account.refresh_from_db()
    assert account.key == ""
    # The key never reaches the change log.
    for record in ChangeRecord.objects.filter(object_type="alarms.siaaccount"):
        assert "key" not in (record.before or {}) and "key" not in (record.after or {})
        assert KEY not in str(record.before) + str(record.after)


def test_sia_account_ids_are_unique_platform_wide_and_devices_local(site: AlarmSite, panel: Any) -> None:
    t = site.tenancy
    panel_b = factories.device(t.b, code="PANEL-B", subsystem="resident_alarm", kind="alarm_panel")
    SiaAccount.objects.create(community=t.b, account_id="CAFE", device=panel_b)
    c = client_for(t.manager_a)
    response = c.post("/c/a/alarms/sia/new/", {"account_id": "cafe", "device": panel.pk})
    assert response.status_code == 400 and SiaAccount.objects.count() == 1
    response = c.post("/c/a/alarms/sia/new/", {"account_id": "BEEF", "device": panel_b.pk})
    assert response.status_code == 400 and SiaAccount.objects.count() == 1
    response = c.post("/c/a/alarms/sia/new/", {"account_id": "a b", "device": panel.pk})
    assert response.status_code == 400
    other = SiaAccount.objects.get()
    assert client_for(t.manager_a).get(f"/c/a/alarms/sia/{other.pk}/edit/").status_code == 404
    assert client_for(t.manager_a).post(f"/c/a/alarms/sia/{other.pk}/delete/").status_code == 404
    assert client_for(t.manager_b).get("/c/a/alarms/sia/").status_code == 404
    assert client_for(t.operator_a).get("/c/a/alarms/sia/").status_code == 403
    assert client_for(t.operator_a).post("/c/a/alarms/sia/new/", {"account_id": "F00D"}).status_code == 403
    assert SiaAccount.objects.count() == 1


def test_sia_account_delete(site: AlarmSite, panel: Any) -> None:
    account = SiaAccount.objects.create(community=site.tenancy.a, account_id="1234", device=panel)
    c = client_for(site.tenancy.manager_a)
    assert "1234" in c.get(f"/c/a/alarms/sia/{account.pk}/delete/").content.decode()
    assert c.post(f"/c/a/alarms/sia/{account.pk}/delete/").status_code == 302
    assert not SiaAccount.objects.exists()


# --- notifications -------------------------------------------------------------------------------------


@pytest.fixture
def notified(site: AlarmSite) -> dict[str, Notification]:
    """An alarm left unacknowledged: the escalation notifies A's managers (and only them)."""
    t = site.tenancy
    manager_a2 = factories.manager(t.a, "manager_a2")
    result = services.ingest(event(device="SOS-1", external_id="n1", type=ev.EMERGENCY, zone=""))
    services.escalate_overdue(timezone.now() + timezone.timedelta(minutes=5))
    mine = Notification.objects.get(user=t.manager_a)
    theirs = Notification.objects.get(user=manager_a2)
    assert mine.alarm_id == result.alarm_id
    return {"mine": mine, "theirs": theirs}


def test_notifications_page_shows_only_ones_own_and_marks_read(site: AlarmSite, notified: Any) -> None:
    c = client_for(site.tenancy.manager_a)
    html = c.get("/notifications/").content.decode()
    assert notified["mine"].message in html and "1 条未读" in html
    assert c.post(f"/notifications/{notified['theirs'].pk}/read/").status_code == 404
    response = c.post(f"/notifications/{notified['mine'].pk}/read/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    notified["mine"].refresh_from_db()
    notified["theirs"].refresh_from_db()
    assert notified["mine"].read_at is not None and notified["theirs"].read_at is None
    assert "没有未读通知" in c.get("/notifications/?show=unread").content.decode()
    other = client_for(site.tenancy.manager_a)
    assert other.get("/notifications/").status_code == 200


def test_read_all_touches_only_ones_own(site: AlarmSite, notified: Any) -> None:
    client_for(site.tenancy.manager_a).post("/notifications/read-all/", {"next": "/c/a/alarms/"})
    notified["mine"].refresh_from_db()
    notified["theirs"].refresh_from_db()
    assert notified["mine"].read_at is not None and notified["theirs"].read_at is None


def render_bell(user: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load alarm_ui %}{% notification_bell %}")
    roles = {"manager"} if user.memberships.filter(role="manager").exists() else set()
    return template.render(Context({"request": request, "user_roles": roles, "csrf_token": "t"}))


def test_bell_counts_unread_and_lists_them(site: AlarmSite, notified: Any) -> None:
    html = render_bell(site.tenancy.manager_a)
    assert "data-unread-count" in html and ">1<" in html and notified["mine"].message in html
    assert f"/notifications/{notified['mine'].pk}/read/" in html
    assert f"/notifications/{notified['theirs'].pk}/read/" not in html
    Notification.objects.filter(user=site.tenancy.manager_a).update(read_at=timezone.now())
    html = render_bell(site.tenancy.manager_a)
    assert "data-unread-count" not in html and "没有未读通知" in html
    # An operator with nothing sent to them gets no bell at all.
    assert "data-notifications" not in render_bell(site.tenancy.operator_a)
