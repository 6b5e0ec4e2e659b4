"""Tracking a plate across frames and voting its characters (no Django, no video)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from anfang.anpr.tracking import Sighting, Tracker, iou, similarity, vote


def seen(at: float, text: str = "辽H12345", conf: float = 0.9, x: int = 100, color: str = "blue") -> Sighting:
    return Sighting(at=at, text=text, color=color, confidence=conf, box=(x, 200, x + 120, 240))


def run(tracker: Tracker, frames: list[list[Sighting]], fps: float = 5.0) -> list[str]:
    """Feed frames at `fps`, then end the stream; the plates reported, in order."""
    out = []
    for index, reads in enumerate(frames):
        out += tracker.update(index / fps, [replace(r, at=index / fps) for r in reads])
    out += tracker.finish()
    return [r.text for r in out]


def test_a_misread_character_in_one_frame_of_five_is_outvoted() -> None:
    frames = [
        [seen(i / 5, "辽H12345" if i != 2 else "辽H1234S", conf=0.95 if i == 2 else 0.8)] for i in range(5)
    ]
    tracker = Tracker()
    for index, reads in enumerate(frames):
        assert tracker.update(index / 5, reads) == []
    (result,) = tracker.finish()
    assert result.text == "辽H12345" and result.frames == 5
    # The picture kept is the best frame that reads as voted; the confidence counts the disagreement.
    assert result.best.text == "辽H12345" and result.best.confidence == 0.8
    assert 0 < result.confidence < (0.8 * 4 + 0.95) / 5


def test_one_plate_moving_across_the_picture_is_one_vehicle() -> None:
    frames = [[seen(i / 5, x=100 + 30 * i)] for i in range(6)]
    assert run(Tracker(), frames) == ["辽H12345"]


def test_a_plate_in_one_frame_only_is_noise() -> None:
    assert run(Tracker(), [[seen(0)], [], [], []]) == []


def test_two_cars_one_after_another_are_two_passages() -> None:
    first = [[seen(0, "辽H12345")] for _ in range(4)]
    gap: list[list[Sighting]] = [[] for _ in range(10)]  # 2 s at 5 fps: longer than end_after
    second = [[seen(0, "辽HD8888", x=110)] for _ in range(4)]
    assert run(Tracker(), first + gap + second) == ["辽H12345", "辽HD8888"]


def test_a_track_ends_after_the_gap_not_before() -> None:
    tracker = Tracker(end_after=1.5)
    for i in range(3):
        tracker.update(i / 5, [seen(i / 5)])
    assert tracker.update(1.5, []) == []  # last seen at 0.4 s: 1.1 s ago
    (result,) = tracker.update(2.0, [])
    assert result.text == "辽H12345" and result.started_at == 0.0 and result.ended_at == pytest.approx(0.4)
    assert tracker.finish() == []


def test_two_plates_in_the_same_frames_are_two_tracks() -> None:
    frames = [[seen(i / 5, "辽H12345", x=50), seen(i / 5, "京A99999", x=600)] for i in range(4)]
    assert sorted(run(Tracker(), frames)) == ["京A99999", "辽H12345"]


def test_a_car_standing_at_the_barrier_is_reported_once_while_still_there() -> None:
    tracker = Tracker(decide_frames=10)
    reported = []
    for i in range(40):  # 8 s in view
        reported += tracker.update(i / 5, [seen(i / 5)])
    assert [r.text for r in reported] == ["辽H12345"] and reported[0].frames == 10
    assert tracker.finish() == []  # not a second time when it leaves


def test_a_car_parked_in_view_all_day_keeps_memory_bounded() -> None:
    tracker = Tracker()
    for i in range(5000):
        tracker.update(
            i / 5, [seen(i / 5, "辽H12345" if i % 7 else f"辽H1234{i % 10}", conf=0.5 + (i % 13) / 30)]
        )
    (track,) = tracker.tracks
    assert track.frames == 5000 and len(track.votes) <= 60 and len(track.best_by_text) <= 8


def test_vote_prefers_the_length_most_frames_agree_on() -> None:
    text, color, conf = vote(
        [("辽H12345", "blue", 0.9), ("辽H123455", "green", 0.4), ("辽H12345", "blue", 0.8)]
    )
    assert (text, color) == ("辽H12345", "blue") and conf == pytest.approx(0.85)


def test_vote_refuses_nothing() -> None:
    with pytest.raises(ValueError):
        vote([])


def test_tracker_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        Tracker(min_frames=0)
    with pytest.raises(ValueError):
        Tracker(min_frames=5, decide_frames=3)


def test_iou_and_similarity() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
    assert similarity("辽H12345", "辽H1234S") == pytest.approx(6 / 7)
    assert similarity("", "辽H12345") == 0.0
