"""Duty pages: who may see and do what, scoping (another community's user gets 404), forms that keep
what was typed when rejected, the daily record download."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from anfang.alarms.models import Alarm
from anfang.core.choices import RoleChoices
from anfang.core.models import AccessRecord
from anfang.duty.models import DutyLogEntry, Handover, Roster, Shift, ShiftPattern
from tests.duty.conftest import room, roster, shift
from tests.support import factories
from tests.support.views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(tenancy: Any) -> Any:
    """A's duty room with a roster, a shift running now (operator_a), a pattern slot and a log line."""
    r = roster(tenancy.a)
    now = timezone.now()
    s = shift(r, now - dt.timedelta(hours=1), now + dt.timedelta(hours=7), [tenancy.operator_a])
    from anfang.duty import services

    slot = services.save_pattern(
        ShiftPattern(roster=r, name="白班", start_time=dt.time(8), end_time=dt.time(16)), [tenancy.manager_a]
    )
    services.add_log_entry(tenancy.a, by=tenancy.operator_a, text="东门画面正常")
    return {"roster": r, "shift": s, "slot": slot}


def urls(community: Any, d: dict[str, Any]) -> list[str]:
    c, r = community.code, d["roster"].pk
    return [
        reverse("duty:room", args=[c]),
        reverse("duty:roster", args=[c]),
        reverse("duty:roster", args=[c]) + f"?roster={r}",
        reverse("duty:log", args=[c]),
        reverse("duty:record", args=[c]) + "?format=json",
        reverse("duty:handover", args=[c]),
        reverse("duty:roster_create", args=[c]),
        reverse("duty:roster_edit", args=[c, r]),
        reverse("duty:roster_delete", args=[c, r]),
        reverse("duty:shift_create", args=[c, r]),
        reverse("duty:shift_edit", args=[c, r, d["shift"].pk]),
        reverse("duty:shift_delete", args=[c, r, d["shift"].pk]),
        reverse("duty:pattern_create", args=[c, r]),
        reverse("duty:pattern_edit", args=[c, r, d["slot"].pk]),
        reverse("duty:pattern_delete", args=[c, r, d["slot"].pk]),
    ]


def test_the_agreed_url_names_and_paths() -> None:
    assert reverse("duty:room", args=["a"]) == "/c/a/duty/"
    assert reverse("duty:roster", args=["a"]) == "/c/a/duty/roster/"
    assert reverse("duty:log", args=["a"]) == "/c/a/duty/log/"
    assert reverse("duty:handover", args=["a"]) == "/c/a/duty/handover/"


