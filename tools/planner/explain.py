"""Why the plan is what it is: every evaluated model x GPU x precision with its verdict, each option's binding
constraint, the best plan within a GPU limit, and ``why_not`` for any named alternative.

Every sentence here is computed from the numbers the planner produced; nothing is said that the sizing did not
establish (a screened-only option says its size is a lower bound).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import BindingConstraint, DeploymentSpec, Precision, Recommendation, SloCheck
from knowledge.domain.display import count
from tools.planner.candidates import Enumeration
from tools.planner.options import PlanOptions
from tools.planner.rationale import LABEL, describe, fmt_ms, fmt_rps
from tools.planner.sizing import (
    NEAR_MISS_SHARE, SizedOption, capacity_and_limit, completed, monthly_for, overloaded, replica_counts,
)
from tools.planner.workload import PlanningWorkload



class ConsideredStatus(StrEnum):
    RECOMMENDED = "recommended"
    FEASIBLE = "feasible"
    OVER_BUDGET = "over_budget"
    OVER_GPU_LIMIT = "over_gpu_limit"
    SLO_MISS = "slo_miss"
    NO_FIT = "no_fit"
    EXCLUDED = "excluded"


_ORDER = list(ConsideredStatus)


class Considered(BaseModel):
    """The best verdict for one model x GPU x precision (model or GPU None: the verdict covers all of them)."""

    model_id: str | None
    gpu: str | None
    precision: Precision | None = None
    status: ConsideredStatus
    option: int | None = Field(default=None, description="rank in the plan when recommended")
    tp: int | None = None
    replicas: int | None = None
    total_gpus: int | None = None
    monthly_usd: float | None = None
    sizing: Literal["simulated", "estimated", "bound"] | None = Field(
        default=None, description="simulated: verified by the load simulation; estimated: the analytic capacity "
                                  "model; bound: screened only, replicas and cost are lower bounds")
    light_load_misses: list[SloCheck] = Field(
        default_factory=list, description="targets missed with one request in flight (predicted vs target)")
    reason: str


class GpuLimitOutcome(BaseModel):
    """The best plan within the GPUs available, when the peak needs more."""

    max_gpus: int
    option: int = Field(description="the recommendation that is the best plan within the limit")
    sustained_rps: float = Field(description="peak rate it serves within every SLO (analytic estimate), req/s")
    peak_rps: float
    relaxed: list[SloCheck] = Field(description="the targets it misses at the full peak, and by how much")
    full_plan_gpus: int | None = Field(default=None, description="GPUs the cheapest full plan needs")
    full_plan_usd: float | None = None
    full_plan: str | None = None
    text: str


# ---------------------------------------------------------------------------------------------- binding


def binding_constraint(o: SizedOption, workload: PlanningWorkload, catalog: Catalog,
                       options: PlanOptions) -> BindingConstraint:
    """What sets this option's replica count, with the figures that show it."""
    sizing = workload.sizing_rps(options)
    cap = (o.capacity_rps or 0.0) if o.slo_reachable else NEAR_MISS_SHARE * o.ceiling_rps
    peak = _peak_words(workload, options)
    common = dict(sizing_rps=round(sizing, 4), per_replica_rps=round(cap, 4), replicas=o.replicas)
    if o.headroom_replicas is not None:
        return BindingConstraint(kind="gpu_limit", **common, text=(
            f"capped by the {count(workload.spec.max_gpus, 'GPU')} available: {o.replicas} replica(s) of "
            f"{o.gpus_per_replica} GPU(s) serve the peak rate {fmt_rps(workload.peak_rps)} within every SLO in the "
            f"simulation ({fmt_rps(workload.peak_rps / o.replicas)} per replica), with none of the "
            f"{options.headroom:.0%} headroom: at the estimated {fmt_rps(cap)} per replica, {peak} needs "
            f"{o.headroom_replicas} replicas ({count(o.headroom_replicas * o.gpus_per_replica, 'GPU')})"))
    if o.full_replicas is not None:
        return BindingConstraint(kind="gpu_limit", **common, text=(
            f"capped by the {count(workload.spec.max_gpus, 'GPU')} available: {o.replicas} replica(s) of "
            f"{o.gpus_per_replica} GPU(s) sustain about {fmt_rps(o.replicas * cap)} {_within(workload)}; {peak} "
            f"needs {o.full_replicas} replicas ({count(o.full_replicas * o.gpus_per_replica, 'GPU')})"))
    if not o.slo_reachable:
        why = (f"meeting every SLO would take {latency_bound_words(o)}" if o.latency_bound
               else "no replica count meets every SLO")
        return BindingConstraint(kind="throughput", **common, text=(
            f"{why}, so it is sized for {peak} at {fmt_rps(cap)} per replica, {NEAR_MISS_SHARE:.0%} of its "
            f"full-batch rate"))
    if o.estimated_capacity_rps is not None and o.missed_at_rps is None:
        # the capacity model found no rate within the SLOs (or only a latency-bound one); the simulation did
        estimate = ("finds no rate per replica that meets every SLO" if not o.estimated_capacity_rps
                    else f"gave {fmt_rps(o.estimated_capacity_rps)} per replica")
        return BindingConstraint(kind="slo", **common, text=(
            f"the capacity estimate {estimate}; the simulation meets every SLO at {fmt_rps(cap)} per replica, so "
            f"{o.replicas} replica(s) serve the peak rate {fmt_rps(workload.peak_rps)}"))
    if o.replicas == 1 and sizing <= cap:
        c = o.candidate
        # TP > 1 is a choice (the same model may fit one GPU): the unit is said, not that memory needs it
        mem = (f"the smallest unit of this configuration is {c.config.tensor_parallel} x {c.gpu.name} "
               f"(TP{c.config.tensor_parallel}, {o.candidate.memory.breakdown.weights_gb:.1f} GB of weights per GPU)"
               if c.config.tensor_parallel > 1 else f"the smallest unit is one {c.gpu.name}")
        return BindingConstraint(kind="memory", **common, text=(
            f"one replica is the minimum and serves {peak} at {sizing / cap:.0%} of the {fmt_rps(cap)} it sustains "
            f"{_within(workload)}; {mem}"))
    metric = _binding_metric(o, workload, catalog)
    if metric is None:
        return BindingConstraint(kind="throughput", **common, text=(
            f"sized by {peak}: {fmt_rps(cap)} per replica with its batch full (KV cache / max_num_seqs), "
            f"before any latency target binds"))
    target = getattr(workload.slos, metric)
    if o.estimated_capacity_rps is not None and o.missed_at_rps is not None:
        # the simulation contradicted the capacity estimate: the figure shown is the simulated one
        text = (f"sized by {peak} at p95 {LABEL[metric]} {fmt_ms(target)}: the capacity estimate gave "
                f"{fmt_rps(o.estimated_capacity_rps)} per replica ({o.estimated_replicas} replica(s)), but the "
                f"simulation misses an SLO at {fmt_rps(o.missed_at_rps)} per replica and meets every SLO at "
                f"{fmt_rps(cap)} ({o.replicas} replicas serve the peak)")
        return BindingConstraint(kind="slo", metric=metric, target_ms=target, **common, text=text)
    text = f"sized by {peak} at p95 {LABEL[metric]} {fmt_ms(target)}: {fmt_rps(cap)} per replica"
    estimated = o.estimated_replicas or replica_counts(workload, cap, options)[0]
    if o.prediction is not None and o.replicas > estimated:
        text += f"; the simulation needed {o.replicas} replicas where the estimate gave {estimated}"
    return BindingConstraint(kind="slo", metric=metric, target_ms=target, **common, text=text)


