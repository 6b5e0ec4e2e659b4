"""Site plan page: the whole community drawn as SVG (perimeter, locations, devices, coverage)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anfang.core.generic import visible_community
from anfang.core.tenancy import Perm, has_perm
from anfang.sites.siteplan import build_site_plan


@login_required
def site_plan(request: HttpRequest, code: str) -> HttpResponse:
    """Render the site plan of a community the user can see; 404 for any other."""
    community = visible_community(request, code)
    context = {
        "community": community,
        "plan": build_site_plan(community),
        "can_edit": has_perm(request.user, community, Perm.CHANGE_REGISTRY),
    }
    return render(request, "sites/site_plan.html", context)
