"""Tenancy: which communities a user may see or change, and with which role.

This is the single scoping mechanism: views, API endpoints and exports call
:func:`communities_for` (directly or through ``CommunityScopedQuerySet.for_user``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anfang.core.choices import RoleChoices

if TYPE_CHECKING:
    from anfang.sites.models import Community


class Perm(StrEnum):
    """What a role may do in a community."""

    VIEW = "view"
    CHANGE_REGISTRY = "change_registry"  # facilities: locations, perimeter, devices
    POLICE = "police"  # police actions (inspections, rectification) — later features
    SEE_ALARMS = "see_alarms"  # read every alarm of the community (guards who are dispatched, technicians)
    HANDLE_ALARMS = "handle_alarms"  # alarm console: acknowledge, verify, dispatch, resolve, report
    MANAGE_DUTY = "manage_duty"  # rosters, alarm zones, procedures and alarm policy
    SEE_VEHICLES = "see_vehicles"  # passage records and their photos (R-33.2; searches are access-logged)
    OPERATE_GATES = "operate_gates"  # lane view: open or refuse by hand, register visitor passes (第11条)
    MANAGE_VEHICLES = "manage_vehicles"  # lanes, resident vehicles, the blacklist


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    RoleChoices.MANAGER: frozenset(
        {
            Perm.VIEW,
            Perm.CHANGE_REGISTRY,
            Perm.SEE_ALARMS,
            Perm.HANDLE_ALARMS,
            Perm.MANAGE_DUTY,
            Perm.SEE_VEHICLES,
            Perm.OPERATE_GATES,
            Perm.MANAGE_VEHICLES,
        }
    ),
    RoleChoices.TECHNICIAN: frozenset({Perm.VIEW, Perm.CHANGE_REGISTRY, Perm.SEE_ALARMS}),
    RoleChoices.OPERATOR: frozenset(
        {Perm.VIEW, Perm.SEE_ALARMS, Perm.HANDLE_ALARMS, Perm.SEE_VEHICLES, Perm.OPERATE_GATES}
    ),
    RoleChoices.GUARD: frozenset({Perm.VIEW, Perm.SEE_ALARMS, Perm.SEE_VEHICLES, Perm.OPERATE_GATES}),
    RoleChoices.CONSTRUCTION: frozenset({Perm.VIEW}),
    RoleChoices.ADMIN: frozenset(Perm),
    # Police see their station's communities read-only, plus police actions and vehicle records.
    RoleChoices.POLICE: frozenset({Perm.VIEW, Perm.POLICE, Perm.SEE_VEHICLES}),
}


def _roles_with(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMS.items() if perm in perms]


def communities_for(user: Any, perm: str = Perm.VIEW) -> QuerySet[Community]:
    """The communities ``user`` holds ``perm`` in; empty for anonymous or inactive users."""
    from anfang.sites.models import Community

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Community.objects.none()
    if user.is_admin:
        return Community.objects.all()
    condition = Q(memberships__user=user, memberships__role__in=_roles_with(perm))
    if user.police_station_id is not None and perm in ROLE_PERMS[RoleChoices.POLICE]:
        condition |= Q(police_station_id=user.police_station_id)
    return Community.objects.filter(pk__in=Community.objects.filter(condition).values("pk"))


def roles_in(user: Any, community: Community) -> set[str]:
    """Every role ``user`` has in ``community`` (police by jurisdiction, admin everywhere)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles = set(user.memberships.filter(community=community).values_list("role", flat=True))
    if user.police_station_id is not None and community.police_station_id == user.police_station_id:
        roles.add(RoleChoices.POLICE.value)
    if user.is_admin:
        roles.add(RoleChoices.ADMIN.value)
    return roles


def has_perm(user: Any, community: Community, perm: str) -> bool:
    return any(perm in ROLE_PERMS.get(role, frozenset()) for role in roles_in(user, community))


def all_roles(user: Any) -> set[str]:
    """Every role the user holds anywhere: drives the navigation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles = set(user.memberships.values_list("role", flat=True))
    if user.police_station_id is not None:
        roles.add(RoleChoices.POLICE.value)
    if user.is_admin:
        roles.add(RoleChoices.ADMIN.value)
    return roles
