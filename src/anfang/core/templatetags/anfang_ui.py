"""Template helpers of the UI shell: role-based navigation, badges, small formatting filters."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from anfang.core.choices import ACTION_BADGES, RoleChoices

register = template.Library()

EDITOR_ROLES = {RoleChoices.MANAGER.value, RoleChoices.TECHNICIAN.value, RoleChoices.ADMIN.value}
AUDIT_ROLES = {RoleChoices.MANAGER.value, RoleChoices.ADMIN.value, RoleChoices.POLICE.value}
ALARM_ROLES = {RoleChoices.OPERATOR.value, RoleChoices.MANAGER.value, RoleChoices.ADMIN.value}
DUTY_ROLES = ALARM_ROLES | {RoleChoices.GUARD.value}
SETUP_ROLES = {RoleChoices.MANAGER.value, RoleChoices.ADMIN.value}
VEHICLE_ROLES = DUTY_ROLES | {RoleChoices.POLICE.value}  # Perm.SEE_VEHICLES


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False


@dataclass
class NavSection:
    title: str
    items: list[NavItem] = field(default_factory=list)


def _url(name: str, *args: Any) -> str | None:
    """Reverse ``name``, or None while another part of the app has not defined it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def build_nav(path: str, roles: Iterable[str], community: Any) -> list[NavSection]:
    """The side navigation for a user holding ``roles``; pages that do not exist yet are left out."""
    roles = set(roles)
    is_admin = RoleChoices.ADMIN.value in roles
    is_editor = bool(roles & EDITOR_ROLES)
    is_police = RoleChoices.POLICE.value in roles
    sections: list[NavSection] = []

    def section(title: str, entries: list[tuple[str, str | None]]) -> None:
        items = [NavItem(label, url) for label, url in entries if url]
        if items:
            sections.append(NavSection(title, items))

    section("", [(_("总览"), _url("dashboard"))])
    if community is not None:
        code = community.code
        entries: list[tuple[str, str | None]] = [
            (_("小区概况"), _url("sites:community_detail", code)),
            (_("总平面图"), _url("sites:site_plan", code)),
            (_("设备"), _url("devices:device_list", code)),
            (_("位置"), _url("sites:location_list", code)),
            (_("周界"), _url("sites:perimeter_list", code)),
            (_("安保队伍"), _url("sites:team_list", code)),
            (_("合规检查"), _url("compliance:community", code)),
        ]
        if is_editor:
            entries += [
                (_("新增设备"), _url("devices:device_create", code)),
                (_("新增位置"), _url("sites:location_create", code)),
            ]
        section(str(community.name), entries)
        # 第16条: the alarm centre and duty room of the current community.
        duty: list[tuple[str, str | None]] = []
        if roles & ALARM_ROLES:
            duty.append((_("报警控制台"), _url("alarms:console")))
        if roles & (ALARM_ROLES | {RoleChoices.POLICE.value}):
            duty.append((_("报警记录"), _url("alarm_config:history", code)))
        if roles & DUTY_ROLES:
            duty += [
                (_("值班室"), _url("duty:room", code)),
                (_("值班记录"), _url("duty:log", code)),
                (_("排班"), _url("duty:roster", code)),
            ]
        if roles & ALARM_ROLES:
            duty.append((_("防区布撤防"), _url("alarm_config:zones", code)))
        if roles & SETUP_ROLES:
            duty += [
                (_("处置预案"), _url("alarm_config:procedures", code)),
                (_("报警策略"), _url("alarm_config:policy", code)),
                (_("SIA 报警主机账号"), _url("alarm_config:sia_accounts", code)),
                (_("设备事件"), _url("alarm_config:events", code)),
            ]
        section(_("报警与值班"), duty)
        if roles & VEHICLE_ROLES:  # 第11条: the vehicle gates of the current community
            section(
                _("车辆出入"),
                [
                    (_("车道值守"), _url("vehicles:lane_list", code)),
                    (_("过车记录"), _url("vehicles:passages", code)),
                    (_("场内车辆"), _url("vehicles:inside", code)),
                ],
            )
    if is_police:
        section(
            _("监督"),
            [
                (_("辖区小区"), _url("sites:community_list")),
                (_("合规排名"), _url("compliance:police_ranking")),
            ],
        )
    else:
        entries = [(_("全部小区"), _url("sites:community_list"))]
        if is_admin:
            entries.append((_("合规排名"), _url("compliance:police_ranking")))
        section(_("小区"), entries)
    if is_editor or is_police:
        section(
            _("设备目录"),
            [(_("设备型号"), _url("devices:model_list")), (_("生产厂家"), _url("devices:manufacturer_list"))],
        )
    admin_entries: list[tuple[str, str | None]] = []
    if roles & AUDIT_ROLES:
        admin_entries.append((_("审计日志"), _url("audit_log")))
    if is_admin:
        admin_entries += [
            (_("未识别的设备事件"), _url("alarm_config:unassigned_events")),
            (_("用户"), _url("admin:core_user_changelist")),
            (_("API 令牌"), _url("tokens")),
            (_("后台管理"), _url("admin:index")),
        ]
    section(_("管理"), admin_entries)

    # The longest matching URL is the active one, so /c/a/devices/ does not also light up /.
    best: NavItem | None = None
    for sec in sections:
        for item in sec.items:
            matches = path == item.url if item.url == "/" else path.startswith(item.url)
            if matches and (best is None or len(item.url) > len(best.url)):
                best = item
    if best is not None:
        best.active = True
    return sections


@register.simple_tag(takes_context=True)
def nav_sections(context: template.Context) -> list[NavSection]:
    request = context.get("request")
    path = request.path if request is not None else ""
    return build_nav(path, context.get("user_roles") or (), context.get("current_community"))


@register.filter
def role_labels(roles: Iterable[str] | None) -> list[str]:
    """Readable labels of role slugs, in the order of RoleChoices."""
    held = set(roles or ())
    return [str(choice.label) for choice in RoleChoices if choice.value in held]


@register.filter
def initial(user: Any) -> str:
    text = str(user or "?").strip()
    return text[:1].upper() if text else "?"


@register.filter
def action_badge(action: str) -> str:
    """The badge colour of a change-log action (create green, update blue, delete red)."""
    return ACTION_BADGES.get(action, "grey")  # type: ignore[call-overload]


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def minutes(value: Any) -> int:
    """Whole minutes of a timedelta, rounded up (a lockout of 14 min 10 s says 15)."""
    seconds = getattr(value, "total_seconds", lambda: 0)()
    return max(1, math.ceil(seconds / 60)) if seconds else 0
