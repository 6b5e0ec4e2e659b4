"""Taking turns at SQLite's single write lock inside one process.

SQLite takes one writer at a time. Threads of a process that each begin a write transaction meet in
SQLite's busy handler, which retries with sleeps of up to 100 ms and gives up after the timeout ("database
is locked"): seconds of delay at 200 events/s (bench/alarms.py). Threads of one process take turns here
instead; other processes still meet at SQLite's lock. PostgreSQL writes concurrently: no turn needed.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connection, connections

_sqlite_writer = threading.RLock()


def write_turn() -> AbstractContextManager[Any]:
    """`with write_turn(), transaction.atomic(): …` for every write transaction on a hot path."""
    return _sqlite_writer if connection.vendor == "sqlite" else nullcontext()


def release_broken_connections() -> None:
    """Drop this thread's broken database connections (reopened on next use), for long-lived writer
    threads, which have no request cycle to do it for them."""
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
