"""The one NinjaAPI: authentication (session or bearer token), JSON errors, routers of every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# BearerToken and SessionUser live with the other API helpers; imported here for ``api`` and callers.
from anfang.core.api_tools import BearerToken, SessionUser, registry_auth, request_user
from anfang.core.errors import DomainError

__all__ = ["BearerToken", "SessionUser", "api", "error", "registry_auth"]


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


def _schema_messages(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """pydantic's error list as ``{field: [messages]}``, like model validation errors."""
    detail: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        # Drop the parameter source and the schema argument name ("body", "payload").
        while loc and loc[0] in {"body", "query", "path", "payload", "paging", "filters", "cookie"}:
            loc = loc[1:]
        detail.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "invalid")))
    return detail


@api.exception_handler(NinjaValidationError)
def _schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error(request, "invalid", _schema_messages(exc.errors), 422)


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
        {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(
            exc.status_code, "error"
        ),
        str(exc),
        exc.status_code,
    )


class MembershipOut(Schema):
    code: str
    name: str
    roles: list[str]
    can_change_registry: bool


class MeOut(Schema):
    username: str
    display_name: str
    is_admin: bool
    police_station: str | None
    roles: list[str]
    communities: list[MembershipOut]


@api.get("/me", response=MeOut, auth=registry_auth, tags=["me"], operation_id="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the token or session belongs to, their roles and the communities they see."""
    from anfang.core.tenancy import Perm, all_roles, communities_for, has_perm, roles_in

    user = request_user(request)
    communities = [
        {
            "code": c.code,
            "name": c.name,
            "roles": sorted(roles_in(user, c)),
            "can_change_registry": has_perm(user, c, Perm.CHANGE_REGISTRY),
        }
        for c in communities_for(user).select_related("police_station").order_by("code")
    ]
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "is_admin": user.is_admin,
        "police_station": user.police_station.code if user.police_station else None,
        "roles": sorted(all_roles(user)),
        "communities": communities,
    }


def register_routers() -> None:
    """Each app's ``api.py`` exposes ``router``; added in a fixed order so the OpenAPI is stable."""
    from anfang.alarms.api import router as alarms_router
    from anfang.alarms.ingest import router as events_router
    from anfang.compliance.api import router as compliance_router
    from anfang.devices.api import router as devices_router
    from anfang.sites.api import router as sites_router
    from anfang.vehicles.api import router as vehicles_router  # with POST /passages (vehicles.ingest)

    api.add_router("/", sites_router)
    api.add_router("/", devices_router)
    api.add_router("/", compliance_router)
    api.add_router("/", events_router)
    api.add_router("/", alarms_router)
    api.add_router("/", vehicles_router)


register_routers()
