"""Loading an image from bytes, a path or an array into one BGR uint8 array, with clear errors."""

from __future__ import annotations

import io
import os
import struct
import warnings
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from anfang.anpr.errors import AnprError, _

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
                raise AnprError(
                    "too_large", _("{name}：文件过大（{size} 字节）").format(name=path.name, size=size)
                )
            data = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise AnprError(
                "unreadable_file", _("{name}：无法读取文件（{reason}）").format(name=path.name, reason=reason)
            ) from None
        return _decode(data, path.name)
    raise AnprError("unsupported_input", _("不支持的图像类型：{kind}").format(kind=type(image).__name__))


def _decode(data: bytes, name: str) -> npt.NDArray[np.uint8]:
    if not data:
        raise AnprError("empty", _("{name}：文件为空").format(name=name))
    if len(data) > MAX_BYTES:
        raise AnprError("too_large", _("{name}：文件过大（{size} 字节）").format(name=name, size=len(data)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width <= 0 or height <= 0:
                    raise AnprError("not_an_image", _("{name}：图像没有像素").format(name=name))
                if width * height > MAX_PIXELS:
                    raise AnprError(
                        "too_large",
                        _("{name}：图像过大（{width}×{height} 像素）").format(
                            name=name, width=width, height=height
                        ),
                    )
                # OpenCV decodes straight to BGR (and turns by EXIF) about twice as fast as Pillow;
                # Pillow is the fallback for what OpenCV cannot decode, and names the error.
                decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
                if decoded is not None and decoded.size:
                    return np.ascontiguousarray(decoded, dtype=np.uint8)
                picture.load()
                upright = ImageOps.exif_transpose(picture) or picture
                rgb = upright.convert("RGB")
    except AnprError:
        raise
    except Image.DecompressionBombError:
        raise AnprError("too_large", _("{name}：图像过大").format(name=name)) from None
    except UnidentifiedImageError:
        # Pillow's own words name its in-memory buffer ("<_io.BytesIO object at 0x…>"): say it plainly.
        reason = _("不是 JPEG、PNG 等图像格式")
        raise AnprError(
            "not_an_image", _("{name}：不是可读取的图像（{reason}）").format(name=name, reason=reason)
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise AnprError(
            "not_an_image", _("{name}：不是可读取的图像（{reason}）").format(name=name, reason=exc)
        ) from None
    array = np.asarray(rgb, dtype=np.uint8)
    return np.ascontiguousarray(array[:, :, ::-1])


def _from_array(array: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8]:
    if array.size == 0 or array.ndim not in (2, 3):
        raise AnprError("not_an_image", _("形状为 {shape} 的数组不是图像").format(shape=array.shape))
    if array.shape[0] * array.shape[1] > MAX_PIXELS:
        raise AnprError(
            "too_large",
            _("图像过大（{width}×{height} 像素）").format(width=array.shape[1], height=array.shape[0]),
        )
    if array.dtype != np.uint8:
        if not np.issubdtype(array.dtype, np.number):
            raise AnprError("not_an_image", _("类型为 {dtype} 的数组不是图像").format(dtype=array.dtype))
        array = np.clip(np.nan_to_num(array.astype(np.float64)), 0, 255).astype(np.uint8)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    channels = array.shape[2]
    if channels == 1:
        array = np.repeat(array, 3, axis=2)
    elif channels == 4:
        array = array[:, :, :3]
    elif channels != 3:
        raise AnprError("not_an_image", _("{channels} 个通道的数组不是图像").format(channels=channels))
    return np.ascontiguousarray(array, dtype=np.uint8)
