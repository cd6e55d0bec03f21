"""AgentService under concurrency (regressions found by benchmarks/soak.py).

- Every turn holds a pooled connection for its session lock: with more concurrent turns than connections,
  lock holders took the whole pool and the turns timed out waiting for one more (PoolTimeout -> HTTP 500).
- Two processes starting on a new database both created the checkpoint tables (a worker died on start-up).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from agent.service import AgentService
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
    kbs = [open_knowledge_base(settings_for(fresh_db_url)) for _ in range(4)]
    try:
        with ThreadPoolExecutor(4) as pool:
            services = list(pool.map(lambda kb: AgentService(kb, pool_max=1), kbs))
        for s in services:
            s.close()
    finally:
        for kb in kbs:
            kb.close()
