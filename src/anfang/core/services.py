"""Core services: API tokens (issue, revoke) and the dashboard summary.

Web views and the CLI call these same functions, so every token issued or revoked lands in the change
log (R-33.5 第33条第(5)项) whichever way it was done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.core.choices import ChangeActionChoices
from anfang.core.errors import DomainError, PermissionDenied
from anfang.core.models import ApiToken, User

# ---------------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------------

TOKEN_NAME_MAX = 100


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    """What the change log keeps of a token: never its hash (a hash is as good as a password here)."""
    data = audit.serialise_instance(token)
    data.pop("key_hash", None)
    return data


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("invalid_name", _("请填写令牌名称。"))
    if len(name) > TOKEN_NAME_MAX:
        raise DomainError("invalid_name", _("令牌名称不能超过 %(n)d 个字符。") % {"n": TOKEN_NAME_MAX})
    return name


def _check_expiry(expires_at: dt.datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("invalid_expiry", _("过期时间必须晚于当前时间。"))


def tokens_for(user: Any) -> QuerySet[ApiToken]:
    """The tokens ``user`` may see and revoke: their own; a platform admin sees every token."""
    qs = ApiToken.objects.select_related("user", "device", "device__community", "created_by")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_admin:
        return qs.all()
    return qs.filter(user=user)


def create_user_token(
    user: User, name: str, *, expires_at: dt.datetime | None = None, by: User | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token acting as ``user``; returns the token and its raw value (shown once)."""
    name = _clean_name(name)
    _check_expiry(expires_at)
    by = by or user
    if by.pk != user.pk and not by.is_admin:
        raise PermissionDenied(_("只能为自己创建令牌。"))
    if not user.is_active:
        raise DomainError("inactive_user", _("用户已停用，不能创建令牌。"))
    with transaction.atomic():
        token, raw = ApiToken.issue(name=name, user=user, created_by=by)
        if expires_at is not None:
            token.expires_at = expires_at
            token.save(update_fields=["expires_at"])
        audit.record_change(token, ChangeActionChoices.CREATE, before=None, after=_token_snapshot(token))
    return token, raw


def create_device_token(
    device: Any, name: str, *, by: User | None, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue an ingest token for ``device``; only platform admins may (``by=None`` is the CLI)."""
    name = _clean_name(name)
    _check_expiry(expires_at)
    if by is not None and not by.is_admin:
        raise PermissionDenied(_("只有平台管理员可以创建设备令牌。"))
    with transaction.atomic():
        token, raw = ApiToken.issue(name=name, device=device, created_by=by)
        if expires_at is not None:
            token.expires_at = expires_at
            token.save(update_fields=["expires_at"])
        audit.record_change(
            token,
            ChangeActionChoices.CREATE,
            before=None,
            after=_token_snapshot(token),
            community_id=device.community_id,
        )
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None) -> ApiToken:
    """Revoke ``token`` at once; its owner or a platform admin may (``by=None`` is the CLI)."""
    if by is not None and not by.is_admin and token.user_id != by.pk:
        raise PermissionDenied(_("不能吊销他人的令牌。"))
    if token.revoked_at is not None:
        raise DomainError("already_revoked", _("该令牌已被吊销。"))
    with transaction.atomic():
        before = _token_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_change(
            token,
            ChangeActionChoices.UPDATE,
            before=before,
            after=_token_snapshot(token),
            community_id=token.device.community_id if token.device_id and token.device else None,
            reason=_("吊销令牌"),
        )
    return token
