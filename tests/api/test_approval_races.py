"""Requests that race an approval are decided under the session lock (issue 15 item 4).

A message sent at the same moment as an approval is new input: it is answered (and kept) whichever runs
first, never dropped with an empty 200. Of an approval and a rejection sent together exactly one takes effect;
the other is told there is nothing left to decide (409), and what happened matches the one that won.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tools import deploy_path

NEED = "support chatbot for 200 users, only H100s, Llama 3.1 8B"
TRIALS = 3


def _at_the_approval_gate(c: httpx.Client) -> str:
    sid = c.post("/v1/sessions").json()["id"]
    c.post(f"/v1/sessions/{sid}/messages", json={"text": NEED}).raise_for_status()
    assert c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"}).json()["pending_approval"]
    return sid


def _together(*requests):
    """Send the requests at the same instant, each on its own connection."""
    start = threading.Barrier(len(requests))

    def send(request):
        method, url, body = request
        with httpx.Client(timeout=180) as c:
            start.wait()
            return c.request(method, url, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def _stop_all() -> None:
    target = deploy_path.local_target(["compass"])
    for dep in target.list():
        target.stop(dep.id)


@pytest.mark.slow
def test_a_message_racing_an_approval_is_never_lost(api_server, fast_local):
    with httpx.Client(base_url=api_server.url, timeout=180) as c:
        for trial in range(TRIALS):
            sid = _at_the_approval_gate(c)
            text = f"which GPU does option 1 use? (question {trial})"
            base = f"{api_server.url}/v1/sessions/{sid}"
            approval, message = _together(("POST", f"{base}/approval", {"approve": True}),
                                          ("POST", f"{base}/messages", {"text": text}))
            assert approval.status_code == 200 and message.status_code == 200, (approval.text, message.text)
            assert message.json()["reply"].strip(), f"trial {trial}: the message got an empty reply"
            detail = c.get(f"/v1/sessions/{sid}").json()
            assert text in [m["content"] for m in detail["messages"] if m["role"] == "user"], f"trial {trial}"
            assert detail["deployment"]["status"] == "validated", f"trial {trial}: {detail['deployment']['status']}"
            _stop_all()


@pytest.mark.slow
def test_approve_and_reject_together_one_wins_the_other_gets_409(api_server, fast_local):
    with httpx.Client(base_url=api_server.url, timeout=180) as c:
        for trial in range(TRIALS):
            sid = _at_the_approval_gate(c)
            base = f"{api_server.url}/v1/sessions/{sid}"
            approve, reject = _together(("POST", f"{base}/approval", {"approve": True}),  # streamed: 409 before SSE
                                        ("POST", f"{base}/approval?stream=true", {"approve": False}))
            assert sorted([approve.status_code, reject.status_code]) == [200, 409], (approve.text, reject.text)
            loser = approve if approve.status_code == 409 else reject
            assert loser.json()["error"]["type"] == "conflict"
            status = c.get(f"/v1/sessions/{sid}").json()["deployment"]["status"]
            running = deploy_path.local_target(["compass"]).list()
            if approve.status_code == 200:
                assert status == "validated" and len(running) == 1, f"trial {trial}"
            else:
                assert status == "rejected" and running == [], f"trial {trial}: rejected, yet {running}"
            _stop_all()
