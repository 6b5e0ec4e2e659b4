"""Frames from a camera stream or a video file through ffmpeg, and the pictures a passage keeps.

No Django here. ffmpeg decodes (RTSP over TCP, or any file it can read), samples `fps` frames a second,
scales down to at most `max_width` pixels wide and writes raw BGR frames to a pipe; the frame size is
read from ffmpeg's own description of its output stream. A live stream is read by a thread that keeps
only the newest frames, so a slow recogniser falls behind by dropping frames, never by lagging.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import logging
import os
import queue
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Final

import cv2
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
Point = tuple[int, int]

LIVE_SCHEMES: Final = frozenset({"rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt"})
# ffmpeg describes its output before the first frame:
# "Stream #0:0: Video: rawvideo (BGR[24] / 0x18524742), bgr24, 1280x720"
_OUTPUT_SIZE: Final = re.compile(r"Stream #0:0.*Video: rawvideo.*?, (\d{2,5})x(\d{2,5})")
PLATE_SIZE: Final = (168, 48)  # rectified plate crop (one row); two-row plates get half the width's height
TWO_ROW_ASPECT: Final = 2.3


class VideoError(RuntimeError):
    """ffmpeg is missing, or the stream could not be opened or read; the message says why."""


@dataclass(frozen=True)
class Frame:
    """One sampled frame: stream time in seconds, the wall-clock time it shows, the BGR picture."""

    at: float
    wall: dt.datetime
    image: Image


def ffmpeg_executable() -> str:
    """`ANFANG_FFMPEG`, else the static binary of the imageio-ffmpeg wheel, else `ffmpeg` on the PATH."""
    configured = os.environ.get("ANFANG_FFMPEG")
    if configured:
        return configured
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found is None:
            raise VideoError(
                "ffmpeg not found: install the imageio-ffmpeg wheel or set ANFANG_FFMPEG"
            ) from None
        return found


def is_live(url: str) -> bool:
    """A network stream (reconnected when it ends), not a file (read once)."""
    return urllib.parse.urlsplit(url).scheme.lower() in LIVE_SCHEMES


def redact(url: str) -> str:
    """The URL without its password, for logs (`rtsp://admin:***@10.0.0.5/…`)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


_CREDENTIALS: Final = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@]*:)[^@\s/]*@")


def mask_passwords(text: str) -> str:
    """Every `scheme://user:password@` in a text (ffmpeg's messages) with the password as `***`."""
    return _CREDENTIALS.sub(r"\1***@", text)