def _within(workload: PlanningWorkload) -> str:
    return "within the SLOs" if any(workload.slos.model_dump().values()) else "with its batch full"


def _peak_words(workload: PlanningWorkload, options: PlanOptions) -> str:
    words = f"peak rate {fmt_rps(workload.peak_rps)}"
    return words + (f" (+{options.headroom:.0%} headroom)" if options.headroom else "")


def _binding_metric(o: SizedOption, workload: PlanningWorkload, catalog: Catalog) -> str | None:
    """The target that stops one replica from taking a higher rate (None: its batch is full first)."""
    limit = capacity_and_limit(o.candidate.config, workload, workload.slos, catalog)[1]
    return limit if limit in ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms") else None


# ---------------------------------------------------------------------------------------------- verdicts


def status(o: SizedOption, workload: PlanningWorkload, rank: int | None) -> ConsideredStatus:
    spec = workload.spec
    if rank is not None:
        return ConsideredStatus.RECOMMENDED
    if not o.slo_reachable and (o.sized or not o.light_ok) or (o.prediction is not None and not o.meets_slos
                                                              and o.full_replicas is None):
        return ConsideredStatus.SLO_MISS
    if spec.max_gpus is not None and (o.full_replicas is not None or o.total_gpus > spec.max_gpus):
        return ConsideredStatus.OVER_GPU_LIMIT
    if spec.budget_monthly_usd is not None and o.monthly_usd > spec.budget_monthly_usd:
        return ConsideredStatus.OVER_BUDGET
    return ConsideredStatus.FEASIBLE


