"""``why_not``: why the plan's option 1 rather than a named GPU, model, precision, TP degree or option N.

The alternative is planned on its own (the user's exclusions of the named items lifted, everything else of the
spec kept), so its best configuration is compared with option 1 even if it was excluded or never shortlisted; a
miss with one request in flight is confirmed by the simulation (what ``compass predict --concurrency 1`` says).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import DeploymentSpec, Load, LoadKind, Precision, Recommendation, SloCheck
from knowledge.domain.display import count
from simulator.perf import SloTargets, predict
from tools.errors import PlanningError
from tools.planner.explain import Considered, ConsideredStatus
from tools.planner.options import PlanOptions
from tools.planner.rationale import LABEL, describe_config, fmt_ms
from tools.planner.sizing import BenchmarkLookup, completed, overloaded, slo_checks

if TYPE_CHECKING:
    from tools.planner.plan import PlanResult


class WhyNot(BaseModel):
    """The named alternative, evaluated even when excluded or not shortlisted, against option 1."""

    asked: str
    status: ConsideredStatus
    best: Considered | None = Field(default=None, description="its best configuration")
    recommendation: Recommendation | None = Field(default=None, description="its best configuration, simulated")
    option_1: str | None = None
    cost_ratio: float | None = Field(default=None, description="its monthly cost / option 1's")
    cost_delta_usd: float | None = None
    slo_misses: list[SloCheck] = Field(default_factory=list)
    misses_at_light_load: bool = Field(default=False, description="the misses are with one request in flight")
    excluded_by: str | None = Field(default=None, description="the constraint of the spec that ruled it out")
    reason: str


def why_not(plan: "PlanResult", spec: DeploymentSpec, catalog: Catalog, *, gpu: str | None = None,
            model: str | None = None, precision: Precision | None = None, tp: int | None = None,
            option: int | None = None, benchmarks: BenchmarkLookup | None = None,
            options: PlanOptions | None = None) -> WhyNot:
    """Why the plan's option 1 rather than the named alternative (a GPU, model, precision, TP or option N).

    The alternative is planned on its own (the user's exclusions of the named items lifted, everything else of
    the spec kept), so its best configuration is compared with option 1 even if it was never shortlisted.
    """
    top = plan.recommendations[0] if plan.recommendations else None
    if option is not None:
        return _why_not_option(plan, option)
    try:
        gpu_name = catalog.gpu(gpu).name if gpu else None
        resolved = catalog.resolve_model(model) if model else None
    except UnknownNameError as exc:
        raise PlanningError(str(exc)) from None
    model_id = resolved.card.id if resolved else None
    try:
        precision = Precision(precision) if precision else (resolved.precision if resolved else None)
    except ValueError:
        raise PlanningError(f"Unknown precision '{precision}'; use one of: "
                            f"{', '.join(p.value for p in Precision)}.") from None
    asked = _asked(gpu_name, model_id, precision, tp)
    alt, excluded_by = _alternative_spec(plan.spec, gpu_name, model_id, precision)
    matching = _matching_option(plan, gpu_name, model_id, precision, tp)
    if matching is not None:
        return _why_not_option(plan, matching, asked=asked)
    from tools.planner.plan import plan_detailed  # plan imports this module

    try:
        result = plan_detailed(alt, catalog, benchmarks=benchmarks or (lambda _c: []), options=options,
                               tensor_parallel=tp)
    except PlanningError as exc:
        return WhyNot(asked=asked, status=ConsideredStatus.NO_FIT, excluded_by=excluded_by,
                      option_1=_describe_rec(top), reason=_no_fit_reason(asked, alt, catalog, tp, exc))
    rec = result.recommendations[0]
    line = next((c for c in result.considered if c.status is ConsideredStatus.RECOMMENDED and c.option == 1), None)
    return _compare(asked, rec, line, top, plan, result, catalog, excluded_by)


def _no_fit_reason(asked: str, alt: DeploymentSpec, catalog: Catalog, tp: int | None, exc: PlanningError) -> str:
    """Why the alternative cannot be planned: the memory verdict of its closest configuration when there is one."""
    from tools.planner.candidates import enumerate_candidates
    from tools.planner.workload import workload_from_spec

    try:
        enum = enumerate_candidates(workload_from_spec(alt, catalog), catalog, PlanOptions(), tensor_parallel=tp)
    except PlanningError:
        return f"{asked}: {exc}"
    if enum.candidates:
        return f"{asked}: {exc}"
    why = enum.nearest_misfit or next(iter(enum.short_context.values()), None)
    return f"{asked} cannot serve this workload: {why}." if why else f"{asked}: {exc}"


def _asked(gpu: str | None, model: str | None, precision: Precision | None, tp: int | None) -> str:
    parts = [model or "", f"at {precision.value}" if precision else "", f"on {gpu}" if gpu else "",
             f"with TP{tp}" if tp else ""]
    return " ".join(p for p in parts if p) or "the alternative"


def _alternative_spec(spec: DeploymentSpec, gpu: str | None, model: str | None,
                      precision: Precision | None) -> tuple[DeploymentSpec, str | None]:
    excluded_by = None
    updates: dict = {}
    if gpu:
        if gpu in spec.exclude_gpus or (spec.gpus and gpu not in spec.gpus):
            excluded_by = "you excluded this GPU" if gpu in spec.exclude_gpus else "it is not in your GPU list"
        updates.update(gpus=[gpu], exclude_gpus=[g for g in spec.exclude_gpus if g != gpu])
    if model:
        if model in spec.exclude_models or (spec.models and model not in spec.models):
            excluded_by = "you excluded this model" if model in spec.exclude_models else \
                "it is not among the models you named"
        updates.update(models=[model], exclude_models=[m for m in spec.exclude_models if m != model])
    if precision:
        if spec.stated("precision") and spec.precision is not precision:
            excluded_by = f"you asked for {spec.precision.value}"
        updates["precision"] = precision
    return (spec.with_values("assumed", "why-not alternative", **updates) if updates else spec), excluded_by


def _matching_option(plan: "PlanResult", gpu, model, precision, tp) -> int | None:
    for r in plan.recommendations:
        c = r.config
        if ((gpu is None or c.gpu == gpu) and (model is None or c.model_id == model)
                and (precision is None or c.precision is precision) and (tp is None or c.tensor_parallel == tp)):
            return r.rank
    return None


def _describe_rec(r: Recommendation | None) -> str | None:
    if r is None:
        return None
    return describe_config(r.config, r.replicas)


def _why_not_option(plan: "PlanResult", n: int, asked: str | None = None) -> WhyNot:
    recs = plan.recommendations
    asked = asked or f"option {n}"
    if not 1 <= n <= len(recs):
        return WhyNot(asked=asked, status=ConsideredStatus.EXCLUDED,
                      reason=f"There is no option {n}; the plan has options 1 to {len(recs)}.")
    r, top = recs[n - 1], recs[0]
    ratio = r.monthly_cost_usd / top.monthly_cost_usd if top.monthly_cost_usd > 0 else None
    # a model id keeps its own spelling ('meta-llama/...'); other words start the sentence capitalised
    reason = (f"Option {n}" if asked == f"option {n}" else
              f"{asked if '/' in asked else asked[0].upper() + asked[1:]} is option {n}")
    reason += f" ({r.rationale.rstrip('.')})"
    if n > 1 and ratio is not None:
        reason += (f"; it costs ${r.monthly_cost_usd:,.0f}/month, {ratio:.2g}x option 1's ${top.monthly_cost_usd:,.0f}"
                   if abs(ratio - 1) >= 0.005 else "; it costs the same as option 1")
        if ratio <= 0.995 and r.meets_slos:
            # cheaper and within the SLOs, yet ranked lower: what outweighed its cost is the answer to "why not"
            reason += f"; option 1 ranks higher for the {_priority(plan)} priority" + _quality_gap(r, top)
        if r.sized_by is not None:
            reason += f"; {r.sized_by.text}"
    reason += "."
    return WhyNot(asked=asked, status=ConsideredStatus.RECOMMENDED, recommendation=r, option_1=_describe_rec(top),
                  cost_ratio=round(ratio, 3) if ratio else None,
                  cost_delta_usd=round(r.monthly_cost_usd - top.monthly_cost_usd, 2),
                  slo_misses=[c for c in r.slo_checks if not c.met], reason=reason)


def _compare(asked: str, rec: Recommendation, line: Considered | None, top: Recommendation | None,
             plan: "PlanResult", result: "PlanResult", catalog: Catalog, excluded_by: str | None) -> WhyNot:
    described = _describe_rec(rec)
    ratio = rec.monthly_cost_usd / top.monthly_cost_usd if top and top.monthly_cost_usd > 0 else None
    delta = round(rec.monthly_cost_usd - top.monthly_cost_usd, 2) if top else None
    light = _light_load_misses(rec, result, catalog)
    misses = light or [c for c in rec.slo_checks if not c.met]
    versus = f"option 1 ({_describe_rec(top)}, ${top.monthly_cost_usd:,.0f}/month)" if top else ""
    if light:
        status = ConsideredStatus.SLO_MISS
        reason = (f"Its best configuration, {described}, misses " + _misses(light) + " even with one request in "
                  "flight (simulated), so no number of replicas meets it")
    elif not rec.meets_slos:
        status = ConsideredStatus.SLO_MISS
        reason = f"Its best configuration, {described}, misses " + _misses(misses) + " at the planned load"
        if not completed(rec.prediction) or overloaded(rec.prediction):
            # an overloaded queue's p95s are a burst's lower bound, not figures a looser target could meet
            reason = f"Its best configuration, {described}, is overloaded at the planned load"
    elif plan.spec.max_gpus is not None and rec.total_gpus > plan.spec.max_gpus:
        status = ConsideredStatus.OVER_GPU_LIMIT
        reason = (f"Its best configuration, {described}, needs {count(rec.total_gpus, 'GPU')}, more than the "
                  f"{plan.spec.max_gpus} available")
    elif plan.spec.budget_monthly_usd is not None and rec.monthly_cost_usd > plan.spec.budget_monthly_usd:
        status = ConsideredStatus.OVER_BUDGET
        reason = (f"Its best configuration, {described}, meets every SLO but costs ${rec.monthly_cost_usd:,.0f}/month, "
                  f"over the ${plan.spec.budget_monthly_usd:,.0f} budget")
    else:
        status = ConsideredStatus.FEASIBLE
        reason = f"Its best configuration, {described}, meets every SLO for ${rec.monthly_cost_usd:,.0f}/month"
    if ratio is not None and status is not ConsideredStatus.SLO_MISS:
        lower = f"but it ranks lower for the {_priority(plan)} priority" + _quality_gap(rec, top)
        reason += (f", {ratio:.2g}x the cost of {versus}" if ratio >= 1.005 else
                   f", cheaper than {versus}, {lower}" if ratio <= 0.995 else f", the same cost as {versus}, {lower}")
    if excluded_by:
        reason += f"; besides, {excluded_by}"
    if line is not None:
        # the line comes from a plan restricted to the alternative, where it ranked first: in the answer it is the
        # alternative, with this answer's verdict and one figure per claim (the light-load misses the reason quotes)
        line = line.model_copy(update={"status": status, "option": None, "reason": reason,
                                       **({"light_load_misses": light} if light else {})})
    return WhyNot(asked=asked, status=status, best=line, recommendation=rec, option_1=_describe_rec(top),
                  cost_ratio=round(ratio, 3) if ratio else None, cost_delta_usd=delta, slo_misses=misses,
                  misses_at_light_load=bool(light), excluded_by=excluded_by, reason=reason + ".")


def _priority(plan: "PlanResult") -> str:
    return plan.spec.priority.value if plan.spec.priority else "balanced"


def _misses(checks: list[SloCheck]) -> str:
    return ", ".join(f"p95 {LABEL[c.metric]} ({fmt_ms(c.predicted_ms)} vs {fmt_ms(c.target_ms)} target)"
                     for c in checks)


def _quality_gap(rec: Recommendation, top: Recommendation | None) -> str:
    if top and rec.quality and top.quality and top.quality.score - rec.quality.score >= 1:
        def said(q) -> str:
            return f"{q.score:.1f}" + (" estimated" if q.estimated else "")
        return f" (quality {said(rec.quality)} vs {said(top.quality)})"
    return ""


def _light_load_misses(rec: Recommendation, result: "PlanResult", catalog: Catalog) -> list[SloCheck]:
    """Targets the configuration misses with one request in flight, by the simulation (what `compass predict
    --concurrency 1` says)."""
    w = result.workload
    load = Load(kind=LoadKind.CONCURRENCY, value=1, prompt_tokens=w.prompt_tokens, output_tokens=w.output_tokens,
                prompt_tokens_p90=w.prompt_tokens_p90, output_tokens_p90=w.output_tokens_p90)
    prediction = predict(rec.config, load, catalog)
    slos = SloTargets(ttft_p95_ms=w.ttft_p95_ms, itl_p95_ms=w.itl_p95_ms, e2e_p95_ms=w.e2e_p95_ms)
    return [c for c in slo_checks(prediction, slos) if not c.met]
