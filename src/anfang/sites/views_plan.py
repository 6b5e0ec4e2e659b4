"""Site plan page: the whole community drawn as SVG (a first, simple version)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from anfang.core.tenancy import communities_for


@login_required
def site_plan(request: HttpRequest, code: str) -> HttpResponse:
    """Render the site plan of a community the user can see; 404 for any other."""
    community = communities_for(request.user).filter(code=code).first()
    if community is None:
        raise Http404
    return render(request, "sites/site_plan.html", {"community": community})
