"""Chapter 3 and 4 rules: certified products (R-24), acceptance (R-29), heartbeats (R-33.1) and
retention (R-33.2), each passing and failing, with a fixed clock."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from anfang.compliance import services
from anfang.compliance.rules import RULES, CheckContext, Finding
from anfang.compliance.snapshot import load
from anfang.devices.choices import CertificateTypeChoices, DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel, Manufacturer
from anfang.sites import exchange
from anfang.sites.models import Community
from tests.support import factories

pytestmark = pytest.mark.django_db

CST = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CST)
TODAY = NOW.date()
CTX = CheckContext(now=NOW)


def check(community: Community, rule: str, ctx: CheckContext = CTX) -> list[Finding]:
    return list(RULES[rule].check(load(community), ctx))


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    return {f.objects[0].code: f for f in findings}


def model_with(cert_type: str = CertificateTypeChoices.PRODUCTION_REGISTRATION, **cert: Any) -> DeviceModel:
    """A device model with exactly one certificate (dates relative to the fixed clock)."""
    maker = Manufacturer.objects.create(code=f"mk{Manufacturer.objects.count() + 1}", name="海康威视")
    model = factories.device_model(certified=False, manufacturer=maker, model_number="DS-2CD")
    cert.setdefault("number", f"辽GA{DeviceModel.objects.count():06d}")
    cert.setdefault("issuer", "辽宁省公安厅")
    cert.setdefault("issuer_level", "provincial")
    cert.setdefault("issued_on", dt.date(2025, 1, 1))
    cert.setdefault("expires_on", TODAY + dt.timedelta(days=365))
    Certificate.objects.create(device_model=model, certificate_type=cert_type, **cert)
    return model


def installed(community: Community, model: DeviceModel | None, **kw: Any) -> Device:
    return factories.device(community, device_model=model, status=DeviceStatusChoices.INSTALLED, **kw)


def in_service(community: Community, **kw: Any) -> Device:
    kw.setdefault("device_model", model_with())
    return factories.in_service_device(community, **kw)


# ---- R-24 (第24条) ---------------------------------------------------------------------------------


def test_r24_certificate_expiring_tomorrow_passes_and_names_the_certificate() -> None:
    c = factories.community()
    model = model_with(number="辽GA000777", expires_on=TODAY + dt.timedelta(days=1))
    installed(c, model, code="CAM-1")
    installed(c, model, code="CAM-2")

    [finding] = check(c, "R-24")

    assert finding.status == "pass"
    assert finding.objects[0].type == "device_model"
    assert finding.objects[0].code == f"{model.manufacturer.code} DS-2CD"
    assert finding.details["devices"] == ["CAM-1", "CAM-2"]
    assert finding.details["expires_on"] == "2026-11-21"
    assert "辽GA000777" in finding.message_zh and "2026-11-21" in finding.message_en


def test_r24_certificate_valid_through_today_passes() -> None:
    c = factories.community()
    installed(c, model_with(expires_on=TODAY), code="CAM-1")
    [finding] = check(c, "R-24")
    assert finding.status == "pass"


def test_r24_certificate_expired_yesterday_fails_saying_when() -> None:
    c = factories.community()
    model = model_with(number="辽GA000778", expires_on=TODAY - dt.timedelta(days=1))
    installed(c, model, code="PIR-1")

    [finding] = check(c, "R-24")

    assert finding.status == "fail" and finding.severity == "violation"
    assert finding.details["reason"] == "expired"
    assert finding.details["expired_on"] == "2026-11-19"
    assert finding.details["devices"] == ["PIR-1"]
    assert "2026-11-19" in finding.message_zh and "过期" in finding.message_zh
    assert "expired on 2026-11-19" in finding.message_en and "PIR-1" in finding.message_en


def test_r24_the_clock_decides_expiry() -> None:
    c = factories.community()
    installed(c, model_with(expires_on=dt.date(2027, 1, 31)), code="CAM-1")
    later = CheckContext(now=dt.datetime(2027, 2, 1, 9, 0, tzinfo=CST))
    assert check(c, "R-24")[0].status == "pass"
    assert check(c, "R-24", later)[0].status == "fail"


def test_r24_municipal_registration_certificate_fails() -> None:
    c = factories.community()
    installed(c, model_with(issuer="营口市公安局", issuer_level="municipal"), code="CAM-1")

    [finding] = check(c, "R-24")

    assert finding.status == "fail" and finding.details["reason"] == "invalid"
    assert "省级以上" in finding.message_zh and "provincial" in finding.message_en
    assert finding.details["certificates"][0]["valid"] is False


def test_r24_municipal_test_report_is_enough_for_other_products() -> None:
    c = factories.community()
    installed(
        c, model_with(CertificateTypeChoices.TEST_REPORT, issuer="营口市质检所", issuer_level="municipal")
    )
    assert check(c, "R-24")[0].status == "pass"


def test_r24_certificate_not_yet_issued_fails() -> None:
    c = factories.community()
    installed(c, model_with(issued_on=TODAY + dt.timedelta(days=3)))
    [finding] = check(c, "R-24")
    assert finding.status == "fail" and "2026-11-23" in finding.message_en


def test_r24_model_without_certificates_fails() -> None:
    c = factories.community()
    installed(c, factories.device_model(certified=False), code="GATE-1")
    [finding] = check(c, "R-24")
    assert finding.status == "fail" and finding.details["reason"] == "no_certificate"
    assert "GATE-1" in finding.message_zh


def test_r24_device_without_model_fails_per_device() -> None:
    c = factories.community()
    installed(c, None, code="CAM-NOMODEL", name="南门摄像机")
    [finding] = check(c, "R-24")
    assert finding.status == "fail"
    assert finding.objects[0].type == "device" and finding.objects[0].code == "CAM-NOMODEL"
    assert "南门摄像机" in finding.message_zh and "no device model" in finding.message_en


def test_r24_one_finding_per_model_and_only_installed_in_service_or_faulty_devices() -> None:
    c = factories.community()
    good, bad = model_with(), model_with(expires_on=TODAY - dt.timedelta(days=30))
    installed(c, good, code="A-INSTALLED")
    in_service(c, device_model=good, code="A-IN-SERVICE")
    faulty = in_service(c, device_model=bad, code="B-FAULTY")
    faulty.status = DeviceStatusChoices.FAULTY
    faulty.save()
    factories.device(c, device_model=bad, code="B-PLANNED")  # planned: not installed yet
    retired = installed(c, bad, code="B-RETIRED")
    retired.status = DeviceStatusChoices.RETIRED
    retired.save()

    findings = check(c, "R-24")

    assert len(findings) == 2
    result = {tuple(f.details["devices"]): f.status for f in findings}
    assert result == {("A-IN-SERVICE", "A-INSTALLED"): "pass", ("B-FAULTY",): "fail"}


def test_r24_only_planned_devices_means_nothing_to_check() -> None:
    c = factories.community()
    factories.device(c, device_model=model_with(expires_on=TODAY - dt.timedelta(days=1)))
    assert check(c, "R-24") == []


# ---- R-29 (第29条) ---------------------------------------------------------------------------------


def test_r29_accepted_device_passes_with_acceptance_date() -> None:
    c = factories.community()
    d = in_service(c, code="CAM-1")
    AcceptanceRecord.objects.filter(device=d).update(accepted_on=dt.date(2026, 3, 1))
    AcceptanceRecord.objects.create(device=d, accepted_on=dt.date(2026, 5, 2), accepted_by="复验组")

    [finding] = check(c, "R-29")

    assert finding.status == "pass" and finding.details["accepted_on"] == "2026-05-02"
    assert "2026-05-02" in finding.message_zh


def test_r29_device_in_service_without_acceptance_fails() -> None:
    c = factories.community()
    factories.device(c, code="CAM-X", name="未验收摄像机", status=DeviceStatusChoices.IN_SERVICE)
    [finding] = check(c, "R-29")
    assert finding.status == "fail" and finding.objects[0].code == "CAM-X"
    assert "CAM-X" in finding.message_zh and "without a passing acceptance" in finding.message_en


def test_r29_a_failed_acceptance_does_not_count_and_devices_not_in_use_are_not_checked() -> None:
    c = factories.community()
    d = factories.device(c, code="CAM-F", status=DeviceStatusChoices.IN_SERVICE)
    AcceptanceRecord.objects.create(device=d, accepted_on=TODAY, accepted_by="验收组", passed=False)
    factories.device(c, code="CAM-I", status=DeviceStatusChoices.INSTALLED)

    findings = by_code(check(c, "R-29"))

    assert set(findings) == {"CAM-F"} and findings["CAM-F"].status == "fail"


# ---- R-33.1 (第33条第(1)项) -----------------------------------------------------------------------


def test_r33_1_silent_device_fails_with_last_seen_and_silence() -> None:
    c = factories.community()
    in_service(c, code="CAM-S", heartbeat_interval_s=60, last_seen_at=NOW - dt.timedelta(hours=3, minutes=5))

    findings = by_code(check(c, "R-33.1"))

    f = findings["CAM-S"]
    assert f.status == "fail"
    assert f.details["silence_s"] == 3 * 3600 + 300 and f.details["allowed_silence_s"] == 120
    assert f.details["last_seen_at"] == "2026-11-19T22:55:00Z"
    assert "2026-11-20 06:55" in f.message_zh and "3 小时 5 分钟" in f.message_zh
    assert "silent for 3 h 5 min" in f.message_en


def test_r33_1_device_heard_within_two_intervals_passes() -> None:
    c = factories.community()
    in_service(c, code="CAM-OK", heartbeat_interval_s=60, last_seen_at=NOW - dt.timedelta(seconds=119))
    in_service(c, code="CAM-LATE", heartbeat_interval_s=60, last_seen_at=NOW - dt.timedelta(seconds=121))

    findings = by_code(check(c, "R-33.1"))

    assert findings["CAM-OK"].status == "pass" and findings["CAM-LATE"].status == "fail"
    # Same verdict as the device page's offline badge.
    for code, f in findings.items():
        if f.objects[0].type == "device":
            assert Device.objects.get(code=code).is_offline(NOW) == (f.status == "fail")


def test_r33_1_never_heard_fails() -> None:
    c = factories.community()
    in_service(c, code="DOOR-1", heartbeat_interval_s=120)
    f = by_code(check(c, "R-33.1"))["DOOR-1"]
    assert f.status == "fail" and f.details["last_seen_at"] is None
    assert "从未收到心跳" in f.message_zh


def test_r33_1_faulty_device_is_excluded() -> None:
    c = factories.community()
    d = in_service(c, code="CAM-R2-E", heartbeat_interval_s=60, last_seen_at=NOW - dt.timedelta(days=2))
    d.status = DeviceStatusChoices.FAULTY
    d.save()
    in_service(c, code="CAM-OK", heartbeat_interval_s=60, last_seen_at=NOW)

    findings = by_code(check(c, "R-33.1"))

    assert "CAM-R2-E" not in findings and findings["CAM-OK"].status == "pass"


def test_r33_1_devices_without_heartbeat_are_counted_not_passed() -> None:
    c = factories.community(code="hb")
    in_service(c, code="CAM-OK", heartbeat_interval_s=60, last_seen_at=NOW)
    in_service(c, code="GATE-1", kind="other")
    in_service(c, code="GATE-2", kind="other")

    findings = by_code(check(c, "R-33.1"))

    summary = findings["hb"]
    assert summary.status == "not_evaluable" and summary.objects[0].type == "community"
    assert summary.details["without_heartbeat"] == 2 and summary.details["devices"] == ["GATE-1", "GATE-2"]
    assert "2 台" in summary.message_zh
    assert "GATE-1" not in findings


def test_r33_1_all_devices_with_heartbeat_gives_a_passing_summary() -> None:
    c = factories.community(code="hb2")
    in_service(c, code="CAM-OK", heartbeat_interval_s=60, last_seen_at=NOW)
    assert by_code(check(c, "R-33.1"))["hb2"].status == "pass"


def test_r33_1_without_devices_in_service_is_not_evaluable() -> None:
    c = factories.community()
    installed(c, model_with(), heartbeat_interval_s=60)
    [finding] = check(c, "R-33.1")
    assert finding.status == "not_evaluable" and finding.message_en


# ---- R-33.2 (第33条第(2)项) -----------------------------------------------------------------------


def recorder(community: Community, days: int | None, code: str = "NVR-1") -> Device:
    return in_service(community, code=code, name="硬盘录像机", kind="nvr", retention_days=days)


def test_r33_2_default_settings_and_a_30_day_recorder_pass() -> None:
    c = factories.community(code="ret")
    recorder(c, 30)

    findings = by_code(check(c, "R-33.2"))

    assert findings["ret"].status == "pass" and findings["ret"].details["video_retention_days"] == 30
    assert findings["NVR-1"].status == "pass" and findings["NVR-1"].details["required_days"] == 30


def test_r33_2_recorder_at_15_days_fails() -> None:
    c = factories.community()
    recorder(c, 15)
    f = by_code(check(c, "R-33.2"))["NVR-1"]
    assert f.status == "fail" and f.details == {"retention_days": 15, "required_days": 30}
    assert "15 天" in f.message_zh and "NVR-1" in f.message_en


def test_r33_2_recorder_without_retention_fails() -> None:
    c = factories.community()
    recorder(c, None)
    f = by_code(check(c, "R-33.2"))["NVR-1"]
    assert f.status == "fail" and "未登记" in f.message_zh and "retention not recorded" in f.message_en


def test_r33_2_recorder_must_meet_the_communitys_longer_promise() -> None:
    c = factories.community(video_retention_days=60)
    recorder(c, 30, code="NVR-A")
    recorder(c, 90, code="NVR-B")
    findings = by_code(check(c, "R-33.2"))
    assert findings["NVR-A"].status == "fail" and findings["NVR-A"].details["required_days"] == 60
    assert findings["NVR-B"].status == "pass"


def test_r33_2_settings_below_the_floors_in_the_database_fail() -> None:
    c = factories.community(code="old")
    recorder(c, 30)
    # The form refuses these values; old or imported rows may still hold them.
    Community.objects.filter(pk=c.pk).update(video_retention_days=7, vehicle_retention_days=30)
    c.refresh_from_db()

    findings = by_code(check(c, "R-33.2"))

    f = findings["old"]
    assert f.status == "fail"
    assert "视频保存天数为 7" in f.message_zh and "vehicle data retention is 30 days" in f.message_en
    assert findings["NVR-1"].status == "pass"  # 30 days still meets the legal floor


def test_r33_2_without_recorder_is_not_evaluable() -> None:
    c = factories.community(code="norec")
    in_service(c, code="CAM-1")
    statuses = [f.status for f in check(c, "R-33.2")]
    assert statuses == ["pass", "not_evaluable"]


def test_r33_2_faulty_recorder_is_not_checked() -> None:
    c = factories.community()
    d = recorder(c, 5)
    d.status = DeviceStatusChoices.FAULTY
    d.save()
    assert "NVR-1" not in by_code(check(c, "R-33.2"))


# ---- through the whole check, the JSON contract, JSON import and the demo --------------------------


def test_the_report_carries_these_rules_with_articles_and_both_languages() -> None:
    c = factories.community()
    installed(c, model_with(expires_on=TODAY - dt.timedelta(days=1)), code="PIR-1")
    report = services.check_community(c, ctx=CTX).as_json()

    mine = [f for f in report["findings"] if f["rule"] in ("R-24", "R-29", "R-33.1", "R-33.2")]
    articles = {f["rule"]: f["article"] for f in mine}
    assert articles["R-24"] == "第24条"
    assert articles["R-33.1"] == "第33条第(1)项" and articles["R-33.2"] == "第33条第(2)项"
    [r24] = [f for f in mine if f["rule"] == "R-24"]
    assert r24["status"] == "fail" and r24["objects"][0]["type"] == "device_model"
    assert r24["message_zh"] and r24["message_en"] and r24["details"]["expired_on"] == "2026-11-19"
    assert "R-24" in report["summary"]["failing_rules"]


def _document() -> dict[str, Any]:
    return copy.deepcopy(
        {
            "schema": "anfang/community",
            "version": 1,
            "community": {
                "code": "imp",
                "name": "导入小区",
                "management_type": "unmanaged",
                "police_station": {"code": "ps-imp", "name": "导入派出所"},
            },
            "manufacturers": [{"code": "hik", "name": "海康威视"}],
            "device_models": [
                {
                    "manufacturer": "hik",
                    "model_number": "DS-OLD",
                    "subsystem": "video",
                    "kind": "camera",
                    "certificates": [
                        {
                            "type": "production_registration",
                            "number": "辽GA900001",
                            "issuer": "辽宁省公安厅",
                            "issuer_level": "provincial",
                            "issued_on": "2020-01-01",
                            "expires_on": "2026-11-01",
                        }
                    ],
                },
                {
                    "manufacturer": "hik",
                    "model_number": "DS-NEW",
                    "subsystem": "video",
                    "kind": "camera",
                    "certificates": [
                        {
                            "type": "production_registration",
                            "number": "辽GA900002",
                            "issuer": "辽宁省公安厅",
                            "issuer_level": "provincial",
                            "issued_on": "2025-01-01",
                            "expires_on": "2030-01-01",
                        }
                    ],
                },
            ],
            "devices": [
                {
                    "code": "imp-old",
                    "name": "旧摄像机",
                    "subsystem": "video",
                    "kind": "camera",
                    "status": "installed",
                    "model": {"manufacturer": "hik", "model_number": "DS-OLD"},
                },
                {
                    "code": "imp-new",
                    "name": "新摄像机",
                    "subsystem": "video",
                    "kind": "camera",
                    "status": "in_service",
                    "model": {"manufacturer": "hik", "model_number": "DS-NEW"},
                    "heartbeat": {"interval_s": 60, "last_seen_at": "2026-11-20T01:59:30+00:00"},
                    "acceptance": [{"accepted_on": "2026-01-10", "passed": True, "accepted_by": "验收组"}],
                },
            ],
        }
    )


def test_rules_on_an_imported_community() -> None:
    result = exchange.import_community(_document())
    assert not result.problems, result.problems
    c = Community.objects.get(code="imp")

    r24 = {f.objects[0].code: f for f in check(c, "R-24")}
    assert r24["hik DS-OLD"].status == "fail" and r24["hik DS-OLD"].details["expired_on"] == "2026-11-01"
    assert r24["hik DS-NEW"].status == "pass" and r24["hik DS-NEW"].details["devices"] == ["imp-new"]
    [r29] = check(c, "R-29")
    assert r29.status == "pass" and r29.details["accepted_on"] == "2026-01-10"
    r33 = by_code(check(c, "R-33.1"))
    assert r33["imp-new"].status == "pass"  # heard 30 s before the check
    later = CheckContext(now=NOW + dt.timedelta(minutes=10))
    assert by_code(check(c, "R-33.1", later))["imp-new"].status == "fail"


def test_demo_finds_abt100_expired_and_nothing_else_in_r24_r29() -> None:
    from anfang.sites import demo

    demo.build_demo()
    c = Community.objects.get(code=demo.DEMO1)
    ctx = services.context()

    r24 = check(c, "R-24", ctx)
    failing = [f for f in r24 if f.status == "fail"]
    assert [f.objects[0].code.split(" ", 1)[1] for f in failing] == [
        demo.DEMO_GAPS["expired_certificate_model"]
    ]
    [abt] = failing
    assert abt.details["reason"] == "expired" and abt.details["devices"]
    assert "过期" in abt.message_zh
    assert len(r24) > 10  # every model in use was checked
    r29 = check(c, "R-29", ctx)
    assert r29 and all(f.status == "pass" for f in r29)


def test_the_compliant_community_fails_none_of_these_rules(compliant: Any) -> None:
    """The chapter 2 builder's community (tests/compliance/conftest.py) is compliant here too."""
    from tests.compliance.conftest import NOW as BUILT_AT

    ctx = CheckContext(now=BUILT_AT)
    for rule in ("R-24", "R-29", "R-33.1", "R-33.2"):
        findings = check(compliant.community, rule, ctx)
        assert findings, rule
        assert not [f.message_en for f in findings if f.status == "fail"], rule
    assert by_code(check(compliant.community, "R-33.1", ctx))["DS-UE"].status == "pass"
