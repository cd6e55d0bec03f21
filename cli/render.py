"""Rich tables for predictions, plans and comparisons (numbers with units and provenance)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich import box
from rich.measure import Measurement
from rich.markup import escape
from rich.table import Table

from cli.common import console
from knowledge.domain import LatencyStats, Prediction, UseCase, display


def _ms(stats: LatencyStats | None, pct: str = "p95") -> str:
    return display.ms(getattr(stats, pct) if stats is not None else None)


def precision_said(catalog, req) -> str:
    """The precision a prediction is for and where it comes from: stated, the quantized variant's, or the
    model's native one (what resolve_config picks when --precision is left out)."""
    if req.precision:
        return req.precision.value
    resolved = catalog.resolve_model(req.model)
    if resolved.precision:
        return f"{resolved.precision.value} (the precision of {req.model})"
    return f"{resolved.card.native_precision.value} (the model's native precision; --precision picks another)"


def prediction_table(p: Prediction, req, precision: str | None = None, gpu: str | None = None) -> None:
    """``gpu``: the catalog's name of the card the prediction is for ('H100' is the H100-SXM)."""
    load = f"{req.concurrency:g} concurrent users" if req.concurrency else f"{req.rps:g} req/s (Poisson)"
    console.print(f"[bold]{escape(req.model)}[/]" + (f" at {escape(precision)}" if precision else "")
                  + f" on {req.tp} x {escape(gpu or req.gpu)}, {req.prompt_tokens} -> {req.output_tokens} "
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


def _natural_width(table: Table) -> int:
    """The width ``table`` takes when no cell wraps."""
    return Measurement.get(console, console.options.update_width(10_000), table).maximum


def fitted_table(headers: Sequence[str], rows: Sequence[Sequence[str]], priority: Sequence[int],
                 right: Sequence[int] = (), width: int | None = None) -> tuple[Table | None, list[int]]:
    """The table with as many columns as fit ``width`` whole (never a word broken across lines), and which
    columns it left out. Columns are kept in ``priority`` order (indices, most important first) and shown in
    their own order; None when not even the first two fit (the caller then stacks the rows instead)."""
    width = width or console.width
    for keep in range(len(priority), 1, -1):
        shown = sorted(priority[:keep])
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
        for i in shown:
            table.add_column(_header(headers[i], rows, i), justify="right" if i in right else "left", no_wrap=True)
        for row in rows:
            table.add_row(*(row[i] for i in shown))
        if _natural_width(table) <= width:
            return table, [i for i in range(len(headers)) if i not in shown]
    return None, list(range(len(headers)))


def _header(text: str, rows: Sequence[Sequence[str]], i: int) -> str:
    """A header over as many lines as it takes to be no wider than its column's values (whole words only)."""
    width = max((len(row[i]) for row in rows), default=len(text))
    return "\n".join(textwrap.wrap(text, max(width, 1), break_long_words=False)) if len(text) > width else text


ESTIMATED_MARK = "~"
ESTIMATED_LEGEND = (f"{ESTIMATED_MARK} quality estimated: not the model's own published score but a proxy or an "
                    f"imputed figure (`compass models ID` says which)")

# The plan table's columns, in display order, and which stay longest as the terminal narrows.
_PLAN_HEADERS = ("#", "model", "prec", "GPUs", "replicas", "TTFT", "ITL", "E2E", "$/month", "$/M out",
                 "quality", "SLOs", "source")
_PLAN_PRIORITY = (0, 1, 3, 8, 5, 6, 11, 7, 2, 4, 12, 9, 10)
_PLAN_RIGHT = (4, 5, 6, 7, 8, 9, 10)


def _plan_row(r) -> list[str]:
    c, p = r.config, r.prediction
    gpus = f"{r.total_gpus} x {c.gpu}" + (f" (TP{c.tensor_parallel})" if c.tensor_parallel > 1 else "")
    per_m = r.cost.usd_per_million_output_tokens
    replicas = f"{r.replicas}" + (f" ({r.min_replicas}-{r.max_replicas})" if r.min_replicas != r.max_replicas else "")
    return [str(r.rank) + ("*" if r.pareto_optimal else ""), c.model_id.split("/")[-1], c.precision.value, gpus,
            replicas, _ms(p.ttft_ms), _ms(p.itl_ms), _ms(p.e2e_ms), f"{r.monthly_cost_usd:,.0f}",
            f"{per_m:,.2f}" if per_m else "-", _quality_cell(r), _verdict_cell(r), p.provenance.value]


def _quality_cell(r) -> str:
    """The model's score; marked when it is not the model's own published figure (a proxy or an estimate)."""
    return "-" if r.quality is None else f"{r.quality.score:.1f}" + (ESTIMATED_MARK if r.quality.estimated else "")


def _verdict_cell(r) -> str:
    """display.verdict, a miss in capitals so it stands out in a column of 'met'."""
    return display.verdict(r.meets_slos, r.within_budget).replace("missed", "MISSED")


def _plan_legend(shown: set[str], recommendations) -> str:
    parts = ["* Pareto-optimal (no other option is cheaper, faster and at least as good)"]
    if shown & {"TTFT", "ITL", "E2E"}:
        parts.append("TTFT / ITL / E2E: p95 predicted, ms")
    if "replicas" in shown:
        parts.append("replicas at peak (autoscaling floor-ceiling)")
    if "$/M out" in shown:
        parts.append("$/M out: per million output tokens at the average load")
    benchmarks = sorted({r.quality.benchmark_name for r in recommendations if r.quality})
    if benchmarks:  # shown as a column or on each option's line
        parts.append(f"quality: the model's {' / '.join(benchmarks)} score, 0-100")
    if any(r.quality and r.quality.estimated for r in recommendations):
        parts.append(ESTIMATED_LEGEND)
    return "; ".join(parts)


def _left_out(r, row: list[str], hidden: list[int]) -> str:
    """What the table could not show of option ``r`` at this width, said on its rationale line."""
    words = {"prec": row[2], "replicas": f"{row[4]} replica(s)", "TTFT": f"p95 TTFT {row[5]} ms",
             "ITL": f"p95 ITL {row[6]} ms", "E2E": f"p95 E2E {row[7]} ms", "$/month": f"${row[8]}/month",
             "$/M out": f"${row[9]}/M output tokens" if row[9] != "-" else "",
             "quality": f"quality {row[10]}" if r.quality else "",
             "SLOs": f"SLOs {row[11]}", "source": row[12]}
    parts = [words.get(_PLAN_HEADERS[i], row[i]) for i in hidden]
    return ", ".join(p for p in parts if p)


def options_table(result, rationale: bool = False) -> None:
    """The ranked options as a table that fits the terminal: the columns that do not fit go onto a line per option
    below it (with the rationale when asked for), and a terminal too narrow for any table gets a line per option."""
    rows = [_plan_row(r) for r in result.recommendations]
    table, hidden = fitted_table(_PLAN_HEADERS, rows, _PLAN_PRIORITY, _PLAN_RIGHT)
    if table is not None:
        console.print(table)
        shown = {h for i, h in enumerate(_PLAN_HEADERS) if i not in hidden}
        console.print(f"[dim]{_plan_legend(shown, result.recommendations)}[/]")
    for r, row in zip(result.recommendations, rows):
        if table is None:  # stacked: the option's name first, everything else after it
            head, extra = f"{row[0]} {row[1]} on {row[3]}: ", _left_out(r, row, [i for i in hidden if i not in (0, 1, 3)])
        else:
            head, extra = f"{r.rank}. ", _left_out(r, row, hidden)
        if not (extra or rationale):
            continue
        text = (f"[{extra}]" if extra else "") + (" " + r.rationale if rationale else "")
        console.print(head + text.strip(), highlight=False, markup=False)
        for t in r.tradeoffs if rationale else ():
            console.print(f"   [dim]- {t}[/]")


def recommendations_table(result) -> None:
    """``compass plan``: the workload, the options with their rationale, and what was assumed."""
    w = result.workload
    console.print(f"Workload: {display.rate(w.avg_rps)} req/s average, {display.rate(w.peak_rps)} peak; prompt "
                  f"{w.prompt_tokens} (p90 {w.prompt_tokens_p90}), output {w.output_tokens} (p90 "
                  f"{w.output_tokens_p90}) tokens; p95 targets TTFT {_target(w.ttft_p95_ms)} / ITL {_target(w.itl_p95_ms)} / "
                  f"E2E {_target(w.e2e_p95_ms)} ms")
    for note in result.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    options_table(result, rationale=True)
    assumed = result.spec.assumed_fields()
    if assumed:
        from agent.replies import FIELD_LABELS  # the spec fields' names, as the conversation says them

        console.print("[bold]Assumed[/] (state any of these to change it):")
        for name, source in assumed.items():
            value = getattr(result.spec, name)
            shown = value.label if isinstance(value, UseCase) else _value(value)
            console.print(f"  - {FIELD_LABELS.get(name, name)}: {shown}" + (f" ({source.note})" if source.note else ""),
                          highlight=False, markup=False)


def _target(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:,g}"  # a batch job has no latency target


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, float):
        return display.rate(value)  # three significant figures, whatever the unit
    return f"{value:,}" if isinstance(value, int) else str(value)


