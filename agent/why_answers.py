"""Answers to "why" and "why not" questions, computed from the plan (never a re-print of option 1).

Why option N: its rationale, SLO margins, memory, cost and what sets its size. Why N GPUs: the replicas, the
tensor-parallel size and the binding constraint. Why so cheap / expensive: the cost parts and where it sits among
the options. Would a hosted API be cheaper: the plan's comparison of option 1 with per-token APIs. Why not a GPU / model /
precision / TP: the planner's own evaluation of that alternative against option 1 (tools/planner/explain.py ``why_not``: its best configuration, the cost ratio, which SLO it misses by how
much, or why it does not fit), the user's exclusion lifted for the question only.
Questions about the plan's own figures (how sure the cost is, another currency, whether it fits, a replica lost at
peak, where a value came from) are answered in agent/plan_answers.py; ``explain_text`` dispatches every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.plan_answers import cost_confidence, failure, fits_owned, in_currency, value_source
from agent.state import AgentState, ToolRun
from knowledge.base import KnowledgeBase
from knowledge.catalog import UnknownNameError
from knowledge.domain import Precision, Recommendation
from knowledge.domain.display import ms, rate, usd
from tools import operations
from tools.planner import HOURS_PER_MONTH, PlanResult
from tools.planner.explain import why_not
from tools.planner.sizing import overloaded

EVALUATE_ALTERNATIVE = "evaluate_alternative"
Step = Callable[[str, dict, Callable[[], Any]], tuple[Any, ToolRun, str | None]]


def _option(plan: PlanResult, n: int) -> Recommendation | None:
    return plan.recommendations[n - 1] if 1 <= n <= len(plan.recommendations) else None


def _missing(plan: PlanResult, n: int) -> str:
    return f"There is no option {n}; the current plan has options 1 to {len(plan.recommendations)}."


def _config(r: Recommendation) -> str:
    c = r.config
    per = f"{c.tensor_parallel} x {c.gpu}" if c.tensor_parallel > 1 else c.gpu
    return (f"{r.model_id} ({c.precision.value}) on {r.replicas} replica{'s' if r.replicas > 1 else ''} of {per} "
            f"= {r.total_gpus} GPU{'s' if r.total_gpus > 1 else ''}, {usd(r.monthly_cost_usd)}/month")


def _slo_lines(r: Recommendation) -> list[str]:
    return [f"- p95 {c.metric.split('_')[0].upper()}: {ms(c.predicted_ms)} ms predicted vs {ms(c.target_ms)} ms "
            f"target ({'within' if c.met else 'misses'}, margin {c.margin_pct:+.0f}%)" for c in r.slo_checks]


def meets_targets(r: Recommendation) -> str:
    """'Does the revised plan still meet the latency targets?': option N's predicted p95s against each target."""
    missed = [c for c in r.slo_checks if not c.met]
    head = (f"**Yes:** option {r.rank} ({_config(r)}) is predicted within every p95 target:" if not missed else
            f"**No:** option {r.rank} ({_config(r)}) is predicted to miss {len(missed)} of its "
            f"{len(r.slo_checks)} p95 targets:")
    return "\n".join([head, "", *_slo_lines(r), f"- Prediction source: {r.prediction.provenance.value}"])


def why_option(r: Recommendation) -> str:
    lines = [f"**Why option {r.rank}** ({_config(r)}): {r.rationale}", ""]
    lines += _slo_lines(r)
    p = r.prediction
    lines.append(f"- Prediction source: {p.provenance.value}"
                 + (f", uncertainty about +/-{p.ttft_ms.band_pct:.0f}% at p95" if p.ttft_ms and p.ttft_ms.band_pct else ""))
    lines.append(f"- Memory per GPU: weights {p.memory.weights_gb:.1f} GB, KV cache {p.memory.kv_cache_gb:.1f} GB "
                 f"({p.memory.kv_capacity_tokens:,} tokens); up to {p.max_concurrency} concurrent requests per replica")
    lines += [f"- {t}" for t in r.tradeoffs]
    if r.sized_by is not None:
        lines.append(f"- Size: {r.sized_by.text}")
    return "\n".join(lines)


