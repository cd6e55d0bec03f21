"""Session records (owner, title, stage) beside the LangGraph checkpoints of each thread."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
from pydantic import BaseModel


class SessionRecord(BaseModel):
    id: uuid.UUID
    owner: str
    title: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    stage: str
    turns: int
    pending_approval: bool


_COLUMNS = "id, owner, title, created_at, updated_at, stage, turns, pending_approval"


def _record(row) -> SessionRecord:
    return SessionRecord(**dict(zip(_COLUMNS.split(", "), row)))


def create(conn: psycopg.Connection, owner: str, title: str | None = None,
           session_id: uuid.UUID | None = None) -> SessionRecord:
    row = conn.execute(f"INSERT INTO sessions (id, owner, title) VALUES (%s, %s, %s) RETURNING {_COLUMNS}",
                       (session_id or uuid.uuid4(), owner, title)).fetchone()
    return _record(row)


def get(conn: psycopg.Connection, session_id: uuid.UUID) -> SessionRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = %s", (session_id,)).fetchone()
    return _record(row) if row else None


def list_for(conn: psycopg.Connection, owner: str, limit: int = 100) -> list[SessionRecord]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE owner = %s ORDER BY updated_at DESC LIMIT %s",
                        (owner, limit)).fetchall()
    return [_record(r) for r in rows]


def reassign_owner(conn: psycopg.Connection, from_owner: str, to_owner: str) -> int:
    """Give every session of ``from_owner`` to ``to_owner``; the number moved."""
    return conn.execute("UPDATE sessions SET owner = %s WHERE owner = %s", (to_owner, from_owner)).rowcount


def update(conn: psycopg.Connection, session_id: uuid.UUID, *, stage: str, turns: int, pending_approval: bool,
           title: str | None = None) -> None:
    conn.execute(
        "UPDATE sessions SET stage = %s, turns = %s, pending_approval = %s, title = COALESCE(title, %s),"
        " updated_at = now() WHERE id = %s", (stage, turns, pending_approval, title, session_id))


def delete(conn: psycopg.Connection, session_id: uuid.UUID) -> bool:
    return conn.execute("DELETE FROM sessions WHERE id = %s", (session_id,)).rowcount > 0
