"""detect → rectify → recognise (two recognisers, grammar decoding) → colour → confidence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt

from anfang.anpr import grammar, models
from anfang.anpr.color import plate_color
from anfang.anpr.detect import Detection, detect
from anfang.anpr.image import ImageInput, load

Point = tuple[int, int]
# BGR uint8 pictures; OpenCV's stubs type its results loosely, so the alias is loose too.
UInt8Image = npt.NDArray[Any]


@dataclass(frozen=True)
class PlateRead:
    """One plate read in a picture: normalised text, colour, confidence 0-1, box and corners (pixels).

    `box` is (x1, y1, x2, y2); `corners` are the plate's corners clockwise from the top left.
    """

    text: str
    color: str
    confidence: float
    box: tuple[int, int, int, int]
    corners: tuple[Point, Point, Point, Point]


@dataclass(frozen=True)
class Settings:
    """Tunable constants (measured on the public set with bench/anpr.py; see the decision record)."""

    # Long sides the detector sees, in turn, until one detection is sure (small or tilted plates in big
    # pictures need the larger sizes).
    work_sizes: tuple[int, ...] = (640, 1024)
    min_work_size: int = 320  # small pictures are upscaled to this before detection
    sure_score: float = 0.7
    detect_threshold: float = 0.2
    margin_x: float = 0.08  # plate width added left and right before rectifying
    margin_y: float = 0.12  # plate height added above and below
    plate_height: int = 48  # rectified single-row plate: height × width
    plate_width: int = 168
    two_row_aspect: float = 2.3  # width/height below this: a two-row plate
    weights: tuple[float, float] = (0.6, 1.0)  # plate recogniser, PP-OCR recogniser
    sure_reading: float = 0.9  # the PP-OCR reading alone when its weakest character is this sure
    province_weights: tuple[float, float] = (0.3, 1.0)  # the plate recogniser over-reads 皖 (CCPD)
    min_confidence: float = 0.08
    retry_below: float = 0.5  # plates read less surely than this are read again with other margins
    retry_margins: tuple[tuple[float, float], ...] = ((0.03, 0.06), (0.14, 0.2))
    retry_crop_margins: tuple[tuple[float, float], ...] = ((-0.02, -0.05), (0.03, 0.08))
    max_plates: int = 8


SETTINGS: Final = Settings()


def read(image: ImageInput, settings: Settings = SETTINGS) -> list[PlateRead]:
    """Every plate read in the picture, most confident first (`AnprError` for an unreadable image)."""
    bgr = load(image)
    height, width = bgr.shape[:2]
    detections = _detect(bgr, settings)[: settings.max_plates]
    corners = [_order(det.corners) for det in detections]
    plates = [_rectify(bgr, c, settings, det.whole) for c, det in zip(corners, detections, strict=True)]
    readings = _recognise(plates, settings)
    _retry_unsure(bgr, detections, corners, plates, readings, settings)
    reads: list[PlateRead] = []
    for det, points, plate, reading in zip(detections, corners, plates, readings, strict=True):
        conf = grammar.confidence(reading) * min(1.0, det.score / 0.9)
        if conf < settings.min_confidence:
            continue
        reads.append(
            PlateRead(
                text=reading.text,
                color=str(plate_color(plate)),
                confidence=round(float(conf), 4),
                box=_clip_box(det.box, width, height),
                corners=_points(points),
            )
        )
    return _unique(sorted(reads, key=lambda r: r.confidence, reverse=True))


def _retry_unsure(
    bgr: UInt8Image,
    detections: list[Detection],
    corners: list[npt.NDArray[np.float32]],
    plates: list[UInt8Image],
    readings: list[grammar.Reading],
    settings: Settings,
) -> None:
    """Read unsure plates again with other margins (corners are a few pixels off); keep the surest."""
    unsure = [
        i
        for i, r in enumerate(readings)
        if grammar.confidence(r) < settings.retry_below
        and (grammar.confidence(r) >= settings.min_confidence or detections[i].score >= settings.sure_score)
    ]
    if not unsure:
        return
    tries: list[tuple[int, npt.NDArray[np.float32], UInt8Image]] = []
    for i in unsure:
        margins = settings.retry_crop_margins if detections[i].whole else settings.retry_margins
        for mx, my in margins:
            alt = replace(settings, margin_x=mx, margin_y=my)
            tries.append((i, corners[i], _rectify(bgr, corners[i], alt)))
        if not detections[i].whole:
            # The detector may have found only the lower row of a two-row plate: look above it too.
            grown = _upper_row_added(corners[i])
            tries.append((i, grown, _rectify(bgr, grown, settings)))
    new_readings = _recognise([plate for _, _, plate in tries], settings)
    for (i, points, plate), reading in zip(tries, new_readings, strict=True):
        if grammar.confidence(reading) > grammar.confidence(readings[i]):
            readings[i] = reading
            plates[i] = plate
            if points is not corners[i]:
                corners[i] = points
                detections[i] = replace(detections[i], box=_bounds(points))


def _bounds(corners: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.array([*corners.min(axis=0), *corners.max(axis=0)], dtype=np.float32)


def _upper_row_added(corners: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Corners (lt, rt, rb, lb) grown upwards by the top row of a two-row plate (half the lower row)."""
    lt, rt, rb, lb = corners
    up = ((lb - lt) + (rb - rt)) / 2 * 0.55
    return np.array([lt - up, rt - up, rb, lb], dtype=np.float32)