def verdict(o: SizedOption, workload: PlanningWorkload, top: Recommendation | None, rank: int | None,
            last: int | None = None, unchecked: bool = False) -> Considered:
    """``last``: the rank of the last option shown; ``unchecked``: the search stopped before simulating ``o``
    although its lower bounds rank it above that option."""
    c = o.candidate
    spec = workload.spec
    st = status(o, workload, rank)
    base = dict(model_id=c.model.id, gpu=c.gpu.name, precision=c.precision, tp=c.config.tensor_parallel,
                status=st, light_load_misses=[x for x in o.light_checks if not x.met])
    sizing = "simulated" if o.prediction is not None else "estimated" if o.sized else "bound"
    size = dict(replicas=o.replicas, total_gpus=o.total_gpus, monthly_usd=round(o.monthly_usd, 2), sizing=sizing)
    at_least = "at least " if sizing == "bound" else ""
    if st is ConsideredStatus.RECOMMENDED:
        return Considered(**base, **size, option=rank, reason=f"option {rank}: {describe(o)}")
    if not o.light_ok:
        worst = max(base["light_load_misses"], key=lambda x: -x.margin_pct)
        return Considered(**base, reason=(
            f"misses p95 {LABEL[worst.metric]} even with one request in flight: {fmt_ms(worst.predicted_ms)} vs "
            f"{fmt_ms(worst.target_ms)} target (estimated), so no number of replicas meets it"))
    if o.latency_bound:
        return Considered(**base, reason=f"meets every SLO only with {latency_bound_words(o)}")
    if o.sized and not o.slo_reachable:
        return Considered(**base, reason=(
            "meets every SLO with one request in flight but not under load: the capacity model finds no rate above "
            "a trickle that keeps every p95 within target"))
    if st is ConsideredStatus.SLO_MISS:
        return Considered(**base, **size, reason=_simulated_miss(o, workload))
    if st is ConsideredStatus.OVER_GPU_LIMIT:
        full = (o.full_replicas or o.replicas) * o.gpus_per_replica
        return Considered(**base, **size, reason=(
            f"meets every SLO with {at_least}{count(full, 'GPU')} ({describe(o, replicas=o.full_replicas)}), more than "
            f"the {spec.max_gpus} available"))
    if st is ConsideredStatus.OVER_BUDGET:
        return Considered(**base, **size, reason=(
            f"meets every SLO on {describe(o)} for {at_least}${o.monthly_usd:,.0f}/month, over the "
            f"${spec.budget_monthly_usd:,.0f} budget"))
    if sizing == "bound":
        # a configuration, never the model: the model's cheaper ones are on lines of their own (considered picks
        # the cheapest unproven one), and every unproven one was left unsimulated for this bound (search.complete)
        shown = f"option {last}" if last else "the options shown"
        why = (f"by these lower bounds it cannot rank above {shown}" if not unchecked else
               f"by these lower bounds it could rank above {shown}, but the search stopped before simulating it")
        return Considered(**base, **size, reason=(
            f"{describe(o)} meets every SLO with one request in flight; by its full-batch throughput this "
            f"configuration needs at least {o.total_gpus} GPU(s) (${o.monthly_usd:,.0f}/month or more); {why}"))
    return Considered(**base, **size, reason=f"meets every SLO on {describe(o)} for ${o.monthly_usd:,.0f}/month"
                                             f"{_vs(o, top)}")


