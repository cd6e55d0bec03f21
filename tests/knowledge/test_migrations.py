"""Schema migrations on a real embedded PostgreSQL."""

from __future__ import annotations

import psycopg
import pytest

from knowledge.errors import SchemaTooNewError
from knowledge.store.migrations import known_migrations, migrate, schema_version


def test_migrates_from_empty_and_rerun_is_a_no_op(fresh_db_url):
    applied = migrate(fresh_db_url)
    assert applied == [m.version for m in known_migrations()]
    assert migrate(fresh_db_url) == []
    with psycopg.connect(fresh_db_url) as conn:
        assert schema_version(conn) == known_migrations()[-1].version
        tables = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"models", "gpus", "use_cases", "benchmarks", "deployment_outcomes", "schema_migrations"} <= tables
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()


def test_newer_schema_is_refused_with_a_clear_error(fresh_db_url):
    migrate(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')")
    with pytest.raises(SchemaTooNewError, match="version 999.*Upgrade Compass"):
        migrate(fresh_db_url)


def test_concurrent_migrations_do_not_race(fresh_db_url):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: migrate(fresh_db_url), range(4)))
    applied = [v for r in results for v in r]
    assert sorted(applied) == [m.version for m in known_migrations()]  # each applied exactly once
