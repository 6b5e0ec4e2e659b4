"""Plate colour from the rectified plate's pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from anfang.anpr.color import plate_color
from anfang.vehicles.plates import PlateColor


def plate(background: tuple[int, int, int], text: tuple[int, int, int]) -> np.ndarray:
    """A 48×168 BGR plate: background colour with a few character-like strokes."""
    image = np.full((48, 168, 3), background, dtype=np.uint8)
    cv2.putText(image, "A 12345", (8, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.2, text, 3)
    return image


@pytest.mark.parametrize(
    ("background", "text", "expected"),
    [
        ((170, 60, 20), (255, 255, 255), PlateColor.BLUE),
        ((20, 190, 230), (0, 0, 0), PlateColor.YELLOW),
        ((90, 200, 60), (0, 0, 0), PlateColor.GREEN),
        ((245, 245, 245), (0, 0, 0), PlateColor.WHITE),
        ((15, 15, 15), (240, 240, 240), PlateColor.BLACK),
        # A faded blue plate in dim light: little saturation, but bluish and light characters.
        ((120, 100, 90), (200, 200, 200), PlateColor.BLUE),
    ],
)
def test_background_colour(
    background: tuple[int, int, int], text: tuple[int, int, int], expected: PlateColor
) -> None:
    assert plate_color(plate(background, text)) == expected


def test_grey_picture_is_white_or_black_never_an_error() -> None:
    grey = cv2.cvtColor(
        cv2.cvtColor(plate((170, 60, 20), (255, 255, 255)), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR
    )
    assert plate_color(grey) in (PlateColor.WHITE, PlateColor.BLACK)


def test_empty_input_is_unknown() -> None:
    assert plate_color(np.zeros((0, 0, 3), dtype=np.uint8)) == PlateColor.UNKNOWN
