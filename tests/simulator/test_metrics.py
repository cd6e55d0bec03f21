"""/metrics: vLLM's names and types, parsed by Prometheus' parser, moving while requests run."""

from __future__ import annotations

import time

import httpx

from tests.simulator.conftest import MODEL
from tests.simulator.helpers import metric_families, sample

EXPECTED = {
    "vllm:num_requests_running": "gauge", "vllm:num_requests_waiting": "gauge",
    "vllm:gpu_cache_usage_perc": "gauge", "vllm:kv_cache_usage_perc": "gauge",
    "vllm:prompt_tokens": "counter", "vllm:generation_tokens": "counter", "vllm:request_success": "counter",
    "vllm:num_preemptions": "counter",
    "vllm:time_to_first_token_seconds": "histogram", "vllm:time_per_output_token_seconds": "histogram",
    "vllm:inter_token_latency_seconds": "histogram", "vllm:e2e_request_latency_seconds": "histogram",
    "vllm:request_queue_time_seconds": "histogram", "vllm:request_prompt_tokens": "histogram",
    "vllm:request_generation_tokens": "histogram",
}


def test_names_types_and_labels(sim):
    families = metric_families(sim.url)
    for name, kind in EXPECTED.items():
        assert name in families, name
        assert families[name].type == kind, name
        assert all(s.labels["model_name"] == MODEL for s in families[name].samples)
    buckets = [s for s in families["vllm:time_to_first_token_seconds"].samples if s.name.endswith("_bucket")]
    assert buckets[-1].labels["le"] == "+Inf" and len(buckets) == 23  # vLLM's 22 bounds + Inf


def test_counters_and_histograms_move(sim, client):
    before = {n: sample(sim.url, n) for n in ("vllm:prompt_tokens_total", "vllm:generation_tokens_total",
                                               "vllm:time_to_first_token_seconds_count",
                                               "vllm:e2e_request_latency_seconds_count")}
    ok_before = sample(sim.url, "vllm:request_success_total", finished_reason="length")
    r = client.completions.create(model=MODEL, prompt="Tell me about batching", max_tokens=10)
    assert sample(sim.url, "vllm:prompt_tokens_total") - before["vllm:prompt_tokens_total"] >= r.usage.prompt_tokens
    assert sample(sim.url, "vllm:generation_tokens_total") - before["vllm:generation_tokens_total"] >= 10
    assert sample(sim.url, "vllm:time_to_first_token_seconds_count") > before["vllm:time_to_first_token_seconds_count"]
    assert sample(sim.url, "vllm:e2e_request_latency_seconds_count") > before["vllm:e2e_request_latency_seconds_count"]
    assert sample(sim.url, "vllm:request_success_total", finished_reason="length") > ok_before


def test_gauges_follow_running_requests(sim):
    """A long stream shows as running with KV cache in use; closing it aborts it and frees both."""
    aborted = sample(sim.url, "vllm:request_success_total", finished_reason="abort")
    body = {"model": MODEL, "prompt": "Explain caching " * 200, "max_tokens": 3000, "stream": True}
    with httpx.Client(timeout=30) as c, c.stream("POST", f"{sim.base_url}/completions", json=body) as r:
        lines = r.iter_lines()
        next(line for line in lines if line.startswith("data:"))
        assert sample(sim.url, "vllm:num_requests_running") >= 1
        assert sample(sim.url, "vllm:kv_cache_usage_perc") > 0
    deadline = time.monotonic() + 10
    while sample(sim.url, "vllm:num_requests_running") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sample(sim.url, "vllm:num_requests_running") == 0
    assert sample(sim.url, "vllm:request_success_total", finished_reason="abort") == aborted + 1


def test_content_type_is_prometheus_text(sim):
    assert httpx.get(f"{sim.url}/metrics").headers["content-type"].startswith("text/plain")
