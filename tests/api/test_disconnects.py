"""A client that drops its connection never loses what it started (issue 15 item 1).

An approval streamed over SSE starts an apply and a validation that take many seconds. Whatever moment the
client goes away (a closed laptop, a proxy timeout), the approved step runs to completion on the server and is
recorded: the session ends ``validated`` with its deployment id, and the next message is answered on top of
that, not on top of an older checkpoint.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.deploy.test_crash_recovery import _events
from tools import deploy_path

NEED = "support chatbot for 200 users, only H100s, Llama 3.1 8B"


def _wait_for_status(c: httpx.Client, sid: str, status: str, timeout_s: float = 150) -> dict:
    deadline = time.monotonic() + timeout_s
    detail = {}
    while time.monotonic() < deadline:
        detail = c.get(f"/v1/sessions/{sid}").json()
        if (detail.get("deployment") or {}).get("status") == status:
            return detail
        time.sleep(0.5)
    raise AssertionError(f"the session never reached {status!r}: {detail.get('deployment')}")


@pytest.mark.slow
@pytest.mark.parametrize("drop_at", ["starting replica", "load test:"])
def test_an_approval_whose_client_disconnects_still_finishes_and_is_recorded(api_server, fast_local, drop_at):
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        sid = c.post("/v1/sessions").json()["id"]
        c.post(f"/v1/sessions/{sid}/messages", json={"text": NEED}).raise_for_status()
        assert c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"}).json()["pending_approval"]

        with httpx.Client(base_url=api_server.url, timeout=120) as dropped:
            with dropped.stream("POST", f"/v1/sessions/{sid}/approval?stream=true", json={"approve": True}) as s:
                for name, data in _events(s):
                    if name == "progress" and data.get("message", "").startswith(drop_at):
                        break  # leaving the block closes the connection mid-stream
                else:
                    pytest.fail(f"the approval stream ended before {drop_at!r}")

        done = _wait_for_status(c, sid, "validated")
        [running] = deploy_path.local_target(["compass"]).list()
        assert done["deployment"]["deployment_id"] == running.id
        assert done["pending_approval"] is None and done["tools"].count("apply_manifests") == 1

        r = c.post(f"/v1/sessions/{sid}/messages", json={"text": "is it up?"})
        assert r.status_code == 200
        after = c.get(f"/v1/sessions/{sid}").json()
        assert after["deployment"]["status"] == "validated"  # not rolled back to an older checkpoint
        assert after["deployment"]["deployment_id"] == running.id
        assert after["tools"].count("apply_manifests") == 1
        assert [d.id for d in deploy_path.local_target(["compass"]).list()] == [running.id]
