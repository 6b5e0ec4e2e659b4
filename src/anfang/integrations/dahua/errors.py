"""Errors of the Dahua library: one type, carrying the raw bytes so nothing a device sent is lost."""

from __future__ import annotations


class DahuaFormatError(ValueError):
    """An event block or stream part that cannot be read (no Code=, bad index, data not JSON, …)."""

    def __init__(self, message: str, *, raw: bytes = b"") -> None:
        super().__init__(message)
        self.raw = raw
