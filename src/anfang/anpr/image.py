"""Loading an image from bytes, a path or an array into one BGR uint8 array, with clear errors."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from anfang.anpr.errors import AnprError

# Larger pictures are refused before decoding: a forged header must not make us allocate gigabytes.
MAX_PIXELS: Final = 50_000_000
MAX_BYTES: Final = 64 * 1024 * 1024

ImageInput = bytes | bytearray | memoryview | str | os.PathLike[str] | npt.NDArray[np.generic]


def load(image: ImageInput) -> npt.NDArray[np.uint8]:
    """A BGR uint8 array (H, W, 3). Arrays are taken as OpenCV gives them: BGR, BGRA or grey."""
    if isinstance(image, np.ndarray):
        return _from_array(image)
    if isinstance(image, bytes | bytearray | memoryview):
        return _decode(bytes(image), "image")
    if isinstance(image, str | os.PathLike):
        path = Path(image)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise AnprError(f"{path.name}: file too large ({size} bytes)")
            data = path.read_bytes()
        except OSError as exc:
            raise AnprError(f"{path.name}: cannot read file ({exc.strerror or exc})") from None
        return _decode(data, path.name)
    raise AnprError(f"unsupported image type {type(image).__name__}")


def _decode(data: bytes, name: str) -> npt.NDArray[np.uint8]:
    if not data:
        raise AnprError(f"{name}: empty file")
    if len(data) > MAX_BYTES:
        raise AnprError(f"{name}: file too large ({len(data)} bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width <= 0 or height <= 0:
                    raise AnprError(f"{name}: image has no pixels")
                if width * height > MAX_PIXELS:
                    raise AnprError(f"{name}: image too large ({width}×{height} pixels)")
                picture.load()
                upright = ImageOps.exif_transpose(picture) or picture
                rgb = upright.convert("RGB")
    except AnprError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise AnprError(f"{name}: not a readable image ({exc})") from None
    array = np.asarray(rgb, dtype=np.uint8)
    return np.ascontiguousarray(array[:, :, ::-1])


def _from_array(array: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8]:
    if array.size == 0 or array.ndim not in (2, 3):
        raise AnprError(f"image array of shape {array.shape} is not a picture")
    if array.shape[0] * array.shape[1] > MAX_PIXELS:
        raise AnprError(f"image too large ({array.shape[1]}×{array.shape[0]} pixels)")
    if array.dtype != np.uint8:
        if not np.issubdtype(array.dtype, np.number):
            raise AnprError(f"image array of type {array.dtype} is not a picture")
        array = np.clip(np.nan_to_num(array.astype(np.float64)), 0, 255).astype(np.uint8)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    channels = array.shape[2]
    if channels == 1:
        array = np.repeat(array, 3, axis=2)
    elif channels == 4:
        array = array[:, :, :3]
    elif channels != 3:
        raise AnprError(f"image array with {channels} channels is not a picture")
    return np.ascontiguousarray(array, dtype=np.uint8)
