"""Community export/import as JSON (docs/community.schema.json): round trip, every problem reported,
all-or-nothing writes, R-24/R-29 for devices in service, R-33.3 for moved devices, R-33.5 logging."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from anfang.core import audit
from anfang.core.models import AccessRecord, ChangeRecord
from anfang.devices.models import (
    AcceptanceRecord,
    Certificate,
    ChangeAuthorisation,
    Device,
    DeviceModel,
    Manufacturer,
)
from anfang.devices.services import Authorisation
from anfang.sites import exchange
from anfang.sites.models import (
    Community,
    Location,
    PerimeterSegment,
    PoliceStation,
    PropertyCompany,
    SecurityTeam,
)
from tests.support import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [20, 0], [20, 30], [0, 30], [0, 0]]]}


def build_community(code: str = "yh") -> Community:
    """A community with every kind of record the document carries."""
    station = PoliceStation.objects.create(
        code=f"ps-{code}", name="站前派出所", district="站前区", phone="110"
    )
    company = PropertyCompany.objects.create(code=f"pc-{code}", name="安居物业", contact="王经理")
    community = Community.objects.create(
        code=code,
        name="幸福家园",
        address="营口市站前区幸福路1号",
        district="站前区",
        police_station=station,
        property_company=company,
        security_grade="enhanced",
        plan_width_m="420.50",
        video_retention_days=60,
        vehicle_retention_days=120,
    )
    SecurityTeam.objects.create(
        community=community,
        kind="guard_team",
        name="物业保安队",
        members=14,
        leader="李队长",
        phone="0417-2856611",
        contract_ref="AJ-WY-2024-003",
    )
    gate = factories.location(community, code="E1", name="南门", kind="entrance", geometry=SQUARE)
    lane = factories.location(
        community, code="E1-V", name="南门车行", kind="lane", parent=gate, direction="in"
    )
    factories.location(community, code="E1-R", name="南门外延道路", kind="road_stretch", parent=gate)
    building = factories.location(community, code="B1", name="1号楼", kind="building", floors=18)
    unit = factories.location(community, code="B1-U1", name="1单元", kind="unit", parent=building)
    factories.location(community, code="B1-U1-D", name="1单元门", kind="unit_entrance", parent=unit)
    factories.location(community, code="B1-U1-L", name="1单元电梯", kind="elevator", parent=unit)
    duty = factories.location(community, code="DR", name="值班室", kind="duty_room", area_m2="24.50")
    centre = factories.location(
        community, code="MC", name="监控中心", kind="monitoring_centre", linked_to=duty
    )
    duty.linked_to = centre
    duty.save()
    factories.segment(community, [[0, 0], [100, 0]], code="S1", sequence=1, barrier_height_m="2.20")
    factories.segment(community, [[100, 0], [100, 80]], code="S2", sequence=2, barrier_type="fence")
    maker = Manufacturer.objects.create(code=f"hik-{code}", name="海康威视")
    model = factories.device_model(manufacturer=maker, model_number=f"DS-2CD-{code}", name="枪机")
    camera = factories.in_service_device(
        community,
        code=f"{code}-cam1",
        name="南门车行摄像机",
        device_model=model,
        location=lane,
        purpose="车辆抓拍",
        position={"type": "Point", "coordinates": [10.5, 3]},
        coverage=SQUARE,
        network_address="10.0.0.11",
        port=80,
        resolution_width=2560,
        resolution_height=1440,
        anpr=True,
        heartbeat_interval_s=60,
    )
    Device.objects.filter(pk=camera.pk).update(last_seen_at=dt.datetime(2026, 11, 1, 8, 0, 5, tzinfo=dt.UTC))
    factories.device(
        community, code=f"{code}-nvr", name="录像机", kind="nvr", location=centre, retention_days=45
    )
    return community


def wipe() -> None:
    """Delete every registry record, as if the database were new (the audit log stays, as it must)."""
    AcceptanceRecord.objects.all().delete()
    ChangeAuthorisation.objects.all().delete()
    Device.objects.all().delete()
    Location.objects.all().delete()
    PerimeterSegment.objects.all().delete()
    Community.objects.all().delete()
    Certificate.objects.all().delete()
    DeviceModel.objects.all().delete()
    Manufacturer.objects.all().delete()
    PoliceStation.objects.all().delete()
    PropertyCompany.objects.all().delete()


def fingerprint() -> dict[str, Any]:
    """Everything an import could touch, to prove a refused import touched nothing."""
    models = [
        PoliceStation,
        PropertyCompany,
        Community,
        SecurityTeam,
        Manufacturer,
        DeviceModel,
        Certificate,
        Location,
        PerimeterSegment,
        Device,
        AcceptanceRecord,
        ChangeAuthorisation,
    ]
    state: dict[str, Any] = {
        m.__name__: sorted(map(repr, (o.snapshot() for o in m.objects.all()))) for m in models
    }
    state["change_log"] = ChangeRecord.objects.count()
    return state


def paths(problems: list[exchange.Problem]) -> set[str]:
    return {p.path for p in problems}


# ---------------------------------------------------------------------------------------------------
# Schema and export
# ---------------------------------------------------------------------------------------------------


def test_published_schema_matches_the_code():
    published = json.loads((ROOT / "docs" / "community.schema.json").read_text(encoding="utf-8"))
    assert published == exchange.community_schema(), (
        "docs/community.schema.json is stale: run `anfang community schema -o docs/community.schema.json`"
    )


def test_export_holds_the_whole_community_and_validates():
    build_community()
    doc = exchange.export_community(Community.objects.get(code="yh"))

    assert doc["schema"] == "anfang/community" and doc["version"] == 1
    assert exchange.validate_document(doc, replace=True) == []
    c = doc["community"]
    assert c["police_station"] == {
        "code": "ps-yh",
        "name": "站前派出所",
        "district": "站前区",
        "address": "",
        "phone": "110",
    }
    assert c["property_company"]["name"] == "安居物业"
    assert c["plan"] == {"width_m": 420.5, "height_m": 200.0}
    locations = {loc["code"]: loc for loc in doc["locations"]}
    assert locations["E1-V"]["parent"] == "E1" and locations["E1-V"]["lane_type"] == "vehicle"
    assert locations["DR"]["linked_to"] == "MC" and locations["MC"]["linked_to"] == "DR"
    assert locations["DR"]["area_m2"] == 24.5
    assert [s["code"] for s in doc["perimeter"]] == ["S1", "S2"]
    camera = next(d for d in doc["devices"] if d["code"] == "yh-cam1")
    assert camera["model"] == {"manufacturer": "hik-yh", "model_number": "DS-2CD-yh"}
    assert camera["location"] == "E1-V" and camera["status"] == "in_service"
    assert camera["network"]["address"] == "10.0.0.11"
    assert camera["capabilities"] == {"resolution_width": 2560, "resolution_height": 1440, "anpr": True}
    assert camera["heartbeat"] == {"interval_s": 60, "last_seen_at": "2026-11-01T08:00:05+00:00"}
    assert camera["acceptance"][0]["passed"] is True
    assert doc["manufacturers"] == [{"code": "hik-yh", "name": "海康威视", "country": "CN"}]
    assert doc["device_models"][0]["certificates"][0]["type"] == "production_registration"


def test_export_is_in_the_access_log():
    community = build_community()
    with audit.actor(system="cli:community-export"):
        exchange.export_community(community)
    row = AccessRecord.objects.order_by("-seq").first()
    assert row is not None
    assert (row.kind, row.resource, row.community_id) == ("export", "community", community.pk)
    assert row.actor_name == "cli:community-export"


# ---------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------


def test_round_trip_into_an_empty_database_gives_the_same_document():
    first = exchange.export_community(build_community())
    wipe()
    assert not Community.objects.exists()

    with audit.actor(system="cli:community-import"):
        result = exchange.import_community(first, by=None)

    assert result.ok, result.problems
    assert result.created["location"] == 9 and result.created["device"] == 2
    assert result.created["police_station"] == 1 and result.created["certificate"] == 1
    second = exchange.export_community(Community.objects.get(code="yh"))
    assert (
        json.dumps(second, indent=1, ensure_ascii=False).splitlines()
        == json.dumps(first, indent=1, ensure_ascii=False).splitlines()
    )


def test_import_is_change_logged_under_the_import_actor():
    doc = exchange.export_community(build_community())
    wipe()
    mark = ChangeRecord.objects.count()
    with audit.actor(system="cli:community-import"):
        exchange.import_community(doc, by=None)
    rows = ChangeRecord.objects.filter(seq__gt=mark)
    assert rows.filter(object_type="devices.device", action="create").count() == 2
    assert set(rows.values_list("actor_name", flat=True)) == {"cli:community-import"}


def test_importing_the_same_file_again_with_update_changes_nothing():
    doc = exchange.export_community(build_community())
    before = fingerprint()

    result = exchange.import_community(doc, by=None, replace=True)

    assert result.ok, result.problems
    assert not result.created and not result.updated
    assert result.unchanged["device"] == 2 and result.unchanged["location"] == 9
    assert fingerprint() == before


def test_an_existing_community_is_refused_without_update():
    doc = exchange.export_community(build_community())
    result = exchange.import_community(doc, by=None)
    assert not result.ok
    assert [p.path for p in result.problems] == ["$.community.code"]
    assert "--update" in result.problems[0].message


def test_update_edits_names_and_adds_new_records():
    doc = exchange.export_community(build_community())
    doc["community"]["name"] = "幸福家园（一期）"
    doc["locations"].append({"code": "SQ", "name": "中心广场", "kind": "square", "is_main": True})
    doc["devices"].append({"code": "yh-cam2", "name": "广场摄像机", "subsystem": "video", "kind": "camera",
                           "location": "SQ"})  # fmt: skip

    result = exchange.import_community(doc, by=None, replace=True)

    assert result.ok, result.problems
    assert (
        result.updated["community"] == 1 and result.created["location"] == 1 and result.created["device"] == 1
    )
    assert Community.objects.get(code="yh").name == "幸福家园（一期）"
    assert Device.objects.get(code="yh-cam2").location.code == "SQ"  # type: ignore[union-attr]


def test_moving_a_device_needs_an_authorisation_r33_3():
    doc = exchange.export_community(build_community())
    camera = next(d for d in doc["devices"] if d["code"] == "yh-cam1")
    camera["location"] = "E1-R"
    camera["purpose"] = "外延道路监控"

    refused = exchange.import_community(doc, by=None, replace=True)
    assert not refused.ok
    assert paths(refused.problems) == {f"$.devices[{doc['devices'].index(camera)}].location"}
    assert "第33条第(3)项" in refused.problems[0].message
    assert Device.objects.get(code="yh-cam1").location.code == "E1-V"  # type: ignore[union-attr]

    auth = Authorisation(
        reference="营安批〔2026〕7号", authorised_by="站前派出所", reason="批量导入 import:yh.json"
    )
    done = exchange.import_community(doc, by=None, replace=True, authorisation=auth)
    assert done.ok, done.problems
    device = Device.objects.get(code="yh-cam1")
    assert device.location.code == "E1-R" and device.purpose == "外延道路监控"  # type: ignore[union-attr]
    record = ChangeAuthorisation.objects.get(device=device)
    assert record.reference == "营安批〔2026〕7号"
    assert set(record.changes) == {"location_id", "purpose"}


def test_a_problem_found_while_writing_undoes_everything():
    """The last device's unauthorised move is only noticed after earlier records were written."""
    doc = exchange.export_community(build_community())
    doc["community"]["name"] = "改名"
    doc["locations"].append({"code": "SQ", "name": "中心广场", "kind": "square"})
    doc["devices"][-1]["location"] = "SQ"  # yh-nvr moves: needs an authorisation
    before = fingerprint()

    result = exchange.import_community(doc, by=None, replace=True)

    assert not result.ok
    assert paths(result.problems) == {f"$.devices[{len(doc['devices']) - 1}].location"}
    assert not result.created and not result.updated  # nothing is reported as written
    assert fingerprint() == before


