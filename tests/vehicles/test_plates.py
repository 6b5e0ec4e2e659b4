"""The plate module: every GA 36-2018 plate type, normalisation, colours, partial search (no database)."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from anfang.vehicles.plates import (
    AUTHORITY_LETTERS,
    GAT1400_COLOR_CODE,
    NEW_ENERGY_LETTERS,
    NO_PLATE,
    PROVINCES,
    SERIAL_CHARS,
    Plate,
    PlateColor,
    PlateKind,
    color_from_hint,
    matches,
    normalise,
    parse,
    split_color_prefix,
    to_like,
)

# ---------------------------------------------------------------------------------------------------
# Each kind, with real-looking plates
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "hint", "kind", "color", "province"),
    [
        ("辽H12345", None, "ordinary_small", "blue", "辽"),
        ("辽H12345", "blue", "ordinary_small", "blue", "辽"),
        ("辽H12345", "yellow", "ordinary_large", "yellow", "辽"),
        ("辽H12345", "黄", "ordinary_large", "yellow", "辽"),
        ("辽HD12345", None, "new_energy_small", "green", "辽"),
        ("京AF02368", None, "new_energy_small", "green", "京"),
        ("沪AA12345", None, "new_energy_small", "green", "沪"),
        ("辽H12345D", None, "new_energy_large", "yellow_green", "辽"),
        ("辽H12345F", "yellow", "new_energy_large", "yellow_green", "辽"),
        ("辽H1234挂", None, "trailer", "yellow", "辽"),
        ("辽H1234学", None, "coach", "yellow", "辽"),
        ("辽H1234警", None, "police", "white", "辽"),
        ("粤Z1234港", None, "hong_kong", "black", "粤"),
        ("粤ZF023港", None, "hong_kong", "black", "粤"),
        ("粤Z1234澳", None, "macau", "black", "粤"),
        ("使224009", None, "embassy", "black", ""),
        ("224009使", None, "embassy", "black", ""),
        ("沪A1234领", None, "consulate", "black", "沪"),
        ("云O12345", None, "ordinary_small", "blue", "云"),  # O is an authority letter (police, organs)
    ],
)
def test_each_plate_kind(raw: str, hint: str | None, kind: str, color: str, province: str) -> None:
    plate = parse(raw, hint)
    assert plate == Plate(raw, PlateKind(kind), PlateColor(color), province, True, "")


@pytest.mark.parametrize(
    "raw", ["无车牌", "无牌", "车牌", "未识别", "unknown", "UNKNOWN", "NOPLATE", "", "-", "  "]
)
def test_vendor_no_plate_spellings_are_one_value(raw: str) -> None:
    assert normalise(raw) == NO_PLATE
    plate = parse(raw)
    assert (plate.text, plate.kind, plate.color, plate.valid) == (NO_PLATE, "no_plate", "unknown", False)
    assert plate.problem


def test_kind_and_colour_values_are_the_ones_the_vehicles_app_stores() -> None:
    assert [k.value for k in PlateKind] == [
        "ordinary_small",
        "ordinary_large",
        "new_energy_small",
        "new_energy_large",
        "trailer",
        "coach",
        "police",
        "hong_kong",
        "macau",
        "embassy",
        "consulate",
        "no_plate",
        "unknown",
    ]
    assert [c.value for c in PlateColor] == [
        "blue",
        "yellow",
        "green",
        "yellow_green",
        "white",
        "black",
        "unknown",
    ]


def test_gat1400_colour_codes() -> None:
    # GA/T 1400.3 ColorType: 1 黑, 2 白, 5 蓝, 6 黄, 9 绿, 99 其他 (no code for yellow-green).
    assert GAT1400_COLOR_CODE == {
        PlateColor.BLACK: "1",
        PlateColor.WHITE: "2",
        PlateColor.BLUE: "5",
        PlateColor.YELLOW: "6",
        PlateColor.GREEN: "9",
        PlateColor.YELLOW_GREEN: "99",
        PlateColor.UNKNOWN: "99",
    }


# ---------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("辽Ｈ１２３４５", "辽H12345"),  # full width
        ("辽h12345", "辽H12345"),  # lower case
        ("辽H·12345", "辽H12345"),
        ("辽H•12345", "辽H12345"),
        (" 辽 H 123 45 ", "辽H12345"),
        ("辽H-123.45_", "辽H12345"),
        ("辽H\u300012345", "辽H12345"),  # ideographic space
        ("辽HO23I5", "辽H02315"),  # no I or O in a serial: they are 0 and 1
        ("辽HIOIOI", "辽H10101"),
        ("辽0A1234", "辽OA1234"),  # the authority place holds a letter: 0 is O
        ("辽hd1234o", "辽HD12340"),
        ("使224OO9", "使224009"),
        ("粤ZFO23港", "粤ZF023港"),
        ("蓝皖A7XG66", "皖A7XG66"),  # Hikvision CN colour prefix
        ("黑A12345", "黑A12345"),  # 黑 is Heilongjiang here, not a colour
        ("黑黑A12345", "黑A12345"),  # a black plate of Heilongjiang
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_i_and_o_cannot_survive_in_a_serial() -> None:
    for raw in ["辽HIIIII", "辽HOOOOO", "辽Hi0o1I"]:
        text = parse(raw).text
        assert "I" not in text[2:] and "O" not in text[2:]
        assert parse(raw).valid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("蓝皖A7XG66", ("blue", "皖A7XG66")),
        ("黄辽H12345", ("yellow", "辽H12345")),
        ("绿辽HD12345", ("green", "辽HD12345")),
        ("黄绿辽H12345D", ("yellow_green", "辽H12345D")),
        ("白辽H1234警", ("white", "辽H1234警")),
        ("黑粤Z1234港", ("black", "粤Z1234港")),
        ("黑A12345", ("", "黑A12345")),
        ("辽H12345", ("", "辽H12345")),
        ("无车牌", ("", NO_PLATE)),
    ],
)
def test_split_color_prefix(raw: str, expected: tuple[str, str]) -> None:
    assert split_color_prefix(raw) == expected


def test_a_colour_prefix_is_a_colour_hint() -> None:
    assert parse("黄皖A7XG66").kind == "ordinary_large"
    assert parse("蓝皖A7XG66").kind == "ordinary_small"
    assert parse("黄皖A7XG66", "blue").kind == "ordinary_small"  # what the camera says in its field wins


@pytest.mark.parametrize(
    ("hint", "color"),
    [
        ("blue", "blue"),
        ("Blue", "blue"),
        ("BLUE", "blue"),
        ("蓝", "blue"),
        ("蓝色", "blue"),
        ("yellow", "yellow"),
        ("Yellow", "yellow"),
        ("黄", "yellow"),
        ("green", "green"),
        ("newEnergy", "green"),
        ("ShadowGreen", "green"),
        ("渐变绿", "green"),
        ("yellow_green", "yellow_green"),
        ("YellowGreen", "yellow_green"),
        ("黄绿", "yellow_green"),
        ("white", "white"),
        ("白", "white"),
        ("black", "black"),
        ("黑", "black"),
    ],
)
def test_colour_hints(hint: str, color: str) -> None:
    assert color_from_hint(hint) == color


@pytest.mark.parametrize("hint", [None, "", "unknown", "other", "0", "5", "purple", "蓝蓝"])
def test_unknown_colour_hints_are_ignored(hint: str | None) -> None:
    assert color_from_hint(hint) is None
    assert parse("辽H12345", hint).kind == "ordinary_small"


def test_a_hint_does_not_change_a_plate_its_shape_decides() -> None:
    assert parse("辽H1234警", "blue").color == "white"
    assert parse("辽HD12345", "yellow").color == "green"


# ---------------------------------------------------------------------------------------------------
# Plates that fit no rule
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("X辽12345", "province"),  # wrong first character
        ("港H12345", "province"),
        ("A12345", "province"),
        ("辽112345", "issuing-authority"),  # 1 is no letter, and I is never used
        ("辽H1234", "7 or 8"),  # 6 characters
        ("辽H1234567", "7 or 8"),  # 9 characters
        ("辽HX12345", "new-energy"),  # X is no new-energy letter
        ("辽H1234X5", "new-energy"),
        ("辽HD1234A", "new-energy"),
        ("粤A1234港", "粤Z"),
        ("辽H12345挂", "挂"),
        ("辽H123警", "7 or 8"),
        ("使22400", "使"),
        ("辽H1234国", "国"),
        ("辽H1234$", "serial"),
    ],
)
def test_invalid_plates_say_why(raw: str, problem: str) -> None:
    plate = parse(raw)
    assert plate.kind == "unknown"
    assert not plate.valid
    assert problem in plate.problem
    assert plate.text == normalise(raw)  # kept as read, for a person to look at


def test_an_invalid_plate_keeps_the_reported_colour() -> None:
    assert parse("辽H1234", "yellow").color == "yellow"
    assert parse("辽H1234").color == "unknown"


# ---------------------------------------------------------------------------------------------------
# Partial-plate search
# ---------------------------------------------------------------------------------------------------

PLATES = ["辽H12345", "辽H1A203", "辽H88888", "辽B12345", "辽HD12345", "粤Z1234港", "京O00000", NO_PLATE]


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        ("辽H12345", ["辽H12345"]),  # exact: the whole plate only, not 辽HD12345
        ("辽h 12345", ["辽H12345"]),
        ("辽H1*", ["辽H12345", "辽H1A203"]),  # prefix
        ("H1*3", ["辽H12345", "辽H1A203"]),  # partial: anywhere
        ("h1*3", ["辽H12345", "辽H1A203"]),
        ("*12345", ["辽H12345", "辽B12345", "辽HD12345"]),
        ("辽H?8888", ["辽H88888"]),
        ("辽H?2345", ["辽H12345"]),
        ("1234?", ["辽H12345", "辽B12345", "辽HD12345", "粤Z1234港"]),
        ("*A2O3", ["辽H1A203"]),  # O typed in a serial means 0
        ("*京O*", ["京O00000"]),  # but after a province it is the authority letter
        ("*京0*", ["京O00000"]),
        ("辽h1*", ["辽H12345", "辽H1A203"]),
        ("无牌", [NO_PLATE]),
        ("", PLATES),
        ("*", PLATES),
        ("辽X*", []),
    ],
)
def test_matches(pattern: str, found: list[str]) -> None:
    assert [p for p in PLATES if matches(pattern, p)] == found
    assert _like(pattern, PLATES) == found  # the SQL pattern finds the same


@pytest.mark.parametrize(
    ("pattern", "like"),
    [
        ("辽h12345", "辽H12345"),
        ("辽H1*", "%辽H1%"),
        ("H1*3", "%H1%3%"),
        ("*12345", "%12345%"),
        ("辽H?8888", "%辽H_8888%"),
        ("**a**b", "%A%B%"),
        ("a%b*", "%A\\%B%"),
        ("a\\*", "%A\\\\%"),
        ("", "%"),
        ("＊１２", "%12%"),  # full-width wildcard and digits
    ],
)
def test_to_like(pattern: str, like: str) -> None:
    assert to_like(pattern) == like


def _like(pattern: str, plates: list[str]) -> list[str]:
    """Plates a SQL LIKE with `to_like(pattern)` finds (SQLite in memory; the ESCAPE the lookup uses)."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE p (i INTEGER, plate TEXT)")
        db.executemany("INSERT INTO p VALUES (?, ?)", list(enumerate(plates)))
        rows = db.execute(
            "SELECT plate FROM p WHERE plate LIKE ? ESCAPE '\\' ORDER BY i", [to_like(pattern)]
        ).fetchall()
    finally:
        db.close()
    return [row[0] for row in rows]


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

