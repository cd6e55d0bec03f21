"""Crash recovery: the API process is killed (SIGKILL) at the approval gate and again in the middle of the
validation that follows an approval; restarted on the same database, the session goes on where it was.

Nothing confirmed is lost (messages, spec, the pending approval), nothing is applied twice (one local
deployment, reused by id), and the interrupted step is finished on the next message. A crash inside the
apply step itself is simulated in-process, where the crash point can be placed exactly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid

import httpx
import pytest

from tests.api.conftest import free_port
from tests.api.test_api import sse_events
from tests.cli.helpers import COMPASS, run_compass
from tools import deploy_path

NEED = "support chatbot for 200 users, only H100s, Llama 3.1 8B"
NAMESPACES = ["compass", "default"]


class ApiProcess:
    """``compass api`` in a subprocess of its own, killed the hard way."""

    def __init__(self, env: dict[str, str], log_path, args: list[str] | None = None):
        self.env, self.log_path, self.port, self.proc = env, log_path, free_port(), None
        self.args = args or []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ApiProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([COMPASS, "api", "--port", str(self.port), *self.args], env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_path.read_text()[-2000:]
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the API did not start:\n" + self.log_path.read_text()[-2000:])

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def local_cleanup():
    yield
    target = deploy_path.local_target(NAMESPACES)
    for dep in target.list():
        target.stop(dep.id)


def _local_deployments(env) -> list[dict]:
    proc = run_compass("deploy", "list", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_killed_api_resumes_the_session_without_losing_or_repeating_anything(fresh_db_url, tmp_path,
                                                                              local_cleanup):
    env = {**os.environ, "COMPASS_DATABASE_URL": fresh_db_url, "COMPASS_LOCAL_TIME_SCALE": "5",
           "COMPASS_VALIDATE_DURATION_S": "10", "COMPASS_API_RATE_PER_MINUTE": "10000"}
    api = ApiProcess(env, tmp_path / "api.log").start()
    try:
        with httpx.Client(base_url=api.url, timeout=120) as c:
            sid = c.post("/v1/sessions").json()["id"]
            c.post(f"/v1/sessions/{sid}/messages", json={"text": NEED}).raise_for_status()
            r = c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"}).json()
            assert r["pending_approval"]["type"] == "approval"
            before = c.get(f"/v1/sessions/{sid}").json()

        api.kill()  # crash 1: at the approval gate
        api = ApiProcess(env, tmp_path / "api.log").start()
        with httpx.Client(base_url=api.url, timeout=120) as c:
            after = c.get(f"/v1/sessions/{sid}").json()
            assert after["messages"] == before["messages"] and len(after["messages"]) == 4
            assert after["spec"] == before["spec"] and after["spec"]["users"] == 200
            assert after["pending_approval"] == before["pending_approval"] is not None
            assert after["deployment"]["status"] == "awaiting_approval"
            assert _local_deployments(env) == []  # nothing applied before the approval

            # crash 2: approve, and kill the process while it validates what it just applied
            with c.stream("POST", f"/v1/sessions/{sid}/approval?stream=true", json={"approve": True}) as s:
                for name, data in _events(s):
                    if name == "progress" and data["message"].startswith("load test:"):
                        api.kill()
                        break
                else:
                    pytest.fail("the approval stream ended before validation started")
        [deployed] = _local_deployments(env)
        assert deployed["running"] is True

        api = ApiProcess(env, tmp_path / "api.log").start()
        with httpx.Client(base_url=api.url, timeout=120) as c:
            mid = c.get(f"/v1/sessions/{sid}").json()
            assert mid["pending_approval"] is None and mid["deployment"]["status"] == "applied"
            r = c.post(f"/v1/sessions/{sid}/messages", json={"text": "is it up?"}).json()
            assert "Validation" in r["reply"]  # the interrupted validation was finished first
            final = c.get(f"/v1/sessions/{sid}").json()
            assert final["deployment"]["status"] == "validated"
            assert final["deployment"]["deployment_id"] == deployed["id"]
            assert final["messages"][:4] == before["messages"]
            assert final["tools"].count("apply_manifests") == 1
            assert c.post(f"/v1/sessions/{sid}/approval", json={"approve": True}).status_code == 409
        assert [d["id"] for d in _local_deployments(env)] == [deployed["id"]]  # applied once, never twice
    finally:
        api.stop()


def _events(response: httpx.Response):
    name = "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            yield name, json.loads(line.split(":", 1)[1].strip())


class _Crash(BaseException):
    """Unwinds like a dying process: nothing after the crash point runs, no checkpoint is written."""


@pytest.mark.slow
def test_a_crash_inside_apply_is_finished_once_on_the_next_message(service, session, fast_local, monkeypatch):
    service.turn(session, "alice", NEED)
    service.turn(session, "alice", "deploy option 1")
    real_apply = deploy_path.apply

    def apply_then_die(*args, **kwargs):
        real_apply(*args, **kwargs)  # the deployment is started and recorded ...
        raise _Crash()  # ... and the process dies before the step's checkpoint

    monkeypatch.setattr(deploy_path, "apply", apply_then_die)
    with pytest.raises(_Crash):
        service.approve(session, "alice", approve=True)
    monkeypatch.setattr(deploy_path, "apply", real_apply)
    snapshot = service.graph.get_state(service._config(uuid.UUID(str(session))))
    assert snapshot.next == ("apply",) and not snapshot.interrupts
    [started] = deploy_path.local_target(NAMESPACES).list()

    r = service.turn(session, "alice", "how is it going?")
    state = service.view(session, "alice").state
    assert state.deployment.status == "validated" and state.deployment.deployment_id == started.id
    assert "Deployed option 1" in r.reply and "Validation" in r.reply
    assert any(e.event == "progress" and "already running" in e.data.get("message", "") for e in r.events)
    [again] = deploy_path.local_target(NAMESPACES).list()
    assert again.id == started.id and again.endpoint == started.endpoint  # reused, not started twice


@pytest.mark.slow
def test_a_crash_after_apply_saved_its_writes_is_finished_from_the_snapshots_tasks(service, session, fast_local,
                                                                                 monkeypatch):
    """The process dies after a step's writes were saved but before the step's checkpoint (checkpoints are
    written in the background, so the crash lands after the apply): the snapshot's ``next`` no longer names
    the step, its tasks still do. The next message must commit those writes, not answer on top of the older
    checkpoint (which says "applying" for ever)."""
    service.turn(session, "alice", NEED)
    service.turn(session, "alice", "deploy option 1")
    saved_apply = []
    real_put_writes, real_put = service.saver.put_writes, service.saver.put

    def put_writes(config, writes, task_id, task_path=""):
        real_put_writes(config, writes, task_id, task_path)
        saved_apply.extend(v for c, v in writes if c == "deployment" and getattr(v, "status", "") == "applied")

    def put_or_die(*args, **kwargs):
        if saved_apply:
            raise _Crash()  # the step's writes are stored, its checkpoint never will be
        return real_put(*args, **kwargs)

    monkeypatch.setattr(service.saver, "put_writes", put_writes)
    monkeypatch.setattr(service.saver, "put", put_or_die)
    with pytest.raises(_Crash):
        service.approve(session, "alice", approve=True)
    monkeypatch.setattr(service.saver, "put_writes", real_put_writes)
    monkeypatch.setattr(service.saver, "put", real_put)
    snapshot = service.graph.get_state(service._config(uuid.UUID(str(session))))
    assert snapshot.next == () and snapshot.tasks and not snapshot.interrupts  # what `next` alone misses
    [started] = deploy_path.local_target(NAMESPACES).list()

    r = service.turn(session, "alice", "how is it going?")
    state = service.view(session, "alice").state
    assert state.deployment.status == "validated" and state.deployment.deployment_id == started.id
    assert any("Finishing the step" in e.data.get("message", "") for e in r.events if e.event == "progress")
    assert [t.name for t in state.tool_runs].count("apply_manifests") == 1
    assert [d.id for d in deploy_path.local_target(NAMESPACES).list()] == [started.id]
