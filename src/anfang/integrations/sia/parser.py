"""Read SIA DC-09 frames with pysiaalarm and decide the receiver's answer (ACK, NAK or DUH).

Sample frame (SIA-DCS closing report by user 501 in area 1, from pysiaalarm's tests)::

    E5D50078"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019

pysiaalarm parses, decrypts and maps Contact ID to SIA codes; no DC-09 parser of our own. It reads the
wall clock for the timestamp window and the response timestamps, so those two steps are done here with
pysiaalarm's own CRC and AES helpers and a `now` passed in: the module stays pure (no I/O, no clock).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pysiaalarm import SIAAccount, SIAEvent
from pysiaalarm.errors import EventFormatError, NoAccountError
from pysiaalarm.utils import MAIN_MATCHER, OH_MATCHER, MessageTypes

from anfang.integrations.sia import errors
from anfang.integrations.sia.errors import SiaFormatError
from anfang.integrations.sia.models import SiaAccountConfig, SiaMessage, SiaOutcome

# No DC-09 frame comes near this (the longest carry a few extended-data blocks); a longer line is
# garbage or an attack and is not handed to the regular expressions.
MAX_FRAME_CHARS: Final = 2048
# ARCHITECTURE: device clocks drifting more than 5 s are flagged.
CLOCK_DRIFT_FLAG_S: Final = 5.0

_HEX = re.compile(r"[0-9A-Fa-f]+")
_TIMESTAMP = re.compile(r"_(?P<ts>[0-9:,-]*)$")
_ZONE = re.compile(r"(?P<zone>\d*)(?P<rest>.*)", re.S)
_TEXT = re.compile(r"\^(?P<text>[^^]*)\^?")


def accounts_by_id(configs: Iterable[SiaAccountConfig]) -> dict[str, SiaAccountConfig]:
    """The mapping `handle_frame` expects: upper-case account id → config ("" = any account)."""
    return {config.account_id: config for config in configs}


def find_account(accounts: Mapping[str, SiaAccountConfig] | None, account: str) -> SiaAccountConfig | None:
    """The config for `account`, else the catch-all "" account (pysiaalarm's rule), else None."""
    if not accounts:
        return None
    return accounts.get(account.upper()) or accounts.get("")


def split_frames(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Cut a TCP stream into frames: each DC-09 frame ends with CR. Returns (frames, unfinished rest)."""
    *frames, rest = buffer.split(b"\r")
    return [frame for frame in frames if frame.strip()], rest


def parse_frame(line: bytes, accounts: Mapping[str, SiaAccountConfig] | None = None) -> SiaMessage:
    """Read one frame; judge nothing (CRC, length and account are reported, not enforced).

    An encrypted frame is decrypted when `accounts` holds a key for its account; otherwise only its
    header is read (`decrypted` False). Raises `SiaFormatError` for anything that is not a frame.
    """
    text = _text(line)
    if not text:
        raise SiaFormatError(errors.EMPTY, "empty frame")
    if len(text) > MAX_FRAME_CHARS:
        raise SiaFormatError(errors.LENGTH, f"frame of {len(text)} characters exceeds {MAX_FRAME_CHARS}")
    if "\ufffd" in text:
        raise SiaFormatError(errors.FORMAT, "frame holds non-ASCII bytes", account=_salvage(text)["account"])
    match = MAIN_MATCHER.match(text)
    if match is None:
        if OH_MATCHER.match(text):
            return _oh_message(text)
        raise SiaFormatError(
            errors.FORMAT,
            "not a SIA DC-09 (SIA-DCS, ADM-CID, NULL) or OH frame",
            account=_salvage(text)["account"],
        )
    header = match.groupdict()
    body = text[8:]
    crc_valid = header["crc"].upper() == SIAEvent._crc_calc(body)
    length_header = int(header["length"], 16)
    encrypted = bool(header["encrypted_flag"])
    header_account = header["account"] or ""
    base: dict[str, Any] = {
        "message_type": header["message_type"],
        "encrypted": encrypted,
        "sequence": header["sequence"],
        "receiver": (header["receiver"] or "")[1:],
        "line": header["line"][1:],
        "account": header_account.upper(),
        "crc": header["crc"],
        "crc_valid": crc_valid,
        "length_header": length_header,
        "length_valid": length_header == len(body),
    }
    sia_accounts: dict[str, SIAAccount] | None = None
    if encrypted:
        config = find_account(accounts, header_account)
        if config is None or config.key is None:
            return SiaMessage(**base, decrypted=False)
        rest = header["rest"]
        if not _HEX.fullmatch(rest) or len(rest) % 32:
            raise SiaFormatError(
                errors.FORMAT, "encrypted body is not whole AES blocks in hex", account=base["account"]
            )
        sia_accounts = {header_account: _sia_account(config)}
    try:
        event = SIAEvent.from_line(text, sia_accounts)
    except (EventFormatError, NoAccountError) as exc:
        if encrypted:
            code = errors.KEY if crc_valid else errors.CRC
            raise SiaFormatError(
                code, "encrypted body could not be read with the key", account=base["account"]
            ) from exc
        raise SiaFormatError(errors.FORMAT, f"body not readable: {exc}", account=base["account"]) from exc
    except (ValueError, TypeError, IndexError, KeyError) as exc:  # pysiaalarm on input it never expected
        raise SiaFormatError(errors.FORMAT, f"frame not readable: {exc}", account=base["account"]) from exc
    return _message(event, base)


def handle_frame(line: bytes, accounts: Mapping[str, SiaAccountConfig], *, now: dt.datetime) -> SiaOutcome:
    """Parse one frame, check it as a DC-09 receiver does and build the answer to the panel.

    ACK: accepted (send it after the event is committed). NAK (with the receiver's time, so the panel
    can correct its clock): bad CRC, timestamp outside the window, unknown account, wrong or missing key.
    DUH: the receiver cannot process the frame (not DC-09, unknown event code). Never raises for input.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        message = parse_frame(line, accounts)
    except SiaFormatError as exc:
        return _rejected(exc, _text(line), now)
    config = find_account(accounts, message.account)
    outcome: dict[str, Any] = {"event": message, "account": message.account, "config": config}
    nak = _nak(now, message.receiver_token, message.line_token)
    if message.message_type == MessageTypes.OH.value:
        # Osborne-Hoffman lines are not DC-09 framed: pysiaalarm answers a bare "ACK".
        if config is None:
            return SiaOutcome(b'"NAK"', error=errors.ACCOUNT, detail="unknown account", **outcome)
        return SiaOutcome(b'"ACK"', **outcome)
    if not message.crc_valid:
        return SiaOutcome(nak, error=errors.CRC, detail="CRC mismatch", **outcome)
    if config is None:
        return SiaOutcome(nak, error=errors.ACCOUNT, detail="unknown account", **outcome)
    if message.encrypted and not message.decrypted:
        detail = "encrypted frame, no key configured for the account"
        return SiaOutcome(nak, error=errors.ACCOUNT, detail=detail, **outcome)
    if config.key and not message.encrypted:
        # A spoofed clear-text frame must not pass for a panel that encrypts.
        detail = "account requires encryption"
        return SiaOutcome(nak, error=errors.KEY, detail=detail, **outcome)
    if not message.code_known:
        detail = f"unknown event code {message.code!r}"
        return SiaOutcome(_reply("DUH", message), error=errors.CODE, detail=detail, **outcome)
    drift: float | None = None
    if message.timestamp is not None:
        drift = (message.timestamp - now).total_seconds()
    if config.allowed_timeband is not None:
        past, future = config.allowed_timeband
        if drift is None and message.encrypted:
            # DC-09: encrypted frames carry a timestamp, which is what defeats replay.
            return SiaOutcome(nak, error=errors.TIMESTAMP, detail="no timestamp", **outcome)
        if drift is not None and not -past <= drift <= future:
            detail = f"timestamp {drift:+.0f} s off the receiver clock"
            return SiaOutcome(nak, error=errors.TIMESTAMP, detail=detail, clock_drift_s=drift, **outcome)
    warnings = []
    if not message.length_valid:
        warnings.append(errors.LENGTH)
    if drift is not None and abs(drift) > CLOCK_DRIFT_FLAG_S:
        warnings.append("clock_drift")
    return SiaOutcome(_ack(message, config, now), clock_drift_s=drift, warnings=tuple(warnings), **outcome)


# --- helpers ---------------------------------------------------------------------------------------


def _text(line: bytes) -> str:
    return line.decode("ascii", errors="replace").strip()


def _sia_account(config: SiaAccountConfig) -> SIAAccount:
    """pysiaalarm's account; its own time check is off (ours gets `now`), its key bytes are ours."""
    account = SIAAccount(account_id=config.account_id, key=config.key, allowed_timeband=None)
    account.key_b = config.key_bytes
    return account


def _oh_message(text: str) -> SiaMessage:
    event = SIAEvent.from_line(text)
    code = event.code or ""
    return SiaMessage(
        message_type=MessageTypes.OH.value,
        encrypted=False,
        sequence="",
        receiver=event.receiver,
        line=event.line,
        account=(event.account or "").upper(),
        crc="",
        crc_valid=True,
        length_header=None,
        length_valid=True,
        code=code,
        code_known=event.sia_code is not None,
        description=event.sia_code.type if event.sia_code else "",
        user=event.id or "",
    )


def _message(event: SIAEvent, base: dict[str, Any]) -> SiaMessage:
    """Copy what pysiaalarm read into our frozen dataclass."""
    content = event.content or ""
    stamp = _TIMESTAMP.search(content)
    timestamp = event.timestamp if isinstance(event.timestamp, dt.datetime) else None
    fields: dict[str, Any] = {
        **base,
        "account": (event.account or base["account"]).upper(),
        "code": event.code or "",
        "code_known": event.sia_code is not None,
        "description": event.sia_code.type if event.sia_code else "",
        "timestamp": timestamp,
        "timestamp_text": stamp.group("ts") if stamp else "",
        "extended_data": tuple((x.identifier, x.value or "") for x in event.extended_data or ()),
    }
    if base["message_type"] == MessageTypes.ADMCID.value:
        fields.update(
            zone=event.ri or "",
            qualifier=event.event_qualifier or "",
            event_code=event.event_type or "",
            partition=event.partition or "",
        )
    else:
        message = event.message or ""
        zone_match = _ZONE.match(message)
        text_match = _TEXT.search(message)
        fields.update(
            ri=event.ri or "",
            zone=zone_match.group("zone") if zone_match else "",
            text=text_match.group("text") if text_match else "",
            user=event.id or "",
            message=message,
        )
    return SiaMessage(**fields)


def _salvage(text: str) -> dict[str, str]:
    """Sequence, receiver, line and account of a frame pysiaalarm rejects, to answer and log it."""
    match = MAIN_MATCHER.search(text)
    if match is None:
        return {"sequence": "", "receiver": "", "line": "", "account": ""}
    found = match.groupdict()
    return {
        "sequence": found["sequence"],
        "receiver": found["receiver"] or "",
        "line": found["line"],
        "account": (found["account"] or "").upper(),
    }


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("_%H:%M:%S,%m-%d-%Y")


def _frame(body: str) -> bytes:
    """<LF> CRC length body <CR>, as pysiaalarm frames its responses."""
    return f"\n{SIAEvent._crc_calc(body)}{len(body):04X}{body}\r".encode("ascii")


def _head(sequence: str, receiver_token: str, line_token: str, account: str) -> str:
    """The echo of a frame's sequence, receiver, line and account that ACK and DUH carry."""
    return f"{sequence}{receiver_token}{line_token}" + (f"#{account}" if account else "")


def _reply(kind: str, message: SiaMessage) -> bytes:
    """ACK/DUH echoing the frame's sequence, receiver, line and account."""
    head = _head(message.sequence, message.receiver_token, message.line_token, message.account)
    return _frame(f'"{kind}"{head}[]')


def _ack(message: SiaMessage, config: SiaAccountConfig, now: dt.datetime) -> bytes:
    if not message.encrypted:
        return _reply("ACK", message)
    # An encrypted frame gets an encrypted ACK carrying the receiver's time (pysiaalarm's form).
    cipher = SIAEvent(sia_account=_sia_account(config)).encrypt_content(f"]{_stamp(now)}")
    head = _head(message.sequence, message.receiver_token, message.line_token, message.account)
    return _frame(f'"*ACK"{head}[{cipher}')


def _nak(now: dt.datetime, receiver_token: str = "", line_token: str = "") -> bytes:
    """NAK with the receiver's time so the panel can correct its clock; no account echoed ("A0")."""
    return _frame(f'"NAK"0000{receiver_token or "R0"}{line_token or "L0"}A0[]{_stamp(now)}')


def _rejected(exc: SiaFormatError, text: str, now: dt.datetime) -> SiaOutcome:
    if exc.code == errors.EMPTY:
        return SiaOutcome(b"", error=exc.code, detail=exc.detail, should_keep_raw=False)
    found = _salvage(text[:MAX_FRAME_CHARS])
    if exc.code not in (errors.FORMAT, errors.LENGTH):
        response = _nak(now, found["receiver"], found["line"])
    elif found["sequence"]:
        response = _frame(
            f'"DUH"{_head(found["sequence"], found["receiver"], found["line"], found["account"])}[]'
        )
    else:
        response = _frame('"DUH"0000R0L0A0[]')
    return SiaOutcome(response, error=exc.code, detail=exc.detail, account=exc.account)