def why_gpu_count(plan: PlanResult, r: Recommendation) -> str:
    c, w = r.config, plan.workload
    per = f"{c.tensor_parallel} GPUs (tensor parallel {c.tensor_parallel})" if c.tensor_parallel > 1 else "1 GPU"
    lines = [f"**Option {r.rank} uses {r.total_gpus} x {c.gpu}**: {r.replicas} replica{'s' if r.replicas > 1 else ''} "
             f"of {r.model_id} ({c.precision.value}), {per} each."]
    if r.sized_by is not None:
        lines.append(f"- What sets its size: {r.sized_by.text}")  # the text starts "sized by", "capped by", "one replica is ..."
    lines.append(f"- The plan is sized for the peak of {rate(w.peak_rps)} req/s (average {rate(w.avg_rps)} req/s); "
                 f"each replica takes {rate(r.load_per_replica_rps)} req/s at peak, where one replica is predicted at:")
    lines += _slo_lines(r)
    if r.min_replicas != r.max_replicas:
        lines.append(f"- Autoscaling runs {r.min_replicas} to {r.max_replicas} replicas between average and peak.")
    return "\n".join(lines)


def why_cost(plan: PlanResult, r: Recommendation) -> str:
    cost = r.cost
    lines = [f"**Option {r.rank} costs {usd(r.monthly_cost_usd)} a month** ({_config(r)})."]
    if cost.usd_per_gpu_hour:
        lines.append(f"- {r.total_gpus} GPU{'s' if r.total_gpus > 1 else ''} x {usd(cost.usd_per_gpu_hour, True)} per "
                     f"GPU-hour ({cost.cost_model.value}{', ' + cost.tier.value.replace('_', ' ') if cost.tier else ''}) over "
                     f"{HOURS_PER_MONTH:g} hours a month")
    lines += [f"- {name.replace('_', ' ')}: {usd(value)}" for name, value in cost.breakdown.items()]
    if cost.usd_per_million_output_tokens:
        lines.append(f"- {usd(cost.usd_per_million_output_tokens, True)} per million output tokens at the planned load")
    costs = sorted(x.monthly_cost_usd for x in plan.recommendations)
    if len(costs) > 1:
        lines.append(f"- The plan's options range from {usd(costs[0])} to {usd(costs[-1])} a month.")
    lines += [f"- {a}" for a in cost.assumptions]
    return "\n".join(lines)


def budget_enough(plan: PlanResult, amount: float | None) -> str:
    """'is 12k even enough?': the amount asked about (else the spec's budget) against what the plan's options cost
    a month, option 1 and the cheapest that meets the SLOs; the spec is not changed."""
    budget = amount if amount is not None else plan.spec.budget_monthly_usd
    if not plan.recommendations:
        return "The plan has no option to price, so I cannot say whether a budget is enough."
    top = plan.recommendations[0]
    meeting = [r for r in plan.recommendations if r.meets_slos]
    cheapest = min(meeting or plan.recommendations, key=lambda x: (x.monthly_cost_usd, x.rank))
    which = "that meets the SLOs" if meeting else "(none of the options meets every SLO)"
    if budget is None:
        return (f"No budget is set. Option 1 costs {usd(top.monthly_cost_usd)} a month; the cheapest option {which} "
                f"is option {cheapest.rank} at {usd(cheapest.monthly_cost_usd)} a month.")
    said = f"{usd(budget)} a month" + ("" if amount is None else " (the amount you asked about, in US dollars)")
    if top.monthly_cost_usd <= budget:
        verdict = (f"**Yes: {said} covers option 1**, which costs {usd(top.monthly_cost_usd)} a month "
                   f"({usd(budget - top.monthly_cost_usd)} to spare).")
    elif cheapest.monthly_cost_usd <= budget:
        verdict = (f"**Not for option 1** ({usd(top.monthly_cost_usd)} a month), but {said} covers option "
                   f"{cheapest.rank} at {usd(cheapest.monthly_cost_usd)} a month, the cheapest {which}.")
    else:
        verdict = (f"**No: {said} is {usd(cheapest.monthly_cost_usd - budget)} short** of the cheapest option {which}, "
                   f"option {cheapest.rank} at {usd(cheapest.monthly_cost_usd)} a month.")
    if amount is not None and amount != plan.spec.budget_monthly_usd:
        verdict += " I have not changed the budget; say *budget X a month* to set it."
    return verdict


