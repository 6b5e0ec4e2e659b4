"""Choices of the facility registry's places (第5–16条)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagementTypeChoices(models.TextChoices):
    """R-5 (第5条) managed by a property company; R-6 (第6条) unmanaged, run by the 社区."""

    PROPERTY = "property", _("物业管理")
    UNMANAGED = "unmanaged", _("无物业管理（社区管理）")


class SecurityGradeChoices(models.TextChoices):
    """Security grade the facilities are designed for (R-17 第17条)."""

    BASIC = "basic", _("基本型")
    ENHANCED = "enhanced", _("提高型")
    ADVANCED = "advanced", _("先进型")


class LocationKindChoices(models.TextChoices):
    """Every kind of place the regulation names (第8–15条)."""

    ENTRANCE = "entrance", _("小区出入口")
    LANE = "lane", _("出入口通道")
    ROAD_STRETCH = "road_stretch", _("出入口外延道路")
    BUILDING = "building", _("楼栋")
    UNIT = "unit", _("单元")
    UNIT_ENTRANCE = "unit_entrance", _("单元出入口")
    ELEVATOR = "elevator", _("电梯轿厢")
    PARKING_LOT = "parking_lot", _("停车库/场")
    PARKING_ENTRANCE = "parking_entrance", _("停车库/场出入口")
    ROAD = "road", _("小区内道路")
    SQUARE = "square", _("广场")
    DUTY_ROOM = "duty_room", _("安防值班室")
    MONITORING_CENTRE = "monitoring_centre", _("监控中心")
    OTHER = "other", _("其他")


# Which kind may sit inside which (a lane belongs to an entrance, an elevator to a unit, …).
LOCATION_PARENTS: dict[str, tuple[str, ...]] = {
    LocationKindChoices.LANE: (LocationKindChoices.ENTRANCE, LocationKindChoices.PARKING_ENTRANCE),
    LocationKindChoices.ROAD_STRETCH: (LocationKindChoices.ENTRANCE,),
    LocationKindChoices.UNIT: (LocationKindChoices.BUILDING,),
    LocationKindChoices.UNIT_ENTRANCE: (LocationKindChoices.UNIT,),
    LocationKindChoices.ELEVATOR: (LocationKindChoices.UNIT, LocationKindChoices.BUILDING),
    LocationKindChoices.PARKING_ENTRANCE: (LocationKindChoices.PARKING_LOT,),
}
# Kinds that must have a parent.
LOCATION_PARENT_REQUIRED = {
    LocationKindChoices.LANE,
    LocationKindChoices.ROAD_STRETCH,
    LocationKindChoices.UNIT,
    LocationKindChoices.UNIT_ENTRANCE,
    LocationKindChoices.ELEVATOR,
}

LOCATION_KIND_COLOURS = {
    LocationKindChoices.ENTRANCE: "#d9480f",
    LocationKindChoices.LANE: "#f08c00",
    LocationKindChoices.ROAD_STRETCH: "#868e96",
    LocationKindChoices.BUILDING: "#1971c2",
    LocationKindChoices.UNIT: "#4dabf7",
    LocationKindChoices.UNIT_ENTRANCE: "#1864ab",
    LocationKindChoices.ELEVATOR: "#5f3dc4",
    LocationKindChoices.PARKING_LOT: "#2b8a3e",
    LocationKindChoices.PARKING_ENTRANCE: "#37b24d",
    LocationKindChoices.ROAD: "#adb5bd",
    LocationKindChoices.SQUARE: "#94d82d",
    LocationKindChoices.DUTY_ROOM: "#c2255c",
    LocationKindChoices.MONITORING_CENTRE: "#a61e4d",
    LocationKindChoices.OTHER: "#495057",
}


class EntranceRoleChoices(models.TextChoices):
    """第12条: main and secondary entrances."""

    MAIN = "main", _("主出入口")
    SECONDARY = "secondary", _("次出入口")


class LaneTypeChoices(models.TextChoices):
    VEHICLE = "vehicle", _("车行通道")
    PEDESTRIAN = "pedestrian", _("人行通道")


class DirectionChoices(models.TextChoices):
    IN = "in", _("入")
    OUT = "out", _("出")
    BOTH = "both", _("双向")


class BarrierTypeChoices(models.TextChoices):
    """第8条: the perimeter is closed by a wall or fence."""

    WALL = "wall", _("围墙")
    FENCE = "fence", _("栅栏")
    NONE = "none", _("无实体屏障")


class LockGradeChoices(models.TextChoices):
    """第14条: lock grade B or above is encouraged."""

    UNKNOWN = "", _("未知")
    A = "A", _("A 级")
    B = "B", _("B 级")
    C = "C", _("C 级（超 B 级）")


class SecurityTeamKindChoices(models.TextChoices):
    """R-5 (第5条) guard team of the property company; R-6 (第6条) community patrol team."""

    GUARD_TEAM = "guard_team", _("物业保安队伍")
    COMMUNITY_PATROL = "community_patrol", _("社区巡防队")
