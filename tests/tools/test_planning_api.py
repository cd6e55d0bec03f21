"""The planner through the API (a real server over a fresh database): the plan's explanations travel with it,
why-not answers a named alternative, bad questions get one clear line."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import ServerThread

SPEC = {"use_case": "chatbot_conversational", "users": 5000, "exclude_gpus": ["L4"]}


@pytest.fixture
def server(kb):
    from api.app import create_app
    from api.settings import ApiSettings

    with ServerThread(create_app(kb=kb, api_settings=ApiSettings(api_rate_per_minute=1000))) as s:
        yield s


def test_plan_carries_considered_binding_constraints_and_api_comparison(server):
    r = httpx.post(server.url + "/v1/plan", json={"spec": SPEC}, timeout=120)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["recommendations"][0]["sized_by"]["text"]
    assert any(c["status"] == "excluded" and c["gpu"] == "L4" for c in body["considered"])
    assert body["spec"]["price_tier"] == "on_demand"


def test_why_not_an_excluded_gpu_over_the_api(server):
    r = httpx.post(server.url + "/v1/plan/why-not", json={"spec": SPEC, "question": {"gpu": "L4"}}, timeout=120)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["excluded_by"] == "you excluded this GPU" and answer["recommendation"]["gpu"] == "L4"
    bad = httpx.post(server.url + "/v1/plan/why-not", json={"spec": SPEC, "question": {}}, timeout=60)
    # the schema allows an empty question; that it names nothing is a rule beyond it: 400 (api/errors.py)
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "bad_request" and "name an alternative" in bad.text
    unknown = httpx.post(server.url + "/v1/plan/why-not", json={"spec": SPEC, "question": {"gpu": "Z9000"}},
                         timeout=60)
    assert unknown.status_code in (400, 422) and "Unknown GPU" in unknown.text
