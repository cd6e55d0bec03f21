"""POST /v1/predict through a real server: the benchmark replay (``protocol``), the vLLM settings that describe a
deployment, what an overloaded configuration says, and the requests no deployment of the model could serve."""

from __future__ import annotations

import httpx
import pytest

from knowledge.catalog import Catalog

BASE = {"model": "meta-llama/Llama-3.1-8B-Instruct", "gpu": "H100", "prompt_tokens": 1000, "output_tokens": 200}


def _predict(c: httpx.Client, **fields) -> dict:
    r = c.post("/v1/predict", json={**BASE, **fields})
    assert r.status_code == 200, r.text
    return r.json()


def _error(c: httpx.Client, **fields) -> str:
    r = c.post("/v1/predict", json={**BASE, **fields})
    assert r.status_code in (400, 422), r.text
    message = r.json()["error"]["message"]
    assert "\n" not in message.strip() and "Traceback" not in message
    return message


def test_predict_replays_a_benchmark_client_and_names_what_its_figures_describe(api_server):
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        steady = _predict(c, concurrency=8)
        assert steady["protocol"]["kind"] == "steady_state" and steady["protocol"]["benchmark"] is None
        assert "first request" in steady["protocol"]["description"]

        replay = _predict(c, concurrency=8, requests_per_user=3, length_spread=0.8)
        protocol = replay["protocol"]
        assert protocol["kind"] == "benchmark_replay"
        assert protocol["benchmark"] == {"requests_per_user": 3, "length_spread": 0.8}
        assert "8 users start together, 3 requests each" in protocol["description"]
        assert "prompts uniform in [800, 1000]" in protocol["description"]  # computed from L and the spread
        # a different run from the steady state (whose users, with identical lengths, stay in lock-step)
        assert replay["ttft_ms"]["mean"] != pytest.approx(steady["ttft_ms"]["mean"], rel=0.05)
        fixed = _predict(c, concurrency=8, requests_per_user=3)
        assert "1000-token prompts, 200-token outputs" in fixed["protocol"]["description"]
        assert replay["e2e_ms"]["mean"] < fixed["e2e_ms"]["mean"]  # lengths in [0.8 L, L]: 10% shorter on average

        assert "requests_per_user" in _error(c, rps=2, requests_per_user=3)
        assert "requests_per_user" in _error(c, concurrency=8, length_spread=0.8)
        assert "length_spread" in _error(c, concurrency=8, requests_per_user=3, length_spread=1.5)


def test_predict_takes_the_vllm_settings_of_the_deployment_described(api_server):
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        auto = _predict(c, concurrency=16)
        fp8 = _predict(c, concurrency=16, kv_cache_dtype="fp8")
        assert fp8["memory"]["kv_bytes_per_token"] == pytest.approx(auto["memory"]["kv_bytes_per_token"] / 2)
        assert fp8["memory"]["kv_capacity_tokens"] == pytest.approx(2 * auto["memory"]["kv_capacity_tokens"], rel=0.01)

        capped = _predict(c, concurrency=16, max_num_seqs=4)
        assert capped["max_concurrency"] == 4
        assert capped["ttft_ms"]["mean"] > auto["ttft_ms"]["mean"]  # 12 of 16 users wait for a slot

        alone = _predict(c, concurrency=1)
        chunked = _predict(c, concurrency=1, max_num_batched_tokens=64)  # a 1000-token prompt in 16 steps
        assert chunked["ttft_ms"]["mean"] > 2 * alone["ttft_ms"]["mean"]

        cached = _predict(c, concurrency=16, enable_prefix_caching=True, shared_prefix_tokens=800)
        assert cached["ttft_ms"]["mean"] < auto["ttft_ms"]["mean"]
        assert any(n.startswith("prefix caching: a shared 800-token prompt prefix") for n in cached["notes"])
        ignored = _predict(c, concurrency=16, shared_prefix_tokens=800)  # without prefix caching, recomputed
        assert ignored["ttft_ms"]["mean"] == pytest.approx(auto["ttft_ms"]["mean"])

        assert "max_model_len" in _error(c, concurrency=16, max_model_len=1024)
        assert "shared_prefix_tokens" in _error(c, concurrency=16, shared_prefix_tokens=1000)
        assert "kv_cache_dtype" in _error(c, concurrency=16, kv_cache_dtype="int3")


