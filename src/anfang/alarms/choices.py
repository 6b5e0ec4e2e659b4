"""Choices of the alarm centre. Alarm type slugs are the event types of `integrations.events`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anfang.integrations import events as ev


class AlarmTypeChoices(models.TextChoices):
    INTRUSION = ev.INTRUSION, _("入侵报警")
    PERIMETER = ev.PERIMETER, _("周界报警")
    EMERGENCY = ev.EMERGENCY, _("紧急求助")
    FIRE = ev.FIRE, _("火警")
    GAS = ev.GAS, _("燃气泄漏")
    WATER_LEAK = ev.WATER_LEAK, _("漏水")
    MEDICAL = ev.MEDICAL, _("医疗求助")
    TAMPER = ev.TAMPER, _("防拆/遮挡")
    DEVICE_FAULT = ev.DEVICE_FAULT, _("设备故障")
    DEVICE_OFFLINE = ev.DEVICE_OFFLINE, _("设备离线")
    MOTION = ev.MOTION, _("移动侦测")
    DOOR = ev.DOOR, _("门磁开启")
    BLACKLISTED_VEHICLE = "blacklisted_vehicle", _("黑名单车辆")
    OTHER = ev.OTHER, _("其他报警")


# 1 is the most urgent. Operators see priority first, then age.
class AlarmPriorityChoices(models.IntegerChoices):
    CRITICAL = 1, _("紧急")
    HIGH = 2, _("高")
    NORMAL = 3, _("中")
    LOW = 4, _("低")


DEFAULT_PRIORITY: dict[str, int] = {
    ev.EMERGENCY: 1,
    ev.FIRE: 1,
    ev.GAS: 1,
    ev.MEDICAL: 1,
    ev.PERIMETER: 2,
    ev.INTRUSION: 2,
    ev.WATER_LEAK: 2,
    "blacklisted_vehicle": 2,
    ev.TAMPER: 3,
    ev.DOOR: 3,
    ev.OTHER: 3,
    ev.MOTION: 4,
    ev.DEVICE_FAULT: 4,
    ev.DEVICE_OFFLINE: 4,
}

PRIORITY_BADGES = {1: "red", 2: "orange", 3: "blue", 4: "grey"}


class AlarmStateChoices(models.TextChoices):
    NEW = "new", _("新警情")
    ACKNOWLEDGED = "acknowledged", _("已确认接警")
    VERIFYING = "verifying", _("核实中")
    DISPATCHED = "dispatched", _("已派警")
    RESOLVED = "resolved", _("已处置")


OPEN_STATES: tuple[str, ...] = ("new", "acknowledged", "verifying", "dispatched")

# new → acknowledged → verifying → dispatched → resolved; steps may be skipped forward, never backward.
ALARM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AlarmStateChoices.NEW: ("acknowledged",),
    AlarmStateChoices.ACKNOWLEDGED: ("verifying", "dispatched", "resolved"),
    AlarmStateChoices.VERIFYING: ("dispatched", "resolved"),
    AlarmStateChoices.DISPATCHED: ("resolved",),
    AlarmStateChoices.RESOLVED: (),
}

STATE_BADGES = {
    AlarmStateChoices.NEW: "red",
    AlarmStateChoices.ACKNOWLEDGED: "orange",
    AlarmStateChoices.VERIFYING: "orange",
    AlarmStateChoices.DISPATCHED: "blue",
    AlarmStateChoices.RESOLVED: "green",
}


class AlarmOutcomeChoices(models.TextChoices):
    REAL_INCIDENT = "real_incident", _("真实警情")
    FALSE_ALARM = "false_alarm", _("误报")
    TEST = "test", _("测试")
    DEVICE_FAULT = "device_fault", _("设备故障")


class AlarmActionChoices(models.TextChoices):
    """Every thing that happens to an alarm; each is a timestamped row with its user (R-16 duty records)."""

    RAISE = "raise", _("产生报警")
    JOIN = "join", _("同一防区再次报警")
    CLAIM = "claim", _("认领")
    RELEASE = "release", _("释放认领")
    TAKE_OVER = "take_over", _("接管")
    ACKNOWLEDGE = "acknowledge", _("确认接警")
    VERIFY = "verify", _("开始核实")
    DISPATCH = "dispatch", _("派警")
    CONFIRM_REAL = "confirm_real", _("确认为真实警情")
    REPORT_POLICE = "report_police", _("向公安报警")
    CHECKLIST = "checklist", _("处置步骤完成")
    NOTE = "note", _("备注")
    RESOLVE = "resolve", _("处置完毕")
    ESCALATE = "escalate", _("超时未确认，已升级")
    POLICE_OVERDUE = "police_overdue", _("真实警情未及时报警，已升级")


class PoliceChannelChoices(models.TextChoices):
    PHONE_110 = "110", _("110 报警电话")
    PHONE_119 = "119", _("119 火警电话")
    PHONE_120 = "120", _("120 急救电话")
    STATION_PHONE = "station_phone", _("派出所电话")
    PLATFORM = "platform", _("公安联网平台")
    IN_PERSON = "in_person", _("到派出所/现场报告")


class EventStatusChoices(models.TextChoices):
    """What became of an inbound event. Every event is stored first (ARCHITECTURE data flow 2)."""

    RECEIVED = "received", _("已接收，待处理")
    ALARM = "alarm", _("产生报警")
    JOINED = "joined", _("并入已有报警")
    LOGGED = "logged", _("仅记录")
    DISARMED = "disarmed", _("防区撤防，仅记录")
    HEARTBEAT = "heartbeat", _("心跳")
    UNKNOWN_DEVICE = "unknown_device", _("未知设备")
    UNPARSEABLE = "unparseable", _("无法解析")
    ERROR = "error", _("处理出错")


EVENT_STATUS_BADGES = {
    EventStatusChoices.RECEIVED: "grey",
    EventStatusChoices.ALARM: "red",
    EventStatusChoices.JOINED: "orange",
    EventStatusChoices.LOGGED: "blue",
    EventStatusChoices.DISARMED: "grey",
    EventStatusChoices.HEARTBEAT: "green",
    EventStatusChoices.UNKNOWN_DEVICE: "dark",
    EventStatusChoices.UNPARSEABLE: "dark",
    EventStatusChoices.ERROR: "red",
}


class EventSourceChoices(models.TextChoices):
    API = "api", _("通用接口")
    ISAPI = "isapi", _("海康 ISAPI")
    DAHUA = "dahua", _("大华")
    MQTT = "mqtt", _("MQTT")
    SIA = "sia", _("SIA DC-09")
    SYSTEM = "system", _("系统")


class NotificationKindChoices(models.TextChoices):
    ESCALATION = "escalation", _("报警超时未确认")
    POLICE_OVERDUE = "police_overdue", _("真实警情未报警")
    DEVICE_OFFLINE = "device_offline", _("设备离线")