_WHATIF_HEADERS = ("scenario", "top option", "GPUs", "$/month", "TTFT", "ITL", "E2E", "quality", "SLOs")
_WHATIF_PRIORITY = (0, 1, 3, 4, 8, 5, 6, 2, 7)
_WHATIF_RIGHT = (2, 3, 4, 5, 6, 7)


def _whatif_row(row) -> list[str]:
    if row.error or row.top is None:
        return [row.label, row.error or "no plan", *["-"] * 7]
    r, d = row.top, row.deltas

    def cell(value: str, key: str, fmt: str = "{:+,.0f}") -> str:
        return value + (f" ({fmt.format(d[key])})" if d.get(key) else "")

    p = r.prediction
    return [row.label, f"{r.model_id.split('/')[-1]} ({r.config.precision.value}) on {r.gpu}",
            cell(str(r.total_gpus), "gpus"), cell(f"{r.monthly_cost_usd:,.0f}", "cost_usd"),
            cell(_ms(p.ttft_ms), "ttft_p95_ms"), cell(_ms(p.itl_ms), "itl_p95_ms"), cell(_ms(p.e2e_ms), "e2e_p95_ms"),
            cell(_quality_cell(r), "quality", "{:+.1f}"), _verdict_cell(r)]


def comparison_table(comparison) -> None:
    """The base plan's top option and each variant's side by side (deltas vs the base in brackets), fitted to
    the terminal like the options table."""
    rows = [_whatif_row(row) for row in [comparison.base, *comparison.variants]]
    table, hidden = fitted_table(_WHATIF_HEADERS, rows, _WHATIF_PRIORITY, _WHATIF_RIGHT)
    if table is not None:
        console.print(table)
        tops = [row.top for row in [comparison.base, *comparison.variants] if row.top is not None]
        legend = "p95 latencies in ms; (deltas vs the base plan)" + (
            f"; {ESTIMATED_LEGEND}" if any(t.quality and t.quality.estimated for t in tops) else "")
        console.print(f"[dim]{legend}[/]", highlight=False)
    keep = (0,) if table is None else ()
    for row in rows:
        extra = ", ".join(f"{_WHATIF_HEADERS[i]} {row[i]}" for i in hidden if i not in keep)
        if extra:
            console.print(f"{row[0]}: {extra}", highlight=False, markup=False)


