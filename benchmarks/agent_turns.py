"""Agent turn latency: a 6-turn conversation with the offline brain on the embedded database, in process
(p50/p95 per turn with and without planner time, checkpoint writes included), then 20 concurrent sessions
through the REST API (errors, p50/p95 turn latency).

    python benchmarks/agent_turns.py [--conversations 8] [--sessions 20]   (--sessions 0: in process only)

Target: p95 per turn <= 300 ms excluding planner time; no errors under 20 concurrent sessions.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Every conversation uses its own numbers so no plan is served from another conversation's cache.
TURNS = [
    "We need a customer support chatbot for about {users} employees. Fast first answers matter most.",
    "No idea about the budget",
    "what if traffic doubles?",
    "make it {more} users",
    "compare option 1 and 2",
    "show the spec",
]


def turns_for(n: int) -> list[str]:
    return [t.format(users=4000 + 37 * n, more=7000 + 41 * n) for t in TURNS]
PLANNING_TOOLS = {"plan_capacity", "compare_whatif", "similar_deployments", "evaluate_alternative"}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def in_process(conversations: int) -> None:
    from agent.session_service import AgentService
    from knowledge import get_knowledge_base

    kb = get_knowledge_base()
    service = AgentService(kb)
    service.graph  # built before the first turn, as `compass api` does at its start (the graph is built on first use)
    per_turn: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(TURNS))}
    for n in range(conversations):
        sid = service.create_session("bench").id
        for i, text in enumerate(turns_for(n)):
            t0 = time.perf_counter()
            result = service.turn(sid, "bench", text)
            wall = (time.perf_counter() - t0) * 1000
            planner = sum(e.data.get("elapsed_ms", 0) for e in result.events
                          if e.event == "step" and e.data.get("status") in ("end", "error")
                          and e.data.get("name") in PLANNING_TOOLS)
            per_turn[i].append((wall, wall - planner))
    service.close()
    print(f"In process, offline brain, embedded PostgreSQL: {conversations} conversations x {len(TURNS)} turns")
    print(f"{'turn':<52} {'p50 ms':>8} {'p95 ms':>8} {'p50 excl. planner':>18} {'p95 excl. planner':>18}")
    all_wall, all_excl = [], []
    for i, text in enumerate(TURNS):
        wall = [w for w, _ in per_turn[i]]
        excl = [e for _, e in per_turn[i]]
        all_wall += wall
        all_excl += excl
        print(f"{text[:50]:<52} {pct(wall, 50):8.0f} {pct(wall, 95):8.0f} {pct(excl, 50):18.0f} {pct(excl, 95):18.0f}")
    print(f"{'all turns':<52} {pct(all_wall, 50):8.0f} {pct(all_wall, 95):8.0f} {pct(all_excl, 50):18.0f} "
          f"{pct(all_excl, 95):18.0f}   (target: p95 excl. planner <= 300 ms)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def through_api(sessions: int) -> None:
    import httpx

    port = free_port()
    env = {**os.environ, "COMPASS_API_RATE_PER_MINUTE": "100000", "COMPASS_DB_POOL_MAX": "30"}
    server = subprocess.Popen([sys.executable, "-m", "cli.main", "api", "--port", str(port), "--workers", str(os.cpu_count() or 1)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("API did not start: " + server.stderr.read().decode()[-2000:])

        def conversation(n: int) -> tuple[list[float], int]:
            latencies, errors = [], 0
            with httpx.Client(base_url=url, timeout=300) as c:
                sid = c.post("/v1/sessions").json()["id"]
                for text in turns_for(1000 + n):
                    t0 = time.perf_counter()
                    r = c.post(f"/v1/sessions/{sid}/messages", json={"text": text})
                    latencies.append((time.perf_counter() - t0) * 1000)
                    errors += r.status_code != 200
            return latencies, errors

        t0 = time.perf_counter()
        with ThreadPoolExecutor(sessions) as pool:
            results = list(pool.map(conversation, range(sessions)))
        elapsed = time.perf_counter() - t0
        lat = [x for r in results for x in r[0]]
        errors = sum(r[1] for r in results)
        print(f"\nThrough the API: {sessions} concurrent sessions x {len(TURNS)} turns in {elapsed:.1f} s")
        print(f"errors {errors} (target 0); turn latency p50 {pct(lat, 50):.0f} ms, p95 {pct(lat, 95):.0f} ms, "
              f"max {max(lat):.0f} ms; throughput {len(lat) / elapsed:.1f} turns/s on {os.cpu_count()} cores")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("COMPASS_HOME", tempfile.mkdtemp(prefix="compass-bench-"))
    os.environ.setdefault("COMPASS_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from knowledge.logs import configure_logging

    configure_logging("ERROR")
    in_process(args.conversations)
    if args.sessions > 0:
        through_api(args.sessions)


if __name__ == "__main__":
    main()
