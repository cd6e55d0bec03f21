"""Versioned schema migrations: plain SQL files ``knowledge/migrations/NNNN_name.sql``.

Applied in order at start-up under an advisory lock (so concurrent processes do not race), each in its own
transaction, recorded with a checksum. A database whose schema is newer than this code is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
import structlog

from knowledge.errors import CompassError, SchemaTooNewError

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_LOCK_KEY = 0x636F6D70  # "comp": serialises migrations across processes
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()[:16]


def known_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise CompassError(f"Migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise CompassError(f"Migration versions must be 1..N without gaps, found {versions}")
    return found


def applied_versions(conn: psycopg.Connection) -> dict[int, str]:
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
    if exists is None:
        return {}
    return dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())


def migrate(url: str, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Bring the schema up to date; returns the versions applied now (empty when already current)."""
    migrations = known_migrations(directory)
    newest_known = migrations[-1].version if migrations else 0
    applied_now: list[int] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            applied = applied_versions(conn)
            if applied and max(applied) > newest_known:
                raise SchemaTooNewError(
                    f"The database schema is at version {max(applied)}, newer than this Compass understands "
                    f"(up to {newest_known}). Upgrade Compass, or point COMPASS_DATABASE_URL at another database."
                )
            for mig in migrations:
                if mig.version in applied:
                    if applied[mig.version] != mig.checksum:
                        log.warning("migration_changed_after_apply", version=mig.version, name=mig.name)
                    continue
                with conn.transaction():
                    conn.execute(mig.sql)
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                        (mig.version, mig.name, mig.checksum),
                    )
                log.info("migration_applied", version=mig.version, name=mig.name)
                applied_now.append(mig.version)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def schema_version(conn: psycopg.Connection) -> int:
    applied = applied_versions(conn)
    return max(applied) if applied else 0
