"""Explanations built from the sizing's numbers: why an option ranks where it does, and what a near miss needs."""

from __future__ import annotations

import math

from knowledge.domain import Priority, ServingConfig, UseCase
from knowledge.domain.display import count
from tools.planner.ranking import COST_TIE, latency_ratio, quality_score, round_up  # noqa: F401 (re-exported)
from tools.planner.sizing import SizedOption, completed, overloaded

LABEL = {"ttft_p95_ms": "TTFT", "itl_p95_ms": "ITL", "e2e_p95_ms": "E2E"}


def fmt_ms(ms: float) -> str:
    if ms >= 10_000:
        return f"{ms / 1000:,.0f} s"
    return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"


def fmt_rps(rps: float) -> str:
    return f"{rps:,.0f} req/s" if rps >= 100 else f"{rps:.3g} req/s"


def describe(o: SizedOption, *, replicas: int | None = None) -> str:
    return describe_config(o.candidate.config, replicas or o.replicas)


def describe_config(c: ServingConfig, replicas: int) -> str:
    """'4 replicas of 4 x H100-SXM', never '4 x 4 H100-SXM' (read as a count of 4 or of 44)."""
    tp = c.tensor_parallel
    gpus = (f"{replicas} x {c.gpu}" if tp == 1 else f"{tp} x {c.gpu} (TP{tp})" if replicas == 1
            else f"{replicas} replicas of {tp} x {c.gpu}")
    return f"{c.model_id} ({c.precision.value}) on {gpus}"


def rationale(o: SizedOption, rank: int, ranked: list[SizedOption], priority: Priority, use_case: UseCase,
              budget: float | None) -> str:
    best_cost = min(x.monthly_usd for x in ranked)
    best_lat = min(latency_ratio(x) for x in ranked)
    best_q = max(quality_score(x, use_case) for x in ranked)
    parts = []
    if not o.completed:
        parts.append("Overloaded at the planned load: no request completed in the simulation")
    elif overloaded(o.prediction) or (not o.meets_slos and all(c.met for c in o.slo_checks)):
        # past what it sustains the queue grows without bound: its p95s are a burst's lower bound, not a steady
        # state, so they are not compared with the targets as if a looser target could be met
        parts.append(f"Overloaded at the planned load: {_overload_note(o)}")
    elif not o.meets_slos:
        parts.append("Misses " + ", ".join(
            f"p95 {LABEL[c.metric]} ({fmt_ms(c.predicted_ms)} vs {fmt_ms(c.target_ms)} target)"
            for c in o.slo_checks if not c.met))
    elif rank == 1 and priority is Priority.LATENCY and latency_ratio(o) > best_lat * 1.001:
        # ranked first without being the fastest: the faster ones lost on cost or quality (the score says so)
        parts.append(f"Meets every SLO with p95s at {latency_ratio(o):.0%} of the targets (geometric mean); the "
                     f"faster options cost more or score lower on quality")
    elif rank == 1 and priority is Priority.COST and o.monthly_usd > min(
            x.monthly_usd for x in ranked if x.meets_slos) * 1.001:
        parts.append(f"Meets every SLO within {COST_TIE:.0%} of the cheapest option that does, which it beats on "
                     f"quality or latency")
    elif rank == 1:
        parts.append({Priority.COST: "Cheapest way found to meet every SLO",
                      Priority.LATENCY: "Fastest option that meets every SLO",
                      Priority.QUALITY: "Highest-quality model that meets every SLO",
                      Priority.BALANCED: "Best balance of cost, latency and quality that meets every SLO"}[priority])
    else:
        parts.append("Meets every SLO")
    if o.monthly_usd <= best_cost * 1.001:
        parts.append("lowest monthly cost of the options")
    else:
        parts.append(f"{o.monthly_usd / best_cost:.1f}x the cheapest option's cost")
    if o.slo_checks and latency_ratio(o) <= best_lat * 1.001:
        parts.append("lowest latency relative to the targets")
    q = quality_score(o, use_case)
    scored = o.candidate.quality(use_case)
    scale = f"{scored.benchmark_name}, 0-100" if scored else ""  # a score says nothing without its scale
    best = max(ranked, key=lambda x: quality_score(x, use_case))
    if q >= best_q - 1e-9:
        parts.append(f"highest quality for {use_case.label} ({_quality(o, use_case)}" + (f" on {scale})" if scale else ")"))
    elif best_q - q >= 5:
        parts.append(f"quality {_quality(o, use_case)} vs {_quality(best, use_case)} for the best model here"
                     + (f" ({scale})" if scale else ""))
    if budget is not None and o.monthly_usd > budget:
        parts.append(f"over the ${budget:,.0f}/month budget by ${o.monthly_usd - budget:,.0f}")
    if o.candidate.config.tensor_parallel > 1:
        parts.append(f"tensor parallel {o.candidate.config.tensor_parallel} per replica")
    return describe(o) + ": " + "; ".join(parts) + "."


