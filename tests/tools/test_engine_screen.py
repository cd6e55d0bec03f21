"""The engine functions the planner's screen relies on (simulator/perf/capacity.py): a ceiling that bounds every
capacity estimate, and a limit that names what stops a higher rate."""

from __future__ import annotations

import pytest

from simulator.perf import SloTargets, capacity_ceiling_rps, capacity_limit, estimate_capacity_rps, light_load_p95
from tools.planner import PlanOptions, workload_from_spec
from tools.planner.candidates import enumerate_candidates

from tests.tools.conftest import stated


@pytest.fixture(scope="module")
def sample(catalog):
    w = workload_from_spec(stated(use_case="chatbot_conversational", users=5000), catalog)
    candidates = enumerate_candidates(w, catalog, PlanOptions()).candidates
    return w, candidates[:: max(1, len(candidates) // 40)]


def test_the_ceiling_bounds_every_capacity_estimate(catalog, sample):
    w, candidates = sample
    for c in candidates:
        ceiling = capacity_ceiling_rps(c.config, w.peak_load, catalog)
        for slos in (w.slos, SloTargets(), SloTargets(itl_p95_ms=w.slos.itl_p95_ms)):
            assert estimate_capacity_rps(c.config, w.peak_load, slos, catalog) <= ceiling * (1 + 1e-9)


def test_the_limit_names_the_target_that_stops_a_higher_rate(catalog, sample):
    w, candidates = sample
    for c in candidates:
        rate, limit = capacity_limit(c.config, w.peak_load, w.slos, catalog)
        assert rate == estimate_capacity_rps(c.config, w.peak_load, w.slos, catalog)
        light = light_load_p95(c.config, w.peak_load, catalog)
        if rate == 0 and limit != "throughput":
            assert limit in ("itl_p95_ms", "ttft_p95_ms", "e2e_p95_ms")
        if limit in ("itl_p95_ms", "ttft_p95_ms", "e2e_p95_ms"):
            # without that target the replica takes at least as high a rate
            relaxed = w.slos.model_copy(update={limit: None})
            assert estimate_capacity_rps(c.config, w.peak_load, relaxed, catalog) >= rate
        assert light is not None
    _, unlimited = capacity_limit(candidates[0].config, w.peak_load, SloTargets(), catalog)
    assert unlimited == "throughput"
