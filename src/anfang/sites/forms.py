"""Registry forms for communities, locations and perimeter segments.

Geometry is typed the way a manager reads it off a site plan: ``x,y`` for a point,
``x1,y1; x2,y2; …`` for a line, the same with the first point repeated at the end for an area
(polygon); GeoJSON text is accepted too. A bad entry is a field error and the typed text stays.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from anfang.sites.geometry import GEOMETRY_TYPES, validate_geometry
from anfang.sites.models import Community, Location, PerimeterSegment, SecurityTeam

_POINT_SEPARATOR = re.compile(r"[;；\n]+")
_NUMBER_SEPARATOR = re.compile(r"[,，\s]+")


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def parse_geometry_text(text: str, allowed: tuple[str, ...] = GEOMETRY_TYPES) -> dict[str, Any] | None:
    """Turn what a user typed into a GeoJSON-shaped dict; raise ``ValidationError`` on bad input."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("不是有效的 JSON：%(error)s"), code="geometry_json", params={"error": exc.msg}
            ) from exc
    else:
        points: list[list[float]] = []
        for chunk in _POINT_SEPARATOR.split(text):
            chunk = chunk.strip()
            if not chunk:
                continue
            parts = [p for p in _NUMBER_SEPARATOR.split(chunk) if p]
            try:
                numbers = [float(p) for p in parts]
            except ValueError:
                numbers = []
            if len(numbers) != 2 or not all(math.isfinite(n) for n in numbers):
                raise ValidationError(
                    _("无法识别坐标“%(chunk)s”：每个点写作“x,y”（米），多个点用分号分隔。"),
                    code="geometry_syntax",
                    params={"chunk": chunk},
                )
            points.append(numbers)
        value = _points_to_geometry(points, allowed)
    validate_geometry(value, allowed=allowed)
    if not isinstance(value, dict):  # validate_geometry only lets empty values through otherwise
        return None
    return value


def _points_to_geometry(points: list[list[float]], allowed: tuple[str, ...]) -> dict[str, Any]:
    if len(points) == 1:
        return {"type": "Point", "coordinates": points[0]}
    closed = len(points) >= 4 and points[0] == points[-1]
    if closed and "Polygon" in allowed:
        return {"type": "Polygon", "coordinates": [points]}
    return {"type": "LineString", "coordinates": points}


GEOMETRY_LABELS = {"Point": _("点"), "LineString": _("线"), "Polygon": _("区域（多边形）")}


def geometry_label(value: Any) -> str:
    """A readable name of a stored geometry's type."""
    kind = value.get("type") if isinstance(value, dict) else None
    return str(GEOMETRY_LABELS.get(kind, kind or "")) if kind else ""


def svg_preview(value: Any, width: float | Decimal, height: float | Decimal) -> dict[str, Any] | None:
    """What a small SVG of one geometry on the site plan needs (y flipped: the plan's y points north)."""
    if not isinstance(value, dict):
        return None
    kind: Any = value.get("type")
    coords: Any = value.get("coordinates")
    try:
        if kind == "Point":
            ring = [coords]
        elif kind == "LineString":
            ring = coords
        elif kind == "Polygon":
            ring = coords[0]
        else:
            return None
        points = [(float(x), float(height) - float(y)) for x, y in ring]
    except (TypeError, ValueError, IndexError):
        return None
    stroke = max(float(width), float(height)) / 150
    # Plain strings: SVG attributes must not go through locale number formatting.
    return {
        "kind": kind,
        "view_box": f"0 0 {_number(float(width))} {_number(float(height))}",
        "points": " ".join(f"{_number(x)},{_number(y)}" for x, y in points),
        "x": _number(points[0][0]),
        "y": _number(points[0][1]),
        "stroke": _number(stroke),
        "radius": _number(stroke * 3),
    }


def geometry_to_text(value: Any) -> str:
    """The simple text form of a stored geometry (GeoJSON text for anything more complex)."""
    if not value:
        return ""
    if not isinstance(value, dict):
        return str(value)
    kind = value.get("type")
    coords: Any = value.get("coordinates")
    try:
        if kind == "Point":
            return f"{_number(coords[0])},{_number(coords[1])}"
        if kind == "LineString":
            return "; ".join(f"{_number(x)},{_number(y)}" for x, y in coords)
        if kind == "Polygon" and len(coords) == 1:
            return "; ".join(f"{_number(x)},{_number(y)}" for x, y in coords[0])
    except (TypeError, ValueError, IndexError):
        pass
    return json.dumps(value, ensure_ascii=False)


