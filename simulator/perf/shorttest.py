"""What a short open-loop load test reads on the model: the p95 of its N requests, and how far that wanders.

The plan's prediction is the steady state (warm-up dropped, arrivals flowing past the last measured request, a few
hundred requests). A validation load test is something else: N requests (rate x duration) sent from an idle server,
its p95 taken over all of them, the ramp-up and the drain after the last arrival included, and N is small (the p95
of 55 requests is their 3rd largest). Such a test reads lower than the steady state and scatters widely: on
gpt-oss-20b on MI300X at 3.07 req/s (4096 (p90 8192) -> 384 (p90 1024) tokens) the steady-state p95 ITL is
23.6 ms, a 20 s test reads about 16 ms. Comparing the two calls the difference a prediction error; it is not.

``short_test_expectation`` runs the test's own protocol through the same engine (scheduler, step times, API
delay) over many arrival and length draws, and gives each metric's p95 as the test would read it: the median over
the draws and the range that holds most of them. A measurement inside that range agrees with the model; one
outside it by more than the model's own tolerance is a prediction error.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import Load, ServingConfig
from simulator.perf.loadsim import DoesNotFitError, config_parts, engine_limits, request_latencies
from simulator.perf.offline_clock import run_engine
from simulator.perf.workload import arrival_cv, arrival_times_s, fit_to_context, sample_lengths

DRAWS = 40  # simulated tests; the range's ends are the 2.5th and 97.5th percentiles of their p95s
RANGE_PCT = 95.0
MAX_SIMULATED_REQUESTS = 40_000  # fewer draws for a long test at a high rate (cost), never fewer than MIN_DRAWS
MIN_DRAWS = 12
METRICS = ("ttft", "itl", "e2e")


class P95Range(BaseModel):
    """One metric's p95 as a short test reads it on the model (ms)."""

    median: float = Field(description="median over the simulated tests")
    low: float = Field(description=f"lower end of the range holding {RANGE_PCT:g}% of the simulated tests")
    high: float = Field(description=f"upper end of the range holding {RANGE_PCT:g}% of the simulated tests")


class ShortTestExpectation(BaseModel):
    """The p95s a load test of ``requests`` requests at ``rps`` per engine rank reads on the model."""

    rps: float = Field(description="offered rate per engine rank (req/s)")
    requests: int = Field(description="requests the test sends to one engine rank")
    draws: int
    ttft: P95Range
    itl: P95Range
    e2e: P95Range


def short_test_expectation(config: ServingConfig, load: Load, catalog: Catalog, *, requests: int,
                           draws: int = DRAWS) -> ShortTestExpectation:
    """Simulate ``draws`` load tests of ``requests`` requests at ``load`` (its rate per replica, lengths and
    arrival shape, lengths cut to the context as the test cuts them), each from an idle engine, every request
    measured as the test measures it. Raises DoesNotFitError when the configuration cannot start."""
    import numpy as np
    step, plan, coeffs = config_parts(config, catalog, None)
    if not plan.fits:
        raise DoesNotFitError(plan)
    lim = engine_limits(config, plan)
    dp = config.data_parallel
    n = max(1, int(round(requests / dp)))
    rate = load.value / dp
    draws = int(np.clip(MAX_SIMULATED_REQUESTS // n, MIN_DRAWS, draws))
    p95s: dict[str, list[float]] = {m: [] for m in METRICS}
    for seed in range(draws):
        rng = np.random.default_rng(seed)
        arrivals = arrival_times_s(rng, n, rate, arrival_cv(load)) * 1e3
        prompt, output = fit_to_context(sample_lengths(rng, n, load.prompt_tokens, load.prompt_tokens_p90),
                                        sample_lengths(rng, n, load.output_tokens, load.output_tokens_p90),
                                        plan.max_model_len)
        run = run_engine(step, lim, prompt, output, arrival_ms=arrivals, max_iterations=10**8)
        for m, values in zip(METRICS, request_latencies(run, np.ones(n, bool), prompt, coeffs)):
            values = values[np.isfinite(values)]
            if len(values):
                p95s[m].append(float(np.percentile(values, 95)))  # as the load test takes it
    tail = (100 - RANGE_PCT) / 2

    def band(values: list[float]) -> P95Range:
        lo, med, hi = np.percentile(values, (tail, 50, 100 - tail)) if values else (np.nan,) * 3
        return P95Range(median=float(med), low=float(lo), high=float(hi))
    return ShortTestExpectation(rps=rate, requests=n, draws=draws,
                                **{m: band(p95s[m]) for m in METRICS})
