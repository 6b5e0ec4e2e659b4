"""Choices of the vehicles app (第9条, 第11条, 第33条第(2)项)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectionChoices(models.TextChoices):
    IN = "in", _("入场")
    OUT = "out", _("出场")
    UNKNOWN = "unknown", _("未知")


class DecisionChoices(models.TextChoices):
    OPEN = "open", _("放行")
    DENY = "deny", _("禁止")
    ASK = "ask", _("请保安确认")


class DecisionReasonChoices(models.TextChoices):
    """Why the lane decided as it did (shown to the guard; searchable)."""

    BLACKLISTED = "blacklisted", _("黑名单车辆")
    RESIDENT = "resident", _("业主车辆")
    RESIDENT_EXPIRED = "resident_expired", _("业主车辆已过有效期")
    VISITOR_PASS = "visitor_pass", _("访客通行证")
    PASS_USED_UP = "pass_used_up", _("访客通行证次数已用完")
    PASS_EXPIRED = "pass_expired", _("访客通行证不在有效时间内")
    OPEN_HOURS = "open_hours", _("开放时段")
    EXIT = "exit", _("出场放行")
    NO_PLATE = "no_plate", _("未识别车牌")
    UNKNOWN_VEHICLE = "unknown_vehicle", _("陌生车辆")
    RESIDENTS_ONLY = "residents_only", _("仅限业主车辆")
    OVERRIDE = "override", _("人工处理")


class LanePolicyChoices(models.TextChoices):
    """Who a lane lets in on its own (第11条: automatic control combined with video)."""

    RESIDENTS_ONLY = "residents_only", _("仅业主车辆")
    RESIDENTS_AND_VISITORS = "residents_and_visitors", _("业主车辆和持通行证访客")
    OPEN = "open", _("全部放行")


class PlateColorChoices(models.TextChoices):
    """Values of `vehicles.plates.PlateColor`."""

    BLUE = "blue", _("蓝")
    YELLOW = "yellow", _("黄")
    GREEN = "green", _("绿")
    YELLOW_GREEN = "yellow_green", _("黄绿")
    WHITE = "white", _("白")
    BLACK = "black", _("黑")
    UNKNOWN = "unknown", _("未知")


class PlateKindChoices(models.TextChoices):
    """Values of `vehicles.plates.PlateKind` (GA 36-2018 plate types)."""

    ORDINARY_SMALL = "ordinary_small", _("小型汽车")
    ORDINARY_LARGE = "ordinary_large", _("大型汽车")
    NEW_ENERGY_SMALL = "new_energy_small", _("小型新能源汽车")
    NEW_ENERGY_LARGE = "new_energy_large", _("大型新能源汽车")
    TRAILER = "trailer", _("挂车")
    COACH = "coach", _("教练汽车")
    POLICE = "police", _("警用汽车")
    HONG_KONG = "hong_kong", _("香港入出境车")
    MACAU = "macau", _("澳门入出境车")
    EMBASSY = "embassy", _("使馆汽车")
    CONSULATE = "consulate", _("领馆汽车")
    NO_PLATE = "no_plate", _("无车牌")
    UNKNOWN = "unknown", _("无法识别的号牌")


class GateStatusChoices(models.TextChoices):
    NOT_NEEDED = "not_needed", _("无需开闸")
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已开闸")
    FAILED = "failed", _("开闸失败")
    NO_BARRIER = "no_barrier", _("车道无道闸")
    TOO_LATE = "too_late", _("识别记录已过时，未开闸")


class PassageSourceChoices(models.TextChoices):
    ISAPI = "isapi", _("海康 ISAPI")
    DAHUA = "dahua", _("大华 ITC")
    API = "api", _("接口")
    ANPR = "anpr", _("平台车牌识别")
