"""Plate grammar applied inside CTC decoding: the best *grammatical* string, not a patched greedy one.

A recogniser gives, for every time step, a probability per character. Each plate shape (GA 36-2018, the
character classes of `vehicles.plates`) is a template of positions, each allowing a set of characters:
province, authority letter, serial character, digit, new-energy letter, suffix. A Viterbi alignment of
the steps to a template (CTC topology: blanks between characters, a character may last several steps)
finds where each position is read; the position's character is the best allowed one over its steps.
O/0 and I/1 are folded by position: a 0 read in the authority place counts for O, an O or I in a serial
place for 0 or 1. Templates are compared by their path probability, so a plate is 7 or 8 characters
because the evidence says so.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from anfang.vehicles.plates import (
    AUTHORITY_LETTERS,
    NEW_ENERGY_LETTERS,
    PROVINCES,
    SERIAL_CHARS,
)

FloatArray = npt.NDArray[np.float32]

SUFFIXES: Final = "挂学警港澳"
_MAINLAND_SUFFIXES: Final = "挂学警"  # 港 and 澳 end only 粤Z plates
DIGITS: Final = "0123456789"
# Every character a plate can hold, in a fixed order (the columns of a folded probability matrix).
ALPHABET: Final = PROVINCES + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + DIGITS + SUFFIXES
_COLUMN: Final = {c: i for i, c in enumerate(ALPHABET)}
_EPS: Final = 1e-6

# Characters counted as another one at a given kind of position: (kind, character) -> also these.
_ALIASES: Final[dict[str, dict[str, str]]] = {
    "letter": {"O": "0"},  # the authority letter is a letter: a 0 there is an O
    "serial": {"0": "O", "1": "I"},  # serials have no I or O (GA 36-2018)
    "digit": {"0": "O", "1": "I"},
    "last": {"0": "O", "1": "I"},
}
_KINDS: Final[dict[str, str]] = {
    "province": PROVINCES,
    "letter": AUTHORITY_LETTERS,
    "serial": SERIAL_CHARS,
    "digit": DIGITS,
    "energy": NEW_ENERGY_LETTERS,
    "last": SERIAL_CHARS + _MAINLAND_SUFFIXES,
    "guangdong": "粤",
    "z": "Z",
    "hong_kong_macau": "港澳",
}


@dataclass(frozen=True)
class Template:
    """A plate shape: the kind of each position."""

    name: str
    kinds: tuple[str, ...]


TEMPLATES: Final = (
    # Ordinary, trailer, coach, police, Hong Kong and Macau: the last place may be a red suffix.
    Template("ordinary", ("province", "letter", "serial", "serial", "serial", "serial", "last")),
    Template(
        "hong_kong_macau", ("guangdong", "z", "serial", "serial", "serial", "serial", "hong_kong_macau")
    ),
    # GA 36-2018 new energy: small (letter first, then four digits) and large (five digits, then letter).
    Template(
        "new_energy_small", ("province", "letter", "energy", "serial", "digit", "digit", "digit", "digit")
    ),
    Template(
        "new_energy_large", ("province", "letter", "digit", "digit", "digit", "digit", "digit", "energy")
    ),
)


@dataclass(frozen=True)
class Reading:
    """One template's best reading: per position the allowed characters and their probabilities."""

    template: str
    log_score: float  # path log-probability per time step (comparable across recognisers)
    choices: tuple[tuple[str, FloatArray], ...]  # (allowed characters, probability of each) per position

    @property
    def text(self) -> str:
        return "".join(chars[int(np.argmax(p))] for chars, p in self.choices)


def _fold_key(ch: str) -> str:
    """Full-width and lower-case forms count as the plate character (general OCR models have both)."""
    return unicodedata.normalize("NFKC", ch).upper()


