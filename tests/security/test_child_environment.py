"""Simulator processes get only the environment they need (issue 15 item 17).

A local deployment's replicas and front were started with Compass's whole environment: every user's API key
(COMPASS_API_KEYS), the OpenAI and Hugging Face tokens, database URLs with passwords. A simulator needs its
configuration, a PATH and where Python and the tokenizer cache are; nothing else.
"""

from __future__ import annotations

import psutil
import pytest

from simulator.server.config import SimulatorConfig
from simulator.server.process import SimulatorProcess
from tests.deploy.test_local_target import small_plan
from tools import deploy_path

SECRETS = {
    "COMPASS_API_KEYS": "canary-key-0123456789abcdef:alice",
    "OPENAI_API_KEY": "sk-canary0123456789abcdefghij",
    "HF_TOKEN": "hf_canary0123456789abcdefghijkl",
    "COMPASS_DATABASE_URL": "postgresql://compass:canary-password@db.example:5432/compass",
    "AWS_SECRET_ACCESS_KEY": "canary/aws/secret",
}


def _leaked(pid: int) -> list[str]:
    env = psutil.Process(pid).environ()
    return sorted(name for name, value in SECRETS.items() if name in env or value in "".join(env.values()))


@pytest.mark.slow
def test_local_replicas_and_front_inherit_no_credentials(kb, fast_local, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    catalog = kb.catalog
    result = small_plan(catalog)
    bundle = deploy_path.render(result.recommendations[0], result.spec, catalog, target="local")
    deploy_path.apply(bundle, catalog, target="local", allowed_namespaces=["compass"])
    [dep] = deploy_path.local_target(["compass"]).list()
    for proc in dep.processes:
        assert _leaked(proc.pid) == [], proc
        env = psutil.Process(proc.pid).environ()
        assert "PATH" in env
    replica_env = psutil.Process(dep.replicas[0].pid).environ()
    assert replica_env["MODEL_NAME"] == dep.environment["MODEL_NAME"]  # its configuration, as in the manifest


@pytest.mark.slow
def test_a_simulator_process_inherits_no_credentials(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with SimulatorProcess(SimulatorConfig(model="meta-llama/Llama-3.1-8B-Instruct", gpu="H100")) as sim:
        assert _leaked(sim.proc.pid) == []
        assert sim.healthy()
