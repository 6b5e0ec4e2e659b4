"""Core services: API tokens (issue, revoke) and the dashboard summary.

Web views and the CLI call these same functions, so every token issued or revoked lands in the change
log (R-33.5 第33条第(5)项) whichever way it was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.core.choices import ChangeActionChoices, RoleChoices
from anfang.core.errors import DomainError, PermissionDenied
from anfang.core.models import ApiToken, User
from anfang.core.tenancy import communities_for

# ---------------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------------

TOKEN_NAME_MAX = 100


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    """What the change log keeps of a token: never its hash (a hash is as good as a password here)."""
    data = audit.serialise_instance(token)
    data.pop("key_hash", None)
    return data


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("invalid_name", _("请填写令牌名称。"))
    if len(name) > TOKEN_NAME_MAX:
        raise DomainError("invalid_name", _("令牌名称不能超过 %(n)d 个字符。") % {"n": TOKEN_NAME_MAX})
    return name


def _check_expiry(expires_at: dt.datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("invalid_expiry", _("过期时间必须晚于当前时间。"))


def tokens_for(user: Any) -> QuerySet[ApiToken]:
    """The tokens ``user`` may see and revoke: their own; a platform admin sees every token."""
    qs = ApiToken.objects.select_related("user", "device", "device__community", "created_by")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_admin:
        return qs.all()
    return qs.filter(user=user)


def create_user_token(
    user: User, name: str, *, expires_at: dt.datetime | None = None, by: User | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token acting as ``user``; returns the token and its raw value (shown once)."""
    name = _clean_name(name)
    _check_expiry(expires_at)
    by = by or user
    if by.pk != user.pk and not by.is_admin:
        raise PermissionDenied(_("只能为自己创建令牌。"))
    if not user.is_active:
        raise DomainError("inactive_user", _("用户已停用，不能创建令牌。"))
    with transaction.atomic():
        token, raw = ApiToken.issue(name=name, user=user, created_by=by)
        if expires_at is not None:
            token.expires_at = expires_at
            token.save(update_fields=["expires_at"])
        audit.record_change(token, ChangeActionChoices.CREATE, before=None, after=_token_snapshot(token))
    return token, raw