def best_option(plan: PlanResult, measure: str) -> tuple[Recommendation, str]:
    """'Which option is the cheapest / fastest / best?': the option that ranks first by that measure among those
    that meet the SLOs (all of them when none does), said against option 1."""
    meeting = [r for r in plan.recommendations if r.meets_slos]
    pool = meeting or plan.recommendations
    ttft = {r.rank: r.prediction.ttft_ms.p95 if r.prediction.ttft_ms else float("inf") for r in pool}
    if measure == "latency":
        r = min(pool, key=lambda x: (ttft[x.rank], x.rank))
        said, detail = "has the lowest p95 time to first token", f", {ms(ttft[r.rank])} ms"
    elif measure == "quality":
        r = max(pool, key=lambda x: (x.quality.score if x.quality else -1.0, -x.rank))
        said = "has the highest quality"
        detail = (f", {r.quality.score:.1f} on the {r.quality.benchmark_name} (0-100)" if r.quality else
                  " (no quality score is known for these models)")
    else:
        r = min(pool, key=lambda x: (x.monthly_cost_usd, x.rank))
        said, detail = "is the cheapest", f", at {usd(r.monthly_cost_usd)} a month"
    among = "of the options that meet the SLOs" if meeting else "of the options (none meets every SLO)"
    text = f"**Option {r.rank}** ({_config(r)}) {said} {among}{detail}."
    top = plan.recommendations[0]
    if r.rank != 1:
        text += (f" Option 1 ({usd(top.monthly_cost_usd)} a month, p95 TTFT "
                 f"{ms(top.prediction.ttft_ms.p95 if top.prediction.ttft_ms else None)} ms) ranks first by the "
                 f"{(plan.spec.priority or 'balanced')} priority: {top.rationale}")
    other = 1 if r.rank != 1 else (2 if len(plan.recommendations) > 1 else None)  # never "compare option 1 and 1"
    compare = f", or *compare option {min(r.rank, other)} and {max(r.rank, other)}*" if other else ""
    return r, text + f"\n\nSay *deploy it* to deploy option {r.rank}{compare}."


def hosted_api(plan: PlanResult) -> str:
    """Self-hosting option 1 against hosted per-token APIs for its model (or a comparable one), from the plan."""
    top = plan.recommendations[0]
    if not plan.api_comparison:
        return (f"I have no hosted API price for {top.model_id} or a comparable model, so I cannot compare; option 1 "
                f"costs {usd(top.monthly_cost_usd)} a month self-hosted.")
    lines = [f"**Self-hosting option 1 ({top.model_id} on {top.total_gpus} x {top.gpu}, "
             f"{usd(top.monthly_cost_usd)}/month) against a hosted API:**"]
    for alt in plan.api_comparison:
        lines.append(f"- {alt.text}" + ("" if alt.same_model else f" ({alt.comparable_because})"
                                         if alt.comparable_because else ""))
    return "\n".join(lines)


def _why_not(state: AgentState, kb: KnowledgeBase, run_step: Step, label: str, **named: Any) -> tuple[str, ToolRun]:
    """The planner's evaluation of the named alternative against option 1 (tools/planner/explain.py)."""
    plan = state.plan
    result, run, error = run_step(EVALUATE_ALTERNATIVE, {k: v for k, v in named.items() if v is not None},
                                  lambda: why_not(plan, state.spec, kb.catalog,
                                                  benchmarks=operations.benchmark_lookup(kb), **named))
    if result is None:
        return f"**Why not {label}:** {error}", run
    text = f"**Why not {label}:** {result.reason}"
    if result.recommendation is not None and result.status.value != "recommended":
        text += "\n\n" + "\n".join(_why_not_figures(result, plan))
    assumed = _assumed_targets(state, result.slo_misses)
    if assumed:
        text += "\n\n" + assumed
    return text, run


