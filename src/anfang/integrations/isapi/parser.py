"""Parse Hikvision ISAPI alarm-server pushes into `IsapiAlert` (pure: no I/O, no clock, no Django).

A camera or NVR configured with an "alarm server" (HTTP listening host) POSTs either the bare XML::

    <?xml version="1.0" encoding="UTF-8"?>
    <EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
      <ipAddress>192.168.1.151</ipAddress>
      <macAddress>4f:e4:2f:81:cd:1b</macAddress>
      <channelID>1</channelID>
      <dateTime>2024-11-19T16:53:28+01:00</dateTime>
      <activePostCount>1</activePostCount>
      <eventType>IO</eventType>
      <eventState>active</eventState>
      <inputIOPortID>1</inputIOPortID>
      <channelName>Cam 1</channelName>
    </EventNotificationAlert>

or a `multipart/form-data` (or `multipart/mixed`) body whose XML part comes with picture parts::

    --boundary
    Content-Disposition: form-data; name="linedetection"
    Content-Type: application/xml

    <EventNotificationAlert …>…</EventNotificationAlert>
    --boundary
    Content-Disposition: form-data; name="lineCrossImage"; filename="test-image.jpg"
    Content-Type: image/jpeg

    <JPEG bytes>
    --boundary--

Devices differ from the documents: the root may carry the hikvision.com ver20 namespace, the old
psialliance one or none; GB2312 may be declared (or declared wrongly); line ends may be LF; part names
are arbitrary. The parser is tolerant of all of that and strict only where nothing useful is left: bad
XML, another root element, no `eventType`, no XML part — each an `IsapiFormatError`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.errors
import email.parser
import email.policy
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from anfang.integrations.events import Picture
from anfang.integrations.isapi.errors import IsapiFormatError
from anfang.integrations.isapi.models import AnprInfo, IsapiAlert, PictureInfo

ROOT: Final = "EventNotificationAlert"

# `<?xml version="1.0" encoding="GB2312"?>` — the declaration, and its encoding if any.
_DECLARATION = re.compile(rb"""^\s*<\?xml\b[^>]*?\?>""", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""", re.IGNORECASE)

# GB2312 and GBK are subsets of GB18030: decoding as GB18030 never loses a character a device meant.
_ENCODING_ALIASES: Final = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}

# Hikvision CN firmware writes the plate colour in front of the plate: 蓝皖A7XG66.
_PLATE_COLOR_PREFIXES: Final = {"蓝": "blue", "黄": "yellow", "绿": "green", "白": "white", "黑": "black"}
_NO_PLATE: Final = frozenset({"无车牌"})

# A boundary we are willing to put back into a header (RFC 2046 allows at most 70 characters).
_BOUNDARY = re.compile(r"^[A-Za-z0-9'()+_,./:=?\- ]{1,200}$")


def parse_alert(body: bytes, content_type: str = "") -> IsapiAlert:
    """Parse one alarm-server POST body (bare XML or multipart with pictures) into an `IsapiAlert`.

    `content_type` is the request's Content-Type header; when it is missing or wrong the body is sniffed
    (a multipart body starts with `--`). Raises `IsapiFormatError` for anything that is not an alert.
    """
    if not isinstance(body, bytes | bytearray):
        raise IsapiFormatError("the body must be bytes")
    body = bytes(body)
    mime = content_type.split(";", 1)[0].strip().lower()
    start = body.removeprefix(codecs.BOM_UTF8).lstrip()[:2]
    # The body decides before the header does: devices and proxies label bodies wrongly.
    multipart = start == b"--" or (mime.startswith("multipart/") and start[:1] != b"<")
    if multipart:
        xml, part_name, pictures = _split_multipart(body, content_type)
        return replace(parse_xml(xml), pictures=pictures, part_name=part_name)
    return parse_xml(body)


