"""`langgraph dev` serves the graph from langgraph.json; a langgraph_sdk client runs a thread through approval."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

from tests.api.conftest import free_port
from tests.conftest import REPO
from k8s.local import LocalTarget

# next to this interpreter first: `make test` runs the venv's python without putting .venv/bin on PATH
_BESIDE = Path(sys.executable).parent / "langgraph"
LANGGRAPH = str(_BESIDE) if _BESIDE.exists() else shutil.which("langgraph")


@pytest.mark.skipif(LANGGRAPH is None, reason="langgraph-cli is not installed")
def test_langgraph_dev_round_trip_through_approval(fresh_db_url, tmp_path):
    port = free_port()
    env = {**os.environ, "COMPASS_DATABASE_URL": fresh_db_url, "LANGGRAPH_CLI_NO_ANALYTICS": "1",
           "COMPASS_LOCAL_TIME_SCALE": "5", "COMPASS_VALIDATE_DURATION_S": "10", "COMPASS_HOME": str(tmp_path)}
    log = open(tmp_path / "langgraph.log", "w")
    server = subprocess.Popen([LANGGRAPH, "dev", "--no-browser", "--no-reload", "--port", str(port)], cwd=REPO,
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(url + "/ok", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("langgraph dev did not start: " + (tmp_path / "langgraph.log").read_text()[-2000:])
        client = get_sync_client(url=url)
        thread = client.threads.create()["thread_id"]
        context = {"deploy_target": "local"}

        def say(text: str) -> dict:
            return client.runs.wait(thread, "compass", input={"messages": [{"role": "human", "content": text}]},
                                    context=context)

        state = say("support chatbot for 200 users, only H100s, Llama 3.1 8B")
        assert state["stage"] == "recommend" and state["plan"]["recommendations"]
        say("deploy option 1")
        snapshot = client.threads.get_state(thread)
        [pending] = snapshot["interrupts"]
        assert pending["value"]["type"] == "approval" and pending["value"]["option"] == 1
        final = client.runs.wait(thread, "compass", command={"resume": {"decision": "approve"}}, context=context)
        assert final["stage"] == "validate" and final["deployment"]["status"] == "validated"
        assert [t["name"] for t in final["tool_runs"]][-2:] == ["apply_manifests", "validate_deployment"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        target = LocalTarget(tmp_path, allowed_namespaces=["compass"])  # the server's COMPASS_HOME
        for dep in target.list():
            target.stop(dep.id)
        shutil.rmtree(REPO / ".langgraph_api", ignore_errors=True)