def _why_not_figures(result: Any, plan: PlanResult) -> list[str]:
    """The alternative's p95s, each labelled with the load it is for. When it misses with one request in flight
    the reason quotes those figures, so they are the ones listed; the planned-load figures (a queue that does not
    keep up) come after, said as such, so one target never shows two unlabelled numbers."""
    r = result.recommendation
    if not result.misses_at_light_load:
        return _slo_lines(r)
    lines = ["With one request in flight (simulated):"]
    lines += [f"- p95 {c.metric.split('_')[0].upper()}: {ms(c.predicted_ms)} ms vs {ms(c.target_ms)} ms target "
              f"(misses, margin {c.margin_pct:+.0f}%)" for c in result.slo_misses]
    per = f"{rate(r.load_per_replica_rps)} req/s per replica on {r.replicas} replica{'s' if r.replicas > 1 else ''}"
    ttft = next((c for c in r.slo_checks if c.metric.startswith("ttft")), None)
    if ttft is not None:
        grows = ("the replicas are overloaded (requests queue without end) and p95 TTFT reaches at least"
                 if overloaded(r.prediction) else "requests queue behind each other and p95 TTFT grows to")
        lines += ["", f"At the planned load ({per}, peak {rate(plan.workload.peak_rps)} req/s) {grows} "
                      f"{ms(ttft.predicted_ms)} ms."]
    return lines


def _assumed_targets(state: AgentState, misses: list) -> str:
    """Targets the alternative misses that the user never gave: said, with where they came from, since a looser
    target of the user's own may change the answer."""
    spec = state.plan.spec if state.plan is not None else state.spec  # the planned spec holds the assumed targets
    said = []
    for c in misses:
        field = c.metric if c.metric.endswith("_ms") else f"{c.metric}_ms"
        src = spec.sources.get(field)
        if getattr(spec, field, None) is not None and (src is None or src.origin != "stated"):
            said.append(f"p95 {c.metric.split('_')[0].upper()} {ms(c.target_ms)} ms"
                        + (f" ({src.note})" if src is not None and src.note else ""))
    if not said:
        return ""
    return (f"The target{'s' if len(said) > 1 else ''} it misses {'are' if len(said) > 1 else 'is'} my assumption, "
            f"not yours: {'; '.join(said)}. If latency matters less to you, give me looser targets "
            "(e.g. *TTFT 5 s*) and I will re-plan.")


def _named(kb: KnowledgeBase, about: str, target: Any) -> tuple[dict, str] | str:
    """The why_not arguments for a question about ``target``, with its label, or why it is not known."""
    try:
        if about == "gpu":
            gpu = kb.catalog.gpu(str(target)).name
            return {"gpu": gpu}, gpu
        if about == "model":
            model = kb.catalog.model(str(target)).id
            return {"model": model}, model
    except UnknownNameError as exc:
        return str(exc)
    if about == "precision":
        try:
            precision = Precision(str(target).lower())
        except ValueError:
            return f"'{target}' is not a precision I plan for ({', '.join(p.value for p in Precision)})."
        return {"precision": precision}, precision.value
    if about == "tp":
        tp = int(target) if str(target or "").isdigit() else None
        if tp is None:
            return "Which tensor parallel size? For example *why not TP 4*."
        return {"tp": tp}, f"tensor parallel {tp}"
    return f"I cannot evaluate '{target}'."


