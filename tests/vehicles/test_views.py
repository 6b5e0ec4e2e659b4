"""Vehicle pages: the guard's lane screen and override, the lists, passage search and export, vehicles
inside; permissions by role and community, and the access log of searches, exports and photos."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anfang.core.choices import RoleChoices
from anfang.core.models import AccessRecord, ChangeRecord
from anfang.vehicles import services
from anfang.vehicles.models import BlacklistEntry, Lane, Passage, ResidentVehicle, VisitorPass
from tests.support import factories
from tests.vehicles.conftest import Gate, pass_in, pass_out, read

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def guard(gate: Gate) -> Any:
    return factories.user("guard_a", community=gate.tenancy.a, role=RoleChoices.GUARD)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


# ---------------------------------------------------------------------------------------------------
# Lanes and the guard's screen
# ---------------------------------------------------------------------------------------------------


def test_lane_list_shows_each_lane_with_its_last_passage_and_the_count_inside(gate: Gate, guard: Any) -> None:
    c = client_for(guard)
    empty = c.get("/c/a/lanes/")
    assert empty.status_code == 200
    assert "东门入口" in text(empty) and "尚无过车记录" in text(empty)
    pass_in(gate, "辽H99999")
    page = text(c.get("/c/a/lanes/"))
    assert "辽H99999" in page and "请保安确认" in page
    assert "新增车道" not in page  # guards do not configure lanes


def test_no_lanes_gives_a_clear_empty_state(tenancy: Any) -> None:
    page = text(client_for(tenancy.manager_a).get("/c/a/lanes/"))
    assert "尚未配置车道" in page and "/c/a/vehicles/lanes/new/" in page


def test_the_lane_screen_shows_the_latest_passage_big_with_photos_and_the_last_ten(
    gate: Gate, guard: Any
) -> None:
    c = client_for(guard)
    empty = text(c.get("/c/a/lanes/E-IN/"))
    assert "这条车道尚无过车记录" in empty
    for i in range(12):
        pass_in(gate, f"辽H1000{i % 10}" if i < 10 else f"辽H2000{i}")
    latest = pass_in(gate, "辽H99999", pictures=True)
    page = text(c.get("/c/a/lanes/E-IN/"))
    assert "plate-big" in page and "辽H99999" in page
    assert "陌生车辆" in page and "needs-guard" in page  # asked of the guard, flashing
    assert f"/c/a/passages/{latest.id}/plate.jpg" in page and f"/c/a/passages/{latest.id}/scene.jpg" in page
    assert page.count('<tr><td class="nowrap">') == 10  # the last ten below the current one
    assert "访客已与业主核实" in page and 'value="open"' in page and 'value="deny"' in page


def test_latest_json_changes_when_a_passage_arrives_and_when_it_is_overridden(gate: Gate, guard: Any) -> None:
    c = client_for(guard)
    first = c.get("/c/a/lanes/E-IN/latest.json").json()
    assert first == {"stamp": "none", "id": None}
    result = pass_in(gate, "辽H99999")
    body = c.get("/c/a/lanes/E-IN/latest.json").json()
    assert body["id"] == result.id and body["needs_guard"] is True and body["plate"] == "辽H99999"
    c.post(f"/c/a/passages/{result.id}/override/", {"decision": "open", "preset": "快递/外卖"})
    after = c.get("/c/a/lanes/E-IN/latest.json").json()
    assert after["stamp"] != body["stamp"] and after["decision"] == "open" and after["needs_guard"] is False
    fragment = c.get("/c/a/lanes/E-IN/?fragment=1")
    assert "<html" not in text(fragment) and "快递/外卖" in text(fragment)


def test_the_guard_opens_with_a_reason_and_the_override_shows(gate: Gate, guard: Any) -> None:
    result = pass_in(gate, "辽H99999")
    c = client_for(guard)
    response = c.post(
        f"/c/a/passages/{result.id}/override/",
        {"decision": "open", "preset": "快递/外卖", "reason": "顺丰快递，3号楼", "next": "/c/a/lanes/E-IN/"},
    )
    assert response.status_code == 302 and response["Location"] == "/c/a/lanes/E-IN/"
    passage = Passage.objects.get(pk=result.id)
    assert passage.override == "open" and passage.override_reason == "顺丰快递，3号楼"  # own words win
    assert passage.overridden_by == guard
    page = text(c.get("/c/a/lanes/E-IN/"))
    assert "已人工放行 辽H99999" in page and "顺丰快递，3号楼" in page and "guard_a" in page


def test_an_override_without_a_reason_is_refused_and_keeps_the_choice(gate: Gate, guard: Any) -> None:
    result = pass_in(gate, "辽H99999")
    response = client_for(guard).post(
        f"/c/a/passages/{result.id}/override/", {"decision": "deny", "reason": " "}
    )
    assert response.status_code == 400
    assert "请选择或填写人工处理的原因" in text(response)
    assert Passage.objects.get(pk=result.id).override == ""
    bad = client_for(guard).post(
        f"/c/a/passages/{result.id}/override/",
        {"decision": "ask", "reason": "随便", "next": "//evil.example/"},
    )
    assert bad.status_code == 400 and Passage.objects.get(pk=result.id).override == ""
    assert 'value="随便"' in text(bad)  # what the guard typed stays
    assert 'name="next" value="/c/a/lanes/E-IN/"' in text(bad)  # the retry returns to the lane


def test_police_search_but_cannot_override(gate: Gate) -> None:
    result = pass_in(gate, "辽H99999")
    police = client_for(gate.tenancy.police_a)
    assert police.get("/c/a/passages/").status_code == 200
    page = text(police.get("/c/a/lanes/E-IN/"))
    assert "辽H99999" in page and "data-override-form" not in page
    response = police.post(f"/c/a/passages/{result.id}/override/", {"decision": "open", "reason": "x"})
    assert response.status_code == 403
    assert Passage.objects.get(pk=result.id).override == ""
    assert police.get("/c/a/vehicles/passes/").status_code == 403


def test_pictures_are_served_only_through_the_logged_view(gate: Gate, guard: Any) -> None:
    result = pass_in(gate, pictures=True)
    response = client_for(guard).get(f"/c/a/passages/{result.id}/plate.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8plate"  # type: ignore[attr-defined]
    assert response["Cache-Control"] == "private, no-store"
    row = AccessRecord.objects.get(resource="vehicle_passage_picture")
    assert row.kind == "view" and row.query == {"passage": result.id, "picture": "plate"}
    assert row.actor_name == "guard_a"
    assert client_for(guard).get(f"/c/a/passages/{result.id}/other.jpg").status_code == 404
    no_picture = pass_in(gate, "辽H88888")
    assert client_for(guard).get(f"/c/a/passages/{no_picture.id}/scene.jpg").status_code == 404


def test_community_b_gets_404_for_a_pages_pictures_and_exports(gate: Gate) -> None:
    result = pass_in(gate, pictures=True)
    ticket = VisitorPass.objects.create(
        community=gate.tenancy.a,
        plate="辽H55555",
        valid_from=timezone.now(),
        valid_until=timezone.now() + dt.timedelta(hours=2),
    )
    other = client_for(gate.tenancy.manager_b)
    for url in (
        "/c/a/lanes/",
        "/c/a/lanes/E-IN/",
        "/c/a/lanes/E-IN/latest.json",
        f"/c/a/passages/{result.id}/plate.jpg",
        "/c/a/passages/",
        "/c/a/passages/export.xlsx",
        "/c/a/vehicles-inside/",
        "/c/a/vehicles/residents/",
        "/c/a/vehicles/blacklist/",
        "/c/a/vehicles/passes/",
        f"/c/a/vehicles/lanes/{gate.lane_in.pk}/edit/",
    ):
        assert other.get(url).status_code == 404, url
    assert (
        other.post(f"/c/a/passages/{result.id}/override/", {"decision": "open", "reason": "x"}).status_code
        == 404
    )
    assert other.post(f"/c/a/vehicles/passes/{ticket.pk}/revoke/").status_code == 404
    # Their own community's pages do not reach A's records either.
    assert other.get(f"/c/b/passages/{result.id}/plate.jpg").status_code == 404
    assert other.get(f"/c/b/vehicles/lanes/{gate.lane_in.pk}/edit/").status_code == 404
    assert other.get("/c/b/lanes/E-IN/").status_code == 404
    assert not AccessRecord.objects.filter(resource="vehicle_passage_picture").exists()


# ---------------------------------------------------------------------------------------------------
# Search and export
# ---------------------------------------------------------------------------------------------------


def test_search_by_pattern_and_every_search_is_access_logged(gate: Gate) -> None:
    pass_in(gate, "辽H12345")
    pass_in(gate, "辽H19993")
    pass_out(gate, "辽B77777")
    c = client_for(gate.tenancy.manager_a)
    default = text(c.get("/c/a/passages/"))
    assert "辽H12345" in default and "辽B77777" in default
    page = text(c.get("/c/a/passages/", {"plate": "h1*93"}))
    assert "辽H19993" in page and "辽H12345" not in page and "辽B77777" not in page
    at_gate = text(c.get("/c/a/passages/", {"entrance": str(gate.entrance.pk)}))
    assert "辽H12345" in at_gate and "辽B77777" in at_gate
    only_in = text(c.get("/c/a/passages/", {"entrance": str(gate.entrance.pk), "lane": str(gate.lane_in.pk)}))
    assert "辽H12345" in only_in and "辽B77777" not in only_in
    assert "has-error" in text(c.get("/c/a/passages/", {"lane": str(gate.lane_b.pk)}))  # B's lane: no choice
    out = text(c.get("/c/a/passages/", {"direction": "out"}))
    assert "辽B77777" in out and "辽H12345" not in out
    asked = text(c.get("/c/a/passages/", {"decision": "ask"}))
    assert "辽H12345" in asked and "辽B77777" not in asked
    logged = AccessRecord.objects.filter(resource="vehicle_passages", kind="search").order_by("seq")
    assert logged.count() == 6
    second = logged[1]
    assert second.query["plate"] == "h1*93" and second.result_count == 1
    assert second.community_id == gate.tenancy.a.pk and second.actor_name == "manager_a"


def test_old_passages_need_a_wider_window_and_bad_windows_are_refused(gate: Gate) -> None:
    pass_in(gate, "辽H12345", at=timezone.now() - dt.timedelta(days=3))
    c = client_for(gate.tenancy.manager_a)
    assert "辽H12345" not in text(c.get("/c/a/passages/"))  # default: the last 24 hours
    since = timezone.localtime() - dt.timedelta(days=4)
    assert "辽H12345" in text(c.get("/c/a/passages/", {"since": since.strftime("%Y-%m-%dT%H:%M")}))
    bad = c.get("/c/a/passages/", {"since": "2026-11-02T10:00", "until": "2026-11-01T10:00", "plate": "辽H9"})
    assert bad.status_code == 200
    assert "截止时间必须晚于起始时间" in text(bad) and 'value="辽H9"' in text(bad)
    garbage = c.get("/c/a/passages/", {"since": "garbage"})
    assert garbage.status_code == 200 and "has-error" in text(garbage) and "查询条件有误" in text(garbage)


def test_all_communities_search_shows_only_what_the_user_may_see(gate: Gate) -> None:
    pass_in(gate, "辽H12345")
    services.record_passage(read("辽B55555"), device=gate.camera_b)
    mine = text(client_for(gate.tenancy.manager_a).get("/passages/"))
    assert "辽H12345" in mine and "辽B55555" not in mine
    everything = text(client_for(gate.tenancy.admin).get("/passages/"))
    assert "辽H12345" in everything and "辽B55555" in everything
    technician = factories.user("tech", community=gate.tenancy.a, role=RoleChoices.TECHNICIAN)
    assert client_for(technician).get("/passages/").status_code == 403
    assert client_for(technician).get("/c/a/passages/").status_code == 403


def test_excel_export_writes_text_as_text_and_is_access_logged(gate: Gate) -> None:
    from openpyxl import load_workbook

    pass_in(gate, "=1+2")  # a plate a device may send; never a formula in the sheet
    pass_in(gate, "辽H12345")
    c = client_for(gate.tenancy.manager_a)
    response = c.get("/c/a/passages/export.xlsx", {"plate": "辽H12345"})
    assert response.status_code == 200
    assert "passages-a-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == 1 and values[0][3] == "辽H12345"
    everything = load_workbook(io.BytesIO(c.get("/c/a/passages/export.xlsx").content)).active
    assert everything is not None
    cells = [cell for row in everything.iter_rows(min_row=4) for cell in row if cell.value == "=1+2"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    exports = AccessRecord.objects.filter(resource="vehicle_passages", kind="export").order_by("seq")
    assert exports.count() == 2
    assert exports[0].query["plate"] == "辽H12345" and exports[0].result_count == 1
    bad = c.get("/c/a/passages/export.xlsx", {"since": "2026-11-02T10:00", "until": "2026-11-01T10:00"})
    assert bad.status_code == 302 and exports.count() == 2


# ---------------------------------------------------------------------------------------------------
# Vehicles inside
# ---------------------------------------------------------------------------------------------------


def test_vehicles_inside_with_entry_time_and_dwell(gate: Gate, guard: Any) -> None:
    c = client_for(guard)
    assert "场内没有登记入场未出场的车辆" in text(c.get("/c/a/vehicles-inside/"))
    ResidentVehicle.objects.create(community=gate.tenancy.a, plate="辽H12345")
    ResidentVehicle.objects.create(community=gate.tenancy.a, plate="辽H22222")
    pass_in(gate, "辽H12345", at=timezone.now() - dt.timedelta(hours=2))
    pass_in(gate, "辽H22222")
    pass_out(gate, "辽H22222")
    page = text(c.get("/c/a/vehicles-inside/"))
    assert "辽H12345" in page and "辽H22222" not in page and "2" in page and "小时" in page


# ---------------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------------


def test_a_resident_vehicle_is_normalised_change_logged_and_bad_plates_refused(gate: Gate) -> None:
    c = client_for(gate.tenancy.manager_a)
    assert "尚未登记业主车辆" in text(c.get("/c/a/vehicles/residents/"))
    response = c.post(
        "/c/a/vehicles/residents/new/",
        {"plate": "辽h 12345", "plate_color": "blue", "unit": gate.unit.pk, "owner_name": "王先生"},
    )
    assert response.status_code == 302
    vehicle = ResidentVehicle.objects.get()
    assert vehicle.plate == "辽H12345" and vehicle.community == gate.tenancy.a
    assert ChangeRecord.objects.filter(object_type__icontains="residentvehicle", action="create").exists()
    assert "辽H12345" in text(c.get("/c/a/vehicles/residents/"))
    bad = c.post(
        "/c/a/vehicles/residents/new/", {"plate": "辽H12", "plate_color": "blue", "owner_name": "李四"}
    )
    assert bad.status_code == 400
    assert "车牌号无效" in text(bad) and 'value="李四"' in text(bad) and 'value="辽H12"' in text(bad)
    again = c.post("/c/a/vehicles/residents/new/", {"plate": "辽H12345", "plate_color": "blue"})
    assert again.status_code == 400 and "该车牌已登记" in text(again)
    backwards = c.post(
        "/c/a/vehicles/residents/new/",
        {"plate": "辽H54321", "plate_color": "blue", "valid_from": "2026-12-01", "valid_until": "2026-11-01"},
    )
    assert backwards.status_code == 400 and "有效期至不能早于有效期自" in text(backwards)
    assert ResidentVehicle.objects.count() == 1


def test_the_guard_cannot_edit_the_lists_but_registers_visitor_passes(gate: Gate, guard: Any) -> None:
    c = client_for(guard)
    for url in ("/c/a/vehicles/residents/", "/c/a/vehicles/blacklist/", "/c/a/vehicles/blacklist/new/"):
        assert c.get(url).status_code == 403, url
    assert c.post("/c/a/vehicles/blacklist/new/", {"plate": "辽H66666", "reason": "x"}).status_code == 403
    assert c.get(f"/c/a/vehicles/lanes/{gate.lane_in.pk}/edit/").status_code == 403
    assert not BlacklistEntry.objects.exists()
    assert "今天没有访客通行证" in text(c.get("/c/a/vehicles/passes/"))
    now = timezone.localtime()
    response = c.post(
        "/c/a/vehicles/passes/new/",
        {
            "plate": "辽H66666",
            "visitor_name": "张先生",
            "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "max_uses": "1",
        },
    )
    assert response.status_code == 302
    ticket = VisitorPass.objects.get()
    assert ticket.registered_by == guard and ticket.max_uses == 1
    assert "辽H66666" in text(c.get("/c/a/vehicles/passes/"))
    assert pass_in(gate, "辽H66666").decision == "open"
    c.post(f"/c/a/vehicles/passes/{ticket.pk}/revoke/")
    ticket.refresh_from_db()
    assert ticket.revoked_at is not None
    assert "已作废" in text(c.get("/c/a/vehicles/passes/"))


def test_a_visitor_pass_with_a_bad_window_is_refused_and_kept(gate: Gate, guard: Any) -> None:
    now = timezone.localtime()
    response = client_for(guard).post(
        "/c/a/vehicles/passes/new/",
        {
            "plate": "辽H66666",
            "visitor_name": "张先生",
            "valid_from": now.strftime("%Y-%m-%dT%H:%M"),
            "valid_until": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "有效时间至必须晚于有效时间自" in text(response) and 'value="张先生"' in text(response)
    assert not VisitorPass.objects.exists()


def test_the_blacklist_by_a_manager(gate: Gate) -> None:
    c = client_for(gate.tenancy.manager_a)
    assert "黑名单为空" in text(c.get("/c/a/vehicles/blacklist/"))
    assert (
        c.post("/c/a/vehicles/blacklist/new/", {"plate": "辽h66666", "reason": "多次冲卡"}).status_code == 302
    )
    entry = BlacklistEntry.objects.get()
    assert entry.plate == "辽H66666" and entry.added_by == gate.tenancy.manager_a
    assert "多次冲卡" in text(c.get("/c/a/vehicles/blacklist/"))
    bad = c.post("/c/a/vehicles/blacklist/new/", {"plate": "XYZ", "reason": ""})
    assert bad.status_code == 400 and "车牌号无效" in text(bad)


def test_the_lane_password_is_never_shown_back_and_kept_when_left_empty(gate: Gate) -> None:
    c = client_for(gate.tenancy.manager_a)
    data = {
        "code": "E-IN",
        "name": "东门入口",
        "direction": "in",
        "policy": "residents_and_visitors",
        "ask_guard": "on",
        "barrier_url": "http://192.0.2.10",
        "barrier_channel": "1",
        "barrier_username": "admin",
        "barrier_password": "s3cret-pw",
    }
    url = f"/c/a/vehicles/lanes/{gate.lane_in.pk}/edit/"
    assert c.post(url, data).status_code == 302
    assert Lane.objects.get(pk=gate.lane_in.pk).barrier_password == "s3cret-pw"
    assert "s3cret-pw" not in text(c.get(url))
    assert c.post(url, {**data, "barrier_password": "", "name": "东门入口 1"}).status_code == 302
    lane = Lane.objects.get(pk=gate.lane_in.pk)
    assert lane.barrier_password == "s3cret-pw" and lane.name == "东门入口 1"
    change = ChangeRecord.objects.filter(object_type__icontains="lane").order_by("-seq").first()
    assert change is not None and "s3cret-pw" not in str(change.before) + str(change.after)
    bad = c.post(url, {**data, "code": "E-OUT", "barrier_url": "ftp://x", "open_from": "22:00"})
    assert bad.status_code == 400
    page = text(bad)
    assert "该车道编号已存在" in page and "http:// 或 https://" in page and "同时填写" in page
    assert "s3cret-pw" not in page
    assert c.post("/c/a/vehicles/lanes/new/", {**data, "code": "N-IN", "name": "北门入口"}).status_code == 302
    assert Lane.objects.filter(community=gate.tenancy.a, code="N-IN").exists()


def test_a_lane_stream_url_is_write_only_and_kept_out_of_the_change_log(gate: Gate) -> None:
    """A plain camera's RTSP URL carries its password: never shown back in full, never in the change log."""
    c = client_for(gate.tenancy.manager_a)
    data = {
        "code": "E-IN",
        "name": "东门入口",
        "direction": "in",
        "policy": "residents_and_visitors",
        "ask_guard": "on",
        "camera": str(gate.camera_in.pk),
        "barrier_channel": "1",
        "stream_url": "rtsp://admin:cam-s3cret@192.0.2.20:554/Streaming/Channels/101",
    }
    url = f"/c/a/vehicles/lanes/{gate.lane_in.pk}/edit/"
    assert c.post(url, data).status_code == 302
    assert Lane.objects.get(pk=gate.lane_in.pk).stream_url == data["stream_url"]
    page = text(c.get(url))
    assert "cam-s3cret" not in page and "rtsp://admin:***@192.0.2.20:554" in page
    assert c.post(url, {**data, "stream_url": "", "name": "东门入口 1"}).status_code == 302
    assert Lane.objects.get(pk=gate.lane_in.pk).stream_url == data["stream_url"]  # kept when left empty
    changes = ChangeRecord.objects.filter(object_type__icontains="lane")
    assert changes.exists() and all("cam-s3cret" not in str(r.before) + str(r.after) for r in changes)
    bad = c.post(url, {**data, "stream_url": "camera-1", "camera": ""})
    assert bad.status_code == 400
    assert "rtsp://" in text(bad) and "须选择摄像机" in text(bad) and "cam-s3cret" not in text(bad)
    assert c.post(url, {**data, "stream_url": "", "clear_stream": "on"}).status_code == 302
    assert Lane.objects.get(pk=gate.lane_in.pk).stream_url == ""


