"""Pure functions from the agent's state to what the UI shows: the props of the custom elements
(``public/elements/*.jsx``), the approval text, and the reply text with tables the elements replace."""

from __future__ import annotations

import json
import re
from typing import Any

from agent.replies import FIELD_LABELS
from knowledge.domain import DeploymentSpec, Recommendation, UseCase, display
from tools.planner import PlanResult
from tools.whatif import Comparison, ComparisonRow
from ui import phrases

# Unset fields the spec card still offers, so a constraint can be added from it.
ALWAYS_SHOWN = ("use_case", "users", "budget_monthly_usd", "gpus", "precision")
# Fields whose meaning the card spells out under the value (their domain description): easy to misread.
EXPLAINED = ("users",)
# Assumed values computed from others: the card shows the computation under the value (how users became
# requests/s); every other assumption's reason is in its tooltip.
DERIVED = ("rps", "peak_rps", "concurrent_users", "window_requests")
METRICS = (("ttft_p95_ms", "ttft_ms", "TTFT"), ("itl_p95_ms", "itl_ms", "ITL"), ("e2e_p95_ms", "e2e_ms", "E2E"))


def fmt_value(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if hasattr(value, "value"):
        return str(value.value).replace("_", " ")  # on_demand -> on demand
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):  # a whole number as such (50 ms), else three significant figures (5.21, 78.1)
        return f"{value:,.0f}" if value.is_integer() else display.rate(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _raw(value: Any) -> str:
    """The value as the edit box starts with it (no thousands separators)."""
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _input(name: str) -> dict | None:
    spec = phrases.FIELD_INPUTS.get(name)
    if spec is None:
        return None
    return {"kind": spec.kind, "template": spec.template, "clear": spec.clear, "unit": spec.unit,
            "step": spec.step, "options": [{"value": v, "label": label, "message": m} for v, label, m in spec.options]}


def spec_card_props(spec: DeploymentSpec) -> dict:
    """Every known value with where it came from: stated, or assumed and from what (an assumed rate shows how
    users became requests/s), what an ambiguous field means, and how to change each."""
    rows = []
    for name, label in FIELD_LABELS.items():
        if name == "description":
            continue
        is_set = spec.is_set(name)
        if not is_set and name not in ALWAYS_SHOWN:
            continue
        src = spec.sources.get(name)
        origin = "unset" if not is_set else (src.origin if src else "stated")
        value = getattr(spec, name)
        shown = value.label if isinstance(value, UseCase) else fmt_value(value)
        rows.append({"name": name, "label": label, "value": shown,
                     "raw": _raw(getattr(spec, name)), "origin": origin, "note": src.note if src and is_set else None,
                     "means": DeploymentSpec.model_fields[name].description if name in EXPLAINED else None,
                     "derivation": src.note if origin == "assumed" and src and name in DERIVED else None,
                     "input": _input(name)})
    return {"fields": rows, "assumed": sum(r["origin"] == "assumed" for r in rows),
            "stated": sum(r["origin"] == "stated" for r in rows)}


def _p95(rec: Recommendation, attr: str) -> float | None:
    stats = getattr(rec.prediction, attr)
    return stats.p95 if stats else None


def rec_row(r: Recommendation) -> dict:
    """One option: raw numbers for sorting and colours, and the text to show, rounded once here
    (knowledge/domain/display.py) so the table, the chart and the what-if never disagree."""
    c = r.config
    checks = {chk.metric: chk.met for chk in r.slo_checks}
    latency = {short: _p95(r, attr) for short, attr in (("ttft", "ttft_ms"), ("itl", "itl_ms"), ("e2e", "e2e_ms"))}
    per_m = r.cost.usd_per_million_output_tokens
    return {
        "rank": r.rank, "model": r.model_id, "precision": c.precision.value, "gpu": c.gpu,
        "tp": c.tensor_parallel, "gpus_per_replica": c.gpus_per_replica, "replicas": r.replicas,
        "min_replicas": r.min_replicas, "max_replicas": r.max_replicas, "total_gpus": r.total_gpus,
        **latency, "text": {**{k: display.ms(v) for k, v in latency.items()},
                            "monthly": display.usd(r.monthly_cost_usd), "per_m": display.usd(per_m, cents=True),
                            "quality": f"{r.quality.score:.1f}" if r.quality else "-"},
        "met": {"ttft": checks.get("ttft_p95_ms"), "itl": checks.get("itl_p95_ms"), "e2e": checks.get("e2e_p95_ms")},
        "monthly_usd": r.monthly_cost_usd, "usd_per_m_tokens": per_m,
        "provenance": r.prediction.provenance.value, "meets_slos": r.meets_slos, "within_budget": r.within_budget,
        "pareto": r.pareto_optimal, "quality": r.quality.score if r.quality else None,
        "quality_source": f"{r.quality.benchmark_name}; {r.quality.source}" if r.quality else None,
        "rationale": r.rationale,
        "messages": {"select": phrases.select_message(r.rank), "why": phrases.why_message(r.rank),
                     "deploy": phrases.deploy_message(r.rank)},
    }


def recommendations_props(plan: PlanResult, selected: int | None = None) -> dict:
    w = plan.workload
    benchmarks = sorted({r.quality.benchmark_name for r in plan.recommendations if r.quality})
    return {
        "rows": [rec_row(r) for r in plan.recommendations],
        "selected": selected,
        "targets": {"ttft": w.ttft_p95_ms, "itl": w.itl_p95_ms, "e2e": w.e2e_p95_ms},
        "target_text": {"ttft": display.ms(w.ttft_p95_ms), "itl": display.ms(w.itl_p95_ms),
                        "e2e": display.ms(w.e2e_p95_ms)},
        "workload": f"{display.rate(w.avg_rps)} req/s average, {display.rate(w.peak_rps)} at peak; prompt "
                    f"~{w.prompt_tokens:,} tokens, output ~{w.output_tokens:,}",
        "budget": plan.spec.budget_monthly_usd,
        "budget_text": display.usd(plan.spec.budget_monthly_usd) if plan.spec.budget_monthly_usd else None,
        "quality_scale": f"{' / '.join(benchmarks)} score, 0-100 (higher is better)" if benchmarks else None,
        "notes": plan.notes[:3],
        "compare_template": phrases.compare_message(0, 0).replace("0 and 0", "{a} and {b}"),
        "chips": [{"label": label, "message": message} for label, message in phrases.WHATIF_CHIPS],
    }


# What-if deltas: (key, how to show the size of a change, higher is better)
_DELTAS = (("gpus", lambda d: f"{abs(d):,.0f}", False), ("cost_usd", lambda d: display.usd(abs(d)), False),
           ("ttft_p95_ms", lambda d: display.ms(abs(d)), False), ("itl_p95_ms", lambda d: display.ms(abs(d)), False),
           ("e2e_p95_ms", lambda d: display.ms(abs(d)), False), ("quality", lambda d: f"{abs(d):.1f}", True))


def _delta_texts(deltas: dict[str, float]) -> dict[str, dict]:
    out = {}
    for key, size, higher_is_better in _DELTAS:
        d = deltas.get(key)
        if d and size(d) not in ("0", "$0", "0.0"):  # a change too small to show is no change
            out[key] = {"text": ("+" if d > 0 else "\u2212") + size(d), "better": (d > 0) == higher_is_better}
    return out


def _comparison_col(row: ComparisonRow) -> dict:
    top = row.top
    col: dict[str, Any] = {"label": row.label, "changes": {k: fmt_value(v) for k, v in row.changes.items()},
                           "error": row.error, "deltas": _delta_texts(row.deltas)}
    if top is not None:
        col.update(model=f"{top.model_id} ({top.config.precision.value})", gpus=top.total_gpus, gpu=top.gpu,
                   meets_slos=top.meets_slos, text={
                       "monthly": display.usd(top.monthly_cost_usd), "ttft": display.ms(_p95(top, "ttft_ms")),
                       "itl": display.ms(_p95(top, "itl_ms")), "e2e": display.ms(_p95(top, "e2e_ms")),
                       "quality": f"{top.quality.score:.1f}" if top.quality else "-"})
    return col


def comparison_props(comparison: Comparison) -> dict:
    return {"base": _comparison_col(comparison.base), "variants": [_comparison_col(v) for v in comparison.variants]}


# Where each deploy target runs what is approved (tools/deploy_path.py), said on the approval card.
TARGET_WHERE = {
    "local": "On this machine: GPU-free simulators of this plan, timed like its GPUs, then load-tested against "
             "your SLOs. No cluster, no GPU, nothing leaves this machine.",
    "kserve": "On the cluster of your KUBECONFIG: a KServe InferenceService (server-side apply).",
    "plain": "On the cluster of your KUBECONFIG: a plain Deployment and Service (server-side apply).",
    "simulator": "On the cluster of your KUBECONFIG: simulator pods timed like the plan's GPUs (no GPU requested).",
}


def approval_props(pending: dict, plan: PlanResult | None, session: str) -> dict:
    """The approval card: which option goes where. What the manifests create is in the agent's message above,
    once."""
    option = int(pending.get("option") or 0)
    rec = plan.recommendations[option - 1] if plan is not None and 1 <= option <= len(plan.recommendations) else None
    target = str(pending.get("target") or "")
    return {"option": option, "target": target, "namespace": pending.get("namespace"),
            "what": (f"{rec.model_id.split('/')[-1]} ({rec.config.precision.value}) on {rec.total_gpus} x {rec.gpu}"
                     if rec else None),
            "where": TARGET_WHERE.get(target), "payload": {"session": session}, "state": None, "by": None}


def welcome_text(last: dict | None, root_path: str) -> str:
    """The landing page: what Compass does, what to type, and the conversation to go back to."""
    text = ("**Compass** sizes an LLM deployment for a business need: the model, GPU, tensor parallelism and "
            "replicas that meet your latency targets at the lowest cost, with predicted p95 latencies, a monthly "
            "cost and where each number comes from; then it deploys the option you approve.\n\n"
            "Describe the need in your own words (what it is for, how many people use it, what matters most) or "
            "start from an example below.")
    if last and last.get("id"):
        title = str(last.get("name") or "your last conversation").strip().replace("[", "(").replace("]", ")")
        text += f"\n\nOr continue where you left off: [{title[:80]}]({root_path}/thread/{last['id']})"
    return text


def json_props(props: dict) -> str:
    return json.dumps(props, default=str)


_TABLE_HEADS = ("| # | model |", "| scenario | top option |")
_BLANKS = re.compile(r"\n{3,}")


def split_at_tables(text: str) -> tuple[str, str]:
    """The reply before its first options / what-if table, and the rest without those tables: where a front end
    draws its own table in their place."""
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith(_TABLE_HEADS)), len(lines))
    return without_tables("\n".join(lines[:at])), without_tables("\n".join(lines[at:]))


def without_tables(text: str) -> str:
    """The reply without the options / what-if markdown tables that a richer element shows instead."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line.startswith(_TABLE_HEADS):
            skipping = True
            continue
        if skipping and line.startswith("|"):
            continue
        skipping = False
        out.append(line)
    text = "\n".join(out).replace("(deltas vs the current plan in brackets)", "(deltas vs the current plan)")
    return _BLANKS.sub("\n\n", text).strip()
