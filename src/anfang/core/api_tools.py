"""Shared pieces of the registry API: authentication, scoped look-ups, permissions, filters, pages.

Every registry endpoint follows one shape: ``user = request.auth`` (never a device), load through
``.for_user()`` / :func:`community_or_404`, check :func:`require_change`, call a service or
:func:`save_instance`, return a schema. Errors leave as ``{"error": code, "detail": …}`` through the
handlers in ``core/api.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Optional, TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.schema import DjangoGetter
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import AfterValidator, ConfigDict, StringConstraints, create_model, model_validator

from anfang.core.errors import DomainError, PermissionDenied
from anfang.core.models import ApiToken, User, hash_token
from anfang.core.tenancy import Perm, communities_for, has_perm

M = TypeVar("M", bound=models.Model)

# ---------------------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------------------


TOKEN_USE_RESOLUTION = dt.timedelta(seconds=60)


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
        now = timezone.now()
        # A device may send hundreds of events a second: note the use once a minute, not every time.
        if api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_USE_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
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


def device_of_token(raw: str) -> int | None:
    """The device a live device token sends for; None for a person's token or a dead one.

    For the events endpoint's fast path (``alarms.ingest``): one plain query per event instead of the
    ORM's token, user and device join, and the revocation still counts at once.
    """
    now = timezone.now()
    table = ApiToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, device_id FROM {table} WHERE key_hash = %s AND device_id IS NOT NULL"
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > %s)",
            [hash_token(raw), connection.ops.adapt_datetimefield_value(now)],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        # A device may send hundreds of events a second: note the use once a minute, not every time.
        cursor.execute(
            f"UPDATE {table} SET last_used_at = %s"
            " WHERE id = %s AND (last_used_at IS NULL OR last_used_at < %s)",
            [
                connection.ops.adapt_datetimefield_value(now),
                row[0],
                connection.ops.adapt_datetimefield_value(now - TOKEN_USE_RESOLUTION),
            ],
        )
    return int(row[1])


class UserBearerToken(BearerToken):
    """Bearer auth for endpoints that act for a person: a device token gets 403, not the registry."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        result = super().authenticate(request, token)
        if isinstance(result, ApiToken):
            raise HttpError(403, "device tokens may only send events")
        return result


class SessionUser(APIKeyCookie):
    """Browser session, with Django's CSRF check on unsafe methods.

    Requests that carry an ``Authorization`` header, or no logged-in session, are not session
    requests: skipping them here keeps a bad or revoked token a clean 401 instead of a CSRF 403.
    """

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if "authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


registry_auth = [UserBearerToken(), SessionUser()]


