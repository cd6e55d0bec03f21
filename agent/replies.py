"""Templated answers of the offline brain, built only from tool results and the spec (markdown).

Numbers are rounded where they are shown, by knowledge/domain/display.py (the rule every front end uses): a
rate to three significant figures, a latency to the millisecond (a tenth below 100 ms), dollars whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.clarify import Ask
from agent.wording import FIELD_LABELS, FIELD_NAMES, value_text
from knowledge.domain import DeploymentSpec, Recommendation, SimilarDeployment
from knowledge.domain.display import ms as _ms
from knowledge.domain.display import rate, usd, verdict
from tools.planner import PlanResult, WorkloadSummary
from tools.whatif import Comparison, ComparisonRow

__all__ = ["FIELD_LABELS", "assumptions_text", "comparison_text", "option_pair_text", "options_table", "plan_text",
           "questions_text", "similar_text", "spec_text"]


def questions_text(asks: Sequence[Ask], preface: str | None = None) -> str:
    lines = [preface] if preface else []
    if len(asks) == 1:
        lines.append(asks[0].text)
    else:
        lines += [f"{i}. {a.text}" for i, a in enumerate(asks, 1)]
    return "\n\n".join(lines)


def spec_text(spec: DeploymentSpec) -> str:
    rows = []
    for field, label in FIELD_LABELS.items():
        if not spec.is_set(field):
            continue
        src = spec.sources.get(field)
        tag = "you said" if not src or src.origin == "stated" else f"assumed: {src.note or 'default'}"
        rows.append(f"| {label} | {value_text(field, getattr(spec, field), unit=False)} | {tag} |")
    if not rows:
        return "I don't know anything about the deployment yet. Tell me what it is for and how many users it serves."
    return "| field | value | source |\n|---|---|---|\n" + "\n".join(rows)


USERS_MEANING = ("users means people who use it on a working day, not monthly actives; tell me the peak "
                 "requests per second if you know it")
_TRAFFIC_FIRST = ("rps", "peak_rps", "concurrent_users")


def assumptions_text(spec: DeploymentSpec, limit: int = 7) -> str:
    """What was assumed, traffic first (how users became requests/s), with where each value came from."""
    assumed = spec.assumed_fields()
    if spec.cost_model is not None and spec.cost_model.value != "cloud":
        assumed.pop("price_tier", None)  # a rental tier is no assumption of owned or bought hardware
    if not assumed:
        return ""
    order = [f for f in _TRAFFIC_FIRST if f in assumed] + [f for f in assumed if f not in _TRAFFIC_FIRST]
    parts = [f"{FIELD_NAMES.get(k, k)} {value_text(k, getattr(spec, k))} ({assumed[k].note or 'default'})"
             for k in order[:limit]]
    text = "**I assumed** " + "; ".join(parts) + "."
    if "rps" in assumed and spec.users and "users" in (assumed["rps"].note or ""):
        text += f" ({USERS_MEANING}.)"
    return text + " Tell me if any of these is wrong and I will re-plan."


def _option_line(r: Recommendation) -> str:
    c, p = r.config, r.prediction
    gpus = f"{r.total_gpus} x {c.gpu} (TP{c.tensor_parallel})" if c.tensor_parallel > 1 else f"{r.replicas} x {c.gpu}"
    status = verdict(r.meets_slos, r.within_budget)
    per_m = r.cost.usd_per_million_output_tokens
    return (f"| {r.rank}{'*' if r.pareto_optimal else ''} | {c.model_id} | {c.precision.value} | {gpus} | "
            f"{_ms(p.ttft_ms.p95 if p.ttft_ms else None)} | {_ms(p.itl_ms.p95 if p.itl_ms else None)} | "
            f"{_ms(p.e2e_ms.p95 if p.e2e_ms else None)} | {usd(r.monthly_cost_usd)} | "
            f"{usd(per_m, cents=True) if per_m else '-'} | {status} | {p.provenance.value} |")


def options_table(recs: Sequence[Recommendation]) -> str:
    head = ("| # | model | precision | GPUs (replicas x TP GPU) | p95 TTFT ms | p95 ITL ms | p95 E2E ms | "
            "$/month | $/M output tokens | SLOs | source |\n|---|---|---|---|---|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(_option_line(r) for r in recs)


def plan_text(plan: PlanResult, *, changed: Sequence[str] = (), similar: Sequence[SimilarDeployment] = (),
              follow: Ask | None = None, warnings: Sequence[str] = ()) -> str:
    intro = "Here is the updated plan" if changed else "Here is what I recommend"
    parts = [f"{intro} for {workload_text(plan.workload)}:"]
    parts += [f"> {n}" for n in plan.notes[:3]]
    parts += [f"> Note: {x}" for x in warnings]
    parts.append(options_table(plan.recommendations))
    top = plan.recommendations[0]
    parts.append(f"**Why option 1:** {top.rationale}")
    if top.tradeoffs:
        parts.append("\n".join(f"- {t}" for t in top.tradeoffs))
    if top.cost.assumptions:  # how the cost is counted: hours, price tier, a batch window's cold start
        parts.append("**How option 1's cost is counted:** " + "; ".join(top.cost.assumptions) + ".")
    if plan.recommendations[0].replicas > 1 or plan.recommendations[0].min_replicas != plan.recommendations[0].max_replicas:
        parts.append(f"Autoscaling: {top.min_replicas} to {top.max_replicas} replicas (average vs peak with headroom).")
    if similar:
        parts.append(similar_text(similar))
    text = assumptions_text(plan.spec)
    if text:
        parts.append(text)
    parts.append("You can ask *what if traffic doubles*, *compare option 1 and 2*, *use fp8*, or *deploy option 1*.")
    if follow:
        parts.append(follow.text)
    return "\n\n".join(parts)


def workload_text(w: WorkloadSummary) -> str:
    """'5.21 req/s on average and 13.0 at peak (prompt ~512 tokens, output ~256; p95 targets TTFT 500 ms, ...)'."""
    targets = [f"{name} {_ms(value)} ms" for name, value in (("TTFT", w.ttft_p95_ms), ("ITL", w.itl_p95_ms),
                                                             ("E2E", w.e2e_p95_ms)) if value is not None]
    rates = (f"a steady {rate(w.avg_rps)} req/s" if w.peak_rps == w.avg_rps else
             f"{rate(w.avg_rps)} req/s on average and {rate(w.peak_rps)} at peak")
    return (f"{rates} (prompt ~{w.prompt_tokens:,} tokens, output ~{w.output_tokens:,}; "
            + (f"p95 targets {', '.join(targets)})" if targets else "no latency target)"))


def similar_text(similar: Sequence[SimilarDeployment]) -> str:
    lines = ["**Similar past deployments:**"]
    for s in similar:
        o = s.outcome
        m = o.measured
        verdict = o.verdict  # computed from the figures: a load test that fell short of the rate is not a miss
        seen = "measured" if o.source == "hardware" else "simulated"  # a GPU-free simulator run is no measurement
        lines.append(f"- {o.recommendation.model_id} on {o.recommendation.total_gpus} x {o.recommendation.gpu} "
                     f"({o.spec.use_case.label if o.spec.use_case else 'unknown use case'}, {rate(o.spec.rps)} req/s, "
                     f"{o.evidence}): {verdict}; {seen} p95 TTFT {_ms(m.ttft_ms.p95)} ms, ITL {_ms(m.itl_ms.p95)} ms "
                     f"(predicted {_ms(o.predicted.ttft_ms.p95 if o.predicted.ttft_ms else None)} / "
                     f"{_ms(o.predicted.itl_ms.p95 if o.predicted.itl_ms else None)} ms)"
                     + (f" ({s.runs_text}; the nearest shown)" if s.runs > 1 else ""))
    return "\n".join(lines)


def _row_line(row: ComparisonRow) -> str:
    if row.top is None:
        return f"| {row.label} | {row.error or 'no plan'} | - | - | - | - | - | - |"
    r, d = row.top, row.deltas

    def delta(key: str, fmt: str = "{:+,.0f}") -> str:
        return f" ({fmt.format(d[key])})" if d.get(key) else ""

    p = r.prediction
    return (f"| {row.label} | {r.model_id} ({r.config.precision.value}) on {r.total_gpus} x {r.gpu} | "
            f"{r.total_gpus}{delta('gpus')} | {usd(r.monthly_cost_usd)}{delta('cost_usd')} | "
            f"{_ms(p.ttft_ms.p95 if p.ttft_ms else None)}{delta('ttft_p95_ms')} | "
            f"{_ms(p.itl_ms.p95 if p.itl_ms else None)}{delta('itl_p95_ms')} | "
            f"{_ms(p.e2e_ms.p95 if p.e2e_ms else None)}{delta('e2e_p95_ms')} | "
            f"{verdict(r.meets_slos, r.within_budget)} |")


def _notes(row: ComparisonRow) -> str:
    """What the what-if kept from the base plan and what it could not keep (tools/whatif.py): without it, a
    variant that had to change the model reads as if the named change alone made the difference."""
    return "".join(f" {n[0].upper()}{n[1:].rstrip('.')}." for n in row.notes)


def comparison_text(comparison: Comparison, plan: PlanResult | None = None) -> str:
    head = "| scenario | top option | GPUs | $/month | p95 TTFT ms | p95 ITL ms | p95 E2E ms | SLOs |\n|---|---|---|---|---|---|---|---|"
    lines = [head, _row_line(comparison.base), *(_row_line(v) for v in comparison.variants)]
    summary = []
    for v in comparison.variants:
        if v.top and comparison.base.top and v.deltas:
            cost = v.deltas.get("cost_usd", 0)
            summary.append(f"- **{v.label}**: {'+' if cost >= 0 else '-'}${abs(cost):,.0f}/month, "
                           f"{v.deltas.get('gpus', 0):+.0f} GPU{'' if abs(v.deltas.get('gpus', 0)) == 1 else 's'}, top option {v.top.model_id} on {v.top.gpu}."
                           + _notes(v))
        elif v.error:
            summary.append(f"- **{v.label}**: {v.error}" + _notes(v))
    summary += _latency_buys_nothing(comparison, plan)
    return "Side by side (deltas vs the current plan in brackets):\n\n" + "\n".join(lines) + (
        "\n\n" + "\n".join(summary) if summary else "")


_LATENCY = {"ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"}


def _latency_buys_nothing(comparison: Comparison, plan: PlanResult | None = None) -> list[str]:
    """Looser latency targets that do not lower the cost: why, from the base option's binding constraint (its size
    is set by the batch, the memory or the GPU limit, not by a latency target), and the plan's cheaper option that
    meets the SLOs, if there is one (a what-if keeps the option's model and GPU)."""
    base = comparison.base.top
    out = []
    for v in comparison.variants:
        if base is None or v.top is None or not (_LATENCY & set(v.changes)) or v.deltas.get("cost_usd", 0) < 0:
            continue
        why = base.sized_by.text.rstrip(".") if base.sized_by is not None and base.sized_by.kind != "slo" else None
        if why and why.startswith("sized") and "latency target" not in why:
            why += ", before any latency target binds"
        freely = next((n for n in v.notes if n.startswith("planned freely")), None)
        head = ("- Slower replies do not make this model and GPU cheaper: " if freely else
                "- Slower replies do not make it cheaper here: ")
        out.append(head + (
            f"{'the plan is ' if why.startswith('sized') else ''}{why}." if why else
            "the same GPUs already meet the looser targets, and none fewer meet them."))
        cheaper = [r for r in (plan.recommendations if plan else []) if r.meets_slos
                   and r.monthly_cost_usd < base.monthly_cost_usd * 0.99]
        if cheaper:
            c = min(cheaper, key=lambda r: (r.monthly_cost_usd, r.rank))
            out.append(f"- What does cost less is another option of the plan: option {c.rank}, {c.model_id} on "
                       f"{c.total_gpus} x {c.gpu}, {usd(c.monthly_cost_usd)} a month, within the current targets"
                       + (f" (quality {c.quality.score:.1f} vs {base.quality.score:.1f})"
                          if c.quality and base.quality else "") + ".")
    return out


def option_pair_text(a: Recommendation, b: Recommendation, priority: str | None = None) -> str:
    rows = [("model", a.model_id, b.model_id), ("precision", a.config.precision.value, b.config.precision.value),
            ("GPUs", f"{a.total_gpus} x {a.gpu}", f"{b.total_gpus} x {b.gpu}"),
            ("$/month", usd(a.monthly_cost_usd), usd(b.monthly_cost_usd))]
    for label, attr in (("p95 TTFT ms", "ttft_ms"), ("p95 ITL ms", "itl_ms"), ("p95 E2E ms", "e2e_ms")):
        sa, sb = getattr(a.prediction, attr), getattr(b.prediction, attr)
        rows.append((label, _ms(sa.p95 if sa else None), _ms(sb.p95 if sb else None)))
    scale = next((f" ({q.benchmark_name}, 0-100)" for q in (a.quality, b.quality) if q), "")
    rows.append((f"quality{scale}", f"{a.quality.score:.1f}" if a.quality else "-",
                 f"{b.quality.score:.1f}" if b.quality else "-"))
    rows.append(("SLOs", verdict(a.meets_slos, a.within_budget), verdict(b.meets_slos, b.within_budget)))
    table = f"| | option {a.rank} | option {b.rank} |\n|---|---|---|\n" + "\n".join(f"| {r[0]} | {r[1]} | {r[2]} |" for r in rows)
    text = table + f"\n\n- Option {a.rank}: {a.rationale}\n- Option {b.rank}: {b.rationale}"
    trade = tradeoff_text(a, b, priority)
    return text + (f"\n\n{trade}" if trade else "")


def tradeoff_text(a: Recommendation, b: Recommendation, priority: str | None = None) -> str:
    """What each of two options gives up against the other, from their rows: cost, p95 TTFT and quality, each said
    only where they differ (1% of cost, 5% of TTFT, 1 point of quality)."""
    def better(x: Recommendation, y: Recommendation) -> list[str]:
        out = []
        if x.monthly_cost_usd < y.monthly_cost_usd * 0.99:
            out.append(f"{usd(y.monthly_cost_usd - x.monthly_cost_usd)} a month cheaper ({usd(x.monthly_cost_usd)} vs "
                       f"{usd(y.monthly_cost_usd)})")
        tx = x.prediction.ttft_ms.p95 if x.prediction.ttft_ms else None
        ty = y.prediction.ttft_ms.p95 if y.prediction.ttft_ms else None
        if tx is not None and ty is not None and tx < ty * 0.95:
            out.append(f"faster to the first token (p95 {_ms(tx)} vs {_ms(ty)} ms)")
        if x.quality and y.quality and x.quality.score >= y.quality.score + 1:
            out.append(f"higher quality ({x.quality.score:.1f} vs {y.quality.score:.1f})")
        if x.meets_slos and not y.meets_slos:
            out.append("meets every SLO, which the other does not")
        return out
    ab, ba = better(a, b), better(b, a)
    if not ab and not ba:
        return ""
    lines = ["**Trade-off:**"]
    lines += [f"- Option {x.rank} is {'; '.join(gains)}." for x, gains in ((a, ab), (b, ba)) if gains]
    top = min((a, b), key=lambda r: r.rank)
    lines.append(f"- Option {top.rank} ranks higher for the {priority or 'balanced'} priority (cost, latency and "
                 "quality weighed as its rationale above says).")
    return "\n".join(lines)


HELP = ("I size LLM deployments. Tell me what you need in plain words, for example: *a support chatbot for 5,000 "
        "employees, fast first answers, at most $8k a month*. I will ask about anything that changes the answer, "
        "recommend model + GPU + replicas with predicted p95 latency and cost, answer what-ifs (*what if traffic "
        "doubles?*, *use fp8*, *compare option 1 and 3*), show the manifests (*show the YAML*) and deploy an option "
        "after you approve it. Say *show the spec* to see what I know, or *start over* to begin again.")
GREETING = "Hello! I'm Compass. " + HELP
UNPARSED = ("I could not find anything about the deployment in that. Tell me the use case (e.g. a support chatbot, "
            "code completion, RAG over documents) and roughly how many users or requests per second.")


def namespaces_answer(namespace: str, allowed: Sequence[str]) -> str:
    """Where a deploy would go (the spec's namespace, else the default) and where it may go (the allowlist)."""
    if not allowed:
        return (f"A deploy would go to namespace {namespace}, but no namespace is allowed yet: ask whoever runs Compass "
                "to set COMPASS_ALLOWED_NAMESPACES. Nothing is deployed by a question.")
    where = (f"A deploy would go to namespace **{namespace}**" + ("" if namespace in allowed else
             ", which is not on the allowlist, so it would be refused"))
    others = [n for n in allowed if n != namespace]
    pick = f"; say *deploy option 1 to namespace {others[0]}* for another" if others else ""
    return (f"{where}{pick}. Allowed: {', '.join(allowed)} (the allowlist set by whoever runs Compass, "
            "COMPASS_ALLOWED_NAMESPACES). Nothing is deployed until you ask and approve.")
