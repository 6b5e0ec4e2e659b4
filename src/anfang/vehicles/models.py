"""Vehicles at the gates (第9条, 第11条): lanes, resident vehicles, visitor passes, the blacklist, and the
passage records kept at least 90 days with their photos (第33条第(2)项, R-33.2).

Lanes and the three lists are registry records (change-logged, R-33.5). Passages and visits are records
of what happened, written by devices many times a minute; they are not change-logged, but every search
and export of them is access-logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.core.models import CommunityScopedModel, CommunityScopedQuerySet
from anfang.vehicles.choices import (
    DecisionChoices,
    DecisionReasonChoices,
    DirectionChoices,
    GateStatusChoices,
    LanePolicyChoices,
    PassageSourceChoices,
    PlateColorChoices,
    PlateKindChoices,
)

PLATE_MAX = 16  # the longest plate (8 characters) with room for vendor oddities kept as read


class Lane(CommunityScopedModel):
    """车道: one direction of a vehicle entrance, with its plate camera and its barrier."""

    code = models.CharField(_("车道编号"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    location = models.ForeignKey(
        "sites.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lanes",
        verbose_name=_("出入口"),
    )
    direction = models.CharField(_("方向"), max_length=10, choices=DirectionChoices.choices)
    camera = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="camera_lanes",
        verbose_name=_("车牌识别摄像机"),
    )
    barrier = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="barrier_lanes",
        verbose_name=_("道闸"),
    )
    policy = models.CharField(
        _("放行规则"),
        max_length=30,
        choices=LanePolicyChoices.choices,
        default=LanePolicyChoices.RESIDENTS_AND_VISITORS,
    )
    open_from = models.TimeField(_("开放时段开始"), null=True, blank=True)
    open_until = models.TimeField(_("开放时段结束"), null=True, blank=True)
    ask_guard = models.BooleanField(
        _("陌生车辆请保安确认"),
        default=True,
        help_text=_("关闭时，规则不允许的车辆直接禁止通行。"),
    )
    # The barrier's controller (Hikvision ISAPI barrierGate): where the open command goes.
    barrier_url = models.CharField(_("道闸控制地址"), max_length=200, blank=True)
    barrier_channel = models.PositiveSmallIntegerField(_("道闸通道"), default=1)
    barrier_username = models.CharField(_("道闸用户名"), max_length=60, blank=True)
    barrier_password = models.CharField(_("道闸密码"), max_length=120, blank=True)
    # A plain camera's video (RTSP URL or file path): anfang reads the plates itself (`anfang worker anpr`).
    stream_url = models.CharField(
        _("视频流地址"),
        max_length=500,
        blank=True,
        help_text=_("普通摄像机的 RTSP 地址：由平台识别车牌（anfang worker anpr）。"),
    )

    # The password is a secret, and a stream URL may carry one: never copy either into the change log.
    audit_exclude = ("created_at", "updated_at", "barrier_password", "stream_url")

    class Meta:
        verbose_name = pgettext_lazy("singular", "车道")
        verbose_name_plural = _("车道")
        ordering = ["community", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="vehicles_lane_unique_code")
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def is_open_hours(self, local_time: dt.time) -> bool:
        """Inside the lane's open hours (a window may pass midnight: 22:00–06:00)."""
        if self.open_from is None or self.open_until is None:
            return False
        if self.open_from <= self.open_until:
            return self.open_from <= local_time < self.open_until
        return local_time >= self.open_from or local_time < self.open_until


