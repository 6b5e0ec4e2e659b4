"""Inbound device events, alarms and their history, zones, procedures and police reports (第16条).

Alarms are not change-logged row by row: each alarm keeps its own append-only history
(`AlarmAction`, one row per transition with time and user), which is also the duty-log source.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.alarms.choices import (
    OPEN_STATES,
    AlarmActionChoices,
    AlarmOutcomeChoices,
    AlarmPriorityChoices,
    AlarmStateChoices,
    AlarmTypeChoices,
    EventSourceChoices,
    EventStatusChoices,
    NotificationKindChoices,
    PoliceChannelChoices,
)
from anfang.core.models import ChangeLoggedModel, CommunityScopedModel, CommunityScopedQuerySet

# ---------------------------------------------------------------------------------------------------
# Inbound events: stored first, processed after (ARCHITECTURE data flow 1–2)
# ---------------------------------------------------------------------------------------------------


class InboundEvent(models.Model):
    """One message a device sent, kept whether or not it was understood.

    `community`/`device` are empty for unknown devices; `raw` keeps the bytes of anything that could
    not be parsed, so an administrator can see and replay it.
    """

    received_at = models.DateTimeField(_("接收时间"), default=timezone.now, db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=EventSourceChoices.choices)
    community = models.ForeignKey(
        "sites.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_events",
        verbose_name=_("设备"),
    )
    device_code = models.CharField(_("设备编号"), max_length=120, blank=True)
    external_id = models.CharField(_("设备事件编号"), max_length=200, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=20, blank=True)
    vendor_code = models.CharField(_("设备原始代码"), max_length=80, blank=True)
    zone = models.CharField(_("防区"), max_length=60, blank=True)
    restore = models.BooleanField(_("恢复"), default=False)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    clock_drift_s = models.FloatField(_("设备时钟偏差（秒）"), null=True, blank=True)
    text = models.CharField(_("文字"), max_length=500, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    raw = models.BinaryField(_("原始报文"), null=True, blank=True)
    content_type = models.CharField(_("报文类型"), max_length=200, blank=True)
    status = models.CharField(
        _("处理结果"), max_length=20, choices=EventStatusChoices.choices, default=EventStatusChoices.RECEIVED
    )
    error = models.TextField(_("错误"), blank=True)
    alarm = models.ForeignKey(
        "alarms.Alarm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("报警"),
    )
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "设备事件")
        verbose_name_plural = _("设备事件")
        ordering = ["-id"]
        constraints = [
            # Idempotent ingestion on (device, external id) — ARCHITECTURE data flow 1.
            models.UniqueConstraint(
                fields=["device", "external_id"],
                condition=models.Q(device__isnull=False) & ~models.Q(external_id=""),
                name="alarms_event_unique_device_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["community", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.device_code or '?'} {self.event_type or self.vendor_code} #{self.pk}"

    @property
    def clock_drift_flagged(self) -> bool:
        """ARCHITECTURE: device clocks drifting more than 5 s are flagged."""
        return self.clock_drift_s is not None and abs(self.clock_drift_s) > 5


def event_picture_path(instance: EventPicture, filename: str) -> str:
    when = instance.event.received_at if instance.event_id else timezone.now()
    return f"events/{when:%Y/%m/%d}/{instance.event_id}-{filename}"


class EventPicture(models.Model):
    """A picture that came with an event (ISAPI multipart, base64 in the generic API)."""

    event = models.ForeignKey(InboundEvent, on_delete=models.CASCADE, related_name="pictures")
    image = models.FileField(_("图片"), upload_to=event_picture_path, max_length=255)
    name = models.CharField(_("名称"), max_length=120, blank=True)
    content_type = models.CharField(_("类型"), max_length=60, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("singular", "事件图片")
        verbose_name_plural = _("事件图片")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.name or self.image.name


# ---------------------------------------------------------------------------------------------------
# Configuration per community: zones, SIA accounts, procedures, policy
# ---------------------------------------------------------------------------------------------------


class AlarmZone(CommunityScopedModel):
    """A detection zone (防区) of a device: where it is, what it means, and whether it is armed.

    Events from a disarmed zone are logged, never alarmed. A device without zone rows is armed as a whole.
    """

    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="alarm_zones", verbose_name=_("设备")
    )
    code = models.CharField(
        _("防区号"), max_length=60, blank=True, help_text=_("设备上报的防区/通道号；留空表示整台设备。")
    )
    name = models.CharField(_("名称"), max_length=120, blank=True)
    location = models.ForeignKey(
        "sites.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarm_zones",
        verbose_name=_("位置"),
    )
    alarm_type = models.CharField(
        _("报警类型"),
        max_length=20,
        choices=AlarmTypeChoices.choices,
        blank=True,
        help_text=_("留空则按设备上报的事件类型。"),
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=AlarmPriorityChoices.choices, null=True, blank=True
    )
    armed = models.BooleanField(_("布防"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "防区")
        verbose_name_plural = _("防区")
        ordering = ["device", "code"]
        constraints = [
            models.UniqueConstraint(fields=["device", "code"], name="alarms_zone_unique_device_code")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.device} / {self.code or '*'}"


class SiaAccount(CommunityScopedModel):
    """An alarm panel's SIA DC-09 account (and AES key when it encrypts) mapped to its device."""

    account_id = models.CharField(_("SIA 账号"), max_length=16, unique=True)
    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="sia_accounts", verbose_name=_("报警主机")
    )
    key = models.CharField(
        _("AES 密钥（十六进制）"),
        max_length=64,
        blank=True,
        help_text=_("加密账号填写 32、48 或 64 位十六进制密钥；不加密则留空。"),
    )

    # The key is a secret: never copy it into the change log.
    audit_exclude = ("created_at", "updated_at", "key")

    class Meta:
        verbose_name = pgettext_lazy("singular", "SIA 账号")
        verbose_name_plural = _("SIA 账号")
        ordering = ["account_id"]

    def __str__(self) -> str:
        return self.account_id


