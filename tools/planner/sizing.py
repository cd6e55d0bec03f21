"""Size replicas for the peak rate within the SLOs, then verify the size with the full prediction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from knowledge.catalog import Catalog
from knowledge.domain import BenchmarkRow, CostEstimate, Prediction, ServingConfig, SloCheck
from simulator.perf import SloTargets, estimate_capacity_rps, predict
from tools.planner.candidates import Candidate
from tools.planner.cost import estimate_cost, monthly_usd
from tools.planner.options import PlanOptions
from tools.planner.workload import PlanningWorkload

BenchmarkLookup = Callable[[ServingConfig], list[BenchmarkRow]]
MAX_REPLICAS = 10_000
VERIFY_STEPS = 3  # replicas added at most while the simulation still misses an SLO


@dataclass
class SizedOption:
    candidate: Candidate
    capacity_rps: float  # estimated per-replica rate within the SLOs (0 = SLOs unreachable at any rate)
    replicas: int
    min_replicas: int
    max_replicas: int
    monthly_usd: float  # screening figure; `cost` explains it once the option is verified
    cost: CostEstimate | None = None
    prediction: Prediction | None = None
    slo_checks: list[SloCheck] = field(default_factory=list)
    slo_reachable: bool = True  # False: no request rate meets every SLO on this configuration

    @property
    def total_gpus(self) -> int:
        return self.replicas * self.candidate.config.gpus_per_replica

    @property
    def meets_slos(self) -> bool:
        return bool(self.slo_checks) and all(c.met for c in self.slo_checks)

    def per_replica_rps(self, workload: PlanningWorkload) -> float:
        return workload.peak_rps / self.replicas


def slo_checks(prediction: Prediction, slos: SloTargets) -> list[SloCheck]:
    checks = []
    for metric, stats in (("ttft_p95_ms", prediction.ttft_ms), ("itl_p95_ms", prediction.itl_ms),
                          ("e2e_p95_ms", prediction.e2e_ms)):
        target = getattr(slos, metric)
        if target is None or stats is None:
            continue
        margin = (target - stats.p95) / target * 100
        checks.append(SloCheck(metric=metric, target_ms=target, predicted_ms=round(stats.p95, 2),
                               met=stats.p95 <= target, margin_pct=round(margin, 1)))
    return checks


def replica_counts(workload: PlanningWorkload, capacity: float, options: PlanOptions) -> tuple[int, int, int]:
    """(replicas for peak + headroom, autoscaling floor for the average, ceiling for bursts beyond plan)."""
    per = max(capacity, 1e-9)
    replicas = min(MAX_REPLICAS, max(1, math.ceil(workload.peak_rps * (1 + options.headroom) / per)))
    floor = 0 if workload.spec.allow_cold_start else 1
    minimum = min(replicas, max(floor, math.ceil(workload.avg_rps * (1 + options.headroom) / per)))
    maximum = min(MAX_REPLICAS, max(replicas, math.ceil(replicas * 1.5)))
    return replicas, minimum, maximum


def size(candidate: Candidate, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> SizedOption | None:
    """Replicas for the peak within the SLOs, or None when no rate meets them (see size_near_miss)."""
    capacity = estimate_capacity_rps(candidate.config, workload.peak_load, workload.slos, catalog)
    return _sized(candidate, capacity, workload, options, reachable=True) if capacity > 0 else None


def size_near_miss(candidate: Candidate, workload: PlanningWorkload, catalog: Catalog,
                   options: PlanOptions) -> SizedOption:
    """The SLOs cannot be met at any rate: size for throughput instead so the near miss has a real cost."""
    capacity = 0.7 * estimate_capacity_rps(candidate.config, workload.peak_load, SloTargets(), catalog)
    return _sized(candidate, capacity, workload, options, reachable=False)


def _sized(candidate: Candidate, capacity: float, workload: PlanningWorkload, options: PlanOptions, *,
           reachable: bool) -> SizedOption:
    replicas, minimum, maximum = replica_counts(workload, capacity, options)
    gpus = replicas * candidate.config.gpus_per_replica
    assert workload.spec.cost_model is not None
    return SizedOption(candidate=candidate, capacity_rps=capacity, replicas=replicas, min_replicas=minimum,
                       max_replicas=maximum, monthly_usd=monthly_usd(candidate.gpu, gpus, workload.spec.cost_model, options),
                       slo_reachable=reachable)


def _cost(candidate: Candidate, replicas: int, workload: PlanningWorkload, options: PlanOptions) -> CostEstimate:
    gpus = replicas * candidate.config.gpus_per_replica
    assert workload.spec.cost_model is not None and workload.spec.output_tokens is not None
    return estimate_cost(candidate.gpu, gpus, workload.spec.cost_model, options,
                         avg_rps=workload.avg_rps, output_tokens=workload.spec.output_tokens)


def verify(option: SizedOption, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions,
           benchmarks: BenchmarkLookup) -> SizedOption:
    """Predict one replica at its share of the peak; add replicas while an SLO is still missed."""
    rows = benchmarks(option.candidate.config)
    option.cost = _cost(option.candidate, option.replicas, workload, options)
    for step in range(VERIFY_STEPS + 1):
        load = workload.load_at(option.per_replica_rps(workload))
        option.prediction = predict(option.candidate.config, load, catalog, benchmarks=rows)
        option.slo_checks = slo_checks(option.prediction, workload.slos)
        if option.meets_slos or not option.prediction.fits or step == VERIFY_STEPS or not option.slo_reachable:
            break
        option.replicas += max(1, math.ceil(option.replicas * 0.25))
        option.max_replicas = max(option.max_replicas, option.replicas)
        option.cost = _cost(option.candidate, option.replicas, workload, options)
        option.monthly_usd = option.cost.monthly_usd
    return option
