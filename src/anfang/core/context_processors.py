"""Template context every page needs: the current community, the switcher list, the user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anfang.core.tenancy import all_roles, communities_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_community": getattr(request, "community", None),
        "switchable_communities": communities_for(user).order_by("code"),
        "user_roles": all_roles(user),
    }
