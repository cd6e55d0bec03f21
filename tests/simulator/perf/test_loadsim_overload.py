"""Offered load against what a replica sustains: one capacity figure, and latencies that rise with the load.

Properties over a range of offered rates, from a quarter of the sustained rate to a thousand times it: the
throughput never falls as more is offered and never exceeds the offer; past the sustained rate every run is
overloaded and serves that one figure; p95 latencies do not fall as the offer rises (past saturation the queue
grows faster), so an overloaded run never shows smaller latencies than a stable one.
"""

from __future__ import annotations

import pytest

from knowledge.domain import Load, LoadKind, Precision, ServingConfig, display
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.loadsim import simulate, sustained_rps
from simulator.perf.predict import predict
from tests.simulator.perf.catalog_fixture import fixture_catalog

CAT = fixture_catalog()
C = EngineCoefficients()
CFG = ServingConfig(model_id="meta-llama/Llama-3.1-8B-Instruct", precision=Precision.BF16, gpu="H100-SXM",
                    tensor_parallel=1, max_model_len=16384)
SHORT = Load(kind=LoadKind.RPS, value=1.0, prompt_tokens=100, output_tokens=100)
SPREAD = Load(kind=LoadKind.RPS, value=1.0, prompt_tokens=1000, output_tokens=250, prompt_tokens_p90=2000,
              output_tokens_p90=500)
BURSTY = Load(kind=LoadKind.BURSTY, value=1.0, burstiness_cv=3.0, prompt_tokens=2000, output_tokens=300)
SHARES = (0.25, 0.5, 0.7, 0.85, 0.95, 1.05, 1.2, 1.5, 3.0, 10.0, 1000.0)  # of the sustained rate


def _sweep(load: Load, config: ServingConfig = CFG):
    capacity = sustained_rps(config, load, CAT, coefficients=C)
    runs = [(share * capacity, simulate(config, load.model_copy(update={"value": share * capacity}), CAT,
                                        coefficients=C)) for share in SHARES]
    return capacity, runs


@pytest.mark.parametrize("load", [SHORT, SPREAD, BURSTY], ids=["short", "spread", "bursty"])
def test_the_sustained_rate_is_one_figure_and_never_falls_as_more_is_offered(load: Load):
    capacity, runs = _sweep(load)
    assert capacity > 0
    served = [r.throughput_rps for _, r in runs]
    assert served == sorted(served)
    for offered, r in runs:
        assert r.throughput_rps <= offered * (1 + 1e-9)
        assert r.stable == (offered <= capacity)
        if not r.stable:  # the same figure whatever the excess, and said so
            assert r.throughput_rps == pytest.approx(capacity, rel=1e-9)
            note = next(n for n in r.notes if n.startswith("overloaded: sustains at most "))
            assert f"at most {display.rate(capacity)} req/s" in note and f"{display.rate(offered)} req/s offered" in note
        else:
            assert r.throughput_rps == pytest.approx(offered, rel=1e-9)
            assert not any(n.startswith("overloaded") for n in r.notes)


@pytest.mark.parametrize("load", [SHORT, SPREAD, BURSTY], ids=["short", "spread", "bursty"])
def test_overloaded_latencies_rise_with_the_offered_rate(load: Load):
    _, runs = _sweep(load)
    stable = [r for _, r in runs if r.stable]
    over = [r for _, r in runs if not r.stable]
    assert stable and len(over) >= 4
    for metric in ("ttft", "e2e"):
        worst_stable = max(r.stats(metric).p95 for r in stable)
        p95s = [r.stats(metric).p95 for r in over]
        assert p95s[0] >= worst_stable, f"{metric}: an overloaded run shows less than a stable one"
        assert p95s == sorted(p95s), f"{metric}: {p95s}"
    # far past saturation the queue, not the engine, makes the latency
    assert over[-1].stats("ttft").p95 > 10 * stable[0].stats("ttft").p95


def test_with_fixed_lengths_latencies_never_fall_across_the_whole_range():
    """Fixed lengths and one arrival pattern time-compressed: nothing but the load differs from run to run."""
    _, runs = _sweep(SHORT)
    for metric in ("ttft", "e2e"):
        p95s = [r.stats(metric).p95 for _, r in runs]
        assert p95s == sorted(p95s), f"{metric}: {p95s}"


def test_data_parallel_ranks_share_the_offer_and_add_their_capacity():
    dp2 = CFG.model_copy(update={"data_parallel": 2})
    one = sustained_rps(CFG, SHORT, CAT, coefficients=C)
    assert sustained_rps(dp2, SHORT, CAT, coefficients=C) == pytest.approx(2 * one, rel=1e-9)
    r = simulate(dp2, SHORT.model_copy(update={"value": 3 * one}), CAT, coefficients=C)
    assert not r.stable and r.throughput_rps == pytest.approx(2 * one, rel=1e-9)


def test_predict_reports_the_same_capacity_at_every_overloaded_rate():
    capacity = sustained_rps(CFG, SHORT, CAT, coefficients=C)
    served = {round(predict(CFG, SHORT.model_copy(update={"value": capacity * k}), CAT,
                            coefficients=C).throughput.requests_per_s, 9) for k in (1.1, 1.3, 2.0, 8.0, 1e4)}
    assert served == {round(capacity, 9)}


@pytest.mark.parametrize("load", [SHORT, SPREAD, BURSTY], ids=["short", "spread", "bursty"])
def test_a_saturation_run_stopped_at_its_timed_finishes_gives_the_rate_of_the_run_to_the_end(load: Load):
    """The sustained rate is timed over the middle half of the finishes; the drain after them changes none of them,
    so the run stops there (a quarter of its requests fewer to simulate) and the figure is the same float."""
    import numpy as np

    from simulator.perf import loadsim
    from simulator.perf.offline_clock import run_engine
    from simulator.perf.workload import arrival_cv, sample_lengths

    step, plan, _ = loadsim.config_parts(CFG, CAT, C)
    lim = loadsim.engine_limits(CFG, plan)
    n = 600
    rng = np.random.default_rng(0)
    prompt = sample_lengths(rng, n, load.prompt_tokens, load.prompt_tokens_p90)
    output = sample_lengths(rng, n, load.output_tokens, load.output_tokens_p90)
    arrivals = loadsim._arrival_ms(np.random.default_rng(1), n, 1e3, arrival_cv(load))
    whole = run_engine(step, lim, prompt, output, arrival_ms=arrivals)
    stopped = run_engine(step, lim, prompt, output, arrival_ms=arrivals, finishes=loadsim._timed_finishes(n))
    assert np.isfinite(whole.finish).all() and np.isnan(stopped.finish).sum() > 0  # it did stop early
    assert loadsim._middle_rate(stopped.finish, n) == loadsim._middle_rate(whole.finish, n) \
        == loadsim._middle_rate(whole.finish) > 0
