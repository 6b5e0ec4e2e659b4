"""Data built once per test module, shared by its tests without leaking into other modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction
from django.test import override_settings

T = TypeVar("T")


@contextmanager
def built_once(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """Run ``build`` inside a transaction that is rolled back when the module is done; each test runs
    in a savepoint within it (pytest-django's ``db``), so tests stay independent. Building the demo
    writes hundreds of hash-chained audit rows: once per module instead of once per test."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
