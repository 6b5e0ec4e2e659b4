"""Finding status and severity: values are part of the JSON contract (docs/compliance.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChoices(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_EVALUABLE = "not_evaluable", _("暂无法评估")


class SeverityChoices(models.TextChoices):
    VIOLATION = "violation", _("违规")
    ADVISORY = "advisory", _("建议")


class TriggerChoices(models.TextChoices):
    MANUAL = "manual", _("手动")
    SCHEDULED = "scheduled", _("定时")
    CLI = "cli", _("命令行")
    API = "api", _("API")


STATUS_BADGES = {
    StatusChoices.PASS: "green",
    StatusChoices.FAIL: "red",
    StatusChoices.NOT_EVALUABLE: "grey",
}
