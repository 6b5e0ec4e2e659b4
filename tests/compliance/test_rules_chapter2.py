"""Chapter 2 rules (第5–16条): each passes on a compliant community and fails, saying what and where,
when one thing is broken through the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anfang.compliance.rules import RULES, Finding
from anfang.sites.models import SecurityTeam
from tests.compliance.conftest import NOW, Site, camera, line, point, rect

pytestmark = pytest.mark.django_db

CHAPTER2 = ["R-5", "R-6", "R-7", "R-8", "R-9a", "R-9b", "R-11", "R-12", "R-13", "R-14", "R-15"]


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    """Findings by the code of their (first) object."""
    return {f.objects[0].code: f for f in findings}


def failing(findings: list[Finding]) -> dict[str, Finding]:
    return by_code([f for f in findings if f.status == "fail"])


def set_fields(obj: Any, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


def test_compliant_community_passes_every_chapter2_rule(compliant: Site) -> None:
    for rule_id in CHAPTER2:
        findings = compliant.check(rule_id)
        assert findings, rule_id
        assert not [f.message_zh for f in findings if f.status == "fail"], rule_id
        assert all(f.rule == rule_id and f.article.startswith("第") for f in findings)


def test_every_chapter2_rule_is_registered_with_article_and_titles() -> None:
    for rule_id in [*CHAPTER2, "R-10", "R-16"]:
        rule = RULES[rule_id]
        assert rule.article == f"第{int(''.join(c for c in rule_id[2:] if c.isdigit()))}条"
        assert rule.title_zh and rule.title_en
        assert rule.severity == ("advisory" if rule_id == "R-14" else "violation")


# -- R-5 / R-6 (第5、6条) ------------------------------------------------------------------------


def test_r5_guard_team_passes_and_names_the_contract(compliant: Site) -> None:
    [finding] = compliant.check("R-5")
    assert finding.status == "pass" and finding.objects[0].code == "ok"
    assert "HT-2026-01" in finding.message_zh and "HT-2026-01" in finding.message_en
    assert finding.details["teams"][0]["members"] == 12


def test_r5_fails_without_guard_team_or_with_nobody_in_it(compliant: Site) -> None:
    team = SecurityTeam.objects.get(community=compliant.community)
    set_fields(team, members=0)
    [finding] = compliant.check("R-5")
    assert finding.status == "fail" and "人数为 0" in finding.message_zh

    team.delete()
    [finding] = compliant.check("R-5")
    assert finding.status == "fail" and [o.type for o in finding.objects] == ["community"]
    assert "没有登记物业保安队伍" in finding.message_zh and "服务合同编号" in finding.message_zh


def test_r5_r6_depend_on_the_management_type(compliant: Site) -> None:
    [r6] = compliant.check("R-6")
    assert r6.status == "pass" and r6.details["applicable"] is False

    set_fields(compliant.community, management_type="unmanaged", property_company=None)
    [r5] = compliant.check("R-5")
    assert r5.status == "pass" and r5.details["applicable"] is False and "不适用" in r5.message_zh
    [r6] = compliant.check("R-6")
    assert r6.status == "fail" and "没有登记社区巡防队" in r6.message_zh

    SecurityTeam.objects.create(
        community=compliant.community, kind="community_patrol", name="巡防队", members=6
    )
    [r6] = compliant.check("R-6")
    assert r6.status == "fail" and "派出所联系人" in r6.message_zh

    SecurityTeam.objects.filter(kind="community_patrol").update(police_liaison="刘警官")
    [r6] = compliant.check("R-6")
    assert r6.status == "pass" and "刘警官" in r6.message_zh and r6.details["police_station"] is True


# -- R-7 (第7条) ---------------------------------------------------------------------------------


def test_r7_subsystem_registered_but_not_in_service_fails(compliant: Site) -> None:
    set_fields(compliant.devices["ALM-1"], status="faulty")
    findings = compliant.check("R-7")
    assert len(findings) == 9
    [bad] = [f for f in findings if f.status == "fail"]
    assert bad.details == {"subsystem": "resident_alarm", "in_service": 0, "registered": 1}


# -- R-8 (第8条) ---------------------------------------------------------------------------------


def test_r8_one_finding_per_segment_plus_the_ring(compliant: Site) -> None:
    findings = compliant.check("R-8")
    assert [f.objects[0].code for f in findings] == ["ok", "P1", "P2", "P3", "P4"]
    ring = findings[0]
    assert ring.status == "pass" and ring.details["gaps"] == [] and ring.details["length_m"] == 400.0
    p1 = findings[1]
    assert p1.details["uncovered"] == [] and p1.details["uncovered_length_m"] == 0
    assert p1.details["detectors"] == ["PD-P1"]


def test_r8_gap_in_the_ring_is_reported_with_coordinates(compliant: Site) -> None:
    set_fields(compliant.segments["P2"], geometry=line((100, 0), (100, 95)))
    findings = compliant.check("R-8")
    ring = findings[0]
    assert ring.status == "fail" and ring.objects[0].type == "community"
    assert ring.details["gaps"] == [
        {"from": "P2", "to": "P3", "distance_m": 5.0, "coordinates": [[100.0, 95.0], [100.0, 100.0]]}
    ]
    assert "P2 与 P3 之间缺口 5 米" in ring.message_zh and "(100, 95)" in ring.message_zh


def test_r8_ring_is_closed_whatever_the_order_and_direction_of_drawing(compliant: Site) -> None:
    set_fields(compliant.segments["P2"], geometry=line((100, 100), (100, 0)), sequence=9)
    assert compliant.check("R-8")[0].status == "pass"


def test_r8_endpoints_within_tolerance_meet(compliant: Site) -> None:
    set_fields(compliant.segments["P2"], geometry=line((100, 0.3), (100, 100)))
    assert compliant.check("R-8")[0].status == "pass"
    assert compliant.check("R-8", perimeter_tolerance_m=0.1)[0].details["gaps"][0]["distance_m"] == 0.3


def test_r8_two_separate_rings_are_not_one_perimeter(compliant: Site) -> None:
    from tests.support import factories

    for i, (a, b) in enumerate([((200, 0), (210, 0)), ((210, 0), (210, 10)), ((210, 10), (200, 0))]):
        factories.segment(compliant.community, [list(a), list(b)], code=f"X{i}", sequence=10 + i)
    ring = compliant.check("R-8")[0]
    assert ring.status == "fail" and ring.details["components"] == 2 and ring.details["gaps"] == []


def test_r8_segment_without_barrier_fails(compliant: Site) -> None:
    set_fields(compliant.segments["P1"], barrier_type="none")
    bad = failing(compliant.check("R-8"))
    assert list(bad) == ["P1"]
    assert "没有围墙、栅栏" in bad["P1"].message_zh and bad["P1"].details["barrier_type"] == "none"


def test_r8_partly_covered_segment_reports_the_uncovered_stretch(compliant: Site) -> None:
    # P3 runs (100, 100) → (0, 100); its detector now only covers the first 60 m.
    set_fields(compliant.devices["PD-P3"], coverage=line((100, 100), (40, 100)))
    bad = failing(compliant.check("R-8"))
    assert list(bad) == ["P3"]
    details = bad["P3"].details
    assert details["uncovered"] == [{"length_m": 40.0, "coordinates": [[40.0, 100.0], [0.0, 100.0]]}]
    assert details["uncovered_length_m"] == 40.0
    assert "40 米" in bad["P3"].message_zh and "(40, 100)–(0, 100)" in bad["P3"].message_zh
    assert "40 m" in bad["P3"].message_en


def test_r8_stretch_between_two_detectors_and_polygon_zones(compliant: Site) -> None:
    set_fields(compliant.devices["PD-P1"], coverage=line((0, 0), (30, 0)))
    compliant.device("PD-P1-B", subsystem="perimeter", kind="infrared_beam", coverage=rect(45, -2, 100, 2))
    details = failing(compliant.check("R-8"))["P1"].details
    assert details["uncovered"] == [{"length_m": 15.0, "coordinates": [[30.0, 0.0], [45.0, 0.0]]}]
    assert details["detectors"] == ["PD-P1", "PD-P1-B"]


def test_r8_detector_not_in_service_does_not_cover(compliant: Site) -> None:
    set_fields(compliant.devices["PD-P4"], status="faulty")
    bad = failing(compliant.check("R-8"))
    assert list(bad) == ["P4"]
    details = bad["P4"].details
    assert details["uncovered_length_m"] == 100.0
    assert details["not_in_service"] == [{"code": "PD-P4", "status": "faulty"}]
    assert "PD-P4" in bad["P4"].message_zh and "故障" in bad["P4"].message_zh


def test_r8_without_segments_fails_on_the_community(compliant: Site) -> None:
    for segment in compliant.segments.values():
        segment.delete()
    [finding] = compliant.check("R-8")
    assert finding.status == "fail" and finding.objects[0].type == "community"
    assert "没有登记周界段" in finding.message_zh


# -- R-9a (第9条) --------------------------------------------------------------------------------


def test_r9a_checks_every_required_place_and_only_main_roads(compliant: Site) -> None:
    compliant.location("R2", "road", is_main=False, geometry=line((0, 50), (20, 50)))
    codes = [f.objects[0].code for f in compliant.check("R-9a")]
    assert codes == ["ENT", "RS", "B1-U1-E", "PK-E", "B1-U1-L", "R1", "SQ", "MC"]


def test_r9a_faulty_camera_does_not_count(compliant: Site) -> None:
    set_fields(compliant.devices["CAM-UE"], status="faulty")
    bad = failing(compliant.check("R-9a"))
    assert list(bad) == ["B1-U1-E"]
    finding = bad["B1-U1-E"]
    assert [(o.type, o.code) for o in finding.objects] == [("location", "B1-U1-E")]
    # The elevator camera 8 m away is named too: its view misses the entrance.
    assert finding.details["cameras"] == ["CAM-L", "CAM-UE"]
    assert "CAM-UE 状态为“故障”" in finding.message_zh and "CAM-L 视野未覆盖该位置" in finding.message_zh
    assert "CAM-UE is faulty" in finding.details["reason"]


def test_r9a_low_resolution_camera_does_not_count(compliant: Site) -> None:
    set_fields(compliant.devices["CAM-SQ"], resolution_width=1280, resolution_height=720)
    finding = failing(compliant.check("R-9a"))["SQ"]
    # The road camera 10 m south is named as well: it looks at the road, not the square.
    assert finding.details["cameras"] == ["CAM-R1", "CAM-SQ"]
    assert "CAM-SQ 分辨率 1280×720 低于 1920×1080" in finding.message_zh
    assert "CAM-R1 视野未覆盖该位置" in finding.message_zh


def test_r9a_minimum_resolution_is_configurable(compliant: Site) -> None:
    bad = failing(compliant.check("R-9a", min_camera_width=3840, min_camera_height=2160))
    assert set(bad) == {"ENT", "RS", "B1-U1-E", "PK-E", "B1-U1-L", "R1", "SQ", "MC"}
    assert "2560×1440 低于 3840×2160" in bad["MC"].message_zh


def test_r9a_view_that_misses_the_place_does_not_count(compliant: Site) -> None:
    # The centre's camera is not recorded at the centre and looks at the yard beside it.
    set_fields(
        compliant.devices["CAM-MC"], location=None, position=point(72, 5), coverage=rect(74, 0, 84, 10)
    )
    finding = failing(compliant.check("R-9a"))["MC"]
    assert "CAM-MC" in finding.details["cameras"] and finding.details["counted"] == []
    assert "CAM-MC its view misses the place" in finding.details["reason"]
    assert {"code": "CAM-MC", "reason_zh": "视野未覆盖该位置", "reason_en": "its view misses the place"} in (
        finding.details["rejected"]
    )


def test_r9a_a_view_covering_the_place_counts_without_installation_there(compliant: Site) -> None:
    set_fields(compliant.devices["CAM-L"], location=None)
    finding = by_code(compliant.check("R-9a"))["B1-U1-L"]
    assert finding.status == "pass" and finding.details["counted"] == ["CAM-L"]


def test_r9a_place_without_any_camera(compliant: Site) -> None:
    compliant.location("SQ2", "square", geometry=rect(5, 60, 15, 70))
    finding = failing(compliant.check("R-9a"))["SQ2"]
    assert finding.details["cameras"] == []
    assert "没有摄像机安装在此或视野覆盖此处" in finding.message_zh


def test_r9a_message_lists_five_cameras_details_keep_all(compliant: Site) -> None:
    set_fields(compliant.devices["CAM-SQ"], status="faulty")
    for i in range(6):
        set_fields(compliant.device(f"CAM-SQ-{i}", at="SQ", **camera(45 + i, 70)), status="faulty")
    finding = failing(compliant.check("R-9a"))["SQ"]
    assert len(finding.details["rejected"]) == 8  # seven faulty there, the road camera nearby
    assert "等 8 台" in finding.message_zh and "and 3 more" in finding.message_en


# -- R-9b (第9条) --------------------------------------------------------------------------------


def test_r9b_every_vehicle_lane_and_networking_not_yet_evaluable(compliant: Site) -> None:
    findings = compliant.check("R-9b")
    assert [(f.objects[0].code, f.status) for f in findings] == [
        ("ENT-V", "pass"),
        ("PK-V", "pass"),
        ("ok", "not_evaluable"),
    ]
    assert "GA/T 1400" in findings[-1].message_zh and findings[-1].details["part"] == "police_networking"


def test_r9b_camera_without_plate_recognition_fails(compliant: Site) -> None:
    set_fields(compliant.devices["ANPR-ENT"], anpr=False)
    finding = failing(compliant.check("R-9b"))["ENT-V"]
    assert finding.details["cameras"] == ["ANPR-ENT", "CAM-ENT"]
    assert "ANPR-ENT 不具备车牌识别功能" in finding.message_zh


def test_r9b_anpr_at_the_entrance_counts_only_if_its_view_covers_the_lane(compliant: Site) -> None:
    anpr = compliant.devices["ANPR-ENT"]
    set_fields(anpr, location=compliant.locations["ENT"])
    assert by_code(compliant.check("R-9b"))["ENT-V"].status == "pass"
    set_fields(anpr, coverage=rect(60, 0, 70, 10))
    finding = failing(compliant.check("R-9b"))["ENT-V"]
    assert "ANPR-ENT 视野未覆盖该车道" in finding.message_zh


def test_r10_is_not_yet_evaluable_with_the_reason(compliant: Site) -> None:
    [r10] = compliant.check("R-10")
    assert r10.status == "not_evaluable" and r10.details["checkpoints_in_service"] == 1
    assert "巡查点 1 个" in r10.message_zh
    # R-16 reads the duty rosters: tests/compliance/test_rule_r16.py.


# -- R-11 / R-12 (第11、12条) --------------------------------------------------------------------


def test_r11_entrance_without_automatic_control_fails(compliant: Site) -> None:
    set_fields(compliant.devices["FACE-ENT"], status="faulty")
    finding = failing(compliant.check("R-11"))["ENT"]
    assert "没有在用的出入口控制设备" in finding.message_zh and "FACE-ENT 不在用" in finding.message_zh
    assert finding.details["cameras"] == ["ANPR-ENT", "CAM-ENT", "CAM-RS"]


def test_r11_parking_entrance_without_camera_fails(compliant: Site) -> None:
    set_fields(compliant.devices["ANPR-PK"], status="faulty")
    bad = failing(compliant.check("R-11"))
    assert list(bad) == ["PK-E"] and "没有在用摄像机" in bad["PK-E"].message_zh
    assert bad["PK-E"].details["controls"] == ["BAR-PK", "PK-CTRL"]


def test_r12_needs_gate_and_barrier_arm_planned_ones_do_not_count(compliant: Site) -> None:
    set_fields(compliant.devices["GATE-ENT"], status="faulty")
    finding = by_code(compliant.check("R-12"))["ENT"]
    assert finding.status == "pass" and "GATE-ENT 故障待修" in finding.message_zh

    set_fields(compliant.devices["GATE-ENT"], status="retired")
    set_fields(compliant.devices["BAR-ENT"], status="planned")
    finding = failing(compliant.check("R-12"))["ENT"]
    assert "没有电动伸缩门或金属防护大门" in finding.message_zh and "没有挡车器" in finding.message_zh
    assert finding.details == {"gates": [], "barrier_arms": []}


def test_r12_secondary_entrance_is_checked_too(compliant: Site) -> None:
    compliant.location("ENT2", "entrance", entrance_role="secondary", geometry=point(100, 50))
    finding = failing(compliant.check("R-12"))["ENT2"]
    assert finding.message_zh.startswith("次出入口ENT2")


# -- R-13 / R-14 (第13、14条) --------------------------------------------------------------------


def test_r13_offline_or_unnetworked_door_station_fails(compliant: Site) -> None:
    later = NOW + dt.timedelta(minutes=10)
    finding = failing(compliant.check("R-13", now=later))["B1-U1-E"]
    assert "门口机 DS-UE 离线" in finding.message_zh and finding.details["online_door_stations"] == []

    set_fields(compliant.devices["DS-UE"], online=False)
    finding = failing(compliant.check("R-13"))["B1-U1-E"]
    assert "DS-UE 未联网" in finding.message_zh


def test_r13_missing_door_says_how_to_record_it(compliant: Site) -> None:
    compliant.devices["DOOR-UE"].delete()
    finding = failing(compliant.check("R-13"))["B1-U1-E"]
    assert "没有登记防盗安全门" in finding.message_zh and "防盗安全门”，安装位置" in finding.message_zh
    assert "anti-theft door" in finding.message_en

    compliant.device("DOOR-X", subsystem="physical", kind="anti_theft_door")  # recorded elsewhere
    finding = failing(compliant.check("R-13"))["B1-U1-E"]
    assert "登记方法" not in finding.message_zh


def test_r14_is_advisory_and_unknown_values_say_not_recorded(compliant: Site) -> None:
    set_fields(compliant.locations["B1"], household_doors_standard=None, lock_grade="")
    [finding] = compliant.check("R-14")
    assert finding.status == "fail" and finding.severity == "advisory"
    assert "未登记" in finding.message_zh and "not recorded" in finding.message_en

    set_fields(compliant.locations["B1"], household_doors_standard=True, lock_grade="A")
    [finding] = compliant.check("R-14")
    assert finding.severity == "advisory" and "B 级以上" in finding.message_zh


# -- R-15 (第15条) -------------------------------------------------------------------------------


def test_r15_small_unlinked_duty_room_fails(compliant: Site) -> None:
    set_fields(compliant.locations["DUTY"], area_m2=15, linked_to=None)
    [finding] = compliant.check("R-15")
    assert finding.status == "fail" and "小于 20 平方米" in finding.message_zh
    assert "未与监控中心联网" in finding.message_zh


def test_rules_never_touch_the_database(
    compliant: Site, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    from anfang.compliance.rules import CheckContext
    from anfang.compliance.snapshot import load

    snapshot = load(compliant.community)
    with django_assert_num_queries(0):
        for rule_id in [*CHAPTER2, "R-10"]:
            list(RULES[rule_id].check(snapshot, CheckContext(now=NOW)))
    # R-16 reads the duty rosters and their shifts: at most two queries for the whole community.
    with django_assert_max_num_queries(2):
        list(RULES["R-16"].check(snapshot, CheckContext(now=NOW)))


def test_camera_helper_builds_a_view_around_the_point() -> None:
    assert camera(10, 10, size=2)["coverage"] == rect(9, 9, 11, 11)


# -- through JSON import -------------------------------------------------------------------------


def _imported(compliant: Site, code: str, edit: Any = None) -> Site:
    """The compliant community exported, renamed (device codes are platform-wide), edited, imported."""
    from anfang.sites import exchange
    from anfang.sites.models import Community

    doc = exchange.export_community(compliant.community)
    doc["community"]["code"] = code
    for device in doc.get("devices", []):
        device["code"] = f"{code}-{device['code']}"
    if edit is not None:
        edit(doc)
    result = exchange.import_community(doc, by=None)
    assert result.ok, [(p.path, p.message) for p in result.problems]
    return Site(community=Community.objects.get(code=code))


def test_imported_compliant_community_passes(compliant: Site) -> None:
    imported = _imported(compliant, "okj")
    for rule_id in CHAPTER2:
        assert not [f.message_zh for f in imported.check(rule_id) if f.status == "fail"], rule_id


def test_gaps_made_in_the_json_are_found(compliant: Site) -> None:
    def break_it(doc: dict[str, Any]) -> None:
        doc["devices"] = [d for d in doc["devices"] if d["code"] not in ("gap-PD-P3", "gap-CAM-UE")]
        for segment in doc["perimeter"]:
            if segment["code"] == "P1":
                segment["barrier_type"] = "none"

    imported = _imported(compliant, "gap", break_it)
    r8 = failing(imported.check("R-8"))
    assert sorted(r8) == ["P1", "P3"]
    assert r8["P3"].details["uncovered"] == [
        {"length_m": 100.0, "coordinates": [[100.0, 100.0], [0.0, 100.0]]}
    ]
    assert list(failing(imported.check("R-9a"))) == ["B1-U1-E"]
