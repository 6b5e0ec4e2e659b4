"""Device catalogue with certificates (R-24 第24条) and the devices of a community by subsystem
(R-7 第7条), with lifecycle (R-29 第29条) and location change control (R-33.3 第33条第(3)项)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.core.models import ChangeLoggedModel, CommunityScopedModel, CommunityScopedQuerySet
from anfang.devices.choices import (
    KIND_SUBSYSTEMS,
    CertificateTypeChoices,
    DeviceKindChoices,
    DeviceStatusChoices,
    IssuerLevelChoices,
    SubsystemChoices,
)
from anfang.sites.geometry import to_shape, validate_geometry, validate_point
from anfang.sites.models import code_validator


class Manufacturer(ChangeLoggedModel):
    """生产厂家."""

    code = models.CharField(_("编号"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    country = models.CharField(_("国家/地区"), max_length=40, blank=True, default="CN")

    class Meta:
        verbose_name = pgettext_lazy("singular", "生产厂家")
        verbose_name_plural = _("生产厂家")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeviceModel(ChangeLoggedModel):
    """A product model; its certificates decide whether it may be installed (第24条)."""

    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, related_name="device_models", verbose_name=_("生产厂家")
    )
    model_number = models.CharField(_("型号"), max_length=80)
    name = models.CharField(_("名称"), max_length=120, blank=True)
    subsystem = models.CharField(_("子系统"), max_length=20, choices=SubsystemChoices.choices)
    kind = models.CharField(_("设备类型"), max_length=30, choices=DeviceKindChoices.choices)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "设备型号")
        verbose_name_plural = _("设备型号")
        ordering = ["manufacturer__name", "model_number"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "model_number"], name="device_model_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model_number}"

    def get_absolute_url(self) -> str:
        return reverse("devices:model_detail", args=[self.pk])

    def valid_certificate(self, on: dt.date | None = None) -> Certificate | None:
        """The certificate that satisfies R-24 on ``on`` (today), or None."""
        day = on or timezone.localdate()
        for cert in self.certificates.all():
            if cert.is_valid_on(day):
                return cert
        return None


class Certificate(ChangeLoggedModel):
    """R-24 (第24条): production registration certificate or statutory test/certification report."""

    device_model = models.ForeignKey(
        DeviceModel, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("设备型号")
    )
    certificate_type = models.CharField(_("证书类型"), max_length=30, choices=CertificateTypeChoices.choices)
    number = models.CharField(_("证书编号"), max_length=80)
    issuer = models.CharField(_("发证机关"), max_length=120)
    issuer_level = models.CharField(
        _("发证机关级别"),
        max_length=20,
        choices=IssuerLevelChoices.choices,
        default=IssuerLevelChoices.PROVINCIAL,
    )
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "产品证书")
        verbose_name_plural = _("产品证书")
        ordering = ["device_model", "-expires_on"]
        constraints = [
            models.UniqueConstraint(fields=["certificate_type", "number"], name="certificate_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_certificate_type_display()} {self.number}"

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("有效期不能早于发证日期。")})

    def is_valid_on(self, day: dt.date) -> bool:
        """Unexpired, and a registration certificate must come from a provincial or higher issuer."""
        if self.expires_on is not None and self.expires_on < day:
            return False
        if self.issued_on is not None and self.issued_on > day:
            return False
        if self.certificate_type == CertificateTypeChoices.PRODUCTION_REGISTRATION:
            return self.issuer_level in (IssuerLevelChoices.NATIONAL, IssuerLevelChoices.PROVINCIAL)
        return True


class Device(CommunityScopedModel):
    """One installed (or planned) piece of equipment of a community, in one of the nine subsystems."""

    code = models.CharField(
        _("设备编号"),
        max_length=60,
        unique=True,
        validators=[code_validator],
        help_text=_("全平台唯一；设备推送地址和 MQTT 主题使用此编号。"),
    )
    name = models.CharField(_("名称"), max_length=120)
    subsystem = models.CharField(_("子系统"), max_length=20, choices=SubsystemChoices.choices)
    kind = models.CharField(_("设备类型"), max_length=30, choices=DeviceKindChoices.choices)
    device_model = models.ForeignKey(
        DeviceModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("设备型号"),
    )
    location = models.ForeignKey(
        "sites.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("安装位置"),
    )
    purpose = models.CharField(
        _("用途"), max_length=200, blank=True, help_text=_("变更用途须经授权（第33条第(3)项）。")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=DeviceStatusChoices.choices, default=DeviceStatusChoices.PLANNED
    )
    position = models.JSONField(
        _("安装点（米）"),
        null=True,
        blank=True,
        validators=[validate_point],
    )
    coverage = models.JSONField(
        _("覆盖范围（米）"),
        null=True,
        blank=True,
        validators=[validate_geometry],
        help_text=_("摄像机视野（多边形）或周界探测器覆盖的周界段（线）。"),
    )
    network_address = models.CharField(_("网络地址"), max_length=100, blank=True)
    port = models.PositiveIntegerField(_("端口"), null=True, blank=True)
    mac_address = models.CharField(_("MAC 地址"), max_length=17, blank=True)
    serial_number = models.CharField(_("序列号"), max_length=80, blank=True)
    resolution_width = models.PositiveIntegerField(_("水平分辨率"), null=True, blank=True)
    resolution_height = models.PositiveIntegerField(_("垂直分辨率"), null=True, blank=True)
    anpr = models.BooleanField(_("车牌识别"), default=False)
    online = models.BooleanField(_("联网"), default=True, help_text=_("设备接入平台（如对讲联网，第13条）。"))
    retention_days = models.PositiveIntegerField(
        _("录像保存天数"),
        null=True,
        blank=True,
        help_text=_("录像机/存储设备实际配置的保存天数（第33条第(2)项：不少于 30 天）。"),
    )
    heartbeat_interval_s = models.PositiveIntegerField(
        _("心跳间隔（秒）"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    last_seen_at = models.DateTimeField(_("最近在线"), null=True, blank=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    # Heartbeats change often and are not registry changes.
    audit_exclude = ("created_at", "updated_at", "last_seen_at")

    class Meta:
        verbose_name = pgettext_lazy("singular", "设备")
        verbose_name_plural = _("设备")
        ordering = ["community", "subsystem", "code"]
        indexes = [models.Index(fields=["community", "subsystem", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("devices:device_detail", args=[self.community.code, self.code])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind and self.subsystem and self.kind not in KIND_SUBSYSTEMS.get(self.subsystem, ()):
            errors["kind"] = _("设备类型“%(kind)s”不属于子系统“%(subsystem)s”。") % {
                "kind": self.get_kind_display(),
                "subsystem": self.get_subsystem_display(),
            }
        if (
            self.location_id is not None
            and self.location is not None
            and (self.location.community_id != self.community_id)
        ):
            errors["location"] = _("安装位置必须属于同一小区。")
        if (self.resolution_width is None) != (self.resolution_height is None):
            errors["resolution_height"] = _("分辨率须同时填写宽和高。")
        if errors:
            raise ValidationError(errors)

    @property
    def resolution(self) -> str:
        if self.resolution_width and self.resolution_height:
            return f"{self.resolution_width}×{self.resolution_height}"
        return ""

    @property
    def is_accepted(self) -> bool:
        return self.acceptance_records.filter(passed=True).exists()

    def coverage_shape(self) -> Any:
        return to_shape(self.coverage)

    def is_offline(self, now: dt.datetime | None = None) -> bool:
        """R-33.1: silent past its heartbeat interval (with a grace of one more interval)."""
        if not self.heartbeat_interval_s or self.status != DeviceStatusChoices.IN_SERVICE:
            return False
        if self.last_seen_at is None:
            return True
        silence = (now or timezone.now()) - self.last_seen_at
        return silence.total_seconds() > 2 * self.heartbeat_interval_s


class AcceptanceRecord(ChangeLoggedModel):
    """R-29 (第29条): the acceptance (验收) that lets a device go into service."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="acceptance_records", verbose_name=_("设备")
    )
    accepted_on = models.DateField(_("验收日期"))
    passed = models.BooleanField(_("验收合格"), default=True)
    accepted_by = models.CharField(_("验收人/单位"), max_length=120)
    document_ref = models.CharField(_("验收文件编号"), max_length=120, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "验收记录")
        verbose_name_plural = _("验收记录")
        ordering = ["-accepted_on"]

    def __str__(self) -> str:
        return f"{self.device.code} {self.accepted_on}"

    def audit_community_id(self) -> int | None:
        return self.device.community_id


class ChangeAuthorisation(ChangeLoggedModel):
    """R-33.3 (第33条第(3)项): the authority under which a device's purpose or location changed."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="change_authorisations", verbose_name=_("设备")
    )
    reference = models.CharField(_("批准文号"), max_length=120)
    authorised_by = models.CharField(_("批准人/单位"), max_length=120)
    reason = models.TextField(_("变更原因"))
    changes = models.JSONField(_("变更内容"), default=dict)
    recorded_by = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = pgettext_lazy("singular", "变更授权")
        verbose_name_plural = _("变更授权")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.device.code}: {self.reference}"

    def audit_community_id(self) -> int | None:
        return self.device.community_id


class DeviceOutage(models.Model):
    """R-33.1 (第33条第(1)项): a stretch of time a device stopped reporting, from the first missed heartbeat
    to its return. Written by the heartbeat monitor; an open outage has no `ended_at`."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="outages", verbose_name=_("设备")
    )
    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("离线时间"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最后心跳"), null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "离线记录")
        verbose_name_plural = _("离线记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=models.Q(ended_at__isnull=True), name="devices_one_open_outage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_s(self) -> float | None:
        return None if self.ended_at is None else (self.ended_at - self.started_at).total_seconds()
