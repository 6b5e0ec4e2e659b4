"""Parse Dahua `eventManager.cgi?action=attach` streams (pure: no I/O, no clock, no Django).

The device answers `GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5` with an
endless `multipart/x-mixed-replace; boundary=myboundary` body, one part per event::

    --myboundary
    Content-Type: text/plain
    Content-Length: 183

    Code=SmartMotionHuman;action=Start;index=0;data={
       "RegionName" : [ "Region1" ],
       "WindowId" : [ 0 ],
       "object" : [ { "HumamID" : 542, "Rect" : [ 2072, 1808, 3440, 8184 ] } ]
    }
    --myboundary
    Content-Type: text/plain
    Content-Length: 9

    Heartbeat

`parse_event_block` reads one `Code=…` block, `EventStreamParser` cuts the stream into parts as bytes
arrive (whatever the chunking). Devices differ from the document: Content-Length may be wrong, headers or
the blank line may be missing, line ends may be LF, one part may hold several blocks; all tolerated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from anfang.integrations.dahua.errors import DahuaFormatError
from anfang.integrations.dahua.models import DahuaEvent, DahuaPlate

HEARTBEAT: Final = "Heartbeat"
DEFAULT_BOUNDARY: Final = "myboundary"
MAX_PART_SIZE: Final = 1 << 20  # 1 MiB: far above any event block; bounds memory on a broken stream

_BLOCK_START = re.compile(r"^[ \t]*Code=", re.MULTILINE | re.IGNORECASE)
_DATA_KEY = re.compile(r";\s*data\s*=", re.IGNORECASE)
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")
_HEADER = re.compile(rb"^([A-Za-z0-9-]{1,60})[ \t]*:[ \t]*(.*)$")


def parse_event_block(text: str | bytes) -> DahuaEvent:
    """Parse one block: `Code=VideoMotion;action=Start;index=0[;data={json}]`, or `Heartbeat`.

    Raises `DahuaFormatError` when there is no usable Code, the index is not a number, or data is not
    a JSON object.
    """
    raw = _text(text).strip()
    if not raw:
        raise DahuaFormatError("empty event block")
    if raw.lower() == HEARTBEAT.lower():
        return DahuaEvent(code=HEARTBEAT, raw=raw)
    data_key = _DATA_KEY.search(raw)
    head = raw[: data_key.start()] if data_key else raw
    fields: dict[str, str] = {}
    for pair in head.split(";"):
        if not pair.strip():
            continue
        key, equals, value = pair.partition("=")
        if not equals:
            raise DahuaFormatError(f"not key=value: {pair.strip()[:40]!r}", raw=_raw(raw))
        fields[key.strip()] = value.strip()
    lowered = {key.lower(): key for key in fields}
    code = fields.pop(lowered.get("code", "code"), "")
    if not _CODE.match(code):
        raise DahuaFormatError(f"no usable Code= in {raw[:40]!r}", raw=_raw(raw))
    action = fields.pop(lowered.get("action", "action"), "")
    index_text = fields.pop(lowered.get("index", "index"), "")
    try:
        index = int(index_text) if index_text else None
    except ValueError:
        raise DahuaFormatError(f"index is not a number: {index_text[:20]!r}", raw=_raw(raw)) from None
    data = _data(raw[data_key.end() :], raw) if data_key else {}
    return DahuaEvent(
        code=code,
        action=action,
        index=index,
        data=data,
        extra=fields,
        occurred_at=_occurred_at(data),
        locale_time=_str(data.get("LocaleTime")),
        event_id=_int(data.get("EventID")),
        plate=_plate(code, data),
        raw=raw,
    )


def parse_event_blocks(text: str | bytes) -> list[DahuaEvent]:
    """Parse a part that may hold several blocks (some NVRs send one line per channel in one part)."""
    return [parse_event_block(block) for block in split_blocks(_text(text))]


def split_blocks(text: str) -> list[str]:
    """Cut text at each line that starts with `Code=` (pretty-printed JSON lines never do)."""
    starts = [match.start() for match in _BLOCK_START.finditer(text)]
    if not starts or text[: starts[0]].strip():
        starts.insert(0, 0)  # a heartbeat, or leading text: parsed as its own block (and rejected)
    blocks = [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [block for block in blocks if block.strip()]


class EventStreamParser:
    """Incremental parser for the attach stream: feed it bytes as they arrive, get whole events back.

    A part is complete when its Content-Length bytes are in (so an alarm is not held back until the next
    part) — unless the next boundary shows the length was wrong, then the boundary decides. Parts that
    cannot be read are not raised (that would lose the good events of the same chunk): they wait in
    `take_rejected()` with their raw bytes, for the caller to store and flag.
    """

    def __init__(self, boundary: str = DEFAULT_BOUNDARY, *, max_part_size: int = MAX_PART_SIZE) -> None:
        boundary = _normal_boundary(boundary)
        if not _usable_boundary(boundary):
            raise ValueError("the boundary must be 1-200 printable ASCII characters")
        if max_part_size < 256:
            raise ValueError("max_part_size must be at least 256 bytes")
        self.boundary = boundary
        self._delimiter = b"--" + boundary.encode("ascii")
        self._max_part_size = max_part_size
        self._buffer = b""
        self._rejected: list[DahuaFormatError] = []

    @classmethod
    def from_content_type(cls, content_type: str) -> EventStreamParser:
        """A parser for the boundary the response's Content-Type names (`myboundary` if none is usable)."""
        return cls(_declared_boundary(content_type) or DEFAULT_BOUNDARY)

    @classmethod
    def sniff(cls, body: bytes, content_type: str = "") -> EventStreamParser:
        """A parser for a whole body at hand (an HTTP push): the header's boundary if the body uses it,
        else the one the body's first line shows, else `myboundary`. Never raises."""
        declared = _declared_boundary(content_type)
        if declared and b"--" + declared.encode("ascii") in body:
            return cls(declared)
        first = body.lstrip().split(b"\n", 1)[0].strip()
        if first.startswith(b"--"):
            sniffed = _normal_boundary(first[2:].removesuffix(b"--").decode("ascii", "replace"))
            if _usable_boundary(sniffed):
                return cls(sniffed)
        return cls(declared or DEFAULT_BOUNDARY)

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete part."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[DahuaEvent]:
        """Add bytes; return the events of every part that is now complete."""
        self._buffer += bytes(data)
        events: list[DahuaEvent] = []
        while True:
            while (body := self._next_body()) is not None:
                events.extend(self._events(body))
            if len(self._buffer) <= self._max_part_size:
                return events
            self._resync()

    def flush(self) -> list[DahuaEvent]:
        """At the end of the stream: read what is left as a last part (its boundary will never come)."""
        rest, self._buffer = self._buffer, b""
        start = rest.find(self._delimiter)
        if start >= 0:
            self._reject_junk(rest[:start])
            rest = rest[start + len(self._delimiter) :]
            if rest.lstrip().startswith(b"--"):
                return []
            rest = self._skip_headers(rest.split(b"\n", 1)[1] if b"\n" in rest else b"")
        return self._events(rest)

    def take_rejected(self) -> list[DahuaFormatError]:
        """The unreadable parts seen since the last call, each with `.raw`; clears the list."""
        rejected, self._rejected = self._rejected, []
        return rejected

    # --- internals ---------------------------------------------------------------------------------

    def _next_body(self) -> bytes | None:
        """Take the next complete part's body off the buffer, or None to wait for more bytes."""
        while True:
            buf = self._buffer
            start = buf.find(self._delimiter)
            if start < 0:
                return None
            line_end = buf.find(b"\n", start)
            if line_end < 0:
                return None
            if not buf[start + len(self._delimiter) : line_end].strip().startswith(b"--"):
                break
            self._reject_junk(buf[:start])  # a close delimiter: that stream ended, a new one may follow
            self._buffer = buf[line_end + 1 :]
        headers: dict[bytes, bytes] = {}
        cursor = line_end + 1
        while True:
            newline = buf.find(b"\n", cursor)
            if newline < 0:
                return None  # the headers are not all in yet
            line = buf[cursor:newline].rstrip(b"\r")
            if not line.strip():
                cursor = newline + 1
                break
            header = _HEADER.match(line)
            if header is None:
                break  # no blank line after the headers: the body starts here (tolerated)
            headers[header.group(1).lower()] = header.group(2).strip()
            cursor = newline + 1
        following = buf.find(self._delimiter, cursor)
        length = _int(headers.get(b"content-length", b"").decode("ascii", "replace"))
        end = self._body_end(buf, cursor, following, length)
        if end is None:
            return None
        self._reject_junk(buf[:start])
        self._buffer = buf[end:]
        if not headers.get(b"content-type", b"text/plain").lower().startswith(b"text/"):
            return b""  # a picture part (snapManager streams): not an event
        return buf[cursor:end]

    def _body_end(self, buf: bytes, body_start: int, following: int, length: int | None) -> int | None:
        """Where the body ends: Content-Length if it fits the stream, else the next boundary."""
        if length is not None and length >= 0:
            end = body_start + length
            if following >= 0 and following < end:
                return following  # Content-Length too long: the next part already began
            if len(buf) >= end:
                after = buf[end:].lstrip(b"\r\n \t")[: len(self._delimiter)]
                if self._delimiter.startswith(after):
                    return end  # exact (or the next boundary is still on its way)
            elif following < 0:
                return None
        return following if following >= 0 else None  # no or wrong Content-Length: the boundary decides

    def _events(self, body: bytes) -> list[DahuaEvent]:
        text = _text(body)
        events: list[DahuaEvent] = []
        for block in split_blocks(text):
            try:
                events.append(parse_event_block(block))
            except DahuaFormatError as exc:
                self._rejected.append(exc)
        return events

    def _skip_headers(self, rest: bytes) -> bytes:
        while b"\n" in rest:
            line, remainder = rest.split(b"\n", 1)
            if not line.strip():
                return remainder
            if _HEADER.match(line.rstrip(b"\r")) is None:
                return rest
            rest = remainder
        return rest

    def _reject_junk(self, junk: bytes) -> None:
        if junk.strip():
            self._rejected.append(DahuaFormatError("data outside a multipart part", raw=junk))

    def _resync(self) -> None:
        """Too much without a complete part: reject it and look for the next boundary."""
        buf = self._buffer
        following = buf.find(self._delimiter, 1)
        cut = following if following > 0 else max(len(buf) - len(self._delimiter), 0)
        self._rejected.append(
            DahuaFormatError(f"no complete part within {self._max_part_size} bytes", raw=buf[:cut])
        )
        self._buffer = buf[cut:]


