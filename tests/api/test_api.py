"""The REST API through a real server: sessions, JSON and SSE turns, stateless planning, errors."""

from __future__ import annotations

import json

import httpx


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1].strip())))
    return events


def test_session_lifecycle_with_json_and_sse_turns(api_server):
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        sid = c.post("/v1/sessions", json={"title": "support bot"}).json()["id"]
        r = c.post(f"/v1/sessions/{sid}/messages", json={"text": "support chatbot for 3000 employees"})
        assert r.status_code == 200 and r.json()["stage"] == "recommend" and "| 1" in r.json()["reply"]
        with c.stream("POST", f"/v1/sessions/{sid}/messages?stream=true", json={"text": "what if traffic doubles?"}) as s:
            assert s.headers["content-type"].startswith("text/event-stream")
            events = sse_events(s)
        names = [n for n, _ in events]
        assert "step" in names and "token" in names and names[-1] == "done"
        assert any(d.get("name") == "compare_whatif" for n, d in events if n == "step")
        detail = c.get(f"/v1/sessions/{sid}").json()
        assert detail["stage"] == "explore" and detail["spec"]["users"] == 3000
        assert "plan_capacity" in detail["tools"] and len(detail["messages"]) == 4
        assert [s["id"] for s in c.get("/v1/sessions").json()] == [sid]
        assert c.post(f"/v1/sessions/{sid}/approval", json={"approve": True}).status_code == 409
        assert c.delete(f"/v1/sessions/{sid}").status_code == 204
        assert c.get(f"/v1/sessions/{sid}").status_code == 404


def test_stateless_endpoints_and_catalog(api_server):
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        plan = c.post("/v1/plan", json={"spec": {"use_case": "code_completion", "users": 300}}).json()
        assert plan["recommendations"][0]["meets_slos"] is True
        assert plan["spec"]["sources"]["users"]["origin"] == "stated"
        pred = c.post("/v1/predict", json={"model": "meta-llama/Llama-3.1-8B-Instruct", "gpu": "H100",
                                           "prompt_tokens": 512, "output_tokens": 128, "rps": 2}).json()
        assert {"ttft_ms", "itl_ms", "e2e_ms", "throughput", "fits", "memory", "max_concurrency",
                "provenance", "notes"} <= set(pred)
        cmp = c.post("/v1/whatif", json={"spec": {"use_case": "chatbot_conversational", "users": 1000},
                                         "variants": [{"label": "x2", "changes": {"traffic": "2x"}}]}).json()
        assert cmp["variants"][0]["deltas"]["gpus"] >= 0
        assert len(c.get("/v1/models").json()) >= 30 and len(c.get("/v1/usecases").json()) == 9
        assert any(g["name"] == "L4" for g in c.get("/v1/gpus").json())
        assert c.get("/v1/kb/health").json()["counts"]["gpus"] >= 10


def test_bad_input_gets_clear_errors(api_server):
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        r = c.post("/v1/predict", json={"model": "nope/model", "gpu": "H100", "prompt_tokens": 5,
                                        "output_tokens": 5, "rps": 1})
        assert r.status_code == 400 and "Unknown model" in r.json()["error"]["message"]
        r = c.post("/v1/predict", json={"model": "microsoft/phi-4", "gpu": "L4", "prompt_tokens": -5,
                                        "output_tokens": 5})
        assert r.status_code == 422 and "prompt_tokens" in r.json()["error"]["message"]
        r = c.post("/v1/plan", json={"spec": {"users": 100}})
        assert r.status_code == 400 and "use case" in r.json()["error"]["message"]
        r = c.post("/v1/sessions/not-a-uuid/messages", json={"text": "hi"})
        assert r.status_code == 404
        r = c.post("/v1/plan", content=b"{" * 10, headers={"content-type": "application/json"})
        assert r.status_code == 422
        r = c.post("/v1/plan", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_keys_required_and_sessions_private(keyed_server):
    with httpx.Client(base_url=keyed_server.url, timeout=60) as c:
        assert c.get("/v1/sessions").status_code == 401
        assert c.get("/v1/sessions", headers={"Authorization": "Bearer wrong"}).status_code == 401
        alice = {"Authorization": "Bearer alice-key"}
        bob = {"X-API-Key": "bob-key"}
        sid = c.post("/v1/sessions", headers=alice).json()["id"]
        assert c.get(f"/v1/sessions/{sid}", headers=alice).status_code == 200
        assert c.get(f"/v1/sessions/{sid}", headers=bob).status_code == 404
        assert c.post(f"/v1/sessions/{sid}/messages", headers=bob, json={"text": "deploy option 1"}).status_code == 404
        assert c.get("/v1/sessions", headers=bob).json() == []