def _vs(o: SizedOption, top: Recommendation | None) -> str:
    if top is None or top.monthly_cost_usd <= 0:
        return ""
    ratio = o.monthly_usd / top.monthly_cost_usd
    if ratio >= 1.005:
        return f", {ratio:.2g}x option 1's cost"
    return f", {1 / ratio:.2g}x cheaper than option 1 but ranked lower for its latency or quality"


def latency_bound_words(o: SizedOption) -> str:
    """'more than 12 replicas (the simulation still missed at 12; the capacity estimate gave 3)'."""
    return (f"more than {o.latency_replicas} replicas (the simulation still missed at {o.latency_replicas}; the "
            f"capacity estimate gave {o.estimated_replicas})")


def _simulated_miss(o: SizedOption, workload: PlanningWorkload) -> str:
    if not o.completed:
        return (f"the simulation of {o.replicas} replica(s) at {fmt_rps(o.per_replica_rps(workload))} each completed "
                f"no request: overloaded")
    missed = ", ".join(f"p95 {LABEL[x.metric]} {fmt_ms(x.predicted_ms)} vs {fmt_ms(x.target_ms)}"
                       for x in o.slo_checks if not x.met) or "the rate it sustains (overloaded)"
    return f"the simulation of {describe(o)} at {fmt_rps(o.per_replica_rps(workload))} per replica misses {missed}"


def considered(options: list[SizedOption], enum: Enumeration, workload: PlanningWorkload, catalog: Catalog,
               recommended: dict[int, int], top: Recommendation | None, opts: PlanOptions,
               unchecked: list[SizedOption] = ()) -> list[Considered]:
    """The verdicts that explain the plan: every model x GPU x precision that was sized (exactly or by
    simulation), the best one of every model and of every GPU (screened-only ones say their size is a lower
    bound), what fits nowhere, and what the spec excludes. ``why_not`` evaluates any other combination.
    The best of a verdict is the nearest miss among misses and the cheapest otherwise, so what a line says of a
    model or GPU holds for its cheapest configuration with that verdict."""
    def pick(o: SizedOption) -> tuple:
        st = status(o, workload, recommended.get(id(o)))
        nearest = o.worst_light_miss_pct if st is ConsideredStatus.SLO_MISS else 0.0
        return (_ORDER.index(st), recommended.get(id(o), 0), nearest, o.monthly_usd, o.worst_light_miss_pct)

    keys = {id(o): pick(o) for o in options}
    last = max(recommended.values(), default=None)
    not_simulated = {id(o) for o in unchecked}

    def key(o: SizedOption) -> tuple:
        return keys[id(o)]

    best: dict[tuple, SizedOption] = {}
    for o in options:
        group = o.candidate.group
        if group not in best or key(o) < key(best[group]):
            best[group] = o
    kept = {id(o): o for o in best.values() if o.sized or id(o) in recommended}
    for attr in ("model", "gpu"):
        per: dict[str, SizedOption] = {}
        for o in best.values():
            name = getattr(o.candidate, attr).id if attr == "model" else o.candidate.gpu.name
            if name not in per or key(o) < key(per[name]):
                per[name] = o
        kept.update({id(o): o for o in per.values()})
    out = sorted((verdict(o, workload, top, recommended.get(id(o)), last, id(o) in not_simulated)
                  for o in kept.values()), key=_rank)
    return out + _fits_nowhere(options, enum) + exclusions(workload.spec, catalog, opts)


def _fits_nowhere(options: list[SizedOption], enum: Enumeration) -> list[Considered]:
    fitting = {o.candidate.model.id for o in options}
    first: dict[str, str] = {}
    for (model_id, gpu, precision), why in enum.no_fit.items():
        if model_id not in fitting and model_id not in first:
            first[model_id] = f"does not fit on any allowed GPU (e.g. {precision.value} on {gpu}: {why})"
    first.update({m: f"does not fit: {why}" for m, why in enum.short_context.items()})
    return [Considered(model_id=m, gpu=None, status=ConsideredStatus.NO_FIT, reason=why) for m, why in first.items()]


def _rank(v: Considered) -> tuple:
    miss = max((-x.margin_pct for x in v.light_load_misses), default=0.0)
    return (_ORDER.index(v.status), v.option or 0, miss, v.monthly_usd if v.monthly_usd is not None else 0.0)