def create_device_token(
    device: Any, name: str, *, by: User | None, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue an ingest token for ``device``; only platform admins may (``by=None`` is the CLI)."""
    name = _clean_name(name)
    _check_expiry(expires_at)
    if by is not None and not by.is_admin:
        raise PermissionDenied(_("只有平台管理员可以创建设备令牌。"))
    with transaction.atomic():
        token, raw = ApiToken.issue(name=name, device=device, created_by=by)
        if expires_at is not None:
            token.expires_at = expires_at
            token.save(update_fields=["expires_at"])
        audit.record_change(
            token,
            ChangeActionChoices.CREATE,
            before=None,
            after=_token_snapshot(token),
            community_id=device.community_id,
        )
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None) -> ApiToken:
    """Revoke ``token`` at once; its owner or a platform admin may (``by=None`` is the CLI)."""
    if by is not None and not by.is_admin and token.user_id != by.pk:
        raise PermissionDenied(_("不能吊销他人的令牌。"))
    if token.revoked_at is not None:
        raise DomainError("already_revoked", _("该令牌已被吊销。"))
    with transaction.atomic():
        before = _token_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_change(
            token,
            ChangeActionChoices.UPDATE,
            before=before,
            after=_token_snapshot(token),
            community_id=token.device.community_id if token.device_id and token.device else None,
            reason=_("吊销令牌"),
        )
    return token


# ---------------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One labelled number of a dashboard breakdown (``share`` is 0–100, for the bar width)."""

    value: str
    label: str
    count: int
    share: int = 0
    colour: str = ""


@dataclass(frozen=True)
class DashboardSummary:
    """What the dashboard shows for one community."""

    community: Any
    devices_total: int
    by_subsystem: list[Count]
    by_status: list[Count]
    offline: list[Any]
    locations_total: int
    locations_by_kind: list[Count]
    perimeter_length_m: float
    perimeter_segments: int
    perimeter_unprotected_m: float

    @property
    def offline_count(self) -> int:
        return len(self.offline)


def _shares(rows: list[tuple[str, str, int, str]]) -> list[Count]:
    top = max((n for _v, _l, n, _c in rows), default=0)
    return [
        Count(value, label, n, round(100 * n / top) if top else 0, colour) for value, label, n, colour in rows
    ]


def _count_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    return {key: n for key, n in qs.order_by().values_list(field).annotate(n=models.Count("pk"))}


def offline_devices(devices: Iterable[Any], now: dt.datetime | None = None) -> list[Any]:
    """R-33.1 (第33条第(1)项): in-service devices silent past their heartbeat interval."""
    now = now or timezone.now()
    return [d for d in devices if d.is_offline(now)]


def dashboard_summary(community: Any, *, now: dt.datetime | None = None) -> DashboardSummary:
    """Counts of one community's registry: devices by the nine subsystems of 第7条 and by status,
    offline devices, locations by kind and the perimeter (第8条)."""
    from anfang.devices.choices import DeviceStatusChoices, SubsystemChoices
    from anfang.devices.models import Device
    from anfang.sites.choices import LOCATION_KIND_COLOURS, BarrierTypeChoices, LocationKindChoices
    from anfang.sites.models import Location, PerimeterSegment

    devices = Device.objects.filter(community=community)
    by_sub = dict(
        devices.values_list("subsystem").annotate(n=models.Count("pk")).values_list("subsystem", "n")
    )
    by_status = dict(devices.values_list("status").annotate(n=models.Count("pk")).values_list("status", "n"))
    watched = devices.filter(status=DeviceStatusChoices.IN_SERVICE, heartbeat_interval_s__isnull=False)
    kinds = _count_by(Location.objects.filter(community=community), "kind")
    segments = list(PerimeterSegment.objects.filter(community=community))
    open_segments = [s for s in segments if s.barrier_type == BarrierTypeChoices.NONE]
    return DashboardSummary(
        community=community,
        devices_total=sum(by_sub.values()),
        by_subsystem=_shares([(c.value, str(c.label), by_sub.get(c.value, 0), "") for c in SubsystemChoices]),
        by_status=_shares(
            [
                (c.value, str(c.label), by_status.get(c.value, 0), STATUS_BADGES.get(c.value, "grey"))
                for c in DeviceStatusChoices
            ]
        ),
        offline=offline_devices(watched.select_related("location"), now),
        locations_total=sum(kinds.values()),
        locations_by_kind=_shares(
            [
                (c.value, str(c.label), kinds[c.value], LOCATION_KIND_COLOURS.get(c, "#495057"))
                for c in LocationKindChoices
                if kinds.get(c.value)
            ]
        ),
        perimeter_length_m=sum(s.length_m for s in segments),
        perimeter_segments=len(segments),
        perimeter_unprotected_m=sum(s.length_m for s in open_segments),
    )


STATUS_BADGES = {
    "planned": "grey",
    "installed": "blue",
    "in_service": "green",
    "faulty": "red",
    "retired": "dark",
}


@dataclass(frozen=True)
class CommunityRow:
    """One line of a police officer's overview of the station's communities."""

    community: Any
    devices: int
    offline: int


def station_overview(communities: Iterable[Any], *, now: dt.datetime | None = None) -> list[CommunityRow]:
    """Device and offline counts for each of several communities (police supervision, 第34条)."""
    from anfang.devices.choices import DeviceStatusChoices
    from anfang.devices.models import Device

    communities = list(communities)
    totals = dict(
        Device.objects.filter(community__in=communities)
        .values_list("community")
        .annotate(n=models.Count("pk"))
        .values_list("community", "n")
    )
    offline: dict[int, int] = {}
    watched = Device.objects.filter(
        community__in=communities, status=DeviceStatusChoices.IN_SERVICE, heartbeat_interval_s__isnull=False
    )
    for d in offline_devices(watched, now):
        offline[d.community_id] = offline.get(d.community_id, 0) + 1
    return [CommunityRow(c, totals.get(c.pk, 0), offline.get(c.pk, 0)) for c in communities]


# ---------------------------------------------------------------------------------------------------
# Audit log reading (R-33.5 第33条第(5)项)
# ---------------------------------------------------------------------------------------------------

# Who may read a community's change and access logs: its managers, platform admins and the police
# of its station (第34条 supervision). Operators, guards and technicians may not.
AUDIT_READER_ROLES = frozenset({RoleChoices.MANAGER.value, RoleChoices.ADMIN.value, RoleChoices.POLICE.value})


def audit_communities(user: Any) -> QuerySet[Any]:
    """The communities whose audit log ``user`` may read."""
    from anfang.sites.models import Community

    visible = communities_for(user)
    if user is not None and getattr(user, "is_admin", False):
        return visible
    condition = models.Q(memberships__user=user, memberships__role=RoleChoices.MANAGER)
    if getattr(user, "police_station_id", None) is not None:
        condition |= models.Q(police_station_id=user.police_station_id)
    return visible.filter(pk__in=Community.objects.filter(condition).values("pk"))


def can_read_audit(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False)) or audit_communities(user).exists()


@dataclass(frozen=True)
class FieldChange:
    """One field of a change record: its value before and after (None where absent)."""

    field: str
    before: Any
    after: Any


def change_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Only the fields that differ; a creation lists its non-empty fields, a deletion its old ones."""
    before = before or {}
    after = after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if old in (None, "", [], {}) and new in (None, "", [], {}):
            continue
        changes.append(FieldChange(key, old, new))
    return changes
