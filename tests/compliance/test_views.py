"""The compliance page of a community: scoping, check now, filters, plan overlay, downloads."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anfang.compliance import services
from anfang.compliance.models import ComplianceRun
from anfang.core.models import AccessRecord, User
from anfang.sites import demo
from anfang.sites.models import Community

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(demo_built: Any) -> None:
    """The demo, built once for this module (``demo_built`` in tests/conftest.py)."""


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page_url(code: str = demo.DEMO1) -> str:
    return reverse("compliance:community", args=[code])


def record(code: str = demo.DEMO1) -> ComplianceRun:
    return services.record_run(Community.objects.get(code=code), trigger="manual")[0]


def test_before_any_check_the_page_offers_check_now_to_editors_only() -> None:
    body = login("manager").get(page_url()).content.decode()
    assert "还没有检查记录" in body
    assert reverse("compliance:run", args=[demo.DEMO1]) in body
    police = login("police").get(page_url())
    assert police.status_code == 200
    assert reverse("compliance:run", args=[demo.DEMO1]) not in police.content.decode()


def test_check_now_stores_a_manual_run_and_shows_it() -> None:
    client = login("manager")
    response = client.post(reverse("compliance:run", args=[demo.DEMO1]), follow=True)
    assert response.status_code == 200
    run = ComplianceRun.objects.get(community__code=demo.DEMO1)
    assert run.trigger == "manual" and run.by is not None and run.by.username == "manager"
    body = response.content.decode()
    assert "项违规" in body  # the flash message
    assert 'id="article-8"' in body and 'id="article-29"' in body
    assert "按条款得分" in body


@pytest.mark.parametrize("username", ["operator", "police", "guard"])
def test_only_registry_editors_may_run_a_check(username: str) -> None:
    response = login(username).post(reverse("compliance:run", args=[demo.DEMO1]))
    assert response.status_code == 403
    assert not ComplianceRun.objects.exists()


def test_run_needs_post() -> None:
    assert login("manager").get(reverse("compliance:run", args=[demo.DEMO1])).status_code == 405


@pytest.mark.parametrize(
    "name", ["compliance:community", "compliance:report_json", "compliance:report_pdf", "compliance:run"]
)
def test_another_communitys_page_is_404(name: str) -> None:
    client = login("manager2")  # demo2's manager
    url = reverse(name, args=[demo.DEMO1])
    response = client.post(url) if name == "compliance:run" else client.get(url)
    assert response.status_code == 404
    assert not ComplianceRun.objects.exists()


def test_anonymous_users_are_sent_to_login() -> None:
    response = Client().get(page_url())
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_police_see_the_report_read_only() -> None:
    record()
    body = login("police").get(page_url()).content.decode()
    assert 'id="article-8"' in body
    assert reverse("compliance:run", args=[demo.DEMO1]) not in body


def test_p6_uncovered_is_drawn_in_red_on_the_plan_and_linked() -> None:
    run = record()
    p6 = next(
        f
        for f in run.findings.filter(rule="R-8", status="fail")
        if any(o["code"] == "P6" for o in f.object_refs)
    )
    body = login("manager").get(page_url()).content.decode()
    # The uncovered stretch is a red path in the plan's findings layer, tied to its finding row.
    shapes = re.findall(r'<path class="hoverable finding hl-(\d+) uncovered"[^>]*stroke="#e03131"', body)
    assert str(p6.pk) in shapes
    assert f'id="finding-{p6.pk}"' in body
    assert f'data-locate="{p6.pk}"' in body
    # The finding links to the segment's page.
    assert reverse("sites:perimeter_detail", args=[demo.DEMO1, "P6"]) in body
    # The stretch's coordinates: y = 210 m is the plan's top edge (SVG y 0 or close to it).
    uncovered = p6.details["uncovered"][0]
    assert uncovered["length_m"] == pytest.approx(150, abs=1)


def test_failing_objects_link_to_their_pages() -> None:
    record()
    body = login("manager").get(page_url() + "?status=fail").content.decode()
    gaps = demo.DEMO_GAPS
    assert reverse("sites:location_detail", args=[demo.DEMO1, gaps["unit_entrance_without_camera"]]) in body
    assert "/catalogue/models/" in body  # the expired certificate's model


def test_filters_narrow_the_findings() -> None:
    record()
    client = login("manager")
    body = client.get(page_url() + "?rule=R-8&status=fail").content.decode()
    rows = re.findall(r'<tr class="cmp-finding status-(\w+)"[^>]*data-rule="([^"]+)"', body)
    assert rows and all(status == "fail" and rule == "R-8" for status, rule in rows)
    body = client.get(page_url() + "?q=B12-U2-E").content.decode()
    rows = re.findall(r'data-rule="([^"]+)"', body)
    assert rows and "R-9a" in rows and "R-8" not in rows
    body = client.get(page_url() + "?q=nothing-matches-this").content.decode()
    assert "没有符合筛选条件的检查结果" in body


def test_bad_filter_values_show_nothing_rather_than_fail() -> None:
    record()
    response = login("manager").get(page_url() + "?status=bogus&severity=%00&rule=" + "x" * 500)
    assert response.status_code == 200
    assert "没有符合筛选条件的检查结果" in response.content.decode()


def test_passes_are_collapsed_and_failing_come_first() -> None:
    record()
    body = login("manager").get(page_url()).content.decode()
    section = body[body.index('id="article-8"') : body.index('id="article-9"')]
    assert section.index("status-fail") < section.index("<details")
    assert section.index("<details") < section.index("status-pass")


def test_json_download_is_the_contract_and_access_logged() -> None:
    record()
    response = login("police").get(reverse("compliance:report_json", args=[demo.DEMO1]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = json.loads(response.content)
    assert set(doc) == {"community", "checked_at", "summary", "findings"}
    log = AccessRecord.objects.filter(kind="export", resource="compliance_report").latest("pk")
    assert log.query["format"] == "json"
    assert log.community_id == Community.objects.get(code=demo.DEMO1).pk


def test_pdf_download_is_a_pdf_and_access_logged() -> None:
    record()
    response = login("manager").get(reverse("compliance:report_pdf", args=[demo.DEMO1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessRecord.objects.filter(
        kind="export", resource="compliance_report", query__format="pdf"
    ).exists()


def test_dashboard_tile_shows_open_violations_and_links_to_the_page() -> None:
    client = login("manager")
    url = page_url()
    assert url in client.get("/").content.decode()
    run = record()
    body = client.get("/").content.decode()
    assert f"发现 {run.violations} 项违规" in body


def test_navigation_and_community_detail_link_to_the_page() -> None:
    client = login("operator")
    body = client.get(reverse("sites:community_detail", args=[demo.DEMO1])).content.decode()
    assert page_url() in body


def test_a_city_sized_list_of_passes_is_capped() -> None:
    from anfang.compliance.models import RunFinding

    run = record()
    rows = [
        RunFinding(
            run=run,
            rule="R-29",
            article="第29条",
            severity="violation",
            status="pass",
            key=f"R-29|device:X{i}",
            object_refs=[{"type": "device", "code": f"X{i}", "name": ""}],
            message_zh=f"X{i} 已验收合格。",
            message_en=f"X{i} accepted.",
        )
        for i in range(300)
    ]
    RunFinding.objects.bulk_create(rows)
    body = login("manager").get(page_url() + "?rule=R-29").content.decode()
    assert body.count('class="cmp-finding status-pass"') == 200
    assert "请用“对象”筛选查看" in body
    assert "X299" in login("manager").get(page_url() + "?q=X299").content.decode()


def test_plan_of_a_community_with_many_devices_keeps_only_the_failing_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from anfang.compliance import views

    monkeypatch.setattr(views, "PLAN_DEVICE_LIMIT", 10)
    record()
    body = login("manager").get(page_url()).content.decode()
    assert "平面图只标出不符合项的设备" in body
    assert 'data-layer="findings"' in body and "uncovered" in body
