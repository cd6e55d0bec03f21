"""LangGraph checkpoints in PostgreSQL with the text of each message stored once.

LangGraph writes a channel's whole value whenever it changes: the message list goes into a new blob after every
step of every turn, so a conversation of n pasted documents wrote each of them about n x steps times (40 turns
of 99 kB: half a gigabyte written for 4 MB sent). Here a message's text above ``INLINE_CHARS`` is stored once
per session in ``checkpoint_contents``, keyed by its SHA-256, and the checkpoint holds a short reference; loading
a checkpoint puts the text back. Superseded checkpoints are pruned by the service after each turn.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from langchain_core.messages import BaseMessage
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from psycopg_pool import ConnectionPool

from knowledge.store.database import Database

INLINE_CHARS = 256  # shorter texts stay in the checkpoint: a reference (82 characters) would save little
_REFERENCE = "\x00compass-content:"  # NUL cannot occur in stored text (PostgreSQL text refuses it)
_collected: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("checkpoint_contents", default=None)


class ContentStore:
    """``checkpoint_contents``: (thread, sha256) -> text, written once, deleted with the thread."""

    def __init__(self, db: Database):
        self.db = db

    def setup(self) -> None:
        with self.db.connection() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS checkpoint_contents (thread_id text NOT NULL, hash text NOT NULL,"
                         " content text NOT NULL, PRIMARY KEY (thread_id, hash))")
            conn.execute("CREATE INDEX IF NOT EXISTS checkpoint_contents_hash ON checkpoint_contents (hash)")

    def save(self, thread_id: str, contents: dict[str, str]) -> None:
        if not contents:
            return
        with self.db.connection() as conn, conn.cursor() as cur:
            cur.executemany("INSERT INTO checkpoint_contents (thread_id, hash, content) VALUES (%s, %s, %s)"
                            " ON CONFLICT DO NOTHING", [(thread_id, h, c) for h, c in contents.items()])

    def load(self, hashes: set[str]) -> dict[str, str]:
        with self.db.connection() as conn:
            rows = conn.execute("SELECT DISTINCT ON (hash) hash, content FROM checkpoint_contents"
                                " WHERE hash = ANY(%s)", (list(hashes),)).fetchall()
        return dict(rows)

    def delete_thread(self, thread_id: str) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM checkpoint_contents WHERE thread_id = %s", (thread_id,))

    def thread_bytes(self, thread_id: str) -> int:
        with self.db.connection() as conn:
            return conn.execute("SELECT coalesce(sum(octet_length(content)), 0) FROM checkpoint_contents"
                                " WHERE thread_id = %s", (thread_id,)).fetchone()[0]


class _ReferencingSerde(SerializerProtocol):
    """Wraps LangGraph's serializer: long message texts leave as references (while a saver collects them) and
    come back as text."""

    def __init__(self, inner: SerializerProtocol, store: ContentStore):
        self.inner, self.store = inner, store

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        collected = _collected.get()
        return self.inner.dumps_typed(obj if collected is None else _to_references(obj, collected))

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        obj = self.inner.loads_typed(data)
        wanted = set(_references_in(obj))
        return _from_references(obj, self.store.load(wanted)) if wanted else obj


def _to_references(obj: Any, collected: dict[str, str]) -> Any:
    """Messages anywhere in lists and dicts (a channel's value, a graph input {"messages": [...]})."""
    if isinstance(obj, list):
        return [_to_references(item, collected) for item in obj]
    if isinstance(obj, dict):
        return {key: _to_references(value, collected) for key, value in obj.items()}
    if isinstance(obj, BaseMessage) and isinstance(obj.content, str) and len(obj.content) > INLINE_CHARS:
        digest = hashlib.sha256(obj.content.encode("utf-8", "surrogatepass")).hexdigest()
        collected[digest] = obj.content
        return obj.model_copy(update={"content": _REFERENCE + digest})
    return obj


def _references_in(obj: Any) -> Iterator[str]:
    if isinstance(obj, (list, dict)):
        for item in obj.values() if isinstance(obj, dict) else obj:
            yield from _references_in(item)
    elif isinstance(obj, BaseMessage) and isinstance(obj.content, str) and obj.content.startswith(_REFERENCE):
        yield obj.content.removeprefix(_REFERENCE)


def _from_references(obj: Any, texts: dict[str, str]) -> Any:
    if isinstance(obj, list):
        return [_from_references(item, texts) for item in obj]
    if isinstance(obj, dict):
        return {key: _from_references(value, texts) for key, value in obj.items()}
    if isinstance(obj, BaseMessage) and isinstance(obj.content, str) and obj.content.startswith(_REFERENCE):
        digest = obj.content.removeprefix(_REFERENCE)
        if digest not in texts:
            raise LookupError(f"checkpoint content {digest[:12]} is missing from checkpoint_contents")
        return obj.model_copy(update={"content": texts[digest]})
    return obj


@contextmanager
def _collecting() -> Iterator[dict[str, str]]:
    collected: dict[str, str] = {}
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)


class ContentStoringSaver(PostgresSaver):
    """PostgresSaver whose blobs and writes hold long message texts by reference (``ContentStore``). The texts
    are written before the rows that refer to them, so a checkpoint never points at a missing text."""

    def __init__(self, conn: Any, *, serde: SerializerProtocol, contents: ContentStore):
        super().__init__(conn, serde=_ReferencingSerde(serde, contents))
        self.contents = contents
        if isinstance(conn, ConnectionPool):
            # PostgresSaver holds one process-wide lock around every statement, which only a single shared
            # connection needs: on a pool each call has a connection of its own, and the lock made every turn in
            # the process wait for each other turn's checkpoint round trips (and commits) one at a time
            self.lock = nullcontext()  # type: ignore[assignment]

    def setup(self) -> None:
        super().setup()
        self.contents.setup()

    def _dump_blobs(self, thread_id, checkpoint_ns, values, versions):  # noqa: ANN001 - LangGraph's signature
        with _collecting() as collected:
            rows = super()._dump_blobs(thread_id, checkpoint_ns, values, versions)
        self.contents.save(thread_id, collected)
        return rows

    def _dump_writes(self, thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, writes):  # noqa: ANN001
        with _collecting() as collected:
            rows = super()._dump_writes(thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, writes)
        self.contents.save(thread_id, collected)
        return rows

    def delete_thread(self, thread_id: str) -> None:
        super().delete_thread(thread_id)
        self.contents.delete_thread(str(thread_id))