def parse_xml(data: bytes) -> IsapiAlert:
    """Parse the `EventNotificationAlert` XML document alone."""
    root = _parse_root(data)
    name = _local(root.tag)
    if name != ROOT:
        raise IsapiFormatError(f"the root element is <{name[:60]}>, not <{ROOT}>")
    event_type = _child_text(root, "eventType")
    if not event_type:
        raise IsapiFormatError("the alert has no eventType")
    date_time_text = _child_text(root, "dateTime")
    dyn_channel = _int(_child_text(root, "dynChannelID"))
    channel = _int(_child_text(root, "channelID"))
    return IsapiAlert(
        event_type=event_type,
        event_state=(_child_text(root, "eventState") or "active").lower(),
        channel=channel if channel is not None else dyn_channel,
        dyn_channel=dyn_channel,
        date_time=parse_time(date_time_text),
        date_time_text=date_time_text,
        ip_address=_child_text(root, "ipAddress"),
        mac_address=_child_text(root, "macAddress"),
        channel_name=_child_text(root, "channelName"),
        event_description=_child_text(root, "eventDescription"),
        serial_number=_first_text(root, "serialNumber"),
        region_id=_int(_first_text(root, "regionID")),
        detection_target=_first_text(root, "detectionTarget") or _child_text(root, "targetType"),
        relation_event=_first_text(root, "relationEvent"),
        active_post_count=_int(_child_text(root, "activePostCount")),
        input_port=_int(_child_text(root, "inputIOPortID") or _child_text(root, "dynInputIOPortID")),
        uuid=_child_text(root, "UUID"),
        retransmission=_child_text(root, "isDataRetransmission").lower() == "true",
        pic_num=_int(_child_text(root, "picNum")),
        anpr=_anpr(root),
    )


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 time with its UTC offset, as the device said it; None if absent, naive or garbled.

    A time without an offset is not guessed into a zone: the Django side then uses the receive time.
    """
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def split_plate_color(raw: str) -> tuple[str, str]:
    """Split a CN colour prefix off a plate: "蓝皖A7XG66" -> ("皖A7XG66", "blue").

    Only when a province character (or WJ) follows, because 黑 is also Heilongjiang's abbreviation:
    "黑A12345" is a plate, not a black "A12345".
    """
    raw = raw.strip()
    if raw in _NO_PLATE:
        return "", ""
    color = _PLATE_COLOR_PREFIXES.get(raw[:1])
    rest = raw[1:]
    if color and rest and (not rest[0].isascii() or rest.upper().startswith("WJ")):
        return rest, color
    return raw, ""


# --- multipart ---------------------------------------------------------------------------------------


def _split_multipart(body: bytes, content_type: str) -> tuple[bytes, str, tuple[Picture, ...]]:
    """The XML part, its name and the picture parts of a multipart body.

    Uses the standard library's `email` parser: it handles form-data and mixed alike, accepts the LF
    line ends real captures have, and needs no dependency (see QUALITY.md).
    """
    boundary = _boundary(body, content_type)
    header = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode("ascii")
    try:
        message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(header + body)
        parts = list(message.walk()) if message.is_multipart() else []
    except (email.errors.MessageError, ValueError, TypeError, LookupError, IndexError) as exc:
        raise IsapiFormatError(f"unreadable multipart body: {exc}") from exc
    xml: bytes | None = None
    xml_name = ""
    pictures: list[Picture] = []
    for index, part in enumerate(parts):
        if part.is_multipart():
            continue
        try:
            payload = part.get_payload(decode=True)
            mime = part.get_content_type()
            form_name = _param_text(part.get_param("name", header="content-disposition"))
            file_name = _param_text(part.get_filename())
        except (email.errors.MessageError, ValueError, TypeError, LookupError, IndexError) as exc:
            raise IsapiFormatError(f"unreadable multipart part {index}: {exc}") from exc
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        if xml is None and ("xml" in mime or payload.lstrip()[:1] == b"<"):
            xml, xml_name = payload, form_name
            continue
        name = file_name or form_name or f"part-{index}"
        pictures.append(Picture(name=name, content_type=mime, data=payload))
    if xml is None:
        raise IsapiFormatError("the multipart body has no XML part")
    return xml, xml_name, tuple(pictures)


def _param_text(value: object) -> str:
    """A header parameter as text (RFC 2231 parameters come back as a (charset, language, text) tuple)."""
    if isinstance(value, tuple) and len(value) == 3:
        value = value[2]
    return value.strip() if isinstance(value, str) else ""


def _boundary(body: bytes, content_type: str) -> str:
    """The boundary the header names if the body uses it, else the one the body's first line shows."""
    declared = ""
    match = re.search(r"""boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))""", content_type, re.IGNORECASE)
    if match:
        declared = (match.group(1) or match.group(2) or "").strip()
    if declared and _BOUNDARY.match(declared) and b"--" + declared.encode("ascii") in body:
        return declared
    first_line = body.lstrip().split(b"\n", 1)[0].strip()
    sniffed = first_line[2:].decode("ascii", "replace") if first_line.startswith(b"--") else ""
    if sniffed.endswith("--"):  # a body that is nothing but its closing delimiter
        sniffed = sniffed[:-2]
    if not sniffed or not _BOUNDARY.match(sniffed):
        raise IsapiFormatError("the multipart body has no usable boundary")
    return sniffed


