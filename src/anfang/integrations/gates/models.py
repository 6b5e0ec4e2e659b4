"""What anfang asks a barrier to do, and what came of it, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class GateCommand(StrEnum):
    """Hikvision ISAPI `ctrlMode` values. `lock`/`unlock` are a lasting state, not a pulse: a locked
    barrier stays shut (or open) whatever later `open`/`close` commands say until it is unlocked."""

    OPEN = "open"
    CLOSE = "close"
    LOCK = "lock"
    UNLOCK = "unlock"


# `GateResult.error` values: why a command failed ("" when it succeeded).
AUTH = "auth"  # the device refused the credentials (HTTP 401)
REFUSED = "refused"  # the device answered but would not do it (403, 4xx/5xx, ResponseStatus not OK)
TIMEOUT = "timeout"  # no answer within timeout_s: the barrier MAY still have moved
UNREACHABLE = "unreachable"  # no connection, connection dropped without an answer, bad URL
PROTOCOL = "protocol"  # an answer that is not HTTP the library can read


@dataclass(frozen=True)
class GateResult:
    """The outcome of one command. `ok` means the device accepted it (HTTP 2xx and ResponseStatus OK) —
    not that the arm has moved: ISAPI has no position feedback in this answer.

    `status` is the HTTP status (None without an answer); `detail` the device's statusString /
    subStatusCode, or the reason in plain words; `status_code` / `sub_status_code` the ISAPI
    ResponseStatus fields when sent; `error` one of the categories above; `ms` the wall time taken.
    """

    ok: bool
    status: int | None = None
    detail: str = ""
    ms: float = 0.0
    status_code: int | None = None
    sub_status_code: str = ""
    error: str = ""
