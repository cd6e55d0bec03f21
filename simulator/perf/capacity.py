"""How many requests per second one replica serves within p95 latency targets.

``max_rate_for_slos`` searches the rate with the simulation (minutes of engine time, ~0.1-0.5 s of CPU);
``estimate_capacity_rps`` is the analytic screen for planners (microseconds), built from the same step
model: Little's law for the running batch, decode steps stretched by the prefills sharing the GPU,
M/G/1-style queueing of prefills (Kingman's factor for bursty arrivals) and the KV/max_num_seqs ceiling.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Sequence

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import BenchmarkRow, Load, LoadKind, Prediction, ServingConfig
from simulator.perf.coefficients import CoefficientSet, EngineCoefficients
from simulator.perf.offline_clock import EngineLimits, sequence_usage
from simulator.perf.loadsim import MAX_MEASURED, config_parts, engine_limits
from simulator.perf.predict import predict
from simulator.perf.steptime import StepTimeModel
from simulator.perf.workload import Z90, lognormal_sigma

Z95 = 1.6448536269514722


class SloTargets(BaseModel):
    ttft_p95_ms: float | None = Field(default=None, gt=0)
    itl_p95_ms: float | None = Field(default=None, gt=0)
    e2e_p95_ms: float | None = Field(default=None, gt=0)

    def violated(self, p: Prediction) -> list[str]:
        """Names of the targets the prediction misses (all of them when it does not fit)."""
        if not p.fits or p.ttft_ms is None or p.itl_ms is None or p.e2e_ms is None:
            return [n for n in ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms") if getattr(self, n) is not None] or ["fits"]
        out = []
        for name, stats in (("ttft_p95_ms", p.ttft_ms), ("itl_p95_ms", p.itl_ms), ("e2e_p95_ms", p.e2e_ms)):
            target = getattr(self, name)
            if target is not None and not stats.p95 <= target:
                out.append(name)
        if any(n.startswith("overloaded") for n in p.notes):
            out.append("throughput")
        return out


class RateSearchResult(BaseModel):
    max_rps: float = Field(description="highest open-loop request rate whose p95s meet every target (0: none)")
    prediction: Prediction | None = Field(description="the prediction at max_rps (or at the lowest rate tried)")
    limiting: list[str] = Field(description="targets that fail just above max_rps (or at any rate)")
    feasible: bool
    evaluations: int = 0
    notes: list[str] = Field(default_factory=list)


def _open_loop(load: Load, rate: float) -> Load:
    kind = LoadKind.RPS if load.kind is LoadKind.CONCURRENCY else load.kind
    return load.model_copy(update={"kind": kind, "value": rate})


def max_rate_for_slos(config: ServingConfig, load: Load, slos: SloTargets, catalog: Catalog, *,
                      benchmarks: Sequence[BenchmarkRow] = (), seed: int = 0,
                      coefficients: CoefficientSet | EngineCoefficients | None = None,
                      rel_tolerance: float = 0.03) -> RateSearchResult:
    """Bisection on the rate (open loop with the load's arrival kind, burstiness and lengths)."""
    evals = 0

    def at(rate: float) -> tuple[Prediction, list[str]]:
        nonlocal evals
        evals += 1
        # p95s of the default sample (300 requests at light load) move ~10% from seed to seed on spread lengths
        # and bursty arrivals: a bisection comparing them would follow the noise
        p = predict(config, _open_loop(load, rate), catalog, benchmarks=benchmarks, seed=seed,
                    coefficients=coefficients, n_requests=MAX_MEASURED)
        return p, slos.violated(p)

    guess = estimate_capacity_rps(config, load, slos, catalog, coefficients=coefficients)
    if guess <= 0:
        guess = 0.1
    p_lo, bad = at(guess)
    lo, hi, p_hi, bad_hi = (guess, None, None, None) if not bad else (None, guess, p_lo, bad)
    while lo is None:  # walk down until the targets hold
        rate = hi / 2.5
        p, bad = at(rate)
        if not bad:
            lo, p_lo = rate, p
        else:
            hi, p_hi, bad_hi = rate, p, bad
            if rate < guess * 1e-3 or rate < 1e-4:
                return RateSearchResult(max_rps=0.0, prediction=p, limiting=bad, feasible=False, evaluations=evals,
                                        notes=["the targets are missed even at a trickle of requests"])
    while hi is None:  # walk up until they fail
        rate = lo * 2.0
        p, bad = at(rate)
        if bad:
            hi, p_hi, bad_hi = rate, p, bad
        else:
            lo, p_lo = rate, p
            if evals > 12:
                break
    while hi is not None and hi / lo > 1 + rel_tolerance and evals < 24:
        mid = math.sqrt(lo * hi)
        p, bad = at(mid)
        if bad:
            hi, p_hi, bad_hi = mid, p, bad
        else:
            lo, p_lo = mid, p
    return RateSearchResult(max_rps=lo, prediction=p_lo, limiting=bad_hi or [], feasible=True, evaluations=evals)


# ---------------------------------------------------------------------------------------------- analytic


def _cached_parts(config: ServingConfig, catalog: Catalog, coefficients) -> tuple[StepTimeModel, EngineLimits,
                                                                                   EngineCoefficients, bool]:
    key = ("perf.capacity", config, id(coefficients) if coefficients is not None else None)
    cache = catalog._cache
    if key not in cache:
        step, plan, coeffs = config_parts(config, catalog, coefficients)
        cache[key] = (step, engine_limits(config, plan), coeffs, plan.fits, plan)
    step, lim, coeffs, fits, _ = cache[key]
    return step, lim, coeffs, fits


def _quantile(mean: int, p90: int | None, z: float) -> float:
    sigma = lognormal_sigma(mean, p90)
    return mean * math.exp(sigma * z - sigma * sigma / 2) if sigma else float(mean)


CONSERVATIVE = 0.9  # screening should not promise more than the simulation will grant
ITL_P95_FACTOR = 1.15  # per-request mean ITL spread (arrivals and lengths vary the batch a request sees)


class LightLoadLatency(BaseModel):
    """p95 latencies with one request in flight: the floor that no number of replicas can lower."""

    ttft_p95_ms: float
    itl_p95_ms: float
    e2e_p95_ms: float


class _RankModel:
    """The analytic model of one engine rank under open-loop load, for one configuration and load shape.

    Little's law for the running batch, decode steps stretched by the prefills sharing the GPU, M/G/1-style
    queueing of prefills (Kingman's factor for bursty arrivals) and the KV/max_num_seqs ceiling.
    """

    def __init__(self, step: StepTimeModel, lim: EngineLimits, c: EngineCoefficients, load: Load):
        self.step, self.c = step, c
        self.ca2 = (load.burstiness_cv if load.kind is LoadKind.BURSTY else 1.0) ** 2
        self.prompt, self.out = load.prompt_tokens, load.output_tokens
        sigma_in = lognormal_sigma(self.prompt, load.prompt_tokens_p90)
        self.cs2 = math.expm1(sigma_in * sigma_in)  # prefill work varies with the prompt length
        self.prompt95 = _quantile(self.prompt, load.prompt_tokens_p90, Z95)
        self.out95 = _quantile(self.out, load.output_tokens_p90, Z95)
        self.a_full, _ = step.decode_context_ms()
        self.ctx = self.prompt + self.out / 2
        self.n_cap = min(lim.max_num_seqs, lim.kv_capacity_tokens / sequence_usage(lim, self.ctx))
        self.chunks = max(1.0, math.ceil(self.prompt / lim.max_num_batched_tokens))
        self.burst = 1.0 + 0.15 * max(self.ca2 - 1.0, 0.0)  # bursts put more requests in the batch than the mean
        t_cap = step.batch_ms(self.n_cap, self.n_cap) + self.a_full * self.n_cap * self.ctx
        self.ceiling = self.n_cap / (c.api_ms(0.0, self.prompt) + self.prefill_extra(self.n_cap, self.prompt)
                                     + self.out * t_cap)
        self._alone: LightLoadLatency | None = None

    def prefill_extra(self, n: float, tokens: float) -> float:
        per_chunk = tokens / self.chunks
        return self.chunks * (self.step.batch_ms(n + per_chunk, n + 1) - self.step.batch_ms(n, n)) + \
            self.step.prefill_attention_ms(tokens * tokens / 2, 0.0, tokens)

    def p95_at(self, rate: float, n: float) -> tuple[LightLoadLatency | None, float | None]:
        """p95 TTFT/ITL/E2E at ``rate`` (requests per ms) and the requests in flight, warm-started from ``n``.
        Latencies are None when the prefills alone saturate the rank (then requests in flight too) or the batch
        outgrows the KV cache."""
        step, c = self.step, self.c
        for _ in range(3):  # Little's law fixed point
            t_dec = step.batch_ms(n, n) + self.a_full * n * self.ctx
            extra = self.prefill_extra(n, self.prompt)
            rho = rate * extra
            if rho >= 0.95:
                return None, None
            # a burst decodes a fuller batch than the mean: the step at that batch, not the mean step scaled
            crowd = self.burst * n
            itl = (step.batch_ms(crowd, crowd) + self.a_full * crowd * self.ctx) / (1 - rho)
            wait = rho / (1 - rho) * extra * (self.ca2 + self.cs2) / 2
            ttft = c.api_ms(n, self.prompt) + t_dec + extra + wait
            n = max(1.0, rate * (ttft + self.out * itl))
        if n > self.n_cap:
            return None, n
        # p95 of an M/G/1-like wait: P(W > t) ~ rho exp(-t rho / mean)  =>  t95 = mean ln(rho/0.05) / rho
        wait95 = wait * math.log(rho / 0.05) / rho if rho > 0.05 else 0.0
        ttft95 = c.api_ms(n, self.prompt95) + t_dec + self.prefill_extra(n, self.prompt95) + wait95
        return LightLoadLatency(ttft_p95_ms=ttft95, itl_p95_ms=itl * ITL_P95_FACTOR,
                                e2e_p95_ms=ttft + self.out95 * itl * 1.05), n

    def alone(self) -> LightLoadLatency:
        """One request alone in the engine: no queueing, no batch beside it, no burst (the p95s come from the
        long prompts and outputs of the length distribution)."""
        if self._alone is None:
            self._alone = self._compute_alone()
        return self._alone

    def _compute_alone(self) -> LightLoadLatency:
        c, step = self.c, self.step
        t_dec = step.batch_ms(1, 1) + self.a_full * self.ctx
        ttft = c.api_ms(1.0, self.prompt) + t_dec + self.prefill_extra(1.0, self.prompt)
        ttft95 = c.api_ms(1.0, self.prompt95) + t_dec + self.prefill_extra(1.0, self.prompt95)
        itl95 = step.batch_ms(1, 1) + self.a_full * (self.prompt95 + self.out / 2)
        return LightLoadLatency(ttft_p95_ms=ttft95, itl_p95_ms=itl95, e2e_p95_ms=ttft + self.out95 * t_dec)


RANK_MODELS_KEPT = 20_000


def _rank_model(config: ServingConfig, load: Load, catalog: Catalog, coefficients) -> _RankModel | None:
    shape = (load.kind, load.burstiness_cv, load.prompt_tokens, load.output_tokens, load.prompt_tokens_p90,
             load.output_tokens_p90)
    key = (config, shape, id(coefficients) if coefficients is not None else None)
    cache = catalog._cache.setdefault("perf.capacity.rank", OrderedDict())  # bounded: one entry per load shape
    if (found := cache.get(key, cache)) is not cache:  # the dict itself marks "absent" (None means "does not fit")
        return found
    step, lim, c, fits = _cached_parts(config, catalog, coefficients)
    model = cache[key] = _RankModel(step, lim, c, load) if fits else None
    while len(cache) > RANK_MODELS_KEPT:
        cache.popitem(last=False)
    return model


def _missed(p: LightLoadLatency, slos: SloTargets) -> str | None:
    """The first target ``p`` misses (ITL, TTFT, E2E), or None."""
    for name in ("itl_p95_ms", "ttft_p95_ms", "e2e_p95_ms"):
        target = getattr(slos, name)
        if target is not None and getattr(p, name) > target:
            return name
    return None


def light_load_p95(config: ServingConfig, load: Load, catalog: Catalog, *,
                   coefficients: CoefficientSet | EngineCoefficients | None = None) -> LightLoadLatency | None:
    """p95 latencies with one request in flight (the step model, no queueing or batching: what ``predict`` at
    concurrency 1 gives, within a few percent): a target below these cannot be met at any rate, whatever the
    replicas. None: does not fit."""
    m = _rank_model(config, load, catalog, coefficients)
    return m.alone() if m else None


def capacity_ceiling_rps(config: ServingConfig, load: Load, catalog: Catalog, *,
                         coefficients: CoefficientSet | EngineCoefficients | None = None) -> float:
    """Upper bound of ``estimate_capacity_rps`` whatever the targets: the replica's rate with its batch full
    (KV cache or max_num_seqs bound), requests/s. 0 when it does not fit."""
    m = _rank_model(config, load, catalog, coefficients)
    return CONSERVATIVE * m.ceiling * 1e3 * config.data_parallel if m else 0.0


def estimate_capacity_rps(config: ServingConfig, load: Load, slos: SloTargets, catalog: Catalog, *,
                          coefficients: CoefficientSet | EngineCoefficients | None = None) -> float:
    """Analytic estimate of the highest request rate meeting the p95 targets (0 when none can be met)."""
    return capacity_limit(config, load, slos, catalog, coefficients=coefficients)[0]


def capacity_limit(config: ServingConfig, load: Load, slos: SloTargets, catalog: Catalog, *,
                   coefficients: CoefficientSet | EngineCoefficients | None = None) -> tuple[float, str | None]:
    """``estimate_capacity_rps`` and what stops a higher rate: the target missed just above it
    ("itl_p95_ms", "ttft_p95_ms", "e2e_p95_ms") or "throughput" (the prefills saturate the rank or the batch
    outgrows the KV cache / max_num_seqs); None when nothing fits."""
    m = _rank_model(config, load, catalog, coefficients)
    if m is None:
        return 0.0, None
    state: dict = {"n": 1.0, "why": None}

    def ok(rate: float) -> bool:  # rate: requests per ms on one engine rank
        p95, n = m.p95_at(rate, state["n"])
        if n is not None:
            state["n"] = n
        state["why"] = "throughput" if p95 is None else _missed(p95, slos)
        return state["why"] is None

    # Bracket below the KV/max_num_seqs throughput ceiling, then bisect in log space.
    hi = m.ceiling
    lo = hi * 1e-4
    if not ok(lo):
        return 0.0, state["why"]
    state["n"], limit = 1.0, "throughput"
    for _ in range(11):
        mid = math.sqrt(lo * hi)
        if ok(mid):
            lo = mid
        else:
            hi, limit = mid, state["why"]
            state["n"] = 1.0
    return CONSERVATIVE * lo * 1e3 * config.data_parallel, limit
