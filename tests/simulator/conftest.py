"""Live simulators for the tests: real HTTP servers on free ports, in background threads of the test process."""

from __future__ import annotations

import pytest

from simulator.server import InProcessServer, SimulatorConfig

MODEL = "Qwen/Qwen2.5-7B-Instruct"


def start(**overrides) -> InProcessServer:
    values = {"model": MODEL, "gpu": "H100", "max_model_len": 4096, "seed": 3, **overrides}
    return InProcessServer(SimulatorConfig(**values)).start()


@pytest.fixture(scope="session")
def sim():
    """Fast: simulated time runs 10x faster than the wall clock (``--time-scale 10``)."""
    server = start(time_scale=10.0)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def client(sim):
    openai = pytest.importorskip("openai")
    return openai.OpenAI(base_url=sim.base_url, api_key="unused", max_retries=0, timeout=60)
