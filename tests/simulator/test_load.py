"""Behaviour under load: latency grows with concurrency as the model predicts, a full queue is refused."""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
import pytest

from simulator.server import SimulatorConfig, resolve
from tests.simulator.conftest import MODEL, start
from tests.simulator.helpers import sample

openai = pytest.importorskip("openai")


async def _stream_times(client, model: str, prompt: str, max_tokens: int) -> tuple[float, float]:
    """(time to first token, mean gap between later tokens), wall seconds."""
    t0 = time.perf_counter()
    times = []
    stream = await client.completions.create(model=model, prompt=prompt, max_tokens=max_tokens, stream=True)
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].text:
            times.append(time.perf_counter())
    return times[0] - t0, (times[-1] - times[0]) / (len(times) - 1)


async def _run(server, n: int, prompt: str, max_tokens: int) -> list[tuple[float, float]]:
    model = server.setup.served_names[0]
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=120) as client:
        return await asyncio.gather(*(_stream_times(client, model, prompt, max_tokens) for _ in range(n)))


def test_latency_grows_with_concurrency():
    """32 concurrent requests see a longer first token and longer gaps than one alone, as the step-time model
    says (the prompts are long enough that 32 prefills queue behind each other)."""
    config = dict(model="meta-llama/Llama-3.1-70B-Instruct", gpu="H100", tensor_parallel=4, max_model_len=8192,
                  time_scale=4.0)
    setup = resolve(SimulatorConfig(**config))
    assert setup.step.iteration_ms([], [3000] * 32) > setup.step.iteration_ms([], [3000])  # the predicted direction
    server = start(**config)
    try:
        prompt = "Describe the history of the region in detail. " * 300  # ~2.7k tokens
        alone = asyncio.run(_run(server, 1, prompt, 40))
        before = (sample(server.url, "vllm:inter_token_latency_seconds_sum"),
                  sample(server.url, "vllm:inter_token_latency_seconds_count"))
        crowd = asyncio.run(_run(server, 32, prompt, 40))
        itl_crowd = ((sample(server.url, "vllm:inter_token_latency_seconds_sum") - before[0])
                     / (sample(server.url, "vllm:inter_token_latency_seconds_count") - before[1]))
    finally:
        server.stop()
    ttft_alone, itl_alone = alone[0]
    assert statistics.median(t for t, _ in crowd) > 2 * ttft_alone
    assert statistics.median(g for _, g in crowd) > itl_alone
    assert itl_crowd * 1e3 > setup.step.iteration_ms([], [2700])  # simulated seconds in the metrics


def test_queue_full_is_503():
    """One running (max_num_seqs=1), one waiting (max_waiting=1): the third request is refused."""
    server = start(max_num_seqs=1, max_waiting=1, time_scale=1.0)
    body = {"model": MODEL, "prompt": "Tell me a long story", "max_tokens": 2000, "stream": True}
    try:
        with httpx.Client(timeout=30) as c, c.stream("POST", f"{server.base_url}/completions", json=body) as first:
            assert first.status_code == 200
            deadline = time.monotonic() + 10
            while sample(server.url, "vllm:num_requests_running") < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            with c.stream("POST", f"{server.base_url}/completions", json=body) as second:
                assert second.status_code == 200
                refused = c.post(f"{server.base_url}/completions", json={**body, "stream": False})
                assert refused.status_code == 503
                assert refused.json()["error"]["type"] == "ServiceUnavailableError"
                assert refused.headers["retry-after"]
                # the second request reaches the scheduler's queue after its API-server delay (pending until then)
                deadline = time.monotonic() + 10
                while sample(server.url, "vllm:num_requests_waiting") < 1 and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert sample(server.url, "vllm:num_requests_waiting") == 1
                oa = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
                with pytest.raises(openai.InternalServerError) as err:
                    oa.completions.create(model=MODEL, prompt="hi", max_tokens=2)
                assert err.value.status_code == 503
    finally:
        server.stop()


def test_kv_cache_pressure_preempts():
    """More long sequences than the KV cache holds: vLLM preempts (and recomputes); every request still ends."""
    server = start(model="meta-llama/Llama-3.1-8B-Instruct", gpu="L4", max_model_len=8192, max_num_seqs=64,
                   time_scale=50.0)
    try:
        results = asyncio.run(_run(server, 24, "Analyse this contract clause by clause. " * 600, 400))
        assert len(results) == 24
        assert sample(server.url, "vllm:num_preemptions_total") > 0
        assert sample(server.url, "vllm:request_success_total", finished_reason="length") == 24
    finally:
        server.stop()
