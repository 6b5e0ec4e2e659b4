"""API tokens page: the raw token is shown once, only its hash is stored, revoking works and is scoped."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anfang.core import services
from anfang.core.errors import DomainError, PermissionDenied
from anfang.core.models import ApiToken, ChangeRecord, hash_token
from tests.support import factories

pytestmark = pytest.mark.django_db

RAW = re.compile(r"anf_[A-Za-z0-9_\-]{20,}")


def test_create_shows_raw_token_once_and_stores_only_the_hash(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.post(reverse("tokens"), {"action": "user", "user-name": "报表脚本"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = RAW.findall(response.content.decode())
    assert len(set(found)) == 1
    raw = found[0]
    token = ApiToken.objects.get(name="报表脚本")
    assert token.user == tenancy.manager_a
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.name, token.prefix, token.key_hash}
    assert raw.startswith(token.prefix)
    # Never again: the list shows the prefix only.
    body = client.get(reverse("tokens")).content.decode()
    assert raw not in body
    assert token.prefix in body and "报表脚本" in body


def test_the_raw_token_works_against_the_api(client, tenancy):
    client.force_login(tenancy.manager_a)
    raw = RAW.findall(client.post(reverse("tokens"), {"action": "user", "user-name": "t"}).content.decode())[
        0
    ]
    client.logout()
    response = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_create_with_bad_input_shows_errors_and_creates_nothing(client, tenancy):
    client.force_login(tenancy.manager_a)
    response = client.post(
        reverse("tokens"), {"action": "user", "user-name": "  ", "user-expires_on": "2000-01-01"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and "有效期不能早于今天" in body
    assert not ApiToken.objects.exists()
    assert client.post(reverse("tokens"), {"action": "user", "user-name": "x" * 101}).status_code == 200
    assert not ApiToken.objects.exists()


def test_revoke_own_token(client, tenancy):
    token, _raw = services.create_user_token(tenancy.manager_a, "mine")
    client.force_login(tenancy.manager_a)
    response = client.post(reverse("token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    assert "已吊销" in response.content.decode()


def test_a_user_cannot_revoke_another_users_token(client, tenancy):
    token, _raw = services.create_user_token(tenancy.manager_b, "theirs")
    client.force_login(tenancy.manager_a)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "theirs" not in client.get(reverse("tokens")).content.decode()


def test_revoke_is_post_only(client, tenancy):
    token, _raw = services.create_user_token(tenancy.manager_a, "mine")
    client.force_login(tenancy.manager_a)
    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 405


def test_admin_sees_all_tokens_and_creates_a_device_token(client, tenancy):
    services.create_user_token(tenancy.manager_b, "B的令牌")
    device = factories.device(tenancy.a, name="南门摄像机")
    client.force_login(tenancy.admin)
    body = client.get(reverse("tokens"), {"community": "a"}).content.decode()
    assert "B的令牌" in body and "南门摄像机" in body
    response = client.post(
        reverse("tokens") + "?community=a",
        {"action": "device", "device-device": device.pk, "device-name": "推送"},
    )
    assert response.status_code == 200
    raw = RAW.findall(response.content.decode())[0]
    token = ApiToken.objects.get(name="推送")
    assert token.device == device and token.user is None and token.key_hash == hash_token(raw)


def test_non_admin_cannot_create_a_device_token(client, tenancy):
    device = factories.device(tenancy.a)
    client.force_login(tenancy.manager_a)
    response = client.post(
        reverse("tokens"), {"action": "device", "device-device": device.pk, "device-name": "x"}
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_admin_can_revoke_any_token(client, tenancy):
    token, _raw = services.create_user_token(tenancy.manager_b, "theirs")
    client.force_login(tenancy.admin)
    client.post(reverse("token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- services (shared with the CLI) ----------------------------------------------------------------


def test_services_write_the_change_log_without_the_hash(tenancy):
    token, _raw = services.create_user_token(tenancy.manager_a, "log me")
    services.revoke_token(token, by=tenancy.manager_a)
    rows = list(
        ChangeRecord.objects.filter(object_type="core.apitoken", object_id=str(token.pk)).order_by("seq")
    )
    assert [r.action for r in rows] == ["create", "update"]
    assert all("key_hash" not in (r.after or {}) for r in rows)
    assert rows[1].before["revoked_at"] is None and rows[1].after["revoked_at"]


def test_services_refuse_bad_requests(tenancy):
    token, _raw = services.create_user_token(tenancy.manager_b, "theirs")
    with pytest.raises(PermissionDenied):
        services.revoke_token(token, by=tenancy.manager_a)
    services.revoke_token(token, by=None)  # the CLI
    with pytest.raises(DomainError):
        services.revoke_token(token, by=tenancy.admin)  # already revoked
    with pytest.raises(DomainError):
        services.create_user_token(tenancy.manager_a, "")
    with pytest.raises(PermissionDenied):
        services.create_user_token(tenancy.manager_b, "x", by=tenancy.manager_a)
    with pytest.raises(PermissionDenied):
        services.create_device_token(factories.device(tenancy.a), "x", by=tenancy.manager_a)
