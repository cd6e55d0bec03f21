"""Bounded memo tables kept on a catalog snapshot: the engine and the planner ask the same questions again and again.

A table lives in the catalog's cache, so a catalog reload starts afresh; it is bounded (least recently used out), so
a long-running server does not grow with every workload shape it has seen. Here, below both of its users, so the
engine's own kept figures (``simulator.perf.loadsim.sustained_rps``) are tables of the same kind as the planner's
(``tools.planner.memo``), and ``tools.planner.warm_start`` keeps them all on disk the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from knowledge.catalog import Catalog

T = TypeVar("T")


class Encoded:
    """A value as a file holds it (plain data: fast to read), decoded by its table's function on first use."""

    __slots__ = ("raw", "decode")

    def __init__(self, raw: object, decode: Callable[[object], object]):
        self.raw, self.decode = raw, decode


class Memo:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key``, computed once: a thread asking for a key another thread is computing waits for
        that result instead of computing it again (concurrent cold plans of one workload class on a server
        would otherwise each build every configuration's model, multiplying the cold start by the sessions)."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    value = self._items[key]
                    if type(value) is Encoded:  # read from a file: decoded on first use, then kept decoded
                        value = self._items[key] = value.decode(value.raw)
                    return value  # type: ignore[return-value]
                running = self._computing.get(key)
                if running is None:
                    running = self._computing[key] = threading.Event()
                    break
            running.wait()  # then read it, or compute it if that thread failed
        try:
            value = compute()  # outside the lock: other keys are computed in parallel
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        finally:
            with self._lock:
                self._computing.pop(key, None)
            running.set()
        return value

    def __len__(self) -> int:
        return len(self._items)

    def recent(self, limit: int, encode: Callable[[object], object] = lambda v: v) -> list[tuple[Hashable, object]]:
        """The ``limit`` most recently used entries, oldest first, values through ``encode`` (entries read from a
        file and not used since stay as they were read)."""
        with self._lock:
            items = list(self._items.items())[-limit:]
        return [(k, v.raw if type(v) is Encoded else encode(v)) for k, v in items]

    def preload(self, items: list[tuple[Hashable, object]],
                decode: Callable[[object], object] | None = None) -> int:
        """Add entries computed elsewhere (``warm_start``) without displacing this process's own; values are
        passed through ``decode`` when first used. Returns the count added."""
        added = 0
        with self._lock:
            for key, value in items:
                if key not in self._items:
                    self._items[key] = value if decode is None else Encoded(value, decode)
                    self._items.move_to_end(key, last=False)  # older than anything computed here
                    added += 1
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return added


def table(catalog: Catalog, name: str, size: int) -> Memo:
    """The catalog snapshot's table ``name`` (made with ``size`` entries at most on first use)."""
    memo = catalog._cache.get(("memo", name))
    if memo is None:
        memo = catalog._cache.setdefault(("memo", name), Memo(size))
    return memo
