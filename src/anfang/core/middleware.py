"""Request-scoped audit actor and the user's current community."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from anfang.core import audit

CURRENT_COMMUNITY_SESSION_KEY = "anfang_community"


class AuditContextMiddleware:
    """Every change made while serving a request is attributed to its user and request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.actor(getattr(request, "user", None)) as ctx:
            request.audit = ctx  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-Id"] = ctx.request_id
        return response


class CurrentCommunityMiddleware:
    """Resolve ``request.community``: the community chosen in the switcher, if the user may see it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from anfang.core.tenancy import communities_for

        request.community = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            visible = communities_for(user)
            code = request.session.get(CURRENT_COMMUNITY_SESSION_KEY)
            community = visible.filter(code=code).first() if code else None
            request.community = community or visible.order_by("code").first()  # type: ignore[attr-defined]
        return self.get_response(request)
