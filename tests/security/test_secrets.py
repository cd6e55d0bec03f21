"""Secrets never leak: a full flow through the API to a (double) cluster, then every output is grepped.

Canaries: the Hugging Face token (HF_TOKEN in the environment, and pasted into a chat message), the kubeconfig's
bearer token, the database password of a URL a user pasted, and the API key. Grepped afterwards: the logs at
DEBUG, every API response body, the manifests sent to the cluster, the rendered YAML shown to the user, and
every row of every table in the database (checkpoints, sessions, knowledge base) as text and bytes.
"""

from __future__ import annotations

import httpx
import psycopg
import pytest
from psycopg import sql

from agent.config import AgentSettings
from api.app import create_app
from api.settings import ApiSettings
from knowledge.logs import configure_logging
from tests.api.conftest import ServerThread
from tests.k8s.api_double import KubernetesApiDouble

HF_TOKEN = "hf_CanaryHuggingFaceToken0123456789abcd"
KUBE_TOKEN = "kube-canary-bearer-token-0123456789"
API_KEY = "sk-canary-compass-api-key-0123456789"
DB_PASSWORD = "canary-db-password-42"
CANARIES = [HF_TOKEN, KUBE_TOKEN, API_KEY, DB_PASSWORD]


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [c for c in CANARIES if c.encode() in data]


def _every_row(url: str) -> bytes:
    """Every value of every table of the public schema, as text (bytea as its raw bytes)."""
    out = bytearray()
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        for table in tables:
            for row in conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))):
                for value in row:
                    out += value if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    out += b"\n"
    assert len(tables) >= 8, tables  # checkpoints, checkpoint_blobs, checkpoint_writes, sessions, kb tables...
    return bytes(out)


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    with KubernetesApiDouble(token=KUBE_TOKEN) as api:
        api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "compass"}})
        monkeypatch.setenv("KUBECONFIG", api.kubeconfig(str(tmp_path / "kubeconfig")))
        yield api


@pytest.fixture
def debug_logs(monkeypatch):
    """Every process log at DEBUG for this test, and back to quiet defaults after it (logging is global)."""
    monkeypatch.setenv("COMPASS_LOG_LEVEL", "DEBUG")
    configure_logging("DEBUG")
    yield
    monkeypatch.delenv("COMPASS_LOG_LEVEL")
    configure_logging("WARNING")  # as tests/conftest.py left it


def test_no_secret_in_logs_responses_manifests_or_database(kb, fresh_db_url, cluster, monkeypatch, capfd,
                                                           debug_logs):
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    monkeypatch.setenv("COMPASS_VALIDATE_DURATION_S", "2")
    app = create_app(kb=kb, api_settings=ApiSettings(api_keys=f"{API_KEY}:alice", api_rate_per_minute=1000),
                     agent_settings=AgentSettings(deploy_target="kserve", allowed_namespaces="compass"))
    bodies: list[str] = []
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=120,
                                                   headers={"Authorization": f"Bearer {API_KEY}"}) as c:
        def call(method: str, path: str, **kw) -> dict:
            r = c.request(method, path, **kw)
            bodies.append(r.text)
            assert r.status_code < 500, r.text
            return r.json() if r.content else {}

        sid = call("POST", "/v1/sessions")["id"]
        call("POST", f"/v1/sessions/{sid}/messages", json={"text": "support chatbot for 300 users, only H100s"})
        r = call("POST", f"/v1/sessions/{sid}/messages",
                 json={"text": f"our HF token is {HF_TOKEN} and the db is "
                               f"postgresql://app:{DB_PASSWORD}@db.internal/app, use them"})
        assert any("removed what looks like a credential" in e["data"].get("message", "") for e in r["events"])
        call("POST", f"/v1/sessions/{sid}/messages", json={"text": "show the YAML for option 1"})
        r = call("POST", f"/v1/sessions/{sid}/messages", json={"text": "deploy option 1"})
        assert r["pending_approval"] is not None, r["reply"]
        call("POST", f"/v1/sessions/{sid}/approval", json={"approve": True})
        deployment = call("GET", f"/v1/sessions/{sid}")["deployment"]
        assert deployment["status"] in ("applied", "validated"), deployment
        call("GET", "/v1/sessions")

    sent = cluster.objects()
    assert any(o["kind"] == "InferenceService" for o in sent)  # the flow really reached the cluster
    manifests = "\n".join(map(str, sent))
    assert "secretKeyRef" in manifests  # the token is referenced, never inlined
    logs = capfd.readouterr()
    assert "tool_run" in logs.err and "deploy_apply" in logs.err  # the structured logs were written and captured
    found = {
        "logs": _leaks(logs.out + logs.err),
        "api responses": _leaks("\n".join(bodies)),
        "manifests": _leaks(manifests),
        "database": _leaks(_every_row(fresh_db_url)),
    }
    assert found == {"logs": [], "api responses": [], "manifests": [], "database": []}


# Credential shapes the first redaction missed (issue 15 item 12): AWS key pairs, `password: ...` and short keys.
MORE_SECRETS = {
    "aws key id": "AKIAIOSFODNN7CANARY1",
    "aws secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY1",
    "password value": "hunter2-canary",
    "short sk- key": "sk-c4nary9",
}
PASTES = [
    f"our AWS creds: {MORE_SECRETS['aws key id']} / {MORE_SECRETS['aws secret']}",
    f"aws_access_key_id = {MORE_SECRETS['aws key id']}\naws_secret_access_key = {MORE_SECRETS['aws secret']}",
    f"db user: compass\npassword: {MORE_SECRETS['password value']}",
    f'{{"password": "{MORE_SECRETS["password value"]}"}}',
    f"PASSWORD={MORE_SECRETS['password value']} and the key is {MORE_SECRETS['short sk- key']}",
]


@pytest.mark.parametrize("text", PASTES)
def test_more_credential_shapes_are_redacted(text):
    from knowledge.secrets import redact

    cleaned = redact(text)
    assert not [name for name, value in MORE_SECRETS.items() if value in cleaned], cleaned
    assert "[redacted]" in cleaned


def test_ordinary_words_are_not_taken_for_credentials():
    from knowledge.secrets import redact

    for text in ("we use sk-learn for the classifier", "the password policy needs SSO",
                 "commit 3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a", "I forgot my password: can you help?",
                 "support chatbot for 5000 users, p95 under 2 s"):
        assert redact(text) == text, text


def test_pasted_aws_keys_and_passwords_are_neither_stored_nor_echoed(service, session, kb):
    text = "support chatbot for 300 users. " + " ".join(PASTES)
    r = service.turn(session, "alice", text)
    shown = r.model_dump_json() + service.view(session, "alice").model_dump_json()
    stored = _every_row(kb.db.url)
    for name, value in MORE_SECRETS.items():
        assert value not in shown, f"{name} echoed"
        assert value.encode() not in stored, f"{name} stored"
