"""``plan(spec)``: the cheapest (or fastest, or best) configurations that meet the SLOs, ranked and explained."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec, Priority, Recommendation
from tools.errors import PlanningError
from tools.planner import ranking
from tools.planner.candidates import enumerate_candidates
from tools.planner.options import PlanOptions
from tools.planner.rationale import rationale, tradeoffs
from tools.planner.sizing import BenchmarkLookup, SizedOption, size, size_near_miss, verify
from tools.planner.workload import PlanningWorkload, workload_from_spec


MAX_PER_MODEL = 2


class WorkloadSummary(BaseModel):
    avg_rps: float
    peak_rps: float
    prompt_tokens: int
    prompt_tokens_p90: int
    output_tokens: int
    output_tokens_p90: int
    burstiness_cv: float
    ttft_p95_ms: float | None
    itl_p95_ms: float | None
    e2e_p95_ms: float | None
    max_model_len: int


class PlanResult(BaseModel):
    spec: DeploymentSpec = Field(description="the spec as planned, defaults filled and marked assumed")
    workload: WorkloadSummary
    recommendations: list[Recommendation]
    assumptions: list[str]
    notes: list[str]
    candidates_considered: int
    elapsed_ms: float

    @property
    def feasible(self) -> bool:
        return any(r.meets_slos for r in self.recommendations)


def _no_benchmarks(_config) -> list:
    return []


def plan(spec: DeploymentSpec, catalog: Catalog, *, benchmarks: BenchmarkLookup = _no_benchmarks,
         options: PlanOptions | None = None) -> list[Recommendation]:
    return plan_detailed(spec, catalog, benchmarks=benchmarks, options=options).recommendations


def plan_detailed(spec: DeploymentSpec, catalog: Catalog, *, benchmarks: BenchmarkLookup = _no_benchmarks,
                  options: PlanOptions | None = None) -> PlanResult:
    started = time.perf_counter()
    options = options or PlanOptions()
    workload = workload_from_spec(spec, catalog)
    enum = enumerate_candidates(workload, catalog, options)
    if not enum.candidates:
        hint = f" Closest: {enum.nearest_misfit}." if enum.nearest_misfit else ""
        raise PlanningError("No allowed model fits on any allowed GPU for this workload." + hint
                            + " Allow larger GPUs, more GPUs, a quantized precision or a smaller model.")
    sized = _size_all(enum.candidates, workload, catalog, options)
    shortlist = _shortlist(sized, workload, options)
    verified = [verify(o, workload, catalog, options, benchmarks) for o in shortlist]
    recs = _recommendations(verified, workload, options)
    notes = list(enum.notes)
    if not any(r.meets_slos for r in recs):
        notes.insert(0, "No configuration meets every SLO; these are the nearest misses and what relaxing would cost.")
    elif spec.budget_monthly_usd is not None and not any(r.meets_slos and r.within_budget for r in recs):
        cheapest = min(r.monthly_cost_usd for r in recs if r.meets_slos)
        notes.insert(0, f"Nothing meets the SLOs within ${spec.budget_monthly_usd:,.0f}/month; the cheapest option "
                        f"that does costs ${cheapest:,.0f}/month.")
    return PlanResult(
        spec=workload.spec, workload=_summary(workload), recommendations=recs,
        assumptions=[f"{k} = {getattr(workload.spec, k)} ({v.note})" for k, v in workload.spec.assumed_fields().items()],
        notes=notes, candidates_considered=len(enum.candidates),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _size_all(candidates, workload: PlanningWorkload, catalog: Catalog, options: PlanOptions) -> list[SizedOption]:
    """Size every candidate; near misses are sized for throughput only when too few meet the SLOs."""
    sized, missed = [], []
    for c in candidates:
        option = size(c, workload, catalog, options)
        (sized.append(option) if option else missed.append(c))
    if len(sized) < options.top_n:
        sized += [size_near_miss(c, workload, catalog, options) for c in missed]
    return sized


def _summary(w: PlanningWorkload) -> WorkloadSummary:
    load = w.peak_load
    return WorkloadSummary(avg_rps=w.avg_rps, peak_rps=w.peak_rps, prompt_tokens=load.prompt_tokens,
                           prompt_tokens_p90=load.prompt_tokens_p90 or load.prompt_tokens,
                           output_tokens=load.output_tokens, output_tokens_p90=load.output_tokens_p90 or load.output_tokens,
                           burstiness_cv=load.burstiness_cv, ttft_p95_ms=w.slos.ttft_p95_ms,
                           itl_p95_ms=w.slos.itl_p95_ms, e2e_p95_ms=w.slos.e2e_p95_ms, max_model_len=w.max_model_len)


def _prescore(options: list[SizedOption], workload: PlanningWorkload, priority: Priority) -> list[float]:
    """Priority score before simulation: cost and quality are known, latency from the unloaded roofline proxy."""
    load, target = workload.peak_load, workload.slos.e2e_p95_ms or 1.0
    lats = [o.candidate.e2e_proxy_ms(load.prompt_tokens, load.output_tokens) / target for o in options]
    return ranking.combined_scores([o.monthly_usd for o in options], lats,
                                   [ranking.quality_score(o, workload.template.name) for o in options], priority)


def _shortlist(sized: list[SizedOption], workload: PlanningWorkload, options: PlanOptions) -> list[SizedOption]:
    """Best option per (model, GPU) by the pre-score, feasible ones first, up to ``verify_top``."""
    spec = workload.spec
    priority = spec.priority or Priority.BALANCED
    scores = dict(zip(map(id, sized), _prescore(sized, workload, priority)))
    budget, max_gpus = spec.budget_monthly_usd, spec.max_gpus

    def key(o: SizedOption):
        over = (budget is not None and o.monthly_usd > budget) or (max_gpus is not None and o.total_gpus > max_gpus)
        return (not o.slo_reachable, over, scores[id(o)])

    best: dict[tuple[str, str], SizedOption] = {}
    for o in sorted(sized, key=key):
        best.setdefault((o.candidate.model.id, o.candidate.gpu.name), o)
    picked: list[SizedOption] = []
    per_model: dict[str, int] = {}
    for o in best.values():  # at most two GPUs per model, so the options show real alternatives
        if per_model.get(o.candidate.model.id, 0) < MAX_PER_MODEL:
            per_model[o.candidate.model.id] = per_model.get(o.candidate.model.id, 0) + 1
            picked.append(o)
    return picked[: options.verify_top]


def _recommendations(verified: list[SizedOption], workload: PlanningWorkload,
                     options: PlanOptions) -> list[Recommendation]:
    spec = workload.spec
    priority, uc = spec.priority or Priority.BALANCED, workload.template.name
    budget, max_gpus = spec.budget_monthly_usd, spec.max_gpus
    ordered = ranking.order([o for o in verified if o.prediction and o.prediction.fits], priority, uc, budget, max_gpus)
    top = ordered[: options.top_n]
    if not top:
        raise PlanningError("None of the shortlisted configurations could be simulated; widen the constraints.")
    pareto = ranking.pareto_flags(top, uc)
    recs = []
    for i, (o, on_frontier) in enumerate(zip(top, pareto), start=1):
        assert o.prediction is not None
        recs.append(Recommendation(
            rank=i, config=o.candidate.config, replicas=o.replicas, min_replicas=o.min_replicas,
            max_replicas=o.max_replicas, load_per_replica_rps=round(o.per_replica_rps(workload), 4),
            prediction=o.prediction, cost=o.cost, quality=o.candidate.quality(uc), slo_checks=o.slo_checks,
            meets_slos=o.meets_slos, within_budget=budget is None or o.monthly_usd <= budget,
            pareto_optimal=on_frontier, rationale=rationale(o, i, top, priority, uc, budget),
            tradeoffs=tradeoffs(o, budget, max_gpus),
        ))
    return recs
