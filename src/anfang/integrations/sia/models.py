"""Frozen dataclasses of the SIA DC-09 library: account configuration, parsed frame, handling outcome."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from anfang.integrations.sia.errors import SiaConfigError

KeyEncoding = Literal["ascii", "hex"]

_HEX = re.compile(r"[0-9A-Fa-f]+")
# DC-09 account ids are 3–16 hex digits; Osborne-Hoffman lines carry 8 word characters ("006969XX").
_ACCOUNT = re.compile(r"[0-9A-Za-z]{3,16}")


@dataclass(frozen=True)
class SiaAccountConfig:
    """One panel account the receiver accepts, with its AES key when the panel encrypts.

    `key_encoding="ascii"` is pysiaalarm's (and Home Assistant's) convention: the 16, 24 or 32 characters
    of the key are the AES key bytes. `"hex"` reads 32, 48 or 64 hex digits as the key bytes, which is
    how some panels and `alarms.SiaAccount.key` state it. `allowed_timeband` is (seconds in the past,
    seconds in the future) a frame's timestamp may be off the receiver clock; None disables the check.
    """

    account_id: str
    key: str | None = None
    allowed_timeband: tuple[int, int] | None = (40, 20)
    key_encoding: KeyEncoding = "ascii"

    def __post_init__(self) -> None:
        account = self.account_id.upper()
        # "" is pysiaalarm's catch-all account.
        if account and not _ACCOUNT.fullmatch(account):
            raise SiaConfigError(f"SIA account id must be 3–16 letters or digits, got {self.account_id!r}")
        object.__setattr__(self, "account_id", account)
        if self.key is not None:
            if not _HEX.fullmatch(self.key):
                raise SiaConfigError("SIA key must be hex digits")
            lengths = (16, 24, 32) if self.key_encoding == "ascii" else (32, 48, 64)
            if len(self.key) not in lengths:
                raise SiaConfigError(f"SIA key ({self.key_encoding}) must have {lengths} characters")
        if self.allowed_timeband is not None and min(self.allowed_timeband) < 0:
            raise SiaConfigError("allowed_timeband values are seconds and cannot be negative")

    def __repr__(self) -> str:  # the key is a secret: never in logs
        key = "set" if self.key else "None"
        return f"SiaAccountConfig({self.account_id!r}, key={key}, allowed_timeband={self.allowed_timeband})"

    @property
    def key_bytes(self) -> bytes | None:
        """The AES key as bytes, per `key_encoding`."""
        if not self.key:
            return None
        return bytes.fromhex(self.key) if self.key_encoding == "hex" else self.key.encode("ascii")


@dataclass(frozen=True)
class SiaMessage:
    """One DC-09 frame as read (SIA-DCS, ADM-CID, NULL) or an Osborne-Hoffman line ("OH").

    Header fields are always set; body fields are empty when the frame is encrypted and no key was given
    (`decrypted` False). `receiver`/`line` are the numbers without their `R`/`L` prefix ("" = absent).
    For ADM-CID, `code` is the SIA code pysiaalarm maps the Contact ID event to and `zone` is the CID zone.
    `timestamp` is the frame's UTC time (DC-09 sends UTC), None when absent or unreadable.
    """

    message_type: str
    encrypted: bool
    sequence: str
    receiver: str
    line: str
    account: str
    crc: str
    crc_valid: bool
    length_header: int | None
    length_valid: bool
    decrypted: bool = True
    code: str = ""
    code_known: bool = False
    description: str = ""
    ri: str = ""  # SIA-DCS area ("ri" = report identifier / area)
    zone: str = ""
    text: str = ""  # the ^...^ text of a SIA-DCS event
    user: str = ""  # SIA-DCS "id" field
    qualifier: str = ""  # ADM-CID: 1 new event, 3 restore, 6 status
    event_code: str = ""  # ADM-CID three-digit event
    partition: str = ""  # ADM-CID
    timestamp: dt.datetime | None = None
    timestamp_text: str = ""
    extended_data: tuple[tuple[str, str], ...] = ()
    message: str = ""  # SIA-DCS text after the code, as sent ("501", "0^VX FRONTE ^")

    @property
    def id_token(self) -> str:
        """The DC-09 ID token as written in the frame: `SIA-DCS`, `*ADM-CID`, …"""
        return ("*" if self.encrypted else "") + self.message_type

    @property
    def receiver_token(self) -> str:
        return f"R{self.receiver}" if self.receiver else ""

    @property
    def line_token(self) -> str:
        return f"L{self.line}" if self.line else ""


@dataclass(frozen=True)
class SiaOutcome:
    """What the receiver does with one frame.

    `response` goes back to the panel — only after `event` is committed when `should_store` is True
    (ARCHITECTURE data flow 1). `error` is a slug from `errors` (None when accepted); `warnings` are
    accepted irregularities ("length": header length does not match, as real panels send;
    "clock_drift": more than 5 s off). `should_keep_raw` says the bytes are worth keeping (anything but
    an empty line), flagged with `error` when not accepted.
    """

    response: bytes
    event: SiaMessage | None = None
    error: str | None = None
    detail: str = ""
    account: str = ""
    config: SiaAccountConfig | None = None
    clock_drift_s: float | None = None
    warnings: tuple[str, ...] = ()
    should_keep_raw: bool = True

    @property
    def accepted(self) -> bool:
        return self.error is None

    @property
    def should_store(self) -> bool:
        """Store and process the event (then send `response`); False means reject and keep raw only."""
        return self.error is None and self.event is not None
