"""Bounded per-catalog memo tables: plans of one workload class ask the same questions again and again.

Kept on the catalog snapshot, so a catalog reload starts afresh; bounded (least recently used out), so a
long-running server does not grow with every workload shape it has seen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from knowledge.catalog import Catalog

T = TypeVar("T")


class Memo:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: concurrent plans compute in parallel, the last write wins
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def memo(catalog: Catalog, name: str, size: int = 50_000) -> Memo:
    return catalog._cache.setdefault(("planner.memo", name), Memo(size))
