"""A real uvicorn server running the Compass API on a free port, over a fresh database."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.settings import ApiSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("API server did not start")

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def api_server(kb):
    with ServerThread(create_app(kb=kb, api_settings=ApiSettings(api_rate_per_minute=1000))) as server:
        yield server


@pytest.fixture
def keyed_server(kb):
    settings = ApiSettings(api_keys="alice-key:alice,bob-key:bob", api_rate_per_minute=1000)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as server:
        yield server
