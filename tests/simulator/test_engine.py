"""The scheduler's reference check: both clocks reproduce the recorded traces of tests/simulator/scheduler_reference.

The recorded outputs (``scheduler_reference.json``) were taken from the two engines before their scheduling rules
moved into one core (simulator.scheduler; its own tests are test_scheduler.py). A difference here is a change of
behaviour: re-record only for an intended one, and say which in the commit (so far one: the KV integral of the
cached-prefix trace, when event skipping began to ask the core's exact admission rule).
"""

from __future__ import annotations

import json
import math

import pytest

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

