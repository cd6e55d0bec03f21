"""Benchmark-protocol replay, the vLLM settings a user can describe, and a shared prefix under prefix caching."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from knowledge.catalog import Catalog
from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from knowledge.domain.prediction import BenchmarkProtocol
from simulator.perf import predict, simulate
from tools.operations import PredictRequest

CAT = Catalog.from_files()
CFG = ServingConfig(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="H100-SXM",
                    max_model_len=4096)
LOAD = Load(kind=LoadKind.CONCURRENCY, value=32, prompt_tokens=2000, output_tokens=200)


def test_replay_is_named_and_described_from_its_numbers():
    replay = predict(CFG, LOAD, CAT, protocol=BenchmarkProtocol(requests_per_user=4, length_spread=0.5))
    steady = predict(CFG, LOAD, CAT)
    assert replay.protocol.kind == "benchmark_replay" and replay.protocol.benchmark.requests_per_user == 4
    assert "32 users start together, 4 requests each" in replay.protocol.description
    assert "prompts uniform in [1000, 2000]" in replay.protocol.description
    assert steady.protocol.kind == "steady_state" and steady.protocol.benchmark is None
    # all users arrive at once: the first wave queues behind 32 prefills, which the steady state drops
    assert replay.ttft_ms.p99 > steady.ttft_ms.p99


def test_replay_lengths_are_uniform_between_spread_and_L():
    sim = simulate(CFG, LOAD, CAT, protocol=BenchmarkProtocol(requests_per_user=10, length_spread=0.5))
    out = sim.output_tokens
    assert len(out) == 320 and out.min() >= 100 and out.max() <= 200
    assert np.mean(out) == pytest.approx(150, rel=0.05)


def test_replay_needs_a_closed_loop():
    with pytest.raises(ValueError, match="closed loop"):
        simulate(CFG, LOAD.model_copy(update={"kind": LoadKind.RPS, "value": 2.0}), CAT,
                 protocol=BenchmarkProtocol(requests_per_user=2))


def test_shared_prefix_under_prefix_caching_is_computed_once():
    base = predict(CFG, LOAD, CAT)
    cached = predict(CFG, LOAD, CAT, cached_prefix_tokens=1800)
    assert cached.ttft_ms.mean < 0.6 * base.ttft_ms.mean
    assert any(n.startswith("prefix caching: a shared 1800-token prompt prefix") for n in cached.notes)


@pytest.mark.parametrize("fields, message", [
    ({"rps": 2.0, "requests_per_user": 3}, "closed-loop benchmark"),
    ({"concurrency": 4, "length_spread": 0.8}, "give requests_per_user too"),
    ({"concurrency": 4, "shared_prefix_tokens": 600}, "shorter than the prompt"),
    ({"concurrency": 4, "max_model_len": 700}, "exceed max_model_len"),
    ({"concurrency": 4, "kv_cache_dtype": "fp9"}, "'auto' or 'fp8'"),
    ({"concurrency": 4, "length_spread": 1.5, "requests_per_user": 2}, "less than or equal to 1"),
])
def test_predict_request_rejects_what_vllm_or_the_protocol_cannot_mean(fields, message):
    with pytest.raises(ValidationError, match=message):
        PredictRequest(model="meta-llama/Llama-3.1-8B-Instruct", gpu="H100", prompt_tokens=500, output_tokens=300,
                       **fields)


def test_predict_request_carries_the_vllm_settings_and_protocol():
    req = PredictRequest(model="m", gpu="g", prompt_tokens=500, output_tokens=300, concurrency=8,
                         requests_per_user=5, length_spread=0.8, max_num_batched_tokens=2048, kv_cache_dtype="fp8")
    assert req.protocol == BenchmarkProtocol(requests_per_user=5, length_spread=0.8)
    assert PredictRequest(model="m", gpu="g", prompt_tokens=5, output_tokens=3, rps=1).protocol is None
