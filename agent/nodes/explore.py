"""explore: what-ifs, side-by-side comparisons, choosing an option, and explanations."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.brains import brain_for
from agent.context import AgentContext
from agent.nodes.common import run_tool, say
from agent.nodes.recommend import make_plan
from agent.offline.contract import Intent, WhatIfRequest
from agent.replies import comparison_text, option_pair_text
from agent.state import AgentState, Stage
from knowledge.domain import Priority, Recommendation
from tools import service
from tools.agent_tools import COMPARE_WHATIF
from tools.planner import PlanResult
from tools.whatif import Variant


def _option(plan: PlanResult, n: int) -> Recommendation | None:
    return plan.recommendations[n - 1] if 1 <= n <= len(plan.recommendations) else None


def _missing_option(plan: PlanResult, n: int) -> str:
    return f"There is no option {n}; the current plan has options 1 to {len(plan.recommendations)}."


def explore_node(state: AgentState, runtime: Runtime[AgentContext]) -> dict:
    update: dict = {"stage": Stage.EXPLORE, "turn_notes": []}
    plan, runs = state.plan, []
    if plan is None or (state.parsed and state.parsed.updates):
        plan, runs, error = make_plan(state, runtime)
        if plan is None:
            return {"messages": [say(runtime, f"I could not plan this: {error}")], "tool_runs": runs, **update}
        update.update(plan=plan, spec=plan.spec)
    intent, parsed = state.intent, state.parsed
    options = parsed.options if parsed else []
    if intent in (Intent.WHATIF, Intent.CHEAPER, Intent.FASTER):
        requests = list(parsed.whatifs) if parsed and intent is Intent.WHATIF else []
        if intent is Intent.CHEAPER:
            requests = [WhatIfRequest(label="cheapest that meets the SLOs", changes={"priority": Priority.COST.value})]
        if intent is Intent.FASTER:
            requests = [WhatIfRequest(label="fastest within the SLOs", changes={"priority": Priority.LATENCY.value})]
        text, comparison, run = _whatif(state, runtime, plan, requests)
        runs += [run] if run else []
        update["comparison"] = comparison
    elif intent is Intent.COMPARE:
        pair = (options + [1, 2])[:2] if len(options) < 2 else options[:2]
        a, b = _option(plan, pair[0]), _option(plan, pair[1])
        text = option_pair_text(a, b) if a and b else _missing_option(plan, pair[1] if a else pair[0])
    elif intent is Intent.SELECT and not options and state.comparison and _adoptable(state):
        return _adopt(state, runtime, update)
    elif intent is Intent.SELECT:
        n = options[0] if options else 1
        chosen = _option(plan, n)
        if chosen is None:
            text = _missing_option(plan, n)
        else:
            update["selected_option"] = n
            text = (f"Option {n} selected: {chosen.rationale}\n\nSay *deploy* to deploy it (you will see the "
                    f"manifests and approve first), or keep exploring.")
    else:  # WHY
        n = options[0] if options else (state.selected_option or 1)
        chosen = _option(plan, n)
        text = _why(chosen) if chosen else _missing_option(plan, n)
    text = brain_for(runtime.context.llm).phrase(text, state=state, purpose="explore")
    return {"messages": [say(runtime, text)], "tool_runs": runs, **update}


def _adoptable(state: AgentState) -> bool:
    """'Let's do that' right after a what-if adopts its (single, successful) scenario."""
    c = state.comparison
    return c is not None and len(c.variants) == 1 and c.variants[0].top is not None


def _adopt(state: AgentState, runtime: Runtime[AgentContext], update: dict) -> dict:
    from agent.nodes.recommend import recommend_node
    from tools.whatif import apply_changes

    variant = state.comparison.variants[0]
    catalog = runtime.context.knowledge_base().catalog
    spec = apply_changes(state.plan.spec if state.plan else state.spec, variant.changes, catalog)
    adopted = state.model_copy(update={"spec": spec, "comparison": None})
    result = recommend_node(adopted, runtime)
    result["spec"] = result.get("spec", spec)
    result["messages"] = [say(runtime, f"Adopted **{variant.label}**.")] + result.get("messages", [])
    return {**update, **result, "comparison": None}


def _whatif(state: AgentState, runtime: Runtime[AgentContext], plan: PlanResult, requests: list[WhatIfRequest]):
    if not requests:
        return ("Tell me what to change, for example *what if traffic doubles*, *what if TTFT can be 1 s*, or "
                "*what about L4s*.", None, None)
    kb = runtime.context.knowledge_base()
    variants = [Variant(label=r.label, changes=r.changes) for r in requests]
    args = {"variants": [v.model_dump() for v in variants]}
    comparison, run, error = run_tool(runtime, state, COMPARE_WHATIF, args,
                                      lambda: service.run_compare(kb, plan.spec, variants))
    if comparison is None:
        return f"I could not compare that: {error}", None, run
    return comparison_text(comparison), comparison, run


def _why(r: Recommendation) -> str:
    lines = [f"**Option {r.rank}.** {r.rationale}", ""]
    for c in r.slo_checks:
        verdict = "within" if c.met else "misses"
        lines.append(f"- p95 {c.metric.split('_')[0].upper()}: {c.predicted_ms:,.0f} ms predicted vs {c.target_ms:,.0f} ms "
                     f"target ({verdict}, margin {c.margin_pct:+.0f}%)")
    p = r.prediction
    lines.append(f"- Prediction source: {p.provenance.value}"
                 + (f", uncertainty about +/-{p.ttft_ms.band_pct:.0f}% at p95" if p.ttft_ms and p.ttft_ms.band_pct else ""))
    lines.append(f"- Memory per GPU: weights {p.memory.weights_gb:.1f} GB, KV cache {p.memory.kv_cache_gb:.1f} GB "
                 f"({p.memory.kv_capacity_tokens:,} tokens); up to {p.max_concurrency} concurrent requests per replica")
    lines.append(f"- Cost: ${r.monthly_cost_usd:,.0f}/month; " + "; ".join(r.cost.assumptions))
    lines += [f"- {t}" for t in r.tradeoffs]
    return "\n".join(lines)
