"""Device choices: the nine subsystems of 第7条, device kinds, lifecycle, certificates (第24条)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubsystemChoices(models.TextChoices):
    """R-7 (第7条): the nine parts a community's security facilities comprise."""

    PHYSICAL = "physical", _("实体防护")
    PERIMETER = "perimeter", _("周界电子防护系统")
    VIDEO = "video", _("视频监控系统")
    PATROL = "patrol", _("电子巡查系统")
    PARKING = "parking", _("停车库（场）安全管理系统")
    ACCESS = "access", _("出入口控制系统")
    INTERCOM = "intercom", _("楼寓（可视）对讲系统")
    RESIDENT_ALARM = "resident_alarm", _("住户报警系统")
    MONITORING = "monitoring", _("监控中心")


class DeviceKindChoices(models.TextChoices):
    # physical protection (第8、12、13条)
    RETRACTABLE_GATE = "retractable_gate", _("电动伸缩门")
    METAL_GATE = "metal_gate", _("金属防护大门")
    BARRIER_ARM = "barrier_arm", _("道闸（挡车器）")
    ANTI_THEFT_DOOR = "anti_theft_door", _("防盗安全门")
    # perimeter (第8条)
    INFRARED_BEAM = "infrared_beam", _("主动红外对射")
    ELECTRONIC_FENCE = "electronic_fence", _("脉冲电子围栏")
    VIBRATION_CABLE = "vibration_cable", _("振动光缆")
    PERIMETER_CONTROLLER = "perimeter_controller", _("周界报警主机")
    # video (第9条)
    CAMERA = "camera", _("摄像机")
    NVR = "nvr", _("硬盘录像机/存储")
    # patrol (第10条)
    PATROL_CHECKPOINT = "patrol_checkpoint", _("巡查点")
    PATROL_READER = "patrol_reader", _("巡查器/巡更终端")
    # parking (第11条)
    PARKING_CONTROLLER = "parking_controller", _("停车场控制器")
    # access (第11条)
    ACCESS_CONTROLLER = "access_controller", _("门禁控制器")
    TURNSTILE = "turnstile", _("人行闸机")
    FACE_TERMINAL = "face_terminal", _("人脸识别终端")
    # intercom (第13条)
    DOOR_STATION = "door_station", _("单元门口机")
    INDOOR_STATION = "indoor_station", _("室内分机")
    INTERCOM_SERVER = "intercom_server", _("对讲管理机/服务器")
    # resident alarm
    ALARM_PANEL = "alarm_panel", _("报警主机")
    EMERGENCY_BUTTON = "emergency_button", _("紧急报警按钮")
    INTRUSION_DETECTOR = "intrusion_detector", _("入侵探测器")
    SMOKE_DETECTOR = "smoke_detector", _("感烟探测器")
    # monitoring centre (第15、16条)
    VIDEO_WALL = "video_wall", _("显示大屏")
    WORKSTATION = "workstation", _("监控工作站")
    ALARM_RECEIVER = "alarm_receiver", _("报警接收中心")
    UPS = "ups", _("不间断电源")
    OTHER = "other", _("其他设备")


KIND_SUBSYSTEMS: dict[str, tuple[str, ...]] = {
    SubsystemChoices.PHYSICAL: ("retractable_gate", "metal_gate", "barrier_arm", "anti_theft_door", "other"),
    SubsystemChoices.PERIMETER: (
        "infrared_beam",
        "electronic_fence",
        "vibration_cable",
        "perimeter_controller",
        "camera",
        "other",
    ),
    SubsystemChoices.VIDEO: ("camera", "nvr", "other"),
    SubsystemChoices.PATROL: ("patrol_checkpoint", "patrol_reader", "other"),
    SubsystemChoices.PARKING: ("camera", "barrier_arm", "parking_controller", "other"),
    SubsystemChoices.ACCESS: (
        "access_controller",
        "turnstile",
        "face_terminal",
        "barrier_arm",
        "camera",
        "other",
    ),
    SubsystemChoices.INTERCOM: ("door_station", "indoor_station", "intercom_server", "other"),
    SubsystemChoices.RESIDENT_ALARM: (
        "alarm_panel",
        "emergency_button",
        "intrusion_detector",
        "smoke_detector",
        "other",
    ),
    SubsystemChoices.MONITORING: ("video_wall", "workstation", "alarm_receiver", "nvr", "ups", "other"),
}


class DeviceStatusChoices(models.TextChoices):
    """Lifecycle: in service needs acceptance (R-29 第29条) and a valid certificate (R-24 第24条)."""

    PLANNED = "planned", _("规划")
    INSTALLED = "installed", _("已安装")
    IN_SERVICE = "in_service", _("已验收/在用")
    FAULTY = "faulty", _("故障")
    RETIRED = "retired", _("已退役")


DEVICE_STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    DeviceStatusChoices.PLANNED: ("installed", "retired"),
    DeviceStatusChoices.INSTALLED: ("in_service", "faulty", "retired", "planned"),
    DeviceStatusChoices.IN_SERVICE: ("faulty", "retired", "installed"),
    DeviceStatusChoices.FAULTY: ("in_service", "installed", "retired"),
    DeviceStatusChoices.RETIRED: (),
}

DEVICE_STATUS_BADGES = {
    DeviceStatusChoices.PLANNED: "grey",
    DeviceStatusChoices.INSTALLED: "blue",
    DeviceStatusChoices.IN_SERVICE: "green",
    DeviceStatusChoices.FAULTY: "red",
    DeviceStatusChoices.RETIRED: "dark",
}


class CertificateTypeChoices(models.TextChoices):
    """R-24 (第24条): registration certificate for police-managed security products, otherwise a
    statutory test or certification report."""

    PRODUCTION_REGISTRATION = "production_registration", _("安全技术防范产品生产登记批准书")
    CCC = "ccc", _("强制性产品认证（3C）证书")
    TEST_REPORT = "test_report", _("法定检验/检测报告")


class IssuerLevelChoices(models.TextChoices):
    """第24条 asks for a provincial-or-higher registration."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    OTHER = "other", _("其他")