def test_an_error_deep_inside_leaves_the_database_exactly_as_before():
    doc = exchange.export_community(build_community())
    wipe()
    doc["devices"][1]["acceptance"] = [{"accepted_on": "2026-02-30", "accepted_by": "验收组"}]
    before = fingerprint()

    result = exchange.import_community(doc, by=None)

    assert paths(result.problems) == {"$.devices[1].acceptance[0].accepted_on"}
    assert fingerprint() == before


def test_dry_run_counts_but_writes_nothing():
    doc = exchange.export_community(build_community())
    wipe()
    before = fingerprint()
    result = exchange.import_community(doc, by=None, dry_run=True)
    assert result.ok and result.dry_run
    assert result.created["device"] == 2
    assert fingerprint() == before


def test_shared_records_are_reused_not_overwritten():
    doc = exchange.export_community(build_community())
    Device.objects.all().delete()
    AcceptanceRecord.objects.all().delete()
    Location.objects.all().delete()
    PerimeterSegment.objects.all().delete()
    Community.objects.all().delete()
    PoliceStation.objects.filter(code="ps-yh").update(name="站前派出所（新址）")
    doc["device_models"][0]["name"] = "文件里的名字"

    result = exchange.import_community(doc, by=None)

    assert result.ok, result.problems
    assert result.unchanged["police_station"] == 1 and result.unchanged["device_model"] == 1
    assert PoliceStation.objects.get(code="ps-yh").name == "站前派出所（新址）"
    assert DeviceModel.objects.get(model_number="DS-2CD-yh").name == "枪机"


