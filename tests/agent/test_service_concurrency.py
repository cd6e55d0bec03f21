"""AgentService under concurrency (regressions found by benchmarks/soak.py).

- Every turn holds a pooled connection for its session lock: with more concurrent turns than connections,
  lock holders took the whole pool and the turns timed out waiting for one more (PoolTimeout -> HTTP 500).
- Two processes starting on a new database both created the checkpoint tables (a worker died on start-up).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from agent.session_service import AgentService
from knowledge.base import open_knowledge_base
from tests.conftest import settings_for


def test_more_concurrent_turns_than_pool_connections_all_complete(kb):
    assert kb.db.pool.max_size == 4  # the test settings: four connections for the whole process
    service = AgentService(kb, pool_max=2)
    try:
        sessions = [service.create_session("soak").id for _ in range(10)]

        def converse(i: int) -> list[str]:
            sid = sessions[i]
            first = service.turn(sid, "soak", f"support chatbot for {2000 + 17 * i} users")
            second = service.turn(sid, "soak", "what if traffic doubles?")
            return [first.stage, second.stage]

        with ThreadPoolExecutor(10) as pool:
            stages = list(pool.map(converse, range(10)))
        assert stages == [["recommend", "explore"]] * 10
        assert all(len(service.view(s, "soak").messages) == 4 for s in sessions)
    finally:
        service.close()


def test_services_starting_together_on_a_new_database_all_start(fresh_db_url):
    """Four services set up the checkpoint tables on a new database at once: each starts within a bound (the
    lock/CREATE INDEX CONCURRENTLY deadlock hung them for ever), the schema is set up once and completely (a
    concurrent index build that failed leaves an INVALID index behind), and every service can hold a turn."""
    from langgraph.checkpoint.postgres import PostgresSaver

    kbs = [open_knowledge_base(settings_for(fresh_db_url)) for _ in range(4)]
    try:
        pool = ThreadPoolExecutor(4)
        try:  # a hung start fails the test instead of hanging it
            services = [f.result(timeout=120) for f in [pool.submit(AgentService, kb, pool_max=1) for kb in kbs]]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        try:
            with kbs[0].db.connection() as conn:
                versions = [r[0] for r in conn.execute("SELECT v FROM checkpoint_migrations ORDER BY v")]
                invalid = conn.execute(
                    "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                    " WHERE c.relname LIKE 'checkpoint%%' AND NOT i.indisvalid").fetchone()[0]
            assert versions == list(range(len(PostgresSaver.MIGRATIONS)))
            assert invalid == 0
            for i, service in enumerate(services):
                sid = service.create_session("soak").id
                assert service.turn(sid, "soak", "hello").reply
                assert len(service.view(sid, "soak").messages) == 2, f"service {i}"
        finally:
            for s in services:
                s.close()
    finally:
        for kb in kbs:
            kb.close()