# --- XML ---------------------------------------------------------------------------------------------


def _parse_root(data: bytes) -> Element:
    """Decode with the declared encoding (GB2312 included), then parse with DTDs and entities refused."""
    text = _decode(data)
    try:
        return fromstring(text.encode("utf-8"), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise IsapiFormatError(f"not well-formed XML: {exc}") from exc


def _decode(data: bytes) -> str:
    """The document as text without its declaration; expat itself knows no GB2312."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError as exc:
            raise IsapiFormatError("the body is not valid UTF-16") from exc
    data = data.removeprefix(codecs.BOM_UTF8).lstrip()
    declaration = _DECLARATION.match(data)
    declared = ""
    if declaration:
        found = _DECLARED_ENCODING.search(declaration.group(0))
        declared = found.group(1).decode("ascii").lower() if found else ""
        data = data[declaration.end() :]
    candidates = [_ENCODING_ALIASES.get(declared, declared), "utf-8", "gb18030"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return data.decode(encoding)
        except (UnicodeError, LookupError):
            continue  # declared wrongly (or unknown): real devices do that; try the next
    return data.decode("utf-8", "replace")


def _local(tag: object) -> str:
    """`{http://www.hikvision.com/ver20/XMLSchema}eventType` -> `eventType` (namespaces vary by firmware)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next(_children(element, name), None)


def _child_text(element: Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _first_text(element: Element, name: str) -> str:
    """The first non-empty element of that name anywhere below (Extensions, DetectionRegionList, …)."""
    for node in element.iter():
        if _local(node.tag) == name and (node.text or "").strip():
            return (node.text or "").strip()
    return ""


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _anpr(root: Element) -> AnprInfo | None:
    """The plate read, if this alert has an `ANPR` element."""
    anpr = _child(root, "ANPR")
    if anpr is None:
        return None
    raw = _child_text(anpr, "licensePlate")
    plate, prefix_color = split_plate_color(raw)
    color = _child_text(anpr, "plateColor")
    if prefix_color and color.lower() in ("", "unknown"):
        color = prefix_color
    believe = tuple(
        value
        for value in (_int(v) for v in _child_text(anpr, "plateCharBelieve").split(","))
        if value is not None
    )
    picture_list = _child(anpr, "pictureInfoList")
    pictures = tuple(
        PictureInfo(file_name=_child_text(info, "fileName"), type=_child_text(info, "type"))
        for info in (_children(picture_list, "pictureInfo") if picture_list is not None else ())
    )
    return AnprInfo(
        plate=plate,
        license_plate_raw=raw,
        plate_color=color,
        plate_type=_child_text(anpr, "plateType"),
        confidence=_int(_child_text(anpr, "confidenceLevel")),
        direction=_child_text(anpr, "direction"),
        plate_char_believe=believe,
        vehicle_type=_child_text(anpr, "vehicleType"),
        vehicle_color=_child_text(_child(anpr, "vehicleInfo"), "color"),
        pictures=pictures,
    )
