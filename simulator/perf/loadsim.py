"""Load simulation of one replica: request streams driven through the engine simulation.

Closed loop (N users sending their next request as soon as the last one ends), open loop Poisson at R
requests/s, or bursty (gamma inter-arrival times with a coefficient of variation). Lengths follow
lognormals fitted to each mean and p90 (fixed when p90 is None).

Steady state is measured: open loop drops the first requests (warm-up, while the batch fills) and keeps
arrivals flowing after the last measured one (cool-down) so that every measured request sees the load;
closed loop drops each user's first request (all users start together) and measures the following ones.
``requests_per_user`` instead reproduces a benchmark client (N users x that many requests, all measured,
the synchronized start included).

What a replica sustains is one figure of the configuration and workload (``sustained_rps``: simulated with its
queue never empty), whatever rate is offered: an open-loop run offered more is overloaded, serves that figure, and
its latencies are those of a burst of requests at the offered rate (one arrival pattern, time-compressed, at every
rate, so they rise with it).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from knowledge.catalog import Catalog
from knowledge.domain import LatencyStats, Load, LoadKind, ServingConfig, display
from knowledge.domain.prediction import BenchmarkProtocol
from knowledge.memo import table
from simulator.perf.coefficients import CoefficientSet, EngineCoefficients, load_coefficients
from simulator.perf.offline_clock import EngineLimits, EngineRun, run_engine, sequence_usage
from simulator.perf.memory import MemoryPlan, plan_memory
from simulator.perf.steptime import StepTimeModel
from simulator.perf.workload import arrival_cv, arrival_times_s, fit_to_context, sample_lengths, uniform_lengths

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

CLIENT_GAP_MS = 0.5  # closed loop: a finished user's next request reaches the server this much later
MIN_MEASURED, MAX_MEASURED = 300, 1200
# Saturation runs: enough requests that the middle of the run has the batch full with a queue behind it
# (several batches' worth), bounded for the cost; the rate there is timed over the middle half of the finishes.
SATURATION_REQUESTS = (1500, 8000)
SATURATION_BATCHES = 8
SATURATION_OFFER = 1.5  # second run's arrival rate / the backlog's completion rate: the queue never empties
SCALE_BATCHES, MIN_SCALE_REQUESTS = 3, 200  # the backlog run that only finds the scale of the rate
SUSTAINED, SUSTAINED_KEPT = "sustained", 20_000  # memo table of the figures (one per configuration and load
# shape): tools/planner/warm_start.py keeps it on disk with the planner's tables
# catalog cache of config_parts' step models and memory plans (first built, first out)
CONFIG_PARTS, CONFIG_PARTS_KEPT, STEP_MODEL = "perf.config_parts", 40_000, "step model"


class DoesNotFitError(ValueError):
    def __init__(self, plan: MemoryPlan):
        self.plan = plan
        super().__init__(plan.reason or "does not fit")


@dataclass
class SimulationResult:
    """Per measured request (ms) and replica-level figures."""

    ttft_ms: np.ndarray
    itl_ms: np.ndarray  # per request: mean time between its output tokens
    e2e_ms: np.ndarray
    queue_ms: np.ndarray  # arrival -> first scheduled
    output_tokens: np.ndarray
    throughput_rps: float
    output_tokens_per_s: float
    preemptions: int
    rejected: int
    kv_usage_mean: float  # time-averaged fraction of the KV cache in use
    kv_usage_max: float
    simulated_s: float
    stable: bool  # False when the offered load exceeds what the replica serves (queues keep growing)
    memory: MemoryPlan
    notes: list[str] = field(default_factory=list)

    def stats(self, metric: str, band_pct: float | None = None) -> LatencyStats:
        values = getattr(self, f"{metric}_ms")
        return latency_stats(values, band_pct)


def latency_stats(values: np.ndarray, band_pct: float | None = None) -> LatencyStats:
    import numpy as np
    v = values[np.isfinite(values)]
    if not len(v):
        v = np.array([math.nan])
    p50, p90, p95, p99 = np.percentile(v, [50, 90, 95, 99])
    return LatencyStats(mean=float(v.mean()), p50=float(p50), p90=float(p90), p95=float(p95), p99=float(p99),
                        band_pct=band_pct)


def config_parts(config: ServingConfig, catalog: Catalog, coefficients: CoefficientSet | EngineCoefficients | None
                 ) -> tuple[StepTimeModel, MemoryPlan, EngineCoefficients]:
    """The step-time model, memory plan and engine coefficients of ``config``. All three are pure functions of
    their inputs and never changed once built (the memory plan is frozen), so each is built once per catalog
    snapshot: the plan per configuration and coefficients, the step model per the fields it depends on (the many
    configurations that differ only in their memory settings share one, and the step times it keeps)."""
    model, gpu = catalog.model(config.model_id), catalog.gpu(config.gpu)
    if isinstance(coefficients, EngineCoefficients):
        coeffs = coefficients
    else:
        coeffs = (coefficients or load_coefficients()).for_family(gpu.family, "vllm")
    cache = catalog._cache.get(CONFIG_PARTS)
    if cache is None:
        cache = catalog._cache.setdefault(CONFIG_PARTS, OrderedDict())
    key = (config, coeffs)
    found = cache.get(key)
    if found is None:
        plan = memory_plan(config, catalog)
        step_key = (STEP_MODEL, config.model_id, config.precision, config.gpu, config.tensor_parallel,
                    config.data_parallel, config.expert_parallel, config.kv_cache_dtype, config.async_scheduling,
                    coeffs)
        step = cache.get(step_key)
        if step is None:
            step = cache[step_key] = StepTimeModel(
                model, config.precision, gpu, config.tensor_parallel, coeffs, data_parallel=config.data_parallel,
                expert_parallel=config.expert_parallel, kv_cache_dtype=config.kv_cache_dtype,
                async_scheduling=config.async_scheduling)
        found = cache[key] = (step, plan, coeffs)
        while len(cache) > CONFIG_PARTS_KEPT:
            cache.popitem(last=False)
    return found


def memory_plan(config: ServingConfig, catalog: Catalog) -> MemoryPlan:
    """The memory plan of ``config``, with every engine setting that moves it."""
    return plan_memory(catalog.model(config.model_id), config.precision, catalog.gpu(config.gpu),
                       config.tensor_parallel, gpu_memory_utilization=config.gpu_memory_utilization,
                       max_model_len=config.max_model_len, max_num_batched_tokens=config.max_num_batched_tokens,
                       kv_cache_dtype=config.kv_cache_dtype, max_num_seqs=config.max_num_seqs,
                       data_parallel=config.data_parallel, expert_parallel=config.expert_parallel)


def engine_limits(config: ServingConfig, plan: MemoryPlan) -> EngineLimits:
    full = plan.kv_bytes_per_token_per_gpu or plan.swa_bytes_per_token_per_gpu
    return EngineLimits(
        max_num_seqs=config.max_num_seqs, max_num_batched_tokens=config.max_num_batched_tokens,
        kv_capacity_tokens=plan.kv_cache_bytes_per_gpu / full, window=plan.sliding_window,
        window_ratio=plan.swa_bytes_per_token_per_gpu / full if plan.kv_bytes_per_token_per_gpu else 0.0)


def simulate(config: ServingConfig, load: Load, catalog: Catalog, *, n_requests: int | None = None, seed: int = 0,
             coefficients: CoefficientSet | EngineCoefficients | None = None,
             requests_per_user: int | None = None, protocol: BenchmarkProtocol | None = None,
             cached_prefix_tokens: int = 0) -> SimulationResult:
    """Simulate one replica under ``load``; raises DoesNotFitError when the configuration cannot start.

    ``protocol`` replays a closed-loop benchmark client (``requests_per_user`` alone: the same with the load's own
    length distribution); under it the load's lengths are the benchmark's L. ``cached_prefix_tokens``: a prompt
    prefix every request shares and prefix caching keeps (computed once, by the first request).
    """
    import numpy as np
    if protocol is not None:
        if load.kind is not LoadKind.CONCURRENCY:
            raise ValueError("a benchmark protocol replays a closed loop: give a concurrency, not a request rate")
        requests_per_user = protocol.requests_per_user
    step, plan, coeffs = config_parts(config, catalog, coefficients)
    if not plan.fits:
        raise DoesNotFitError(plan)
    lim = engine_limits(config, plan)
    rng = np.random.default_rng(seed)
    dp = config.data_parallel
    model_len = plan.max_model_len
    if load.kind is LoadKind.CONCURRENCY:
        users = max(1, int(round(load.value / dp)))
        if requests_per_user:
            per_user, warm, measured = requests_per_user, 0, users * requests_per_user
        else:
            target = n_requests or _closed_loop_target(users)
            per_user = 2 + max(2, math.ceil(target / users))
            warm, measured = users, users * (per_user - 2)
        n_total = users * per_user
        arrivals = None
    else:
        users = 0
        rate = load.value / dp
        # Past saturation the Little estimate stays at max_num_seqs: every overloaded rate runs the same requests.
        est = _little_estimate(step, lim, load, rate)
        measured = n_requests or int(np.clip(300 + 2 * est, MIN_MEASURED, MAX_MEASURED))
        warm = int(np.clip(1.5 * est + 20, 30, 3000))
        cool = int(np.clip(est + 10, 10, 2000))
        n_total = warm + measured + cool
        arrivals = _arrival_ms(rng, n_total, rate, arrival_cv(load))
    if protocol is not None:
        prompt = uniform_lengths(rng, n_total, load.prompt_tokens, protocol.length_spread)
        output = uniform_lengths(rng, n_total, load.output_tokens, protocol.length_spread)
    else:
        prompt = sample_lengths(rng, n_total, load.prompt_tokens, load.prompt_tokens_p90)
        output = sample_lengths(rng, n_total, load.output_tokens, load.output_tokens_p90)
    prompt, output = fit_to_context(prompt, output, model_len)
    mask = np.zeros(n_total, bool)
    mask[warm:warm + measured] = True
    # A benchmark replay must finish whatever it costs; product predictions stop runaway overloads early.
    run = run_engine(step, lim, prompt, output, arrival_ms=arrivals, users=users, client_gap_ms=CLIENT_GAP_MS,
                     stop_after=mask, max_iterations=10**8 if requests_per_user else None,
                     cached_prefix=min(cached_prefix_tokens, int(prompt.min()) - 1))
    sustained = None if users else sustained_rps(config, load, catalog, coefficients=coefficients,
                                                 cached_prefix_tokens=cached_prefix_tokens) / dp
    return _result(run, mask, prompt, coeffs, plan, load, dp, offered_rate=None if users else load.value / dp,
                   sustained_rate=sustained)


def _arrival_ms(rng: np.random.Generator, n: int, rate: float, cv: float) -> np.ndarray:
    """Arrival times (ms) of ``n`` requests at ``rate``/s, drawn first from a fresh generator and rescaled to the
    rate: a seed gives every rate the same arrival pattern, time-compressed (and, past saturation, where ``n``
    stays the same, the same requests)."""
    return arrival_times_s(rng, n, rate, cv) * 1e3


def sustained_rps(config: ServingConfig, load: Load, catalog: Catalog, *,
                  coefficients: CoefficientSet | EngineCoefficients | None = None,
                  cached_prefix_tokens: int = 0) -> float:
    """Requests/s the replica completes with its queue never empty: the most it sustains at this workload (its
    lengths, arrival shape and cached prompt prefix), however much more is offered. One figure per configuration
    and load shape, simulated once and kept in the catalog's memo table SUSTAINED (plain values only: a later
    process reads it back from the planner's kept results). 0 when the configuration does not fit."""
    key = (_plain(config), arrival_cv(load), load.prompt_tokens, load.output_tokens, load.prompt_tokens_p90,
           load.output_tokens_p90, cached_prefix_tokens, _coefficients_key(config, catalog, coefficients))

    def rate() -> float:
        step, plan, _ = config_parts(config, catalog, coefficients)
        if not plan.fits:
            return 0.0
        return _saturated_rate(step, engine_limits(config, plan), plan, load, cached_prefix_tokens) \
            * config.data_parallel
    return table(catalog, SUSTAINED, SUSTAINED_KEPT).get(key, rate)