# --- helpers -----------------------------------------------------------------------------------------


def _normal_boundary(boundary: str) -> str:
    """A boundary as written in a header or a body's first line, without quotes and leading dashes."""
    return boundary.strip().strip('"').removeprefix("--")


def _usable_boundary(boundary: str) -> bool:
    return 0 < len(boundary) <= 200 and boundary.isascii() and boundary.isprintable()


def _declared_boundary(content_type: str) -> str:
    match = re.search(r"""boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))""", content_type, re.IGNORECASE)
    boundary = _normal_boundary(match.group(1) or match.group(2) or "") if match else ""
    return boundary if _usable_boundary(boundary) else ""


def _text(value: str | bytes) -> str:
    """Devices send UTF-8; older CN firmware GBK (region names). Never fails."""
    if isinstance(value, str):
        return value
    for encoding in ("utf-8", "gb18030"):
        try:
            return value.decode(encoding)
        except UnicodeDecodeError:
            continue
    return value.decode("utf-8", "replace")


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _data(text: str, raw: str) -> dict[str, Any]:
    try:
        value, end = json.JSONDecoder().raw_decode(text.strip())
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DahuaFormatError(f"data is not JSON: {exc}", raw=_raw(raw)) from None
    if not isinstance(value, dict):
        raise DahuaFormatError("data is not a JSON object", raw=_raw(raw))
    if text.strip()[end:].strip():
        raise DahuaFormatError("text after the data object", raw=_raw(raw))
    return value


