"""The API's own defences: keys beyond localhost, per-key rate limits, body limits, closed CORS, private sessions."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from tests.api.conftest import ServerThread
from tests.cli.helpers import run_compass

ALICE = {"Authorization": "Bearer alice-key"}
BOB = {"X-API-Key": "bob-key"}
KEYS = "alice-key:alice,bob-key:bob"


def test_a_client_beyond_localhost_needs_a_key_even_with_none_configured(kb):
    # TestClient's peer address is "testclient", not loopback: exactly a remote caller
    with TestClient(create_app(kb=kb, api_settings=ApiSettings())) as c:
        r = c.get("/v1/sessions")
        assert r.status_code == 401 and "COMPASS_API_KEYS" in r.json()["error"]["message"]
        assert c.get("/healthz").status_code == 200  # the load balancer's probe needs no key


def test_the_server_refuses_to_listen_beyond_localhost_without_keys():
    for command in ("api", "serve"):
        r = run_compass(command, "--host", "0.0.0.0", env={"COMPASS_API_KEYS": ""})
        assert r.returncode == 2 and "without API keys" in r.stdout + r.stderr, command
        assert "Traceback" not in r.stdout + r.stderr


def test_rate_limit_is_per_key_and_says_when_to_retry(kb):
    with ServerThread(create_app(kb=kb, api_settings=ApiSettings(api_keys=KEYS, api_rate_per_minute=5))) as s, \
            httpx.Client(base_url=s.url, timeout=30) as c:
        codes = [c.get("/v1/sessions", headers=ALICE).status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        r = c.get("/v1/sessions", headers=ALICE)
        assert r.json()["error"]["type"] == "rate_limited" and int(r.headers["Retry-After"]) > 0
        assert c.get("/v1/sessions", headers=BOB).status_code == 200  # bob's budget is his own


def test_rate_limit_holds_across_processes_sharing_the_database(kb):
    """Two API processes (here: two apps) behind a load balancer share one budget per key."""
    settings = ApiSettings(api_keys=KEYS, api_rate_per_minute=4)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as a, \
            ServerThread(create_app(kb=kb, api_settings=settings)) as b, httpx.Client(timeout=30) as c:
        codes = [c.get(f"{(a, b)[i % 2].url}/v1/sessions", headers=ALICE).status_code for i in range(6)]
        assert codes == [200, 200, 200, 200, 429, 429]


def test_body_limit_and_cors_closed_by_default(kb):
    settings = ApiSettings(api_keys=KEYS, api_max_body_bytes=4096)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        sid = c.post("/v1/sessions", headers=ALICE).json()["id"]
        r = c.post(f"/v1/sessions/{sid}/messages", headers=ALICE, json={"text": "x" * 10_000})
        assert r.status_code == 413 and r.json()["error"]["type"] == "too_large"
        r = c.post(f"/v1/sessions/{sid}/messages", headers={**ALICE, "content-type": "application/json"},
                   content=iter([b'{"text": "', b"y" * 10_000, b'"}']))  # chunked: no Content-Length to trust
        assert r.status_code == 413
        preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization"}
        r = c.options("/v1/sessions", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
        r = c.get("/v1/sessions", headers={**ALICE, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


def test_cors_opens_only_to_the_configured_origins(kb):
    settings = ApiSettings(api_keys=KEYS, api_cors_origins="https://portal.example")
    with TestClient(create_app(kb=kb, api_settings=settings)) as c:
        ok = c.options("/v1/sessions", headers={"Origin": "https://portal.example",
                                                "Access-Control-Request-Method": "POST"})
        assert ok.headers.get("access-control-allow-origin") == "https://portal.example"
        bad = c.options("/v1/sessions", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in bad.headers


def test_one_user_cannot_read_resume_approve_or_delete_another_users_session(kb):
    with ServerThread(create_app(kb=kb, api_settings=ApiSettings(api_keys=KEYS, api_rate_per_minute=1000))) as s, \
            httpx.Client(base_url=s.url, timeout=120) as c:
        sid = c.post("/v1/sessions", headers=ALICE).json()["id"]
        c.post(f"/v1/sessions/{sid}/messages", headers=ALICE, json={"text": "support chatbot for 200 users"})
        r = c.post(f"/v1/sessions/{sid}/messages", headers=ALICE, json={"text": "deploy option 1"})
        assert r.json()["pending_approval"] is not None
        for method, path, body in [("GET", "", None), ("POST", "/messages", {"text": "hi"}),
                                   ("POST", "/approval", {"approve": True}), ("DELETE", "", None)]:
            r = c.request(method, f"/v1/sessions/{sid}{path}", headers=BOB, json=body)
            assert r.status_code == 404 and r.json()["error"]["type"] == "not_found", (method, path)
        view = c.get(f"/v1/sessions/{sid}", headers=ALICE).json()
        assert view["pending_approval"] is not None and len(view["messages"]) == 4  # untouched by bob


def _send_chunked_until_answered(url: str, path: str, total_bytes: int, chunk: int = 256 * 1024) -> tuple[int, bytes]:
    """POST a chunked body of ``total_bytes`` over a raw socket, stopping as soon as the server answers.
    Returns how many body bytes were sent by then and the start of the answer."""
    import select
    import socket
    from urllib.parse import urlparse

    where = urlparse(url)
    sent = 0
    with socket.create_connection((where.hostname, where.port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {where.hostname}\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n".encode())
        piece = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
        while sent < total_bytes:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break  # refused (or stalled: the answer below says which)
            sent += chunk
        answer = b""
        try:
            answer = sock.recv(4096)
        except (ConnectionResetError, TimeoutError):
            pass
    return sent, answer


def test_an_unauthenticated_chunked_body_is_cut_off_at_the_limit_not_read_whole(kb):
    """A huge chunked POST without a key is refused after about the limit, not read into memory whole first
    (1 GB took a server from 142 MB to 2.1 GB before the 413)."""
    settings = ApiSettings(api_keys=KEYS, api_max_body_bytes=1_000_000)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s:
        sent, answer = _send_chunked_until_answered(s.url, "/v1/plan", total_bytes=256 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 16 * 1024 * 1024, f"{sent} bytes were sent before the refusal"


def test_short_or_empty_keys_are_refused_beyond_localhost():
    for keys in ("x:alice", ":alice", "short-key:alice,0123456789abcdef:bob"):
        for command in ("api", "serve"):
            r = run_compass(command, "--host", "0.0.0.0", env={"COMPASS_API_KEYS": keys, "COMPASS_UI_USERS": "a:b"})
            out = r.stdout + r.stderr
            assert r.returncode == 2 and "16 characters" in out and "Traceback" not in out, (keys, command, out)


def test_failed_authentication_is_rate_limited_and_says_when_to_retry(kb):
    settings = ApiSettings(api_keys=KEYS, api_auth_failures_per_minute=5)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        codes = [c.get("/v1/sessions", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(8)]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
        r = c.get("/v1/sessions", headers=ALICE)  # guessing from this client is paused, even with a valid key
        assert r.status_code == 429 and r.json()["error"]["type"] == "rate_limited"
        assert 0 < int(r.headers["Retry-After"]) <= 60


def test_retry_after_counts_down_to_the_end_of_the_window(kb):
    import datetime as dt

    settings = ApiSettings(api_keys=KEYS, api_rate_per_minute=1)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        c.get("/v1/sessions", headers=ALICE)
        r = c.get("/v1/sessions", headers=ALICE)
        now = dt.datetime.now(dt.timezone.utc)
    assert r.status_code == 429
    left = 60 - now.second
    assert abs(int(r.headers["Retry-After"]) - left) <= 2, (r.headers["Retry-After"], left)


def test_bodies_json_cannot_hold_get_the_real_reason(kb):
    """A 5000-digit integer or 100,000-deep nesting was told to "send JSON encoded as UTF-8"."""
    settings = ApiSettings(api_keys=KEYS, api_rate_per_minute=1000)
    with ServerThread(create_app(kb=kb, api_settings=settings)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        headers = {**ALICE, "content-type": "application/json"}
        r = c.post("/v1/plan", headers=headers, content=b'{"spec": {"users": ' + b"7" * 5000 + b"}}")
        assert r.status_code in (400, 422) and "digits" in r.json()["error"]["message"], r.text
        r = c.post("/v1/plan", headers=headers, content=b"[" * 100_000 + b"]" * 100_000)
        assert r.status_code in (400, 422) and "nested" in r.json()["error"]["message"], r.text
        r = c.post("/v1/plan", headers=headers, content='{"spec": "café"}'.encode("latin-1"))
        assert r.status_code == 400 and "UTF-8" in r.json()["error"]["message"], r.text
