"""The load simulation: queueing theory, determinism, event skipping and the closed-loop approximation."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from simulator.perf.calibration_data import REQUESTS_PER_USER, uniform_load
from simulator.perf.closedloop import closed_loop
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf import offline_clock
from simulator.perf.offline_clock import EngineLimits, run_engine
from simulator.perf.loadsim import config_parts, engine_limits, simulate
from simulator.perf.workload import interarrival_times, lognormal_sigma, sample_lengths
from tests.simulator.perf.catalog_fixture import fixture_catalog

CAT = fixture_catalog()
C = EngineCoefficients()


class ConstantStep:
    """A trivial engine: every iteration takes D ms whatever it carries."""

    def __init__(self, d_ms: float):
        self.d = d_ms

    def batch_ms(self, tokens: float, seqs: float) -> float:
        return self.d

    def decode_context_ms(self) -> tuple[float, float]:
        return 0.0, 0.0

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float, q_tokens=None) -> float:
        return 0.0


@pytest.mark.parametrize("rho", [0.5, 0.8])
def test_md1_mean_waiting_time(rho: float):
    """One request at a time (max_num_seqs=1), one token each: an M/D/1 queue with service D."""
    d_ms, n = 10.0, 40_000
    rng = np.random.default_rng(7)
    arrivals = np.cumsum(interarrival_times(rng, n, rho / d_ms * 1e3, 1.0)) * 1e3
    lim = EngineLimits(max_num_seqs=1, max_num_batched_tokens=8192, kv_capacity_tokens=1e9)
    ones = np.ones(n, np.int64)
    run = run_engine(ConstantStep(d_ms), lim, ones * 100, ones, arrival_ms=arrivals)
    wait = (run.first_token - run.arrival - d_ms)[n // 10:]
    expected = rho * d_ms / (2 * (1 - rho))  # Pollaczek-Khinchine with deterministic service
    assert wait.mean() == pytest.approx(expected, rel=0.08)


def test_md1_throughput_and_no_wait_when_idle():
    lim = EngineLimits(max_num_seqs=1, max_num_batched_tokens=8192, kv_capacity_tokens=1e9)
    arrivals = np.arange(100) * 50.0  # every 50 ms, service 10 ms: never waits
    ones = np.ones(100, np.int64)
    run = run_engine(ConstantStep(10.0), lim, ones, ones, arrival_ms=arrivals)
    assert np.allclose(run.first_token - run.arrival, 10.0)


def _config(**kw) -> ServingConfig:
    base = dict(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="H100-SXM",
                tensor_parallel=1, max_model_len=16384)
    base.update(kw)
    return ServingConfig(**base)


def test_event_skipping_changes_nothing():
    step, plan, _ = config_parts(_config(), CAT, C)
    lim = engine_limits(_config(), plan)
    rng = np.random.default_rng(3)
    n = 400
    prompt = sample_lengths(rng, n, 800, 1600)
    out = sample_lengths(rng, n, 200, 400)
    arrivals = np.cumsum(interarrival_times(rng, n, 6.0, 1.0)) * 1e3
    fast = run_engine(step, lim, prompt, out, arrival_ms=arrivals)
    slow = run_engine(step, lim, prompt, out, arrival_ms=arrivals, event_skipping=False, max_iterations=10**7)
    assert np.allclose(fast.first_token, slow.first_token, rtol=1e-9)
    assert np.allclose(fast.finish, slow.finish, rtol=1e-9)


@pytest.mark.parametrize("model,window,users", [
    ("meta-llama/Llama-3.1-8B-Instruct", False, 0),
    ("meta-llama/Llama-3.1-8B-Instruct", True, 0),  # sliding-window layers add their share of each chunk
    ("meta-llama/Llama-3.1-8B-Instruct", False, 12),  # closed loop: a finish inside a stretch sends the next one
])
def test_long_prompts_chunked_step_by_step_give_the_same_floats(model, window, users, monkeypatch):
    """Chunk stretches (one prompt prefilled chunk after chunk while others decode) are priced outside the scheduler's
    pass: every time, counter and cache figure must be exactly what running each of those iterations gives."""
    config = _config(model_id=model, max_model_len=65536)
    step, plan, _ = config_parts(config, CAT, C)
    lim = EngineLimits(max_num_seqs=16, max_num_batched_tokens=2048,
                       kv_capacity_tokens=min(engine_limits(config, plan).kv_capacity_tokens, 3e5),
                       window=4096 if window else None, window_ratio=0.5 if window else 0.0)
    rng = np.random.default_rng(5)
    n = 120
    prompt = sample_lengths(rng, n, 20_000, 40_000)
    out = sample_lengths(rng, n, 300, 600)
    arrivals = None if users else np.cumsum(interarrival_times(rng, n, 0.8, 1.0)) * 1e3

    def run(**kw):
        return run_engine(step, lim, prompt, out, arrival_ms=arrivals, users=users, max_iterations=10**7, **kw)
    fast = run()
    with monkeypatch.context() as m:  # the same run with every iteration through the scheduler's pass
        m.setattr(offline_clock._Engine, "_run_chunk_stretch", lambda self, allowed: 0)
        stepwise = run()
    for name in ("first_token", "finish", "scheduled", "batch_at_first"):
        assert np.array_equal(getattr(fast, name), getattr(stepwise, name), equal_nan=True), name
    assert (fast.preemptions, fast.rejected, fast.end_ms, fast.kv_time_weighted, fast.kv_max) == (
        stepwise.preemptions, stepwise.rejected, stepwise.end_ms, stepwise.kv_time_weighted, stepwise.kv_max)
    assert fast.preemptions > 0 and np.isfinite(fast.finish).all()  # the cache filled: stretches were cut short
    slow = run(event_skipping=False)  # no skipping at all (decode stretches' closed form differs by rounding)
    assert np.allclose(fast.finish, slow.finish, rtol=1e-9) and np.allclose(fast.first_token, slow.first_token,
                                                                             rtol=1e-9)


def test_simulation_is_deterministic_for_a_seed():
    load = Load(kind=LoadKind.RPS, value=4, prompt_tokens=1000, output_tokens=200, prompt_tokens_p90=2000,
                output_tokens_p90=400)
    a = simulate(_config(), load, CAT, seed=11, coefficients=C)
    b = simulate(_config(), load, CAT, seed=11, coefficients=C)
    c = simulate(_config(), load, CAT, seed=12, coefficients=C)
    assert np.array_equal(a.ttft_ms, b.ttft_ms) and np.array_equal(a.e2e_ms, b.e2e_ms)
    assert not np.array_equal(a.ttft_ms, c.ttft_ms)


def test_open_loop_throughput_matches_the_offered_rate_when_stable():
    load = Load(kind=LoadKind.RPS, value=3, prompt_tokens=500, output_tokens=200)
    r = simulate(_config(), load, CAT, coefficients=C)
    assert r.stable
    assert r.throughput_rps == pytest.approx(3.0, rel=0.1)
    assert r.output_tokens_per_s == pytest.approx(600.0, rel=0.1)


def test_overload_is_flagged():
    load = Load(kind=LoadKind.RPS, value=200, prompt_tokens=4000, output_tokens=500)
    r = simulate(_config(), load, CAT, coefficients=C, n_requests=400)
    assert not r.stable
    assert any("overloaded" in n for n in r.notes)


def test_a_small_kv_cache_preempts_and_still_finishes_every_request():
    cfg = _config(gpu="L4", max_model_len=8192, gpu_memory_utilization=0.9)
    load = Load(kind=LoadKind.CONCURRENCY, value=64, prompt_tokens=3000, output_tokens=1500)
    r = simulate(cfg, load, CAT, coefficients=C, n_requests=300)
    assert r.preemptions > 0
    assert np.isfinite(r.e2e_ms).all()
    assert r.kv_usage_max > 0.9


CLOSED_LOOP_CASES = [(8, 1000, 400, 1), (64, 2000, 300, 1), (32, 8000, 500, 2), (200, 500, 800, 1)]


@pytest.mark.parametrize("users,prompt,output,tp", CLOSED_LOOP_CASES)
def test_closed_loop_analytic_agrees_with_the_simulation_fixed_lengths(users, prompt, output, tp):
    """Steady state of N users with fixed lengths (users stay in synchronized groups)."""
    cfg = _config(tensor_parallel=tp, max_num_seqs=256)
    load = Load(kind=LoadKind.CONCURRENCY, value=users, prompt_tokens=prompt, output_tokens=output)
    sim = simulate(cfg, load, CAT, coefficients=C, n_requests=600)
    step, plan, _ = config_parts(cfg, CAT, C)
    est = closed_loop(step, engine_limits(cfg, plan), users, prompt, output, C.ttft_ms,
                      ttft_per_seq_ms=C.ttft_per_seq_ms, synchronized=True)
    assert est.tpot_ms == pytest.approx(np.nanmean(sim.itl_ms), rel=0.08)
    assert est.ttft_ms == pytest.approx(np.nanmean(sim.ttft_ms), rel=0.25)


@pytest.mark.parametrize("users,prompt,output,tp", CLOSED_LOOP_CASES)
def test_closed_loop_analytic_agrees_with_the_simulation_benchmark_client(users, prompt, output, tp):
    """The calibration setting: lengths spread (uniform 0.8-1.0 x L), 10 requests per user, start included."""
    cfg = _config(tensor_parallel=tp, max_num_seqs=256)
    load = uniform_load(users, prompt, output)
    sim = simulate(cfg, load, CAT, coefficients=C, requests_per_user=REQUESTS_PER_USER)
    step, plan, _ = config_parts(cfg, CAT, C)
    est = closed_loop(step, engine_limits(cfg, plan), users, load.prompt_tokens, load.output_tokens, C.ttft_ms,
                      REQUESTS_PER_USER, ttft_per_seq_ms=C.ttft_per_seq_ms)
    assert est.tpot_ms == pytest.approx(np.nanmean(sim.itl_ms), rel=0.08)
    assert est.ttft_ms == pytest.approx(np.nanmean(sim.ttft_ms), rel=0.25)


def test_lognormal_lengths_match_mean_and_p90():
    rng = np.random.default_rng(0)
    x = sample_lengths(rng, 200_000, 1000, 2000)
    assert x.mean() == pytest.approx(1000, rel=0.02)
    assert np.percentile(x, 90) == pytest.approx(2000, rel=0.03)
    assert lognormal_sigma(1000, None) == 0.0
    assert (sample_lengths(rng, 10, 512, None) == 512).all()


def test_bursty_arrivals_have_the_requested_cv():
    rng = np.random.default_rng(1)
    gaps = interarrival_times(rng, 200_000, 10.0, 3.0)
    assert gaps.mean() == pytest.approx(0.1, rel=0.03)
    assert gaps.std() / gaps.mean() == pytest.approx(3.0, rel=0.05)


def test_the_api_server_tokenizes_each_prompt_before_its_first_token():
    """The prompt's share of the first-token latency (per prompt token) is spent on every request and only on the
    first token: the engine's timeline, and so the inter-token gaps, stay as they were."""
    load = Load(kind=LoadKind.RPS, value=2, prompt_tokens=1000, output_tokens=100, prompt_tokens_p90=3000)
    plain = simulate(_config(), load, CAT, seed=3, coefficients=C.with_values(ttft_prompt_us=0.0))
    reading = simulate(_config(), load, CAT, seed=3, coefficients=C.with_values(ttft_prompt_us=20.0))
    extra = reading.ttft_ms - plain.ttft_ms
    assert extra.min() > 0 and extra.max() > 2 * extra.min()  # longer prompts take longer to tokenize
    assert np.allclose(reading.e2e_ms - plain.e2e_ms, extra)
    assert np.allclose(reading.itl_ms, plain.itl_ms, equal_nan=True)  # NaN: a one-token output has no gap
    assert C.with_values(ttft_prompt_us=20.0).api_ms(0, 1000) - C.with_values(ttft_prompt_us=0.0).api_ms(0, 1000) \
        == pytest.approx(20.0)


def test_config_parts_are_built_once_and_the_step_model_is_shared_by_memory_settings():
    cat = fixture_catalog()
    short, long = _config(max_model_len=4096), _config(max_model_len=16384)
    first = config_parts(short, cat, C)
    assert config_parts(short, cat, C) is first  # kept per configuration and coefficients
    step, plan, _ = config_parts(long, cat, C)
    assert step is first[0]  # the step times do not depend on the context length: one model, its kept times shared
    assert plan.max_model_len != first[1].max_model_len
    assert config_parts(_config(max_model_len=4096, tensor_parallel=2), cat, C)[0] is not step
    assert config_parts(short, cat, C.with_values(step_ms=C.step_ms + 1.0))[0] is not step  # coefficients by value
    fresh = config_parts(short, fixture_catalog(), C)  # a new catalog snapshot starts afresh, with equal results
    assert fresh[0] is not step and fresh[0].batch_ms(64, 64) == step.batch_ms(64, 64) and fresh[1] == first[1]
