"""Security team pages (R-5/R-6 第5、6条) and the retention settings (R-33.2) as a user sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from anfang.core.models import ChangeRecord
from anfang.devices.models import Device
from anfang.sites.models import SecurityTeam
from tests.support import factories
from tests.support.views import client_for

pytestmark = pytest.mark.django_db


def _team(community: Any, **kw: Any) -> SecurityTeam:
    data: dict[str, Any] = {"kind": "guard_team", "name": "物业保安队", "members": 12, "leader": "王队长"}
    data.update(kw)
    team = SecurityTeam(community=community, **data)
    team.full_clean()
    team.save()
    return team


def _data(**kw: Any) -> dict[str, Any]:
    data = {
        "kind": "guard_team",
        "name": "物业保安队",
        "members": "14",
        "leader": "李队长",
        "phone": "0417-2856611",
        "contract_ref": "LHW-WY-2024-003",
        "police_liaison": "",
        "notes": "",
    }
    data.update(kw)
    return data


def _urls(team: SecurityTeam) -> dict[str, str]:
    code = team.community.code
    return {
        "list": reverse("sites:team_list", args=[code]),
        "create": reverse("sites:team_create", args=[code]),
        "edit": reverse("sites:team_edit", args=[code, team.pk]),
        "delete": reverse("sites:team_delete", args=[code, team.pk]),
    }


def test_manager_creates_edits_and_deletes_a_team(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    listing = client.get(reverse("sites:team_list", args=["a"]))
    assert listing.status_code == 200 and "尚未登记安保队伍" in listing.content.decode()
    response = client.post(reverse("sites:team_create", args=["a"]), _data())
    assert response.status_code == 302
    assert response["Location"] == reverse("sites:team_list", args=["a"])
    team = SecurityTeam.objects.get(community=tenancy.a)
    assert (team.name, team.members, team.contract_ref) == ("物业保安队", 14, "LHW-WY-2024-003")
    body = client.get(reverse("sites:team_list", args=["a"])).content.decode()
    assert "物业保安队" in body and "LHW-WY-2024-003" in body and "0417-2856611" in body
    assert _urls(team)["edit"] in body
    created = ChangeRecord.objects.filter(object_type="sites.securityteam", action="create").last()
    assert created is not None and created.actor_name == "manager_a"

    response = client.post(_urls(team)["edit"], _data(members="16", leader="赵队长"))
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.members, team.leader) == (16, "赵队长")

    confirm = client.get(_urls(team)["delete"])
    assert confirm.status_code == 200 and "物业保安队" in confirm.content.decode()
    assert reverse("sites:team_list", args=["a"]) in confirm.content.decode()  # cancel goes back
    assert client.post(_urls(team)["delete"]).status_code == 302
    assert not SecurityTeam.objects.filter(pk=team.pk).exists()
    assert ChangeRecord.objects.filter(object_type="sites.securityteam", action="delete").exists()


def test_create_keeps_input_on_error(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    response = client.post(
        reverse("sites:team_create", args=["a"]), _data(members="-3", name="巡逻一队", kind="")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"members", "kind"}
    body = response.content.decode()
    assert 'value="巡逻一队"' in body and 'value="-3"' in body and "LHW-WY-2024-003" in body
    assert not SecurityTeam.objects.exists()


def test_edit_keeps_input_on_error(tenancy: Any) -> None:
    team = _team(tenancy.a)
    client = client_for(tenancy.manager_a)
    response = client.post(_urls(team)["edit"], _data(name="", leader="新队长", members="many"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "members"}
    assert 'value="新队长"' in response.content.decode()
    team.refresh_from_db()
    assert team.leader == "王队长"


def test_other_community_gets_404(tenancy: Any) -> None:
    team = _team(tenancy.a)
    client = client_for(tenancy.manager_b)
    for url in _urls(team).values():
        assert client.get(url).status_code == 404, url
        assert client.post(url, _data()).status_code in (404, 405), url  # a list takes no POST
    # B's own URLs do not reach A's team either.
    assert client.get(reverse("sites:team_edit", args=["b", team.pk])).status_code == 404
    assert client.post(reverse("sites:team_delete", args=["b", team.pk])).status_code == 404
    assert SecurityTeam.objects.filter(pk=team.pk, name="物业保安队").exists()


def test_operator_and_police_read_but_cannot_change(tenancy: Any) -> None:
    team = _team(tenancy.a)
    urls = _urls(team)
    for user in (tenancy.operator_a, tenancy.police_a):
        client = client_for(user)
        listing = client.get(urls["list"])
        assert listing.status_code == 200
        body = listing.content.decode()
        assert "物业保安队" in body and urls["edit"] not in body and urls["create"] not in body
        assert client.get(urls["create"]).status_code == 403
        assert client.post(urls["create"], _data()).status_code == 403
        assert client.get(urls["edit"]).status_code == 403
        assert client.post(urls["edit"], _data(members="1")).status_code == 403
        assert client.post(urls["delete"]).status_code == 403
    team.refresh_from_db()
    assert team.members == 12 and SecurityTeam.objects.count() == 1


def test_community_detail_shows_teams_and_retention(tenancy: Any) -> None:
    _team(tenancy.a, kind="community_patrol", name="社区巡防队", members=6)
    _team(tenancy.b, name="别人的保安队")
    tenancy.a.video_retention_days = 45
    tenancy.a.save()
    body = client_for(tenancy.operator_a).get(reverse("sites:community_detail", args=["a"])).content.decode()
    assert "社区巡防队" in body and "别人的保安队" not in body
    assert reverse("sites:team_list", args=["a"]) in body
    assert "45 天" in body and "90 天" in body


def test_community_edit_refuses_retention_below_the_floor(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    url = reverse("sites:community_edit", args=["a"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "code"}
    data.update(video_retention_days="10", vehicle_retention_days="120")
    response = client.post(url, data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"video_retention_days"}
    assert 'value="10"' in response.content.decode()
    data.update(video_retention_days="60")
    assert client.post(url, data).status_code == 302
    tenancy.a.refresh_from_db()
    assert (tenancy.a.video_retention_days, tenancy.a.vehicle_retention_days) == (60, 120)


def test_recorder_retention_on_device_form_and_detail(tenancy: Any) -> None:
    nvr = factories.device(tenancy.a, code="NVR-1", subsystem="video", kind="nvr", retention_days=45)
    client = client_for(tenancy.manager_a)
    detail = client.get(reverse("devices:device_detail", args=["a", nvr.code])).content.decode()
    assert "录像保存天数" in detail and "45 天" in detail
    edit = client.get(reverse("devices:device_edit", args=["a", nvr.code]))
    assert "retention_days" in edit.context["form"].fields
    assert 'name="retention_days"' in edit.content.decode()
    nvr.retention_days = 20
    nvr.save()
    detail = client.get(reverse("devices:device_detail", args=["a", nvr.code])).content.decode()
    assert "少于 30 天" in detail
    camera = factories.device(tenancy.a, code="CAM-1")
    detail = client.get(reverse("devices:device_detail", args=["a", camera.code])).content.decode()
    assert "录像保存天数" not in detail
    assert Device.objects.filter(kind="nvr").count() == 1


def test_community_edit_blank_retention_means_the_floor(tenancy: Any) -> None:
    client = client_for(tenancy.manager_a)
    url = reverse("sites:community_edit", args=["a"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "code"}
    data.update(video_retention_days="", vehicle_retention_days="")
    assert client.post(url, data).status_code == 302
    tenancy.a.refresh_from_db()
    assert (tenancy.a.video_retention_days, tenancy.a.vehicle_retention_days) == (30, 90)