def _plain(config: ServingConfig) -> tuple:
    """Every field of the configuration as plain values (a new field joins the key by itself); pickle reads
    these many times faster than the pydantic model."""
    return tuple(v.value if isinstance(v, Enum) else v for v in config.__dict__.values())


def _coefficients_key(config: ServingConfig, catalog: Catalog,
                      coefficients: CoefficientSet | EngineCoefficients | None) -> EngineCoefficients | None:
    """None for the committed fit (the kept results' fingerprint covers it), else the configuration's engine
    coefficients by value (an object's id can be reused once it is freed)."""
    if coefficients is None or isinstance(coefficients, EngineCoefficients):
        return coefficients
    return coefficients.for_family(catalog.gpu(config.gpu).family, "vllm")


def _saturated_rate(step: StepTimeModel, lim: EngineLimits, plan: MemoryPlan, load: Load,
                    cached_prefix_tokens: int) -> float:
    """One engine rank's completion rate with its batch full and a queue waiting (requests/s).

    A backlog (every request waiting at time 0) admits them in lockstep cohorts, which an overloaded stream does
    not; so it only finds the scale: a second run offered SATURATION_OFFER x that rate fills the batch as arrivals
    come, staggered as a real overload is, and keeps a queue behind it through the middle of the run, which is
    timed."""
    import numpy as np
    ctx = load.prompt_tokens + load.output_tokens
    batch = max(1.0, min(lim.max_num_seqs, lim.kv_capacity_tokens / sequence_usage(lim, ctx)))
    n = int(np.clip(SATURATION_BATCHES * batch, *SATURATION_REQUESTS))
    rng = np.random.default_rng(0)
    prompt, output = fit_to_context(sample_lengths(rng, n, load.prompt_tokens, load.prompt_tokens_p90),
                                    sample_lengths(rng, n, load.output_tokens, load.output_tokens_p90),
                                    plan.max_model_len)
    how = {"max_iterations": 50 * n + 3000,  # a thrashing cache still finishes: its rate is the point
           "cached_prefix": min(cached_prefix_tokens, int(prompt.min()) - 1)}
    few = min(n, int(SCALE_BATCHES * batch) + MIN_SCALE_REQUESTS)  # the scale needs less than the figure
    backlog = run_engine(step, lim, prompt[:few], output[:few], arrival_ms=np.zeros(few),
                         finishes=_timed_finishes(few), **how)
    rate = _middle_rate(backlog.finish, few)
    if not rate > 0:
        return 0.0
    arrivals = _arrival_ms(np.random.default_rng(1), n, SATURATION_OFFER * rate, arrival_cv(load))
    staggered = run_engine(step, lim, prompt, output, arrival_ms=arrivals, finishes=_timed_finishes(n), **how)
    return _middle_rate(staggered.finish, n) or rate


