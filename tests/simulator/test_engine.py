"""The scheduler's reference check: both clocks reproduce the recorded traces of tests/simulator/scheduler_reference.

The recorded outputs (``scheduler_reference.json``) were taken before the scheduling rules moved into one core; a
difference here is a change of behaviour: re-record only for an intended one, and say which in the commit.
"""

from __future__ import annotations

import asyncio
import json
import math

import numpy as np
import pytest

from simulator.perf.engine import run_engine
from simulator.server import SimulatorConfig, resolve
from simulator.server.engine import LiveEngine, SimClock, SimRequest
from simulator.server.metrics import EngineStats
from simulator.scheduler import EngineLimits
from tests.simulator.scheduler_reference import REFERENCE_PATH, Scenario, run_live, run_offline, scenarios

SCENARIOS = scenarios()
RECORDED = json.loads(REFERENCE_PATH.read_text())
BURSTS = [name for name, s in SCENARIOS.items() if s.burst]
TIMELINE = ("scheduled", "first_token", "finish")


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=2e-6)  # recorded to the nanosecond: only float noise passes
    return a == b


def _assert_same(recorded: dict, fresh: dict, what: str) -> None:
    assert recorded.keys() == fresh.keys(), what
    for key, want in recorded.items():
        got = fresh[key]
        if isinstance(want, list):
            assert len(got) == len(want), f"{what}: {key} has {len(got)} entries, {len(want)} recorded"
            for i, (a, b) in enumerate(zip(want, got)):
                assert _close(a, b), f"{what}: {key}[{i}] recorded {a}, now {b}"
        else:
            assert _close(want, got), f"{what}: {key} recorded {want}, now {got}"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_offline_engine_reproduces_the_reference(name):
    _assert_same(RECORDED["offline"][name], run_offline(SCENARIOS[name]), f"offline {name}")


@pytest.mark.parametrize("name", BURSTS)
def test_live_server_reproduces_the_reference(name):
    _assert_same(RECORDED["live"][name], run_live(SCENARIOS[name]), f"live {name}")


@pytest.mark.parametrize("name", BURSTS)
def test_both_clocks_recorded_one_timeline(name):
    """What the reference holds: the live server's requests start, get their first token and finish when the
    offline simulation behind ``compass predict`` says (refused prompts: never served offline, aborted live)."""
    offline, live = RECORDED["offline"][name], RECORDED["live"][name]
    for key in TIMELINE:
        for i, (a, b) in enumerate(zip(offline[key], live[key], strict=True)):
            if live["errors"][i] is not None:
                assert a is None and live["first_token"][i] is None, f"{name}: request {i} refused"
                continue
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), f"{name}: {key}[{i}] offline {a}, live {b}"
    assert live["preemptions"] == offline["preemptions"]
    assert live["errors"].count(None) == len(live["errors"]) - offline["rejected"]


def test_a_prompt_that_can_never_fit_is_refused_under_both_clocks():
    """800 prompt tokens in a 500-token cache, prefilled 256 at a time: it fills the cache and can go no further.
    Refused (vLLM refuses a prompt longer than its cache holds), and the two requests behind it are served."""
    lim = EngineLimits(max_num_seqs=8, max_num_batched_tokens=256, kv_capacity_tokens=500.0)
    trace = Scenario(lim, prompt=(800, 100, 120), output=(5, 5, 7), arrival_ms=(0.0, 0.0, 0.0))
    offline, live = run_offline(trace), run_live(trace)
    assert offline["rejected"] == 1 and offline["finish"][0] is None and not offline["truncated"]
    assert live["errors"][0] == "the prompt does not fit in the KV cache" and live["success"]["abort"] == 1
    assert live["generated"][1:] == [5, 7]
    for key in TIMELINE:
        assert all(o == pytest.approx(v, abs=1e-6) for o, v in zip(offline[key][1:], live[key][1:])), key
    refused_at = live["finish"][0]
    assert offline["scheduled"][1] == offline["scheduled"][2] == pytest.approx(refused_at, abs=1e-6)  # right after


async def _live(setup, prompts: list[int], outputs: list[int], scale: float) -> tuple[list[SimRequest], EngineStats]:
    stats = EngineStats(setup.max_model_len)
    engine = LiveEngine(setup.step, setup.limits, setup.coefficients, clock=SimClock(scale), stats=stats)
    engine.api_ms = engine.api_per_seq_ms = 0.0  # the API delay is added outside the engine offline
    reqs = [SimRequest(prompt_tokens=p, output_tokens=o) for p, o in zip(prompts, outputs)]
    for r in reqs:
        engine.submit(r)
    t0 = reqs[0].arrival
    for r in reqs:  # arrivals at one instant, as in the offline run below
        r.arrival = t0
    engine.pending = [(t0, i, r) for i, (_, _, r) in enumerate(sorted(engine.pending, key=lambda x: x[1]))]
    task = asyncio.create_task(engine.run())
    while not all(r.done for r in reqs):
        await asyncio.sleep(0.01)
    task.cancel()
    assert stats.skipped_s == 0  # the loop kept up, so simulated times are exact
    return reqs, stats


@pytest.mark.parametrize("model,gpu,n,prompt,output,preempts", [
    ("Qwen/Qwen2.5-7B-Instruct", "H100", 40, 700, 60, False),  # continuous batching with chunked prefill
    ("meta-llama/Llama-3.1-8B-Instruct", "L4", 16, 3000, 1500, True),  # KV cache too small: preemptions
    ("google/gemma-3-27b-it", "H100", 12, 3000, 40, False),  # sliding-window layers
])
def test_live_engine_matches_offline_simulation(model, gpu, n, prompt, output, preempts):
    setup = resolve(SimulatorConfig(model=model, gpu=gpu, max_model_len=8192, max_num_seqs=256))
    rng = np.random.default_rng(0)
    prompts = rng.integers(prompt // 2, prompt, n).tolist()
    outputs = rng.integers(output // 2, output, n).tolist()
    offline = run_engine(setup.step, setup.limits, np.array(prompts), np.array(outputs), arrival_ms=np.zeros(n))
    reqs, stats = asyncio.run(_live(setup, prompts, outputs, scale=200.0))
    start = min(r.scheduled for r in reqs)
    first = np.array([(r.first_token - start) * 1e3 for r in reqs])
    finish = np.array([(r.finished - start) * 1e3 for r in reqs])
    np.testing.assert_allclose(first, offline.first_token, rtol=1e-6)
    np.testing.assert_allclose(finish, offline.finish, rtol=1e-6)
    assert stats.preemptions == offline.preemptions
    assert (offline.preemptions > 0) == preempts
    assert all(r.generated == o for r, o in zip(reqs, outputs))
