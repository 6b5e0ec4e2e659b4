"""Site-plan geometry: GeoJSON-shaped dicts in local metres (x east, y north), checked with shapely."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

GEOMETRY_TYPES = ("Point", "LineString", "Polygon")


def to_shape(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    if not geometry:
        return None
    return shape(geometry)


def validate_geometry(value: Any, *, allowed: tuple[str, ...] = GEOMETRY_TYPES) -> None:
    """Raise ``ValidationError`` unless ``value`` is an empty value or a valid geometry of ``allowed``."""
    if value in (None, {}, ""):
        return
    if not isinstance(value, dict) or value.get("type") not in allowed:
        raise ValidationError(
            _('几何必须是 %(types)s 之一，形如 {"type": "Point", "coordinates": [x, y]}（单位：米）。')
            % {"types": ", ".join(allowed)},
            code="geometry_type",
        )
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ValidationError(_("几何坐标无效：%(error)s") % {"error": exc}, code="geometry_invalid") from exc
    if geom.is_empty:
        raise ValidationError(_("几何不能为空。"), code="geometry_empty")
    if value["type"] == "LineString" and geom.length <= 0:
        raise ValidationError(_("线段长度必须大于 0。"), code="geometry_length")
    if value["type"] == "Polygon" and not geom.is_valid:
        raise ValidationError(_("多边形自相交或无效。"), code="geometry_invalid")


def validate_line(value: Any) -> None:
    validate_geometry(value, allowed=("LineString",))
    if not value:
        raise ValidationError(_("周界段必须有线几何。"), code="geometry_required")


def validate_point(value: Any) -> None:
    validate_geometry(value, allowed=("Point",))
