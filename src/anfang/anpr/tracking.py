"""Following a plate across video frames and voting its characters: one vehicle, one result.

Pure Python (no Django, no I/O), so it is tested frame by frame. A camera at 5 frames a second sees a
passing car in a handful of frames and reads it slightly differently in some of them (a 0 read as D in
one frame); the tracker joins the reads of one plate by where it is (box overlap) and what it says (text
similarity), and the vote per character, weighted by confidence, outvotes a misread frame.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Sighting:
    """One plate read in one frame at stream time `at` (seconds); `payload` is the caller's (the frame)."""

    at: float
    text: str
    color: str
    confidence: float
    box: Box
    payload: Any = None


MAX_VOTES = 60  # readings kept per track: plenty to vote, bounded for a car parked in view all day
MAX_TEXTS = 8  # distinct readings whose best frame is kept


@dataclass
class Track:
    """The reads taken to be one plate; only the best sighting of each reading keeps its payload (the
    frame), so memory stays small and the picture kept shows the plate as voted."""

    id: int
    started_at: float
    last_seen: float
    box: Box
    best: Sighting
    votes: list[tuple[str, str, float]] = field(default_factory=list)  # (text, colour, confidence)
    best_by_text: dict[str, Sighting] = field(default_factory=dict)
    reported: bool = False  # already handed out early (a vehicle standing at the barrier)
    frames: int = 0

    def add(self, sighting: Sighting) -> None:
        self.frames += 1
        if len(self.votes) < MAX_VOTES:
            self.votes.append((sighting.text, sighting.color, sighting.confidence))
        self.last_seen = sighting.at
        self.box = sighting.box
        if sighting.confidence > self.best.confidence:
            self.best = sighting
        known = self.best_by_text.get(sighting.text)
        if known is None or sighting.confidence > known.confidence:
            self.best_by_text[sighting.text] = sighting
            if len(self.best_by_text) > MAX_TEXTS:
                weakest = min(self.best_by_text, key=lambda t: self.best_by_text[t].confidence)
                del self.best_by_text[weakest]

    def texts(self) -> set[str]:
        return set(self.best_by_text) or {self.best.text}


@dataclass(frozen=True)
class Result:
    """What a finished track says: the voted plate, its colour, a confidence 0–1, and the best sighting."""

    track_id: int
    text: str
    color: str
    confidence: float
    frames: int
    started_at: float
    ended_at: float
    best: Sighting


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def similarity(a: str, b: str) -> float:
    """0–1: how much two readings agree (one wrong character of seven: about 0.86)."""
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def vote(votes: Sequence[tuple[str, str, float]]) -> tuple[str, str, float]:
    """(text, colour, confidence) by a confidence-weighted vote per character position.

    Readings of the most supported length vote position by position; the confidence is the mean
    agreement across positions times the mean confidence of those readings.
    """
    if not votes:
        raise ValueError("no readings to vote on")
    by_length: dict[int, float] = defaultdict(float)
    for text, _, conf in votes:
        by_length[len(text)] += max(conf, 1e-6)
    length = max(by_length, key=lambda n: (by_length[n], n))
    chosen = [(text, conf) for text, _, conf in votes if len(text) == length]
    chars: list[str] = []
    agreement = 0.0
    for position in range(length):
        weights: dict[str, float] = defaultdict(float)
        for text, conf in chosen:
            weights[text[position]] += max(conf, 1e-6)
        winner = max(weights, key=lambda ch: weights[ch])
        chars.append(winner)
        agreement += weights[winner] / sum(weights.values())
    colors: Counter[str] = Counter()
    for _, color, conf in votes:
        colors[color] += max(conf, 1e-6)  # type: ignore[assignment]
    color = max(colors, key=lambda c: colors[c])
    mean_conf = sum(conf for _, conf in chosen) / len(chosen)
    confidence = (agreement / length if length else 0.0) * mean_conf
    return "".join(chars), color, round(confidence, 4)


