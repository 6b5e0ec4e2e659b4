"""Choices shared across apps: roles, change actions, access kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChoices(models.TextChoices):
    """The people of ARCHITECTURE "Who uses it"; a membership gives one of them in one community."""

    OPERATOR = "operator", _("值班员")
    GUARD = "guard", _("保安/巡逻员")
    MANAGER = "manager", _("物业/社区管理员")
    TECHNICIAN = "technician", _("维保人员")
    POLICE = "police", _("民警")
    CONSTRUCTION = "construction", _("建设审查/监理/施工")
    ADMIN = "admin", _("平台管理员")


class ChangeActionChoices(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class AccessKindChoices(models.TextChoices):
    VIEW = "view", _("查看")
    SEARCH = "search", _("检索")
    EXPORT = "export", _("导出")


ACTION_BADGES = {
    ChangeActionChoices.CREATE: "green",
    ChangeActionChoices.UPDATE: "blue",
    ChangeActionChoices.DELETE: "red",
}