def request_user(request: HttpRequest) -> User:
    """The person behind the request (auth has already refused anonymous users and devices)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise HttpError(403, "a user is required")
    return user


# ---------------------------------------------------------------------------------------------------
# Input types: bad input must be a 4xx, never a database error
# ---------------------------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them before the database does (with a 500).
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _code(value: str) -> str:
    if any(ord(ch) < 32 or ch.isspace() for ch in value):
        raise ValueError("codes contain no spaces or control characters")
    return value


def _json_no_nul(value: Any) -> Any:
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(str(key))
            _json_no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _json_no_nul(item)
    elif isinstance(value, float) and not math.isfinite(value):  # JSON cannot carry NaN/Infinity back
        raise ValueError("NaN and Infinity are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=60), AfterValidator(_code)]
PosInt = Annotated[int, Field(ge=0, le=2_147_483_647)]
Number = Annotated[Decimal, Field(allow_inf_nan=False, ge=-(10**12), le=10**12)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_no_nul)]


class Body(Schema):
    """A request body: a JSON object whose every key is a known field (typos are a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _json_object(cls, data: Any) -> Any:
        # ninja validates the raw body first (extra="forbid"), then a DjangoGetter around it.
        if not isinstance(data, dict | DjangoGetter):
            raise ValueError("the body must be a JSON object")
        return data


def partial_schema(schema: type[Schema], name: str, *, exclude: tuple[str, ...] = ()) -> type[Schema]:
    """The PATCH twin of ``schema``: every field optional, only the fields sent are applied."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        if field_name in exclude:
            continue
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
        fields[field_name] = (Optional[annotation], Field(None, description=info.description))  # noqa: UP045
    model: type[Schema] = create_model(name, __base__=Body, **fields)
    return model


# ---------------------------------------------------------------------------------------------------
# Scoped look-ups and permissions
# ---------------------------------------------------------------------------------------------------


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One object of an already scoped queryset, or 404 (also for malformed keys)."""
    for value in lookup.values():
        if isinstance(value, str) and "\x00" in value:
            raise Http404
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def community_or_404(user: User, code: str, perm: str = Perm.VIEW) -> Any:
    """The community ``code`` if ``user`` sees it (404 otherwise); 403 if seen but ``perm`` is missing."""
    from anfang.sites.models import Community

    community = get_or_404(Community.objects.for_user(user), code=code)
    if perm != Perm.VIEW:
        require_perm(user, community, perm)
    return community


def require_perm(user: User, community: Any, perm: str = Perm.CHANGE_REGISTRY) -> None:
    if not has_perm(user, community, perm):
        raise PermissionDenied(_("您在该小区没有修改登记信息的权限。"))


def require_change(user: User, community: Any) -> None:
    """Writing facilities of a community needs ``Perm.CHANGE_REGISTRY`` there."""
    require_perm(user, community, Perm.CHANGE_REGISTRY)


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied(_("仅平台管理员可以执行此操作。"))


def require_catalogue_author(user: User) -> None:
    """Managers and technicians (anyone who may change some registry) add catalogue entries."""
    if not (user.is_admin or communities_for(user, Perm.CHANGE_REGISTRY).exists()):
        raise PermissionDenied(_("仅平台管理员、物业管理员或维保人员可以新增产品目录。"))


def resolve_ref(queryset: QuerySet[M], field: str, value: Any, *, key: str = "code") -> M | None:
    """A foreign record named in the body by ``key``; unknown names are a 400 on ``field``."""
    if value is None:
        return None
    obj = queryset.filter(**{key: value}).first() if not _has_nul(value) else None
    if obj is None:
        raise ValidationError({field: [_("未找到“%(value)s”。") % {"value": value}]})
    return obj


def _has_nul(value: Any) -> bool:
    return isinstance(value, str) and "\x00" in value


# ---------------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------------


def assign(
    obj: models.Model,
    data: Mapping[str, Any],
    refs: Mapping[str, Callable[[Any], Any]] | None = None,
) -> None:
    """Copy ``data`` onto ``obj``; fields in ``refs`` are looked up (code → object) first."""
    refs = refs or {}
    problems: dict[str, list[str]] = {}
    for name, value in data.items():
        if name in refs:
            try:
                setattr(obj, name, refs[name](value))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    problems.setdefault(field, []).extend(messages)
        else:
            setattr(obj, name, value)
    if problems:
        raise ValidationError(problems)


def save_instance(obj: M) -> M:
    """Validate like a form would (400 with every field's messages) and store; change-logged by signals."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent duplicate slipped past full_clean
        raise DomainError("conflict", _("与已有记录冲突。"), status=409) from exc
    return obj


def delete_instance(obj: models.Model) -> None:
    """Delete, or 409 when other records still depend on it (devices at a location, …)."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise DomainError(
            "protected", _("仍有其他记录引用“%(obj)s”，不能删除。") % {"obj": obj}, status=409
        ) from exc