class GeometryField(forms.CharField):
    """A geometry typed as text; ``allowed`` restricts the geometry types."""

    widget = forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "class": "mono"})

    def __init__(self, *, allowed: tuple[str, ...] = GEOMETRY_TYPES, **kwargs: Any) -> None:
        self.allowed = allowed
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", GEOMETRY_HELP)
        # JSONField's model form field passes these; a text field has no use for them.
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # Bound forms hand back the typed text (str): show it unchanged.
        if isinstance(value, str):
            return value
        return geometry_to_text(value)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return parse_geometry_text(text or "", self.allowed)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return bool(self.to_python(data) != (initial or None))
        except ValidationError:
            return True


GEOMETRY_HELP = _(
    "单位米，平面图左下角为原点。点：“x,y”；线：“x1,y1; x2,y2; …”；区域：首尾同一点的多个点；也可填 GeoJSON。"
)


class CommunityScopedForm(forms.ModelForm):
    """A form for a record of one community: sets the community and keeps codes unique within it."""

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.instance.community = community

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        model: type[Model] = self._meta.model
        clash = model._default_manager.filter(community=self.community, code=code)
        if self.instance.pk is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("本小区已有编号为“%(code)s”的记录。"), params={"code": code})
        return code


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = [
            "code",
            "name",
            "address",
            "district",
            "management_type",
            "property_company",
            "police_station",
            "security_grade",
            "plan_width_m",
            "plan_height_m",
            "video_retention_days",
            "vehicle_retention_days",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    RETENTION_FIELDS = ("video_retention_days", "vehicle_retention_days")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The code is in every URL, push address and MQTT topic: fixed once created.
            self.fields["code"].disabled = True
        for name in self.RETENTION_FIELDS:
            # Left empty means the legal floor (R-33.2 第33条第(2)项), not an error.
            self.fields[name].required = False

    def _retention(self, name: str) -> int:
        value: int | None = self.cleaned_data.get(name)
        if value is None:
            field = Community._meta.get_field(name)
            assert isinstance(field, models.Field)
            default: int = field.get_default()
            return default
        return value

    def clean_video_retention_days(self) -> int:
        return self._retention("video_retention_days")

    def clean_vehicle_retention_days(self) -> int:
        return self._retention("vehicle_retention_days")


class LocationForm(CommunityScopedForm):
    geometry = GeometryField(label=_("几何（米）"))

    class Meta:
        model = Location
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "geometry",
            "entrance_role",
            "lane_type",
            "direction",
            "is_main",
            "floors",
            "area_m2",
            "linked_to",
            "household_doors_standard",
            "lock_grade",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        same_community = Location.objects.filter(community=self.community).order_by("kind", "code")
        if self.instance.pk is not None:
            same_community = same_community.exclude(pk=self.instance.pk)
        parent = self.fields["parent"]
        linked = self.fields["linked_to"]
        assert isinstance(parent, forms.ModelChoiceField) and isinstance(linked, forms.ModelChoiceField)
        parent.queryset = same_community
        linked.queryset = same_community.filter(kind__in=["duty_room", "monitoring_centre"])


class PerimeterSegmentForm(CommunityScopedForm):
    geometry = GeometryField(
        label=_("线几何（米）"),
        allowed=("LineString",),
        required=True,
        help_text=_("单位米：“x1,y1; x2,y2; …”，至少两个点；也可填 GeoJSON LineString。"),
    )

    class Meta:
        model = PerimeterSegment
        fields = ["code", "name", "sequence", "geometry", "barrier_type", "barrier_height_m", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class SecurityTeamForm(CommunityScopedForm):
    """R-5/R-6 (第5、6条): the guard team or community patrol team that keeps the community."""

    class Meta:
        model = SecurityTeam
        fields = [
            "kind",
            "name",
            "members",
            "leader",
            "phone",
            "contract_ref",
            "police_liaison",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
