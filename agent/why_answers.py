"""Answers to "why" questions, computed from the plan (never a re-print of option 1).

Why option N: its rationale, SLO margins, memory, cost and what sets its size. Why N GPUs: the replicas, the
tensor-parallel size and the binding constraint. Why so cheap / expensive: the cost parts and where it sits among
the options. Would a hosted API be cheaper: the plan's comparison of option 1 with per-token APIs. Why not a GPU / model /
precision / TP: the planner's own evaluation of that alternative against option 1 (tools/planner/explain.py ``why_not``: its best configuration, the cost ratio, which SLO it misses by how
much, or why it does not fit), the user's exclusion lifted for the question only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.state import AgentState, ToolRun
from agent.wording import FIELD_NAMES, value_text
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
