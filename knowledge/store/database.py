"""The PostgreSQL connection: an embedded server by default, or ``COMPASS_DATABASE_URL``.

One pool per process. Everything durable (catalog, benchmarks, outcomes, agent checkpoints, sessions) lives in
this database, so several Compass processes can share one external server.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import structlog
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from knowledge.errors import DatabaseUnavailableError, PgvectorMissingError
from knowledge.settings import KnowledgeSettings
from knowledge.store.embedded import EmbeddedServer

__all__ = ["Database", "EmbeddedServer", "check_reachable", "connection_label", "redact_url", "resolve_url"]

log = structlog.get_logger(__name__)
# pgserver keeps its lock file in the XDG runtime dir; falling back to /tmp is fine and not worth a warning.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

EMBEDDED_DB_NAME = "compass"
PGVECTOR_HELP = (
    "The PostgreSQL server at {where} does not have the pgvector extension. Install it on the server "
    "(Debian/Ubuntu: `apt install postgresql-<major>-pgvector`; Docker: use the `pgvector/pgvector:pg16` image; "
    "managed services: enable the `vector` extension), then run `CREATE EXTENSION vector;` as a superuser "
    "in that database, or unset COMPASS_DATABASE_URL to use Compass's embedded database."
)


def redact_url(url: str) -> str:
    """Hide the password of a libpq URL so it can be shown and logged."""
    return re.sub(r"(postgres(?:ql)?://[^:/@]+:)[^@]*@", r"\1***@", url)


def _ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                pass  # another process created it first


def embedded_url(data_dir: Path) -> str:
    """The URL of the Compass database on the embedded server of ``data_dir`` (started when needed)."""
    admin_url = EmbeddedServer.url_for(data_dir)
    _ensure_database(admin_url, EMBEDDED_DB_NAME)
    return _with_database(admin_url, EMBEDDED_DB_NAME)


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def resolve_url(settings: KnowledgeSettings) -> str:
    if settings.database_url:
        return settings.database_url
    return embedded_url(settings.embedded_data_dir)


def connection_label(url: str, name: str) -> dict[str, str]:
    """``application_name`` for a pool's connections (pg_stat_activity tells the pools apart), unless the URL
    or PGAPPNAME already names the application."""
    if "application_name" in url or os.environ.get("PGAPPNAME"):
        return {}
    return {"application_name": name}


def check_reachable(url: str, timeout_s: float) -> None:
    """Fail with one clear line when the server cannot be reached or lacks pgvector."""
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout_s))) as conn:
            has_vector = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(f"Cannot reach the database at {redact_url(url)}: {first_line(exc)}") from None
    except psycopg.ProgrammingError as exc:
        raise DatabaseUnavailableError(f"Invalid database URL {redact_url(url)}: {exc}") from None
    if not has_vector:
        raise PgvectorMissingError(PGVECTOR_HELP.format(where=redact_url(url)))


# How long a request waits on the pool before Compass checks whether the database is there at all: a dead
# server is reported (and an embedded one restarted) in seconds, not after the whole pool timeout.
FIRST_WAIT_S = 2.0


class Database:
    """A connection pool on the knowledge-base database (autocommit; use ``conn.transaction()``).

    Connections are checked when taken from the pool (a server restart leaves them broken). When none comes
    within ``FIRST_WAIT_S``, the database is probed: unreachable is a DatabaseUnavailableError naming the cause
    in one line (an embedded server whose postmaster died is restarted first); reachable means the pool is
    busy, and the wait goes on up to the pool timeout.
    """

    def __init__(self, url: str, *, pool_min: int = 1, pool_max: int = 10, timeout_s: float = 10.0):
        self.url = url
        self.timeout_s = timeout_s
        self.pool = ConnectionPool(
            url, min_size=pool_min, max_size=pool_max, timeout=timeout_s, open=False,
            kwargs={"autocommit": True, **connection_label(url, "compass")}, configure=_register_types,
            check=ConnectionPool.check_connection, name="compass",
        )

    def open(self) -> "Database":
        self.pool.open(wait=True, timeout=30)
        return self

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with ExitStack() as stack:
            try:
                conn = stack.enter_context(self.pool.connection(timeout=min(FIRST_WAIT_S, self.timeout_s)))
            except PoolTimeout:
                self.ensure_available()  # raises when the database is gone, after restarting an embedded one
                conn = stack.enter_context(self.pool.connection(timeout=max(0.1, self.timeout_s - FIRST_WAIT_S)))
            yield conn

    def problem(self) -> str | None:
        """Why the database cannot be used now, in one line; None when a fresh connection answers."""
        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            return first_line(exc)
        return None

    def ensure_available(self) -> None:
        """Raise DatabaseUnavailableError (one line, with the cause) unless the database answers; an embedded
        server whose postmaster died is restarted first."""
        cause = self.problem()
        if cause is None:
            return
        data_dir = EmbeddedServer.data_dir_of(self.url)
        if data_dir is not None and EmbeddedServer.revive(data_dir) is not None:
            self.pool.check()  # drop the connections to the old server now, not one failed request at a time
            if (cause := self.problem()) is None:
                return
        raise DatabaseUnavailableError(f"The database is unavailable: {cause}")

    def close(self) -> None:
        self.pool.close()

    @property
    def display_url(self) -> str:
        return redact_url(self.url)


def first_line(exc: BaseException) -> str:
    """An error as one line: psycopg and libpq put details and hints on further lines."""
    text = str(exc).strip()
    return text.splitlines()[0].removeprefix("FATAL:  ").strip() if text else type(exc).__name__


def _register_types(conn: psycopg.Connection) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)
