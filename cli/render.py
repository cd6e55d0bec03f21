"""Rich tables for predictions, plans and comparisons (numbers with units and provenance)."""

from __future__ import annotations

from rich.table import Table

from cli.common import console
from knowledge.domain import LatencyStats, Prediction


def _ms(stats: LatencyStats | None, pct: str = "p95") -> str:
    if stats is None:
        return "-"
    value = getattr(stats, pct)
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def prediction_table(p: Prediction, req) -> None:
    load = f"{req.concurrency:g} concurrent users" if req.concurrency else f"{req.rps:g} req/s (Poisson)"
    console.print(f"[bold]{req.model}[/] on {req.tp} x {req.gpu}, {req.prompt_tokens} -> {req.output_tokens} "
                  f"tokens, {load}  [dim]({p.provenance.value})[/]")
    m = p.memory
    console.print(f"memory per GPU: weights {m.weights_gb:.1f} GB, KV cache {m.kv_cache_gb:.1f} GB "
                  f"({m.kv_capacity_tokens:,} tokens), activations {m.activation_gb:.1f} GB, overhead "
                  f"{m.overhead_gb:.1f} GB of {m.usable_gb:.1f} GB usable; max concurrency {p.max_concurrency}")
    if not p.fits:
        console.print("[red]does not fit[/]: " + "; ".join(p.notes))
        return
    table = Table()
    for col in ("ms", "mean", "p50", "p90", "p95", "p99", "+/- (p95)"):
        table.add_column(col, justify="right")
    for name, stats in (("TTFT", p.ttft_ms), ("ITL", p.itl_ms), ("E2E", p.e2e_ms)):
        band = f"{stats.band_pct:.0f}%" if stats and stats.band_pct is not None else "-"
        table.add_row(name, *(_ms(stats, k) for k in ("mean", "p50", "p90", "p95", "p99")), band)
    console.print(table)
    if p.throughput:
        console.print(f"throughput: {p.throughput.requests_per_s:.2f} req/s, "
                      f"{p.throughput.output_tokens_per_s:,.0f} output tokens/s")
    for note in p.notes:
        console.print(f"[dim]- {note}[/]")


_SOURCE = {"measured": "meas", "interpolated": "interp", "estimated": "est"}


def recommendations_table(result) -> None:
    w = result.workload
    console.print(f"Workload: {w.avg_rps:g} req/s average, {w.peak_rps:g} peak; prompt {w.prompt_tokens} "
                  f"(p90 {w.prompt_tokens_p90}), output {w.output_tokens} (p90 {w.output_tokens_p90}) tokens; "
                  f"p95 targets TTFT {w.ttft_p95_ms:g} / ITL {w.itl_p95_ms:g} / E2E {w.e2e_p95_ms:g} ms")
    for note in result.notes:
        console.print(f"[yellow]{note}[/]")
    table = Table()
    for col in ("#", "model", "prec", "GPU", "repl (min-max)", "p95 TTFT", "p95 ITL", "p95 E2E",
                "$/month", "$/M tok", "quality", "SLOs", "src"):
        table.add_column(col, overflow="fold")
    for r in result.recommendations:
        c, p = r.config, r.prediction
        gpu = f"{c.gpu} x{c.tensor_parallel}" if c.tensor_parallel > 1 else c.gpu
        per_m = r.cost.usd_per_million_output_tokens
        table.add_row(str(r.rank) + ("*" if r.pareto_optimal else ""), c.model_id.split("/")[-1], c.precision.value, gpu,
                      f"{r.replicas} ({r.min_replicas}-{r.max_replicas})", _ms(p.ttft_ms), _ms(p.itl_ms),
                      _ms(p.e2e_ms), f"{r.monthly_cost_usd:,.0f}", f"{per_m:,.2f}" if per_m else "-",
                      f"{r.quality.score:.1f}" if r.quality else "-",
                      "[green]met[/]" if r.meets_slos else "[red]miss[/]", _SOURCE[p.provenance.value])
    console.print(table)
    console.print("[dim]* on the Pareto frontier (cost vs p95 latency vs quality); latencies in ms; src: "
                  "meas(ured) / interp(olated from benchmarks) / est(imated by the model)[/]")
    for r in result.recommendations:
        console.print(f"{r.rank}. {r.rationale}")
        for t in r.tradeoffs:
            console.print(f"   [dim]- {t}[/]")
    if result.assumptions:
        console.print("[bold]Assumed[/] (tell me if these are wrong):")
        for a in result.assumptions:
            console.print(f"  - {a}")


def comparison_table(comparison) -> None:
    table = Table(title="what-if")
    for col in ("variant", "top option", "GPUs", "$/month", "p95 TTFT", "p95 ITL", "p95 E2E", "quality", "SLOs"):
        table.add_column(col)
    for row in [comparison.base, *comparison.variants]:
        if row.error or row.top is None:
            table.add_row(row.label, f"[red]{row.error}[/]", *["-"] * 7)
            continue
        r, d = row.top, row.deltas

        def cell(value: str, key: str, fmt: str = "{:+,.0f}") -> str:
            return value + (f" ({fmt.format(d[key])})" if key in d and d[key] else "")

        table.add_row(row.label, f"{r.model_id} ({r.config.precision.value}) on {r.gpu}",
                      cell(str(r.total_gpus), "gpus"), cell(f"{r.monthly_cost_usd:,.0f}", "cost_usd"),
                      cell(_ms(r.prediction.ttft_ms), "ttft_p95_ms"), cell(_ms(r.prediction.itl_ms), "itl_p95_ms"),
                      cell(_ms(r.prediction.e2e_ms), "e2e_p95_ms"),
                      cell(f"{r.quality.score:.1f}" if r.quality else "-", "quality", "{:+.1f}"),
                      "met" if r.meets_slos else "missed")
    console.print(table)
