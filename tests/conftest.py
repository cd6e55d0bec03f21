"""Test fixtures: one real embedded PostgreSQL + pgvector per test session, a fresh database per test.

No database mocks: every test that needs storage talks to the same kind of server the product runs on.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import hypothesis
import pytest

# Keep tests away from the user's own data directory, before anything reads the settings.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="compass-test-home-"))
os.environ["COMPASS_HOME"] = str(_SESSION_HOME)
os.environ.pop("COMPASS_DATABASE_URL", None)

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from knowledge.base import KnowledgeBase, open_knowledge_base  # noqa: E402
from knowledge.logs import configure_logging  # noqa: E402
from knowledge.settings import KnowledgeSettings  # noqa: E402
from knowledge.store.database import EmbeddedServer  # noqa: E402

configure_logging("WARNING")

# Property tests draw the same examples on every run (a CI result is reproducible, never a lucky draw);
# HYPOTHESIS_PROFILE=hunt draws new ones and remembers failures, for looking for bugs on purpose.
hypothesis.settings.register_profile("ci", derandomize=True, database=None)
hypothesis.settings.register_profile("hunt", derandomize=False)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """URL of the embedded server's maintenance database (used to create per-test databases)."""
    return _database_url(EmbeddedServer.url_for(_SESSION_HOME / "pgdata"), "postgres")


def _database_url(admin_url: str, name: str) -> str:
    base, _, query = admin_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
def fresh_db_url(pg_admin_url: str):
    """An empty database of its own for one test; dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _database_url(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def settings_for(url: str) -> KnowledgeSettings:
    return KnowledgeSettings(database_url=url, home=_SESSION_HOME, db_pool_max=4)


@pytest.fixture
def kb(fresh_db_url: str):
    """A migrated knowledge base with the shipped catalog, in its own database."""
    base = open_knowledge_base(settings_for(fresh_db_url))
    yield base
    base.close()


@pytest.fixture(scope="session")
def shared_kb(pg_admin_url: str):
    """One knowledge base for read-only tests (faster than a fresh one each)."""
    name = f"s_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = open_knowledge_base(settings_for(_database_url(pg_admin_url, name)))
    yield base
    base.close()


@pytest.fixture(scope="session")
def catalog(shared_kb: KnowledgeBase):
    return shared_kb.catalog


@pytest.fixture
def service(kb):
    """An AgentService (the entry point every front end uses) on the test's own database."""
    from agent.session_service import AgentService

    svc = AgentService(kb, pool_max=4)
    yield svc
    svc.close()


@pytest.fixture
def session(service):
    return service.create_session("alice").id


@pytest.fixture
def fast_local(monkeypatch):
    """Simulated time runs 5x faster than the wall clock; validation is a 10-second (simulated) load test."""
    monkeypatch.setenv("COMPASS_LOCAL_TIME_SCALE", "5")
    monkeypatch.setenv("COMPASS_VALIDATE_DURATION_S", "10")
    yield
    from tools import deploy_path

    target = deploy_path.local_target(["compass", "default"])
    for dep in target.list():
        target.stop(dep.id)



def pytest_sessionstart(session: pytest.Session) -> None:
    """The planner's engine results for the shipped use cases' workload shapes, kept on disk once before any test
    runs (tools/planner/warm_start.py, what `make run` does before it serves): every `compass` process a test starts
    reads them instead of simulating them again. Once, in the process that starts pytest-xdist's workers."""
    if hasattr(session.config, "workerinput"):
        return
    from knowledge.catalog import Catalog
    from tools.planner import warm_start

    warm_start.prepare(Catalog.from_files())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The blind dev gate first: it is most of the run and spreads over every core itself, so under pytest-xdist
    the other worker runs everything else meanwhile instead of waiting for it at the end."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/evals/test_blind_dev_suite.py")
