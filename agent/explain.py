"""Answers to "why" questions, computed from the plan (never a re-print of option 1).

Why option N: its rationale, SLO margins, memory and cost. Why N GPUs: the replicas, the tensor-parallel size and
the load each replica is sized for. Why so cheap / expensive: the cost parts and where it sits among the
options. Why not a GPU / model / precision: if an option of the plan uses it, that option against option 1;
otherwise the planner re-plans the spec with it (the user's exclusion lifted for the question only) and the
answer is that best configuration against option 1, or why nothing fits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.state import AgentState, ToolRun
from knowledge.base import KnowledgeBase
from knowledge.catalog import UnknownNameError
from knowledge.domain import Precision, Recommendation
from tools import service
from tools.planner import HOURS_PER_MONTH, PlanResult
from tools.whatif import Variant

EVALUATE_ALTERNATIVE = "evaluate_alternative"
Step = Callable[[str, dict, Callable[[], Any]], tuple[Any, ToolRun, str | None]]


def _ms(v: float | None) -> str:
    return "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def _option(plan: PlanResult, n: int) -> Recommendation | None:
    return plan.recommendations[n - 1] if 1 <= n <= len(plan.recommendations) else None


def _missing(plan: PlanResult, n: int) -> str:
    return f"There is no option {n}; the current plan has options 1 to {len(plan.recommendations)}."


def _config(r: Recommendation) -> str:
    c = r.config
    per = f"{c.tensor_parallel} x {c.gpu}" if c.tensor_parallel > 1 else c.gpu
    return (f"{r.model_id} ({c.precision.value}) on {r.replicas} replica{'s' if r.replicas > 1 else ''} of {per} "
            f"= {r.total_gpus} GPU{'s' if r.total_gpus > 1 else ''}, ${r.monthly_cost_usd:,.0f}/month")


def _slo_lines(r: Recommendation) -> list[str]:
    return [f"- p95 {c.metric.split('_')[0].upper()}: {c.predicted_ms:,.0f} ms predicted vs {c.target_ms:,.0f} ms "
            f"target ({'within' if c.met else 'misses'}, margin {c.margin_pct:+.0f}%)" for c in r.slo_checks]


def why_option(r: Recommendation) -> str:
    lines = [f"**Why option {r.rank}** ({_config(r)}): {r.rationale}", ""]
    lines += _slo_lines(r)
    p = r.prediction
    lines.append(f"- Prediction source: {p.provenance.value}"
                 + (f", uncertainty about +/-{p.ttft_ms.band_pct:.0f}% at p95" if p.ttft_ms and p.ttft_ms.band_pct else ""))
    lines.append(f"- Memory per GPU: weights {p.memory.weights_gb:.1f} GB, KV cache {p.memory.kv_cache_gb:.1f} GB "
                 f"({p.memory.kv_capacity_tokens:,} tokens); up to {p.max_concurrency} concurrent requests per replica")
    lines += [f"- {t}" for t in r.tradeoffs]
    return "\n".join(lines)


def why_gpu_count(plan: PlanResult, r: Recommendation) -> str:
    c, w = r.config, plan.workload
    per = f"{c.tensor_parallel} GPUs (tensor parallel {c.tensor_parallel})" if c.tensor_parallel > 1 else "1 GPU"
    lines = [f"**Option {r.rank} uses {r.total_gpus} x {c.gpu}**: {r.replicas} replica{'s' if r.replicas > 1 else ''} "
             f"of {r.model_id} ({c.precision.value}), {per} each.",
             f"- The plan is sized for the peak of {w.peak_rps:g} req/s (average {w.avg_rps:g} req/s); each replica "
             f"is sized for {r.load_per_replica_rps:g} req/s at peak, where one replica is predicted at:"]
    lines += _slo_lines(r)
    if r.min_replicas != r.max_replicas:
        lines.append(f"- Autoscaling runs {r.min_replicas} to {r.max_replicas} replicas between average and peak.")
    return "\n".join(lines)


def why_cost(plan: PlanResult, r: Recommendation) -> str:
    cost = r.cost
    lines = [f"**Option {r.rank} costs ${r.monthly_cost_usd:,.0f} a month** ({_config(r)})."]
    if cost.usd_per_gpu_hour:
        lines.append(f"- {r.total_gpus} GPU{'s' if r.total_gpus > 1 else ''} x ${cost.usd_per_gpu_hour:,.2f} per "
                     f"GPU-hour ({cost.cost_model.value}{', ' + cost.tier.value if cost.tier else ''}) over "
                     f"{HOURS_PER_MONTH:g} hours a month")
    lines += [f"- {name.replace('_', ' ')}: ${value:,.0f}" for name, value in cost.breakdown.items()]
    if cost.usd_per_million_output_tokens:
        lines.append(f"- ${cost.usd_per_million_output_tokens:,.2f} per million output tokens at the planned load")
    costs = sorted(x.monthly_cost_usd for x in plan.recommendations)
    if len(costs) > 1:
        lines.append(f"- The plan's options range from ${costs[0]:,.0f} to ${costs[-1]:,.0f} a month.")
    lines += [f"- {a}" for a in cost.assumptions]
    return "\n".join(lines)


def _versus(top: Recommendation, other: Recommendation) -> str:
    dc = other.monthly_cost_usd - top.monthly_cost_usd
    money = f"${abs(dc):,.0f}/month {'more' if dc > 0 else 'less'} than option 1" if abs(dc) >= 1 else \
        "about the same cost as option 1"
    misses = [c for c in other.slo_checks if not c.met]
    slo = ("it meets every SLO" if not misses else "it misses " + ", ".join(
        f"p95 {c.metric.split('_')[0].upper()} ({c.predicted_ms:,.0f} ms vs {c.target_ms:,.0f} ms)" for c in misses))
    return f"{money}; {slo}"


def _alternative(state: AgentState, kb: KnowledgeBase, run_step: Step, label: str, changes: dict,
                 said: str) -> tuple[str, ToolRun]:
    plan = state.plan
    top = plan.recommendations[0]
    comparison, run, error = run_step(EVALUATE_ALTERNATIVE, {"label": label, "changes": changes},
                                      lambda: service.run_compare(kb, state.spec, [Variant(label=label, changes=changes)]))
    row = comparison.variants[0] if comparison else None
    if row is None or row.top is None:
        reason = (row.error if row else error) or "no configuration could be planned"
        return f"**Why not {said}:** the planner finds no configuration with it for this workload: {reason}", run
    alt = row.top
    return (f"**Why not {said}:** the best configuration with it is {_config(alt)}: {_versus(top, alt)}. "
            f"Option 1 is {_config(top)}."), run


def _gpu_question(state, kb, run_step, target) -> tuple[str, ToolRun | None]:
    plan = state.plan
    try:
        gpu = kb.catalog.gpu(str(target)).name
    except UnknownNameError as exc:
        return str(exc), None
    using = [r for r in plan.recommendations if r.gpu == gpu]
    if using:
        r = using[0]
        if r.rank == 1:
            return why_option(r), None
        return f"**{gpu}** is option {r.rank}: {_config(r)}; {_versus(plan.recommendations[0], r)}.", None
    note = f" (you excluded {gpu}; it stays excluded)" if gpu in state.spec.exclude_gpus else ""
    exclude = [g for g in state.spec.exclude_gpus if g != gpu]
    text, run = _alternative(state, kb, run_step, f"on {gpu}", {"gpus": [gpu], "exclude_gpus": exclude}, gpu)
    return text + note, run


def _model_question(state, kb, run_step, target) -> tuple[str, ToolRun | None]:
    plan = state.plan
    try:
        model = kb.catalog.model(str(target)).id
    except UnknownNameError as exc:
        return str(exc), None
    using = [r for r in plan.recommendations if r.model_id == model]
    if using:
        r = using[0]
        if r.rank == 1:
            return why_option(r), None
        return f"**{model}** is option {r.rank}: {_config(r)}; {_versus(plan.recommendations[0], r)}.", None
    note = f" (you excluded {model}; it stays excluded)" if model in state.spec.exclude_models else ""
    exclude = [m for m in state.spec.exclude_models if m != model]
    text, run = _alternative(state, kb, run_step, model.split("/")[-1], {"models": [model], "exclude_models": exclude},
                             model)
    return text + note, run


def _precision_question(state, kb, run_step, target) -> tuple[str, ToolRun | None]:
    plan = state.plan
    try:
        precision = Precision(str(target).lower())
    except ValueError:
        return f"'{target}' is not a precision I plan for ({', '.join(p.value for p in Precision)}).", None
    using = [r for r in plan.recommendations if r.config.precision is precision]
    if using and using[0].rank == 1:
        return why_option(using[0]), None
    text, run = _alternative(state, kb, run_step, precision.value, {"precision": precision.value}, precision.value)
    if using:
        text += f" In the current plan, option {using[0].rank} uses {precision.value}: {_config(using[0])}."
    return text, run


def _tp_question(state: AgentState, target: Any) -> str:
    plan = state.plan
    top = plan.recommendations[0]
    tp = int(target) if str(target or "").isdigit() else None
    using = [r for r in plan.recommendations if tp is not None and r.config.tensor_parallel == tp]
    sizes = "; ".join(f"option {r.rank} TP {r.config.tensor_parallel} ({r.total_gpus} x {r.gpu})"
                      for r in plan.recommendations)
    if using and using[0].rank != 1:
        r = using[0]
        return (f"**Tensor parallel {tp}** is option {r.rank}: {_config(r)}; {_versus(top, r)}. "
                f"Option 1 is {_config(top)}.")
    if using:
        return why_option(top)
    head = f"None of the options uses tensor parallel {tp}. " if tp else ""
    return head + f"Option 1 is {_config(top)}. Tensor parallel sizes in the plan: {sizes}."


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
    if about == "gpu":
        return _gpu_question(state, kb, run_step, target)
    if about == "model":
        return _model_question(state, kb, run_step, target)
    if about == "precision":
        return _precision_question(state, kb, run_step, target)
    if about == "tp":
        return _tp_question(state, target), None
    return why_option(plan.recommendations[0]), None
