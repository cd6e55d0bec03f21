"""Answers to questions about the plan's own figures, computed from the plan and the spec's record.

How sure option N's cost is (what the monthly figure is made of and how far each part moves), what it costs in another
currency (at the rate table's dated rate), whether it fits the GPUs the user has, what happens when a replica fails at
peak, and where a value of the spec came from (the user's words, or the assumption and its reason). Split from
agent/why_answers.py, which answers "why" and "why not" and dispatches to these.
"""

from __future__ import annotations

from typing import Any

from agent.state import AgentState
from agent.wording import FIELD_NAMES, value_text
from knowledge.base import KnowledgeBase
from knowledge.domain import Recommendation
from knowledge.domain.display import rate, usd
from tools.planner import HOURS_PER_MONTH, PlanResult


_TRAFFIC_FIELDS = ("users", "concurrent_users", "rps", "peak_rps")


def cost_confidence(plan: PlanResult, r: Recommendation, kb: KnowledgeBase) -> str:
    """'How sure is that cost?': what option N's monthly figure is made of and how far each part can move, from the
    plan: the providers' price spread for its GPU, the traffic its replica count rests on (said or assumed), and the
    hours counted."""
    cost, spec = r.cost, plan.spec
    lines = [f"**How sure the cost of option {r.rank} is ({usd(r.monthly_cost_usd)} a month):** it is {r.total_gpus} "
             f"GPU{'s' if r.total_gpus > 1 else ''} x the price per GPU-hour x {HOURS_PER_MONTH:g} hours, so it moves "
             "with each of them."]
    if cost.cost_model.value == "cloud" and cost.usd_per_gpu_hour:
        prices = sorted(p.usd_per_gpu_hour for p in kb.catalog.gpu(r.gpu).prices)
        scale = r.monthly_cost_usd / cost.usd_per_gpu_hour
        if len(prices) > 1 and prices[-1] > prices[0]:
            tier = cost.usd_per_gpu_hour / (prices[len(prices) // 2] if len(prices) % 2 else
                                            (prices[len(prices) // 2 - 1] + prices[len(prices) // 2]) / 2)
            lo, hi = prices[0] * tier * scale, prices[-1] * tier * scale
            lines.append(f"- Price: {usd(cost.usd_per_gpu_hour, True)}/GPU-h is the median of {len(prices)} providers' "
                         f"{r.gpu} prices; from the cheapest to the dearest the same GPUs cost {usd(lo)} to {usd(hi)} "
                         "a month.")
        else:
            lines.append(f"- Price: {usd(cost.usd_per_gpu_hour, True)}/GPU-h from the only provider price I have for "
                         f"{r.gpu}, so I cannot give a spread.")
    else:
        lines += [f"- {a}" for a in cost.assumptions]
    assumed = [f for f in _TRAFFIC_FIELDS if getattr(spec, f) is not None and not spec.stated(f)]
    peak_said = "stated by you" if spec.stated("peak_rps") else (
        f"assumed: {spec.sources['peak_rps'].note}" if "peak_rps" in spec.sources and spec.sources["peak_rps"].note
        else "assumed")
    lines.append(f"- GPUs: {r.replicas} replica{'s' if r.replicas > 1 else ''} sized for the peak of "
                 f"{rate(plan.workload.peak_rps)} req/s ({peak_said}); a higher peak needs more replicas, each "
                 f"{usd(r.monthly_cost_usd / r.replicas)} a month.")
    if r.min_replicas < r.replicas:
        floor = r.monthly_cost_usd / r.replicas * max(r.min_replicas, 1)
        lines.append(f"- Hours: all {r.replicas} replicas are counted every hour; if autoscaling ran at its floor of "
                     f"{max(r.min_replicas, 1)} outside the peak the bill would fall toward {usd(floor)} a month.")
    if assumed:
        words = ", ".join(FIELD_NAMES.get(f, f) for f in assumed)
        lines.append(f"- What moves it most: the traffic ({words}) was assumed, not given; tell me your real peak "
                     "requests per second and I will re-plan.")
    elif cost.cost_model.value == "cloud":
        lines.append("- What moves it most: the price, since the traffic is yours; a reservation or spot capacity "
                     "lowers it (ask *what if we reserve for a year*).")
    return "\n".join(lines)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)
    return a == b


def value_source(state: AgentState, field: str) -> str:
    """'Why is the TTFT target 500 ms?': where the value came from, from the spec's record: the words the user said it
    in (the change that set it), or the assumption and its reason. Asked beside a change of the same field this
    turn, it is about the value before the change, and the change is said."""
    plan = state.plan
    name = FIELD_NAMES.get(field, field.replace("_", " "))
    history = list(state.spec_history)
    changed = next((c for c in state.changes if c.field == field), None)
    if changed is not None and history and history[-1].turn == state.turn:
        value, spec_then, past = changed.before, history[-1].spec, history[:-1]
    else:
        value, spec_then, past = getattr(plan.spec, field, None), plan.spec, history
    if value is None:
        return f"No {name} was set" + (f"; it is now {value_text(field, changed.after)}, as you asked." if changed else ".")
    shown = value_text(field, value)
    said = next((c for v in reversed(past) for c in v.changes if c.field == field and _same(c.after, value)), None)
    src = spec_then.sources.get(field)
    if src is not None and src.origin == "assumed":
        text = f"The {name} of {shown} is my assumption: {src.note or 'the default'}."
    elif said is not None and said.span:
        text = f"The {name} of {shown} is yours: you said \"{said.span}\"" + (f" ({said.note})." if said.note else ".")
    else:
        text = f"The {name} of {shown} came from what you told me."
    if changed is not None:
        return text + f" Changed to {value_text(field, changed.after)}, as you asked; the plan is re-made for it."
    if src is not None and src.origin == "assumed":
        text += " Tell me your own value and I will re-plan."
    return text


def fits_owned(plan: PlanResult, r: Recommendation) -> str:
    """'Can it fit on the cards we have?': option N's GPUs against the GPUs the spec allows and has, with the memory
    one GPU holds. Without a stated GPU count or type, says what it needs and asks."""
    spec, m = plan.spec, r.prediction.memory
    memory = (f"each GPU holds {m.weights_gb:.1f} GB of weights and {m.kv_cache_gb:.1f} GB of KV cache of its "
              f"{m.gpu_capacity_gb:.0f} GB")
    needs = f"option {r.rank} needs {r.total_gpus} x {r.gpu} ({r.replicas} replica{'s' if r.replicas > 1 else ''} of TP{r.config.tensor_parallel})"
    if spec.gpus and r.gpu in spec.gpus and spec.max_gpus:
        if r.total_gpus <= spec.max_gpus:
            return (f"**Yes:** {needs}, {r.total_gpus} of your {spec.max_gpus} GPUs; {memory}."
                    + (f" {spec.max_gpus - r.total_gpus} stay free." if spec.max_gpus > r.total_gpus else ""))
        return f"**No:** {needs}, more than your {spec.max_gpus}; {memory}."
    if spec.gpus and r.gpu not in spec.gpus:
        return f"{needs[0].upper() + needs[1:]}, which is not among your GPUs ({', '.join(spec.gpus)}); {memory}."
    have = f"your {', '.join(spec.gpus)}" if spec.gpus else "your cards"
    return (f"{needs[0].upper() + needs[1:]}; {memory}. I don't know how many of {have} you have: tell me (e.g. *we have 4 "
            f"{r.gpu}*) and I will check and re-plan within them.")


def in_currency(plan: PlanResult, r: Recommendation, code: str) -> str:
    """'How much is it in euro?': option N's monthly cost (and the budget, if any) at the rate table's rate, dated."""
    from agent.offline.currency import RATES_AS_OF, SYMBOLS, USD_PER

    per = USD_PER[code]
    sym = SYMBOLS[code]

    def money(usd_value: float) -> str:
        return f"{sym}{usd_value / per:,.0f}"

    text = (f"**Option {r.rank} costs about {money(r.monthly_cost_usd)} a month** ({usd(r.monthly_cost_usd)} at "
            f"{per:g} USD per {code}, rates of {RATES_AS_OF}; I price in US dollars, so the {code} figure moves with "
            "the exchange rate).")
    if r.cost.usd_per_gpu_hour:
        text += f" That is {sym}{r.cost.usd_per_gpu_hour / per:,.2f} per GPU-hour."
    if plan.spec.budget_monthly_usd:
        text += (f" Your budget of {usd(plan.spec.budget_monthly_usd)} a month is about "
                 f"{money(plan.spec.budget_monthly_usd)}.")
    return text


def failure(plan: PlanResult, r: Recommendation) -> str:
    """'What if a replica dies during the peak?': whether the replicas left carry the peak rate within the binding
    limit (what one replica sustains, from the sizing), and what one more replica (N+1) would cost."""
    w, b = plan.workload, r.sized_by
    per_replica = r.monthly_cost_usd / r.replicas
    spare = (f" For N+1, run {r.replicas + 1} replicas: {usd(per_replica)} a month more "
             f"({usd(r.monthly_cost_usd + per_replica)} in all).")
    head = f"**If one of option {r.rank}'s {r.replicas} replicas fails at peak**"
    if r.replicas == 1:
        return (f"**If option {r.rank}'s only replica fails**, nothing serves until it is replaced: option {r.rank} runs a single replica of "
                f"{r.total_gpus} x {r.gpu}, so there is no redundancy.{spare}")
    if b is None or b.per_replica_rps <= 0:
        return (f"{head}, I cannot say whether the rest carry the peak: the plan does not record what one replica "
                f"sustains.{spare}")
    left = r.replicas - 1
    carried = left * b.per_replica_rps
    within = "within the p95 targets" if b.kind == "slo" else "before the batch is full" if b.kind == "throughput" \
        else "within its limits"
    figures = (f"the other {left} sustain {left} x {rate(b.per_replica_rps)} = {rate(carried)} req/s {within} "
               f"(what one replica sustains, from the sizing), against a peak of {rate(w.peak_rps)} req/s")
    if carried >= w.peak_rps:
        return (f"{head}, {figures}: they carry the peak, with the plan's headroom spent, until the replica is "
                f"replaced.{'' if carried >= b.sizing_rps else ' There is no headroom left for a burst above it.'}")
    return (f"{head}, {figures}: {rate(w.peak_rps - carried)} req/s short, so the SLOs would be missed (requests "
            f"queue) until it is replaced.{spare}")