def test_the_lane_admin_shows_the_stream_url_without_its_password(gate: Gate) -> None:
    gate.lane_in.stream_url = "rtsp://admin:cam-s3cret@192.0.2.20/ch1"
    gate.lane_in.save()
    c = client_for(gate.tenancy.admin)
    listing = text(c.get("/admin/vehicles/lane/"))
    assert "rtsp://admin:***@192.0.2.20/ch1" in listing and "cam-s3cret" not in listing
    change = text(c.get(f"/admin/vehicles/lane/{gate.lane_in.pk}/change/"))
    assert "rtsp://admin:***@192.0.2.20/ch1" in change and "cam-s3cret" not in change
    form = {
        "community": str(gate.tenancy.a.pk),
        "code": "E-IN",
        "name": "东门入口 2",
        "direction": "in",
        "camera": str(gate.camera_in.pk),
        "policy": "residents_and_visitors",
        "ask_guard": "on",
        "barrier_channel": "1",
        "stream_url": "",
    }
    saved = c.post(f"/admin/vehicles/lane/{gate.lane_in.pk}/change/", form)
    assert saved.status_code == 302, text(saved)[:2000]
    lane = Lane.objects.get(pk=gate.lane_in.pk)
    assert lane.name == "东门入口 2" and lane.stream_url == "rtsp://admin:cam-s3cret@192.0.2.20/ch1"


def test_the_navigation_offers_the_vehicle_pages(gate: Gate, guard: Any) -> None:
    c = client_for(guard)
    c.post("/switch/", {"code": "a"})
    page = text(c.get("/c/a/lanes/"))
    assert "/c/a/passages/" in page and "/c/a/vehicles-inside/" in page
