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
        by_label = c.post("/v1/plan", json={"spec": {"use_case": "code completion", "users": 300}})
        assert by_label.status_code == 200, by_label.text  # the catalog's short name, as the CLI takes it
        assert by_label.json()["spec"]["use_case"] == "code_completion"
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
        r = c.post("/v1/plan", json={"spec": {"use_case": "chatbot", "users": 5000, "rps": 20}})
        assert r.status_code == 400 and "users ignored" in r.json()["error"]["message"]
        r = c.post("/v1/sessions/not-a-uuid/messages", json={"text": "hi"})
        assert r.status_code == 404
        for body, reason in ((b"{" * 10, "Expecting property name"), (b"users=5", "Expecting value")):
            r = c.post("/v1/plan", content=body, headers={"content-type": "application/json"})
            error = r.json()["error"]
            assert r.status_code == 400 and error["type"] == "bad_request", r.text
            assert error["message"].startswith("The body is not valid JSON: ") and reason in error["message"], r.text
        # one rule: invalid_request is always 422 (the schema), bad_request always 400 (not servable as asked)
        r = c.post("/v1/plan", json={"spec": {"use_case": "chatbot", "users": "many"}})
        assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_request", r.text
        predict = {"model": "microsoft/phi-4", "gpu": "L4", "prompt_tokens": 500, "output_tokens": 50}
        for beyond_schema in ({"rps": 1, "vllm_version": "banana"}, {"concurrency": 0.5}):  # the schema allows them
            r = c.post("/v1/predict", json={**predict, **beyond_schema})
            assert r.status_code == 400 and r.json()["error"]["type"] == "bad_request", r.text
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


def test_text_that_is_not_unicode_and_non_ascii_keys_get_clear_errors_not_500(kb):
    """Lone UTF-16 surrogates (JSON lets a client write "\\ud800") in any string, and API keys with non-ASCII
    characters, were answered with 500 on every route."""
    from api.app import create_app
    from api.settings import ApiSettings
    from tests.api.conftest import ServerThread

    settings = ApiSettings(api_keys="k0123456789abcdef:alice,clé-0123456789abcdef:bob", api_rate_per_minute=1000)
    key = {"X-API-Key": "k0123456789abcdef"}
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        for value in ("café".encode(), "clé-0123456789abcdef".encode("latin-1"), b"\xff\xfe"):
            r = c.get("/v1/models", headers={"X-API-Key": value})
            assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized", (value, r.text)
        assert c.get("/v1/models", headers={"X-API-Key": "clé-0123456789abcdef".encode()}).status_code == 200
        sid = c.post("/v1/sessions", headers=key).json()["id"]
        bodies = [
            ("/v1/predict", '{"model": "\\ud800", "gpu": "H100", "prompt_tokens": 5, "output_tokens": 5, "rps": 1}',
             "model"),
            ("/v1/predict", '{"model": "microsoft/phi-4", "gpu": "L4\\udfff", "prompt_tokens": 5, "output_tokens": 5,'
                            ' "rps": 1}', "gpu"),
            ("/v1/plan", '{"spec": {"use_case": "chatbot_conversational", "users": 100, "gpus": ["\\ud800"]}}',
             "spec.gpus.0"),
            ("/v1/plan", '{"spec": {"use_case": "chatbot_conversational", "users": 100, "models": ["x\\udc00y"]}}',
             "spec.models.0"),
            ("/v1/whatif", '{"spec": {"use_case": "chatbot_conversational", "users": 100}, "variants": '
                           '[{"label": "\\ud800", "changes": {"traffic": "2x"}}]}', "variants.0.label"),
            (f"/v1/sessions/{sid}/messages", '{"text": "hello \\ud83d"}', "text"),
        ]
        for path, body, where in bodies:
            r = c.post(path, headers={**key, "content-type": "application/json"}, content=body.encode())
            assert r.status_code == 422, (path, r.status_code, r.text)
            message = r.json()["error"]["message"]
            assert where in message and "Unicode" in message and "\n" not in message, message
        # a real pair of surrogates is ordinary text (an emoji)
        r = c.post(f"/v1/sessions/{sid}/messages", headers={**key, "content-type": "application/json"},
                   content=b'{"text": "support chatbot for 300 users \\ud83d\\ude00"}')
        assert r.status_code == 200


def test_a_prediction_with_no_latency_to_report_says_why_instead_of_null_percentiles(api_server):
    """Huge loads used to answer 200 with null percentiles: a number the schema promises, silently missing."""
    model = "meta-llama/Llama-3.1-8B-Instruct"
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        for load in ({"prompt_tokens": 120_000, "output_tokens": 10_000, "rps": 10},
                     {"prompt_tokens": 100_000, "output_tokens": 20_000, "rps": 1_000_000}):
            r = c.post("/v1/predict", json={"model": model, "gpu": "H100", **load})
            if r.status_code == 200:
                stats = [r.json()[k] for k in ("ttft_ms", "itl_ms", "e2e_ms")]
                assert all(s is None or None not in s.values() for s in stats), r.text[:300]
            else:
                assert r.status_code == 400, r.text
                message = r.json()["error"]["message"]
                assert "sustains at most" in message and "\n" not in message, message