def valid_between(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Whether `day` is inside an optional [start, end] validity (a resident vehicle's registration)."""
    return (start is None or start <= day) and (end is None or day <= end)


class ResidentVehicle(CommunityScopedModel):
    """业主车辆: a plate registered to a unit and its owner, valid for a period."""

    plate = models.CharField(_("车牌号"), max_length=PLATE_MAX)
    plate_color = models.CharField(
        _("车牌颜色"), max_length=20, choices=PlateColorChoices.choices, default=PlateColorChoices.BLUE
    )
    unit = models.ForeignKey(
        "sites.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_vehicles",
        verbose_name=_("房屋/单元"),
    )
    owner_name = models.CharField(_("车主"), max_length=100, blank=True)
    owner_phone = models.CharField(_("车主电话"), max_length=40, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "业主车辆")
        verbose_name_plural = _("业主车辆")
        ordering = ["community", "plate"]
        constraints = [
            models.UniqueConstraint(fields=["community", "plate"], name="vehicles_resident_unique_plate")
        ]

    def __str__(self) -> str:
        return self.plate

    def valid_on(self, day: dt.date) -> bool:
        return valid_between(self.valid_from, self.valid_until, day)


class VisitorPass(CommunityScopedModel):
    """访客通行证: a plate let in for a time window, once or several times."""

    plate = models.CharField(_("车牌号"), max_length=PLATE_MAX, db_index=True)
    visitor_name = models.CharField(_("访客"), max_length=100, blank=True)
    host_unit = models.ForeignKey(
        "sites.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visitor_passes",
        verbose_name=_("被访房屋/单元"),
    )
    host_name = models.CharField(_("被访人"), max_length=100, blank=True)
    valid_from = models.DateTimeField(_("有效时间自"))
    valid_until = models.DateTimeField(_("有效时间至"))
    max_uses = models.PositiveIntegerField(
        _("可用次数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("留空为有效期内不限次数。"),
    )
    uses = models.PositiveIntegerField(_("已用次数"), default=0)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "访客通行证")
        verbose_name_plural = _("访客通行证")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return self.plate

    def valid_at(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    @property
    def used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses


class BlacklistEntry(CommunityScopedModel):
    """黑名单: a plate that must not enter; its arrival raises an alarm."""

    plate = models.CharField(_("车牌号"), max_length=PLATE_MAX, db_index=True)
    reason = models.CharField(_("原因"), max_length=200)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True, help_text=_("留空为长期有效。"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = pgettext_lazy("singular", "黑名单车辆")
        verbose_name_plural = _("黑名单")
        ordering = ["plate"]

    def __str__(self) -> str:
        return self.plate

    def active_at(self, at: dt.datetime) -> bool:
        return self.valid_until is None or at < self.valid_until


class PassageQuerySet(CommunityScopedQuerySet):
    def inside_retention(self, now: dt.datetime, days: int) -> PassageQuerySet:
        return self.filter(occurred_at__gte=now - dt.timedelta(days=days))


def _passage_upload(instance: Any, filename: str) -> str:
    at = instance.occurred_at or timezone.now()
    return f"passages/{at:%Y/%m/%d}/{filename}"


class Passage(models.Model):
    """过车记录: one plate read at a lane, with the lane's decision and what was done at the gate."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey(
        Lane,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("车道"),
    )
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="passages",
        verbose_name=_("设备"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=PassageSourceChoices.choices)
    external_id = models.CharField(_("设备记录编号"), max_length=200, blank=True)
    plate = models.CharField(_("车牌号"), max_length=PLATE_MAX)
    plate_raw = models.CharField(_("识别原文"), max_length=60, blank=True)
    plate_color = models.CharField(
        _("车牌颜色"), max_length=20, choices=PlateColorChoices.choices, default=PlateColorChoices.UNKNOWN
    )
    plate_kind = models.CharField(
        _("号牌种类"), max_length=20, choices=PlateKindChoices.choices, default=PlateKindChoices.UNKNOWN
    )
    direction = models.CharField(_("方向"), max_length=10, choices=DirectionChoices.choices)
    occurred_at = models.DateTimeField(_("过车时间"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    decision = models.CharField(_("判定"), max_length=10, choices=DecisionChoices.choices)
    reason = models.CharField(_("判定依据"), max_length=20, choices=DecisionReasonChoices.choices)
    decided_at = models.DateTimeField(_("判定时间"), null=True, blank=True)
    gate_status = models.CharField(
        _("道闸"), max_length=12, choices=GateStatusChoices.choices, default=GateStatusChoices.NOT_NEEDED
    )
    gate_detail = models.CharField(_("道闸回应"), max_length=200, blank=True)
    override = models.CharField(_("人工处理"), max_length=10, choices=DecisionChoices.choices, blank=True)
    override_reason = models.CharField(_("人工处理原因"), max_length=200, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    overridden_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    visitor_pass = models.ForeignKey(
        VisitorPass, on_delete=models.SET_NULL, null=True, blank=True, related_name="passages"
    )
    alarm = models.ForeignKey(
        "alarms.Alarm", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plate_picture = models.FileField(_("车牌图片"), upload_to=_passage_upload, blank=True)
    scene_picture = models.FileField(_("场景图片"), upload_to=_passage_upload, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = PassageQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "过车记录")
        verbose_name_plural = _("过车记录")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "plate", "occurred_at"], name="vehicles_passage_plate"),
            models.Index(fields=["community", "occurred_at"], name="vehicles_passage_time"),
            models.Index(fields=["lane", "occurred_at"], name="vehicles_passage_lane"),
            models.Index(fields=["occurred_at"], name="vehicles_passage_retention"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "external_id"],
                condition=~Q(external_id=""),
                name="vehicles_passage_unique_device_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def final_decision(self) -> str:
        return self.override or self.decision


class Visit(models.Model):
    """一次停留: an entry paired with the exit that followed, with the dwell time."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    plate = models.CharField(_("车牌号"), max_length=PLATE_MAX)
    entry = models.OneToOneField(
        Passage, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit_entered"
    )
    exit = models.OneToOneField(
        Passage, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit_left"
    )
    entered_at = models.DateTimeField(_("入场时间"), null=True, blank=True)
    exited_at = models.DateTimeField(_("出场时间"), null=True, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "停留记录")
        verbose_name_plural = _("停留记录")
        ordering = ["-entered_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "plate", "exited_at"], name="vehicles_visit_open"),
            models.Index(fields=["community", "entered_at"], name="vehicles_visit_time"),
        ]

    def __str__(self) -> str:
        return self.plate

    @property
    def dwell(self) -> dt.timedelta | None:
        if self.entered_at is None or self.exited_at is None:
            return None
        return self.exited_at - self.entered_at


class SeenPlate(models.Model):
    """Every plate a community has seen, with the first and last time: partial-plate search matches
    these few thousand strings, then reads passages by plate through the (community, plate, time) index."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    plate = models.CharField(max_length=PLATE_MAX)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "plate"], name="vehicles_seenplate_unique")
        ]
        indexes = [models.Index(fields=["community", "last_seen"], name="vehicles_seenplate_recent")]

    def __str__(self) -> str:
        return self.plate


class PassagePurge(models.Model):
    """What one retention run deleted (第33条第(2)项: never a record inside the floor)."""

    ran_at = models.DateTimeField(_("执行时间"), default=timezone.now)
    retention_days = models.PositiveIntegerField(_("保存天数"))
    cutoff = models.DateTimeField(_("删除此时间以前的记录"))
    passages = models.PositiveIntegerField(_("删除过车记录"), default=0)
    visits = models.PositiveIntegerField(_("删除停留记录"), default=0)
    pictures = models.PositiveIntegerField(_("删除图片"), default=0)
    oldest_kept = models.DateTimeField(_("保留的最早记录"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "过车记录清理")
        verbose_name_plural = _("过车记录清理")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d} −{self.passages}"
