"""The one error type services raise; views and the API turn it into a clear 4xx."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused an action. ``code`` is a stable slug, ``detail`` a readable text."""

    status = 400

    def __init__(self, code: str, detail: str, *, status: int | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = str(detail)
        if status is not None:
            self.status = status
        self.extra = extra


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, detail: str = "permission denied") -> None:
        super().__init__("forbidden", detail)
