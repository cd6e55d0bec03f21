"""``plan(spec)``: the cheapest (or fastest, or best) configurations that meet the SLOs, ranked and explained."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec, PriceTier, Priority, Recommendation
from tools.errors import PlanningError
from tools.planner import ranking
from tools.planner.api_compare import ApiAlternative, compare_with_apis
from tools.planner.candidates import enumerate_candidates
from tools.planner.explain import Considered, GpuLimitOutcome, binding_constraint, considered, gpu_limit_outcome
from tools.planner.options import PlanOptions
from tools.planner.rationale import describe, fmt_ms, fmt_rps, rationale, tradeoffs
from tools.planner.search import Search
from tools.planner.sizing import BenchmarkLookup, SizedOption, monthly_for, screen
from tools.planner.workload import PlanningWorkload, workload_from_spec


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
    considered: list[Considered] = Field(
        default_factory=list, description="best verdict per model x GPU x precision evaluated, then what did not "
                                          "fit or was excluded")
    gpu_limit: GpuLimitOutcome | None = Field(default=None, description="set when the peak needs more GPUs "
                                                                        "than max_gpus allows")
    api_comparison: list[ApiAlternative] = Field(
        default_factory=list, description="option 1 against a hosted per-token API for the same or a comparable "
                                          "model: cost at this volume and the break-even volume")

    @property
    def feasible(self) -> bool:
        return any(r.meets_slos for r in self.recommendations)


def _no_benchmarks(_config) -> list:
    return []


def plan(spec: DeploymentSpec, catalog: Catalog, *, benchmarks: BenchmarkLookup = _no_benchmarks,
         options: PlanOptions | None = None) -> list[Recommendation]:
    return plan_detailed(spec, catalog, benchmarks=benchmarks, options=options).recommendations


def plan_detailed(spec: DeploymentSpec, catalog: Catalog, *, benchmarks: BenchmarkLookup = _no_benchmarks,
                  options: PlanOptions | None = None, tensor_parallel: int | None = None) -> PlanResult:
    """Rank the configurations for ``spec``; ``tensor_parallel`` restricts the degree (why-not questions)."""
    started = time.perf_counter()
    options = options or PlanOptions()
    if not spec.stated("price_tier") and options.price_tier is not PriceTier.ON_DEMAND:
        spec = spec.with_values("stated", "plan options", price_tier=options.price_tier)
    workload = workload_from_spec(spec, catalog)
    options = options.model_copy(update={"price_tier": workload.spec.price_tier or options.price_tier})
    enum = enumerate_candidates(workload, catalog, options, tensor_parallel=tensor_parallel)
    if not enum.candidates:
        hint = f" Closest: {enum.nearest_misfit}." if enum.nearest_misfit else ""
        raise PlanningError("No allowed model fits on any allowed GPU for this workload." + hint
                            + " Allow larger GPUs, more GPUs, a quantized precision or a smaller model.")
    screened = [screen(c, workload, catalog, options) for c in enum.candidates]
    search = Search(screened, workload, catalog, options, benchmarks)
    search.size_promising()
    verified = search.verify(search.shortlist())
    ranked, dropped = _ranked(verified, workload, options)
    if not ranked:
        raise PlanningError(_nothing_completes(screened, workload))
    recs = _recommendations(ranked, workload, catalog, options)
    notes = workload.notes() + list(enum.notes) + dropped + _unchecked_note(search, len(ranked))
    limit = gpu_limit_outcome(recs, ranked, search.reachable(), workload, options)
    if limit is not None:
        notes.insert(0, limit.text)
    elif not any(r.meets_slos and not o.latency_bound for r, o in zip(recs, ranked)):
        notes.insert(0, _no_feasible_note(screened, workload, options))
    elif spec.budget_monthly_usd is not None and not any(r.meets_slos and r.within_budget for r in recs):
        cheapest = min(r.monthly_cost_usd for r in recs if r.meets_slos)
        notes.insert(0, f"Nothing meets the SLOs within ${spec.budget_monthly_usd:,.0f}/month; the cheapest option "
                        f"that does costs ${cheapest:,.0f}/month.")
    ranks = {id(o): i for i, o in enumerate(ranked, start=1)}
    return PlanResult(
        spec=workload.spec, workload=_summary(workload), recommendations=recs,
        assumptions=[f"{k} = {getattr(workload.spec, k)} ({v.note})" for k, v in workload.spec.assumed_fields().items()],
        notes=notes, candidates_considered=len(enum.candidates),
        considered=considered(screened, enum, workload, catalog, ranks, recs[0], options, search.unchecked),
        gpu_limit=limit,
        api_comparison=compare_with_apis(ranked[0], workload, catalog),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _summary(w: PlanningWorkload) -> WorkloadSummary:
    load = w.peak_load
    return WorkloadSummary(avg_rps=w.avg_rps, peak_rps=w.peak_rps, prompt_tokens=load.prompt_tokens,
                           prompt_tokens_p90=load.prompt_tokens_p90 or load.prompt_tokens,
                           output_tokens=load.output_tokens, output_tokens_p90=load.output_tokens_p90 or load.output_tokens,
                           burstiness_cv=load.burstiness_cv, ttft_p95_ms=w.slos.ttft_p95_ms,
                           itl_p95_ms=w.slos.itl_p95_ms, e2e_p95_ms=w.slos.e2e_p95_ms, max_model_len=w.max_model_len)


def _ranked(verified: list[SizedOption], workload: PlanningWorkload,
            options: PlanOptions) -> tuple[list[SizedOption], list[str]]:
    """The verified options in rank order, top_n of them, one per model x GPU; overloaded ones (no request
    completed) are dropped."""
    spec = workload.spec
    usable = [o for o in verified if o.completed]
    dropped = [f"{describe(o)} left out: no request completed in the simulation at "
               f"{fmt_rps(o.per_replica_rps(workload))} per replica (overloaded)"
               for o in verified if o.prediction and o.prediction.fits and not o.completed]
    ordered = ranking.order(usable, spec.priority or Priority.BALANCED, workload.template.name,
                            spec.budget_monthly_usd, spec.max_gpus)
    return ranking.shown(ordered, options.top_n), dropped[:3]


def _unchecked_note(search: Search, shown: int) -> list[str]:
    """Said when the search stopped before every configuration that could rank higher was simulated."""
    if not search.unchecked:
        return []
    first = min(search.unchecked, key=lambda o: o.monthly_usd)
    return [f"{len(search.unchecked)} more configuration(s) could rank above option {shown} by their estimates but "
            f"were not simulated (the search stops after {search.max_completions} extra simulations), e.g. "
            f"{describe(first)} "
            f"from ${first.monthly_usd:,.0f}/month; ask why-not about one to have it simulated."]


def _no_feasible_note(screened: list[SizedOption], workload: PlanningWorkload, options: PlanOptions) -> str:
    return "No configuration meets every SLO; these are the nearest misses and what relaxing would cost."


def _nothing_completes(screened: list[SizedOption], workload: PlanningWorkload) -> str:
    fastest = min(screened, key=lambda o: o.light.ttft_p95_ms)
    load = workload.peak_load
    return (f"No configuration completes requests of this size at {fmt_rps(workload.peak_rps)}: with "
            f"{load.prompt_tokens:,}-token prompts the fastest one ({describe(fastest)}) takes "
            f"{fmt_ms(fastest.light.ttft_p95_ms)} to the first token even with one request in flight (p95, "
            f"estimated). Shorten the prompts, lower the rate or relax the targets.")


def _recommendations(top: list[SizedOption], workload: PlanningWorkload, catalog: Catalog,
                     options: PlanOptions) -> list[Recommendation]:
    spec = workload.spec
    priority, uc = spec.priority or Priority.BALANCED, workload.template.name
    budget, max_gpus = spec.budget_monthly_usd, spec.max_gpus
    pareto = ranking.pareto_flags(top, uc)
    recs = []
    for i, (o, on_frontier) in enumerate(zip(top, pareto), start=1):
        assert o.prediction is not None and o.cost is not None
        recs.append(Recommendation(
            rank=i, config=o.candidate.config, replicas=o.replicas, min_replicas=o.min_replicas,
            max_replicas=o.max_replicas, load_per_replica_rps=round(o.per_replica_rps(workload), 4),
            prediction=o.prediction, cost=o.cost, quality=o.candidate.quality(uc), slo_checks=o.slo_checks,
            meets_slos=o.meets_slos, within_budget=budget is None or o.monthly_usd <= budget,
            pareto_optimal=on_frontier, rationale=rationale(o, i, top, priority, uc, budget),
            tradeoffs=tradeoffs(o, budget, max_gpus), sized_by=binding_constraint(o, workload, catalog, options),
        ))
    return recs
