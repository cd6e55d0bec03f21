"""Size replicas for the peak rate within the SLOs, then verify the size with the full prediction.

Replicas buy throughput, not latency: a configuration that misses a target with one request in flight is
infeasible for that target whatever the replica count (``screen``), and one that meets the targets only at a small
share of its throughput is latency-bound (``size``): an expert picks a faster configuration instead of buying
many idle GPUs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from knowledge.catalog import Catalog
from knowledge.domain import BenchmarkRow, CostEstimate, Prediction, ServingConfig, SloCheck
from simulator.perf import LightLoadLatency, SloTargets, capacity_ceiling_rps, capacity_limit, light_load_p95, predict
from tools.planner.candidates import Candidate
from tools.planner.cost import cold_start_s, estimate_cost, monthly_usd
from tools.planner.memo import memo
from tools.planner.options import PlanOptions
from tools.planner.workload import PlanningWorkload

BenchmarkLookup = Callable[[ServingConfig], list[BenchmarkRow]]
MAX_REPLICAS = 10_000
# Strict latency targets legitimately keep GPUs far from full batch (a code completion ITL target can hold each
# replica near 10% of its batch throughput, whatever its tensor parallelism): that is what meeting them costs, and
# the cost ranking, not a cut-off, decides between such options. Verification trusts the analytic size this far:
# when the simulation still misses at LATENCY_BOUND times the estimate, the option is offered as a near miss.
LATENCY_BOUND = 4
NEAR_MISS_SHARE = 0.7  # a near miss is sized for this share of its full-batch rate (latency not met anyway)
SLO_METRICS = ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms")
RATE_GRID = 0.05  # verification simulates per-replica rates on a 5% geometric grid (rounded up)


def light_checks(light: LightLoadLatency, slos: SloTargets) -> list[SloCheck]:
    return [SloCheck.of(m, getattr(slos, m), getattr(light, m)) for m in SLO_METRICS if getattr(slos, m) is not None]


def completed(prediction: Prediction) -> bool:
    """Some requests completed in the simulation (finite p95s); not so when hopelessly overloaded."""
    stats = (prediction.ttft_ms, prediction.itl_ms, prediction.e2e_ms)
    return prediction.fits and all(s is not None and math.isfinite(s.p95) for s in stats)


def overloaded(prediction: Prediction) -> bool:
    """The offered rate exceeds what the replica sustains (the engine says so in its notes)."""
    return any(n.startswith("overloaded") for n in prediction.notes)


def passes(prediction: Prediction, checks: list[SloCheck]) -> bool:
    return completed(prediction) and not overloaded(prediction) and all(c.met for c in checks)


def slo_checks(prediction: Prediction, slos: SloTargets) -> list[SloCheck]:
    """Checks of a prediction; an empty list when no request completed (non-finite p95s: overloaded)."""
    checks = []
    for metric, stats in zip(SLO_METRICS, (prediction.ttft_ms, prediction.itl_ms, prediction.e2e_ms)):
        target = getattr(slos, metric)
        if target is None or stats is None:
            continue
        if not math.isfinite(stats.p95):
            return []
        checks.append(SloCheck.of(metric, target, stats.p95))
    return checks


@dataclass
class SizedOption:
    candidate: Candidate
    light: LightLoadLatency  # p95s with one request in flight
    targets: SloTargets
    ceiling_rps: float  # full-batch rate of one replica (KV cache / max_num_seqs bound), whatever the targets
    replicas: int
    min_replicas: int
    max_replicas: int
    monthly_usd: float  # screening figure until sized; `cost` explains it once the option is verified
    capacity_rps: float | None = None  # per-replica rate within the SLOs (None: screened only, not sized)
    estimated_capacity_rps: float | None = None  # the analytic figure, kept when the simulation contradicts it
    missed_at_rps: float | None = None  # the simulation missed an SLO at this per-replica rate (set when it did)
    by_throughput: int = 1  # replicas the sizing rate needs at full batch, whatever the targets
    latency_bound: bool = False  # the simulation misses at LATENCY_BOUND x the estimated replicas
    latency_replicas: int | None = None  # the replicas the simulation still missed at (set when latency-bound)
    estimated_replicas: int | None = None  # the capacity estimate's replicas, before the simulation
    full_replicas: int | None = None  # replicas the peak needs when capped to the GPU limit
    # replicas the peak plus its headroom needs, when the GPU limit leaves only enough for the peak itself (the
    # simulation serves the peak within every SLO on fewer): the plan says the headroom was given up
    headroom_replicas: int | None = None
    cost: CostEstimate | None = None
    prediction: Prediction | None = None
    slo_checks: list[SloCheck] = field(default_factory=list)

    @property
    def total_gpus(self) -> int:
        return self.replicas * self.candidate.config.gpus_per_replica

    def __post_init__(self) -> None:
        # plain floats, computed once: thousands of options are screened per plan
        light, targets = self.light, self.targets
        ok, log_sum, worst, n = True, 0.0, -math.inf, 0
        for predicted, target in ((light.ttft_p95_ms, targets.ttft_p95_ms), (light.itl_p95_ms, targets.itl_p95_ms),
                                  (light.e2e_p95_ms, targets.e2e_p95_ms)):
            if target is None:
                continue
            ok = ok and predicted <= target
            log_sum += math.log(max(predicted, 1e-6) / target)
            worst = max(worst, 100 * (predicted - target) / target)
            n += 1
        self.light_ok = ok
        self.light_ratio = math.exp(log_sum / n) if n else 1.0
        self.worst_light_miss_pct = worst if n else 0.0

    @property
    def light_checks(self) -> list[SloCheck]:
        return light_checks(self.light, self.targets)

    @property
    def slo_reachable(self) -> bool:
        """Some replica count meets every SLO (by the analytic capacity model)."""
        return self.light_ok and bool(self.capacity_rps) and not self.latency_bound

    @property
    def sized(self) -> bool:
        return self.capacity_rps is not None

    @property
    def completed(self) -> bool:
        return self.prediction is not None and completed(self.prediction)

    @property
    def meets_slos(self) -> bool:
        return self.prediction is not None and passes(self.prediction, self.slo_checks)

    @property
    def gpus_per_replica(self) -> int:
        return self.candidate.config.gpus_per_replica

    def per_replica_rps(self, workload: PlanningWorkload) -> float:
        return workload.peak_rps / self.replicas


def replica_counts(workload: PlanningWorkload, capacity: float, options: PlanOptions) -> tuple[int, int, int]:
    """(replicas for peak + headroom, autoscaling floor for the average, ceiling for bursts beyond plan)."""
    per = max(capacity, 1e-9)
    replicas = min(MAX_REPLICAS, max(1, math.ceil(workload.sizing_rps(options) / per)))
    # scale to zero: the autoscaler's floor is nothing; else the replicas the average load needs
    minimum = 0 if workload.spec.allow_cold_start else min(
        replicas, max(1, math.ceil(workload.avg_rps * (1 + options.headroom) / per)))
    maximum = min(MAX_REPLICAS, max(replicas, math.ceil(replicas * 1.5)))
    return replicas, minimum, maximum


def replica_weights_gb(candidate: Candidate) -> float:
    return candidate.memory.breakdown.weights_gb * candidate.config.tensor_parallel * candidate.config.data_parallel


def monthly_for(candidate: Candidate, replicas: int, workload: PlanningWorkload, options: PlanOptions) -> float:
    """What ``replicas`` of the candidate cost a month on the workload's schedule (screening and sizing)."""
    assert workload.spec.cost_model is not None
    gpr = candidate.config.gpus_per_replica
    hours = workload.schedule.gpu_hours(replicas * gpr, gpr, cold_start_s(replica_weights_gb(candidate)),
                                        options.price_tier)
    return monthly_usd(candidate.gpu, replicas * gpr, workload.spec.cost_model, options, gpu_hours=hours)


