"""Shared bases for API tests: a JSON client with a bearer token, and CRUD checks per resource.

A resource test sets the URLs, a builder for an existing object and the create/update data; the base
checks list/get/create/patch/delete, the change log, and that another community's user gets 404.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, TypeVar, cast

import httpx
import pytest
from django.db import models
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from anfang.core.models import ApiToken, ChangeRecord

API = "/api/v1"


class JsonClient(Client):
    """A test client whose POST/PATCH send JSON; ``token`` is the raw bearer token, if any."""

    token: str | None = None

    def post(self, path: str, data: Any = None, content_type: str = "application/json", **kw: Any) -> Any:  # type: ignore[override]
        return super().post(path, data, content_type=content_type, **kw)

    def patch(self, path: str, data: Any = None, content_type: str = "application/json", **kw: Any) -> Any:  # type: ignore[override]
        return super().patch(path, data, content_type=content_type, **kw)


def client_for(user: Any) -> JsonClient:
    """A client authenticated by a fresh user API token."""
    _token, raw = ApiToken.issue(name="test", user=user)
    client = JsonClient(headers={"Authorization": f"Bearer {raw}"})
    client.token = raw
    return client


def device_client(device: Any) -> JsonClient:
    _token, raw = ApiToken.issue(name="device", device=device)
    client = JsonClient(headers={"Authorization": f"Bearer {raw}"})
    client.token = raw
    return client


T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(make())` in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread of the same test process, where `asyncio.run` refuses to start."""
    done: dict[str, Any] = {}

    def target() -> None:
        try:
            done["result"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the test's thread
            done["error"] = exc

    thread = threading.Thread(target=target, name="asgi-test-client")
    thread.start()
    thread.join()
    if "error" in done:
        raise done["error"]
    return cast(T, done["result"])


class AsgiResponse:
    """The parts of Django's test response the tests read, from an httpx response."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self._headers = response.headers

    def __getitem__(self, name: str) -> str:
        return self._headers[name]

    def json(self) -> Any:
        return json.loads(self.content)


class AsgiClient:
    """Posts through `anfang.asgi.application`, as uvicorn calls it: device tokens take the device
    fast paths (`core.device_post`), everything else is handed to Django."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def post(self, url: str, data: Any = None, content_type: str = "application/json") -> AsgiResponse:
        """Like Django's test client: bytes as they are, a dict as JSON or (multipart) as form parts."""
        from anfang.asgi import application

        if isinstance(data, bytes):
            body = data
        elif content_type == MULTIPART_CONTENT:
            body = encode_multipart(BOUNDARY, data or {})
        else:
            body = json.dumps(data).encode()

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                headers = {**self.headers, "Content-Type": content_type}
                return await client.post(url, content=body, headers=headers)

        return AsgiResponse(run_async(send))


# Device endpoints are tested both ways: through Django (the test client, ninja's endpoint) and through
# the ASGI application, whose fast paths store in their own threads (their own connections: they must see
# committed rows, hence the transactional database).
VIA = [
    pytest.param("django", marks=pytest.mark.django_db),
    pytest.param("asgi", marks=pytest.mark.django_db(transaction=True)),
]


def device_client_via(device: Any, via: str) -> JsonClient | AsgiClient:
    if via == "django":
        return device_client(device)
    return AsgiClient(ApiToken.issue(name="device", device=device)[1])


def client_for_via(user: Any, via: str) -> JsonClient | AsgiClient:
    if via == "django":
        return client_for(user)
    return AsgiClient(ApiToken.issue(name="test", user=user)[1])


def anonymous_via(via: str, token: str | None = None) -> JsonClient | AsgiClient:
    """No token, or a raw one that may not count."""
    if via == "django":
        return JsonClient(headers={"Authorization": f"Bearer {token}"} if token else {})
    return AsgiClient(token)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """A JSON error of the contract shape ``{"error": code, "detail": …}``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert "error" in body and "detail" in body, body
    if code is not None:
        assert body["error"] == code, body
    return body


def last_change(obj_type: str) -> ChangeRecord:
    row = ChangeRecord.objects.filter(object_type=obj_type).order_by("-seq").first()
    assert row is not None
    return row


class ScopedAPITests:
    """CRUD checks for a resource that belongs to one community (community A of ``tenancy``)."""

    object_type: ClassVar[str]  # "sites.location": rows in the change log
    key: ClassVar[str] = "code"  # response field naming the object

    def list_url(self, community: Any) -> str:
        raise NotImplementedError

    def detail_url(self, obj: Any) -> str:
        raise NotImplementedError

    def make(self, community: Any) -> models.Model:
        """An existing object in ``community``."""
        raise NotImplementedError

    def create_data(self, tenancy: Any) -> dict[str, Any]:
        """A valid POST body creating an object in community A."""
        raise NotImplementedError

    def update_data(self, tenancy: Any) -> dict[str, Any]:
        """A valid PATCH body."""
        raise NotImplementedError

    # -- checks ---------------------------------------------------------------------------------

    def test_list_shows_only_visible_communities(self, tenancy: Any) -> None:
        mine, theirs = self.make(tenancy.a), self.make(tenancy.b)
        body = client_for(tenancy.manager_a).get(self.list_url(tenancy.a)).json()
        keys = [item[self.key] for item in body["items"]]
        assert getattr(mine, self.key) in keys and getattr(theirs, self.key) not in keys
        assert body["count"] == len(body["items"])

    def test_get(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        response = client_for(tenancy.operator_a).get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.json()[self.key] == getattr(obj, self.key)

    def test_create_is_change_logged_for_the_token_user(self, tenancy: Any) -> None:
        data = self.create_data(tenancy)
        response = client_for(tenancy.manager_a).post(self.list_url(tenancy.a), data)
        assert response.status_code == 201, response.content
        body = response.json()
        for field, value in data.items():
            if field in body and not isinstance(value, dict | float):
                assert body[field] == value, field
        row = last_change(self.object_type)
        assert row.action == "create" and row.actor_id == tenancy.manager_a.pk
        assert row.actor_name == "manager_a"

    def test_patch(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        data = self.update_data(tenancy)
        response = client_for(tenancy.manager_a).patch(self.detail_url(obj), data)
        assert response.status_code == 200, response.content
        for field, value in data.items():
            assert response.json()[field] == value, field
        row = last_change(self.object_type)
        assert row.action == "update" and row.actor_id == tenancy.manager_a.pk
        assert client_for(tenancy.manager_a).get(self.detail_url(obj)).json()[next(iter(data))] == next(
            iter(data.values())
        )

    def test_delete(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        client = client_for(tenancy.manager_a)
        assert client.delete(self.detail_url(obj)).status_code == 204
        assert_error(client.get(self.detail_url(obj)), 404, "not_found")
        assert last_change(self.object_type).action == "delete"

    def test_other_community_gets_404(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        other = client_for(tenancy.manager_b)
        assert_error(other.get(self.detail_url(obj)), 404, "not_found")
        assert_error(other.patch(self.detail_url(obj), self.update_data(tenancy)), 404, "not_found")
        assert_error(other.delete(self.detail_url(obj)), 404, "not_found")
        assert_error(other.post(self.list_url(tenancy.a), self.create_data(tenancy)), 404, "not_found")
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()

    def test_viewer_without_registry_permission_gets_403(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        for user in (tenancy.operator_a, tenancy.police_a):
            client = client_for(user)
            assert client.get(self.detail_url(obj)).status_code == 200
            assert_error(client.patch(self.detail_url(obj), self.update_data(tenancy)), 403, "forbidden")
            assert_error(client.delete(self.detail_url(obj)), 403, "forbidden")
            assert_error(client.post(self.list_url(tenancy.a), self.create_data(tenancy)), 403, "forbidden")

    def test_anonymous_gets_401(self, tenancy: Any) -> None:
        obj = self.make(tenancy.a)
        assert_error(JsonClient().get(self.detail_url(obj)), 401, "unauthorized")
        assert_error(JsonClient().get(self.list_url(tenancy.a)), 401, "unauthorized")


class ReferenceAPITests:
    """CRUD checks for platform-wide records (police stations, catalogue): all users read,
    ``writers`` (tenancy attribute names) create, the platform admin changes and deletes."""

    object_type: ClassVar[str]
    key: ClassVar[str] = "code"
    list_url: ClassVar[str]
    creators: ClassVar[tuple[str, ...]] = ("admin",)

    def detail_url(self, obj: Any) -> str:
        return f"{self.list_url}/{getattr(obj, self.key)}"

    def make(self) -> models.Model:
        raise NotImplementedError

    def create_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def update_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def test_everyone_reads(self, tenancy: Any) -> None:
        obj = self.make()
        client = client_for(tenancy.operator_a)
        body = client.get(self.list_url).json()
        assert getattr(obj, self.key) in [item[self.key] for item in body["items"]]
        assert client.get(self.detail_url(obj)).json()[self.key] == getattr(obj, self.key)

    def test_create_update_delete(self, tenancy: Any) -> None:
        for name in self.creators:
            response = client_for(getattr(tenancy, name)).post(self.list_url, self.create_data())
            assert response.status_code == 201, response.content
            assert last_change(self.object_type).actor_id == getattr(tenancy, name).pk
            created = response.json()
            url = f"{self.list_url}/{created[self.key]}"
            admin = client_for(tenancy.admin)
            response = admin.patch(url, self.update_data())
            assert response.status_code == 200, response.content
            for field, value in self.update_data().items():
                assert response.json()[field] == value
            assert admin.delete(url).status_code == 204
            assert_error(admin.get(url), 404, "not_found")

    def test_others_may_not_write(self, tenancy: Any) -> None:
        obj = self.make()
        writers = {"admin", *self.creators}
        for name in ("manager_a", "operator_a", "police_a"):
            client = client_for(getattr(tenancy, name))
            if name not in writers:
                assert_error(client.post(self.list_url, self.create_data()), 403, "forbidden")
            assert_error(client.patch(self.detail_url(obj), self.update_data()), 403, "forbidden")
            assert_error(client.delete(self.detail_url(obj)), 403, "forbidden")
