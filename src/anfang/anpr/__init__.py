"""Plate recognition (ANPR) on the CPU from installed model files; no Django models.

``read(image)`` takes JPEG/PNG bytes, a path or a BGR array and returns the plates it reads, most
confident first. See docs/decisions/0005-anpr-engine.md for the models and the measured accuracy.
"""

from __future__ import annotations

from anfang.anpr.errors import AnprError, AnprUnavailable
from anfang.anpr.models import available
from anfang.anpr.pipeline import SETTINGS, PlateRead, Settings, read

__all__ = ["SETTINGS", "AnprError", "AnprUnavailable", "PlateRead", "Settings", "available", "read"]
