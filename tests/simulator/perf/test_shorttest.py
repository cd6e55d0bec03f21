"""What a short load test reads on the model (simulator.perf.shorttest): the same engine as the plan's prediction,
run on the test's own protocol."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from simulator.perf.loadsim import simulate
from simulator.perf.shorttest import short_test_expectation
from simulator.perf.workload import fit_to_context
from tests.simulator.perf.catalog_fixture import fixture_catalog

CAT = fixture_catalog()
CFG = ServingConfig(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="H100-SXM",
                    tensor_parallel=1, max_model_len=16384)


def test_a_test_with_one_request_in_flight_reads_the_single_request_latency_every_time():
    """Fixed lengths, a request every 20 s, evenly spaced: no request meets another, so every draw reads the same
    p95, and it is the steady-state prediction's (one engine, one definition of TTFT/ITL/E2E)."""
    load = Load(kind=LoadKind.BURSTY, value=0.05, burstiness_cv=0.0, prompt_tokens=1000, output_tokens=100)
    expected = short_test_expectation(CFG, load, CAT, requests=10)
    steady = simulate(CFG, load, CAT)
    for m in ("ttft", "itl", "e2e"):
        band = getattr(expected, m)
        assert band.low == pytest.approx(band.high, rel=1e-9)
        assert band.median == pytest.approx(steady.stats(m).p95, rel=1e-6)


def test_a_short_test_scatters_and_its_range_holds_the_median():
    load = Load(kind=LoadKind.BURSTY, value=8.0, burstiness_cv=1.5, prompt_tokens=2000, output_tokens=300,
                prompt_tokens_p90=4000, output_tokens_p90=600)
    expected = short_test_expectation(CFG, load, CAT, requests=60)
    assert expected.draws == 40 and expected.requests == 60
    for m in ("ttft", "itl", "e2e"):
        band = getattr(expected, m)
        assert band.low < band.median < band.high  # sixty requests: the p95 moves from draw to draw


def test_lengths_are_cut_to_what_one_sequence_of_the_context_holds():
    prompt, output = fit_to_context(np.array([100, 5000, 9000]), np.array([50, 4000, 10]), 8192)
    assert prompt.tolist() == [100, 5000, 8191] and output.tolist() == [50, 3192, 1]
    same = fit_to_context(np.array([9000]), np.array([10]), None)
    assert same[0].tolist() == [9000] and same[1].tolist() == [10]
