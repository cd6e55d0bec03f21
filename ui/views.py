"""Pure functions from the agent's state to what the UI shows: the props of the custom elements
(``public/elements/*.jsx``), the approval text, and the reply text with tables the elements replace."""

from __future__ import annotations

import re
from typing import Any

from agent.replies import FIELD_LABELS
from knowledge.domain import DeploymentSpec, Recommendation
from tools.planner import PlanResult
from tools.whatif import Comparison, ComparisonRow
from ui import phrases

# Unset fields the spec card still offers, so a constraint can be added from it.
ALWAYS_SHOWN = ("use_case", "users", "budget_monthly_usd", "gpus", "precision")
METRICS = (("ttft_p95_ms", "ttft_ms", "TTFT"), ("itl_p95_ms", "itl_ms", "ITL"), ("e2e_p95_ms", "e2e_ms", "E2E"))


def fmt_value(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
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
    """Every known value with where it came from (stated / assumed + why), and how to change it."""
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
        shown = phrases.USE_CASE_WORDS.get(value, fmt_value(value)) if name == "use_case" else fmt_value(value)
        rows.append({"name": name, "label": label, "value": shown,
                     "raw": _raw(getattr(spec, name)), "origin": origin, "note": src.note if src and is_set else None,
                     "input": _input(name)})
    return {"fields": rows, "assumed": sum(r["origin"] == "assumed" for r in rows),
            "stated": sum(r["origin"] == "stated" for r in rows)}


def _p95(rec: Recommendation, attr: str) -> float | None:
    stats = getattr(rec.prediction, attr)
    return round(stats.p95, 1) if stats else None


def rec_row(r: Recommendation) -> dict:
    c = r.config
    checks = {chk.metric: chk.met for chk in r.slo_checks}
    return {
        "rank": r.rank, "model": r.model_id, "precision": c.precision.value, "gpu": c.gpu,
        "tp": c.tensor_parallel, "gpus_per_replica": c.gpus_per_replica, "replicas": r.replicas,
        "min_replicas": r.min_replicas, "max_replicas": r.max_replicas, "total_gpus": r.total_gpus,
        **{short: _p95(r, attr) for short, attr in (("ttft", "ttft_ms"), ("itl", "itl_ms"), ("e2e", "e2e_ms"))},
        "met": {"ttft": checks.get("ttft_p95_ms"), "itl": checks.get("itl_p95_ms"), "e2e": checks.get("e2e_p95_ms")},
        "monthly_usd": round(r.monthly_cost_usd, 2),
        "usd_per_m_tokens": r.cost.usd_per_million_output_tokens,
        "provenance": r.prediction.provenance.value, "meets_slos": r.meets_slos, "within_budget": r.within_budget,
        "pareto": r.pareto_optimal, "quality": r.quality.score if r.quality else None,
        "rationale": r.rationale,
        "messages": {"select": phrases.select_message(r.rank), "why": phrases.why_message(r.rank),
                     "deploy": phrases.deploy_message(r.rank)},
    }


def recommendations_props(plan: PlanResult, selected: int | None = None) -> dict:
    w = plan.workload
    return {
        "rows": [rec_row(r) for r in plan.recommendations],
        "selected": selected,
        "targets": {"ttft": w.ttft_p95_ms, "itl": w.itl_p95_ms, "e2e": w.e2e_p95_ms},
        "workload": f"{w.avg_rps:g} req/s average, {w.peak_rps:g} at peak; prompt ~{w.prompt_tokens} tokens, "
                    f"output ~{w.output_tokens}",
        "budget": plan.spec.budget_monthly_usd,
        "notes": plan.notes[:3],
        "compare_template": phrases.compare_message(0, 0).replace("0 and 0", "{a} and {b}"),
        "chips": [{"label": label, "message": message} for label, message in phrases.WHATIF_CHIPS],
    }


def _comparison_col(row: ComparisonRow) -> dict:
    top = row.top
    col: dict[str, Any] = {"label": row.label, "changes": {k: fmt_value(v) for k, v in row.changes.items()},
                           "error": row.error, "deltas": row.deltas}
    if top is not None:
        col.update(model=f"{top.model_id} ({top.config.precision.value})", gpus=top.total_gpus, gpu=top.gpu,
                   monthly_usd=round(top.monthly_cost_usd, 2), meets_slos=top.meets_slos,
                   ttft=_p95(top, "ttft_ms"), itl=_p95(top, "itl_ms"), e2e=_p95(top, "e2e_ms"),
                   quality=top.quality.score if top.quality else None)
    return col


def comparison_props(comparison: Comparison) -> dict:
    return {"base": _comparison_col(comparison.base), "variants": [_comparison_col(v) for v in comparison.variants]}


APPROVAL_MARK = "**Approval needed:**"


def approval_text(pending: dict) -> str:
    summary = pending.get("summary") or []
    creates = f" It creates: {'; '.join(summary)}." if summary else ""
    return (f"{APPROVAL_MARK} deploy option {pending.get('option')} to **{pending.get('target')}** in namespace "
            f"**{pending.get('namespace')}**.{creates} Nothing is applied until you press **Approve**.")


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
