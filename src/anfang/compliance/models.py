"""Stored results of compliance checks: each run, its findings, and the open/closed history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.compliance.choices import SeverityChoices, StatusChoices, TriggerChoices


class ComplianceRun(models.Model):
    """One check of one community against every rule (a result, not a registry record)."""

    community = models.ForeignKey(
        "sites.Community", on_delete=models.CASCADE, related_name="compliance_runs", verbose_name=_("小区")
    )
    checked_at = models.DateTimeField(_("检查时间"), db_index=True)
    trigger = models.CharField(_("触发方式"), max_length=20, choices=TriggerChoices.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("执行人"),
    )
    summary = models.JSONField(_("汇总"), default=dict)
    violations = models.PositiveIntegerField(_("违规项"), default=0)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("singular", "合规检查")
        verbose_name_plural = _("合规检查")
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["community", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.community_id} @ {self.checked_at:%Y-%m-%d %H:%M}"


class RunFinding(models.Model):
    """One finding of a run, as in the JSON report."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("规则"), max_length=20)
    article = models.CharField(_("条款"), max_length=30)
    severity = models.CharField(_("严重程度"), max_length=20, choices=SeverityChoices.choices)
    status = models.CharField(_("结果"), max_length=20, choices=StatusChoices.choices)
    key = models.CharField(max_length=400)
    object_refs = models.JSONField(_("对象"), default=list)
    message_zh = models.TextField()
    message_en = models.TextField()
    details = models.JSONField(default=dict)

    class Meta:
        verbose_name = pgettext_lazy("singular", "检查结果")
        verbose_name_plural = _("检查结果")
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.status}"


class FindingHistory(models.Model):
    """A failing finding from the run that first saw it until the run that no longer did."""

    community = models.ForeignKey(
        "sites.Community", on_delete=models.CASCADE, related_name="finding_history", verbose_name=_("小区")
    )
    rule = models.CharField(_("规则"), max_length=20)
    article = models.CharField(_("条款"), max_length=30)
    severity = models.CharField(_("严重程度"), max_length=20, choices=SeverityChoices.choices)
    key = models.CharField(max_length=400)
    object_refs = models.JSONField(_("对象"), default=list)
    message_zh = models.TextField()
    message_en = models.TextField()
    opened_at = models.DateTimeField(_("发现时间"))
    last_seen_at = models.DateTimeField(_("最近一次发现"))
    closed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "问题记录")
        verbose_name_plural = _("问题记录")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["community", "closed_at"]), models.Index(fields=["community", "key"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