def _config_key(rec) -> tuple:
    c = rec.config
    return (c.model_id, str(c.precision), c.gpu, c.tensor_parallel, c.data_parallel)


def past_outcomes_lines(recommendations, similar, limit: int = 3) -> list[str]:
    """What earlier validations of the recommended configurations showed (nearest workloads first): the option, the
    date, what ran it, the rate it was asked for and the verdict, from the stored outcome."""
    options = {_config_key(r): n for n, r in enumerate(recommendations, 1)}
    lines = []
    for s in similar:
        o = s.outcome
        n = options.get(_config_key(o.recommendation))
        if n is None:
            continue
        r, m = o.recommendation, o.measured
        asked = f"{o.target_rps:.3g} req/s" if o.target_rps else f"{m.requests_per_s:.3g} req/s reached"
        use_case = o.spec.use_case.label if o.spec.use_case else "a workload"
        lines.append(f"Option {n} ({r.model_id} {r.config.precision} on {r.total_gpus} x {r.gpu}) was validated on "
                     f"{o.created_at:%Y-%m-%d} for {use_case} at {asked} ({o.evidence}): {o.verdict}; p95 TTFT "
                     f"{_ms(m.ttft_ms)} ms, ITL {_ms(m.itl_ms)} ms, E2E {_ms(m.e2e_ms)} ms"
                     + (f" ({s.runs_text}; the nearest shown)." if s.runs > 1 else "."))
        if len(lines) == limit:
            break
    return lines
