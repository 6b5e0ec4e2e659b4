"""The video worker on short clips made here with real ffmpeg from real scene pictures: one passage per
vehicle, with the right plate and its pictures; a one-frame flash is noise; a bad stream never crashes."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from anfang import anpr
from anfang.anpr import tracking, video
from anfang.anpr.workers import LaneReader, PlateReader, ReaderSettings
from anfang.vehicles.models import Lane, Passage
from tests.support import factories

IMAGES = Path(__file__).parent / "images"
CANVAS = (880, 500)  # width, height: both scenes fit
pytestmark = pytest.mark.skipif(not anpr.available(), reason="ANPR model files not installed")


@pytest.fixture
def lane(tenancy: Any) -> Lane:
    """An entrance lane whose camera cannot read plates: anfang reads its video."""
    camera = factories.in_service_device(tenancy.a, code="CAM-IN", name="东门入口摄像机")
    return Lane.objects.create(
        community=tenancy.a, code="E-IN", name="东门入口", direction="in", camera=camera
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def placed(name: str | None, shift: int = 0) -> np.ndarray:
    """A scene picture on the canvas, moved `shift` pixels right (a car driving through); None: empty road."""
    canvas = np.full((CANVAS[1], CANVAS[0], 3), 90, dtype=np.uint8)
    if name is None:
        return canvas
    image = cv2.imread(str(IMAGES / name))
    assert image is not None
    h, w = image.shape[:2]
    canvas[:h, shift : shift + w] = image[:, : CANVAS[0] - shift]
    return canvas


def clip(path: Path, frames: list[np.ndarray], fps: int) -> Path:
    """Encode the frames with ffmpeg (H.264 in MP4, as a camera's recording would be)."""
    command = [
        video.ffmpeg_executable(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgr24",
        "-s",
        f"{CANVAS[0]}x{CANVAS[1]}",
        "-r",
        str(fps),
        "-i",
        "pipe:0",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-crf",
        "18",
        "-pix_fmt",
        "yuv420p",
        "-y",
        str(path),
    ]
    subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True, timeout=60)
    return path


def reader_for(lane: Lane, url: str, fps: float = 2.0) -> LaneReader:
    lane.stream_url = url
    lane.save()
    return LaneReader(lane, ReaderSettings(fps=fps, min_backoff=0.1))


@pytest.mark.django_db
def test_two_cars_in_a_clip_are_two_passages_with_pictures(lane: Lane, tmp_path: Path) -> None:
    fps = 10
    frames = (
        [placed("s0004.jpg", shift=i) for i in range(2 * fps)]  # 2 s: the first car
        + [placed(None)] * fps  # 1 s: nobody
        + [placed("s0056.jpg", shift=2 * i) for i in range(2 * fps)]  # 2 s: the second car
    )
    reader = reader_for(lane, str(clip(tmp_path / "gate.mp4", frames, fps)))
    assert reader.read_stream(threading.Event()) == 10  # 5 s sampled at 2 frames a second
    passages = list(Passage.objects.order_by("occurred_at"))
    assert [p.plate for p in passages] == ["苏EB68W9", "闽CPB592"]
    for passage in passages:
        assert passage.source == "anpr" and passage.lane == lane and passage.device == lane.camera
        assert passage.direction == "in" and passage.plate_color == "blue"
        assert passage.confidence is not None and 50 < passage.confidence <= 100
        assert passage.external_id.startswith(f"anpr:{lane.pk}:")
        assert passage.data["frames"] >= 3
        scene = cv2.imdecode(np.frombuffer(passage.scene_picture.read(), np.uint8), cv2.IMREAD_COLOR)
        plate = cv2.imdecode(np.frombuffer(passage.plate_picture.read(), np.uint8), cv2.IMREAD_COLOR)
        assert scene is not None and plate is not None
        assert scene.shape[:2] == (CANVAS[1], CANVAS[0]) and plate.shape[1] == video.PLATE_SIZE[0]
    assert [r.plate for r in reader.passages] == ["苏EB68W9", "闽CPB592"]
    assert passages[1].occurred_at - passages[0].occurred_at >= dt.timedelta(seconds=2.5)


@pytest.mark.django_db
def test_a_plate_in_one_frame_only_makes_no_passage(lane: Lane, tmp_path: Path) -> None:
    frames = [placed(None)] * 3 + [placed("s0004.jpg")] + [placed(None)] * 4  # at 2 fps: one frame of the car
    reader = reader_for(lane, str(clip(tmp_path / "flash.mp4", frames, 2)))
    assert reader.read_stream(threading.Event()) == 8
    assert not Passage.objects.exists()


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_lane_as_it_is_when_the_vehicle_passes_decides(lane: Lane, tmp_path: Path) -> None:
    """A lane changed while its stream is read (here: opened to everyone) counts at once."""
    reader = reader_for(lane, str(clip(tmp_path / "one.mp4", [placed("s0052.jpg")] * 6, 2)))
    Lane.objects.filter(pk=lane.pk).update(policy="open")
    reader.read_stream(threading.Event())
    assert [(p.plate, p.decision, p.reason) for p in Passage.objects.all()] == [
        ("辽BMW005", "open", "open_hours")
    ]


def test_reading_the_same_pass_twice_is_one_passage(lane: Lane, tmp_path: Path) -> None:
    """Idempotent on lane + track start: a passage handed out again (a retry) is the same passage."""
    frames = [placed("s0052.jpg")] * 6
    reader = reader_for(lane, str(clip(tmp_path / "one.mp4", frames, 2)))
    reader.read_stream(threading.Event())
    (first,) = reader.passages
    assert first.plate == "辽BMW005" and not first.duplicate
    # The tracked vehicle is recorded again with the same start time: the unique (device, id) keeps one.
    passage = Passage.objects.get()
    again = reader.emit(
        tracking.Result(
            track_id=1,
            text="辽BMW005",
            color="blue",
            confidence=0.9,
            frames=3,
            started_at=0.0,
            ended_at=1.0,
            best=tracking.Sighting(
                0.0,
                "辽BMW005",
                "blue",
                0.9,
                (0, 0, 10, 10),
                (placed(None), ((0, 0), (10, 0), (10, 5), (0, 5))),
            ),
        ),
        passage.occurred_at,
    )
    assert again is not None and again.duplicate and again.id == passage.pk
    assert Passage.objects.count() == 1


@pytest.mark.django_db
def test_a_stream_that_cannot_be_opened_is_logged_not_raised(
    lane: Lane, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"not a video at all" * 100)
    reader = reader_for(lane, str(garbage))
    stop = threading.Event()
    # In a thread of its own, as the worker runs it: `run` closes its thread's database connection.
    thread = threading.Thread(target=reader.run, args=(stop,))
    thread.start()
    thread.join(60)  # a file: read once, returns
    assert not thread.is_alive()
    assert "cannot open" in caplog.text and not Passage.objects.exists()


def test_frame_reader_raises_a_clear_error_for_a_missing_file(tmp_path: Path) -> None:
    with video.FrameReader(str(tmp_path / "nope.mp4"), fps=2) as reader, pytest.raises(video.VideoError):
        list(reader.frames())


@pytest.mark.django_db
def test_the_worker_reconnects_a_dead_rtsp_stream_and_stops_promptly(
    lane: Lane, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on the port: ffmpeg fails, the lane thread retries with back-off; stop ends it."""
    lane.stream_url = "rtsp://admin:secret@127.0.0.1:9/stream"
    lane.save()
    worker = PlateReader(ReaderSettings(fps=2, min_backoff=0.1, max_backoff=0.2), refresh_s=0.2)
    worker.tick()  # the lane query runs here, in the test's thread
    (thread, _stop) = next(iter(worker._threads.values()))
    time.sleep(1.5)
    assert thread.is_alive()
    started = time.monotonic()
    worker.stop_all()
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert not Passage.objects.exists()
    assert caplog.text.count("reconnecting") >= 2  # tried again, and again
    assert "secret" not in caplog.text and "admin:***@127.0.0.1:9" in caplog.text


def test_a_live_stream_drops_frames_the_reader_cannot_keep_up_with(tmp_path: Path) -> None:
    path = clip(tmp_path / "live.mp4", [placed(None)] * 40, 10)  # 4 s
    seen = []
    with video.FrameReader(str(path), fps=10, live=True) as reader:
        for frame in reader.frames():
            seen.append(frame.at)
            time.sleep(0.05)  # a slow recogniser
    assert 0 < len(seen) < 40 or seen == [i / 10 for i in range(40)]
    assert seen == sorted(seen) and all(frame_at < 4.0 for frame_at in seen)


def test_urls_are_logged_without_their_password() -> None:
    assert video.redact("rtsp://admin:secret@10.0.0.5:554/ch1") == "rtsp://admin:***@10.0.0.5:554/ch1"
    assert video.redact("/srv/clips/gate.mp4") == "/srv/clips/gate.mp4"
    message = "Error opening input file rtsp://admin:s3cr:et@10.0.0.5/ch1. and http://u:p@x/"
    assert (
        video.mask_passwords(message)
        == "Error opening input file rtsp://admin:***@10.0.0.5/ch1. and http://u:***@x/"
    )
    assert video.is_live("rtsp://10.0.0.5/ch1") and not video.is_live("/srv/clips/gate.mp4")
    command = video.ffmpeg_command("rtsp://10.0.0.5/ch1", fps=5, max_width=1280, executable="ffmpeg")
    assert command[command.index("-rtsp_transport") + 1] == "tcp" and "fps=5" in " ".join(command)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from anfang.core.config import ConfigError

    monkeypatch.setenv("ANFANG_ANPR_FPS", "3")
    assert ReaderSettings.from_env().fps == 3 and ReaderSettings.from_env().decide_frames == 6
    monkeypatch.setenv("ANFANG_ANPR_FPS", "fast")
    with pytest.raises(ConfigError):
        ReaderSettings.from_env()
    monkeypatch.setenv("ANFANG_ANPR_FPS", "0")
    with pytest.raises(ConfigError):
        ReaderSettings.from_env()
