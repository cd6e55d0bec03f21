"""Planning and prediction for the stateless endpoints, run in worker processes with a bound per request.

A simulation is pure CPU: in the server's process it holds the interpreter, and every other request waits
behind it (six heavy predictions raised others' p50 from 7 to 681 ms). In worker processes the server keeps
answering; each request gets at most ``api_compute_timeout_s`` of computation, after which its worker is
stopped (and replaced) and the caller is told the bound, instead of the server grinding on for minutes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from knowledge.base import KnowledgeBase, open_knowledge_base
from knowledge.errors import CompassError
from knowledge.settings import KnowledgeSettings

T = TypeVar("T")
_worker_kb: KnowledgeBase | None = None


class ComputeBoundError(CompassError):
    """A request needed more computation than one request may take."""


def _open_worker(database_url: str) -> None:
    """Each worker opens the knowledge base once (the catalog is synced by the server, not here)."""
    global _worker_kb
    _worker_kb = open_knowledge_base(KnowledgeSettings(database_url=database_url, db_pool_min=0, db_pool_max=2),
                                     sync=False)


def _call(function: Callable[..., T], *args: Any) -> T:
    """Run ``function(kb, *args)`` in the worker; an error that cannot travel back as itself travels as text."""
    try:
        return function(_worker_kb, *args)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an error type pickle cannot rebuild
            raise CompassError(f"{type(exc).__name__}: {exc}") from None
        raise


class ComputePool:
    """Worker processes (spawned, never forked from a server with threads and open connections)."""

    def __init__(self, database_url: str, *, workers: int, timeout_s: float):
        self.timeout_s = timeout_s
        self._pool = ProcessPool(max_workers=workers, initializer=_open_worker, initargs=(database_url,),
                                 context=multiprocessing.get_context("spawn"))

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(kb, *args)`` in a worker. A request that goes away cancels its work."""
        future = self._pool.schedule(_call, args=(function, *args), timeout=self.timeout_s)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise ComputeBoundError(
                f"This request needs more than {self.timeout_s:g} s of computation, the most one request may take "
                "here (COMPASS_API_COMPUTE_TIMEOUT_S); it was stopped. Ask for a smaller load (fewer concurrent "
                "users, shorter prompts or outputs).") from None
        except ProcessExpired as exc:
            raise CompassError(f"The computation's worker process died ({exc}); nothing was changed.") from None

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)