def test_room_shows_who_is_on_duty_open_alarms_and_todays_log(tenancy: Any, duty: Any) -> None:
    Alarm.objects.create(community=tenancy.a, alarm_type="fire")
    Alarm.objects.create(community=tenancy.b, alarm_type="fire")
    page = client_for(tenancy.manager_a).get(reverse("duty:room", args=["a"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "operator_a" in html and "东门画面正常" in html
    assert page.context["open_alarms"] == 1
    assert reverse("duty:handover", args=["a"]) in html


def test_room_warns_about_a_duty_room_without_roster(tenancy: Any) -> None:
    room(tenancy.a, "MC", "monitoring_centre")
    html = client_for(tenancy.manager_a).get(reverse("duty:room", args=["a"])).content.decode()
    assert "没有排班表" in html and reverse("duty:roster_create", args=["a"]) in html


def test_another_communitys_user_gets_404_everywhere(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.manager_b)
    for url in urls(tenancy.a, duty):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("duty:log", args=["a"]), {"text": "x"}).status_code == 404
    r = duty["roster"].pk
    assert client.post(reverse("duty:roster_generate", args=["a", r])).status_code == 404
    assert client.post(reverse("duty:shift_delete", args=["a", r, duty["shift"].pk])).status_code == 404
    assert Shift.objects.filter(pk=duty["shift"].pk).exists()
    # B's own roster id under A's code is not found either.
    other = roster(tenancy.b)
    assert (
        client_for(tenancy.manager_a).get(reverse("duty:roster_edit", args=["a", other.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["police_a", "guard"])
def test_guards_and_police_only_read(tenancy: Any, duty: Any, who: str) -> None:
    user = (
        tenancy.police_a
        if who == "police_a"
        else factories.user("g", community=tenancy.a, role=RoleChoices.GUARD)
    )
    client = client_for(user)
    for url in urls(tenancy.a, duty)[:5]:
        assert client.get(url).status_code == 200, url
    for url in urls(tenancy.a, duty)[5:]:
        assert client.get(url).status_code == 403, url
    html = client.get(reverse("duty:log", args=["a"])).content.decode()
    assert 'name="text"' not in html
    assert client.post(reverse("duty:log", args=["a"]), {"text": "x"}).status_code == 403
    assert client.post(reverse("duty:handover", args=["a"]), {}).status_code == 403
    assert client.post(reverse("duty:roster_generate", args=["a", duty["roster"].pk])).status_code == 403
    roster_page = client.get(reverse("duty:roster", args=["a"])).content.decode()
    assert reverse("duty:shift_create", args=["a", duty["roster"].pk]) not in roster_page


def test_operator_writes_the_log_but_does_not_edit_the_roster(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.operator_a)
    response = client.post(
        reverse("duty:log", args=["a"]), {"text": "23:00 东门巡查", "roster": duty["roster"].pk}
    )
    assert response.status_code == 302
    entry = DutyLogEntry.objects.get(text="23:00 东门巡查")
    assert entry.by == tenancy.operator_a and entry.kind == "manual" and entry.roster == duty["roster"]
    assert client.get(reverse("duty:shift_create", args=["a", duty["roster"].pk])).status_code == 403
    assert client.get(reverse("duty:roster_create", args=["a"])).status_code == 403


def test_rejected_log_entry_keeps_what_was_typed(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.operator_a)
    other = roster(tenancy.b)
    response = client.post(reverse("duty:log", args=["a"]), {"text": "没丢的一段话", "roster": other.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "没丢的一段话" in html and "errorlist" in html
    response = client.post(reverse("duty:log", args=["a"]), {"text": ""})
    assert response.status_code == 400 and "alert-error" in response.content.decode()
    assert DutyLogEntry.objects.filter(kind="manual").count() == 1


def test_log_date_filter(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.manager_a)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert (
        "东门画面正常"
        not in client.get(reverse("duty:log", args=["a"]) + f"?date={yesterday}").content.decode()
    )
    assert "东门画面正常" in client.get(reverse("duty:log", args=["a"])).content.decode()
    assert client.get(reverse("duty:log", args=["a"]) + "?date=not-a-date").status_code == 200


def test_manager_builds_a_roster_pattern_and_generates(tenancy: Any) -> None:
    duty_room = room(tenancy.a)
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("duty:roster_create", args=["a"]),
        {"location": duty_room.pk, "name": "南门值班", "min_people": 1},
    )
    assert response.status_code == 302
    r = Roster.objects.get(community=tenancy.a)
    for name, start, end in (
        ("夜班", "00:00", "08:00"),
        ("白班", "08:00", "16:00"),
        ("中班", "16:00", "00:00"),
    ):
        response = client.post(
            reverse("duty:pattern_create", args=["a", r.pk]),
            {
                "name": name,
                "weekdays": [0, 1, 2, 3, 4, 5, 6],
                "start_time": start,
                "end_time": end,
                "people": [tenancy.operator_a.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    now = timezone.now()
    assert r.uncovered_minutes(now, now + dt.timedelta(days=13)) == 0
    response = client.post(reverse("duty:roster_generate", args=["a", r.pk]))
    assert response.status_code == 302
    page = client.get(reverse("duty:roster", args=["a"]))
    assert page.context["uncovered_week"] >= 0 and "week-grid" in page.content.decode()


def test_week_grid_shows_uncovered_hours_in_red(tenancy: Any, duty: Any) -> None:
    page = client_for(tenancy.manager_a).get(reverse("duty:roster", args=["a"]))
    html = page.content.decode()
    assert page.status_code == 200 and 'class="gap"' in html and page.context["uncovered_week"] > 0


def test_shift_form_rejects_end_before_start_and_keeps_input(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.manager_a)
    url = reverse("duty:shift_create", args=["a", duty["roster"].pk])
    response = client.post(
        url, {"starts_at": "2026-06-01T16:00", "ends_at": "2026-06-01T08:00", "note": "保留的备注"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "结束时间必须晚于开始时间" in html and "保留的备注" in html
    response = client.post(
        url,
        {
            "starts_at": "2026-06-01T16:00",
            "ends_at": "2026-06-02T00:00",
            "people": [tenancy.manager_b.pk],
        },
    )
    assert response.status_code == 400  # not a member of A: not a choice
    response = client.post(
        url,
        {"starts_at": "2026-06-01T16:00", "ends_at": "2026-06-02T00:00", "people": [tenancy.operator_a.pk]},
    )
    assert response.status_code == 302
    created = Shift.objects.get(roster=duty["roster"], note="", starts_at__date="2026-06-01", pattern=None)
    assert timezone.localtime(created.starts_at).hour == 16  # read as Asia/Shanghai


def test_shift_edit_and_delete(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.manager_a)
    s = duty["shift"]
    url = reverse("duty:shift_edit", args=["a", duty["roster"].pk, s.pk])
    form = client.get(url)
    assert form.status_code == 200 and "operator_a" in form.content.decode()
    start = timezone.localtime(s.starts_at).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime(s.ends_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"starts_at": start, "ends_at": end, "people": [tenancy.manager_a.pk], "note": "换班"}
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert list(s.people.all()) == [tenancy.manager_a] and s.note == "换班"
    assert client.post(reverse("duty:shift_delete", args=["a", duty["roster"].pk, s.pk])).status_code == 302
    assert not Shift.objects.filter(pk=s.pk).exists()


def test_handover_form_lists_open_alarms_and_records(tenancy: Any, duty: Any) -> None:
    alarm = Alarm.objects.create(community=tenancy.a, alarm_type="fire", title="3号楼烟感")
    client = client_for(tenancy.operator_a)
    page = client.get(reverse("duty:handover", args=["a"]))
    assert page.status_code == 200 and "3号楼烟感" in page.content.decode()
    bad = client.post(
        reverse("duty:handover", args=["a"]), {"roster": duty["roster"].pk, "notes": "交接内容保留"}
    )
    assert bad.status_code == 400 and "交接内容保留" in bad.content.decode()
    ok = client.post(
        reverse("duty:handover", args=["a"]),
        {"roster": duty["roster"].pk, "taken_over_by": tenancy.manager_a.pk, "notes": "道闸待修"},
    )
    assert ok.status_code == 302
    handover = Handover.objects.get(community=tenancy.a)
    assert list(handover.alarms.all()) == [alarm] and handover.handed_over_by == tenancy.operator_a


def test_record_downloads_pdf_html_json_and_is_access_logged(tenancy: Any, duty: Any) -> None:
    client = client_for(tenancy.manager_a)
    base = reverse("duty:record", args=["a"])
    pdf = client.get(base + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    html = client.get(base + "?format=html").content.decode()
    assert "安防值班记录" in html and "东门画面正常" in html and "operator_a" in html
    data = json.loads(client.get(base + "?format=json").content)
    assert data["community"]["code"] == "a" and data["entries"][0]["text"] == "东门画面正常"
    assert ["operator_a"] in [s["people"] for s in data["rooms"][0]["shifts"]]
    assert client.get(base + "?format=docx").status_code == 404
    assert AccessRecord.objects.filter(resource="duty_record", community_id=tenancy.a.pk).count() == 3


def test_handover_suggests_the_room_and_the_next_shift(tenancy: Any, duty: Any) -> None:
    r = duty["roster"]
    nxt = duty["shift"].ends_at
    shift(r, nxt, nxt + dt.timedelta(hours=8), [tenancy.manager_a])
    form = client_for(tenancy.operator_a).get(reverse("duty:handover", args=["a"])).context["form"]
    assert form.initial == {"roster": r.pk, "taken_over_by": tenancy.manager_a.pk}


def test_admin_lists_duty_records_read_only(tenancy: Any, duty: Any) -> None:
    tenancy.admin.is_staff = True
    tenancy.admin.save()
    client = client_for(tenancy.admin)
    for model in ("roster", "shiftpattern", "shift", "handover", "dutylogentry"):
        assert client.get(f"/admin/duty/{model}/").status_code == 200, model
        assert client.get(f"/admin/duty/{model}/add/").status_code == 403, model
    assert client_for(tenancy.manager_a).get("/admin/duty/roster/").status_code == 302


def test_alarm_lines_of_the_log_link_to_the_alarm(tenancy: Any, duty: Any) -> None:
    from anfang.alarms.models import AlarmAction
    from anfang.alarms.signals import alarm_action_recorded

    alarm = Alarm.objects.create(community=tenancy.a, alarm_type="fire", title="烟感")
    action = AlarmAction.objects.create(alarm=alarm, community=tenancy.a, action="raise")
    alarm_action_recorded.send(sender=AlarmAction, action=action)
    html = client_for(tenancy.operator_a).get(reverse("duty:log", args=["a"])).content.decode()
    assert f'href="/c/a/alarms/{alarm.pk}/"' in html and "产生报警" in html


def test_police_read_the_log_with_links_only_to_alarms_reported_to_them(tenancy: Any, duty: Any) -> None:
    from django.db import transaction

    from anfang.alarms import services as alarms

    with transaction.atomic():
        quiet = alarms.raise_alarm(community_id=tenancy.a.pk, alarm_type="intrusion", title="北墙入侵")
        reported = alarms.raise_alarm(community_id=tenancy.a.pk, alarm_type="fire", title="3号楼火情")
    Alarm.objects.filter(pk=reported.pk).update(police_reported_at=timezone.now())
    police = client_for(tenancy.police_a)
    for name in ("duty:log", "duty:room"):
        html = police.get(reverse(name, args=["a"])).content.decode()
        assert "北墙入侵" in html and "3号楼火情" in html, name  # every line of the record is readable
        assert f'href="/c/a/alarms/{quiet.pk}/"' not in html, name
        assert f'href="/c/a/alarms/{reported.pk}/"' in html, name
    assert police.get(f"/c/a/alarms/{quiet.pk}/").status_code == 404  # the link would have been dead
    record = json.loads(police.get(reverse("duty:record", args=["a"]) + "?format=json").content)
    assert f"产生报警：#{quiet.pk} 入侵报警 — 北墙入侵" in [e["text"] for e in record["entries"]]
    # The operator of the community follows every line.
    html = client_for(tenancy.operator_a).get(reverse("duty:log", args=["a"])).content.decode()
    assert f'href="/c/a/alarms/{quiet.pk}/"' in html and f'href="/c/a/alarms/{reported.pk}/"' in html


def test_room_does_not_count_a_deactivated_operator_as_on_duty(tenancy: Any, duty: Any) -> None:
    on_duty = '<span class="badge badge-green">operator_a</span>'
    client = client_for(tenancy.manager_a)
    assert on_duty in client.get(reverse("duty:room", args=["a"])).content.decode()
    tenancy.operator_a.is_active = False
    tenancy.operator_a.save()
    html = client.get(reverse("duty:room", args=["a"])).content.decode()
    assert on_duty not in html
