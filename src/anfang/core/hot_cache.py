"""Short-lived per-process memos for configuration read on every device event.

An alarm policy, a procedure or a device's name change a few times a year but are read for each of
hundreds of events a second. ``HotCache`` keeps them for ``ANFANG_HOT_CACHE_SECONDS`` (default 5 s):
a change made in this process clears the memo at once (the models' save/delete signals), one made in
another process counts within that time. Never for what must count at once (zone arming, tokens).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_ALL: list[Callable[[], None]] = []


def clear_all() -> None:
    """Forget every memo (tests call this between tests: a rolled-back row must not linger)."""
    for clear in _ALL:
        clear()


def forget_with_the_others(clear: Callable[[], None]) -> None:
    """Have `clear_all()` also clear another per-process memo (one that is not a `HotCache`)."""
    _ALL.append(clear)


class HotCache(Generic[K, V]):
    """`keep_none=False`: a None answer (an unknown device) is asked again next time, so a device
    registered in another process counts at once."""

    def __init__(self, name: str, *depends_on: type[models.Model], keep_none: bool = True) -> None:
        self.name = name
        self.keep_none = keep_none
        self._rows: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        for model in depends_on:
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=f"hot_cache:{name}:save")
            post_delete.connect(
                self._changed, sender=model, weak=False, dispatch_uid=f"hot_cache:{name}:delete"
            )
        _ALL.append(self.clear)

    def _changed(self, sender: Any = None, **kwargs: Any) -> None:
        # Now (this thread reads its own change) and again at commit: another thread may have read the
        # row as it was before and memoised it in between.
        self.clear()
        transaction.on_commit(self.clear)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._generation += 1

    def get(self, key: K, load: Callable[[], V]) -> V:
        now = time.monotonic()
        hit = self._rows.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        generation = self._generation
        value = load()
        ttl = float(getattr(settings, "ANFANG_HOT_CACHE_SECONDS", 5.0))
        if ttl > 0 and (value is not None or self.keep_none):
            with self._lock:
                if generation != self._generation:
                    return value  # cleared while loading: what was loaded may be the old row
                if len(self._rows) > 10_000:  # configuration, not data: a bound only against misuse
                    self._rows.clear()
                self._rows[key] = (now + ttl, value)
        return value
