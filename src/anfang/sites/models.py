"""The places of a community: the community itself, its police station, every location the
regulation names (第8–15条) and its perimeter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.core.models import ChangeLoggedModel, CommunityScopedModel
from anfang.sites.choices import (
    LOCATION_PARENT_REQUIRED,
    LOCATION_PARENTS,
    BarrierTypeChoices,
    DirectionChoices,
    EntranceRoleChoices,
    LaneTypeChoices,
    LocationKindChoices,
    LockGradeChoices,
    ManagementTypeChoices,
    SecurityGradeChoices,
    SecurityTeamKindChoices,
)
from anfang.sites.geometry import to_shape, validate_geometry, validate_line

# R-33.2 (第33条第(2)项): video ≥ 1 month, vehicle data and photos ≥ 3 months.
VIDEO_RETENTION_FLOOR_DAYS = 30
VEHICLE_RETENTION_FLOOR_DAYS = 90

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", _("编号只能包含字母、数字、下划线、点和连字符，且以字母或数字开头。")
)


class PoliceStation(ChangeLoggedModel):
    """派出所: supervises the communities of its jurisdiction (第3条, 第34条)."""

    code = models.CharField(_("编号"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    district = models.CharField(_("区县"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "派出所")
        verbose_name_plural = _("派出所")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PropertyCompany(ChangeLoggedModel):
    """物业服务企业: staffs the guard team of the communities it manages (R-5 第5条)."""

    code = models.CharField(_("编号"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "物业公司")
        verbose_name_plural = _("物业公司")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(models.QuerySet["Community"]):
    def for_user(self, user: Any, perm: str = "view") -> CommunityQuerySet:
        from anfang.core.tenancy import communities_for

        return self.filter(pk__in=communities_for(user, perm).values("pk"))


class Community(ChangeLoggedModel):
    """住宅小区: the unit of tenancy; everything else belongs to one."""

    code = models.CharField(_("编号"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    district = models.CharField(_("区县"), max_length=60, blank=True)
    police_station = models.ForeignKey(
        PoliceStation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("辖区派出所"),
    )
    management_type = models.CharField(
        _("管理方式"),
        max_length=20,
        choices=ManagementTypeChoices.choices,
        default=ManagementTypeChoices.PROPERTY,
    )
    property_company = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("物业公司"),
    )
    security_grade = models.CharField(
        _("安全防范等级"),
        max_length=20,
        choices=SecurityGradeChoices.choices,
        default=SecurityGradeChoices.BASIC,
    )
    plan_width_m = models.DecimalField(
        _("平面图宽度（米）"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("300"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    plan_height_m = models.DecimalField(
        _("平面图高度（米）"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("200"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    # R-33.2 (第33条第(2)项): floors are law; the community may keep longer, never shorter.
    video_retention_days = models.PositiveIntegerField(
        _("视频保存天数"),
        default=VIDEO_RETENTION_FLOOR_DAYS,
        validators=[MinValueValidator(VIDEO_RETENTION_FLOOR_DAYS)],
        help_text=_("不少于 30 天（第33条第(2)项）。"),
    )
    vehicle_retention_days = models.PositiveIntegerField(
        _("车辆信息和图片保存天数"),
        default=VEHICLE_RETENTION_FLOOR_DAYS,
        validators=[MinValueValidator(VEHICLE_RETENTION_FLOOR_DAYS)],
        help_text=_("不少于 90 天（第33条第(2)项）。"),
    )
    notes = models.TextField(_("备注"), blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_community_id(self) -> int | None:
        return self.pk

    def get_absolute_url(self) -> str:
        return reverse("sites:community_detail", args=[self.code])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.management_type == ManagementTypeChoices.PROPERTY and not self.property_company_id:
            errors["property_company"] = _("有物业管理的小区须指定物业公司（第5条）。")
        if self.management_type == ManagementTypeChoices.UNMANAGED and not self.police_station_id:
            errors["police_station"] = _("无物业管理的小区须关联辖区派出所（第6条）。")
        if errors:
            raise ValidationError(errors)


class Location(CommunityScopedModel):
    """A place the regulation names: entrance, lane, road stretch, building, unit, unit entrance,
    elevator car, parking lot and entrance, road, square, duty room, monitoring centre."""

    code = models.CharField(_("编号"), max_length=60, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=30, choices=LocationKindChoices.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级位置"),
    )
    geometry = models.JSONField(
        _("几何（米）"),
        null=True,
        blank=True,
        validators=[validate_geometry],
        help_text=_("平面图上的点、线或多边形，单位米，GeoJSON 格式。"),
    )
    # Kind-specific facts; blank where they do not apply.
    entrance_role = models.CharField(
        _("出入口类别"), max_length=20, choices=EntranceRoleChoices.choices, blank=True
    )
    lane_type = models.CharField(_("通道类型"), max_length=20, choices=LaneTypeChoices.choices, blank=True)
    direction = models.CharField(_("方向"), max_length=10, choices=DirectionChoices.choices, blank=True)
    is_main = models.BooleanField(_("主要道路/广场"), default=False)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    area_m2 = models.DecimalField(
        _("面积（平方米）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    linked_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_from",
        verbose_name=_("联网/合署位置"),
        help_text=_("值班室与监控中心联网或合署（第15条）。"),
    )
    household_doors_standard = models.BooleanField(
        _("入户门为国标防盗门"), null=True, blank=True, help_text=_("第14条")
    )
    lock_grade = models.CharField(
        _("锁具等级"),
        max_length=2,
        choices=LockGradeChoices.choices,
        blank=True,
        help_text=_("第14条：鼓励 B 级以上"),
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "位置")
        verbose_name_plural = _("位置")
        ordering = ["community", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="location_code_unique"),
        ]
        indexes = [models.Index(fields=["community", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:location_detail", args=[self.community.code, self.code])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        allowed_parents = LOCATION_PARENTS.get(self.kind, ())
        if self.parent_id is not None:
            parent = self.parent
            if parent is None:
                pass
            elif self.community_id and parent.community_id != self.community_id:
                errors["parent"] = _("上级位置必须属于同一小区。")
            elif allowed_parents and parent.kind not in allowed_parents:
                errors["parent"] = _("“%(kind)s”的上级位置须为：%(allowed)s。") % {
                    "kind": self.get_kind_display(),
                    "allowed": str(_("、")).join(str(LocationKindChoices(k).label) for k in allowed_parents),
                }
            elif self.pk is not None and self._is_ancestor_of_self(parent):
                errors["parent"] = _("上级位置不能形成循环。")
        elif self.kind in LOCATION_PARENT_REQUIRED:
            errors["parent"] = _("“%(kind)s”必须指定上级位置。") % {"kind": self.get_kind_display()}
        if self.kind == LocationKindChoices.LANE and not self.lane_type:
            errors["lane_type"] = _("通道须注明车行或人行。")
        if self.kind == LocationKindChoices.ENTRANCE and not self.entrance_role:
            errors["entrance_role"] = _("小区出入口须注明主出入口或次出入口（第12条）。")
        if (
            self.linked_to_id is not None
            and self.linked_to is not None
            and (self.linked_to.community_id != self.community_id)
        ):
            errors["linked_to"] = _("联网位置必须属于同一小区。")
        if errors:
            raise ValidationError(errors)

    def _is_ancestor_of_self(self, parent: Location) -> bool:
        seen: set[int] = set()
        node: Location | None = parent
        while node is not None and node.pk not in seen:
            if node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False

    def shape(self) -> Any:
        return to_shape(self.geometry)


class PerimeterSegment(CommunityScopedModel):
    """One stretch of the perimeter (第8条): a line on the site plan and its wall, fence or nothing."""

    code = models.CharField(_("编号"), max_length=60, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100, blank=True)
    sequence = models.PositiveIntegerField(_("顺序"), default=0, help_text=_("沿周界的顺序，用于闭合检查。"))
    geometry = models.JSONField(_("线几何（米）"), validators=[validate_line])
    barrier_type = models.CharField(
        _("屏障类型"), max_length=10, choices=BarrierTypeChoices.choices, default=BarrierTypeChoices.WALL
    )
    barrier_height_m = models.DecimalField(
        _("屏障高度（米）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "周界段")
        verbose_name_plural = _("周界段")
        ordering = ["community", "sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="perimeter_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def get_absolute_url(self) -> str:
        return reverse("sites:perimeter_detail", args=[self.community.code, self.code])

    @property
    def length_m(self) -> float:
        geom = to_shape(self.geometry)
        return float(geom.length) if geom is not None else 0.0


class SecurityTeam(CommunityScopedModel):
    """R-5 (第5条) the property company's guard team, or R-6 (第6条) the 社区's community patrol team
    managed together with the local police station."""

    kind = models.CharField(_("类型"), max_length=20, choices=SecurityTeamKindChoices.choices)
    name = models.CharField(_("名称"), max_length=100)
    members = models.PositiveSmallIntegerField(_("人数"), default=0)
    leader = models.CharField(_("负责人"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    contract_ref = models.CharField(
        _("服务合同编号"), max_length=120, blank=True, help_text=_("物业服务合同中约定保安队伍（第5条）。")
    )
    police_liaison = models.CharField(
        _("派出所联系人"), max_length=60, blank=True, help_text=_("社区巡防队与派出所共同管理（第6条）。")
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "安保队伍")
        verbose_name_plural = _("安保队伍")
        ordering = ["community", "kind", "name"]

    def __str__(self) -> str:
        return self.name