def _str(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _occurred_at(data: Mapping[str, Any]) -> dt.datetime | None:
    """RealUTC (true UTC, newer firmware) else UTC (+UTCMS) as the device said it."""
    seconds = _int(data.get("RealUTC")) or _int(data.get("UTC"))
    if not seconds or seconds < 0:
        return None
    millis = _int(data.get("UTCMS"))
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if millis is not None and 0 < millis < 1000:
        moment += dt.timedelta(milliseconds=millis)
    return moment


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _plate(code: str, data: Mapping[str, Any]) -> DahuaPlate | None:
    """Plate fields of a traffic event: TrafficCar first, then the Plate object, then the vehicle."""
    car = _mapping(data.get("TrafficCar"))
    obj = _mapping(data.get("Object"))
    vehicle = _mapping(data.get("Vehicle"))
    plate_object = obj if _str(obj.get("ObjectType")).lower() == "plate" else {}
    plate = _str(car.get("PlateNumber")) or _str(plate_object.get("Text")) or _str(data.get("PlateNumber"))
    if not plate and not code.lower().startswith("traffic"):
        return None
    return DahuaPlate(
        plate=plate,
        plate_color=(_str(car.get("PlateColor")) or _str(plate_object.get("Color"))).lower(),
        plate_type=_str(car.get("PlateType")),
        confidence=_int(plate_object.get("Confidence")),
        vehicle_type=_str(car.get("VehicleType")) or _str(vehicle.get("Category")),
        vehicle_color=_str(car.get("VehicleColor")) or _str(vehicle.get("Color")),
        direction=_str(data.get("JunctionDirection")) or _str(car.get("Direction")),
        lane=_int(data.get("Lane")) if data.get("Lane") is not None else _int(car.get("Lane")),
    )