def _unique(reads: list[PlateRead]) -> list[PlateRead]:
    """The same plate text twice (overlapping detections) is one plate."""
    seen: set[str] = set()
    out = []
    for r in reads:
        if r.text not in seen:
            seen.add(r.text)
            out.append(r)
    return out


def _detect(bgr: UInt8Image, settings: Settings) -> list[Detection]:
    """Detections in full-image coordinates, best first.

    First at the work size; when nothing there is sure, again at a larger size (small or tilted plates
    in big pictures), merged. A picture that is itself a plate is taken whole.
    """
    height, width = bgr.shape[:2]
    long_side = max(height, width)
    found: list[Detection] = []
    previous = 0
    for size in settings.work_sizes:
        if previous >= long_side:
            break
        found = _merge(found + _detect_at(bgr, size, settings))
        previous = size
        if found and found[0].score >= settings.sure_score:
            break
    if _plate_shaped(width, height) and (not found or not _covers(found[0], width)):
        # A picture that may itself be a plate (cameras send plate crops): the whole picture is a
        # candidate too, after what the detector found (which may be one row of a two-row plate).
        corners = np.array([[width, height], [0, height], [0, 0], [width, 0]], dtype=np.float32)
        box = np.array([0, 0, width, height], dtype=np.float32)
        return [*found, Detection(0.9, box, corners, whole=True)]
    return found


def _covers(det: Detection, width: int) -> bool:
    """Whether a detection spans most of the picture's width (the picture is that plate)."""
    return float(det.box[2] - det.box[0]) >= 0.7 * width


def _detect_at(bgr: UInt8Image, size: int, settings: Settings) -> list[Detection]:
    height, width = bgr.shape[:2]
    long_side = max(height, width)
    scale = size / long_side if long_side > size else 1.0
    if long_side * scale < settings.min_work_size:
        scale = settings.min_work_size / long_side
    work = _scaled(bgr, scale)
    return [
        Detection(d.score, d.box / scale, d.corners / scale) for d in detect(work, settings.detect_threshold)
    ]


def _scaled(bgr: UInt8Image, scale: float) -> UInt8Image:
    """The picture scaled; large reductions halve first (pyrDown), which is far cheaper than INTER_AREA."""
    if scale == 1.0:
        return bgr
    height, width = bgr.shape[:2]
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    work = bgr
    while work.shape[1] >= 2 * target[0] and work.shape[0] >= 2 * target[1]:
        work = cv2.pyrDown(work)
    return cv2.resize(work, target, interpolation=cv2.INTER_LINEAR)


def _merge(found: list[Detection]) -> list[Detection]:
    """One detection per plate across scales: the best scoring of overlapping ones."""
    kept: list[Detection] = []
    for det in sorted(found, key=lambda d: d.score, reverse=True):
        if all(_overlap(det.box, k.box) < 0.3 for k in kept):
            kept.append(det)
    return kept