class OperatingProcedure(ChangeLoggedModel):
    """The checklist an operator works through for one alarm type (standard operating procedure).

    `community` empty = the platform default; a community's own procedure replaces it.
    """

    community = models.ForeignKey(
        "sites.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    alarm_type = models.CharField(_("报警类型"), max_length=20, choices=AlarmTypeChoices.choices)
    steps = models.JSONField(_("处置步骤"), default=list, help_text=_("每行一个步骤。"))

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "处置预案")
        verbose_name_plural = _("处置预案")
        ordering = ["community", "alarm_type"]
        constraints = [
            models.UniqueConstraint(fields=["community", "alarm_type"], name="alarms_procedure_unique_type"),
        ]

    def __str__(self) -> str:
        return str(self.get_alarm_type_display())


class AlarmPolicy(CommunityScopedModel):
    """Timings of a community's alarm centre. Defaults apply when a community has no row."""

    ack_escalation_s = models.PositiveIntegerField(
        _("未确认升级时间（秒）"), default=30, validators=[MinValueValidator(5), MaxValueValidator(3600)]
    )
    police_report_minutes = models.PositiveIntegerField(
        _("真实警情报警时限（分钟）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    join_window_s = models.PositiveIntegerField(
        _("同一防区合并时间窗（秒）"),
        default=300,
        validators=[MinValueValidator(0), MaxValueValidator(86400)],
    )

    class Meta:
        verbose_name = pgettext_lazy("singular", "报警策略")
        verbose_name_plural = _("报警策略")
        constraints = [models.UniqueConstraint(fields=["community"], name="alarms_policy_one_per_community")]

    def __str__(self) -> str:
        return str(self.community)


# ---------------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------------


class AlarmQuerySet(CommunityScopedQuerySet):
    def open(self) -> AlarmQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def console_order(self) -> AlarmQuerySet:
        """Priority first, then oldest first: what the operator must look at next."""
        return self.order_by("priority", "created_at", "id")


class Alarm(models.Model):
    """One situation an operator must handle, raised by one or more device events of one zone."""

    community = models.ForeignKey(
        "sites.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("小区")
    )
    alarm_type = models.CharField(_("报警类型"), max_length=20, choices=AlarmTypeChoices.choices)
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=AlarmPriorityChoices.choices, default=AlarmPriorityChoices.NORMAL
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AlarmStateChoices.choices, default=AlarmStateChoices.NEW
    )
    outcome = models.CharField(_("处置结果"), max_length=20, choices=AlarmOutcomeChoices.choices, blank=True)
    title = models.CharField(_("摘要"), max_length=200, blank=True)
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("设备"),
    )
    zone = models.CharField(_("防区"), max_length=60, blank=True)
    location = models.ForeignKey(
        "sites.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("位置"),
    )
    created_at = models.DateTimeField(_("报警时间"), default=timezone.now, db_index=True)
    first_event_at = models.DateTimeField(_("首次事件时间"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("最近事件时间"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("事件数"), default=1)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("接警时间"), null=True, blank=True)
    verifying_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派警时间"), null=True, blank=True)
    dispatched_to = models.CharField(_("派往"), max_length=200, blank=True)
    resolved_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)
    resolution_note = models.TextField(_("处置说明"), blank=True)
    confirmed_real_at = models.DateTimeField(_("确认真实警情时间"), null=True, blank=True)
    police_reported_at = models.DateTimeField(_("报警时间（公安）"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    police_overdue_at = models.DateTimeField(_("报警超时时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "报警")
        verbose_name_plural = _("报警")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["community", "state"]),
            models.Index(fields=["device", "zone", "state"]),
            models.Index(fields=["community", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_alarm_type_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def age_seconds(self, now: Any = None) -> float:
        return ((now or timezone.now()) - self.created_at).total_seconds()


class AlarmAction(models.Model):
    """One timestamped step in an alarm's life, with who took it. Append-only; the id is the live cursor."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="actions")
    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("动作"), max_length=20, choices=AlarmActionChoices.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=AlarmStateChoices.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=AlarmStateChoices.choices, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    by_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("备注"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "报警处置记录")
        verbose_name_plural = _("报警处置记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["community", "id"])]

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("alarm actions are append-only")
        super().save(*args, **kwargs)


class AlarmChecklistItem(models.Model):
    """One step of the procedure, copied onto the alarm when it is raised, ticked with time and user."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("步骤"), max_length=300)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("完成人"),
    )

    class Meta:
        verbose_name = pgettext_lazy("singular", "处置步骤")
        verbose_name_plural = _("处置步骤")
        ordering = ["alarm", "order"]
        constraints = [
            models.UniqueConstraint(fields=["alarm", "order"], name="alarms_checklist_unique_order")
        ]

    def __str__(self) -> str:
        return self.text


class PoliceReport(models.Model):
    """第16条: once a case is confirmed, it is reported to the police at once — when, how, to whom."""

    alarm = models.ForeignKey(
        Alarm, on_delete=models.CASCADE, related_name="police_reports", verbose_name=_("报警")
    )
    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    reported_at = models.DateTimeField(_("报警时间"))
    channel = models.CharField(_("报警方式"), max_length=20, choices=PoliceChannelChoices.choices)
    officer = models.CharField(_("接警民警/接警员"), max_length=100, blank=True)
    case_number = models.CharField(_("警情编号"), max_length=60, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "向公安报警记录")
        verbose_name_plural = _("向公安报警记录")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.case_number}".strip()


class Notification(models.Model):
    """A message to one person (a manager when an alarm escalates); shown in the top bar until read."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKindChoices.choices)
    alarm = models.ForeignKey(
        Alarm, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
