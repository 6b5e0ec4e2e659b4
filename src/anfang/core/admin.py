"""Django admin (platform admins only): users, memberships, tokens; the audit log read-only (R-33.5)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from anfang.core.models import AccessRecord, ApiToken, ChangeRecord, Membership, User


def _is_platform_admin(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_authenticated and (user.is_superuser or user.is_platform_admin))


# The admin site is for platform admins only (is_staff alone is not enough; keep it one rule).
admin.site.has_permission = _is_platform_admin  # type: ignore[method-assign]
admin.site.site_header = _("安防平台后台管理")
admin.site.site_title = _("安防平台")


class PlatformAdminModelAdmin(admin.ModelAdmin):
    """Every model permission comes from being a platform admin, not from Django's per-model perms."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)


class ReadOnlyModelAdmin(PlatformAdminModelAdmin):
    """Records written only by services (append-only log, R-33.3 authorisations): view, never edit."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlatformAdminInline(admin.TabularInline):
    """Inline rows follow the same single rule as the model admins."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_platform_admin(request)


class MembershipInline(PlatformAdminInline):
    model = Membership
    fields = ["community", "role"]
    autocomplete_fields = ["community"]


@admin.register(User)
class AnfangUserAdmin(PlatformAdminModelAdmin, UserAdmin):
    list_display = ["username", "display_name", "phone", "police_station", "is_platform_admin", "is_active"]
    list_filter = ["is_platform_admin", "is_active", "police_station"]
    search_fields = ["username", "display_name", "phone", "email"]
    inlines = [MembershipInline]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("安防平台"), {"fields": ("display_name", "phone", "police_station", "is_platform_admin")}),
    )


@admin.register(Membership)
class MembershipAdmin(PlatformAdminModelAdmin):
    list_display = ["user", "community", "role", "created_at"]
    list_filter = ["role", "community"]
    search_fields = ["user__username", "user__display_name", "community__code", "community__name"]
    autocomplete_fields = ["user", "community"]


@admin.register(ApiToken)
class ApiTokenAdmin(PlatformAdminModelAdmin):
    """Tokens are issued in the app (the raw value is shown once); here they can only be seen/revoked."""

    list_display = [
        "name",
        "prefix",
        "user",
        "device",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username", "device__code"]
    readonly_fields = ["prefix", "key_hash", "user", "device", "created_at", "created_by", "last_used_at"]
    fields = [
        "name",
        "prefix",
        "user",
        "device",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyModelAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_repr", "community_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor_name", "reason", "request_id"]
    date_hierarchy = "at"


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyModelAdmin):
    list_display = ["seq", "at", "actor_name", "kind", "resource", "result_count", "community_id"]
    list_filter = ["kind", "resource"]
    search_fields = ["resource", "actor_name", "request_id"]
    date_hierarchy = "at"
