"""One scoping mechanism: who sees and changes which community."""

from __future__ import annotations

import pytest

from anfang.core.tenancy import Perm, communities_for, has_perm, roles_in
from anfang.devices.models import Device
from anfang.sites.models import Community, Location
from tests.support import factories

pytestmark = pytest.mark.django_db


def test_member_sees_only_own_community(tenancy):
    assert list(communities_for(tenancy.manager_a)) == [tenancy.a]
    assert list(communities_for(tenancy.manager_b)) == [tenancy.b]
    assert list(Community.objects.for_user(tenancy.manager_a)) == [tenancy.a]


def test_police_see_their_stations_communities_read_only(tenancy):
    other = factories.community(police_station=tenancy.a.police_station)
    assert set(communities_for(tenancy.police_a)) == {tenancy.a, other}
    assert not communities_for(tenancy.police_a, Perm.CHANGE_REGISTRY).exists()
    assert has_perm(tenancy.police_a, tenancy.a, Perm.POLICE)
    assert not has_perm(tenancy.police_a, tenancy.b, Perm.VIEW)


def test_operator_can_view_but_not_change(tenancy):
    assert has_perm(tenancy.operator_a, tenancy.a, Perm.VIEW)
    assert not has_perm(tenancy.operator_a, tenancy.a, Perm.CHANGE_REGISTRY)
    assert has_perm(tenancy.manager_a, tenancy.a, Perm.CHANGE_REGISTRY)


def test_admin_sees_everything_and_anonymous_nothing(tenancy, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert set(communities_for(tenancy.admin)) == {tenancy.a, tenancy.b}
    assert "admin" in roles_in(tenancy.admin, tenancy.b)
    assert not communities_for(AnonymousUser()).exists()
    assert not communities_for(None).exists()


def test_inactive_user_sees_nothing(tenancy):
    tenancy.manager_a.is_active = False
    tenancy.manager_a.save()
    assert not communities_for(tenancy.manager_a).exists()


def test_scoped_querysets_follow_membership(tenancy):
    factories.location(tenancy.a)
    factories.location(tenancy.b)
    factories.device(tenancy.a)
    factories.device(tenancy.b)
    assert {loc.community_id for loc in Location.objects.for_user(tenancy.manager_a)} == {tenancy.a.pk}
    assert {d.community_id for d in Device.objects.for_user(tenancy.manager_b)} == {tenancy.b.pk}
    assert not Device.objects.for_user(tenancy.operator_a, Perm.CHANGE_REGISTRY).exists()