def tp_pair(state: AgentState, kb: KnowledgeBase, target: Any, run_step: Step) -> tuple[str, ToolRun | None]:
    """'tp2 vs tp1': the selected option's model, GPU and precision at each tensor-parallel size, as the planner
    sizes it (replicas, GPUs, cost, p95s); a size that cannot serve it says why."""
    plan = state.plan
    sizes = [int(x) for x in str(target or "").split(",") if x.strip().isdigit()][:2]
    if len(sizes) != 2:
        return "Which two tensor parallel sizes? For example *TP1 vs TP2*.", None
    top = _option(plan, state.selected_option or 1) or plan.recommendations[0]
    c = top.config
    rows: list[tuple[int, Recommendation | None, str]] = []
    last_run = None
    for tp in sizes:
        if c.tensor_parallel == tp:
            rows.append((tp, top, ""))
            continue
        result, last_run, error = run_step(
            EVALUATE_ALTERNATIVE, {"model": c.model_id, "gpu": c.gpu, "precision": c.precision.value, "tp": tp},
            lambda tp=tp: why_not(plan, state.spec, kb.catalog, model=c.model_id, gpu=c.gpu, precision=c.precision,
                                  tp=tp, benchmarks=operations.benchmark_lookup(kb)))
        rec = result.recommendation if result is not None else None
        rows.append((tp, rec, "" if rec is not None else (result.reason if result is not None else str(error))))
    head = (f"**{top.model_id} ({c.precision.value}) on {c.gpu}, option {top.rank}'s configuration, at tensor "
            f"parallel {sizes[0]} and {sizes[1]}:**")
    table = [f"| | TP{sizes[0]} | TP{sizes[1]} |", "|---|---|---|"]

    def cell(r: Recommendation | None, f) -> str:
        return f(r) if r is not None else "-"

    p95 = {"TTFT": "ttft_ms", "ITL": "itl_ms", "E2E": "e2e_ms"}
    lines = [("replicas x GPUs", lambda r: f"{r.replicas} x {r.config.tensor_parallel} = {r.total_gpus} GPUs"),
             ("$/month", lambda r: usd(r.monthly_cost_usd)),
             *((f"p95 {k} ms", (lambda r, a=a: ms(getattr(r.prediction, a).p95 if getattr(r.prediction, a) else None)))
               for k, a in p95.items()),
             ("SLOs", lambda r: "met" if r.meets_slos else "missed")]
    for label, f in lines:
        table.append(f"| {label} | {cell(rows[0][1], f)} | {cell(rows[1][1], f)} |")
    notes = [f"- TP{tp}: {why}" for tp, r, why in rows if r is None and why]
    found = [r for _, r, _ in rows if r is not None]
    if len(found) == 2 and found[0].monthly_cost_usd != found[1].monthly_cost_usd:
        cheap = min(rows, key=lambda x: x[1].monthly_cost_usd)
        notes.append(f"- TP{cheap[0]} costs {usd(abs(found[0].monthly_cost_usd - found[1].monthly_cost_usd))} a month "
                     "less for the same peak load.")
    return "\n".join([head, "", *table, *([""] + notes if notes else [])]), last_run


def explain_text(state: AgentState, kb: KnowledgeBase, about: str, target: Any, run_step: Step
                 ) -> tuple[str, ToolRun | None]:
    plan = state.plan
    assert plan is not None
    n = int(target) if about in ("option", "gpu_count", "cost") and str(target or "").isdigit() else \
        (state.selected_option or 1)
    if about in ("option", "plan", "gpu_count", "cost"):
        r = _option(plan, n)
        if r is None:
            return _missing(plan, n), None
        if about == "gpu_count":
            return why_gpu_count(plan, r), None
        if about == "cost":
            return why_cost(plan, r), None
        return why_option(r), None
    if about == "api":
        return hosted_api(plan), None
    if about == "best":
        return best_option(plan, str(target or "cost"))[1], None
    if about == "budget":
        return budget_enough(plan, float(target) if str(target or "").isdigit() else None), None
    if about == "fits":
        r = _option(plan, int(target) if str(target or "").isdigit() else (state.selected_option or 1))
        return (fits_owned(plan, r) if r is not None else _missing(plan, int(target))), None
    if about == "source":
        return value_source(state, str(target)), None
    if about == "currency":
        code, _, option = str(target or "").partition(":")
        r = _option(plan, int(option) if option.isdigit() else (state.selected_option or 1))
        if r is None:
            return _missing(plan, int(option)), None
        return in_currency(plan, r, code), None
    if about == "cost_confidence":
        r = _option(plan, int(target) if str(target or "").isdigit() else (state.selected_option or 1))
        return (cost_confidence(plan, r, kb) if r is not None else _missing(plan, int(target))), None
    if about == "meets":
        r = _option(plan, int(target) if str(target or "").isdigit() else (state.selected_option or 1))
        return (meets_targets(r) if r is not None else _missing(plan, int(target))), None
    if about == "failure":
        r = _option(plan, int(target) if str(target or "").isdigit() else (state.selected_option or 1))
        return (failure(plan, r) if r is not None else _missing(plan, int(target))), None
    if about == "tp_pair":
        return tp_pair(state, kb, target, run_step)
    if about in ("gpu", "model", "precision", "tp"):
        named = _named(kb, about, target)
        if isinstance(named, str):
            return named, None
        return _why_not(state, kb, run_step, named[1], **named[0])
    return why_option(plan.recommendations[0]), None
