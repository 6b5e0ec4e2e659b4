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
_TINT_SATURATION: Final = 18
_TINTED_SHARE: Final = 0.3


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
        best = _dominant_hue(hue[saturated])
        if best is not None:
            return best
    # Washed out or dim: the characters' polarity says which family. Light characters on a dark ground
    # are a blue plate (grey-blue when faded) or a black one; dark characters a white, yellow or green.
    low, middle, high = np.percentile(val, (10, 50, 90))
    light_text = (high - middle) > (middle - low)
    tinted = (sat >= _TINT_SATURATION) & (val >= _MIN_VALUE // 2)
    tint = _dominant_hue(hue[tinted]) if tinted.mean() >= _TINTED_SHARE else None
    if light_text:
        return PlateColor.BLUE if tint is PlateColor.BLUE else PlateColor.BLACK
    if tint in (PlateColor.YELLOW, PlateColor.GREEN):
        return tint
    return PlateColor.WHITE


def _dominant_hue(hues: npt.NDArray[np.int_]) -> PlateColor | None:
    counts = {color: int(np.count_nonzero((hues >= lo) & (hues <= hi))) for color, lo, hi in _HUES}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] > 0 else None
