"""ANPR from video (issue 7, "Numbers"): a plate readable in at least 3 frames of a pass → exactly one
correct passage.

A clip is made with real ffmpeg (H.264) from the real scene pictures of the data set (``bench/anpr.py``):
each picture is one vehicle's pass, shown in 3 frames at 5 frames/s while it comes closer (scaled 85 %,
92 %, 100 %), then 2 s of an empty gate. The clip is read back the way ``anfang worker anpr`` reads a
lane (``video.FrameReader`` at 5 frames/s, ``anpr.read`` per frame, ``tracking.Tracker`` with the worker's
settings); each result the tracker hands out is what the worker records as one passage. A pass counts as
"readable in ≥ 3 frames" when the plate was read right in all 3 of its frames, and as correct when
exactly one passage has its plate and no other passage repeats that vehicle (a plate mostly alike); a
passage with another plate is another vehicle of the picture (SOURCES.md lists them) or, if not listed,
counted as a false passage. No database: the step
from a result to a stored passage is `LaneReader.emit` (tested in ``tests/anpr/test_video.py``).

Alone: ``python -m bench.anpr_video``; ``BENCH_ANPR_VIDEO_PASSES`` limits the number of passes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.anpr import data_dir, samples

Rows = list[tuple[str, str]]

FPS = 5
WIDTH, HEIGHT = 1280, 720
PASS_SCALES = (0.85, 0.92, 1.0)  # the vehicle comes closer over its 3 frames
GAP_FRAMES = 10  # 2 s of an empty gate between vehicles (the tracker ends a track after 1.5 s unseen)


def _frames_of(picture: Any) -> Iterator[Any]:
    """The 3 frames of one pass: the picture letterboxed into the frame, growing towards full size."""
    import cv2
    import numpy as np

    height, width = picture.shape[:2]
    fit = min(WIDTH / width, HEIGHT / height)
    for scale in PASS_SCALES:
        w, h = max(1, int(width * fit * scale)), max(1, int(height * fit * scale))
        canvas = np.full((HEIGHT, WIDTH, 3), 40, dtype=np.uint8)
        resized = cv2.resize(picture, (w, h), interpolation=cv2.INTER_AREA)
        top, left = (HEIGHT - h) // 2, (WIDTH - w) // 2
        canvas[top : top + h, left : left + w] = resized
        yield canvas


def make_clip(pictures: list[Path], out: Path) -> list[int]:
    """Encode the passes into `out` (H.264); the first frame index of each pass."""
    import cv2
    import numpy as np

    from anfang.anpr import video

    command = [
        video.ffmpeg_executable(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgr24",
        "-s",
        f"{WIDTH}x{HEIGHT}",
        "-r",
        str(FPS),
        "-i",
        "pipe:0",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        str(out),
    ]
    empty = np.full((HEIGHT, WIDTH, 3), 40, dtype=np.uint8).tobytes()
    starts: list[int] = []
    index = 0
    with subprocess.Popen(command, stdin=subprocess.PIPE) as ffmpeg:
        assert ffmpeg.stdin is not None
        for _ in range(GAP_FRAMES):
            ffmpeg.stdin.write(empty)
            index += 1
        for path in pictures:
            picture = cv2.imdecode(np.fromfile(str(path), dtype=np.uint8), cv2.IMREAD_COLOR)
            starts.append(index)
            for frame in _frames_of(picture):
                ffmpeg.stdin.write(frame.tobytes())
                index += 1
            for _ in range(GAP_FRAMES):
                ffmpeg.stdin.write(empty)
                index += 1
        ffmpeg.stdin.close()
        if ffmpeg.wait() != 0:
            raise RuntimeError(f"ffmpeg could not encode the clip (exit {ffmpeg.returncode})")
    return starts


def run(log: Callable[[str], None] = print) -> Rows:
    from anfang import anpr
    from anfang.anpr import tracking, video
    from anfang.anpr.workers import ReaderSettings

    root = data_dir()
    if not (root / "labels.csv").exists():
        return [("ANPR video", f"skipped: no data set at {root} (set ANFANG_ANPR_DATA)")]
    if not anpr.available():
        return [("ANPR video", "skipped: model files not installed (make install)")]
    scenes = [s for s in samples(root) if s.kind == "scene"]
    limit = int(os.environ.get("BENCH_ANPR_VIDEO_PASSES", "0") or 0)
    if limit:
        scenes = scenes[:limit]
    settings = ReaderSettings()
    with tempfile.TemporaryDirectory(prefix="anfang-bench-anpr-video-") as tmp:
        clip = Path(tmp) / "gate.mp4"
        started = time.perf_counter()
        make_clip([root / s.file for s in scenes], clip)
        encode_s = time.perf_counter() - started
        span = len(PASS_SCALES) + GAP_FRAMES

        def pass_of(at: float) -> int:
            index = round(at * FPS) - GAP_FRAMES
            return index // span if index >= 0 else -1

        tracker = tracking.Tracker(
            end_after=settings.end_after, min_frames=settings.min_frames, decide_frames=settings.decide_frames
        )
        right_frames: dict[int, int] = defaultdict(int)  # pass → frames whose reads hold its plate
        results: dict[int, list[str]] = defaultdict(list)  # pass → plates handed out for it
        frames = 0
        started = time.perf_counter()
        with video.FrameReader(str(clip), fps=FPS, max_width=WIDTH, live=False) as reader:
            for frame in reader.frames():
                frames += 1
                reads = anpr.read(frame.image)
                number = pass_of(frame.at)
                if 0 <= number < len(scenes) and scenes[number].plate in {r.text for r in reads}:
                    right_frames[number] += 1
                sightings = [tracking.Sighting(frame.at, r.text, r.color, r.confidence, r.box) for r in reads]
                for result in tracker.update(frame.at, sightings):
                    results[pass_of(result.started_at)].append(result.text)
        for result in tracker.finish():
            results[pass_of(result.started_at)].append(result.text)
        read_s = time.perf_counter() - started
    readable = [i for i in range(len(scenes)) if right_frames[i] >= len(PASS_SCALES)]

    # Some scenes show other vehicles too (SOURCES.md lists their plates): a passage for each is right.
    # A second passage for the same vehicle (its plate read differently: most characters alike) is wrong;
    # a plate of another vehicle is that vehicle's passage (a false one when it is not in the picture).
    def right(i: int) -> bool:
        got = results.get(i, [])
        label = scenes[i].plate
        return got.count(label) == 1 and not any(
            t != label and t not in scenes[i].others and tracking.similarity(t, label) >= 0.5 for t in got
        )

    correct = [i for i in readable if right(i)]
    false = [
        (scenes[i].file, t)
        for i in range(len(scenes))
        for t in results.get(i, [])
        if t != scenes[i].plate and t not in scenes[i].others
    ]
    wrong = [i for i in readable if i not in correct]
    for i in wrong:
        log(f"video miss {scenes[i].file}: expected {scenes[i].plate}, passages {results.get(i) or '—'}")
    others = [i for i in range(len(scenes)) if i not in readable and results.get(i)]
    extra = sum(len(v) for k, v in results.items() if not 0 <= k < len(scenes))
    wrong_text = "; ".join(f"{scenes[i].file} {scenes[i].plate}→{results.get(i) or '—'}" for i in wrong)
    return [
        (
            f"ANPR video: clip of {len(scenes)} passes (real scene pictures, 3 frames each at {FPS} "
            "frames/s, H.264), read as `anfang worker anpr` reads a lane",
            f"{frames:,} frames; encoded in {encode_s:.0f} s, read in {read_s:.0f} s "
            f"({read_s * 1000 / max(frames, 1):.0f} ms per frame)",
        ),
        (
            "ANPR video: a plate readable in all 3 frames of its pass → exactly one correct passage "
            "(target: every one)",
            f"{len(correct)} of {len(readable)} passes"
            + (f"; not: {wrong_text}" if wrong else "")
            + f"; passes readable in fewer frames: {len(scenes) - len(readable)}, of which "
            f"{len(others)} still gave a passage; false passages (a plate not in the picture): "
            + (", ".join(f"{f} {t}" for f, t in false) if false else "none")
            + f"; passages outside any pass: {extra}",
        ),
    ]


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
    django.setup()  # the worker's settings live beside the worker, which is a Django app's
    for name, value in run():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
