"""The Hikvision ISAPI barrier-gate exchange, pure (no I/O, no clock).

Request (Hikvision ANPR cameras / parking terminals, e.g. DS-TCG405-E: `Parking` module)::

    PUT /ISAPI/Parking/channels/1/barrierGate
    Content-Type: application/xml

    <?xml version="1.0" encoding="UTF-8"?>
    <BarrierGate version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><ctrlMode>open</ctrlMode></BarrierGate>

Answer: `ResponseStatus` — `statusCode` 1 OK, 2 Device Busy, 3 Device Error, 4 Invalid Operation,
5 Invalid XML Format, 6 Invalid XML Content, 7 Reboot Required; `statusString`; `subStatusCode`
("ok", "deviceBusy", "notSupport", "lowPrivilege", "badAuthorization", "methodNotAllowed",
"invalidOperation", "badXmlFormat", "badXmlContent", "badParameters", …). Element names are matched
without namespace (isapi.org ver20, hikvision.com ver20, none).
"""

from __future__ import annotations

import re
from typing import Final
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from anfang.integrations.gates.errors import GateFormatError
from anfang.integrations.gates.models import AUTH, PROTOCOL, REFUSED, GateCommand, GateResult

NAMESPACE: Final = "http://www.isapi.org/ver20/XMLSchema"
PATH: Final = "/ISAPI/Parking/channels/{channel}/barrierGate"
PATH_RE: Final = re.compile(r"^/ISAPI/Parking/channels/(\d{1,3})/barrierGate/?$", re.IGNORECASE)
MAX_ANSWER: Final = 64 << 10  # a ResponseStatus is a few hundred bytes

STATUS_STRINGS: Final = {
    1: "OK",
    2: "Device Busy",
    3: "Device Error",
    4: "Invalid Operation",
    5: "Invalid XML Format",
    6: "Invalid XML Content",
    7: "Reboot Required",
}


def build_request(command: GateCommand | str, channel: int = 1) -> tuple[str, str, bytes]:
    """(method, path, body) of the command for the barrier on `channel` (1-based, as ISAPI counts)."""
    mode = GateCommand(command)
    if isinstance(channel, bool) or not isinstance(channel, int) or not 1 <= channel <= 999:
        raise ValueError(f"channel must be 1-999, not {channel!r}")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<BarrierGate version="2.0" xmlns="{NAMESPACE}"><ctrlMode>{mode.value}</ctrlMode></BarrierGate>\n'
    )
    return "PUT", PATH.format(channel=channel), body.encode("utf-8")


def parse_command(body: bytes) -> GateCommand:
    """The `ctrlMode` of a `BarrierGate` body (the device side; used by the simulator)."""
    root = _xml(body)
    if _local(root.tag) != "BarrierGate":
        raise GateFormatError(f"root is {_local(root.tag)!r}, not BarrierGate", raw=body[:4096])
    mode = _child_text(root, "ctrlMode")
    try:
        return GateCommand(mode.strip().lower())
    except ValueError:
        raise GateFormatError(f"unknown ctrlMode {mode[:40]!r}", raw=body[:4096]) from None


def response_status(
    status_code: int, sub_status_code: str, *, request_url: str = "", status_string: str = ""
) -> bytes:
    """A `ResponseStatus` document as devices send it (the simulator answers with this)."""
    text = status_string or STATUS_STRINGS.get(status_code, "Error")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ResponseStatus version="2.0" xmlns="{NAMESPACE}">\n'
        f"<requestURL>{_escape(request_url)}</requestURL>\n"
        f"<statusCode>{status_code}</statusCode>\n"
        f"<statusString>{_escape(text)}</statusString>\n"
        f"<subStatusCode>{_escape(sub_status_code)}</subStatusCode>\n"
        "</ResponseStatus>\n"
    ).encode()


def parse_response(status: int, body: bytes) -> GateResult:
    """Judge the device's answer: ok only for HTTP 2xx whose ResponseStatus (if any) says OK (1).

    Never raises: an unreadable body is reported in the result (`error` "protocol" on a 2xx, else the
    HTTP status decides).
    """
    body = bytes(body[:MAX_ANSWER])
    status_code: int | None = None
    status_string = sub_status = ""
    readable = True
    if body.strip():
        try:
            root = _xml(body)
        except GateFormatError:
            readable = False
        else:
            if _local(root.tag) == "ResponseStatus":
                code_text = _child_text(root, "statusCode").strip()
                status_code = int(code_text) if code_text.isdigit() and len(code_text) < 6 else None
                status_string = _child_text(root, "statusString").strip()[:200]
                sub_status = _child_text(root, "subStatusCode").strip()[:200]
            else:
                readable = False
    said = " / ".join(part for part in (status_string, sub_status) if part)
    if 200 <= status < 300:
        if status_code in (None, 1) and readable:
            return GateResult(True, status, said or "OK", status_code=status_code, sub_status_code=sub_status)
        if not readable:
            return GateResult(False, status, "the device's answer is not a ResponseStatus", error=PROTOCOL)
        return GateResult(
            False, status, said or f"statusCode {status_code}", status_code=status_code,
            sub_status_code=sub_status, error=REFUSED,
        )  # fmt: skip
    if status == 401:
        detail = "wrong user name or password" + (f" ({said})" if said else "")
        return GateResult(
            False, status, detail, status_code=status_code, sub_status_code=sub_status, error=AUTH
        )
    return GateResult(
        False, status, said or f"HTTP {status}", status_code=status_code, sub_status_code=sub_status,
        error=REFUSED,
    )  # fmt: skip


# --- helpers -----------------------------------------------------------------------------------------


def _xml(body: bytes) -> Element:
    if not body.strip():
        raise GateFormatError("empty body")
    try:
        return fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError, RecursionError) as exc:  # ParseError: SyntaxError
        raise GateFormatError(f"not XML: {str(exc)[:120]}", raw=body[:4096]) from None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _child_text(root: Element, name: str) -> str:
    for child in root:
        if _local(child.tag) == name:
            return child.text or ""
    return ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