# ---------------------------------------------------------------------------------------------------
# Bad files (tests/sites/data/): every problem, with its path
# ---------------------------------------------------------------------------------------------------

BAD_FILES = {
    "wrong_version.json": {"$.version"},
    "missing_required.json": {"$.community.name", "$.locations[0].kind", "$.devices[0].subsystem"},
    "wrong_types.json": {
        "$.community.plan.width_m",
        "$.locations[0].floors",
        "$.devices[0].network.port",
        "$.devices[0].capabilities.anpr",
        "$.devices[0].status",
        "$.devices[0].loction",
    },
    "unknown_model.json": {"$.devices[0].model", "$.device_models[0].manufacturer"},
    "parent_cycle.json": {"$.locations[0].parent", "$.locations[1].parent"},
    "wrong_parent_kind.json": {"$.locations[1].parent", "$.locations[2].parent", "$.locations[3].parent"},
    "duplicate_device_codes.json": {"$.devices[2].code", "$.locations[1].code"},
    "invalid_geometry.json": {
        "$.locations[0].geometry",
        "$.perimeter[0].geometry",
        "$.devices[0].position",
        "$.devices[0].coverage",
    },
    "in_service_without_acceptance.json": {"$.devices[0].status", "$.devices[1].model", "$.devices[2].kind"},
}


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_reports_every_problem_and_imports_nothing(name):
    before = fingerprint()
    result = exchange.import_community(load(name), by=None)
    assert paths(result.problems) == BAD_FILES[name], [str(p) for p in result.problems]
    assert all(p.message for p in result.problems)
    assert fingerprint() == before


