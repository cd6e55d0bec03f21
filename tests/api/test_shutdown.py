"""Shutdown leaves no process behind (issue 15 item 15, issue 16 item 15).

SIGTERM (what systemd, Docker and Kubernetes send) stopped `compass api` but left its embedded PostgreSQL
running, also with --workers 2, and a process killed with -9 stayed registered as a user of the server for
ever. Simulators a server started and another process stopped stayed zombies, so `compass deploy stop` waited
10 s for each as if it were alive.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.cli.helpers import run_compass
from tests.deploy.test_crash_recovery import ApiProcess


def _postgres_on(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "status"]):
        cmdline = proc.info.get("cmdline") or []
        if proc.info.get("name") == "postgres" and proc.info.get("status") != psutil.STATUS_ZOMBIE \
                and str(pgdata) in cmdline:
            found.append(proc)
    return found


def _wait_gone(pgdata: Path, timeout_s: float = 20) -> float:
    start = time.monotonic()
    while _postgres_on(pgdata):
        assert time.monotonic() - start < timeout_s, f"PostgreSQL still runs on {pgdata}"
        time.sleep(0.2)
    return time.monotonic() - start


def _handles(pgdata: Path) -> list[int]:
    path = pgdata / ".handle_pids.json"
    return json.loads(path.read_text()) if path.exists() else []


def _embedded_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "COMPASS_HOME": str(home), "COMPASS_API_RATE_PER_MINUTE": "10000"}
    env.pop("COMPASS_DATABASE_URL", None)
    return env


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_stops_the_api_and_its_embedded_database(tmp_path, workers):
    home = tmp_path / "home"
    api = ApiProcess(_embedded_env(home), tmp_path / "api.log", args=["--workers", str(workers)]).start()
    pgdata = (home / "pgdata").resolve()
    assert _postgres_on(pgdata)
    tree = [psutil.Process(api.proc.pid)] + psutil.Process(api.proc.pid).children(recursive=True)
    api.proc.send_signal(signal.SIGTERM)
    assert api.proc.wait(30) in (0, -signal.SIGTERM)
    gone_s = _wait_gone(pgdata)
    print(f"\nSIGTERM, {workers} worker(s): exited, PostgreSQL stopped {gone_s:.1f} s later")
    assert _handles(pgdata) == []
    assert _still_running(tree) == []


def _still_running(tree: list[psutil.Process], grace_s: float = 5) -> list[str]:
    """The processes of ``tree`` still running after ``grace_s`` (multiprocessing's resource tracker ends when it
    reads its parent's pipe closed, a moment after the parent). is_running compares start times: a PID the system
    gave to a new process since is not taken for one of these."""
    deadline = time.monotonic() + grace_s
    while True:
        alive = []
        for proc in tree:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def test_a_worker_leaves_sigterm_to_uvicorn_and_releases_the_database_when_its_lifespan_ends(monkeypatch):
    """uvicorn loads a worker's app after installing its graceful SIGTERM handler. worker_app replaced it with one
    raising SystemExit wherever the worker was: a worker hit mid-import hung, and `compass api --workers 2` with
    it (the CI run of stop 24). After the graceful shutdown uvicorn ends the worker with the default action,
    which skips exit handlers, so the lifespan gives the embedded database back."""
    from fastapi.testclient import TestClient

    from api import app as api_app

    def uvicorn_handler(_signum, _frame):
        pass

    released = []
    monkeypatch.setattr(api_app.EmbeddedServer, "release_all", classmethod(lambda cls: released.append(True)))
    previous = signal.signal(signal.SIGTERM, uvicorn_handler)
    try:
        app = api_app.worker_app()
        assert signal.getsignal(signal.SIGTERM) is uvicorn_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert released == []
    assert released == [True]


@pytest.mark.slow
def test_a_process_killed_with_9_does_not_keep_the_database_running_for_ever(tmp_path):
    home = tmp_path / "home"
    env = _embedded_env(home)
    killed = ApiProcess(env, tmp_path / "api.log").start()
    killed.kill()  # its PID stays in the server's list of users
    pgdata = (home / "pgdata").resolve()
    assert killed.proc.pid in _handles(pgdata)
    assert run_compass("sessions", "list", env={"COMPASS_HOME": str(home), "COMPASS_DATABASE_URL": ""}).returncode == 0
    _wait_gone(pgdata)  # the last live user stopped it: the dead one no longer counts
    assert _handles(pgdata) == []


@pytest.mark.slow
def test_deploy_stop_of_a_deployment_a_server_started_is_quick_and_leaves_no_zombie(tmp_path, fresh_db_url):
    env = {**_embedded_env(tmp_path / "home"), "COMPASS_DATABASE_URL": fresh_db_url,
           "COMPASS_LOCAL_TIME_SCALE": "5", "COMPASS_VALIDATE_DURATION_S": "5"}
    local = {"COMPASS_HOME": env["COMPASS_HOME"]}
    api = ApiProcess(env, tmp_path / "api.log").start()
    try:
        with httpx.Client(base_url=api.url, timeout=180) as c:
            sid = c.post("/v1/sessions").json()["id"]
            c.post(f"/v1/sessions/{sid}/messages", json={"text": "support chatbot for 200 users, only H100s"})
            c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"})
            assert c.post(f"/v1/sessions/{sid}/approval", json={"approve": True}).status_code == 200
        [dep] = json.loads(run_compass("deploy", "list", "--json", env=local).stdout)
        pids = [dep["front"]["pid"]] + [r["pid"] for r in dep["replicas"]]
        started = time.monotonic()
        assert run_compass("deploy", "stop", dep["id"], env=local).returncode == 0
        took = time.monotonic() - started
        print(f"\ncompass deploy stop of {len(pids)} processes a server started: {took:.1f} s")
        assert took < 8, f"{took:.1f} s: zombies were waited for as if alive"
        time.sleep(1.0)
        zombies = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() == psutil.STATUS_ZOMBIE]
        assert zombies == [], "the server did not reap the simulators it started"
    finally:
        api.stop()
        for dep in json.loads(run_compass("deploy", "list", "--json", env=local).stdout or "[]"):
            run_compass("deploy", "stop", dep["id"], env=local)
