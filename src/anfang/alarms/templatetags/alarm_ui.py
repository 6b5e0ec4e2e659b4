"""The notification bell of the top bar: ``{% load alarm_ui %}{% notification_bell %}`` in base.html."""

from __future__ import annotations

from typing import Any

from django import template

from anfang.alarms.models import Notification
from anfang.core.choices import RoleChoices

register = template.Library()

BELL_ITEMS = 8
# Notifications go to managers (escalations, 第16条); admins see the bell too. Others get it only when
# something was sent to them.
BELL_ROLES = {RoleChoices.MANAGER.value, RoleChoices.ADMIN.value}


@register.inclusion_tag("core/_notifications.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    """Unread count and the newest notifications of the logged-in user (only their own)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    mine = Notification.objects.filter(user=user)
    unread = mine.filter(read_at__isnull=True).count()
    roles = set(context.get("user_roles") or ())
    if not unread and not roles & BELL_ROLES and not mine.exists():
        return {"show": False}
    recent = list(mine.filter(read_at__isnull=True).select_related("community").order_by("-id")[:BELL_ITEMS])
    return {
        "show": True,
        "unread": unread,
        "recent": recent,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
