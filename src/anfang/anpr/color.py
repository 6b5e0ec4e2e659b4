"""Plate background colour from a rectified plate's pixels (HSV), GA 36-2018 colours.

The characters cover roughly a third of a plate, so the colour is the one most of the *saturated*
pixels share; a plate with few saturated pixels is white or black by its brightness.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from anfang.vehicles.plates import PlateColor

# OpenCV hue runs 0-179. Ranges of plate paints under ordinary daylight and IR-cut camera light.
_HUES: Final = (
    (PlateColor.YELLOW, 11, 34),
    (PlateColor.GREEN, 35, 95),
    (PlateColor.BLUE, 96, 135),
)
_MIN_SATURATION: Final = 70
_MIN_VALUE: Final = 50
_SATURATED_SHARE: Final = 0.2


def plate_color(bgr: npt.NDArray[np.uint8]) -> PlateColor:
    """The background colour of a rectified plate image (BGR); grey images give white or black."""
    if bgr.ndim != 3 or bgr.size == 0:
        return PlateColor.UNKNOWN
    height, width = bgr.shape[:2]
    # The inner part: the frame and what the margin added around the plate say nothing.
    inner = bgr[height // 6 : height - height // 6 or None, width // 12 : width - width // 12 or None]
    hsv = cv2.cvtColor(inner, cv2.COLOR_BGR2HSV).reshape(-1, 3)
    if hsv.size == 0:
        return PlateColor.UNKNOWN
    hue, sat, val = hsv[:, 0].astype(int), hsv[:, 1].astype(int), hsv[:, 2].astype(int)
    saturated = (sat >= _MIN_SATURATION) & (val >= _MIN_VALUE)
    if saturated.mean() >= _SATURATED_SHARE:
        counts = {
            color: int(np.count_nonzero(saturated & (hue >= lo) & (hue <= hi))) for color, lo, hi in _HUES
        }
        best = max(counts, key=lambda c: counts[c])
        if counts[best] > 0:
            return best
    # Unsaturated: a white plate is mostly bright, a black one mostly dark (its white characters aside).
    return PlateColor.WHITE if float(np.median(val)) >= 128 else PlateColor.BLACK
