"""Soak: many concurrent sessions through the REST API (`compass api --workers N`), offline brain.

Each session has its own API key (so the default per-key rate limit applies as in production), its own
numbers (so no plan is served from another session's cache) and runs TURNS turns, then reads itself back to
check that every turn was kept. While it runs, pg_stat_activity is sampled to see how many database
connections the API processes hold, by application_name ("compass" = knowledge-base pool, "compass-checkpoints"
= LangGraph checkpoint pool) and state.

    python benchmarks/soak.py [--sessions 50] [--turns 8] [--workers 2] [--json out.json]

On the embedded database by default (a temporary COMPASS_HOME); with COMPASS_DATABASE_URL set, against that
external PostgreSQL (its tables are created if missing). Targets: 0 errors; with 20 sessions, turn p95 <= 2 s on a
2-core machine (issue 14). The machine's load average before and after is printed: other work on a shared machine
shows in the latencies, so the CPU the turns cost (API processes and the embedded PostgreSQL) is printed beside
them.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TURNS = [
    "We need a customer support chatbot for about {users} employees. Fast first answers matter most.",
    "No idea about the budget",
    "what if traffic doubles?",
    "make it {more} users",
    "compare option 1 and 2",
    "TTFT under {ttft} ms please",
    "why option 1?",
    "show the spec",
    "show the YAML",
    "what if we use fp8?",
]
SAMPLER_APP = "compass-soak-sampler"


def turns_for(n: int, count: int) -> list[str]:
    values = {"users": 3000 + 37 * n, "more": 6000 + 41 * n, "ttft": 400 + 3 * n}
    return [TURNS[i % len(TURNS)].format(**values) for i in range(count)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> tuple[str, str]:
    """(URL, kind): COMPASS_DATABASE_URL when set, else the embedded server under COMPASS_HOME."""
    from knowledge.settings import KnowledgeSettings
    from knowledge.store.database import resolve_url

    settings = KnowledgeSettings()
    return resolve_url(settings), "external" if settings.database_url else "embedded"


class ConnectionSampler(threading.Thread):
    """Polls pg_stat_activity; keeps the maximum count per (application, state) and in total."""

    def __init__(self, url: str, interval_s: float):
        super().__init__(daemon=True)
        self.url, self.interval_s = url, interval_s
        self.stop = threading.Event()
        self.max_by: dict[tuple[str, str], int] = defaultdict(int)
        self.max_app: dict[str, int] = defaultdict(int)
        self.max_total = 0
        self.samples = 0
        self.max_connections = 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, application_name=SAMPLER_APP) as conn:
            self.max_connections = int(conn.execute("SHOW max_connections").fetchone()[0])
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT coalesce(nullif(application_name, ''), '(none)'), coalesce(state, '(none)'), count(*)"
                    " FROM pg_stat_activity WHERE datname = current_database() AND application_name <> %s"
                    " AND backend_type = 'client backend'"
                    " GROUP BY 1, 2", (SAMPLER_APP,)).fetchall()
                per_app: dict[str, int] = defaultdict(int)
                for app, state, n in rows:
                    self.max_by[(app, state)] = max(self.max_by[(app, state)], n)
                    per_app[app] += n
                for app, n in per_app.items():
                    self.max_app[app] = max(self.max_app[app], n)
                self.max_total = max(self.max_total, sum(per_app.values()))
                self.samples += 1
                self.stop.wait(self.interval_s)


def start_api(port: int, workers: int, keys: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "COMPASS_API_KEYS": keys, "COMPASS_LOG_LEVEL": "WARNING"}
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "cli.main", "api", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(url: str, server: subprocess.Popen, log_path: Path) -> None:
    import httpx

    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the API exited:\n" + log_path.read_text()[-3000:])
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the API did not start:\n" + log_path.read_text()[-3000:])


def tree_cpu_s(root_pid: int | None) -> float:
    """User + system CPU seconds of a process and its live descendants (0 when it is gone or unknown)."""
    import psutil

    if root_pid is None:
        return 0.0
    total = 0.0
    try:
        root = psutil.Process(root_pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        return 0.0
    return total


def postmaster_pid(kind: str) -> int | None:
    """The embedded server's postmaster (its backends are its children); None for an external database."""
    if kind != "embedded":
        return None
    from knowledge.settings import KnowledgeSettings

    try:
        return int((KnowledgeSettings().embedded_data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def session(url: str, n: int, turns: int) -> dict:
    import httpx

    out: dict = {"latencies": [], "errors": [], "kept": False}
    headers = {"Authorization": f"Bearer soak-key-{n}"}
    with httpx.Client(base_url=url, timeout=300, headers=headers) as c:
        try:
            r = c.post("/v1/sessions", json={"title": f"soak {n}"})
            r.raise_for_status()
            sid = r.json()["id"]
            for i, text in enumerate(turns_for(n, turns)):
                t0 = time.perf_counter()
                r = c.post(f"/v1/sessions/{sid}/messages", json={"text": text})
                out["latencies"].append((i, (time.perf_counter() - t0) * 1000))
                if r.status_code != 200:
                    out["errors"].append(f"turn {i + 1}: HTTP {r.status_code} {r.text[:200]}")
            detail = c.get(f"/v1/sessions/{sid}").json()
            users = [m for m in detail["messages"] if m["role"] == "user"]
            out["kept"] = len(users) == turns
            if not out["kept"]:
                out["errors"].append(f"session kept {len(users)} of {turns} user messages")
        except Exception as exc:  # noqa: BLE001 - a failed request is counted, the soak goes on
            out["errors"].append(f"{type(exc).__name__}: {exc}")
    return out


def planner_cache_present() -> bool:
    """Whether the planner's warm-start file for this code and catalog exists (tools/planner/warm_start.py);
    without it, `compass api` builds it before it takes requests."""
    from knowledge.catalog import Catalog
    from tools.planner import warm_start

    return warm_start.cache_file(Catalog.from_files()).exists()


def run(sessions: int, turns: int, workers: int, interval_s: float) -> dict:
    url_db, kind = database_url()
    cache_present = planner_cache_present()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    keys = ",".join(f"soak-key-{n}:soak-user-{n}" for n in range(sessions))
    log_path = Path(tempfile.mkdtemp(prefix="compass-soak-")) / "api.log"
    started = time.perf_counter()
    server = start_api(port, workers, keys, log_path)
    sampler = ConnectionSampler(url_db, interval_s)
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        wait_ready(url, server, log_path)
        ready_s = time.perf_counter() - started
        sampler.start()
        pg_pid = postmaster_pid(kind)
        cpu0 = (tree_cpu_s(server.pid), tree_cpu_s(pg_pid))
        t0 = time.perf_counter()
        with ThreadPoolExecutor(sessions) as pool:
            results = list(pool.map(lambda n: session(url, n, turns), range(sessions)))
        elapsed = time.perf_counter() - t0
        cpu = (tree_cpu_s(server.pid) - cpu0[0], tree_cpu_s(pg_pid) - cpu0[1])
    finally:
        sampler.stop.set()
        server.terminate()
        server.wait(timeout=60)
    sampler.join(timeout=10)
    lat = [ms for r in results for _, ms in r["latencies"]]
    per_turn = defaultdict(list)
    for r in results:
        for i, ms in r["latencies"]:
            per_turn[i].append(ms)
    errors = [e for r in results for e in r["errors"]]
    log_errors = [line for line in log_path.read_text(errors="replace").splitlines()
                  if "error" in line.lower() and "unhandled" in line.lower()]
    return {
        "database": kind, "workers": workers, "sessions": sessions, "turns_per_session": turns,
        "cpu_count": os.cpu_count(), "wall_s": round(elapsed, 1), "turns": len(lat),
        "planner_cache_at_start": cache_present, "server_ready_s": round(ready_s, 1),
        "load_average_before": load_before, "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "throughput_turns_per_s": round(len(lat) / elapsed, 2),
        # CPU the turns cost, whatever else shares the machine: API processes (workers and their compute pools)
        # and the embedded PostgreSQL's backends (0 on an external database)
        "cpu_ms_per_turn": {"api": round(1000 * cpu[0] / max(1, len(lat))),
                            "postgres": round(1000 * cpu[1] / max(1, len(lat)))}, "errors": len(errors), "error_samples": errors[:5],
        "sessions_fully_kept": sum(r["kept"] for r in results), "server_unhandled_errors": len(log_errors),
        "latency_ms": {"p50": round(pct(lat, 50)), "p95": round(pct(lat, 95)), "p99": round(pct(lat, 99)),
                       "max": round(max(lat, default=0)), "mean": round(statistics.fmean(lat)) if lat else 0},
        "latency_by_turn_ms": {turns_for(0, turns)[i][:40]: {"p50": round(pct(v, 50)), "p95": round(pct(v, 95))}
                               for i, v in sorted(per_turn.items())},
        "db_connections": {"max_total": sampler.max_total, "server_max_connections": sampler.max_connections,
                           "max_by_application": dict(sampler.max_app),
                           "max_by_application_state": {f"{a}/{s}": n for (a, s), n in sorted(sampler.max_by.items())},
                           "samples": sampler.samples, "interval_s": interval_s},
    }


def render(report: dict) -> str:
    lat, db = report["latency_ms"], report["db_connections"]
    lines = [
        f"Soak: {report['sessions']} concurrent sessions x {report['turns_per_session']} turns through the API "
        f"({report['workers']} worker processes, {report['database']} PostgreSQL, offline brain, "
        f"{report['cpu_count']} cores; load average {report['load_average_before'][0]} before, "
        f"{report['load_average_after'][0]} after)",
        f"  server ready in {report['server_ready_s']} s (planner warm-start file "
        f"{'present' if report['planner_cache_at_start'] else 'absent: built before the server took requests'})",
        f"  {report['turns']} turns in {report['wall_s']} s ({report['throughput_turns_per_s']} turns/s); "
        f"errors {report['errors']} (target 0); sessions with every turn kept {report['sessions_fully_kept']}"
        f"/{report['sessions']}; unhandled server errors {report['server_unhandled_errors']}",
        f"  turn latency ms: p50 {lat['p50']}, p95 {lat['p95']}, p99 {lat['p99']}, max {lat['max']}",
        f"  CPU per turn: API processes {report['cpu_ms_per_turn']['api']} ms, PostgreSQL "
        f"{report['cpu_ms_per_turn']['postgres']} ms (measured; {report['cpu_count']} cores give at most "
        f"{report['cpu_count'] * 1000 / max(1, sum(report['cpu_ms_per_turn'].values())):.1f} turns/s at this cost)",
        f"  DB connections (pg_stat_activity, {db['samples']} samples): max {db['max_total']} of "
        f"max_connections {db['server_max_connections']}; by application: "
        + ", ".join(f"{a} {n}" for a, n in sorted(db["max_by_application"].items())),
        "  by application/state (max): " + ", ".join(f"{k} {n}" for k, n in db["max_by_application_state"].items()),
        "  per turn (p50/p95 ms): " + "; ".join(f"{k!r} {v['p50']}/{v['p95']}"
                                                for k, v in report["latency_by_turn_ms"].items()),
    ]
    lines += [f"  error: {e}" for e in report["error_samples"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--interval", type=float, default=0.2, help="pg_stat_activity sampling period, s")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--cold-planner", action="store_true",
                        help="a planner cache directory of its own (empty): the server starts as after an install")
    args = parser.parse_args()
    if args.cold_planner:
        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="compass-soak-cache-")
    if not os.environ.get("COMPASS_DATABASE_URL"):
        os.environ.setdefault("COMPASS_HOME", tempfile.mkdtemp(prefix="compass-soak-home-"))
    sys.path.insert(0, str(REPO))
    from knowledge.logs import configure_logging

    configure_logging("ERROR")
    report = run(args.sessions, args.turns, args.workers, args.interval)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    raise SystemExit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