def _timed_finishes(n: int) -> int:
    """Finishes a run of ``n`` requests needs for its middle half to be timed: the drain after it changes none of
    them, so a saturation run stops there."""
    return (3 * n) // 4 + 1


def _middle_rate(finish: np.ndarray, n: int | None = None) -> float:
    """Finishes per second over the middle half of the ``n`` requests' finishes (the batch full, past the start,
    before the drain); over the middle half of those that finished when fewer than that did (an iteration budget
    ran out, or requests were refused); 0 when too few finished to time."""
    import numpy as np
    done = np.sort(finish[np.isfinite(finish)])
    if n is None or len(done) < _timed_finishes(n):
        n = len(done)
    lo, hi = n // 4, (3 * n) // 4
    if hi - lo < 2 or done[hi] <= done[lo]:
        return 0.0
    return float((hi - lo) / ((done[hi] - done[lo]) / 1e3))  # a float, not numpy's (kept results stay plain)


def _closed_loop_target(users: int) -> int:
    import numpy as np
    return int(np.clip(200 + 2 * users, MIN_MEASURED, MAX_MEASURED))


def _little_estimate(step: StepTimeModel, lim: EngineLimits, load: Load, rate: float) -> float:
    """Mean number of requests in the engine (Little's law), by fixed-point iteration on the decode step."""
    a_full, _ = step.decode_context_ms()
    ctx = load.prompt_tokens + load.output_tokens / 2
    prefill_ms = step.batch_ms(load.prompt_tokens, 1)
    stretch = 1.0 / (1.0 - min(0.9, rate * prefill_ms / 1e3))  # decode steps share time with prefills
    busy = 1.0
    for _ in range(6):
        t_dec = (step.batch_ms(busy, busy) + a_full * busy * ctx) * stretch
        e2e_s = (prefill_ms + load.output_tokens * t_dec) / 1e3
        busy = min(max(1.0, rate * e2e_s), lim.max_num_seqs)
    return busy


