"""`anfang worker anpr`: plain cameras become plate-reading lanes (第9条: entrance cameras recognise plates).

Every lane with a stream URL and a camera gets a thread: ffmpeg samples its video (`ANFANG_ANPR_FPS`
frames a second, default 5), each frame is read (`anpr.read`), reads are tracked across frames and voted
per character (`anpr.tracking`), and each vehicle becomes exactly one passage through
`vehicles.services.record_passage` (decision, barrier, blacklist alarm as for any plate camera), with the
best frame as the scene picture and the rectified plate as the plate picture. A network stream that ends
is reconnected with back-off; a file is read once. The lane list is re-read every `refresh_s`, so a lane
given a stream URL starts without a restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Final

from django.db import DatabaseError, close_old_connections, connections

from anfang import anpr
from anfang.anpr import tracking, video
from anfang.core import audit
from anfang.core.config import ConfigError
from anfang.integrations.events import Picture
from anfang.vehicles.choices import PassageSourceChoices
from anfang.vehicles.models import Lane
from anfang.vehicles.services import PassageResult, PlateRead, record_passage

log = logging.getLogger(__name__)

ACTOR: Final = "worker:anpr"


def _number(name: str, default: float, *, minimum: float, maximum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number") from exc
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={raw} must be from {minimum:g} to {maximum:g}")
    return value


@dataclass(frozen=True)
class ReaderSettings:
    """How a lane's video is read; from `ANFANG_ANPR_*` (docs/anpr.md)."""

    fps: float = 5.0  # frames read a second
    max_width: int = 1280  # frames are scaled down to this width (plates stay readable, work is bounded)
    min_frames: int = 2  # a plate in fewer frames is noise (3 readable frames always make a passage)
    end_after: float = 1.5  # a plate not seen this long has left
    decide_frames: int = 10  # a plate still in view after this many frames is reported (car at a barrier)
    min_backoff: float = 1.0
    max_backoff: float = 60.0

    @classmethod
    def from_env(cls) -> ReaderSettings:
        fps = _number("ANFANG_ANPR_FPS", 5.0, minimum=0.5, maximum=30.0)
        min_frames = int(_number("ANFANG_ANPR_MIN_FRAMES", 2, minimum=1, maximum=20))
        return cls(
            fps=fps,
            max_width=int(_number("ANFANG_ANPR_MAX_WIDTH", 1280, minimum=320, maximum=3840)),
            min_frames=min_frames,
            decide_frames=max(min_frames, round(2 * fps)),
        )


@dataclass(frozen=True)
class _Job:
    """What a lane thread reads: re-started when any of it changes."""

    lane_id: int
    stream_url: str
    camera_id: int


