"""Shared checks for scoped registry pages (after NetBox's ``ViewTestCases``).

A subclass sets ``make(tenancy)`` (a record of community A) and the URL builders; the base checks
that A's manager sees and edits it, B's manager gets 404 everywhere, A's operator gets 403 on edit
pages and POSTs and sees no edit buttons.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def client_for(user: Any) -> Client:
    client = Client()
    # force_login: django-axes' backend needs a request, which Client.login does not pass.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


class ScopedViewTests:
    """Subclass and fill in; every test takes the ``tenancy`` fixture."""

    edit_marker: str = "/edit/"

    def make(self, tenancy: Any) -> Any:
        raise NotImplementedError

    def detail_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def edit_url(self, obj: Any) -> str:
        raise NotImplementedError

    def delete_url(self, obj: Any) -> str | None:
        return None

    def list_url(self, tenancy: Any) -> str:
        raise NotImplementedError

    @pytest.mark.django_db
    def test_manager_sees_list_and_detail(self, tenancy: Any) -> None:
        obj = self.make(tenancy)
        client = client_for(tenancy.manager_a)
        listing = client.get(self.list_url(tenancy))
        assert listing.status_code == 200
        assert self.detail_url(obj) in listing.content.decode()
        detail = client.get(self.detail_url(obj))
        assert detail.status_code == 200
        assert self.edit_url(obj) in detail.content.decode()
        assert client.get(self.edit_url(obj)).status_code == 200

    @pytest.mark.django_db
    def test_other_community_gets_404(self, tenancy: Any) -> None:
        obj = self.make(tenancy)
        client = client_for(tenancy.manager_b)
        urls = [self.detail_url(obj), self.edit_url(obj), self.list_url(tenancy)]
        delete = self.delete_url(obj)
        if delete:
            urls.append(delete)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code in (404, 405), url

    @pytest.mark.django_db
    def test_operator_reads_but_cannot_edit(self, tenancy: Any) -> None:
        obj = self.make(tenancy)
        client = client_for(tenancy.operator_a)
        detail = client.get(self.detail_url(obj))
        assert detail.status_code == 200
        assert self.edit_url(obj) not in detail.content.decode()
        assert client.get(self.edit_url(obj)).status_code == 403
        assert client.post(self.edit_url(obj), {}).status_code == 403
        delete = self.delete_url(obj)
        if delete:
            assert client.post(delete).status_code == 403
            assert type(obj).objects.filter(pk=obj.pk).exists()

    @pytest.mark.django_db
    def test_police_read_only(self, tenancy: Any) -> None:
        obj = self.make(tenancy)
        client = client_for(tenancy.police_a)
        detail = client.get(self.detail_url(obj))
        assert detail.status_code == 200
        assert self.edit_url(obj) not in detail.content.decode()
        assert client.get(self.edit_url(obj)).status_code == 403

    @pytest.mark.django_db
    def test_anonymous_is_sent_to_login(self, tenancy: Any) -> None:
        obj = self.make(tenancy)
        response = Client().get(self.detail_url(obj))
        assert response.status_code == 302
        assert "login" in response["Location"]
