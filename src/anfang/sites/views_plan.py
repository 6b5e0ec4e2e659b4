"""Site plan page: the whole community drawn as SVG (perimeter, locations, devices, coverage)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.sites.siteplan import build_site_plan


@login_required
def site_plan(request: HttpRequest, code: str) -> HttpResponse:
    """Render the site plan of a community the user can see; 404 for any other."""
    community = communities_for(request.user).filter(code=code).first()
    if community is None:
        raise Http404(_("没有该小区或无权访问。"))
    context = {
        "community": community,
        "plan": build_site_plan(community),
        "can_edit": has_perm(request.user, community, Perm.CHANGE_REGISTRY),
    }
    return render(request, "sites/site_plan.html", context)
