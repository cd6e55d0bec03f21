"""Start, find and stop local deployments (simulator replicas + a round-robin front) from a rendered bundle."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import httpx
import psutil
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from k8s.bundle import ManifestBundle
from k8s.errors import K8sError, NamespaceNotAllowedError
from simulator.server.child_environment import child_environment

READY_TIMEOUT_S = 90.0


class LocalTargetError(K8sError):
    pass


class LocalTargetSettings(BaseSettings):
    """``COMPASS_LOCAL_*``: what this machine lets a local deployment start."""

    model_config = SettingsConfigDict(env_prefix="COMPASS_LOCAL_", extra="ignore")

    max_replicas: int = Field(default=16, ge=1, description="most simulator replicas one local deployment starts "
                              "(each is a process of ~100 MB here)")


class LocalProcess(BaseModel):
    pid: int
    port: int
    log: str
    started_at: float | None = Field(default=None, description="the process's start time (epoch s): a PID reused "
                                     "by another program is never taken for it, nor signalled")

    @property
    def alive(self) -> bool:
        return _alive(self.pid, self.started_at)


class LocalDeployment(BaseModel):
    """The record of a local deployment, written before its first process starts and after each one, so a
    start cut short (kill -9) leaves every PID where `compass deploy stop` and the next apply can reach it."""

    id: str = Field(description="namespace-name; what `compass deploy stop ID` takes")
    name: str
    namespace: str
    model_name: str = Field(description="the name the OpenAI API serves")
    status: Literal["starting", "running"] = Field(
        default="running", description="starting until every replica and the front are healthy")
    started_by: int | None = Field(default=None, description="PID of the process that started it")
    endpoint: str | None = Field(default=None, description="base URL of the round-robin front (OpenAI API under /v1)")
    replicas: list[LocalProcess] = Field(default_factory=list)
    front: LocalProcess | None = None
    environment: dict[str, str] = Field(description="what each replica was configured with (as in the manifest)")
    time_scale: float = 1.0
    created_at: dt.datetime

    @property
    def processes(self) -> list[LocalProcess]:
        return [p for p in (self.front, *self.replicas) if p is not None]


# The gate a child passes before it execs its command: one byte from the starter means "your PID is recorded";
# end of file means the starter died first, so the child leaves without ever serving.
_GATE = ("import os, sys\nfd = int(sys.argv[1])\ngo = os.read(fd, 1)\nos.close(fd)\n"
         "if not go:\n    sys.exit(0)\nos.execv(sys.argv[2], sys.argv[2:])")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int | None, started_at: float | None = None) -> bool:
    """Whether the process runs: a zombie (exited, waiting to be reaped by a parent that is not this process)
    counts as gone, and so does a PID now reused by a process that started later than the one recorded."""
    if pid is None:
        return False
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return started_at is None or abs(proc.create_time() - started_at) < 1.0
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _describe(env: dict[str, str], replicas: int) -> str:
    return (f"{replicas} x {env.get('MODEL_NAME')} on {env.get('TENSOR_PARALLEL_SIZE', '1')} x "
            f"{env.get('GPU_TYPE')}")


def _container_env(bundle: ManifestBundle) -> dict[str, str]:
    for obj in bundle.objects:
        if obj.get("kind") == "Deployment":
            container = obj["spec"]["template"]["spec"]["containers"][0]
            return {e["name"]: str(e["value"]) for e in container.get("env", []) if "value" in e}
    raise LocalTargetError("the bundle has no Deployment to run locally; render it with target='simulator'")


class LocalTarget:
    def __init__(self, home: Path, *, allowed_namespaces: Iterable[str], time_scale: float = 1.0,
                 max_replicas: int | None = None):
        self.dir = home / "deployments"
        self.allowed = set(allowed_namespaces)
        self.time_scale = time_scale
        self.max_replicas = max_replicas or LocalTargetSettings().max_replicas

    def problems(self, bundle: ManifestBundle, replicas: int | None = None) -> list[str]:
        """Why this machine will not run the bundle (one line each); empty when it will."""
        count = max(1, replicas or bundle.plan.replicas)
        if count > self.max_replicas:
            return [f"the plan needs {count} replicas; the local target runs at most {self.max_replicas} on this "
                    f"machine (COMPASS_LOCAL_MAX_REPLICAS): deploy it to a cluster (--target kserve) or plan for "
                    "less traffic"]
        return []

    # ------------------------------------------------------------------ records

    def _path(self, deployment_id: str) -> Path:
        return self.dir / f"{deployment_id}.json"

    def get(self, deployment_id: str) -> LocalDeployment | None:
        path = self._path(deployment_id)
        if not path.exists():
            return None
        return LocalDeployment.model_validate_json(path.read_text())

    def _save(self, dep: LocalDeployment) -> None:
        """Replace the record in one step: a process killed while writing leaves the previous record whole."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self._path(dep.id).with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(dep.model_dump_json(indent=1))
        tmp.replace(self._path(dep.id))

    def list(self) -> list[LocalDeployment]:
        if not self.dir.exists():
            return []
        return [LocalDeployment.model_validate_json(p.read_text()) for p in sorted(self.dir.glob("*.json"))]

    @staticmethod
    def running(dep: LocalDeployment) -> bool:
        return dep.status == "running" and dep.front is not None and all(p.alive for p in dep.processes)

    # ------------------------------------------------------------------ lifecycle

    def deploy(self, bundle: ManifestBundle, *, replicas: int | None = None,
               progress: Callable[[str], None] = lambda _m: None) -> LocalDeployment:
        """Start the plan's replicas and the front; a deployment already running under the same id is reused."""
        if bundle.namespace not in self.allowed:  # enforced here, whatever the caller checked
            raise NamespaceNotAllowedError([bundle.namespace], sorted(self.allowed))
        if refusal := self.problems(bundle, replicas):
            raise LocalTargetError(refusal[0][0].upper() + refusal[0][1:] + ".")
        dep_id = f"{bundle.namespace}-{bundle.name}"
        existing = self.get(dep_id)
        env = _container_env(bundle)
        count = max(1, replicas or bundle.plan.replicas)
        if existing and self.running(existing):
            if existing.environment != env or len(existing.replicas) != count:
                running_now = _describe(existing.environment, len(existing.replicas))
                raise LocalTargetError(
                    f"{dep_id} is already running with another configuration ({running_now}, not "
                    f"{_describe(env, count)}); stop it first with `compass deploy stop {dep_id}`, or deploy "
                    "under another name")
            progress(f"{dep_id} is already running at {existing.endpoint}; nothing started twice")
            return existing
        if existing:
            if existing.status == "starting" and existing.started_by not in (None, os.getpid()) \
                    and _alive(existing.started_by):
                raise LocalTargetError(f"{dep_id} is being started by process {existing.started_by}; wait for it, "
                                       f"or stop it with `compass deploy stop {dep_id}`")
            progress(f"stopping what is left of an earlier start of {dep_id}")
            self.stop(dep_id)
        logs = self.dir / dep_id
        logs.mkdir(parents=True, exist_ok=True)
        dep = LocalDeployment(id=dep_id, name=bundle.name, namespace=bundle.namespace,
                              model_name=env.get("SERVED_MODEL_NAME") or env["MODEL_NAME"], status="starting",
                              started_by=os.getpid(), environment=env, time_scale=self.time_scale,
                              created_at=dt.datetime.now(dt.timezone.utc))
        self._save(dep)
        try:
            def add_replica(proc: LocalProcess) -> None:
                dep.replicas.append(proc)
                self._save(dep)

            def add_front(proc: LocalProcess) -> None:
                dep.front, dep.endpoint = proc, f"http://127.0.0.1:{proc.port}"
                self._save(dep)

            for i in range(count):
                progress(f"starting replica {i + 1}/{count} ({env.get('MODEL_NAME')} on {env.get('GPU_TYPE')})")
                self._start_replica(env, logs / f"replica-{i}.log", add_replica)
            for i, proc in enumerate(dep.replicas):
                self._wait_healthy(f"http://127.0.0.1:{proc.port}", proc, f"replica {i + 1}")
            self._start_front([f"http://127.0.0.1:{p.port}" for p in dep.replicas], logs / "front.log", add_front)
            self._wait_healthy(dep.endpoint, dep.front, "front")
        except BaseException:
            self._stop(dep)
            raise
        dep.status = "running"
        self._save(dep)
        progress(f"{count} replica(s) healthy behind {dep.endpoint}")
        return dep

    def stop(self, deployment_id: str) -> bool:
        dep = self.get(deployment_id)
        if dep is None:
            return False
        self._stop(dep)
        return True

    def _stop(self, dep: LocalDeployment) -> None:
        for proc in dep.processes:
            _terminate(proc)
        self._path(dep.id).unlink(missing_ok=True)

    # ------------------------------------------------------------------ processes

    def _start_replica(self, env: dict[str, str], log: Path, record: Callable[[LocalProcess], None]) -> None:
        port = _free_port()
        full = child_environment(env, {"PORT": str(port), "HOST": "127.0.0.1", "TIME_SCALE": str(self.time_scale)})
        self._spawn([sys.executable, "-m", "cli.main", "simulate"], full, port, log, record)

    def _start_front(self, backends: list[str], log: Path, record: Callable[[LocalProcess], None]) -> None:
        port = _free_port()
        cmd = [sys.executable, "-m", "k8s.local.front", "--port", str(port)]
        for b in backends:
            cmd += ["--backend", b]
        self._spawn(cmd, child_environment(), port, log, record)

    @staticmethod
    def _spawn(cmd: list[str], env: dict[str, str], port: int, log: Path,
               record: Callable[[LocalProcess], None]) -> None:
        """Start ``cmd`` behind a gate: the child waits until ``record`` has stored its PID, so a starter killed
        in between (kill -9) leaves no process that nothing knows of (the child reads EOF and exits)."""
        gate, opener = os.pipe()
        try:
            with open(log, "ab") as out:  # a new session: the deployment outlives the process that started it
                proc = subprocess.Popen([sys.executable, "-c", _GATE, str(gate), *cmd], env=env, stdout=out,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                        pass_fds=(gate,))
        finally:
            os.close(gate)
        try:
            # Reap it when it exits, whoever stops it: a server that started replicas would otherwise keep them as
            # zombies, which other processes cannot tell from running ones by PID alone.
            threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()
            try:
                started_at = psutil.Process(proc.pid).create_time()
            except psutil.NoSuchProcess:
                started_at = None
            record(LocalProcess(pid=proc.pid, port=port, log=str(log), started_at=started_at))
            os.write(opener, b"1")  # recorded: now it may become the replica (same PID, exec'd in place)
        finally:
            os.close(opener)

    @staticmethod
    def _wait_healthy(url: str, proc: LocalProcess, what: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if not proc.alive:
                tail = Path(proc.log).read_text(errors="replace")[-600:] if Path(proc.log).exists() else ""
                raise LocalTargetError(f"{what} exited during start-up; its log ends with:\n{tail}")
            try:
                if httpx.get(url + "/health", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise LocalTargetError(f"{what} did not become healthy within {READY_TIMEOUT_S:.0f} s (log: {proc.log})")


def _terminate(proc: LocalProcess, timeout_s: float = 10.0) -> None:
    """SIGTERM the process's group (it leads a session of its own), SIGKILL after ``timeout_s``."""
    if not proc.alive:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.alive:
        time.sleep(0.05)
    if proc.alive:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
