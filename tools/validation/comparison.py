"""Measured p95s against the model, like with like: what a load test of this size reads on the model, not the
steady state.

The plan's prediction is the steady state under sustained load (a few hundred requests, warm-up dropped). A
validation test sends N requests (rate x duration, often 50-100) from an idle server and takes the p95 over all of
them, ramp-up and drain included: on the model such a test reads lower than the steady state and its p95 scatters
widely from draw to draw (``simulator.perf.shorttest``). The measurement is compared with the range such tests
read on the same engine; only a p95 outside that range by more than the model's tolerance is a prediction error.
"""

from __future__ import annotations

import math

from knowledge.catalog import Catalog
from knowledge.domain import Load, LoadKind, MeasuredPerformance, Recommendation
from knowledge.errors import CompassError
from simulator.perf.shorttest import RANGE_PCT, ShortTestExpectation, P95Range, short_test_expectation
from tools.planner.workload import BURSTY_CV  # bursty traffic as the planner reads it

PREDICTION_ERROR_FLAG = 0.25  # beyond the test's own sampling range by more than this: a large prediction error
METRICS = (("ttft", "ttft_ms", "TTFT"), ("itl", "itl_ms", "ITL"), ("e2e", "e2e_ms", "E2E"))


def load_test_expectation(rec: Recommendation, catalog: Catalog, *, rps: float, duration_s: float, prompt_tokens: int,
                     output_tokens: int, prompt_tokens_p90: int | None, output_tokens_p90: int | None,
                     burstiness_cv: float) -> ShortTestExpectation | None:
    """What the test sent to the endpoint reads on one replica of the model: the rate and requests split evenly
    over the recommendation's replicas (round-robin), the test's lengths and arrival shape. None when the model
    cannot say (a configuration the catalog no longer resolves)."""
    replicas = max(1, rec.replicas)
    kind = LoadKind.BURSTY if burstiness_cv > BURSTY_CV else LoadKind.RPS
    load = Load(kind=kind, value=rps / replicas, burstiness_cv=burstiness_cv, prompt_tokens=prompt_tokens,
                output_tokens=output_tokens, prompt_tokens_p90=prompt_tokens_p90, output_tokens_p90=output_tokens_p90)
    requests = max(1, round(round(rps * duration_s) / replicas))
    try:
        return short_test_expectation(rec.config, load, catalog, requests=requests)
    except (CompassError, LookupError, ValueError):  # unknown names, a configuration that no longer fits
        return None


def prediction_notes(rec: Recommendation, measured: MeasuredPerformance,
                     expected: ShortTestExpectation | None) -> list[str]:
    """What the measured p95s say about the model, in computed words: a large prediction error where a p95 falls
    outside what such a test reads on the model by more than PREDICTION_ERROR_FLAG, and what the test could tell."""
    served = measured.requests - measured.errors
    if expected is None:
        return _against_steady_state(rec, measured, served)
    notes = []
    said = []
    for key, attr, label in METRICS:
        got, band = getattr(measured, attr).p95, getattr(expected, key)
        if got is None or not math.isfinite(band.median):
            continue
        said.append(f"{label} {_ms(band.median)} ({_ms(band.low)}-{_ms(band.high)})")
        error = _beyond(got, band)
        if abs(error) > PREDICTION_ERROR_FLAG:
            notes.append(f"large prediction error on p95 {label}: measured {_ms(got)} ms, {error:+.0%} "
                         f"{'above' if error > 0 else 'below'} the {_ms(band.low)}-{_ms(band.high)} ms that "
                         f"{RANGE_PCT:g}% of {expected.draws} simulated tests of this size read on the model")
        elif error:  # outside the range, within the tolerance: said, so a figure beside its range is not left bare
            notes.append(f"p95 {label} measured {_ms(got)} ms lies {abs(error):.0%} {'above' if error > 0 else 'below'}"
                         f" the {_ms(band.low)}-{_ms(band.high)} ms range, within the {PREDICTION_ERROR_FLAG:.0%} "
                         f"tolerance before the model is flagged")
    if said:
        notes.append(f"each p95 is over the {served} requests of one short test from an idle server (ramp-up and "
                     f"drain included), not the steady state the plan predicts: on the model, tests of "
                     f"{expected.requests} requests at {expected.rps:.3g} req/s per engine read p95 "
                     + ", ".join(said) + f" ms (median, {RANGE_PCT:g}% range of {expected.draws} simulated tests)")
    return notes


def _beyond(got: float, band: P95Range) -> float:
    """How far ``got`` lies outside [low, high], relative to the nearer end (0 inside)."""
    if got > band.high > 0:
        return got / band.high - 1
    if got < band.low:
        return got / band.low - 1
    return 0.0


def _against_steady_state(rec: Recommendation, measured: MeasuredPerformance, served: int) -> list[str]:
    """No model of the test (an imported benchmark, a configuration the catalog no longer resolves): the
    steady-state prediction is all there is to compare with, and the note says so."""
    notes = []
    over = f" (p95 of {served} requests)" if served > 0 else ""
    for _key, attr, label in METRICS:
        predicted, got = getattr(rec.prediction, attr), getattr(measured, attr).p95
        if predicted is None or got is None or predicted.p95 <= 0:
            continue
        error = got / predicted.p95 - 1
        if abs(error) > PREDICTION_ERROR_FLAG:
            notes.append(f"large prediction error on p95 {label}: measured {_ms(got)} ms{over} vs "
                         f"{_ms(predicted.p95)} ms predicted for the steady state ({error:+.0%})")
    return notes


def _ms(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"
