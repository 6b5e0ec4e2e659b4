"""Errors of the plate reader: one for bad input, one for a missing installation.

Messages are Chinese source strings marked for gettext, translated when Django is set up (the CLI and
the web); the package itself runs without Django (benchmarks, tests of the engine).
"""

from __future__ import annotations


def _(message: str) -> str:
    """gettext when Django's settings are configured, else the source string."""
    try:
        from django.conf import settings
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover - Django is a dependency of anfang
        return message
    return gettext(message) if settings.configured else message


class AnprError(ValueError):
    """The image could not be read. ``code`` is a stable slug, the message a readable text.

    Codes: ``empty``, ``too_large``, ``not_an_image``, ``unreadable_file``, ``unsupported_input``.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class AnprUnavailable(RuntimeError):
    """The model files are not installed: the wheels that ship them come from `make install`."""