def test_an_approval_takes_a_json_boolean_only(api_server):
    """`1`, "on", "y", "true" approved a deployment; only true or false decides."""
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        sid = c.post("/v1/sessions").json()["id"]
        for value in (1, 0, "on", "y", "true", "yes", None):
            r = c.post(f"/v1/sessions/{sid}/approval", json={"approve": value})
            assert r.status_code == 422 and "approve" in r.json()["error"]["message"], (value, r.text)
        assert c.post(f"/v1/sessions/{sid}/approval", json={"approve": True}).status_code == 409  # a real decision


def test_deleting_a_session_during_a_turn_removes_everything_and_stops_the_rest_of_it(api_server, kb, fast_local):
    """A delete while an approved deployment applies waits for the step in progress, runs no further step
    (no validation), and leaves nothing of the conversation behind (a paste included)."""
    import threading

    import psycopg

    paste = "support chatbot for 200 users, only H100s, Llama 3.1 8B. Notes: canary-paste-7f3e9b"
    with httpx.Client(base_url=api_server.url, timeout=180) as c:
        sid = c.post("/v1/sessions").json()["id"]
        c.post(f"/v1/sessions/{sid}/messages", json={"text": paste}).raise_for_status()
        assert c.post(f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"}).json()["pending_approval"]
        approval: dict = {}
        worker = threading.Thread(target=lambda: approval.update(
            r=c.post(f"/v1/sessions/{sid}/approval", json={"approve": True})))
        worker.start()
        with httpx.Client(base_url=api_server.url, timeout=180) as other:
            while True:  # delete once the apply is under way
                running = other.get(f"/v1/sessions/{sid}").json()["deployment"]["status"]
                if running != "awaiting_approval":
                    break
            assert other.delete(f"/v1/sessions/{sid}").status_code == 204
            assert other.get(f"/v1/sessions/{sid}").status_code == 404
        worker.join(180)
    with psycopg.connect(kb.db.url) as conn:
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes", "checkpoint_contents"):
            left = conn.execute(f"SELECT count(*) FROM {table} WHERE thread_id = %s", (sid,)).fetchone()[0]  # noqa: S608
            assert left == 0, f"{left} rows of the deleted session in {table}"
        dump = b"".join(bytes(r[0]) for r in conn.execute("SELECT blob FROM checkpoint_blobs WHERE blob IS NOT NULL"))
        dump += "".join(r[0] for r in conn.execute("SELECT content FROM checkpoint_contents")).encode()
        assert b"canary-paste-7f3e9b" not in dump
    assert kb.status().counts["deployment_outcomes"] == 0  # validation, the step after the apply, never ran


def test_on_a_single_user_install_the_api_and_the_terminal_are_the_same_local_user(api_server, kb):
    """No API keys, no UI logins: a session made through the API is the terminal's too (README: any process can
    continue any session), and the other way round."""
    import json

    from agent.config import AgentSettings
    from tests.cli.helpers import run_compass

    env = {"COMPASS_DATABASE_URL": kb.db.url}
    with httpx.Client(base_url=api_server.url, timeout=60) as c:
        sid = c.post("/v1/sessions").json()["id"]
        shown = run_compass("sessions", "show", sid, "--json", env=env)
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["session"]["id"] == sid
        from agent.session_service import AgentService

        service = AgentService(kb)  # what `compass chat` does, as the terminal's user
        try:
            terminal = str(service.create_session(AgentSettings().local_user, "from the terminal").id)
        finally:
            service.close()
        assert c.get(f"/v1/sessions/{terminal}").status_code == 200
        assert {sid, terminal} <= {s["id"] for s in c.get("/v1/sessions").json()}


def test_sessions_the_keyless_api_saved_as_local_become_the_local_users_and_not_with_keys(kb):
    """Before the API without keys answered as the local user it saved its sessions as 'local'; they are handed
    to the local user when such an API starts. With keys 'local' may be a key's user, so nothing moves."""
    from agent.config import AgentSettings
    from agent.session_service import AgentService
    from api.app import create_app
    from api.settings import ApiSettings
    from tests.api.conftest import ServerThread

    service = AgentService(kb)
    try:
        old = service.create_session("local", "saved before the upgrade").id
        keyed = ApiSettings(api_keys="k:local", api_rate_per_minute=1000)
        with ServerThread(create_app(kb=kb, api_settings=keyed, agent_settings=AgentSettings(user="alice"))):
            pass
        assert [s.id for s in service.list_sessions("local")] == [old]
        keyless = ApiSettings(api_rate_per_minute=1000)
        with ServerThread(create_app(kb=kb, api_settings=keyless, agent_settings=AgentSettings(user="alice"))) as server:
            with httpx.Client(base_url=server.url, timeout=60) as c:
                assert [s["id"] for s in c.get("/v1/sessions").json()] == [str(old)]
        assert service.list_sessions("local") == [] and [s.id for s in service.list_sessions("alice")] == [old]
    finally:
        service.close()


def test_with_api_keys_sessions_stay_per_owner_and_the_miss_says_whose_were_searched(keyed_server):
    alice, bob = {"X-API-Key": "alice-key"}, {"X-API-Key": "bob-key"}
    with httpx.Client(base_url=keyed_server.url, timeout=60) as c:
        sid = c.post("/v1/sessions", headers=alice).json()["id"]
        r = c.get(f"/v1/sessions/{sid}", headers=bob)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["message"] == f"No session '{sid}' among the sessions of user 'bob'."
        assert c.get(f"/v1/sessions/{sid}", headers=alice).status_code == 200
