"""Errors of the SIA DC-09 library: one type, so callers catch exactly what bad input raises."""

from __future__ import annotations

from typing import Final

# What went wrong, as a stable slug (stored with the raw frame, shown to an administrator).
EMPTY: Final = "empty"  # nothing but framing whitespace
LENGTH: Final = "length"  # longer than any DC-09 frame
FORMAT: Final = "format"  # not a SIA-DCS / ADM-CID / NULL / OH frame
CRC: Final = "crc"  # CRC in the header does not match the body
ACCOUNT: Final = "account"  # account unknown, or encrypted without a key for it
KEY: Final = "key"  # encrypted body could not be decrypted with the configured key
CODE: Final = "code"  # event code not in the SIA code table
TIMESTAMP: Final = "timestamp"  # outside the account's time window, or missing where DC-09 requires it


class SiaFormatError(ValueError):
    """A frame that cannot be read; `code` is one of the slugs above, `account` what could be salvaged."""

    def __init__(self, code: str, detail: str, *, account: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.account = account


class SiaConfigError(ValueError):
    """An account configuration pysiaalarm would reject (account id or key of the wrong form)."""
