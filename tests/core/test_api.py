"""The API as a whole: authentication (token and session with CSRF), /me, OpenAPI, JSON errors."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from anfang.core.models import ApiToken, ChangeRecord
from tests.support import factories
from tests.support.api import API, JsonClient, assert_error, client_for

pytestmark = pytest.mark.django_db


def test_bearer_token_authenticates_and_is_marked_used(tenancy):
    token, raw = ApiToken.issue(name="script", user=tenancy.manager_a)
    response = Client().get(f"{API}/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "manager_a"
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("state", ["revoked", "expired", "inactive_user", "unknown", "malformed"])
@pytest.mark.parametrize("method", ["get", "patch"])
def test_bad_tokens_get_401(tenancy, state, method):
    token, raw = ApiToken.issue(name="script", user=tenancy.manager_a)
    header = f"Bearer {raw}"
    if state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "inactive_user":
        tenancy.manager_a.is_active = False
        tenancy.manager_a.save()
    elif state == "unknown":
        header = "Bearer anf_not-a-token"
    else:
        header = f"Token {raw}"
    client = JsonClient(headers={"Authorization": header})
    url = f"{API}/communities/a"
    response = client.get(url) if method == "get" else client.patch(url, {"name": "x"})
    assert_error(response, 401, "unauthorized")


def test_no_credentials_get_401(tenancy):
    assert_error(Client().get(f"{API}/me"), 401, "unauthorized")
    assert_error(JsonClient().post(f"{API}/communities", {"code": "x"}), 401, "unauthorized")


def test_session_reads_and_writes_with_csrf(tenancy):
    client = JsonClient(enforce_csrf_checks=True)
    client.force_login(tenancy.manager_a)
    assert client.get(f"{API}/me").json()["username"] == "manager_a"
    # An unsafe method without the CSRF token is refused …
    assert_error(client.patch(f"{API}/communities/a", {"name": "无令牌"}), 403, "forbidden")
    # … and accepted with it (cookie + X-CSRFToken header, as the web pages send it).
    secret = "s" * 32
    client.cookies["csrftoken"] = secret
    response = client.patch(f"{API}/communities/a", {"name": "会话修改"}, headers={"X-CSRFToken": secret})
    assert response.status_code == 200, response.content
    row = ChangeRecord.objects.filter(object_type="sites.community").order_by("-seq").first()
    assert row.after["name"] == "会话修改" and row.actor_id == tenancy.manager_a.pk


def test_token_request_needs_no_csrf(tenancy):
    client = client_for(tenancy.manager_a)
    client.handler.enforce_csrf_checks = True
    assert client.patch(f"{API}/communities/a", {"name": "脚本修改"}).status_code == 200


def test_token_writes_are_attributed_to_the_token_user(tenancy):
    response = client_for(tenancy.manager_a).post(
        f"{API}/communities/a/locations", {"code": "B1", "name": "1号楼", "kind": "building"}
    )
    assert response.status_code == 201
    row = ChangeRecord.objects.filter(object_type="sites.location").order_by("-seq").first()
    assert (row.action, row.actor_id, row.actor_name) == ("create", tenancy.manager_a.pk, "manager_a")
    assert row.community_id == tenancy.a.pk and row.after["code"] == "B1"
    assert response["X-Request-Id"] == row.request_id


def test_me_lists_roles_and_communities(tenancy):
    body = client_for(tenancy.police_a).get(f"{API}/me").json()
    assert body["police_station"] == tenancy.a.police_station.code and body["roles"] == ["police"]
    assert body["communities"] == [
        {"code": "a", "name": "小区A", "roles": ["police"], "can_change_registry": False}
    ]
    body = client_for(tenancy.admin).get(f"{API}/me").json()
    assert body["is_admin"] is True and [c["code"] for c in body["communities"]] == ["a", "b"]
    assert all(c["can_change_registry"] for c in body["communities"])


def test_openapi_and_docs(tenancy):
    schema = Client().get(f"{API}/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/communities",
        "/api/v1/communities/{community}/locations/{code}",
        "/api/v1/communities/{community}/perimeter-segments",
        "/api/v1/devices/{code}/status",
        "/api/v1/devices/{code}/acceptance",
        "/api/v1/device-models",
        "/api/v1/certificates",
        "/api/v1/police-stations",
        "/api/v1/property-companies",
        "/api/v1/manufacturers",
        "/api/v1/me",
    ):
        assert path in paths, path
    operation_ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "list_devices" in operation_ids and "update_device" in operation_ids
    assert Client().get(f"{API}/docs").status_code == 200


# ---------------------------------------------------------------------------------------------------
# Bad input never gives a 500: always a 4xx JSON error
# ---------------------------------------------------------------------------------------------------

BAD_BODIES: list[tuple[str, Any]] = [
    ("malformed json", "{not json"),
    ("list body", [1, 2, 3]),
    ("string body", "just text"),
    ("empty object", {}),
    ("wrong types", {"code": 5, "name": ["x"], "kind": {"a": 1}, "floors": "many", "is_main": "perhaps"}),
    ("nul characters", {"code": "X1", "name": "a\x00b", "kind": "building"}),
    ("huge number", {"code": "X1", "name": "n", "kind": "building", "floors": 10**40}),
    ("negative", {"code": "X1", "name": "n", "kind": "building", "floors": -3}),
    ("bad code", {"code": "bad code!", "name": "n", "kind": "building"}),
    ("long text", {"code": "X1", "name": "长" * 500, "kind": "building"}),
    ("geometry not object", {"code": "X1", "name": "n", "kind": "square", "geometry": [1, 2]}),
    (
        "geometry infinite",
        {
            "code": "X1",
            "name": "n",
            "kind": "square",
            "geometry": {"type": "Point", "coordinates": [1e400, 0]},
        },
    ),
    ("unknown parent", {"code": "X1", "name": "n", "kind": "unit", "parent": "nope"}),
]


@pytest.mark.parametrize(("label", "body"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_location_bodies_are_4xx_json(tenancy, label, body):
    client = client_for(tenancy.manager_a)
    for method, url in (
        (client.post, f"{API}/communities/a/locations"),
        (client.patch, f"{API}/communities/a/locations/{factories.location(tenancy.a).code}"),
    ):
        if label in {"empty object"} and method == client.patch:
            continue  # an empty PATCH is a valid no-op
        payload = body if not isinstance(body, str) or label == "string body" else None
        if label == "malformed json":
            response = method(url, body, content_type="application/json")
        elif label == "string body":
            response = method(url, '"just text"', content_type="application/json")
        else:
            response = method(url, payload)
        assert 400 <= response.status_code < 500, (label, response.status_code, response.content[:300])
        data = response.json()
        assert set(data) >= {"error", "detail"}, data


BAD_DEVICE_BODIES: list[dict[str, Any]] = [
    {"port": "http"},
    {"port": 70000000000},
    {"heartbeat_interval_s": 0},
    {"installed_on": "2026-13-40"},
    {"device_model": "DS-2CD"},
    {"device_model": -1},
    {"status": None},
    {"name": None},
    {"anpr": "sometimes"},
    {"coverage": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}},
    {"position": {"type": "Point"}},
    {"authorisation": "yes", "purpose": "x"},
    {"community": "b"},  # devices do not move between communities
    {"code": "renamed"},  # codes are identities
    {"nmae": "typo"},
]


@pytest.mark.parametrize(
    "body", BAD_DEVICE_BODIES, ids=[next(iter(b)) + str(i) for i, b in enumerate(BAD_DEVICE_BODIES)]
)
def test_bad_device_patches_are_4xx_json(tenancy, body):
    device = factories.device(tenancy.a)
    response = client_for(tenancy.manager_a).patch(f"{API}/devices/{device.code}", body)
    assert 400 <= response.status_code < 500, (body, response.status_code, response.content[:300])
    assert set(response.json()) >= {"error", "detail"}


@pytest.mark.parametrize(
    "path",
    [
        "/communities/%00",
        "/communities/a/locations/%00",
        "/devices/..%2F..",
        "/device-models/abc",
        "/device-models/99999999999999999999999",
        "/certificates/-1",
        "/nothing-here",
    ],
)
def test_bad_paths_are_4xx_json(tenancy, path):
    response = client_for(tenancy.admin).get(f"{API}{path}")
    assert 400 <= response.status_code < 500, (path, response.status_code)
    if response["Content-Type"].startswith("application/json"):
        assert set(response.json()) >= {"error", "detail"}


# ---------------------------------------------------------------------------------------------------
# Schemathesis: generated requests from the OpenAPI never get a 500, and 2xx bodies match the schema
# ---------------------------------------------------------------------------------------------------


def _openapi() -> Any:
    """The API's own OpenAPI document, called in-process through the WSGI application."""
    from django.core.wsgi import get_wsgi_application
    from ninja.responses import NinjaJSONEncoder

    from anfang.core.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


openapi = _openapi()


@pytest.fixture
def _keep_db_connection() -> Any:
    """Calls go through the WSGI handler, which closes the database connection after each request
    (and with it the test's transaction on PostgreSQL); Django's test client avoids that the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@openapi.parametrize()
@settings(
    # A few examples per operation keep the suite fast; raise it for a deeper run.
    max_examples=int(os.environ.get("ANFANG_API_FUZZ_EXAMPLES", "3")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
)
def test_generated_requests_never_fail_the_server(case: Any, tenancy: Any, _keep_db_connection: Any) -> None:
    _token, raw = ApiToken.issue(name="fuzz", user=tenancy.admin)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {raw}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