def test_an_overloaded_configuration_says_what_it_sustains(api_server):
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        light = _predict(c, rps=1, max_model_len=2048)
        assert not any(n.startswith("overloaded") for n in light["notes"])
        heavy = _predict(c, rps=200, max_model_len=2048)
        note = next(n for n in heavy["notes"] if n.startswith("overloaded: sustains at most "))
        sustained = float(note.removeprefix("overloaded: sustains at most ").split(" ")[0])
        assert 0 < sustained < 200 and "200 req/s offered" in note
        assert heavy["throughput"]["requests_per_s"] == pytest.approx(sustained, rel=0.01)


def test_predict_takes_the_vllm_release_the_deployment_runs(api_server):
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        today = _predict(c, concurrency=8)
        old = _predict(c, concurrency=8, vllm_version="0.11.2")  # before async scheduling became the default
        new = _predict(c, concurrency=8, vllm_version="0.18.0")
        assert new["itl_ms"]["mean"] == pytest.approx(today["itl_ms"]["mean"])
        assert old["itl_ms"]["mean"] > new["itl_ms"]["mean"]  # the per-step CPU work adds to every step
        assert any(n.startswith("vLLM 0.11.2: synchronous scheduling") for n in old["notes"])
        assert any(n.startswith("vLLM 0.18.0: async scheduling") for n in new["notes"])
        assert not any(n.startswith("vLLM ") for n in today["notes"])
        assert "is not a vLLM version" in _error(c, concurrency=8, vllm_version="banana")
        assert "predates the V1 engine" in _error(c, concurrency=8, vllm_version="0.5.4")


def test_predict_refuses_requests_longer_than_the_context_window(api_server):
    """Prompt + output past the model's context: a 400 naming the limit and the lengths, not a simulated overload."""
    context = Catalog.from_files().resolve_model(BASE["model"]).card.architecture.max_context
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        r = c.post("/v1/predict", json={**BASE, "prompt_tokens": context, "output_tokens": 1, "concurrency": 4})
        assert r.status_code == 400, r.text
        message = r.json()["error"]["message"]
        assert "\n" not in message.strip() and "overloaded" not in message
        assert f"({context:,} + 1 = {context + 1:,})" in message
        assert f"context window of {BASE['model']} ({context:,} tokens)" in message
        # a user-set max_model_len above the context does not let it through
        r = c.post("/v1/predict", json={**BASE, "prompt_tokens": context, "output_tokens": 1, "concurrency": 4,
                                         "max_model_len": 2 * context})
        assert r.status_code == 400 and f"({context:,} tokens)" in r.json()["error"]["message"], r.text


def test_predict_refuses_a_tensor_parallel_size_vllm_would_refuse(api_server):
    """Not latencies for a deployment that cannot start: one line naming the valid sizes (400)."""
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        for tp, why in ((3, "divide the model's 32 attention heads"), (16, "node has 8 GPUs")):
            r = c.post("/v1/predict", json={**BASE, "tp": tp, "rps": 1})
            assert r.status_code == 400, r.text
            message = r.json()["error"]["message"]
            assert "\n" not in message and why in message and message.endswith("valid sizes: 1, 2, 4, 8")


def test_a_configuration_that_does_not_fit_says_what_is_missing_without_negative_memory(api_server):
    """The contract's own field (fits: false, latencies null) and one sentence: by how much, and what would fit."""
    with httpx.Client(base_url=api_server.url, timeout=120) as c:
        body = _predict(c, model="meta-llama/Llama-3.1-405B-Instruct", gpu="L4", rps=1)
        assert body["fits"] is False and body["ttft_ms"] is None and body["throughput"] is None
        assert all(v >= 0 for v in body["memory"].values()) and body["memory"]["kv_cache_gb"] == 0
        (note,) = body["notes"]
        assert "GB per GPU short" in note and "the fewest GPUs that would: " in note
