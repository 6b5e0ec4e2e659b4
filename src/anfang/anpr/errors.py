"""Errors of the plate reader: one for bad input, one for a missing installation."""

from __future__ import annotations


class AnprError(ValueError):
    """The image could not be read (empty, corrupt, not an image, too large); the message says why."""


class AnprUnavailable(RuntimeError):
    """The model files are not installed: the wheels that ship them come from `make install`."""