def test_problem_messages_say_what_is_wrong():
    problems = {str(p) for p in exchange.validate_document(load("in_service_without_acceptance.json"))}
    assert any("$.devices[0].status" in p and "第29条" in p for p in problems)
    assert any("$.devices[1].model" in p and "第24条" in p for p in problems)
    cycle = {str(p) for p in exchange.validate_document(load("parent_cycle.json"))}
    assert any("循环" in p and "U1 → U2 → U1" in p for p in cycle)
    types = {p.path: p.message for p in exchange.validate_document(load("wrong_types.json"))}
    assert "数字" in types["$.community.plan.width_m"]
    assert "未知字段" in types["$.devices[0].loction"]
    assert "in_service" in types["$.devices[0].status"]


def test_device_codes_are_unique_across_communities(tenancy):
    factories.device(tenancy.b, code="cam-taken")
    doc = load("minimal.json")
    doc["devices"][0]["code"] = "cam-taken"
    problems = exchange.validate_document(doc)
    assert paths(problems) == {"$.devices[0].code"}
    assert "“b”" in problems[0].message


def test_a_minimal_hand_written_file_imports():
    result = exchange.import_community(load("minimal.json"), by=None)
    assert result.ok, result.problems
    community = Community.objects.get(code="xin")
    assert community.management_type == "unmanaged" and community.police_station is not None
    assert Device.objects.get(code="xin-cam1").status == "planned"


def test_not_an_object_and_not_our_schema():
    assert paths(exchange.validate_document([1, 2])) == {"$"}
    assert paths(exchange.validate_document({"schema": "other", "version": 1})) == {"$.schema"}