province = st.sampled_from(PROVINCES)
letter = st.sampled_from(AUTHORITY_LETTERS)
serial = st.sampled_from(SERIAL_CHARS)
digit = st.sampled_from("0123456789")
ne_letter = st.sampled_from(NEW_ENERGY_LETTERS)


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def _serial(n: int) -> st.SearchStrategy[str]:
    return st.lists(serial, min_size=n, max_size=n).map("".join)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(digit, min_size=n, max_size=n).map("".join)


# (kind, colour hint, plate strategy)
VALID: list[tuple[str, str | None, st.SearchStrategy[str]]] = [
    ("ordinary_small", None, _joined(province, letter, _serial(5))),
    ("ordinary_large", "yellow", _joined(province, letter, _serial(5))),
    ("new_energy_small", None, _joined(province, letter, ne_letter, serial, _digits(4))),
    ("new_energy_large", None, _joined(province, letter, _digits(5), ne_letter)),
    ("trailer", None, _joined(province, letter, _serial(4), st.just("挂"))),
    ("coach", None, _joined(province, letter, _serial(4), st.just("学"))),
    ("police", None, _joined(province, letter, _serial(4), st.just("警"))),
    ("hong_kong", None, _joined(st.just("粤Z"), _serial(4), st.just("港"))),
    ("macau", None, _joined(st.just("粤Z"), _serial(4), st.just("澳"))),
    ("embassy", None, _joined(st.just("使"), _digits(6))),
    ("consulate", None, _joined(province, letter, _serial(4), st.just("领"))),
]