def _overlap(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    w = max(0.0, float(min(a[2], b[2]) - max(a[0], b[0])))
    h = max(0.0, float(min(a[3], b[3]) - max(a[1], b[1])))
    inter = w * h
    union = float((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) - inter
    return inter / union if union > 0 else 0.0


def _plate_shaped(width: int, height: int) -> bool:
    """Plates are 440×140 (one row) or 440×220 (two rows) mm; a picture that shape may be a plate crop."""
    return 1.6 <= width / max(1, height) <= 6.0 and max(width, height) <= 400


def _order(corners: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The detector's corners (right-bottom, left-bottom, left-top, right-top) clockwise from top left."""
    rb, lb, lt, rt = corners
    return np.array([lt, rt, rb, lb], dtype=np.float32)


def _points(corners: npt.NDArray[np.float32]) -> tuple[Point, Point, Point, Point]:
    lt, rt, rb, lb = ((round(float(x)), round(float(y))) for x, y in corners)
    return lt, rt, rb, lb


def _clip_box(box: npt.NDArray[np.float32], width: int, height: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (float(v) for v in box)
    return (
        int(max(0, min(width - 1, round(x1)))),
        int(max(0, min(height - 1, round(y1)))),
        int(max(0, min(width - 1, round(x2)))),
        int(max(0, min(height - 1, round(y2)))),
    )


def _rectify(
    bgr: UInt8Image, corners: npt.NDArray[np.float32], settings: Settings, whole: bool = False
) -> UInt8Image:
    """The plate warped flat from its corners (lt, rt, rb, lb), with a margin; off-image parts padded."""
    lt, rt, rb, lb = corners
    across = ((rt - lt) + (rb - lb)) / 2
    down = ((lb - lt) + (rb - rt)) / 2
    mx, my = across * settings.margin_x, down * settings.margin_y
    if whole:
        mx, my = mx * 0, my * 0
    source = np.array([lt - mx - my, rt + mx - my, rb + mx + my, lb - mx + my], dtype=np.float32)
    w = float(np.linalg.norm(across))
    h = float(np.linalg.norm(down))
    if h > 0 and w / h < settings.two_row_aspect:
        out_w, out_h = settings.plate_width, settings.plate_width // 2
    else:
        out_w, out_h = settings.plate_width, settings.plate_height
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(
        bgr, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _to_single_row(plate: UInt8Image, settings: Settings) -> UInt8Image:
    """A two-row plate (province and letter above, serial below) laid out as one row.

    GA 36-2018 two-row plates (yellow, large vehicles and trailers) carry the two small characters
    centred in the top third and the serial below; each row is scaled to the recogniser's height.
    """
    height, width = plate.shape[:2]
    split = int(height * 0.36)
    top = plate[: split + height // 24, int(width * 0.2) : int(width * 0.8)]
    bottom = plate[split:, :]
    h = settings.plate_height
    top = cv2.resize(top, (max(1, round(top.shape[1] * h / top.shape[0] * 0.8)), h))
    bottom = cv2.resize(bottom, (max(1, round(bottom.shape[1] * h / bottom.shape[0])), h))
    return np.ascontiguousarray(np.hstack([top, bottom]))


def _run(recogniser: models.Recogniser, images: list[UInt8Image]) -> list[npt.NDArray[np.float32]]:
    """Folded per-step probabilities of each image; images of one width go through in one batch."""
    height = recogniser.height
    session = recogniser.session
    name = session.get_inputs()[0].name
    out: list[npt.NDArray[np.float32]] = [np.empty(0, np.float32)] * len(images)
    groups: dict[int, list[int]] = {}
    for index, image in enumerate(images):
        width = max(height, round(image.shape[1] * height / image.shape[0]))
        groups.setdefault(width, []).append(index)
    for width, indexes in groups.items():
        batch = np.stack(
            [cv2.resize(images[i], (width, height), interpolation=cv2.INTER_LINEAR) for i in indexes]
        )
        x = (batch.astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2)
        probs = session.run(None, {name: x})[0]
        for i, p in zip(indexes, probs, strict=True):
            out[i] = grammar.fold(p, recogniser.characters)
    return out


def _layouts(plate: UInt8Image, settings: Settings) -> list[UInt8Image]:
    """How to read a rectified plate: as it is, or, when its shape may be a two-row plate, both ways."""
    height, width = plate.shape[:2]
    if width / height >= settings.two_row_aspect:
        return [plate]
    single = cv2.resize(plate, (settings.plate_width, settings.plate_height), interpolation=cv2.INTER_AREA)
    return [_to_single_row(plate, settings), single]


def _recognise(plates: list[UInt8Image], settings: Settings) -> list[grammar.Reading]:
    """Each plate's reading: both recognisers decoded with the grammar and voted; best layout kept."""
    owners: list[int] = []
    images: list[UInt8Image] = []
    for index, plate in enumerate(plates):
        for layout in _layouts(plate, settings):
            owners.append(index)
            images.append(layout)
    if not images:
        return []
    # The general PP-OCR recogniser first; the plate recogniser is asked only where it is unsure.
    general = [grammar.decode(p) for p in _run(models.ocr_recogniser(), images)]
    unsure = [
        i for i, options in enumerate(general) if grammar.confidence(options[0]) < settings.sure_reading
    ]
    second = dict(zip(unsure, _run(models.plate_recogniser(), [images[i] for i in unsure]), strict=True))
    best: list[grammar.Reading | None] = [None] * len(plates)
    for index, (owner, options) in enumerate(zip(owners, general, strict=True)):
        if index in second:
            reading = grammar.combine(
                [grammar.decode(second[index]), options], settings.weights, settings.province_weights
            )
        else:
            reading = options[0]
        current = best[owner]
        if current is None or reading.log_score > current.log_score:
            best[owner] = reading
    return [r for r in best if r is not None]