class Tracker:
    """Joins per-frame reads into tracks and reports each track once.

    `update(at, reads)` takes the reads of the frame at stream time `at` and returns the results now
    due: tracks not seen for `end_after` seconds (with at least `min_frames` reads: a plate in a
    single frame is noise), and tracks seen in `decide_frames` frames while still in view (a car
    waiting at a closed barrier must not wait for itself to leave). `finish()` ends every track
    (the stream ended).
    """

    def __init__(
        self,
        *,
        end_after: float = 1.5,
        min_frames: int = 2,
        decide_frames: int = 10,
        min_iou: float = 0.05,
        min_similarity: float = 0.5,
        same_text: float = 0.7,
    ) -> None:
        if min_frames < 1 or decide_frames < min_frames:
            raise ValueError("need 1 <= min_frames <= decide_frames")
        self.end_after = end_after
        self.min_frames = min_frames
        self.decide_frames = decide_frames
        self.min_iou = min_iou
        self.min_similarity = min_similarity
        self.same_text = same_text
        self.tracks: list[Track] = []
        self._next_id = 1

    def update(self, at: float, reads: Sequence[Sighting]) -> list[Result]:
        """Add one frame's reads (at stream time `at`); the results that are due now."""
        due = self._expire(at)
        self._assign(reads)
        for track in self.tracks:
            if not track.reported and track.frames >= self.decide_frames:
                track.reported = True
                due.append(self._result(track))
        return due

    def finish(self) -> list[Result]:
        """End every open track (the stream ended or the worker stops)."""
        due = [self._result(t) for t in self.tracks if not t.reported and t.frames >= self.min_frames]
        self.tracks = []
        return due

    def _expire(self, at: float) -> list[Result]:
        due: list[Result] = []
        kept: list[Track] = []
        for track in self.tracks:
            if at - track.last_seen > self.end_after:
                if not track.reported and track.frames >= self.min_frames:
                    due.append(self._result(track))
            else:
                kept.append(track)
        self.tracks = kept
        return due

    def _match_score(self, track: Track, sighting: Sighting) -> float | None:
        """How well a read continues a track, or None when it cannot be the same plate."""
        overlap = iou(track.box, sighting.box)
        alike = max(similarity(text, sighting.text) for text in track.texts())
        if overlap >= self.min_iou and alike >= self.min_similarity:
            return overlap + alike
        if alike >= self.same_text:  # moved further than its box between two frames, same plate
            return alike
        return None

    def _assign(self, reads: Sequence[Sighting]) -> None:
        """Greedy matching, best pairs first; a read left over starts a track."""
        pairs: list[tuple[float, int, int]] = []
        for t_index, track in enumerate(self.tracks):
            for r_index, sighting in enumerate(reads):
                score = self._match_score(track, sighting)
                if score is not None:
                    pairs.append((score, t_index, r_index))
        used_tracks: set[int] = set()
        used_reads: set[int] = set()
        for _, t_index, r_index in sorted(pairs, reverse=True):
            if t_index in used_tracks or r_index in used_reads:
                continue
            used_tracks.add(t_index)
            used_reads.add(r_index)
            self.tracks[t_index].add(reads[r_index])
        for r_index, sighting in enumerate(reads):
            if r_index not in used_reads:
                track = Track(self._next_id, sighting.at, sighting.at, sighting.box, sighting)
                track.add(sighting)
                self._next_id += 1
                self.tracks.append(track)

    def _result(self, track: Track) -> Result:
        text, color, confidence = vote(track.votes)
        return Result(
            track_id=track.id,
            text=text,
            color=color,
            confidence=confidence,
            frames=track.frames,
            started_at=track.started_at,
            ended_at=track.last_seen,
            best=track.best_by_text.get(text, track.best),
        )


__all__ = ["Result", "Sighting", "Track", "Tracker", "iou", "similarity", "vote"]
