"""Errors of the ISAPI library: one type, so callers catch exactly what bad input raises."""

from __future__ import annotations


class IsapiFormatError(ValueError):
    """The body is not a readable `EventNotificationAlert` (bad XML, wrong root, no XML part, bomb)."""
