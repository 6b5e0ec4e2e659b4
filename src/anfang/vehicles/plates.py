"""Chinese number plates: normalise, classify, colour, and partial-plate search (pure Python, no Django).

The `anpr` package and the Django side both import this module, so a plate is written the same way
wherever it was read: by a Hikvision or Dahua camera, the platform's own recognition, a guard's form or
an API client. Rules are from GA 36-2018 《中华人民共和国机动车号牌》 (plate types, shapes, colours); where a
rule is from elsewhere the docstring says so.

Plate shapes (``P`` province abbreviation, ``L`` issuing-authority letter, ``S`` serial character: a digit
or a letter other than I and O, ``#`` a digit):

======================  =====================  ==============  ==========================
kind                    shape                  colour          example
======================  =====================  ==============  ==========================
ordinary_small          ``P L S S S S S``      blue            辽H12345
ordinary_large          ``P L S S S S S``      yellow          辽H12345 (camera said 黄)
new_energy_small        ``P L N S # # # #``    green           辽HD12345
new_energy_large        ``P L # # # # # N``    yellow_green    辽H12345D
trailer                 ``P L S S S S 挂``     yellow          辽H1234挂
coach                   ``P L S S S S 学``     yellow          辽H1234学
police                  ``P L S S S S 警``     white           辽H1234警
hong_kong / macau       ``粤 Z S S S S 港/澳``   black           粤Z1234港
embassy                 ``使 # # # # # #``     black           使224009
consulate               ``P L S S S S 领``     black           沪A1234领
no_plate                ``无车牌``             unknown         (nothing was read)
======================  =====================  ==============  ==========================

``N`` is the new-energy letter: D, A, B, C, E (pure electric) or F, G, H, J, K (other new energy).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

NO_PLATE: Final = "无车牌"


class PlateKind(StrEnum):
    """Plate types of GA 36-2018 (values mirrored by `vehicles.choices.PlateKindChoices`)."""

    ORDINARY_SMALL = "ordinary_small"
    ORDINARY_LARGE = "ordinary_large"
    NEW_ENERGY_SMALL = "new_energy_small"
    NEW_ENERGY_LARGE = "new_energy_large"
    TRAILER = "trailer"
    COACH = "coach"
    POLICE = "police"
    HONG_KONG = "hong_kong"
    MACAU = "macau"
    EMBASSY = "embassy"
    CONSULATE = "consulate"
    NO_PLATE = "no_plate"
    UNKNOWN = "unknown"


class PlateColor(StrEnum):
    """Plate background colours (GA 36-2018 4.1; values mirrored by `vehicles.choices.PlateColorChoices`).

    Small new-energy plates are a green gradient (渐变绿), large ones yellow-green (黄绿双拼).
    """

    BLUE = "blue"
    YELLOW = "yellow"
    GREEN = "green"
    YELLOW_GREEN = "yellow_green"
    WHITE = "white"
    BLACK = "black"
    UNKNOWN = "unknown"


# GA/T 1400.3 (公安视频图像信息应用系统 第3部分: 数据库技术要求) codes a plate colour (`PlateColor` of the
# motor-vehicle object) with its colour table `ColorType`: 1 黑, 2 白, 3 灰, 4 红, 5 蓝, 6 黄, 7 橙, 8 棕,
# 9 绿, 10 紫, 11 青, 12 粉, 13 透明, 99 其他. The standard's text was not available offline; the table is as
# an open-source GA/T 1400 view-library implementation reproduces it (`ColorTypeEnum`, found with the code
# search) and as our own notes of the standard have it. ColorType has no yellow-green: a large new-energy
# plate is 99 (其他), as is a colour we do not know.
GAT1400_COLOR_CODE: Final[dict[PlateColor, str]] = {
    PlateColor.BLACK: "1",
    PlateColor.WHITE: "2",
    PlateColor.BLUE: "5",
    PlateColor.YELLOW: "6",
    PlateColor.GREEN: "9",
    PlateColor.YELLOW_GREEN: "99",
    PlateColor.UNKNOWN: "99",
}


@dataclass(frozen=True)
class Plate:
    """A plate as read, normalised and classified. `problem` says briefly why it is not valid."""

    text: str
    kind: PlateKind
    color: PlateColor
    province: str
    valid: bool
    problem: str = ""


# --- character classes -----------------------------------------------------------------------------

# GA 36-2018 附录A: the 31 provincial-level abbreviations that start a civil plate.
PROVINCES: Final = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PROVINCE_SET: Final = frozenset(PROVINCES)
# Issuing-authority code (发牌机关代号, GA 36-2018 附录A): one letter, I never used. O is kept for police
# and other organs in several provinces, so it is a valid letter here (and a 0 in this place is an O).
AUTHORITY_LETTERS: Final = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
# Serial (序号): digits and letters, never I or O (GA 36-2018 5.x), so an I or O read there is a 1 or 0.
SERIAL_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# New-energy letter: GA 36-2018 has D (pure electric) and F (other); the Ministry of Public Security
# later opened A, B, C, E and G, H, J, K for the same two groups as the D and F series fill up.
NEW_ENERGY_LETTERS: Final = "DABCEFGHJK"
# The red character that ends a trailer, coach, police, consulate, Hong Kong or Macau plate.
_SUFFIXES: Final = "挂学警领港澳"

_P = f"[{PROVINCES}]"
_L = f"[{AUTHORITY_LETTERS}]"
_S = f"[{SERIAL_CHARS}]"
_N = f"[{NEW_ENERGY_LETTERS}]"

# Order matters only for readability: the shapes do not overlap.
_RULES: Final[tuple[tuple[PlateKind, re.Pattern[str], PlateColor], ...]] = (
    (PlateKind.HONG_KONG, re.compile(f"粤Z{_S}{{4}}港"), PlateColor.BLACK),
    (PlateKind.MACAU, re.compile(f"粤Z{_S}{{4}}澳"), PlateColor.BLACK),
    # GA 36-2018 5.1.2: 使 and six digits (three for the mission, three for the vehicle). Older plates and
    # some cameras put the 使 last; both are embassy plates.
    (PlateKind.EMBASSY, re.compile(r"使[0-9]{6}|[0-9]{6}使"), PlateColor.BLACK),
    # GA 36-2018 5.1.3: province, authority letter, four characters, red 领.
    (PlateKind.CONSULATE, re.compile(f"{_P}{_L}{_S}{{4}}领"), PlateColor.BLACK),
    (PlateKind.POLICE, re.compile(f"{_P}{_L}{_S}{{4}}警"), PlateColor.WHITE),
    (PlateKind.COACH, re.compile(f"{_P}{_L}{_S}{{4}}学"), PlateColor.YELLOW),
    (PlateKind.TRAILER, re.compile(f"{_P}{_L}{_S}{{4}}挂"), PlateColor.YELLOW),
    # GA 36-2018 5.x: small new energy: the letter first, then a digit or letter, then four digits.
    (PlateKind.NEW_ENERGY_SMALL, re.compile(f"{_P}{_L}{_N}{_S}[0-9]{{4}}"), PlateColor.GREEN),
    # Large new energy: five digits, then the letter.
    (PlateKind.NEW_ENERGY_LARGE, re.compile(f"{_P}{_L}[0-9]{{5}}{_N}"), PlateColor.YELLOW_GREEN),
    # Ordinary: five serial characters; blue (small) or yellow (large) is told by the colour alone.
    (PlateKind.ORDINARY_SMALL, re.compile(f"{_P}{_L}{_S}{{5}}"), PlateColor.BLUE),
)

# --- normalisation ---------------------------------------------------------------------------------

# Separators cameras and people put into plates (after NFKC, so full-width forms are already folded).
_SEPARATORS: Final = frozenset(" ·•.-_・‧∙⋅—–")
# Vendor spellings of "nothing was read" (compared after cleaning: upper case, no separators).
_NO_PLATE_SPELLINGS: Final = frozenset(
    {NO_PLATE, "无牌", "无牌车", "无车牌号", "无", "车牌", "未识别", "無車牌", "無牌", "車牌", "未識別"}
    | {"UNKNOWN", "NOPLATE", "NONE", "NULL", ""}
)
# Colour words in front of a plate (Hikvision CN firmware: "蓝皖A7XG66").
_COLOR_PREFIXES: Final = (
    ("黄绿", PlateColor.YELLOW_GREEN),
    ("蓝", PlateColor.BLUE),
    ("黄", PlateColor.YELLOW),
    ("绿", PlateColor.GREEN),
    ("白", PlateColor.WHITE),
    ("黑", PlateColor.BLACK),
)


def _clean(raw: str) -> str:
    """NFKC (full width to half width), separators and whitespace dropped, upper case; to a fixed point,
    because upper-casing can produce text NFKC changes again."""
    text = raw
    for _ in range(5):
        folded = unicodedata.normalize("NFKC", text)
        folded = "".join(c for c in folded if c not in _SEPARATORS and not c.isspace()).upper()
        if folded == text:
            break
        text = folded
    return text


def _split_prefix(text: str) -> tuple[PlateColor | None, str]:
    """A colour word off the front of a cleaned plate, only when a plate follows (province, then ASCII).

    黑 is also Heilongjiang's abbreviation: "黑A12345" is a plate, "黑黑A12345" a black 黑A12345.
    """
    for word, color in _COLOR_PREFIXES:
        rest = text[len(word) :]
        if text.startswith(word) and len(rest) >= 2 and rest[0] in _PROVINCE_SET and rest[1].isascii():
            return color, rest
    return None, text


def _fix_positions(text: str) -> str:
    """O/0 and I/1 by position (GA 36-2018): serials have no I or O; the authority letter is a letter."""
    if not text:
        return text
    if text[0] in _PROVINCE_SET:
        second = text[1:2]
        if second == "0":
            second = "O"
        return text[0] + second + _digits_for_letters(text[2:])
    if text[0] == "使":
        return "使" + _digits_for_letters(text[1:])
    if text[-1] == "使":
        return _digits_for_letters(text[:-1]) + "使"
    return text


def _digits_for_letters(serial: str) -> str:
    return serial.replace("O", "0").replace("I", "1")


def normalise(raw: str) -> str:
    """The plate as stored and compared: "辽h·1２3 4o" -> "辽H12340"; every "nothing read" -> `NO_PLATE`.

    Steps: NFKC, drop spaces and `·•.-_`, upper case, drop a colour word in front ("蓝皖A7XG66"), then O/0
    and I/1 by position. Idempotent.
    """
    if not isinstance(raw, str):
        return NO_PLATE
    text = _clean(raw)
    if text in _NO_PLATE_SPELLINGS:
        return NO_PLATE
    _, text = _split_prefix(text)
    return _fix_positions(text)


def split_color_prefix(raw: str) -> tuple[str, str]:
    """The colour a camera wrote in front of the plate, and the normalised plate.

    "蓝皖A7XG66" -> ("blue", "皖A7XG66"); without a colour word -> ("", normalise(raw)).
    """
    if not isinstance(raw, str):
        return "", NO_PLATE
    text = _clean(raw)
    if text in _NO_PLATE_SPELLINGS:
        return "", NO_PLATE
    color, _ = _split_prefix(text)
    return (str(color) if color else ""), normalise(raw)


# --- colour hints ----------------------------------------------------------------------------------

# What cameras and people call a plate colour, after lower-casing and dropping everything but letters
# and CJK: English, Chinese, Hikvision ISAPI `plateColor` and Dahua `PlateColor` values.
_HINTS: Final[Mapping[str, PlateColor]] = {
    "blue": PlateColor.BLUE,
    "蓝": PlateColor.BLUE,
    "蓝色": PlateColor.BLUE,
    "蓝牌": PlateColor.BLUE,
    "yellow": PlateColor.YELLOW,
    "黄": PlateColor.YELLOW,
    "黄色": PlateColor.YELLOW,
    "黄牌": PlateColor.YELLOW,
    "green": PlateColor.GREEN,
    "绿": PlateColor.GREEN,
    "绿色": PlateColor.GREEN,
    "绿牌": PlateColor.GREEN,
    "渐变绿": PlateColor.GREEN,
    "渐变绿色": PlateColor.GREEN,
    "newenergy": PlateColor.GREEN,
    "newenergygreen": PlateColor.GREEN,
    "gradientgreen": PlateColor.GREEN,
    "shadowgreen": PlateColor.GREEN,  # Dahua: the gradient green of small new-energy plates
    "yellowgreen": PlateColor.YELLOW_GREEN,
    "newenergyyellowgreen": PlateColor.YELLOW_GREEN,
    "黄绿": PlateColor.YELLOW_GREEN,
    "黄绿色": PlateColor.YELLOW_GREEN,
    "黄绿双拼": PlateColor.YELLOW_GREEN,
    "黄绿双拼色": PlateColor.YELLOW_GREEN,
    "white": PlateColor.WHITE,
    "白": PlateColor.WHITE,
    "白色": PlateColor.WHITE,
    "白牌": PlateColor.WHITE,
    "black": PlateColor.BLACK,
    "黑": PlateColor.BLACK,
    "黑色": PlateColor.BLACK,
    "黑牌": PlateColor.BLACK,
}


def color_from_hint(hint: str | None) -> PlateColor | None:
    """The colour a camera or a person reported, or None when unknown ("other", "unknown", codes).

    Case and separators do not matter: "Blue", "BLUE", "yellow_green", "Yellow-Green", "黄绿色".
    """
    if not isinstance(hint, str):
        return None
    key = "".join(c for c in unicodedata.normalize("NFKC", hint).lower() if c.isalpha())
    return _HINTS.get(key)


# --- classification --------------------------------------------------------------------------------


def parse(raw: str, color_hint: str | None = None) -> Plate:
    """Normalise and classify a plate; never raises. A plate fitting no GA 36-2018 shape is kept as
    read (normalised) with `kind=unknown`, `valid=False` and a short `problem`.

    `color_hint` is what the camera said; it tells a yellow (large) ordinary plate from a blue one.
    Without a usable hint, a colour word written in front of the plate ("黄皖A7XG66") is the hint.
    """
    prefix_color, text = split_color_prefix(raw)
    hint = color_from_hint(color_hint) or color_from_hint(prefix_color)
    province = text[0] if text[:1] in _PROVINCE_SET else ""
    if text == NO_PLATE:
        return Plate(NO_PLATE, PlateKind.NO_PLATE, PlateColor.UNKNOWN, "", False, "no plate was read")
    for kind, pattern, color in _RULES:
        if pattern.fullmatch(text):
            if kind == PlateKind.ORDINARY_SMALL and hint == PlateColor.YELLOW:
                kind, color = PlateKind.ORDINARY_LARGE, PlateColor.YELLOW
            return Plate(text, kind, color, province, True, "")
    return Plate(text, PlateKind.UNKNOWN, hint or PlateColor.UNKNOWN, province, False, _problem(text))


def _problem(text: str) -> str:
    """Why a normalised plate fits no shape: the first reason a person could act on."""
    first, last = text[0], text[-1]
    if "使" in (first, last):
        return "an embassy plate is 使 and six digits"
    if first not in _PROVINCE_SET:
        return f"does not start with a province abbreviation ({first!r})"
    if len(text) < 2 or text[1] not in AUTHORITY_LETTERS:
        return "the second character must be the issuing-authority letter (A-Z without I)"
    if len(text) not in (7, 8):
        return f"a plate has 7 or 8 characters, not {len(text)}"
    if last in "港澳" and not text.startswith("粤Z"):
        return "Hong Kong and Macau plates start with 粤Z"
    if last in _SUFFIXES:
        return f"a {last} plate has four letters or digits before {last}"
    if len(text) == 8:
        return "a new-energy plate has its letter third (then 5 characters) or last (after 5 digits)"
    if not last.isascii():
        return f"unknown plate type character {last!r}"
    return "the serial has characters a plate does not use"


# --- partial-plate search --------------------------------------------------------------------------

_WILDCARDS: Final = frozenset("*?")


def normalise_pattern(pattern: str) -> str:
    """A search pattern normalised like a plate, `*` and `?` kept (full-width ＊ ？ too).

    Without wildcards it is a whole plate (`normalise`). With them, a province character is always the
    plate's first, so the character after it is the authority letter (0 -> O); every other I/O is 1/0.
    """
    if not isinstance(pattern, str):
        return ""
    text = _clean(pattern)
    if not _WILDCARDS.intersection(text):
        return normalise(pattern) if text else ""
    out: list[str] = []
    for i, c in enumerate(text):
        if i > 0 and text[i - 1] in _PROVINCE_SET:
            out.append("O" if c == "0" else c)
        else:
            out.append(_digits_for_letters(c))
    return "".join(out)


def _is_exact(normalised_pattern: str) -> bool:
    return not _WILDCARDS.intersection(normalised_pattern)


def matches(pattern: str, plate: str) -> bool:
    """Whether a plate fits a search pattern.

    No wildcard: the whole plate ("辽h12345" finds 辽H12345 only). With `*` (any run of characters) or `?`
    (one character) the pattern may match anywhere in the plate: "辽H1*" finds plates starting 辽H1,
    "H1*3" finds 辽H1A23 and 辽H12345, "*345" plates containing 345. An empty pattern matches every plate.
    """
    wanted = normalise_pattern(pattern)
    text = normalise(plate)
    if not wanted:
        return True
    if _is_exact(wanted):
        return wanted == text
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wanted)
    return re.search(regex, text, re.DOTALL) is not None


def to_like(pattern: str) -> str:
    """The SQL LIKE pattern (escape character `\\`) that finds what `matches` finds.

    `%`, `_` and `\\` in the pattern are escaped; `*` -> `%`, `?` -> `_`; a pattern with wildcards is
    wrapped in `%` (matches anywhere); a pattern without is the exact plate.
    """
    wanted = normalise_pattern(pattern)
    if not wanted:
        return "%"
    out: list[str] = []
    for c in wanted:
        if c == "*":
            if not out or out[-1] != "%":
                out.append("%")
        elif c == "?":
            out.append("_")
        elif c in "%_\\":
            out.append("\\" + c)
        else:
            out.append(c)
    if _is_exact(wanted):
        return "".join(out)
    # A wildcard element is exactly "%"; an escaped percent sign is "\\%".
    if out[0] != "%":
        out.insert(0, "%")
    if out[-1] != "%":
        out.append("%")
    return "".join(out)
