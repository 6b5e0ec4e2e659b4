"""Base models (change-logged, community-scoped), users and memberships, API tokens, audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.core.choices import AccessKindChoices, ChangeActionChoices, RoleChoices

# ---------------------------------------------------------------------------------------------------
# Base models
# ---------------------------------------------------------------------------------------------------


class ChangeLoggedModel(models.Model):
    """A registry record whose every create/update/delete lands in the change log (R-33.5)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Fields left out of change-log snapshots (timestamps change on every save).
    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    def snapshot(self) -> dict[str, Any]:
        """A JSON-safe copy of the stored fields, for before/after in the change log."""
        from anfang.core.audit import serialise_instance

        return serialise_instance(self)

    def audit_community_id(self) -> int | None:
        return getattr(self, "community_id", None)


class CommunityScopedQuerySet(models.QuerySet[Any]):
    """``.for_user(user)`` is the one way user-facing code reads community data (our NetBox restrict())."""

    def for_user(self, user: Any, perm: str = "view") -> CommunityScopedQuerySet:
        from anfang.core.tenancy import communities_for

        return self.filter(community__in=communities_for(user, perm))


class CommunityScopedModel(ChangeLoggedModel):
    """A record that belongs to exactly one community."""

    community = models.ForeignKey(
        "sites.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("小区")
    )

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        abstract = True


# ---------------------------------------------------------------------------------------------------
# Users and tenancy
# ---------------------------------------------------------------------------------------------------


class User(AbstractUser):
    """A person who logs in. Police officers carry their station; everyone else has memberships."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    police_station = models.ForeignKey(
        "sites.PoliceStation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("所属派出所"),
        help_text=_("民警可只读查看本派出所辖区内的全部小区。"),
    )
    is_platform_admin = models.BooleanField(_("平台管理员"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_police(self) -> bool:
        return self.police_station_id is not None

    @property
    def is_admin(self) -> bool:
        return bool(self.is_superuser or self.is_platform_admin)


class Membership(ChangeLoggedModel):
    """A user's role in one community."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=RoleChoices.choices)

    class Meta:
        verbose_name = pgettext_lazy("singular", "小区成员")
        verbose_name_plural = _("小区成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "community", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}: {self.get_role_display()}"


# ---------------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------------

TOKEN_PREFIX = "anf_"


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random, so a plain SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for a user (API) or for a device (event ingest). Only its hash is stored."""

    name = models.CharField(_("名称"), max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens")
    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "API 令牌")
        verbose_name_plural = _("API 令牌")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, device__isnull=True)
                    | models.Q(user__isnull=True, device__isnull=False)
                ),
                name="apitoken_user_xor_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, *, name: str, user: User | None = None, device: Any = None, created_by: User | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name,
            user=user,
            device=device,
            prefix=raw[:10],
            key_hash=hash_token(raw),
            created_by=created_by,
        )
        return token, raw

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


# ---------------------------------------------------------------------------------------------------
# Audit log: append-only, hash-chained
# ---------------------------------------------------------------------------------------------------


class AppendOnlyError(RuntimeError):
    """The audit log refuses updates and deletes."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted")


class AuditRecord(models.Model):
    """Fields common to both logs. ``seq`` has no gaps and ``prev_hash`` links each row to the last."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    request_id = models.CharField(_("请求/任务"), max_length=64, blank=True)
    # Plain ids, not foreign keys: deleting a community must never rewrite the log.
    community_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit records cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted")


class ChangeRecord(AuditRecord):
    """One create/update/delete of a registry record, with before/after (after NetBox's ObjectChange)."""

    action = models.CharField(_("操作"), max_length=10, choices=ChangeActionChoices.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta(AuditRecord.Meta):
        verbose_name = pgettext_lazy("singular", "变更记录")
        verbose_name_plural = _("变更记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AccessRecord(AuditRecord):
    """Who viewed, searched or exported sensitive data (video, plates, personal data, exports)."""

    kind = models.CharField(_("类型"), max_length=10, choices=AccessKindChoices.choices)
    resource = models.CharField(_("资源"), max_length=100)
    query = models.JSONField(_("条件"), default=dict, blank=True)
    result_count = models.IntegerField(_("结果数"), null=True, blank=True)

    class Meta(AuditRecord.Meta):
        verbose_name = pgettext_lazy("singular", "访问记录")
        verbose_name_plural = _("访问记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.resource}"


class AuditChainHead(models.Model):
    """The newest seq and hash of each chain, so deleting the last rows is detected too."""

    chain = models.CharField(max_length=20, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"
