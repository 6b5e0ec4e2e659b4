"""The one NinjaAPI: authentication (session or bearer token), JSON errors, routers of every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from anfang.core.errors import DomainError
from anfang.core.models import ApiToken, hash_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``: user tokens act as their user; device tokens only ingest."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.active()
            .select_related("user", "device")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.api_token = api_token  # type: ignore[attr-defined]
        if api_token.user is not None:
            if not api_token.user.is_active:
                return None
            request.user = api_token.user
            ctx = getattr(request, "audit", None)
            if ctx is not None:
                ctx.user = api_token.user
            return api_token.user
        # Device tokens authenticate the device, never a user: registry endpoints refuse them.
        request.device = api_token.device  # type: ignore[attr-defined]
        ctx = getattr(request, "audit", None)
        if ctx is not None:
            ctx.system = f"device:{api_token.device.code}" if api_token.device else "device"
        return api_token


class SessionUser(APIKeyCookie):
    """Browser session (with CSRF on unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="anfang API",
    version="1",
    description="anfang 住宅小区安防平台 API（营政发〔2015〕42号）。Errors are JSON "
    '`{"error": code, "detail": text}`.',
    auth=[BearerToken(), SessionUser()],
    urls_namespace="api",
)


def error(request: HttpRequest, code: str, detail: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"error": exc.code, "detail": exc.detail}
    body.update(exc.extra)
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def _django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, "invalid", detail, 400)


@api.exception_handler(NinjaValidationError)
def _schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error(request, "invalid", exc.errors, 422)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, "unauthorized", "authentication required: session or Bearer token", 401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, "not_found", "not found", 404)


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return error(request, "not_found", "not found", 404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(
        request,
        {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(exc.status_code, "error"),
        str(exc),
        exc.status_code,
    )


def register_routers() -> None:
    """Each app's ``api.py`` exposes ``router``; added in a fixed order so the OpenAPI is stable."""
    from anfang.devices.api import router as devices_router
    from anfang.sites.api import router as sites_router

    api.add_router("/", sites_router)
    api.add_router("/", devices_router)


register_routers()
