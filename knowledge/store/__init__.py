"""PostgreSQL + pgvector persistence: connection pool, migrations and repositories."""
