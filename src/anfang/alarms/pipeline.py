"""One writer per process: events stored and processed in groups, each sender answered after the commit.

At 200 events/s a thread per event (one transaction to store, one to process) spent most of its time
taking turns at SQLite's single write lock and paying two transactions each. Here the receivers (the
HTTP endpoint, the MQTT and SIA workers) hand each message to one writer thread, which takes what is
waiting (up to `MAX_GROUP` messages) and, in one transaction, stores each message in its own savepoint
and then processes each new event in its own savepoint. After the commit it tells every sender: the MQTT
PUBACK, the SIA ACK and the HTTP answer (with the status and the alarm) go out only now (ARCHITECTURE
data flow 1: stored before acknowledged). An alarm is therefore on the consoles' next poll when its
device hears back.

A processing failure rolls back only that event's savepoint: the event stays stored (`received` for the
scheduler's `PendingEventSweeper`, or `error` for an administrator). A failed commit acknowledges nothing:
the devices send again, and repeats are recognised.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connections, transaction

from anfang.alarms import services
from anfang.alarms.models import InboundEvent
from anfang.alarms.services import IngestResult, Stored
from anfang.core import audit
from anfang.core.db import release_broken_connections, write_turn

log = logging.getLogger(__name__)

# Small groups keep the first sender's wait short (its answer waits for the whole group's processing).
MAX_GROUP = 16
_LIVE: weakref.WeakSet[EventPipeline] = weakref.WeakSet()


def stop_all() -> None:
    """Stop every pipeline of this process (their threads close their database connections)."""
    for live in list(_LIVE):
        live.stop()


class PipelineStopped(RuntimeError):
    """The pipeline stopped before this message was stored: it was not acknowledged."""


@dataclass
class Message:
    """One received message. `store` runs in the writer thread, inside the group's transaction, and
    returns the events it stored (a message may hold several, or none: a bare heartbeat of a topic).
    `actor` and `request_id` attribute the changes it causes (the change log, R-33.5)."""

    store: Callable[[], Sequence[Stored]]
    actor: str = "device"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    stored: Future[list[IngestResult]] = field(default_factory=Future)
    processed: Future[list[IngestResult]] = field(default_factory=Future)

    def fail(self, exc: BaseException) -> None:
        """Tell a sender that has not heard yet (a future may also have been cancelled by its waiter)."""
        for future in (self.stored, self.processed):
            _resolve(future, exception=exc)


def _resolve(future: Future[Any], result: Any = None, exception: BaseException | None = None) -> None:
    if future.done():
        return
    try:
        if exception is not None:
            future.set_exception(exception)
        else:
            future.set_result(result)
    except InvalidStateError:  # cancelled meanwhile by whoever waited
        pass


class EventPipeline:
    """The writer thread. `submit()` from any thread; `retry_store` keeps retrying a group the database
    refused (MQTT: the broker holds the message meanwhile) instead of failing its senders at once;
    `before_attempt` runs before each try at storing a group (to forget what a failed try remembered)."""

    def __init__(
        self,
        name: str,
        *,
        retry_store: bool = False,
        max_backoff: float = 30.0,
        before_attempt: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.retry_store = retry_store
        self.max_backoff = max_backoff
        self.before_attempt = before_attempt
        self._queue: queue.Queue[Message | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        _LIVE.add(self)

    def submit(self, message: Message) -> Message:
        if self._stop.is_set():
            message.fail(PipelineStopped(self.name))
            return message
        self._ensure_thread()
        self._queue.put(message)
        if self._stop.is_set():  # stopped meanwhile: the thread may be gone, refuse what it left
            self._refuse_rest()
        return message

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the group in hand; what is still queued is refused (never acknowledged)."""
        self._stop.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
        self._refuse_rest()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=f"events-{self.name}", daemon=True)
                self._thread.start()

    # --- the writer thread ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                group = self._take()
                if not group:
                    continue
                try:
                    self._handle(group)
                except BaseException as exc:  # never leave a sender waiting for ever
                    log.exception("the %s event writer failed on a group of %d", self.name, len(group))
                    for message in group:
                        message.fail(exc)
                    close_old_connections()
        finally:
            self._refuse_rest()
            connections.close_all()

    def _take(self) -> list[Message]:
        first = self._queue.get()
        if first is None:
            return []
        group = [first]
        while len(group) < MAX_GROUP:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                break
            if message is None:
                self._stop.set()
                break
            group.append(message)
        return group

    def _refuse_rest(self) -> None:
        while True:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                return
            if message is not None:
                message.fail(PipelineStopped(self.name))

    def _handle(self, group: list[Message]) -> None:
        """One transaction for the group: each message stored in its own savepoint (a value the
        database refuses fails only that message), then each new event processed in its own savepoint
        (a processing failure leaves the event stored, `received` or `error`), then the commit — and only
        then are the senders told (ARCHITECTURE data flow 1)."""
        delay = 0.5
        while True:
            if self.before_attempt is not None:
                self.before_attempt()
            stored: dict[int, list[Stored]] = {}
            failed: dict[int, BaseException] = {}
            processed: dict[int, IngestResult] = {}
            try:
                with write_turn(), transaction.atomic(durable=True):
                    for message in group:
                        try:
                            with (
                                audit.actor(system=message.actor, request_id=message.request_id),
                                transaction.atomic(),
                            ):
                                stored[id(message)] = list(message.store())
                        except (OperationalError, InterfaceError):
                            raise  # the database, not this message: the whole group waits or fails
                        except Exception as exc:
                            failed[id(message)] = exc
                    rows, actors = _new_rows(group, stored)
                    if rows:
                        processed = {r.id: r for r in services.process_stored(rows, actors=actors)}
                break
            except Exception as exc:
                log.exception("storing %d messages failed", len(group))
                release_broken_connections()
                if not self.retry_store or self._stop.is_set():
                    for message in group:
                        message.fail(exc)
                    return
                if self._stop.wait(delay):
                    for message in group:
                        message.fail(PipelineStopped(self.name))
                    return
                delay = min(delay * 2, self.max_backoff)
        for message in group:
            if id(message) in failed:
                message.fail(failed[id(message)])
                continue
            mine = stored[id(message)]
            _resolve(message.stored, [s.result for s in mine])
            _resolve(message.processed, [processed.get(s.result.id, s.result) for s in mine])


def _new_rows(
    group: list[Message], stored: dict[int, list[Stored]]
) -> tuple[list[InboundEvent], list[tuple[str, str]]]:
    rows: list[InboundEvent] = []
    actors: list[tuple[str, str]] = []
    for message in group:
        for s in stored.get(id(message), []):
            if s.row is not None:
                rows.append(s.row)
                actors.append((message.actor, message.request_id))
    return rows, actors
