"""The UI shell: log-in and lockout, community switcher, dashboard, audit log page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anfang.core import audit
from anfang.core.middleware import CURRENT_COMMUNITY_SESSION_KEY
from anfang.core.models import AccessRecord
from anfang.core.services import change_diff, dashboard_summary
from anfang.devices.choices import DeviceStatusChoices
from tests.support import factories

pytestmark = pytest.mark.django_db


# --- log-in ----------------------------------------------------------------------------------------


def test_login_page_renders_for_anonymous(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_success_lands_on_dashboard(client, tenancy):
    response = client.post(
        reverse("login"), {"username": "manager_a", "password": factories.PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "小区A" in response.content.decode()


def test_failed_login_keeps_the_username_and_says_why(client, tenancy):
    response = client.post(reverse("login"), {"username": "manager_a", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="manager_a"' in body
    assert "alert-error" in body
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_shows_locked_out_page(client, tenancy, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        client.post(reverse("login"), {"username": "manager_a", "password": "wrong"})
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "manager_a", "password": factories.PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    assert "分钟后再试" in body
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, tenancy):
    client.force_login(tenancy.manager_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- layout and navigation -------------------------------------------------------------------------


def test_layout_has_switcher_language_and_role_navigation(client, tenancy):
    client.force_login(tenancy.manager_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("switch_community") in body
    assert reverse("set_language") in body
    assert reverse("audit_log") in body  # managers read the audit log
    assert "/admin/" not in body


def test_operator_navigation_has_no_audit_or_admin_links(client, tenancy):
    client.force_login(tenancy.operator_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("audit_log") not in body
    assert "/admin/" not in body


def test_admin_navigation_has_admin_links(client, tenancy):
    client.force_login(tenancy.admin)
    body = client.get(reverse("dashboard")).content.decode()
    assert "/admin/" in body and reverse("tokens") in body and reverse("audit_log") in body


# --- community switcher ----------------------------------------------------------------------------


def test_switcher_accepts_own_community_and_redirects_back(client, tenancy):
    c2 = factories.community(code="a2", name="小区A2")
    from anfang.core.models import Membership

    Membership.objects.create(user=tenancy.manager_a, community=c2, role="manager")
    client.force_login(tenancy.manager_a)
    response = client.post(reverse("switch_community"), {"code": "a2", "next": "/tokens/"})
    assert response.status_code == 302 and response["Location"] == "/tokens/"
    assert client.session[CURRENT_COMMUNITY_SESSION_KEY] == "a2"
    assert "小区A2" in client.get(reverse("dashboard")).content.decode()


def test_switcher_keeps_the_page_of_the_new_community(client, tenancy):
    client.force_login(tenancy.admin)
    response = client.post(reverse("switch_community"), {"code": "b", "next": "/c/a/devices/?q=x"})
    assert response["Location"] == "/c/b/devices/?q=x"


def test_switcher_refuses_another_tenants_community(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.post(reverse("switch_community"), {"code": "b"})
    assert response.status_code == 404
    assert client.session.get(CURRENT_COMMUNITY_SESSION_KEY) != "b"


def test_switcher_ignores_an_unsafe_next(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.post(reverse("switch_community"), {"code": "a", "next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboard")


def test_switcher_is_post_only(client, tenancy):
    client.force_login(tenancy.manager_a)
    assert client.get(reverse("switch_community"), {"code": "a"}).status_code == 405


# --- dashboard -------------------------------------------------------------------------------------


def test_dashboard_summary_counts(tenancy):
    a = tenancy.a
    factories.device(a, subsystem="video", kind="camera")
    factories.device(a, subsystem="video", kind="nvr")
    factories.device(a, subsystem="intercom", kind="door_station")
    silent = factories.in_service_device(a, heartbeat_interval_s=60)
    silent.last_seen_at = timezone.now() - dt.timedelta(minutes=10)
    silent.save()
    fresh = factories.in_service_device(a, heartbeat_interval_s=60)
    fresh.last_seen_at = timezone.now()
    fresh.save()
    factories.device(tenancy.b)  # another community: not counted
    factories.location(a, kind="building")
    factories.location(a, kind="building")
    factories.location(a, kind="entrance")
    factories.segment(a, [[0, 0], [100, 0]])
    factories.segment(a, [[100, 0], [100, 50]], barrier_type="none")

    s = dashboard_summary(a)
    subs = {c.value: c.count for c in s.by_subsystem}
    assert len(s.by_subsystem) == 9
    assert subs["video"] == 4 and subs["intercom"] == 1 and subs["patrol"] == 0
    assert s.devices_total == 5
    statuses = {c.value: c.count for c in s.by_status}
    assert statuses["in_service"] == 2 and statuses["planned"] == 3
    assert [d.pk for d in s.offline] == [silent.pk]
    kinds = {c.value: c.count for c in s.locations_by_kind}
    assert kinds == {"building": 2, "entrance": 1}
    assert s.perimeter_length_m == pytest.approx(150)
    assert s.perimeter_unprotected_m == pytest.approx(50)


def test_dashboard_page_shows_counts_of_current_community(client, tenancy):
    factories.in_service_device(tenancy.a, name="南门摄像机", heartbeat_interval_s=30)
    factories.device(tenancy.b, name="B的设备")
    client.force_login(tenancy.manager_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert "小区A" in body
    assert "南门摄像机" in body  # in service, never seen: offline
    assert "B的设备" not in body
    assert "还没有合规检查记录" in body  # the compliance tile before the first check


def test_dashboard_without_community_shows_empty_state(client, db):
    lonely = factories.user("lonely")
    client.force_login(lonely)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "您还没有可查看的小区" in response.content.decode()


def test_police_with_several_communities_see_station_table(client, tenancy):
    other = factories.community(code="a3", name="同辖区小区", police_station=tenancy.a.police_station)
    factories.device(other)
    client.force_login(tenancy.police_a)
    body = client.get(reverse("dashboard")).content.decode()
    assert "辖区小区" in body and "同辖区小区" in body and "小区A" in body
    assert "小区B" not in body


# --- audit log -------------------------------------------------------------------------------------


def _changes(tenancy):
    with audit.actor(tenancy.manager_a):
        factories.location(tenancy.a, name="A的楼")
    with audit.actor(tenancy.manager_b):
        factories.location(tenancy.b, name="B的楼")


def test_audit_page_shows_own_community_only(client, tenancy):
    _changes(tenancy)
    client.force_login(tenancy.manager_b)
    body = client.get(reverse("audit_log")).content.decode()
    assert "B的楼" in body
    assert "A的楼" not in body
    assert client.get(reverse("audit_log"), {"community": "a"}).status_code == 404


def test_audit_page_forbidden_for_operator(client, tenancy):
    client.force_login(tenancy.operator_a)
    assert client.get(reverse("audit_log")).status_code == 403


def test_audit_page_for_police_of_the_station(client, tenancy):
    _changes(tenancy)
    client.force_login(tenancy.police_a)
    body = client.get(reverse("audit_log")).content.decode()
    assert "A的楼" in body and "B的楼" not in body


def test_admin_sees_all_and_can_filter(client, tenancy):
    _changes(tenancy)
    client.force_login(tenancy.admin)
    body = client.get(reverse("audit_log")).content.decode()
    assert "A的楼" in body and "B的楼" in body
    body = client.get(reverse("audit_log"), {"community": "a"}).content.decode()
    assert "A的楼" in body and "B的楼" not in body


def test_viewing_the_audit_page_is_access_logged(client, tenancy):
    client.force_login(tenancy.manager_a)
    before = AccessRecord.objects.count()
    client.get(reverse("audit_log"), {"tab": "access"})
    assert AccessRecord.objects.count() == before + 1
    rec = AccessRecord.objects.order_by("-seq").first()
    assert rec.kind == "view" and rec.resource == "audit_log"
    assert rec.actor_id == tenancy.manager_a.pk and rec.community_id == tenancy.a.pk
    assert rec.query["tab"] == "access"
    # The access tab then lists that very view.
    body = client.get(reverse("audit_log"), {"tab": "access"}).content.decode()
    assert "audit_log" in body


def test_audit_page_shows_only_changed_fields(client, tenancy):
    loc = factories.location(tenancy.a, name="旧名", notes="不变的备注")
    with audit.actor(tenancy.manager_a):
        loc.name = "新名"
        loc.save()
    client.force_login(tenancy.manager_a)
    body = client.get(reverse("audit_log")).content.decode()
    assert "<del>旧名</del> → <ins>新名</ins>" in body
    assert "<del>不变的备注</del>" not in body


def test_audit_page_bad_page_number_is_harmless(client, tenancy):
    client.force_login(tenancy.manager_a)
    assert client.get(reverse("audit_log"), {"page": "abc"}).status_code == 200
    assert client.get(reverse("audit_log"), {"page": "99999"}).status_code == 200


def test_change_diff_lists_only_differences():
    diff = change_diff({"a": 1, "b": "x", "c": None}, {"a": 1, "b": "y", "c": ""})
    assert [(c.field, c.before, c.after) for c in diff] == [("b", "x", "y")]
    created = change_diff(None, {"name": "n", "notes": ""})
    assert [c.field for c in created] == ["name"]


def test_device_status_choices_all_have_badges():
    from anfang.core.services import STATUS_BADGES

    assert set(STATUS_BADGES) == {c.value for c in DeviceStatusChoices}


def test_audit_page_shows_geometry_changes(client, tenancy):
    """Regression: a JSON value (geometry) in a diff crashed the page with a 500."""
    loc = factories.location(tenancy.a, kind="square", geometry={"type": "Point", "coordinates": [1, 2]})
    with audit.actor(tenancy.manager_a):
        loc.geometry = {"type": "Point", "coordinates": [5, 6]}
        loc.save()
    client.force_login(tenancy.manager_a)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert "[5, 6]" in response.content.decode()


def test_chinese_is_the_default_whatever_the_browser_asks(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()


def test_the_language_switch_sticks(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/")["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"


def test_police_navigation_links_the_compliance_ranking(client, tenancy):
    client.force_login(tenancy.police_a)
    body = client.get("/").content.decode()
    assert reverse("compliance:police_ranking") in body
    client.force_login(tenancy.operator_a)
    assert reverse("compliance:police_ranking") not in client.get("/").content.decode()
