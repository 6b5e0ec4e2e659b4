"""Errors of the gate library: one type for a message that does not follow the barrier protocol."""

from __future__ import annotations


class GateFormatError(ValueError):
    """A barrier command or device answer that cannot be read (not XML, wrong root, unknown ctrlMode…)."""

    def __init__(self, message: str, *, raw: bytes = b"") -> None:
        super().__init__(message)
        self.raw = raw
