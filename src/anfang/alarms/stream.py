"""The live alarm feed as Server-Sent Events, shared by the console (`/console/stream`, session) and API
clients (`GET /api/v1/alarms/stream`, user bearer token).

Wire format (text/event-stream)::

    retry: 2000

    event: snapshot
    id: 118
    data: {"cursor": 118, "alarms": [{…alarm_payload…}, …]}

    event: alarm
    id: 121
    data: {…alarm_payload…, "actions": ["raise"]}

    : keep-alive

The id is an `AlarmAction` id (the feed cursor, ARCHITECTURE data flow 3): a client reconnecting with
`Last-Event-ID` gets every change after it and no snapshot, so nothing is missed across a drop. Only
the last message of a batch carries the id, so a drop in the middle of a batch repeats the batch
(payloads are whole alarms: applying one twice is harmless) rather than skipping part of it.

The feed follows the database only, so any web process may serve any client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError
from django.utils import translation

from anfang.alarms import services

log = logging.getLogger(__name__)

POLL_S = 0.05
HEARTBEAT_S = 15.0
# Under WSGI (runserver, the test live server) a gone client is only noticed when a write fails, and
# each stream holds a server thread: beat every second so a closed page frees its thread at once.
WSGI_HEARTBEAT_S = 1.0
# A stream ends after an hour; EventSource reconnects at once with Last-Event-ID, so nothing is lost and
# no connection (or its user's revoked rights) outlives a reasonable time.
MAX_STREAM_S = 3600.0
# How often a stream reads the user's account (and token) again.
RECHECK_S = 30.0
RETRY_MS = 2000
# At most this many catch-up batches per poll, so a client far behind cannot starve the others.
MAX_BATCHES_PER_POLL = 20

HEARTBEAT = b": keep-alive\n\n"


def message(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One SSE message; the JSON is on one line (no newlines can break the framing)."""
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def parse_last_event_id(value: str | None) -> int | None:
    """The cursor a reconnecting client sends back; anything else means "start with a snapshot"."""
    if not value:
        return None
    value = value.strip()
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value)


@dataclass
class AlarmFeed:
    """What one client is owed: the open alarms at first, then every change it may see.

    Synchronous (it queries the database); the async stream calls it through `sync_to_async`.
    `community_ids=None` means every community the user sees; `visible_alarms` scopes each poll
    again, so rights withdrawn during a stream take effect at the next poll.
    """

    user: Any
    community_ids: Sequence[int] | None = None
    language: str = "zh-hans"
    cursor: int | None = None
    _started: bool = field(default=False, repr=False)
    # The API token the stream was opened with, if any: revoking it ends the stream.
    token_id: int | None = None
    # Action ids already sent above the cursor (PostgreSQL: the cursor waits below a young id gap).
    _seen: set[int] = field(default_factory=set, repr=False)
    _checked_at: float = field(default_factory=time.monotonic, repr=False)

    def still_allowed(self, *, every_s: float | None = None) -> bool:
        """Whether the user (and token) may still follow alarms — read again every `every_s`, so a
        deactivated user or a revoked token does not keep receiving alarms for the stream's hour."""
        now = time.monotonic()
        if now - self._checked_at < (RECHECK_S if every_s is None else every_s):
            return True
        self._checked_at = now
        from anfang.core.models import ApiToken, User

        fresh = User.objects.filter(pk=self.user.pk, is_active=True).first()
        if fresh is None:
            return False
        if self.token_id is not None and not ApiToken.objects.active().filter(pk=self.token_id).exists():
            return False
        self.user = fresh
        return True

    def start(self) -> list[bytes]:
        """The opening messages: a snapshot, or (with a valid Last-Event-ID) the changes since then."""
        self._started = True
        head = [f"retry: {RETRY_MS}\n\n".encode()]
        newest = services.feed_cursor()
        if self.cursor is not None and self.cursor <= newest:
            return head + self.poll()
        # Take the cursor before reading: a change in between is sent again, never lost.
        self.cursor = newest
        with translation.override(self.language):
            alarms = services.open_alarms(self.user, self.community_ids, limit=services.CONSOLE_LIMIT)
            payloads = [services.alarm_payload(alarm) for alarm in alarms]
            total = (
                len(alarms)
                if len(alarms) < services.CONSOLE_LIMIT
                else services.open_alarm_count(self.user, self.community_ids)
            )
        snapshot = {"cursor": newest, "alarms": payloads, "total": total}
        return [*head, message("snapshot", snapshot, newest)]

    def poll(self) -> list[bytes]:
        """Every visible alarm changed since the cursor, in batches; the last message carries the cursor."""
        assert self.cursor is not None
        out: list[bytes] = []
        with translation.override(self.language):
            for _batch in range(MAX_BATCHES_PER_POLL):
                try:
                    new_cursor, payloads = services.changes_since(
                        self.user, self.cursor, community_ids=self.community_ids, seen=self._seen
                    )
                except DatabaseError as exc:
                    # A busy database (SQLite lock, failover) must not end an operator's feed: the
                    # cursor has not moved, so the next poll asks again and nothing is lost.
                    log.warning("alarm feed poll failed, retrying: %s", exc)
                    break
                if new_cursor == self.cursor and not payloads:
                    break
                self.cursor = new_cursor
                for i, payload in enumerate(payloads):
                    last = i == len(payloads) - 1
                    out.append(message("alarm", payload, new_cursor if last else None))
        return out


def _timings(
    poll_s: float | None, heartbeat_s: float | None, max_s: float | None
) -> tuple[float, float, float]:
    """Read the module's timings at call time (tests shorten them)."""
    return (
        POLL_S if poll_s is None else poll_s,
        HEARTBEAT_S if heartbeat_s is None else heartbeat_s,
        MAX_STREAM_S if max_s is None else max_s,
    )


async def aiter_feed(
    feed: AlarmFeed,
    *,
    poll_s: float | None = None,
    heartbeat_s: float | None = None,
    max_s: float | None = None,
) -> AsyncIterator[bytes]:
    """The stream under ASGI (uvicorn): polls the database in a worker thread every `poll_s`."""
    poll_s, heartbeat_s, max_s = _timings(poll_s, heartbeat_s, max_s)
    loop = asyncio.get_running_loop()
    started = last_sent = loop.time()
    for chunk in await sync_to_async(feed.start)():
        yield chunk
    while loop.time() - started < max_s:
        await asyncio.sleep(poll_s)
        if not await sync_to_async(feed.still_allowed)():
            return
        chunks = await sync_to_async(feed.poll)()
        for chunk in chunks:
            yield chunk
        if chunks:
            last_sent = loop.time()
        elif loop.time() - last_sent >= heartbeat_s:
            yield HEARTBEAT
            last_sent = loop.time()


def iter_feed(
    feed: AlarmFeed,
    *,
    poll_s: float | None = None,
    heartbeat_s: float | None = None,
    max_s: float | None = None,
) -> Iterator[bytes]:
    """The same stream under WSGI (`runserver`, the test live server): Django's WSGI handler would
    buffer an async iterator to its end, which for an endless feed is never."""
    poll_s, heartbeat_s, max_s = _timings(poll_s, heartbeat_s, max_s)
    heartbeat_s = min(heartbeat_s, WSGI_HEARTBEAT_S)
    started = last_sent = time.monotonic()
    yield from feed.start()
    while time.monotonic() - started < max_s:
        time.sleep(poll_s)
        if not feed.still_allowed():
            return
        chunks = feed.poll()
        yield from chunks
        if chunks:
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= heartbeat_s:
            yield HEARTBEAT
            last_sent = time.monotonic()