def request_latencies(run: EngineRun, mask: np.ndarray, prompt: np.ndarray, coeffs: EngineCoefficients
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TTFT, ITL (each request's mean gap between its tokens, NaN for one token) and E2E (ms) of the requests in
    ``mask``, as a client measures them: the API server's delay (a constant, the prompt's tokenization, a share
    growing with the requests streamed) comes before the engine's first token and counts in both TTFT and E2E."""
    import numpy as np
    arr, first, fin, out = run.arrival[mask], run.first_token[mask], run.finish[mask], run.output[mask]
    delay = coeffs.api_ms(run.batch_at_first[mask], prompt[mask])
    with np.errstate(invalid="ignore", divide="ignore"):
        itl = np.where(out > 1, (fin - first) / np.maximum(out - 1, 1), np.nan)
    return first - arr + delay, itl, fin - arr + delay


def _result(run, mask: np.ndarray, prompt: np.ndarray, coeffs: EngineCoefficients, plan: MemoryPlan, load: Load,
            dp: int, offered_rate: float | None, sustained_rate: float | None) -> SimulationResult:
    """Per-request latencies of the measured requests and the rank's throughput. Open loop (``offered_rate``, per
    rank): a stable rank serves what is offered; past ``sustained_rate`` it serves that and the queue grows."""
    import numpy as np
    arr, fin, out = run.arrival[mask], run.finish[mask], run.output[mask]
    ttft, itl, e2e = request_latencies(run, mask, prompt, coeffs)
    queue = run.scheduled[mask] - arr
    stable = True
    notes: list[str] = []
    if offered_rate is not None:
        rps = min(offered_rate, sustained_rate)
        tok_s = rps * float(np.mean(run.output))
        if offered_rate > sustained_rate:
            stable = False
            span_s = float(np.nanmax(run.arrival) - np.nanmin(run.arrival)) / 1e3
            notes.append(f"overloaded: sustains at most {display.rate(sustained_rate * dp)} req/s at this workload, "
                         f"{display.rate(load.value)} req/s offered; queues grow without bound, so latencies depend on how "
                         f"long the overload lasts (those shown are of a burst of {len(run.arrival):,} requests "
                         f"arriving over {span_s:.3g} s, a lower bound)")
    else:
        rps, tok_s = _window_rates(run, arr, fin)
    if run.truncated:  # a cache thrashing with preemptions: the iteration budget ran out
        said = not stable
        stable = False
        done = int(np.isfinite(fin).sum())
        notes.append(f"{'the' if said else 'overloaded: the'} simulation stopped with {done} of {len(fin)} measured "
                     "requests served (latencies shown are of those, a lower bound)")
    if run.preemptions:
        notes.append(f"KV cache full: {run.preemptions} preemptions (recomputed) in the simulated run")
    if run.rejected:
        notes.append(f"{run.rejected} requests longer than the KV cache were rejected")
    return SimulationResult(
        ttft_ms=ttft, itl_ms=itl, e2e_ms=e2e, queue_ms=queue, output_tokens=out, throughput_rps=rps * dp,
        output_tokens_per_s=tok_s * dp, preemptions=run.preemptions, rejected=run.rejected,
        kv_usage_mean=run.kv_time_weighted / max(run.end_ms, 1e-9), kv_usage_max=run.kv_max,
        simulated_s=run.end_ms / 1e3, stable=stable, memory=plan, notes=notes)


def _window_rates(run, arr: np.ndarray, fin: np.ndarray) -> tuple[float, float]:
    """Closed loop: requests and output tokens per second completed while the measured requests arrived."""
    import numpy as np
    seen = arr[np.isfinite(arr)]
    t0, t1 = float(seen.min()), float(seen.max())
    if t1 - t0 < 1e-6:  # everything arrived at once: use the span of completions
        t1 = float(np.nanmax(fin)) if np.isfinite(fin).any() else run.end_ms
    done = np.isfinite(run.finish)
    in_window = (run.finish[done] >= t0) & (run.finish[done] <= t1)
    seconds = max((t1 - t0) / 1e3, 1e-9)
    return float(in_window.sum()) / seconds, float(run.output[done][in_window].sum()) / seconds
