"""Compliance API: the JSON contract per community, scoped; stored runs for registry editors."""

from __future__ import annotations

from typing import Any

import pytest

from anfang.compliance.models import ComplianceRun
from anfang.core.models import AccessRecord
from tests.conftest import Tenancy
from tests.support import factories
from tests.support.api import API, JsonClient, assert_error, client_for, device_client

pytestmark = pytest.mark.django_db

FINDING_KEYS = {"rule", "article", "severity", "status", "objects", "message_zh", "message_en", "details"}


def url(code: str, suffix: str = "") -> str:
    return f"{API}/communities/{code}/compliance{suffix}"


def assert_contract(doc: dict[str, Any], code: str) -> None:
    assert set(doc) == {"community", "checked_at", "summary", "findings"}
    assert doc["community"]["code"] == code
    assert isinstance(doc["checked_at"], str) and doc["checked_at"].endswith("Z")
    summary = doc["summary"]
    for key in ("checks", "pass", "fail", "not_evaluable", "violations", "advisories", "score", "by_rule"):
        assert key in summary
    assert summary["checks"] == len(doc["findings"])
    for f in doc["findings"]:
        assert set(f) == FINDING_KEYS
        assert f["status"] in {"pass", "fail", "not_evaluable"}
        assert f["severity"] in {"violation", "advisory"}
        assert isinstance(f["objects"], list) and isinstance(f["details"], dict)


def test_get_returns_a_fresh_check_before_any_run_and_stores_nothing(tenancy: Tenancy) -> None:
    response = client_for(tenancy.manager_a).get(url("a"))
    assert response.status_code == 200
    doc = response.json()
    assert_contract(doc, "a")
    # An empty community misses all nine subsystems: violations, never a silent pass.
    assert doc["summary"]["violations"] > 0
    assert any(f["rule"] == "R-7" and f["status"] == "fail" for f in doc["findings"])
    assert not ComplianceRun.objects.exists()
    assert AccessRecord.objects.filter(kind="export", resource="compliance_report").exists()


def test_post_stores_a_run_and_get_returns_it(tenancy: Tenancy) -> None:
    client = client_for(tenancy.manager_a)
    response = client.post(url("a", "/runs"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert_contract(created, "a")
    run = ComplianceRun.objects.get(community=tenancy.a)
    assert run.trigger == "api" and run.by == tenancy.manager_a
    # GET now answers from the stored run (same time, same findings) until fresh=true.
    stored = client.get(url("a")).json()
    assert stored["checked_at"] == created["checked_at"]
    assert stored["findings"] == created["findings"]
    factories.location(tenancy.a, kind="entrance", code="GATE-N", name="北门")
    fresh = client.get(url("a") + "?fresh=true").json()
    assert fresh["checked_at"] != created["checked_at"]
    assert ComplianceRun.objects.count() == 1


@pytest.mark.parametrize("who", ["operator_a", "police_a"])
def test_readers_get_the_report_but_may_not_run(tenancy: Tenancy, who: str) -> None:
    client = client_for(getattr(tenancy, who))
    assert client.get(url("a")).status_code == 200
    assert_error(client.post(url("a", "/runs")), 403, "forbidden")
    assert not ComplianceRun.objects.exists()


def test_another_community_is_404_for_get_and_post(tenancy: Tenancy) -> None:
    client = client_for(tenancy.manager_b)
    assert_error(client.get(url("a")), 404, "not_found")
    assert_error(client.post(url("a", "/runs")), 404, "not_found")
    assert_error(client_for(tenancy.police_a).get(url("b")), 404, "not_found")
    assert not ComplianceRun.objects.exists()


def test_unknown_community_and_bad_input(tenancy: Tenancy) -> None:
    client = client_for(tenancy.admin)
    assert_error(client.get(url("nope")), 404, "not_found")
    assert_error(client.get(url("a") + "?fresh=maybe"), 422, "invalid")
    assert_error(client.get(url("a%00")), 404)


def test_authentication_is_required(tenancy: Tenancy) -> None:
    assert_error(JsonClient().get(url("a")), 401, "unauthorized")
    # Device tokens only send events.
    assert_error(device_client(factories.device(tenancy.a)).get(url("a")), 403)


def test_openapi_documents_the_contract(tenancy: Tenancy) -> None:
    spec = client_for(tenancy.admin).get(f"{API}/openapi.json").json()
    assert "/api/v1/communities/{code}/compliance" in spec["paths"]
    assert "/api/v1/communities/{code}/compliance/runs" in spec["paths"]
    finding = spec["components"]["schemas"]["FindingOut"]
    assert set(finding["properties"]) == FINDING_KEYS
