"""Wide map layers, kept for a second.

Every open map asks for the same wide views again and again: the page opens on Lima over
the last 30 days, and each of a shift's dispatchers reloads it. Such a view is an
aggregate (H3 cell counts) over thousands of rows; under load it was the costliest request
the server answered. Each server process keeps the answer for ``ttl_s`` (one second by
default, ``KUNTUR_MAP_CELLS_CACHE_S``; 0 turns it off) under a key made of the store, the
whole filter *including the reader's scope* (the owning agencies and the classification
the reader may see), and the resolution: a layer computed for one reader is only ever
served to a reader who may see exactly the same records.

What this trades: the wide layer may lag a new incident by up to ``ttl_s``. Close views
(points), lists, the queue and the live events that put each new incident on open maps at
once are never cached.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def freeze(value: Any) -> Hashable:
    """A hashable form of a filter value (lists become tuples, dataclasses their fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(freeze(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


class TtlCache:
    """At most ``size`` answers, each for ``ttl_s`` seconds; safe from any thread. Two
    threads that miss at once both compute (the answer is the same): no lock is held
    while computing."""

    def __init__(
        self, ttl_s: float, size: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s, self.size, self.clock = ttl_s, size, clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.ttl_s <= 0:
            return compute()
        now = self.clock()
        with self._lock:
            found = self._items.get(key)
            if found is not None and now - found[0] < self.ttl_s:
                self.hits += 1
                self._items.move_to_end(key)
                return found[1]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = (now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