_monthly = monthly_for


def screen(candidate: Candidate, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> SizedOption:
    """Light-load latencies and the throughput bound: a lower bound of the size and cost, no search."""
    load, config = workload.peak_load, candidate.config
    light, ceiling = memo(catalog, "screen").get(  # plain values only: kept on disk, read back fast (warm_start)
        (candidate.model.id, candidate.precision.value, candidate.gpu.name, config.tensor_parallel,
         config.max_model_len, load.kind.value, load.burstiness_cv, load.prompt_tokens, load.output_tokens,
         load.prompt_tokens_p90, load.output_tokens_p90),
        lambda: (light_load_p95(config, load, catalog), capacity_ceiling_rps(config, load, catalog)))
    assert light is not None, "enumerated candidates fit in memory"
    replicas, minimum, maximum = replica_counts(workload, ceiling, options)
    return SizedOption(candidate=candidate, light=light, targets=workload.slos, ceiling_rps=ceiling, replicas=replicas, min_replicas=minimum, max_replicas=maximum,
                       monthly_usd=_monthly(candidate, replicas, workload, options))


def capacity_and_limit(config: ServingConfig, workload: PlanningWorkload, slos: SloTargets,
                       catalog: Catalog) -> tuple[float, str | None]:
    """The engine's capacity estimate and what stops a higher rate, kept per catalog: every plan of a workload
    class asks the same questions."""
    load = workload.peak_load
    key = (config, load.kind, load.burstiness_cv, load.prompt_tokens, load.output_tokens, load.prompt_tokens_p90,
           load.output_tokens_p90, slos.ttft_p95_ms, slos.itl_p95_ms, slos.e2e_p95_ms)
    return memo(catalog, "capacity").get(key, lambda: capacity_limit(config, load, slos, catalog))


def capacity(config: ServingConfig, workload: PlanningWorkload, slos: SloTargets, catalog: Catalog) -> float:
    return capacity_and_limit(config, workload, slos, catalog)[0]


def size(option: SizedOption, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> SizedOption:
    """Replicas for the peak within the SLOs (in place). Latency-bound options are sized for throughput."""
    if option.sized or not option.light_ok:
        return option
    cap = capacity(option.candidate.config, workload, workload.slos, catalog)
    option.capacity_rps = cap
    option.by_throughput = replica_counts(workload, option.ceiling_rps, options)[0]
    if cap <= 0:  # meets the targets with one request in flight, but at no useful rate
        return size_near_miss(option, workload, options)
    _resize(option, cap, workload, options)
    return option


def size_near_miss(option: SizedOption, workload: PlanningWorkload, options: PlanOptions) -> SizedOption:
    """No replica count meets every SLO: size for throughput so the near miss has a real cost."""
    option.capacity_rps = option.capacity_rps or 0.0
    _resize(option, NEAR_MISS_SHARE * option.ceiling_rps, workload, options)
    return option


def cap_to_gpu_limit(option: SizedOption, max_gpus: int | None, workload: PlanningWorkload,
                     options: PlanOptions) -> SizedOption:
    """Within ``max_gpus``: as many replicas as fit; the full count is kept to say what the peak would need."""
    if max_gpus is None or option.total_gpus <= max_gpus or option.gpus_per_replica > max_gpus:
        return option
    option.full_replicas = option.replicas
    option.replicas = max_gpus // option.gpus_per_replica
    option.min_replicas = min(option.min_replicas, option.replicas)
    option.max_replicas = option.replicas
    option.monthly_usd = _monthly(option.candidate, option.replicas, workload, options)
    return option


def _resize(option: SizedOption, per_replica: float, workload: PlanningWorkload, options: PlanOptions) -> None:
    option.replicas, option.min_replicas, option.max_replicas = replica_counts(workload, per_replica, options)
    option.monthly_usd = _monthly(option.candidate, option.replicas, workload, options)


def _cost(option: SizedOption, workload: PlanningWorkload, options: PlanOptions) -> CostEstimate:
    assert workload.spec.cost_model is not None
    return estimate_cost(option.candidate.gpu, option.total_gpus, workload.spec.cost_model, options,
                         output_tokens_per_month=workload.output_tokens_per_month,
                         gpus_per_replica=option.gpus_per_replica, weights_gb=replica_weights_gb(option.candidate),
                         schedule=workload.schedule)


def simulated_rate(rps: float) -> float:
    """The per-replica rate a verification simulates: the planned one rounded up to a RATE_GRID step, so plans
    of similar size share a simulation (never optimistic: the simulated load is at least the planned one)."""
    steps = math.ceil(math.log(max(rps, 1e-6)) / math.log1p(RATE_GRID) - 1e-9)
    return float(f"{math.exp(steps * math.log1p(RATE_GRID)):.6g}")


def _simulate(option: SizedOption, replicas: int, workload: PlanningWorkload, catalog: Catalog,
              rows: list[BenchmarkRow]) -> tuple[Prediction, list[SloCheck]]:
    planned = workload.peak_rps / replicas
    load = workload.load_at(simulated_rate(planned))
    config = option.candidate.config

    def run() -> Prediction:
        p = predict(config, load, catalog, benchmarks=rows)
        return p.model_copy(update={"notes": [*p.notes, f"simulated at {load.value:.4g} req/s per replica (the "
                                              f"planned rate rounded up to a {RATE_GRID:.1%} grid)"]})

    rows_key = tuple(r.model_dump_json() for r in rows) if rows else ()
    prediction = memo(catalog, "prediction").get((config, load, rows_key), run)
    return prediction, slo_checks(prediction, workload.slos)


def verify(option: SizedOption, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions,
           benchmarks: BenchmarkLookup, max_gpus: int | None = None) -> SizedOption:
    """Predict one replica at its share of the peak; while an SLO is missed, add replicas (never past the GPU
    limit or the latency bound), then take the fewest replicas between the last miss and the first pass that
    meet every SLO. An option still missing at LATENCY_BOUND times the estimate is a near miss."""
    rows = benchmarks(option.candidate.config)
    limit = MAX_REPLICAS if max_gpus is None else max(1, max_gpus // option.gpus_per_replica)
    bound = LATENCY_BOUND * max(option.by_throughput, option.replicas)
    replicas = option.estimated_replicas = option.replicas
    prediction, checks = _simulate(option, replicas, workload, catalog, rows)
    if option.slo_reachable and option.full_replicas is None:
        failed = None
        while not passes(prediction, checks) and prediction.fits and replicas < min(limit, bound):
            failed, replicas = replicas, min(limit, bound, replicas + max(1, math.ceil(replicas * 0.25)))
            prediction, checks = _simulate(option, replicas, workload, catalog, rows)
        if failed is not None and passes(prediction, checks):
            replicas, prediction, checks, failed = _fewest_passing(option, failed, replicas, prediction, checks,
                                                                   workload, catalog, rows)
            _verified_capacity(option, workload, failed, replicas)
        elif not passes(prediction, checks) and prediction.fits and limit <= replicas < bound:
            # stopped by the GPU limit: what the peak needs, by the same simulation, beyond the limit
            _needed_beyond_limit(option, replicas, bound, workload, catalog, rows)
        elif not passes(prediction, checks) and replicas >= bound:
            # latency-bound by the simulation: shown as a near miss at the size throughput needs, like the rest
            option.latency_bound, option.latency_replicas = True, replicas
            size_near_miss(option, workload, options)
            replicas = option.replicas
            prediction, checks = _simulate(option, replicas, workload, catalog, rows)
    if passes(prediction, checks) and not option.slo_reachable:
        # the simulation meets every SLO where the analytic screen saw none (or only latency-bound): it decides
        option.light_ok, option.latency_bound = True, False
        option.estimated_capacity_rps = option.capacity_rps or 0.0
        option.capacity_rps = simulated_rate(workload.peak_rps / replicas)  # what was simulated, nothing more
    if option.full_replicas is not None and passes(prediction, checks):
        # the simulation serves the whole peak within the limit, but not the headroom the estimate sized for
        option.headroom_replicas, option.full_replicas = option.full_replicas, None
    if replicas != option.replicas or option.latency_bound:
        option.replicas = replicas
        option.max_replicas = max(option.max_replicas, replicas) if max_gpus is None else min(
            max(option.max_replicas, replicas), limit)
    option.prediction, option.slo_checks = prediction, checks
    option.cost = _cost(option, workload, options)
    option.monthly_usd = option.cost.monthly_usd
    return option


def _fewest_passing(option: SizedOption, failed: int, passed: int, prediction: Prediction, checks: list[SloCheck],
                    workload: PlanningWorkload, catalog: Catalog, rows: list[BenchmarkRow]):
    while passed - failed > 1:
        mid = (failed + passed) // 2
        p, c = _simulate(option, mid, workload, catalog, rows)
        if passes(p, c):
            passed, prediction, checks = mid, p, c
        else:
            failed = mid
    return passed, prediction, checks, failed


def _verified_capacity(option: SizedOption, workload: PlanningWorkload, failed: int, passed: int) -> None:
    """The simulation missed at ``failed`` replicas and met every SLO at ``passed``: the rate one replica sustains
    within the SLOs is at least the one simulated at ``passed`` and below the one simulated at ``failed``. The
    analytic estimate above that is contradicted, so the verified figure replaces it (it is what the plan shows
    as the per-replica rate, the rate sustained within a GPU limit and the fully used volume)."""
    option.missed_at_rps = simulated_rate(workload.peak_rps / failed)
    verified = simulated_rate(workload.peak_rps / passed)
    if option.capacity_rps is not None and verified < option.capacity_rps:
        option.estimated_capacity_rps = option.estimated_capacity_rps or option.capacity_rps
        option.capacity_rps = verified


def _needed_beyond_limit(option: SizedOption, limit: int, bound: int, workload: PlanningWorkload, catalog: Catalog,
                         rows: list[BenchmarkRow]) -> None:
    """The GPU limit stopped the replicas before every SLO was met: the replicas the peak needs (kept as
    ``full_replicas``, the option itself stays within the limit) and the rate one replica sustains, simulated."""
    failed, replicas = limit, limit
    while replicas < bound:
        failed, replicas = replicas, min(bound, replicas + max(1, math.ceil(replicas * 0.25)))
        prediction, checks = _simulate(option, replicas, workload, catalog, rows)
        if passes(prediction, checks):
            needed, _, _, failed = _fewest_passing(option, failed, replicas, prediction, checks, workload, catalog,
                                                   rows)
            option.full_replicas = needed
            _verified_capacity(option, workload, failed, needed)
            return
