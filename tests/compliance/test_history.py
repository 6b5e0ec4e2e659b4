"""Finding history over days (opened, still open, closed), the history page and the police ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from anfang.compliance import history
from anfang.compliance.choices import SeverityChoices, TriggerChoices
from anfang.compliance.models import ComplianceRun, FindingHistory
from anfang.compliance.workers import DailyComplianceCheck
from anfang.devices.models import AcceptanceRecord
from tests.support import factories

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=CST)


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def unaccepted_camera(community: Any, code: str = "CAM-X") -> Any:
    """R-29 (第29条) gap: a camera in service without an acceptance record."""
    return factories.device(
        community, code=code, name="未验收摄像机", status="in_service", device_model=factories.device_model()
    )


def r29_rows(community: Any) -> list[FindingHistory]:
    return list(FindingHistory.objects.filter(community=community, rule="R-29").order_by("opened_at"))


def test_a_gap_is_opened_kept_and_closed_over_days(tenancy: Any) -> None:
    camera = unaccepted_camera(tenancy.a)
    job = DailyComplianceCheck()

    job.tick(at(10))  # day 1: the gap is found
    [row] = r29_rows(tenancy.a)
    assert row.is_open and row.opened_at == at(10) and row.last_seen_at == at(10)
    assert row.object_refs == [{"type": "device", "code": "CAM-X", "name": "未验收摄像机"}]
    assert row.severity == SeverityChoices.VIOLATION

    job.tick(at(11))  # day 2: still there, same row
    [row] = r29_rows(tenancy.a)
    assert row.is_open and row.opened_at == at(10) and row.last_seen_at == at(11)

    AcceptanceRecord.objects.create(device=camera, accepted_on=dt.date(2026, 11, 12), accepted_by="验收组")
    job.tick(at(12))  # day 3: fixed, closed with the date
    [row] = r29_rows(tenancy.a)
    assert not row.is_open and row.closed_at == at(12) and row.last_seen_at == at(11)
    assert history.duration(row) == dt.timedelta(days=2)
    assert not history.open_findings(tenancy.a).filter(rule="R-29").exists()

    unaccepted_camera(tenancy.a, "CAM-Y")  # a new gap later is a new row, the old one stays closed
    job.tick(at(13))
    assert [(r.object_refs[0]["code"], r.is_open) for r in r29_rows(tenancy.a)] == [
        ("CAM-X", False),
        ("CAM-Y", True),
    ]


def test_daily_counts_follow_the_beijing_day(tenancy: Any) -> None:
    camera = unaccepted_camera(tenancy.a)
    job = DailyComplianceCheck()
    job.tick(at(10))
    job.tick(at(11))
    AcceptanceRecord.objects.create(device=camera, accepted_on=dt.date(2026, 11, 12), accepted_by="验收组")
    job.tick(at(12))
    counts = {
        d.day.day: d for d in history.daily_counts(tenancy.a, dt.date(2026, 11, 9), dt.date(2026, 11, 13))
    }
    assert sorted(counts) == [9, 10, 11, 12, 13]
    open_before = counts[11].open_violations
    assert counts[9].open_violations == 0 and counts[9].opened == 0
    assert counts[10].opened >= 1 and counts[10].open_violations == open_before
    assert counts[12].closed == 1 and counts[12].open_violations == open_before - 1
    assert counts[13].open_violations == open_before - 1
    assert history.daily_counts(tenancy.a, dt.date(2026, 11, 13), dt.date(2026, 11, 9)) == []


# ---------------------------------------------------------------------------------------------------
# History page
# ---------------------------------------------------------------------------------------------------


def test_history_page_shows_opened_and_closed_findings_with_filters(tenancy: Any) -> None:
    camera = unaccepted_camera(tenancy.a)
    job = DailyComplianceCheck()
    job.tick(at(10))
    AcceptanceRecord.objects.create(device=camera, accepted_on=dt.date(2026, 11, 12), accepted_by="验收组")
    job.tick(at(12))

    url = reverse("compliance:history", args=["a"])
    page = client_for(tenancy.manager_a).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "问题整改历史" in html and "<svg" in html
    assert "未验收摄像机" in html and "没有验收合格记录" in html
    assert "2026-11-10" in html and "2026-11-12" in html and "2 天" in html
    assert reverse("devices:device_detail", args=["a", "CAM-X"]) in html

    only_r29_open = client_for(tenancy.manager_a).get(url, {"rule": "R-29", "state": "open"}).content.decode()
    assert "未验收摄像机" not in only_r29_open
    only_r29_closed = (
        client_for(tenancy.manager_a).get(url, {"rule": "R-29", "state": "closed"}).content.decode()
    )
    assert "未验收摄像机" in only_r29_closed and "已整改" in only_r29_closed
    # Bad filter values are ignored, not errors.
    assert (
        client_for(tenancy.manager_a).get(url, {"state": "x", "days": "abc", "severity": "?"}).status_code
        == 200
    )


def test_history_page_in_english_shows_english_messages(tenancy: Any, settings: Any) -> None:
    unaccepted_camera(tenancy.a)
    DailyComplianceCheck().tick(at(10))
    c = client_for(tenancy.manager_a)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = c.get(reverse("compliance:history", args=["a"])).content.decode()
    assert "without a passing acceptance record" in html
    assert "没有验收合格记录" not in html


def test_history_page_before_any_check_has_an_empty_state(tenancy: Any) -> None:
    html = client_for(tenancy.manager_a).get(reverse("compliance:history", args=["a"])).content.decode()
    assert "还没有检查记录" in html


def test_history_page_is_scoped_to_the_users_communities(tenancy: Any) -> None:
    DailyComplianceCheck().tick(at(10))
    url_b = reverse("compliance:history", args=["b"])
    assert client_for(tenancy.manager_a).get(url_b).status_code == 404
    assert client_for(tenancy.police_a).get(url_b).status_code == 404
    assert client_for(tenancy.police_a).get(reverse("compliance:history", args=["a"])).status_code == 200
    assert client_for(tenancy.admin).get(url_b).status_code == 200
    assert client_for(tenancy.manager_a).get(reverse("compliance:history", args=["nope"])).status_code == 404
    assert Client().get(url_b).status_code == 302  # anonymous: to the log-in page


# ---------------------------------------------------------------------------------------------------
# Police ranking
# ---------------------------------------------------------------------------------------------------


def fake_run(
    community: Any, *, violations: int, score: float, when: dt.datetime, advisories: int = 0
) -> None:
    """A stored run with ``violations`` open violation findings (independent of the rule set)."""
    ComplianceRun.objects.create(
        community=community,
        checked_at=when,
        trigger=TriggerChoices.SCHEDULED,
        summary={"score": score, "violations": violations},
        violations=violations,
    )
    for i in range(violations + advisories):
        FindingHistory.objects.create(
            community=community,
            rule="R-29",
            article="第29条",
            severity=SeverityChoices.VIOLATION if i < violations else SeverityChoices.ADVISORY,
            key=f"R-29|device:D{i}",
            object_refs=[{"type": "device", "code": f"D{i}", "name": ""}],
            message_zh="缺",
            message_en="missing",
            opened_at=when,
            last_seen_at=when,
        )


def test_ranking_orders_the_station_by_open_violations(tenancy: Any) -> None:
    station = tenancy.a.police_station
    c2 = factories.community(code="c2", name="小区二", police_station=station)
    c3 = factories.community(code="c3", name="小区三", police_station=station)
    factories.community(code="c4", name="小区四", police_station=station)  # never checked
    fake_run(tenancy.a, violations=1, score=90.0, when=at(10))
    fake_run(c2, violations=4, score=60.0, when=at(10), advisories=2)
    fake_run(c3, violations=1, score=70.0, when=at(10))
    fake_run(tenancy.b, violations=9, score=10.0, when=at(10))  # another station

    rows = history.station_ranking(history.ranking_communities(tenancy.police_a))
    assert [(r.rank, r.community.code, r.open_violations) for r in rows] == [
        (1, "c2", 4),
        (2, "c3", 1),  # same count as a, lower score first
        (3, "a", 1),
        (None, "c4", 0),
    ]
    assert rows[0].open_advisories == 2 and rows[0].score == 60.0

    html = client_for(tenancy.police_a).get(reverse("compliance:police_ranking")).content.decode()
    html = html[html.index("<table") :]  # the community switcher above also names communities
    assert html.index("小区二") < html.index("小区三") < html.index("小区A") < html.index("小区四")
    assert "小区B" not in html
    assert "未检查" in html
    assert reverse("compliance:history", args=["c2"]) in html


def test_ranking_counts_only_open_findings_and_uses_the_latest_run(tenancy: Any) -> None:
    fake_run(tenancy.a, violations=3, score=50.0, when=at(10))
    FindingHistory.objects.filter(community=tenancy.a).update(closed_at=at(11))
    ComplianceRun.objects.create(
        community=tenancy.a, checked_at=at(11), trigger=TriggerChoices.SCHEDULED, summary={"score": 100.0}
    )
    [row] = history.station_ranking(history.ranking_communities(tenancy.police_a))
    assert row.open_violations == 0 and row.score == 100.0 and row.last_run.checked_at == at(11)


def test_ranking_is_empty_for_another_stations_officer(tenancy: Any) -> None:
    fake_run(tenancy.a, violations=2, score=50.0, when=at(10))
    other = factories.user("police_b", police_station=tenancy.b.police_station)
    fake_run(tenancy.b, violations=1, score=80.0, when=at(10))
    html = client_for(other).get(reverse("compliance:police_ranking")).content.decode()
    assert "小区A" not in html and "小区B" in html
    lonely = factories.user("police_c", police_station=factories.police_station())
    page = client_for(lonely).get(reverse("compliance:police_ranking"))
    assert page.status_code == 200
    assert "小区A" not in page.content.decode() and "辖区内还没有登记小区" in page.content.decode()


def test_ranking_before_any_check_shows_an_empty_state(tenancy: Any) -> None:
    html = client_for(tenancy.police_a).get(reverse("compliance:police_ranking")).content.decode()
    assert "还没有运行过合规检查" in html


def test_ranking_is_for_police_and_admins_only(tenancy: Any) -> None:
    url = reverse("compliance:police_ranking")
    assert client_for(tenancy.manager_a).get(url).status_code == 403
    assert client_for(tenancy.operator_a).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    fake_run(tenancy.b, violations=1, score=80.0, when=at(10))
    html = client_for(tenancy.admin).get(url).content.decode()
    assert "小区A" in html and "小区B" in html and tenancy.b.police_station.name in html


def test_history_lists_newest_first_then_in_article_order(tenancy: Any) -> None:
    for rule, when in [("R-13", at(10)), ("R-5", at(10)), ("R-9a", at(10)), ("R-29", at(12))]:
        FindingHistory.objects.create(
            community=tenancy.a,
            rule=rule,
            article="",
            severity=SeverityChoices.VIOLATION,
            key=f"{rule}|community:a",
            object_refs=[],
            message_zh=rule,
            message_en=rule,
            opened_at=when,
            last_seen_at=when,
        )
    assert [r.rule for r in history.history(tenancy.a)] == ["R-29", "R-5", "R-9a", "R-13"]
    assert [r.rule for r in history.open_findings(tenancy.a)] == ["R-5", "R-9a", "R-13", "R-29"]


def test_police_dashboard_station_table_shows_open_violations(tenancy: Any) -> None:
    c2 = factories.community(code="c2", name="小区二", police_station=tenancy.a.police_station)
    factories.community(code="c3", name="小区三", police_station=tenancy.a.police_station)  # never checked
    fake_run(tenancy.a, violations=0, score=100.0, when=at(10))
    fake_run(c2, violations=7, score=40.0, when=at(10))
    assert history.open_violation_counts([tenancy.a, c2]) == {tenancy.a.pk: 0, c2.pk: 7}
    html = client_for(tenancy.police_a).get(reverse("dashboard")).content.decode()
    assert "待整改违规项" in html and '<span class="badge badge-red">7</span>' in html
    assert reverse("compliance:police_ranking") in html