def exclusions(spec: DeploymentSpec, catalog: Catalog, opts: PlanOptions) -> list[Considered]:
    """One line per GPU or model the spec or the options rule out, saying which constraint does."""
    out: list[Considered] = []
    allowed_gpus, allowed_models = set(spec.gpus), set(spec.models)
    for g in catalog.gpus:
        why = ("you excluded it" if g.name in spec.exclude_gpus
               else "not in your GPU list" if allowed_gpus and g.name not in allowed_gpus else None)
        if why:
            out.append(Considered(model_id=None, gpu=g.name, status=ConsideredStatus.EXCLUDED, reason=why))
    for m in catalog.models:
        why = ("you excluded it" if m.id in spec.exclude_models
               else "not among the models you named" if allowed_models and m.id not in allowed_models
               else "its license does not allow commercial use" if opts.commercial_only and not m.commercial_use
               else None)
        if why:
            out.append(Considered(model_id=m.id, gpu=None, status=ConsideredStatus.EXCLUDED, reason=why))
    return out


# ---------------------------------------------------------------------------------------------- GPU limit


def gpu_limit_outcome(recs: list[Recommendation], ranked: list[SizedOption], reachable: list[SizedOption],
                      workload: PlanningWorkload, options: PlanOptions) -> GpuLimitOutcome | None:
    """When the peak needs more GPUs than the spec allows: what the best plan within the limit gives up."""
    max_gpus = workload.spec.max_gpus
    if max_gpus is None or not recs or (recs[0].meets_slos and ranked[0].full_replicas is None):
        return None
    if not ranked[0].slo_reachable and not recs[0].meets_slos:
        return None  # no replica count meets the SLOs: the GPU limit is not what stands in the way
    o, rec = ranked[0], recs[0]
    sustained = o.replicas * (o.capacity_rps or 0.0) if o.slo_reachable else 0.0
    full = min(reachable, key=lambda x: _full_usd(x, workload, options), default=None)
    relaxed = [c for c in rec.slo_checks if not c.met]
    text = f"Within {count(max_gpus, 'GPU')} the best plan is option 1 ({describe(o)}): " + (
        f"it sustains about {fmt_rps(sustained)} of the {fmt_rps(workload.peak_rps)} peak within every SLO"
        if o.slo_reachable else "no replica count of it meets every SLO at any rate")
    if not completed(rec.prediction):
        text += "; at the full peak it is overloaded (no request completes in the simulation)"
    elif overloaded(rec.prediction):
        # past what it sustains the queue grows without bound: its p95s are a burst's lower bound, not a level
        text += "; at the full peak it is overloaded: queues grow without bound"
    elif relaxed:
        text += "; at the full peak " + ", ".join(
            f"p95 {LABEL[c.metric]} rises to {fmt_ms(c.predicted_ms)} (target {fmt_ms(c.target_ms)}, "
            f"{-c.margin_pct:.0f}% over)" for c in relaxed)
    full_gpus = full_usd = None
    if full is not None:
        full_gpus = (full.full_replicas or full.replicas) * full.gpus_per_replica
        full_usd = round(_full_usd(full, workload, options), 2)
        text += (f". The full plan needs {count(full_gpus, 'GPU')} ({describe(full, replicas=full.full_replicas)}, "
                 f"${full_usd:,.0f}/month)")
    return GpuLimitOutcome(max_gpus=max_gpus, option=1, sustained_rps=round(sustained, 4),
                           peak_rps=workload.peak_rps, relaxed=relaxed, full_plan_gpus=full_gpus,
                           full_plan_usd=full_usd, full_plan=describe(full, replicas=full.full_replicas) if full else None,
                           text=text + ".")


def _full_usd(o: SizedOption, workload: PlanningWorkload, options: PlanOptions) -> float:
    return monthly_for(o.candidate, o.full_replicas or o.replicas, workload, options)


# why_not lives in its own module (it plans the alternative); it is part of this module's interface
from tools.planner.why_not import WhyNot, why_not  # noqa: E402

__all__ = ["Considered", "ConsideredStatus", "GpuLimitOutcome", "WhyNot", "binding_constraint", "considered",
           "gpu_limit_outcome", "status", "verdict", "why_not"]
