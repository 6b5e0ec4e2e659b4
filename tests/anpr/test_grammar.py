"""Grammar-constrained decoding: what comes out is always a plate shape, chosen by the evidence."""

from __future__ import annotations

import numpy as np
import pytest

from anfang.anpr import grammar
from anfang.vehicles import plates


def steps(*chars: dict[str, float] | str) -> np.ndarray:
    """A folded probability matrix: each argument is one character (2 steps) followed by a blank step.

    A string is that character read with certainty 0.9; a dict spreads the probability over characters.
    """
    rows = []
    for item in chars:
        spread = {item: 0.9} if isinstance(item, str) else item
        row = np.zeros(len(grammar.ALPHABET), dtype=np.float32)
        for ch, p in spread.items():
            row[grammar.ALPHABET.index(ch)] = p
        rows += [row, row, np.zeros_like(row)]  # the third step is blank
    return np.stack([np.zeros(len(grammar.ALPHABET), np.float32), *rows])


def best(*chars: dict[str, float] | str) -> str:
    return grammar.decode(steps(*chars))[0].text


def test_clean_plate_is_read_as_it_is() -> None:
    assert best(*"辽H12345") == "辽H12345"


def test_o_and_i_in_the_serial_are_digits_and_a_0_in_second_place_is_o() -> None:
    assert best(*"辽HO12I4") == "辽H01214"
    assert best(*"京012345") == "京O12345"


def test_second_place_is_a_letter_even_when_a_digit_looks_likelier() -> None:
    # 8 is not allowed there: the letter with the most probability wins (B).
    assert best("辽", {"8": 0.6, "B": 0.3}, *"12345") == "辽B12345"


def test_first_place_is_a_province() -> None:
    assert best({"A": 0.7, "苏": 0.2}, *"E12345") == "苏E12345"


def test_new_energy_plates_have_eight_characters() -> None:
    assert best(*"粤BD12345") == "粤BD12345"
    assert best(*"粤B12345F") == "粤B12345F"
    assert plates.parse(best(*"粤BD12345")).kind == plates.PlateKind.NEW_ENERGY_SMALL


def test_suffix_only_in_last_place() -> None:
    assert best(*"皖Q0686学") == "皖Q0686学"
    assert plates.parse(best(*"皖Q0686学")).kind == plates.PlateKind.COACH
    # A suffix character read in the middle is not kept there.
    assert "学" not in best("皖", "Q", {"学": 0.5, "6": 0.4}, *"6868")


def test_an_extra_weak_character_does_not_make_an_eight_character_plate() -> None:
    text = best(*"辽H12345", {"6": 0.05})
    assert text == "辽H12345"


def test_every_result_is_a_valid_plate() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        folded = rng.dirichlet(np.ones(len(grammar.ALPHABET) + 1), size=40)[:, :-1].astype(np.float32)
        for reading in grammar.decode(folded):
            assert plates.parse(reading.text).valid, reading.text


def test_voting_picks_the_characters_both_recognisers_support() -> None:
    a = grammar.decode(steps("辽", "H", "1", "2", {"3": 0.5, "8": 0.4}, "4", "5"))
    b = grammar.decode(steps("辽", "H", "1", "2", {"8": 0.9}, "4", "5"))
    assert grammar.combine([a, b], [1.0, 1.0]).text == "辽H12845"
    assert grammar.combine([a, b], [1.0, 0.1]).text == "辽H12345"


def test_confidence_is_the_weakest_character() -> None:
    sure = grammar.decode(steps(*"辽H12345"))[0]
    unsure = grammar.decode(steps("辽", "H", "1", {"2": 0.3, "Z": 0.25}, *"345"))[0]
    assert grammar.confidence(sure) == pytest.approx(0.9, abs=0.01)
    assert grammar.confidence(unsure) < 0.35


def test_no_evidence_gives_no_confidence() -> None:
    empty = np.zeros((20, len(grammar.ALPHABET)), dtype=np.float32)
    assert grammar.confidence(grammar.decode(empty)[0]) < 0.01
