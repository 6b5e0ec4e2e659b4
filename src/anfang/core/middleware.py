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


class DefaultLanguageMiddleware:
    """Chinese first: the language is the one chosen with the switch (cookie), else zh-hans.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a duty-room PC with an
    English Windows would open in English; anfang's users expect 简体中文 unless they switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        translation.deactivate()
        return response