def tradeoffs(o: SizedOption, budget: float | None, max_gpus: int | None) -> list[str]:
    out = []
    missed = [c for c in o.slo_checks if not c.met and math.isfinite(c.predicted_ms)]
    if completed(o.prediction) and overloaded(o.prediction):
        # no latency target makes an overloaded option work (its p95s grow with how long the overload lasts)
        where = f"Within the {count(max_gpus, 'GPU')} available" if o.full_replicas is not None else "At the planned load"
        out.append(f"{where} it is overloaded ({_overload_note(o)}): no latency target makes it work; it needs "
                   f"more replicas or a faster configuration.")
        missed = []
    light = [c for c in o.light_checks if not c.met]
    if light:
        out.append("No number of replicas fixes " + ", ".join(
            f"p95 {LABEL[c.metric]}: even with one request in flight this configuration predicts "
            f"{fmt_ms(c.predicted_ms)} (target {fmt_ms(c.target_ms)})" for c in light)
                   + "; use a faster GPU, more tensor parallelism or a smaller model, or relax the target.")
    if missed:
        where = f"within the {count(max_gpus, 'GPU')} available" if o.full_replicas is not None else "at the planned load"
        out.append(f"{where[0].upper()}{where[1:]} it predicts " + ", ".join(
            f"p95 {LABEL[c.metric]} {fmt_ms(c.predicted_ms)}" for c in missed) + "; relaxing " + ", ".join(
            f"p95 {LABEL[c.metric]} to {fmt_ms(round_up(c.predicted_ms))} (from {fmt_ms(c.target_ms)})"
            for c in missed) + f" would make this option work at ${o.monthly_usd:,.0f}/month.")
    if budget is not None and o.monthly_usd > budget:
        out.append(f"Costs ${o.monthly_usd:,.0f}/month, ${o.monthly_usd - budget:,.0f} over budget.")
    if max_gpus is not None and o.headroom_replicas is not None:
        out.append(f"Within the {count(max_gpus, 'GPU')} available it serves the peak with no headroom to spare; the "
                   f"peak plus headroom needs {count(o.headroom_replicas * o.gpus_per_replica, 'GPU')}.")
    if max_gpus is not None and o.full_replicas is not None:
        out.append(f"The full peak needs {count(o.full_replicas * o.gpus_per_replica, 'GPU')}, more than the {max_gpus} "
                   f"available.")
    return out


def _quality(o: SizedOption, use_case: UseCase) -> str:
    """A score, said as estimated when it is not the model's own published figure (a proxy or an imputation)."""
    scored = o.candidate.quality(use_case)
    return f"{quality_score(o, use_case):.1f}" + (" estimated" if scored and scored.estimated else "")


def _overload_note(o: SizedOption) -> str:
    note = next((n for n in o.prediction.notes if n.startswith("overloaded")), "overloaded: the queue grows")
    return note.removeprefix("overloaded: ")