def ffmpeg_command(url: str, *, fps: float, max_width: int, executable: str | None = None) -> list[str]:
    """The ffmpeg command that writes `fps` BGR frames a second, at most `max_width` wide, to stdout."""
    args = [executable or ffmpeg_executable(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"]
    if urllib.parse.urlsplit(url).scheme.lower() in ("rtsp", "rtsps"):
        # TCP: no lost packets (torn frames) on busy networks; a socket timeout so a dead camera ends.
        args += ["-rtsp_transport", "tcp", "-timeout", "10000000"]
    args += [
        "-i",
        url,
        "-an",
        "-sn",
        "-vf",
        f"fps={fps:g},scale='min({max_width},iw)':-2",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgr24",
        "pipe:1",
    ]
    return args


class FrameReader:
    """An ffmpeg process and the frames it writes; `close()` (or leaving `with`) ends it."""

    def __init__(
        self,
        url: str,
        *,
        fps: float,
        max_width: int = 1280,
        open_timeout: float = 20.0,
        live: bool | None = None,
        executable: str | None = None,
    ) -> None:
        self.url = url
        self.fps = fps
        self.live = is_live(url) if live is None else live
        self.open_timeout = open_timeout
        self.size: tuple[int, int] | None = None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=15)
        self._sized = threading.Event()
        self._closed = threading.Event()
        command = ffmpeg_command(url, fps=fps, max_width=max_width, executable=executable)
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as exc:
            raise VideoError(f"cannot run ffmpeg ({command[0]}): {exc}") from exc
        self._stderr_thread = threading.Thread(target=self._read_stderr, name="ffmpeg-stderr", daemon=True)
        self._stderr_thread.start()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def returncode(self) -> int | None:
        return self._process.poll()

    def describe_exit(self) -> str:
        """ffmpeg's exit status and its last words (for the log)."""
        tail = " | ".join(line for line in self.stderr_tail if line)[-600:]
        return (
            f"ffmpeg exit {self._process.poll()}: {tail}" if tail else f"ffmpeg exit {self._process.poll()}"
        )

    def _read_stderr(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        output_seen = False
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self.stderr_tail.append(mask_passwords(line.replace(self.url, redact(self.url))))
            if line.startswith("Output #0"):
                output_seen = True
            elif output_seen and self.size is None:
                match = _OUTPUT_SIZE.search(line)
                if match:
                    self.size = (int(match.group(1)), int(match.group(2)))
                    self._sized.set()
        self._sized.set()  # ffmpeg ended: nobody waits for a size that will not come

    def frames(self, stop: threading.Event | None = None) -> Iterator[Frame]:
        """The frames until the stream ends, `stop` is set or the reader is closed; raises
        `VideoError` when the stream cannot be opened."""
        stop = stop or threading.Event()
        deadline = time.monotonic() + self.open_timeout
        while not self._sized.wait(0.2):
            if stop.is_set() or self._closed.is_set():
                return
            if time.monotonic() > deadline:
                raise VideoError(f"{redact(self.url)}: no video within {self.open_timeout:.0f} s")
        if self.size is None:
            self._process.wait(timeout=5)
            raise VideoError(f"{redact(self.url)}: cannot open ({self.describe_exit()})")
        width, height = self.size
        stdout = self._process.stdout
        assert stdout is not None
        if self.live:
            yield from self._latest(stdout, width, height, stop)
            return
        started = dt.datetime.now(dt.UTC)
        index = 0
        while not stop.is_set():
            image = _read_frame(stdout, width, height)
            if image is None:
                return
            at = index / self.fps
            yield Frame(at, started + dt.timedelta(seconds=at), image)
            index += 1

    def _latest(self, stdout: IO[bytes], width: int, height: int, stop: threading.Event) -> Iterator[Frame]:
        """A live stream: a thread reads every frame, the caller gets the newest ones (older dropped)."""
        ready: queue.Queue[Frame | None] = queue.Queue(maxsize=2)

        def pump() -> None:
            index = 0
            started: dt.datetime | None = None
            while not self._closed.is_set():
                image = _read_frame(stdout, width, height)
                if image is None:
                    break
                now = dt.datetime.now(dt.UTC)
                started = started or now
                at = index / self.fps
                index += 1
                frame = Frame(at, started + dt.timedelta(seconds=at), image)
                while True:
                    try:
                        ready.put_nowait(frame)
                        break
                    except queue.Full:
                        with contextlib.suppress(queue.Empty):
                            ready.get_nowait()  # the recogniser is behind: drop the oldest frame
            while True:
                try:
                    ready.put(None, timeout=0.5)
                    return
                except queue.Full:
                    if self._closed.is_set():
                        return

        thread = threading.Thread(target=pump, name="ffmpeg-frames", daemon=True)
        thread.start()
        while not stop.is_set():
            try:
                frame = ready.get(timeout=0.5)
            except queue.Empty:
                continue
            if frame is None:
                return
            yield frame

    def close(self) -> None:
        """End ffmpeg (terminate, then kill) and release the pipes."""
        self._closed.set()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=3)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        self._stderr_thread.join(timeout=2)


def _read_frame(stdout: IO[bytes], width: int, height: int) -> Image | None:
    """One raw frame, or None at the end of the stream (a torn last frame is dropped)."""
    size = width * height * 3
    buffer = bytearray(size)
    view = memoryview(buffer)
    filled = 0
    try:
        while filled < size:
            count = stdout.readinto(view[filled:])  # type: ignore[attr-defined]
            if not count:
                return None
            filled += count
    except (OSError, ValueError):  # the pipe was closed under us (close() from another thread)
        return None
    return np.frombuffer(buffer, dtype=np.uint8).reshape(height, width, 3)


# ---------------------------------------------------------------------------------------------------
# Pictures kept with a passage
# ---------------------------------------------------------------------------------------------------


def to_jpeg(image: Image, quality: int = 90) -> bytes:
    """JPEG bytes of a BGR picture."""
    ok, encoded = cv2.imencode(".jpg", image, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
    if not ok:
        raise VideoError("could not encode the picture as JPEG")
    return bytes(encoded.tobytes())


def plate_crop(image: Image, corners: tuple[Point, Point, Point, Point], margin: float = 0.06) -> Image:
    """The plate warped flat from its corners (top left, clockwise), a little margin around it."""
    lt, rt, rb, lb = (np.array(p, dtype=np.float32) for p in corners)
    across = ((rt - lt) + (rb - lb)) / 2
    down = ((lb - lt) + (rb - rt)) / 2
    mx, my = across * margin, down * margin * 2
    source = np.array([lt - mx - my, rt + mx - my, rb + mx + my, lb - mx + my], dtype=np.float32)
    width, height = PLATE_SIZE
    w, h = float(np.linalg.norm(across)), float(np.linalg.norm(down))
    if h > 0 and w / h < TWO_ROW_ASPECT:
        height = width // 2
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warped, dtype=np.uint8)


__all__ = [
    "Frame",
    "FrameReader",
    "VideoError",
    "ffmpeg_command",
    "ffmpeg_executable",
    "is_live",
    "mask_passwords",
    "plate_crop",
    "redact",
    "to_jpeg",
]