class LaneReader:
    """One lane's stream: frames → reads → tracks → passages."""

    def __init__(self, lane: Lane, settings: ReaderSettings) -> None:
        self.lane = lane
        self.settings = settings
        self.passages: list[PassageResult] = []

    def label(self) -> str:
        return f"lane {self.lane.code} ({video.redact(self.lane.stream_url)})"

    def run(self, stop: threading.Event) -> None:
        """Read until `stop`; a network stream is reopened with back-off, a file is read once."""
        backoff = self.settings.min_backoff
        live = video.is_live(self.lane.stream_url)
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    frames = self.read_stream(stop)
                except video.VideoError as exc:
                    log.error("ANPR %s: %s", self.label(), exc)
                    frames = 0
                except anpr.AnprUnavailable as exc:
                    log.error(
                        "ANPR %s: the plate reader is not installed (%s); stopping this lane",
                        self.label(),
                        exc,
                    )
                    return
                except Exception:
                    log.exception("ANPR %s: reading failed", self.label())
                    frames = 0
                if not live or stop.is_set():
                    log.info("ANPR %s: stream ended (%d frames)", self.label(), frames)
                    return
                if frames and time.monotonic() - started > 60:
                    backoff = self.settings.min_backoff  # it ran well for a while: a fresh failure
                log.warning("ANPR %s: stream ended; reconnecting in %g s", self.label(), backoff)
                if stop.wait(backoff):
                    return
                backoff = min(self.settings.max_backoff, backoff * 2)
        finally:
            connections.close_all()  # this thread's connection

    def read_stream(self, stop: threading.Event) -> int:
        """Open the stream once and read it to its end (or `stop`); the number of frames read."""
        tracker = tracking.Tracker(
            end_after=self.settings.end_after,
            min_frames=self.settings.min_frames,
            decide_frames=self.settings.decide_frames,
        )
        count = 0
        origin: dt.datetime | None = None  # the wall-clock time of stream time 0 (frames carry both)
        with video.FrameReader(
            self.lane.stream_url, fps=self.settings.fps, max_width=self.settings.max_width
        ) as reader:
            log.info("ANPR %s: reading at %g frames/s", self.label(), self.settings.fps)
            for frame in reader.frames(stop):
                count += 1
                origin = origin or frame.wall - dt.timedelta(seconds=frame.at)
                try:
                    reads = anpr.read(frame.image)
                except anpr.AnprError as exc:  # a broken frame: skip it
                    log.debug("ANPR %s: frame at %.1f s unreadable: %s", self.label(), frame.at, exc)
                    reads = []
                sightings = [
                    tracking.Sighting(
                        frame.at, r.text, r.color, r.confidence, r.box, payload=(frame.image, r.corners)
                    )
                    for r in reads
                ]
                for result in tracker.update(frame.at, sightings):
                    self.emit(result, origin + dt.timedelta(seconds=result.started_at))
            if count == 0 and reader.returncode not in (None, 0):
                raise video.VideoError(reader.describe_exit())
            if reader.returncode not in (None, 0) and not stop.is_set():
                log.warning("ANPR %s: %s", self.label(), reader.describe_exit())
        for result in tracker.finish():
            assert origin is not None  # a track needs a frame
            self.emit(result, origin + dt.timedelta(seconds=result.started_at))
        return count

    def emit(self, result: tracking.Result, started_at: dt.datetime) -> PassageResult | None:
        """The passage for one tracked vehicle (idempotent on lane + track start time)."""
        camera = self.lane.camera
        if camera is None:
            return None
        image, corners = result.best.payload
        pictures: dict[str, Picture] = {}
        try:
            pictures["scene"] = Picture("scene.jpg", "image/jpeg", video.to_jpeg(image))
            pictures["plate"] = Picture(
                "plate.jpg", "image/jpeg", video.to_jpeg(video.plate_crop(image, corners))
            )
        except Exception:  # a passage without a picture is still a passage
            log.exception("ANPR %s: could not make the pictures of %s", self.label(), result.text)
        read = PlateRead(
            source=PassageSourceChoices.ANPR,
            external_id=f"anpr:{self.lane.pk}:{started_at.astimezone(dt.UTC):%Y%m%dT%H%M%S.%f}",
            plate=result.text,
            occurred_at=started_at,
            plate_color=result.color,
            confidence=round(result.confidence * 100, 1),
            plate_picture=pictures.get("plate"),
            scene_picture=pictures.get("scene"),
            data={
                "frames": result.frames,
                "seconds_in_view": round(result.ended_at - result.started_at, 2),
                "best_confidence": result.best.confidence,
            },
        )
        for attempt in range(3):
            try:
                # The lane as it is now: its policy, hours and barrier may have changed since the start.
                lane = Lane.objects.select_related("camera", "community").filter(pk=self.lane.pk).first()
                if lane is None or lane.camera is None:
                    log.warning("ANPR %s: lane or camera removed; %s not recorded", self.label(), result.text)
                    return None
                with audit.actor(system=ACTOR):
                    passage = record_passage(read, device=lane.camera, lane=lane)
            except DatabaseError:
                close_old_connections()
                log.exception("ANPR %s: could not store %s (try %d)", self.label(), result.text, attempt + 1)
                time.sleep(1 + attempt)
                continue
            log.info(
                "ANPR %s: %s (%s, %d frames, %.0f %%) → passage %s %s",
                self.label(),
                result.text,
                result.color,
                result.frames,
                result.confidence * 100,
                passage.id,
                passage.decision,
            )
            self.passages.append(passage)
            return passage
        log.error("ANPR %s: passage of %s at %s lost (database)", self.label(), result.text, started_at)
        return None


class PlateReader:
    """`anfang worker anpr`: one `LaneReader` thread per lane with a stream URL and a camera."""

    def __init__(self, settings: ReaderSettings | None = None, *, refresh_s: float = 30.0) -> None:
        self.settings = settings or ReaderSettings.from_env()
        self.refresh_s = refresh_s
        self._threads: dict[_Job, tuple[threading.Thread, threading.Event]] = {}

    def lanes(self) -> list[Lane]:
        """Lanes the worker reads: a stream URL and a camera to record passages under."""
        return list(
            Lane.objects.exclude(stream_url="")
            .filter(camera__isnull=False)
            .select_related("camera", "community")
            .order_by("pk")
        )

    def tick(self) -> None:
        """Start a thread for each new or changed lane, stop those of lanes gone or changed."""
        try:
            lanes = self.lanes()
        except DatabaseError:
            log.exception("ANPR: could not read the lanes; keeping the current streams")
            close_old_connections()
            return
        wanted = {_Job(lane.pk, lane.stream_url.strip(), lane.camera_id or 0): lane for lane in lanes}
        for job in [j for j in self._threads if j not in wanted]:
            thread, stop = self._threads.pop(job)
            stop.set()
            log.info("ANPR: lane #%s no longer read", job.lane_id)
        for job, lane in wanted.items():
            running = self._threads.get(job)
            if running is not None and running[0].is_alive():
                continue
            if running is not None and not video.is_live(job.stream_url):
                continue  # a file was read once; a changed URL is a new job
            stop = threading.Event()
            reader = LaneReader(lane, self.settings)
            thread = threading.Thread(target=reader.run, args=(stop,), name=f"anpr-{lane.code}", daemon=True)
            self._threads[job] = (thread, stop)
            thread.start()

    def run(self, stop: threading.Event) -> None:
        """Read every lane's stream until `stop`."""
        if not anpr.available():
            log.error("ANPR: the model files are not installed (make install); reading nothing")
        log.info(
            "ANPR worker: %g frames/s per lane, lanes re-read every %.0f s", self.settings.fps, self.refresh_s
        )
        try:
            while True:
                self.tick()
                if stop.wait(self.refresh_s):
                    break
        finally:
            self.stop_all()
            connections.close_all()

    def stop_all(self, timeout: float = 10.0) -> None:
        """Stop every lane thread and wait for them (ffmpeg processes end with them)."""
        for _, stop in self._threads.values():
            stop.set()
        deadline = time.monotonic() + timeout
        for thread, _ in self._threads.values():
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        self._threads.clear()


__all__ = ["LaneReader", "PlateReader", "ReaderSettings"]