valid_plate = st.sampled_from(VALID).flatmap(lambda k: st.tuples(st.just(k[0]), st.just(k[1]), k[2]))


@given(valid_plate)
def test_every_generated_valid_plate_parses_to_its_kind(case: tuple[str, str | None, str]) -> None:
    kind, hint, raw = case
    plate = parse(raw, hint)
    assert (plate.kind, plate.valid, plate.problem, plate.text) == (kind, True, "", raw)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(valid_plate, st.sampled_from(["·", " ", "•", "-", ""]), st.booleans())
def test_a_full_width_spaced_lower_case_variant_parses_the_same(
    case: tuple[str, str | None, str], separator: str, lower: bool
) -> None:
    _, hint, raw = case
    variant = _full_width(raw[:2] + separator + raw[2:])
    if lower:
        variant = variant.lower()
    assert parse(variant, hint) == parse(raw, hint)


@given(st.text())
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise(raw)
    assert normalise(once) == once


@given(valid_plate.map(lambda c: c[2]), st.text(alphabet="·• -_oOiI０１ａ", max_size=3))
def test_normalise_is_idempotent_on_noisy_plates(raw: str, noise: str) -> None:
    once = normalise(noise + raw + noise)
    assert normalise(once) == once


@given(st.text(), st.one_of(st.none(), st.text()))
def test_parse_never_raises(raw: str, hint: str | None) -> None:
    plate = parse(raw, hint)
    assert plate.valid == (plate.problem == "")
    assert plate.kind in PlateKind
    assert plate.color in PlateColor
    assert plate.text == normalise(raw)


@given(st.text(), st.text())
def test_search_never_raises(pattern: str, plate: str) -> None:
    matches(pattern, plate)
    to_like(pattern)


@given(valid_plate.map(lambda c: c[2]), st.data())
def test_any_slice_of_a_plate_with_wildcards_finds_it(raw: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(raw) - 1))
    end = data.draw(st.integers(start + 1, len(raw)))
    # Cut off from its province, an authority letter O cannot be told from a serial 0 (read as 0).
    assume(not (start == 1 and raw[1] == "O"))
    pattern = "*" + raw[start:end] + "*"
    assert matches(pattern, raw)
    assert matches(pattern.lower(), raw)


@given(
    st.lists(valid_plate.map(lambda c: c[2]), min_size=1, max_size=8),
    st.text(alphabet="辽H12345DAO*?%_\\", max_size=8),
)
def test_like_finds_what_matches_finds(plates: list[str], pattern: str) -> None:
    assume(pattern.strip())
    assert _like(pattern, plates) == [p for p in plates if matches(pattern, p)]