@functools.lru_cache(maxsize=8)
def _folding(characters: tuple[str, ...]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(class index, ALPHABET column) pairs: which recogniser classes count as which plate character."""
    classes: list[int] = []
    columns: list[int] = []
    for index, ch in enumerate(characters):
        if index == 0 or not ch:
            continue
        key = _fold_key(ch)
        if len(key) == 1 and key in _COLUMN:
            classes.append(index)
            columns.append(_COLUMN[key])
    return np.array(classes, dtype=np.intp), np.array(columns, dtype=np.intp)


@functools.cache
def _kind_matrix(kind: str) -> FloatArray:
    """Matrix (ALPHABET × allowed characters) with the position's aliases folded in."""
    allowed = _KINDS[kind]
    aliases = _ALIASES.get(kind, {})
    matrix = np.zeros((len(ALPHABET), len(allowed)), dtype=np.float32)
    for j, ch in enumerate(allowed):
        matrix[_COLUMN[ch], j] = 1.0
        for alias in aliases.get(ch, ""):
            matrix[_COLUMN[alias], j] = 1.0
    return matrix


def fold(probs: FloatArray, characters: Sequence[str]) -> FloatArray:
    """Per-step probabilities (steps × classes) -> (steps × ALPHABET); the rest is blank."""
    classes, columns = _folding(tuple(characters))
    folded = np.zeros((probs.shape[0], len(ALPHABET)), dtype=np.float32)
    np.add.at(folded.T, columns, np.asarray(probs, dtype=np.float32)[:, classes].T)
    return folded


def decode(folded: FloatArray) -> list[Reading]:
    """The best reading for every template, best first."""
    blank = np.log(np.clip(1.0 - folded.sum(axis=1), _EPS, 1.0))
    readings = [_align(folded, blank, template) for template in TEMPLATES]
    return sorted(readings, key=lambda r: r.log_score, reverse=True)


def _align(folded: FloatArray, blank: FloatArray, template: Template) -> Reading:
    """Viterbi over the CTC states blank, c1, blank, c2, …, cL, blank."""
    steps = folded.shape[0]
    length = len(template.kinds)
    per_kind = {k: folded @ _kind_matrix(k) for k in set(template.kinds)}
    # Emission of each character state: the best allowed character at that step.
    emit_char = np.stack([np.log(np.clip(per_kind[k].max(axis=1), _EPS, 1.0)) for k in template.kinds], 1)
    states = 2 * length + 1
    emit = np.empty((steps, states), dtype=np.float32)
    emit[:, 0::2] = blank[:, None]
    emit[:, 1::2] = emit_char
    neg = np.float32(-1e9)
    score = np.full(states, neg, dtype=np.float32)
    score[0] = emit[0, 0]
    if states > 1:
        score[1] = emit[0, 1]
    back = np.zeros((steps, states), dtype=np.int8)  # 0 stay, 1 from previous state, 2 skip a blank
    char_state = np.zeros(states, dtype=bool)
    char_state[3::2] = True
    # CTC: a character follows the previous one without a blank only where the reading changes (two
    # steps of the same character are one character).
    top = folded.argmax(axis=1)
    changed = np.concatenate(([False], top[1:] != top[:-1]))
    for t in range(1, steps):
        prev1 = np.empty_like(score)
        prev1[0] = neg
        prev1[1:] = score[:-1]
        best = np.maximum(score, prev1)
        choice = (prev1 > score).astype(np.int8)
        if changed[t]:
            prev2 = np.full_like(score, neg)
            prev2[2:] = score[:-2]
            prev2[~char_state] = neg
            skip = prev2 > best
            best = np.where(skip, prev2, best)
            choice[skip] = 2
        score = best + emit[t]
        back[t] = choice
    end = states - 1 if score[states - 1] >= score[states - 2] else states - 2
    total = float(score[end])
    # Walk back: the steps each character position was aligned to.
    spans: list[list[int]] = [[] for _ in range(length)]
    state = end
    for t in range(steps - 1, -1, -1):
        if state % 2 == 1:
            spans[state // 2].append(t)
        state -= int(back[t, state])
    choices: list[tuple[str, FloatArray]] = []
    for position, kind in enumerate(template.kinds):
        allowed = _KINDS[kind]
        frames = spans[position]
        probs = per_kind[kind][frames].max(axis=0) if frames else np.zeros(len(allowed), np.float32)
        choices.append((allowed, probs.astype(np.float32)))
    return Reading(template.name, total / max(steps, 1), tuple(choices))


def combine(
    readings: Sequence[Sequence[Reading]],
    weights: Sequence[float],
    province_weights: Sequence[float] | None = None,
) -> Reading:
    """Vote several recognisers: the template by summed score, then each character by summed probability.

    `province_weights` replace `weights` for the first character: a recogniser trained on one
    province's plates is sure of that province too often.
    """
    by_template: dict[str, list[tuple[int, Reading]]] = {}
    for index, options in enumerate(readings):
        for reading in options:
            by_template.setdefault(reading.template, []).append((index, reading))
    best_name = max(by_template, key=lambda name: sum(weights[i] * r.log_score for i, r in by_template[name]))
    voters = by_template[best_name]
    choices = []
    for position, (allowed, _) in enumerate(voters[0][1].choices):
        w = province_weights if position == 0 and province_weights is not None else weights
        total = sum(w[i] for i, _ in voters) or 1.0
        probs = sum(w[i] * r.choices[position][1] for i, r in voters) / total
        choices.append((allowed, np.asarray(probs, dtype=np.float32)))
    score = sum(weights[i] * r.log_score for i, r in voters) / (sum(weights[i] for i, _ in voters) or 1.0)
    return Reading(best_name, score, tuple(choices))


def confidence(reading: Reading) -> float:
    """The weakest character's probability: one unreadable character makes the plate uncertain."""
    return float(min(float(p.max()) for _, p in reading.choices)) if reading.choices else 0.0
