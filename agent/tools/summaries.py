"""Compact text of typed results, for the brain to read in a ToolMessage (the full objects live in the state)."""

from __future__ import annotations

from knowledge.domain import Recommendation
from knowledge.domain.display import ms, rate, usd
from tools.planner import PlanResult
from tools.whatif import Comparison

MAX_OPTIONS = 5


def _p95(r: Recommendation, attr: str) -> str:
    s = getattr(r.prediction, attr)
    return ms(s.p95) if s else "-"


def option_line(r: Recommendation) -> str:
    c = r.config
    return (f"option {r.rank}: {r.model_id} {c.precision.value} on {r.replicas} x {c.tensor_parallel} {c.gpu} "
            f"({r.total_gpus} GPUs), {usd(r.monthly_cost_usd)}/month, p95 TTFT {_p95(r, 'ttft_ms')} ms, "
            f"ITL {_p95(r, 'itl_ms')} ms, E2E {_p95(r, 'e2e_ms')} ms, "
            f"{'meets the SLOs' if r.meets_slos else 'misses an SLO'}, "
            f"{'within' if r.within_budget else 'over'} budget, {r.prediction.provenance.value}")


def plan_summary(plan: PlanResult) -> str:
    w = plan.workload
    targets = ", ".join(f"{name} {ms(value)} ms" for name, value in (("TTFT", w.ttft_p95_ms), ("ITL", w.itl_p95_ms),
                                                                       ("E2E", w.e2e_p95_ms)) if value is not None)
    lines = [f"Planned for {rate(w.avg_rps)} req/s average, {rate(w.peak_rps)} peak; prompt ~{w.prompt_tokens} tokens, output "
             f"~{w.output_tokens}; p95 targets: {targets or 'none (batch)'}."]
    lines += [option_line(r) for r in plan.recommendations[:MAX_OPTIONS]]
    lines += [f"note: {n}" for n in plan.notes[:3]]
    return "\n".join(lines)


def comparison_summary(comparison: Comparison) -> str:
    lines = []
    for row in [comparison.base, *comparison.variants]:
        if row.top is None:
            lines.append(f"{row.label}: {row.error or 'no plan'}")
            continue
        deltas = ", ".join(f"{k} {v:+,.0f}" for k, v in row.deltas.items() if v)
        lines.append(f"{row.label}: {option_line(row.top).split(': ', 1)[1]}" + (f" (vs base: {deltas})" if deltas else ""))
    return "\n".join(lines)
