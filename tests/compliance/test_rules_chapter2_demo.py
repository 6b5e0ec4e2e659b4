"""The demo's deliberate chapter 2 gaps (``DEMO_GAPS``) are found, nothing else, and fixing them in the
registry closes the findings."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from anfang.compliance.rules import RULES, CheckContext, Finding
from anfang.compliance.snapshot import load
from anfang.core import audit
from anfang.sites.demo import DEMO1, DEMO_GAPS
from anfang.sites.models import Community, Location
from tests.support import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(demo_built: Any) -> None:
    """The demo, built once for this module (``demo_built`` in tests/conftest.py)."""


def check(rule_id: str) -> list[Finding]:
    community = Community.objects.get(code=DEMO1)
    return list(RULES[rule_id].check(load(community), CheckContext(now=timezone.now())))


def failures(rule_id: str) -> dict[str, Finding]:
    return {f.objects[0].code: f for f in check(rule_id) if f.status == "fail"}


def test_demo_perimeter_gap_is_p6_and_nothing_else() -> None:
    findings = check("R-8")
    assert findings[0].status == "pass" and findings[0].details["segments"] == 7  # the ring is closed
    bad = failures("R-8")
    assert list(bad) == [DEMO_GAPS["uncovered_perimeter_segment"]]
    p6 = bad["P6"]
    assert p6.details["uncovered"] == [{"length_m": 150.0, "coordinates": [[160.0, 210.0], [10.0, 210.0]]}]
    assert p6.details["uncovered_length_m"] == 150.0 and p6.details["detectors"] == []
    assert "150 米" in p6.message_zh and "(160, 210)–(10, 210)" in p6.message_zh


def test_demo_unit_entrance_without_camera_is_the_only_r9a_failure() -> None:
    bad = failures("R-9a")
    assert list(bad) == [DEMO_GAPS["unit_entrance_without_camera"]]
    assert bad["B12-U2-E"].details["counted"] == []
    # The faulty road camera CAM-R2-E does not open a gap: CAM-R2-W and others still see the road.
    r2 = next(f for f in check("R-9a") if f.objects[0].code == "R2")
    assert r2.status == "pass" and "CAM-R2-W" in r2.details["counted"]
    assert "CAM-R2-E" not in r2.details["counted"]
    assert {"code": "CAM-R2-E", "reason_zh": "状态为“故障”", "reason_en": "is faulty, not in service"} in (
        r2.details["rejected"]
    )


def test_fixing_the_demo_gaps_closes_the_findings() -> None:
    community = Community.objects.get(code=DEMO1)
    with audit.actor(system="test"):
        factories.in_service_device(
            community,
            code="PD-P6",
            subsystem="perimeter",
            kind="electronic_fence",
            coverage={"type": "LineString", "coordinates": [[160, 210], [10, 210]]},
        )
        factories.in_service_device(
            community,
            code="CAM-B12-U2",
            location=Location.objects.get(community=community, code="B12-U2-E"),
            resolution_width=2560,
            resolution_height=1440,
        )
    assert failures("R-8") == {}
    assert failures("R-9a") == {}


def test_demo_chapter2_rules_cite_their_articles() -> None:
    for rule_id in ("R-5", "R-7", "R-9b", "R-11", "R-12", "R-14", "R-15"):
        for finding in check(rule_id):
            assert finding.article == RULES[rule_id].article and finding.message_zh and finding.message_en
