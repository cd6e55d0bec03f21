"""Starting and stopping simulators: blocking (``run_server``), in a background thread of this process
(``InProcessServer``), or as a child process (``SimulatorProcess``), each on a given or a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

import uvicorn

from simulator.server.app import create_app
from simulator.server.child_environment import child_environment
from simulator.server.config import ResolvedSetup, SimulatorConfig, resolve

# Runs the same code path as ``compass simulate`` (flags and environment variables) without needing the CLI.
MODULE_COMMAND = (sys.executable, "-m", "simulator.server")

def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _uvicorn_config(setup: ResolvedSetup, host: str, port: int) -> uvicorn.Config:
    # No access log: at hundreds of streams it would cost more than the serving itself.
    return uvicorn.Config(create_app(setup), host=host, port=port, log_level="warning", access_log=False,
                          timeout_keep_alive=30, backlog=4096, lifespan="on", proxy_headers=False)


def run_server(config: SimulatorConfig | ResolvedSetup, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (what ``compass simulate`` and the container run); host/port default to the
    configuration's."""
    setup = config if isinstance(config, ResolvedSetup) else resolve(config)
    cfg = setup.config
    uvicorn.Server(_uvicorn_config(setup, host or cfg.host, cfg.port if port is None else port)).run()


class _Address:
    """Where a simulator listens (``host``/``port`` set by the subclass)."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"


class InProcessServer(_Address):
    """A simulator on a background thread of this process (its own event loop); ``stop()`` ends it."""

    def __init__(self, config: SimulatorConfig, host: str = "127.0.0.1", port: int | None = None):
        self.host, self.port = host, port or free_port(host)
        self.setup = resolve(config)
        self._server = uvicorn.Server(_uvicorn_config(self.setup, self.host, self.port))
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # not the main thread
        self._thread = threading.Thread(target=self._server.run, name="compass-simulator", daemon=True)

    def start(self, timeout_s: float = 30.0) -> "InProcessServer":
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the simulator did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout_s)

    def __enter__(self) -> "InProcessServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SimulatorProcess(_Address):
    """``compass simulate`` as a child process configured by environment variables; waits for /health.

    ``command`` defaults to ``python -m simulator.server`` (the code path of ``compass simulate``, usable
    before and without the CLI); pass ``["compass", "simulate"]`` to go through the CLI itself.
    """

    def __init__(self, config: SimulatorConfig, *, host: str = "127.0.0.1", port: int | None = None,
                 command: Sequence[str] | None = None, env: dict[str, str] | None = None,
                 log_path: str | Path | None = None):
        self.config = config
        self.host, self.port = host, port or free_port(host)
        self.command = list(command or MODULE_COMMAND)
        self.env = child_environment(env or {}, config.to_env(), {"HOST": host, "PORT": str(self.port)})
        self.log_path = Path(log_path) if log_path else None
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout_s: float = 60.0) -> "SimulatorProcess":
        self._log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(self.command, env=self.env, stdout=self._log, stderr=self._log,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the simulator exited with code {self.proc.returncode}"
                                   + (f"; see {self.log_path}" if self.log_path else ""))
            if self.healthy():
                return self
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"the simulator did not answer /health on {self.url} within {timeout_s:.0f} s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=1.0) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on SIGINT
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None

    def __enter__(self) -> "SimulatorProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
