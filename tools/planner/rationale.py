"""Templated explanations: why an option ranks where it does, and what a near miss would need."""

from __future__ import annotations

from knowledge.domain import Priority, UseCase
from tools.planner.ranking import latency_ratio, quality_score
from tools.planner.sizing import SizedOption

_LABEL = {"ttft_p95_ms": "TTFT", "itl_p95_ms": "ITL", "e2e_p95_ms": "E2E"}


def describe(o: SizedOption) -> str:
    c = o.candidate.config
    return (f"{c.model_id} ({c.precision.value}) on {o.replicas} x {c.tensor_parallel} {c.gpu}"
            if c.tensor_parallel > 1 else f"{c.model_id} ({c.precision.value}) on {o.replicas} x {c.gpu}")


def rationale(o: SizedOption, rank: int, ranked: list[SizedOption], priority: Priority, use_case: UseCase,
              budget: float | None) -> str:
    best_cost = min(x.monthly_usd for x in ranked)
    best_lat = min(latency_ratio(x) for x in ranked)
    best_q = max(quality_score(x, use_case) for x in ranked)
    parts = []
    if not o.meets_slos:
        parts.append("Misses " + ", ".join(
            f"p95 {_LABEL[c.metric]} ({c.predicted_ms:.0f} ms vs {c.target_ms:.0f} ms target)"
            for c in o.slo_checks if not c.met))
    elif rank == 1:
        parts.append({Priority.COST: "Cheapest way found to meet every SLO",
                      Priority.LATENCY: "Fastest option that meets every SLO at a reasonable cost",
                      Priority.QUALITY: "Highest-quality model that meets every SLO",
                      Priority.BALANCED: "Best balance of cost, latency and quality that meets every SLO"}[priority])
    else:
        parts.append("Meets every SLO")
    if o.monthly_usd <= best_cost * 1.001:
        parts.append("lowest monthly cost of the options")
    else:
        parts.append(f"{o.monthly_usd / best_cost:.1f}x the cheapest option's cost")
    if latency_ratio(o) <= best_lat * 1.001:
        parts.append("lowest latency relative to the targets")
    q = quality_score(o, use_case)
    if q >= best_q - 1e-9:
        parts.append(f"highest quality for {use_case.value} ({q:.1f})")
    elif best_q - q >= 5:
        parts.append(f"quality {q:.1f} vs {best_q:.1f} for the best model here")
    if budget is not None and o.monthly_usd > budget:
        parts.append(f"over the ${budget:,.0f}/month budget by ${o.monthly_usd - budget:,.0f}")
    if o.candidate.config.tensor_parallel > 1:
        parts.append(f"tensor parallel {o.candidate.config.tensor_parallel} per replica")
    return describe(o) + ": " + "; ".join(parts) + "."


def tradeoffs(o: SizedOption, budget: float | None, max_gpus: int | None) -> list[str]:
    out = []
    for c in o.slo_checks:
        if c.met:
            continue
        relaxed = _round_up(c.predicted_ms * 1.1)
        if o.slo_reachable:
            out.append(f"Relaxing p95 {_LABEL[c.metric]} to {relaxed:g} ms (from {c.target_ms:g}) would make this "
                       f"option work at ${o.monthly_usd:,.0f}/month.")
        else:
            out.append(f"No number of replicas fixes p95 {_LABEL[c.metric]}: even at low load this configuration "
                       f"predicts {c.predicted_ms:.0f} ms; relax it to {relaxed:g} ms, or use a faster GPU, more "
                       f"tensor parallelism or a smaller model.")
    if budget is not None and o.monthly_usd > budget:
        out.append(f"Costs ${o.monthly_usd:,.0f}/month, ${o.monthly_usd - budget:,.0f} over budget.")
    if max_gpus is not None and o.total_gpus > max_gpus:
        out.append(f"Needs {o.total_gpus} GPUs, more than the {max_gpus} available.")
    return out


def _round_up(ms: float) -> float:
    step = 10 if ms < 200 else 50 if ms < 2000 else 500
    if ms < 20:
        step = 1
    return float(int(-(-ms // step) * step))
