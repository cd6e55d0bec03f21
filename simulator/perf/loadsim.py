"""Load simulation of one replica: request streams driven through the engine simulation.

Closed loop (N users sending their next request as soon as the last one ends), open loop Poisson at R
requests/s, or bursty (gamma inter-arrival times with a coefficient of variation). Lengths follow
lognormals fitted to each mean and p90 (fixed when p90 is None).

Steady state is measured: open loop drops the first requests (warm-up, while the batch fills) and keeps
arrivals flowing after the last measured one (cool-down) so that every measured request sees the load;
closed loop drops each user's first request (all users start together) and measures the following ones.
``requests_per_user`` instead reproduces a benchmark client (N users x that many requests, all measured,
the synchronized start included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowledge.catalog import Catalog
from knowledge.domain import LatencyStats, Load, LoadKind, ServingConfig
from knowledge.domain.prediction import BenchmarkProtocol
from simulator.perf.coefficients import CoefficientSet, EngineCoefficients, load_coefficients
from simulator.perf.offline_clock import EngineLimits, run_engine, sequence_usage
from simulator.perf.memory import MemoryPlan, plan_memory
from simulator.perf.steptime import StepTimeModel
from simulator.perf.workload import arrival_cv, interarrival_times, sample_lengths, uniform_lengths

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

CLIENT_GAP_MS = 0.5  # closed loop: a finished user's next request reaches the server this much later
MIN_MEASURED, MAX_MEASURED = 300, 1200
OVERLOAD_MARGIN = 1.1  # offered / sustained rate past which a run is overloaded (sampling noise stays below)
MIN_WINDOW_FINISHES = 20  # finishes inside the arrival window that make its completion rate a measurement


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
    model, gpu = catalog.model(config.model_id), catalog.gpu(config.gpu)
    if isinstance(coefficients, EngineCoefficients):
        coeffs = coefficients
    else:
        coeffs = (coefficients or load_coefficients()).for_family(gpu.family, "vllm")
    plan = plan_memory(model, config.precision, gpu, config.tensor_parallel,
                       gpu_memory_utilization=config.gpu_memory_utilization, max_model_len=config.max_model_len,
                       max_num_batched_tokens=config.max_num_batched_tokens, kv_cache_dtype=config.kv_cache_dtype,
                       max_num_seqs=config.max_num_seqs, data_parallel=config.data_parallel,
                       expert_parallel=config.expert_parallel)
    step = StepTimeModel(model, config.precision, gpu, config.tensor_parallel, coeffs,
                         data_parallel=config.data_parallel, expert_parallel=config.expert_parallel,
                         kv_cache_dtype=config.kv_cache_dtype, async_scheduling=config.async_scheduling)
    return step, plan, coeffs


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
        est = _little_estimate(step, lim, load, rate)
        measured = n_requests or int(np.clip(300 + 2 * est, MIN_MEASURED, MAX_MEASURED))
        warm = int(np.clip(1.5 * est + 20, 30, 3000))
        cool = int(np.clip(est + 10, 10, 2000))
        if rate > 1.5 * _throughput_ceiling(step, lim, load) and not n_requests:
            measured, warm, cool = 150, 30, 20  # hopelessly overloaded: enough to show it, no more
        n_total = warm + measured + cool
        gaps = interarrival_times(rng, n_total, rate, arrival_cv(load))
        gaps *= n_total / rate / gaps.sum()  # realized mean rate = offered rate (less sampling noise)
        arrivals = np.cumsum(gaps) * 1e3
    if protocol is not None:
        prompt = uniform_lengths(rng, n_total, load.prompt_tokens, protocol.length_spread, cap=model_len - 1)
        output = uniform_lengths(rng, n_total, load.output_tokens, protocol.length_spread)
    else:
        prompt = sample_lengths(rng, n_total, load.prompt_tokens, load.prompt_tokens_p90, cap=model_len - 1)
        output = sample_lengths(rng, n_total, load.output_tokens, load.output_tokens_p90)
    output = np.minimum(output, model_len - prompt)
    mask = np.zeros(n_total, bool)
    mask[warm:warm + measured] = True
    # A benchmark replay must finish whatever it costs; product predictions stop runaway overloads early.
    run = run_engine(step, lim, prompt, output, arrival_ms=arrivals, users=users, client_gap_ms=CLIENT_GAP_MS,
                     stop_after=mask, max_iterations=10**8 if requests_per_user else None,
                     cached_prefix=min(cached_prefix_tokens, int(prompt.min()) - 1))
    return _result(run, mask, prompt, coeffs, plan, load, dp, measured_rate=None if users else load.value / dp,
                   ceiling_rps=math.inf if users else _throughput_ceiling(step, lim, load))


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


def _throughput_ceiling(step: StepTimeModel, lim: EngineLimits, load: Load) -> float:
    """Requests/s one rank completes with its batch full (KV cache or max_num_seqs bound)."""
    a_full, _ = step.decode_context_ms()
    ctx = load.prompt_tokens + load.output_tokens / 2
    n = max(1.0, min(lim.max_num_seqs, lim.kv_capacity_tokens / sequence_usage(lim, ctx)))
    chunks = max(1, math.ceil(load.prompt_tokens / lim.max_num_batched_tokens))
    prefill_ms = chunks * step.batch_ms(load.prompt_tokens / chunks, 1)
    t_dec = step.batch_ms(n, n) + a_full * n * ctx
    return n / (n * prefill_ms + load.output_tokens * t_dec) * 1e3


def _result(run, mask: np.ndarray, prompt: np.ndarray, coeffs: EngineCoefficients, plan: MemoryPlan, load: Load,
            dp: int,
            measured_rate: float | None, ceiling_rps: float = math.inf) -> SimulationResult:
    import numpy as np
    arr, first, fin = run.arrival[mask], run.first_token[mask], run.finish[mask]
    out = run.output[mask]
    # API-server/streaming delay: a constant, the prompt's tokenization, a share growing with the requests streamed
    delay = coeffs.api_ms(run.batch_at_first[mask], prompt[mask])
    ttft = first - arr + delay
    e2e = fin - arr + delay
    with np.errstate(invalid="ignore", divide="ignore"):
        itl = np.where(out > 1, (fin - first) / np.maximum(out - 1, 1), np.nan)
    queue = run.scheduled[mask] - arr
    seen = arr[np.isfinite(arr)]
    t0, t1 = float(seen.min()), float(seen.max())
    if t1 - t0 < 1e-6:  # everything arrived at once: use the span of completions
        t1 = float(np.nanmax(fin)) if np.isfinite(fin).any() else run.end_ms
    all_fin = run.finish[np.isfinite(run.finish)]
    in_window = (all_fin >= t0) & (all_fin <= t1)
    rps = float(in_window.sum()) / max((t1 - t0) / 1e3, 1e-9)
    fin_out = run.output[np.isfinite(run.finish)][in_window]
    tok_s = float(fin_out.sum()) / max((t1 - t0) / 1e3, 1e-9)
    stable = True
    notes: list[str] = []
    if measured_rate is not None:
        window_ok = in_window.sum() >= MIN_WINDOW_FINISHES
        overloaded = (run.truncated or _queue_grows(arr, queue, e2e)
                      or (measured_rate > OVERLOAD_MARGIN * ceiling_rps and rps < measured_rate / OVERLOAD_MARGIN))
        if overloaded:
            stable = False
            # With the queue never empty the replica completes its ceiling: measured in the arrival window when
            # enough requests finished there, else the model's full-batch rate.
            sustained = min(rps, measured_rate) if window_ok else min(ceiling_rps, measured_rate)
            tok_s = tok_s * sustained / rps if window_ok and rps > 0 else sustained * float(np.mean(run.output))
            rps = sustained
            notes.append(f"overloaded: sustains at most {sustained * dp:.3g} req/s at this workload, "
                         f"{load.value:.3g} req/s offered; queues grow without bound, so latencies depend on how "
                         "long the overload lasts (those shown are of a short simulated burst, a lower bound)")
    elif run.truncated:
        stable = False
        done = np.isfinite(fin)
        notes.append(f"overloaded: the simulation stopped with {int(done.sum())} of {len(fin)} measured requests "
                     "served (latencies shown are of those, a lower bound)")
    if run.preemptions:
        notes.append(f"KV cache full: {run.preemptions} preemptions (recomputed) in the simulated run")
    if run.rejected:
        notes.append(f"{run.rejected} requests longer than the KV cache were rejected")
    return SimulationResult(
        ttft_ms=ttft, itl_ms=itl, e2e_ms=e2e, queue_ms=queue, output_tokens=out, throughput_rps=rps * dp,
        output_tokens_per_s=tok_s * dp, preemptions=run.preemptions, rejected=run.rejected,
        kv_usage_mean=run.kv_time_weighted / max(run.end_ms, 1e-9), kv_usage_max=run.kv_max,
        simulated_s=run.end_ms / 1e3, stable=stable, memory=plan, notes=notes)


def _queue_grows(arrival: np.ndarray, queue: np.ndarray, e2e: np.ndarray) -> bool:
    """Overload shows as queueing delay that keeps rising through the measured window."""
    import numpy as np
    order = np.argsort(arrival)
    q = queue[order]
    quarter = max(len(q) // 4, 1)
    early, late = np.nanmean(q[:quarter]), np.nanmean(q[-quarter:])
    if not np.isfinite(late):
        return True
    service = float(np.nanmedian(e2e - queue))
    return bool(late - early > max(1000.0, 0.5 * service))
