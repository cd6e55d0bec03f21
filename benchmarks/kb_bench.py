"""Knowledge-base speed: cold start of the embedded server + migrations + catalog load, and top-5 similarity
search latency over 100,000 stored deployment outcomes.

    python benchmarks/kb_bench.py [--outcomes 100000] [--queries 300]

Target: top-5 search p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cold_start() -> None:
    """A fresh process on a fresh data directory, timed from outside (what a newcomer's first command costs)."""
    home = tempfile.mkdtemp(prefix="compass-kbbench-cold-")
    code = ("import time; t=time.perf_counter(); from knowledge.logs import configure_logging; "
            "configure_logging('ERROR'); from knowledge.base import open_knowledge_base; "
            "kb=open_knowledge_base(); print(f'{time.perf_counter()-t:.3f}'); kb.close()")
    env = {**os.environ, "COMPASS_HOME": home, "COMPASS_LOG_LEVEL": "ERROR"}
    env.pop("COMPASS_DATABASE_URL", None)
    first = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                 check=True).stdout.strip())
    warm = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())
    print(f"cold start (new data dir: initdb + start + migrations + catalog load): {first:.2f} s")
    print(f"start on an existing data dir (server start + no-op migrations + catalog check): {warm:.2f} s")


def outcomes(n: int):
    from knowledge.domain import DeploymentSpec, Priority, UseCase
    from tests.factories import outcome

    rng = random.Random(7)
    use_cases, priorities = list(UseCase), list(Priority)
    template = outcome(DeploymentSpec())
    for i in range(n):
        rps = 10 ** rng.uniform(-1, 3)
        spec = DeploymentSpec(use_case=rng.choice(use_cases), priority=rng.choice(priorities), rps=round(rps, 3),
                              peak_rps=round(rps * rng.uniform(1, 4), 3), prompt_tokens=int(2 ** rng.uniform(6, 15)),
                              output_tokens=int(2 ** rng.uniform(4, 11)), ttft_p95_ms=rng.choice([200, 500, 1000, 5000]),
                              itl_p95_ms=rng.choice([20, 50, 100]), e2e_p95_ms=rng.choice([2000, 20000, 60000]))
        yield template.model_copy(update={"spec": spec, "id": __import__("uuid").uuid4()})


def similarity(n: int, queries: int) -> None:
    from knowledge.base import open_knowledge_base
    from knowledge.domain import DeploymentSpec, Priority, UseCase
    from knowledge.store import outcomes_repo

    os.environ["COMPASS_HOME"] = tempfile.mkdtemp(prefix="compass-kbbench-")
    kb = open_knowledge_base()
    t0 = time.perf_counter()
    batch = []
    with kb.db.connection() as conn:
        for o in outcomes(n):
            batch.append(o)
            if len(batch) == 5000:
                with conn.transaction():
                    outcomes_repo.insert_many(conn, batch)
                batch = []
        if batch:
            with conn.transaction():
                outcomes_repo.insert_many(conn, batch)
        conn.execute("ANALYZE deployment_outcomes")
    print(f"stored {n:,} outcomes in {time.perf_counter() - t0:.1f} s (HNSW index maintained on insert)")
    rng = random.Random(11)
    latencies = []
    for i in range(queries):
        spec = DeploymentSpec(use_case=rng.choice(list(UseCase)), priority=rng.choice(list(Priority)),
                              rps=round(10 ** rng.uniform(-1, 3), 3), prompt_tokens=int(2 ** rng.uniform(6, 15)),
                              output_tokens=int(2 ** rng.uniform(4, 11)), ttft_p95_ms=500, itl_p95_ms=50,
                              e2e_p95_ms=20000)
        t = time.perf_counter()
        found = kb.similar_deployments(spec, 5)
        latencies.append((time.perf_counter() - t) * 1000)
        assert len(found) == 5
    latencies = latencies[10:]  # the first queries warm the index pages
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))]  # noqa: E731
    print(f"top-5 similarity search over {n:,} outcomes: p50 {p(50):.2f} ms, p95 {p(95):.2f} ms, "
          f"p99 {p(99):.2f} ms, mean {statistics.mean(latencies):.2f} ms ({len(latencies)} queries, includes "
          f"deserialising the 5 outcomes)   target: p95 < 20 ms")
    kb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    from knowledge.logs import configure_logging

    configure_logging("ERROR")
    cold_start()
    similarity(args.outcomes, args.queries)


if __name__ == "__main__":
    main()
