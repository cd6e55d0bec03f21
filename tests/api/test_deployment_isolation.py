"""Deployments of different sessions and configurations never share a name (issue 15 item 6).

The name was namespace + model, so Bob's approved "8B on L4" reused Alice's running "8B on H100" deployment
and validated against it. A deployment's name now carries its session and configuration: Bob gets his own
replicas, configured as he approved, and his validation measures them.
"""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.settings import ApiSettings
from tests.api.conftest import ServerThread
from tools import deploy_path

ALICE = {"Authorization": "Bearer alice-key-0123456789"}
BOB = {"Authorization": "Bearer bob-key-0123456789ab"}
KEYS = "alice-key-0123456789:alice,bob-key-0123456789ab:bob"


def _approve(c: httpx.Client, who: dict, need: str) -> dict:
    sid = c.post("/v1/sessions", headers=who).json()["id"]
    c.post(f"/v1/sessions/{sid}/messages", headers=who, json={"text": need}).raise_for_status()
    assert c.post(f"/v1/sessions/{sid}/messages", headers=who, json={"text": "deploy option 1"}).json()["pending_approval"]
    assert c.post(f"/v1/sessions/{sid}/approval", headers=who, json={"approve": True}).status_code == 200
    return c.get(f"/v1/sessions/{sid}", headers=who).json()["deployment"]


@pytest.mark.slow
def test_two_users_deploying_the_same_model_differently_get_two_deployments(kb, fast_local):
    settings = ApiSettings(api_keys=KEYS, api_rate_per_minute=1000)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, \
            httpx.Client(base_url=s.url, timeout=180) as c:
        alice = _approve(c, ALICE, "support chatbot for 200 users, only H100s, Llama 3.1 8B")
        bob = _approve(c, BOB, "support chatbot for 200 users, only L4s, Llama 3.1 8B")
    assert alice["status"] == bob["status"] == "validated"
    assert alice["deployment_id"] != bob["deployment_id"] and alice["endpoint"] != bob["endpoint"]
    running = {d.id: d for d in deploy_path.local_target(["compass"]).list()}
    assert set(running) == {alice["deployment_id"], bob["deployment_id"]}
    assert running[alice["deployment_id"]].environment["GPU_TYPE"].startswith("H100")
    assert running[bob["deployment_id"]].environment["GPU_TYPE"] == "L4"  # validated against his own replicas
    assert bob["outcome"]["measured"]["requests"] > 0