# ---------------------------------------------------------------------------------------------------
# Lists: filters and pages
# ---------------------------------------------------------------------------------------------------


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500, description="page size")
    offset: int = Field(0, ge=0, le=10**9, description="rows to skip")


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{"count": total, "items": [...]}`` of ``item``."""
    model: type[Schema] = create_model(name, __base__=Schema, count=(int, ...), items=(list[item], ...))  # type: ignore[valid-type]
    return model


def paginate(queryset: QuerySet[Any], paging: Paging) -> dict[str, Any]:
    return {
        "count": queryset.count(),
        "items": list(queryset[paging.offset : paging.offset + paging.limit]),
    }


def filter_schema(filterset: type[django_filters.FilterSet], name: str, **extra: Any) -> type[Schema]:
    """Query parameters of ``filterset`` for the OpenAPI; the values are applied by :func:`apply_filters`."""
    fields: dict[str, Any] = {}
    for field_name, flt in filterset.base_filters.items():
        many = isinstance(flt, django_filters.MultipleChoiceFilter)
        annotation: Any = Optional[list[str]] if many else Optional[str]  # noqa: UP045
        choices = getattr(flt, "extra", {}).get("choices")
        schema_extra: dict[str, Any] = {}
        if choices and not callable(choices):
            values = [str(value) for value, _label in choices if value != ""]
            schema_extra = {"items": {"type": "string", "enum": values}} if many else {"enum": values}
        fields[field_name] = (annotation, Field(None, json_schema_extra=schema_extra or None))
    for field_name, spec in extra.items():
        fields[field_name] = spec
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    return model


def apply_filters(
    filterset: type[django_filters.FilterSet], request: HttpRequest, queryset: QuerySet[M]
) -> QuerySet[M]:
    """``FilterSet(request.GET, queryset=qs).qs``; invalid values are a 400 naming the parameter."""
    fs = filterset(request.GET, queryset=queryset, request=request)
    if not fs.is_valid():
        raise ValidationError({field: list(messages) for field, messages in fs.errors.items()})
    result: QuerySet[M] = fs.qs
    return result


# ---------------------------------------------------------------------------------------------------
# Reference tables keyed by code (police stations, property companies, manufacturers)
# ---------------------------------------------------------------------------------------------------


def register_reference_crud(
    router: Any,
    *,
    path: str,
    model: type[models.Model],
    filterset: type[django_filters.FilterSet],
    filters: type[Schema],
    schema_in: type[Schema],
    schema_patch: type[Schema],
    schema_out: type[Schema],
    schema_page: type[Schema],
    tags: list[str],
    singular: str,
    plural: str,
    may_create: Callable[[User], None] = require_admin,
) -> None:
    """List/create/get/update/delete of a table everyone reads and only the platform admin changes
    (``may_create`` may let more people add rows). Annotations are set explicitly because ninja reads
    them to build parameters and the OpenAPI."""
    from ninja import Query

    def list_items(request: HttpRequest, paging: Any, filters: Any) -> dict[str, Any]:
        request_user(request)
        qs = apply_filters(filterset, request, model._default_manager.all())
        return paginate(qs.order_by("code"), paging)

    def create_item(request: HttpRequest, payload: Any) -> tuple[int, models.Model]:
        may_create(request_user(request))
        obj = model()
        assign(obj, payload.model_dump())
        return 201, save_instance(obj)

    def get_item(request: HttpRequest, code: str) -> models.Model:
        request_user(request)
        return get_or_404(model._default_manager.all(), code=code)

    def update_item(request: HttpRequest, code: str, payload: Any) -> models.Model:
        require_admin(request_user(request))
        obj = get_or_404(model._default_manager.all(), code=code)
        assign(obj, payload.model_dump(exclude_unset=True))
        return save_instance(obj)

    def delete_item(request: HttpRequest, code: str) -> tuple[int, None]:
        require_admin(request_user(request))
        delete_instance(get_or_404(model._default_manager.all(), code=code))
        return 204, None

    _set_signature(
        list_items,
        {"request": HttpRequest, "paging": Query[Paging], "filters": Query[filters]},  # type: ignore[valid-type,misc]
    )
    _set_signature(create_item, {"request": HttpRequest, "payload": schema_in})
    _set_signature(get_item, {"request": HttpRequest, "code": str})
    _set_signature(update_item, {"request": HttpRequest, "code": str, "payload": schema_patch})
    _set_signature(delete_item, {"request": HttpRequest, "code": str})

    router.get(path, response=schema_page, tags=tags, operation_id=f"list_{plural}")(list_items)
    router.post(path, response={201: schema_out}, tags=tags, operation_id=f"create_{singular}")(create_item)
    router.get(f"{path}/{{code}}", response=schema_out, tags=tags, operation_id=f"get_{singular}")(get_item)
    router.patch(f"{path}/{{code}}", response=schema_out, tags=tags, operation_id=f"update_{singular}")(
        update_item
    )
    router.delete(f"{path}/{{code}}", response={204: None}, tags=tags, operation_id=f"delete_{singular}")(
        delete_item
    )


# ---------------------------------------------------------------------------------------------------
# Records of one community (locations, perimeter segments, security teams)
# ---------------------------------------------------------------------------------------------------


def register_community_crud(
    router: Any,
    *,
    path: str,
    model: type[models.Model],
    schema_in: type[Schema],
    schema_patch: type[Schema],
    schema_out: type[Schema],
    schema_page: type[Schema],
    tags: list[str],
    singular: str,
    plural: str,
    key: str = "code",
    filterset: type[django_filters.FilterSet] | None = None,
    filters: type[Schema] | None = None,
    ordering: tuple[str, ...] = ("code",),
    related: tuple[str, ...] = ("community",),
    refs: Callable[[Any], Mapping[str, Callable[[Any], Any]]] | None = None,
) -> None:
    """List/create/get/update/delete under ``/communities/{community}/<path>``: read by whoever sees
    the community (another community's records are 404), written with ``Perm.CHANGE_REGISTRY``.
    ``key`` is ``code`` (str) or ``pk`` (int); ``refs(community)`` resolves codes to related rows."""
    from ninja import Query

    base = f"/communities/{{community}}/{path}"
    item = f"{base}/{{{key}}}"

    def scoped(request: HttpRequest, site: Any) -> QuerySet[Any]:
        manager: Any = model._default_manager
        return manager.for_user(request_user(request)).filter(community=site).select_related(*related)

    def resolvers(site: Any) -> Mapping[str, Callable[[Any], Any]] | None:
        return refs(site) if refs is not None else None

    def list_items(request: HttpRequest, community: str, paging: Any, **_filters: Any) -> dict[str, Any]:
        site = community_or_404(request_user(request), community)
        qs = scoped(request, site)
        if filterset is not None:
            qs = apply_filters(filterset, request, qs)
        return paginate(qs.order_by(*ordering), paging)

    def create_item(request: HttpRequest, community: str, payload: Any) -> tuple[int, models.Model]:
        site = community_or_404(request_user(request), community, Perm.CHANGE_REGISTRY)
        obj = model(community=site)
        assign(obj, payload.model_dump(), resolvers(site))
        return 201, save_instance(obj)

    def get_item(request: HttpRequest, community: str, **lookup: Any) -> models.Model:
        site = community_or_404(request_user(request), community)
        return get_or_404(scoped(request, site), **lookup)

    def update_item(request: HttpRequest, community: str, payload: Any, **lookup: Any) -> models.Model:
        user = request_user(request)
        site = community_or_404(user, community)
        obj = get_or_404(scoped(request, site), **lookup)
        require_change(user, site)
        assign(obj, payload.model_dump(exclude_unset=True), resolvers(site))
        return save_instance(obj)

    def delete_item(request: HttpRequest, community: str, **lookup: Any) -> tuple[int, None]:
        user = request_user(request)
        site = community_or_404(user, community)
        obj = get_or_404(scoped(request, site), **lookup)
        require_change(user, site)
        delete_instance(obj)
        return 204, None

    key_type = int if key == "pk" else str
    list_annotations: dict[str, Any] = {"request": HttpRequest, "community": str, "paging": Query[Paging]}
    if filters is not None:
        list_annotations["filters"] = Query[filters]  # type: ignore[valid-type,misc]
    _set_signature(list_items, list_annotations)
    _set_signature(create_item, {"request": HttpRequest, "community": str, "payload": schema_in})
    for fn, extra in ((get_item, {}), (update_item, {"payload": schema_patch}), (delete_item, {})):
        _set_signature(fn, {"request": HttpRequest, "community": str, key: key_type, **extra})

    router.get(base, response=schema_page, tags=tags, operation_id=f"list_{plural}")(list_items)
    router.post(base, response={201: schema_out}, tags=tags, operation_id=f"create_{singular}")(create_item)
    router.get(item, response=schema_out, tags=tags, operation_id=f"get_{singular}")(get_item)
    router.patch(item, response=schema_out, tags=tags, operation_id=f"update_{singular}")(update_item)
    router.delete(item, response={204: None}, tags=tags, operation_id=f"delete_{singular}")(delete_item)


def _set_signature(fn: Callable[..., Any], params: dict[str, Any]) -> None:
    """Give a generated endpoint the explicit parameters ninja reads (names, types, order)."""
    import inspect

    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
            for name, annotation in params.items()
        ]
    )
    fn.__annotations__ = dict(params)
