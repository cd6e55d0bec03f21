"""Reliability figures of issue 15, measured against real `compass api` processes on their own embedded databases.

    python benchmarks/reliability.py [--trials 5] [--turns 40] [--json out.json]

1. disconnects: approvals whose client drops the SSE stream at a random point (from "starting replica" to the
   load test), each followed to its end: how many end `validated` with their deployment recorded;
2. races: a message sent with an approval, and approve with reject, at the same instant: lost messages, empty
   replies, decisions that took no effect, and which side won;
3. memory: a 1 GB chunked body without a key: the server's RSS before, at its peak and after, and the bytes it
   accepted before answering 413;
4. storage: TURNS turns of 99 kB pasted text through one session: database growth per MB sent (pg_database_size
   after VACUUM, and the session's checkpoint bytes);
5. recovery: kill -9 of the embedded postmaster: seconds until /healthz is ok and until a turn is answered;
6. shutdown: SIGTERM to `compass api` with 1 and 2 workers: seconds to exit, processes left behind (PostgreSQL,
   workers), and `compass deploy stop` of a deployment the server started.

The machine's load average is printed: other work on a shared machine shows in the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import string
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import psycopg

REPO = Path(__file__).resolve().parent.parent
COMPASS = str(Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "compass")
NEED = "support chatbot for 200 users, only H100s, Llama 3.1 8B"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """`compass api` on a home (and embedded database) of its own."""

    def __init__(self, home: Path, *args: str, **env: str):
        self.home, self.port = home, free_port()
        self.env = {**os.environ, "COMPASS_HOME": str(home), "COMPASS_API_RATE_PER_MINUTE": "100000",
                    "COMPASS_LOCAL_TIME_SCALE": "5", "COMPASS_VALIDATE_DURATION_S": "10", **env}
        self.env.pop("COMPASS_DATABASE_URL", None)
        self.log = open(home.parent / f"{home.name}-api.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen([COMPASS, "api", "--port", str(self.port), *args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"compass api did not start (log: {self.log.name})")

    @property
    def pgdata(self) -> Path:
        return (self.home / "pgdata").resolve()

    def postmaster(self) -> psutil.Process:
        return psutil.Process(int((self.pgdata / "postmaster.pid").read_text().split()[0]))

    def stop(self) -> float:
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(60)
        self.log.close()
        return time.monotonic() - started

    def deployments(self) -> list[dict]:
        out = subprocess.run([COMPASS, "deploy", "list", "--json"], env=self.env, capture_output=True, text=True)
        return json.loads(out.stdout or "[]")

    def stop_deployments(self) -> None:
        for dep in self.deployments():
            subprocess.run([COMPASS, "deploy", "stop", dep["id"]], env=self.env, capture_output=True)


def events(response: httpx.Response):
    name = "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            yield name, json.loads(line.split(":", 1)[1].strip())


def at_gate(c: httpx.Client) -> str:
    sid = c.post("/v1/sessions").json()["id"]
    c.post(f"/v1/sessions/{sid}/messages", json={"text": NEED}).raise_for_status()
    c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"}).raise_for_status()
    return sid


def wait_status(c: httpx.Client, sid: str, status: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        dep = c.get(f"/v1/sessions/{sid}").json().get("deployment") or {}
        if dep.get("status") == status:
            return dep
        time.sleep(0.5)
    return dep


def disconnects(root: Path, trials: int) -> dict:
    api, rng, kept = Api(root / "disconnect"), random.Random(15), 0
    stages = []
    try:
        with httpx.Client(base_url=api.url, timeout=180) as c:
            for _ in range(trials):
                sid = at_gate(c)
                drop_after = rng.randint(1, 6)  # progress events seen before the client goes away
                with httpx.Client(base_url=api.url, timeout=180) as d, \
                        d.stream("POST", f"/v1/sessions/{sid}/approval?stream=true", json={"approve": True}) as s:
                    seen = 0
                    for name, data in events(s):
                        if name == "progress":
                            seen += 1
                            if seen >= drop_after:
                                stages.append(data.get("message", "")[:40])
                                break
                dep = wait_status(c, sid, "validated")
                kept += dep.get("status") == "validated" and bool(dep.get("deployment_id"))
                api.stop_deployments()
    finally:
        api.stop()
    return {"trials": trials, "validated_and_recorded": kept, "dropped_at": stages}


def together(*calls):
    gate = threading.Barrier(len(calls))

    def go(call):
        method, url, body = call
        with httpx.Client(timeout=180) as c:
            gate.wait()
            return c.request(method, url, json=body)
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def races(root: Path, trials: int) -> dict:
    api = Api(root / "races")
    out = {"message_with_approval": {"trials": trials, "messages_lost": 0, "empty_replies": 0, "not_deployed": 0},
           "approve_with_reject": {"trials": trials, "both_200": 0, "one_409": 0, "approve_won": 0,
                                   "effect_mismatch": 0}}
    try:
        with httpx.Client(base_url=api.url, timeout=180) as c:
            for t in range(trials):
                sid, text = at_gate(c), f"which GPU does it use? ({t})"
                base = f"{api.url}/v1/sessions/{sid}"
                approval, message = together(("POST", f"{base}/approval", {"approve": True}),
                                             ("POST", f"{base}/messages", {"text": text}))
                detail = c.get(f"/v1/sessions/{sid}").json()
                m = out["message_with_approval"]
                m["messages_lost"] += text not in [x["content"] for x in detail["messages"]]
                m["empty_replies"] += message.status_code == 200 and not message.json()["reply"].strip()
                m["not_deployed"] += (detail["deployment"] or {}).get("status") != "validated"
                api.stop_deployments()

                sid = at_gate(c)
                base = f"{api.url}/v1/sessions/{sid}"
                approve, reject = together(("POST", f"{base}/approval", {"approve": True}),
                                           ("POST", f"{base}/approval", {"approve": False}))
                r = out["approve_with_reject"]
                codes = sorted([approve.status_code, reject.status_code])
                r["both_200"] += codes == [200, 200]
                r["one_409"] += codes == [200, 409]
                won = approve.status_code == 200
                r["approve_won"] += won
                status = (c.get(f"/v1/sessions/{sid}").json()["deployment"] or {}).get("status")
                r["effect_mismatch"] += (status == "validated") != won or bool(api.deployments()) != won
                api.stop_deployments()
    finally:
        api.stop()
    return out


def memory(root: Path, total: int = 1 << 30) -> dict:
    api = Api(root / "memory", COMPASS_API_KEYS="bench-key-0123456789abcdef:bench")
    server = psutil.Process(api.proc.pid)
    before, peak, sent = server.memory_info().rss, 0, 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, server.memory_info().rss)
            time.sleep(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    chunk = 1 << 20
    piece = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
    answer = b""
    try:
        with socket.create_connection(("127.0.0.1", api.port), timeout=30) as sock:
            sock.sendall(b"POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            import select
            while sent < total and not select.select([sock], [], [], 0)[0]:
                try:
                    sock.sendall(piece)
                except OSError:
                    break
                sent += chunk
            try:
                answer = sock.recv(200)
            except OSError:
                pass
        time.sleep(0.5)
    finally:
        stop.set()
        sampler.join()
        after = server.memory_info().rss
        api.stop()
    mb = 1 << 20
    return {"body_bytes_offered": total, "bytes_sent_before_answer": sent, "answer": answer[:12].decode(errors="replace"),
            "rss_mb_before": round(before / mb, 1), "rss_mb_peak": round(peak / mb, 1), "rss_mb_after": round(after / mb, 1)}


def storage(root: Path, turns: int) -> dict:
    api = Api(root / "storage")
    rng = random.Random(9)
    url = f"postgresql://postgres:@/compass?host={api.pgdata}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM")
        size0 = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    sent = 0
    try:
        with httpx.Client(base_url=api.url, timeout=300) as c:
            sid = c.post("/v1/sessions").json()["id"]
            for t in range(turns):
                words = " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))
                                 for _ in range(16_000))
                text = (f"Meeting notes {t}: support chatbot for {300 + t} users. " + words)[:99_000]
                assert c.post(f"/v1/sessions/{sid}/messages", json={"text": text}).status_code == 200
                sent += len(text.encode())
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM")
            size1 = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            held = sum(conn.execute(q, (sid,)).fetchone()[0] for table, q in (
                ("checkpoint_blobs", "SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %s"),
                ("checkpoint_writes", "SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_writes"
                                      " WHERE thread_id = %s"),
                ("checkpoints", "SELECT coalesce(sum(octet_length(checkpoint::text)), 0) FROM checkpoints"
                                " WHERE thread_id = %s"),
                ("checkpoint_contents", "SELECT coalesce(sum(octet_length(content)), 0) FROM checkpoint_contents"
                                        " WHERE thread_id = %s"))
                if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0])  # older versions lack some
    finally:
        api.stop()
    mb = 1e6
    return {"turns": turns, "sent_mb": round(sent / mb, 2), "database_growth_mb": round((size1 - size0) / mb, 2),
            "growth_per_mb_sent": round((size1 - size0) / sent, 2), "session_checkpoint_mb": round(held / mb, 2)}


def recovery(root: Path, trials: int) -> dict:
    api = Api(root / "recovery")
    healthy, answered = [], []
    try:
        with httpx.Client(base_url=api.url, timeout=60) as c:
            sid = c.post("/v1/sessions").json()["id"]
            for t in range(trials):
                api.postmaster().send_signal(signal.SIGKILL)
                killed, ok = time.monotonic(), False
                while not ok and time.monotonic() - killed < 60:
                    try:
                        ok = c.get("/healthz", timeout=15).status_code == 200 and time.monotonic() - killed > 0.2
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.1)
                healthy.append(round(time.monotonic() - killed, 2) if ok else None)
                r = c.post(f"/v1/sessions/{sid}/messages", json={"text": f"make it {400 + t} users"})
                answered.append(round(time.monotonic() - killed, 2) if r.status_code == 200 else None)
    finally:
        api.stop()
    return {"trials": trials, "healthz_ok_after_s": healthy, "turn_answered_after_s": answered}


def shutdown(root: Path) -> dict:
    out = {}
    for workers in (1, 2):
        api = Api(root / f"shutdown-{workers}", "--workers", str(workers))
        tree = [api.proc.pid] + [p.pid for p in psutil.Process(api.proc.pid).children(recursive=True)]
        took = api.stop()
        time.sleep(1.0)
        postgres = [p.pid for p in psutil.process_iter(["name", "cmdline"])
                    if p.info["name"] == "postgres" and str(api.pgdata) in (p.info["cmdline"] or [])]
        left = [pid for pid in tree if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        out[f"workers_{workers}"] = {"exit_s": round(took, 2), "postgres_left": len(postgres), "processes_left": len(left)}
    api = Api(root / "deploy-stop")
    try:
        with httpx.Client(base_url=api.url, timeout=180) as c:
            sid = at_gate(c)
            c.post(f"/v1/sessions/{sid}/approval", json={"approve": True})
        [dep] = api.deployments()
        started = time.monotonic()
        subprocess.run([COMPASS, "deploy", "stop", dep["id"]], env=api.env, capture_output=True)
        out["deploy_stop"] = {"processes": 1 + len(dep["replicas"]), "seconds": round(time.monotonic() - started, 2)}
    finally:
        api.stop_deployments()
        api.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--only", nargs="*", help="disconnects races memory storage recovery shutdown")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    parts = {"disconnects": lambda r: disconnects(r, args.trials), "races": lambda r: races(r, args.trials),
             "memory": memory, "storage": lambda r: storage(r, args.turns),
             "recovery": lambda r: recovery(r, args.trials), "shutdown": shutdown}
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="compass-reliability-") as tmp:
        for name, run in parts.items():
            if args.only and name not in args.only:
                continue
            started = time.monotonic()
            results[name] = run(Path(tmp))
            print(f"{name} ({time.monotonic() - started:.0f} s): {json.dumps(results[name])}", flush=True)
    print(f"load average after: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