# ---------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("community", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_export_then_import(tmp_path):
    build_community()
    target = tmp_path / "yh.json"
    run("export", "--community", "yh", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["community"]["code"] == "yh"
    assert AccessRecord.objects.filter(kind="export", actor_name="cli:community-export").exists()

    wipe()
    out, err = run("import", str(target))
    assert "检查通过，正在写入" in err and "设备：2 条" in err
    assert "已导入小区“yh”" in out
    assert "设备：新建 2，更新 0，未变 0" in out
    assert Device.objects.filter(community__code="yh").count() == 2
    assert (
        ChangeRecord.objects.filter(actor_name="cli:community-import", object_type="devices.device").count()
        == 2
    )


def test_command_export_to_stdout_as_a_user(tenancy):
    out, _err = run("export", "--community", "a", "--user", "manager_a")
    assert json.loads(out)["community"]["code"] == "a"
    assert AccessRecord.objects.filter(kind="export", actor_id=tenancy.manager_a.pk).exists()


def test_a_user_of_a_cannot_export_b(tenancy):
    with pytest.raises(CommandError) as exc:
        run("export", "--community", "b", "--user", "manager_a")
    assert exc.value.returncode == 2
    assert "无权查看" in str(exc.value)
    assert not AccessRecord.objects.filter(kind="export").exists()


def test_a_user_of_a_cannot_import_into_b(tenancy, tmp_path):
    doc = exchange.export_community(tenancy.b)
    target = tmp_path / "b.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("import", str(target), "--update", "--user", "manager_a")
    assert exc.value.returncode == 2


def test_command_prints_each_problem_on_its_own_line_and_exits_1():
    with pytest.raises(CommandError) as exc:
        run("import", str(DATA / "wrong_types.json"))
    assert exc.value.returncode == 1
    assert "未导入任何内容" in str(exc.value)


def test_command_problem_lines():
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("community", "import", str(DATA / "parent_cycle.json"), stdout=StringIO(), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("$.")]
    assert {line.split(":", 1)[0] for line in lines} == BAD_FILES["parent_cycle.json"]


def test_command_dry_run_writes_nothing():
    before = fingerprint()
    out, _err = run("import", str(DATA / "minimal.json"), "--dry-run")
    assert "试运行" in out
    assert fingerprint() == before


@pytest.mark.parametrize("name", ["not_json.json", "missing-file.json"])
def test_command_unreadable_file_exits_2(name):
    with pytest.raises(CommandError) as exc:
        run("import", str(DATA / name))
    assert exc.value.returncode == 2


def test_the_real_command_exits_2_for_non_json(tmp_path):
    env = {**os.environ, "ANFANG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "anfang.settings"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "anfang.cli",
            "community",
            "--skip-checks",
            "import",
            str(DATA / "not_json.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "不是有效的 JSON" in proc.stderr


def test_certificate_must_be_valid_on_the_acceptance_date():
    """R-24: a device accepted into service while its model had no valid certificate is refused."""
    doc = exchange.export_community(build_community())
    wipe()
    doc = copy.deepcopy(doc)
    accepted = dt.date.fromisoformat(doc["devices"][0]["acceptance"][0]["accepted_on"])
    doc["device_models"][0]["certificates"][0]["expires_on"] = (accepted - dt.timedelta(days=1)).isoformat()
    problems = exchange.validate_document(doc)
    assert any(p.code == "no_certificate" and accepted.isoformat() in p.message for p in problems)


def test_certificate_that_expired_after_acceptance_is_imported():
    """An expiry after acceptance is a compliance finding, not a reason to refuse the community's data
    (the demo's expired ABT-100 certificate is such a case)."""
    doc = exchange.export_community(build_community())
    wipe()
    doc = copy.deepcopy(doc)
    today = timezone.localdate()
    for device in doc["devices"]:
        for record in device.get("acceptance", []):
            record["accepted_on"] = (today - dt.timedelta(days=730)).isoformat()
    certificate = doc["device_models"][0]["certificates"][0]
    certificate["issued_on"] = (today - dt.timedelta(days=1000)).isoformat()
    certificate["expires_on"] = (today - dt.timedelta(days=365)).isoformat()
    result = exchange.import_community(doc, by=None)
    assert result.ok, [str(p) for p in result.problems]
    assert Device.objects.filter(status="in_service").count() >= 1


def test_a_device_already_in_service_is_not_refused_on_update():
    """R-24/R-29 guard the step into service (as save_device does), not every later edit."""
    doc = exchange.export_community(build_community())
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.update(expires_on=yesterday)
    doc["device_models"][0]["certificates"][0]["expires_on"] = yesterday.isoformat()
    doc["devices"][0]["name"] = "南门车行摄像机（改名）"
    result = exchange.import_community(doc, by=None, replace=True)
    assert result.ok, result.problems
    assert result.updated["device"] == 1


def test_impossible_heartbeat_time_is_a_problem_not_a_crash():
    doc = load("minimal.json")
    doc["devices"][0]["heartbeat"] = {"last_seen_at": "2026-13-01T00:00:00+00:00"}
    doc["devices"].append(
        {**doc["devices"][0], "code": "xin-cam2", "heartbeat": {"last_seen_at": "2026-01-01T08:00"}}
    )
    assert paths(exchange.validate_document(doc)) == {
        "$.devices[0].heartbeat.last_seen_at",
        "$.devices[1].heartbeat.last_seen_at",
    }


def test_schema_problems_come_in_file_order():
    doc = load("minimal.json")
    doc["devices"] = [{**doc["devices"][0], "code": f"d{i}", "status": "bad"} for i in range(12)]
    problems = exchange.validate_document(doc)
    assert [p.path for p in problems] == [f"$.devices[{i}].status" for i in range(12)]


def test_command_import_as_a_user_with_an_authorisation(tenancy, tmp_path):
    gate = factories.location(tenancy.a, code="G1", kind="entrance")
    other = factories.location(tenancy.a, code="G2", kind="entrance")
    factories.device(tenancy.a, code="a-cam", location=gate)
    doc = exchange.export_community(tenancy.a)
    doc["devices"][0]["location"] = "G2"
    target = tmp_path / "a.json"
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as exc:
        run("import", str(target), "--update", "--user", "manager_a")
    assert exc.value.returncode == 1

    out, _err = run("import", str(target), "--update", "--user", "manager_a", "--authorisation", "营安批7号")
    assert "设备：新建 0，更新 1，未变 0" in out
    device = Device.objects.get(code="a-cam")
    assert device.location == other
    auth = ChangeAuthorisation.objects.get(device=device)
    assert (auth.reference, auth.authorised_by, auth.recorded_by) == (
        "营安批7号",
        "manager_a",
        tenancy.manager_a,
    )
    assert auth.reason == "批量导入 import:a.json"
    change = ChangeRecord.objects.filter(object_type="devices.device", action="update").latest("seq")
    assert change.actor_name == "manager_a" and "营安批7号" in change.reason


def test_only_an_admin_may_create_a_community_by_import(tenancy):
    with pytest.raises(CommandError) as exc:
        run("import", str(DATA / "minimal.json"), "--user", "manager_a")
    assert exc.value.returncode == 2
    out, _err = run("import", str(DATA / "minimal.json"), "--user", "admin_x")
    assert "已导入小区“xin”" in out


def _leaf_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        found.append((*path, key))
        found.extend(_leaf_paths(value, (*path, key)))
    return found


def test_mutated_files_give_problems_never_a_crash():
    """Bad input gets a clear answer: random edits of a real export never raise (seeded, repeatable)."""
    import random

    base = exchange.export_community(build_community())
    spots = _leaf_paths(base)
    values: list[Any] = [None, "", -1, 1.5, [], {}, "x" * 300, True, "E1", "in_service", "2026-02-30"]
    for spot in spots:  # values of the right type but the wrong place: codes, kinds, geometry
        node: Any = base
        for key in spot:
            node = node[key]
        values.append(node)
    rnd = random.Random(42)
    for _ in range(150):
        doc = copy.deepcopy(base)
        for _edit in range(rnd.randint(1, 3)):
            spot = rnd.choice(spots)
            try:
                target: Any = doc
                for key in spot[:-1]:
                    target = target[key]
                target[spot[-1]] = copy.deepcopy(rnd.choice(values))
            except (TypeError, KeyError, IndexError):
                continue  # an earlier edit replaced the container
        problems = exchange.validate_document(doc, replace=rnd.random() < 0.5)
        assert all(p.path.startswith("$") and p.message for p in problems)


# ---------------------------------------------------------------------------------------------------
# Security teams and retention settings
# ---------------------------------------------------------------------------------------------------


def test_export_carries_teams_and_retention_and_they_round_trip():
    doc = exchange.export_community(build_community())
    assert list(doc)[:4] == ["schema", "version", "community", "security_teams"]
    assert doc["security_teams"] == [
        {
            "kind": "guard_team",
            "name": "物业保安队",
            "members": 14,
            "leader": "李队长",
            "phone": "0417-2856611",
            "contract_ref": "AJ-WY-2024-003",
            "police_liaison": "",
            "notes": "",
        }
    ]
    assert (doc["community"]["video_retention_days"], doc["community"]["vehicle_retention_days"]) == (60, 120)
    devices = {d["code"]: d for d in doc["devices"]}
    assert devices["yh-nvr"]["retention_days"] == 45 and devices["yh-cam1"]["retention_days"] is None
    wipe()
    result = exchange.import_community(doc, by=None)
    assert result.ok, result.problems
    assert result.created["security_team"] == 1
    community = Community.objects.get(code="yh")
    assert (community.video_retention_days, community.vehicle_retention_days) == (60, 120)
    team = SecurityTeam.objects.get(community=community)
    assert (team.members, team.contract_ref) == (14, "AJ-WY-2024-003")
    assert Device.objects.get(code="yh-nvr").retention_days == 45
    assert exchange.export_community(community) == doc


def test_update_matches_teams_by_kind_and_name_and_deletes_none():
    doc = exchange.export_community(build_community())
    doc["security_teams"][0]["members"] = 16
    doc["security_teams"].append({"kind": "community_patrol", "name": "社区巡防队", "members": 4})
    result = exchange.import_community(doc, by=None, replace=True)
    assert result.ok, result.problems
    assert result.updated["security_team"] == 1 and result.created["security_team"] == 1
    teams = {t.name: t for t in SecurityTeam.objects.filter(community__code="yh")}
    assert teams["物业保安队"].members == 16 and teams["社区巡防队"].kind == "community_patrol"
    doc["security_teams"] = doc["security_teams"][1:]
    assert exchange.import_community(doc, by=None, replace=True).ok
    assert SecurityTeam.objects.filter(community__code="yh").count() == 2  # absent from the file ≠ deleted


def test_old_files_without_teams_or_retention_keep_the_stored_values():
    doc = exchange.export_community(build_community())
    del doc["security_teams"]
    del doc["community"]["video_retention_days"]
    nvr = next(d for d in doc["devices"] if d["code"] == "yh-nvr")
    del nvr["retention_days"]
    result = exchange.import_community(doc, by=None, replace=True)
    assert result.ok, result.problems
    assert not result.updated and not result.created
    assert Community.objects.get(code="yh").video_retention_days == 60
    assert SecurityTeam.objects.filter(community__code="yh").count() == 1
    assert Device.objects.get(code="yh-nvr").retention_days == 45


def test_bad_team_and_retention_values_are_reported_with_their_paths():
    doc = exchange.export_community(build_community())
    before = fingerprint()
    doc["community"]["video_retention_days"] = 10
    doc["community"]["vehicle_retention_days"] = 30
    doc["security_teams"][0]["members"] = -1
    doc["security_teams"].append({"kind": "army", "name": "x"})
    nvr = next(i for i, d in enumerate(doc["devices"]) if d["code"] == "yh-nvr")
    doc["devices"][nvr]["retention_days"] = -5
    result = exchange.import_community(doc, by=None, replace=True)
    assert not result.ok
    found = {p.path: p.message for p in result.problems}
    assert found["$.community.video_retention_days"] == "不能小于 30。"
    assert found["$.community.vehicle_retention_days"] == "不能小于 90。"
    assert "$.security_teams[0].members" in found and "$.security_teams[1].kind" in found
    assert f"$.devices[{nvr}].retention_days" in found
    assert fingerprint() == before


def test_duplicate_and_overlong_teams_are_problems():
    doc = exchange.export_community(build_community())
    doc["security_teams"].append(dict(doc["security_teams"][0], members=3))
    problems = exchange.validate_document(doc, replace=True)
    assert [(p.path, p.code) for p in problems] == [("$.security_teams[1].name", "duplicate")]
    assert "$.security_teams[0]" in problems[0].message
    doc["security_teams"][1] = {"kind": "community_patrol", "name": "巡防队", "leader": "李" * 61}
    problems = exchange.validate_document(doc, replace=True)
    assert [p.path for p in problems] == ["$.security_teams[1].leader"]
