"""``compass models``, ``compass gpus``, ``compass usecases``: browse the catalog."""

from __future__ import annotations

import typer
from cli.common import console, friendly_errors, print_json, say_gpu_readings, use_case_of
from cli.render import fitted_table
from knowledge import get_knowledge_base
from knowledge.domain import UseCase


def _catalog():
    with console.status("Opening the knowledge base..."):
        return get_knowledge_base().catalog


def _print_fitted(title: str, headers, rows, priority, right=()) -> None:
    """A catalog table at the terminal's width; the columns that do not fit are named, not cut mid-word."""
    table, hidden = fitted_table(headers, rows, priority, right)
    if table is None:  # narrower than two columns: one line per row
        for row in rows:
            console.print(" | ".join(row), highlight=False, markup=False)
        return
    table.title = title
    console.print(table)
    if hidden:
        console.print(f"[dim]Not shown at this width: {', '.join(headers[i] for i in hidden)} (a wider terminal or "
                      "--json shows them).[/]")


@friendly_errors
def models(name: str = typer.Argument(None, help="show one model (id, alias or quantized variant)"),
           use_case: UseCase = typer.Option(None, "--use-case", parser=use_case_of,
                                             help="sort by quality for this use case (its name or value)"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """The model catalog."""
    cat = _catalog()
    if name:
        resolved = cat.resolve_model(name)
        if as_json:
            print_json({"model": resolved.card, "resolved_precision": resolved.precision})
            return
        _show_model(resolved.card, resolved.precision)
        return
    items = list(cat.models)
    if use_case:
        items.sort(key=lambda m: -(m.quality[use_case].score if use_case in m.quality else -1))
    if as_json:
        print_json(items)
        return
    key = use_case or UseCase.CHATBOT_CONVERSATIONAL
    headers = ("model", "params (B) total/active", "attention", "context", "precisions", "license",
               f"quality ({key.label})")
    rows = []
    for m in items:
        a = m.architecture
        q = m.quality.get(key)
        rows.append([m.id, f"{a.total_params_b:g} / {a.active_params_b:g}", a.attention.value.upper(),
                     f"{a.max_context // 1024}k", ",".join(p.value for p in m.precisions), m.license,
                     f"{q.score:.1f}" if q else "-"])
    _print_fitted(f"{len(items)} models", headers, rows, priority=(0, 6, 1, 3, 4, 2, 5), right=(1, 3, 6))
    benchmark = next((m.quality[key].benchmark_name for m in items if key in m.quality), None)
    if benchmark:
        console.print(f"[dim]quality: {benchmark} score for {key.label}, 0-100 (`compass models ID` names the "
                      "source)[/]")


def _show_model(m, precision) -> None:
    a = m.architecture
    console.print(f"[bold]{m.id}[/] ({m.provider}, {m.license})" + (f" - resolved at {precision.value}" if precision else ""))
    console.print(f"  {a.total_params_b:g}B total, {a.active_params_b:g}B active; {a.num_layers} layers, hidden "
                  f"{a.hidden_size}, {a.num_attention_heads} heads / {a.num_kv_heads} KV heads x {a.head_dim}, "
                  f"{a.attention.value.upper()}, context {a.max_context}")
    if a.is_moe:
        console.print(f"  MoE: {a.num_experts} experts, {a.experts_per_token} per token, "
                      f"{a.num_shared_experts} shared, expert width {a.moe_intermediate_size}")
    console.print(f"  precisions: {', '.join(p.value for p in m.precisions)} (native {m.native_precision.value})")
    for v in m.variants:
        console.print(f"    {v.hf_id} [{v.precision.value}, {v.method}]")
    for uc, q in m.quality.items():
        console.print(f"  quality {uc.value:28} {q.score:5.1f}  ({q.benchmark}; {q.source})", highlight=False)


@friendly_errors
def gpus(name: str = typer.Argument(None, help="show one GPU (any alias)"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """The GPU catalog with specs and prices."""
    cat = _catalog()
    if name:
        say_gpu_readings(cat, [name])
    items = [cat.gpu(name)] if name else list(cat.gpus)
    if as_json:
        print_json(items if not name else items[0])
        return
    headers = ("GPU", "memory GiB", "bandwidth GB/s", "BF16/FP8 TFLOPS", "TDP W", "interconnect",
               "$/GPU-h on-demand", "node label")
    rows = [[g.name, f"{g.memory_gib:g}", f"{g.memory_bandwidth_gbps:g}",
             f"{g.bf16_tflops:g}/{g.fp8_tflops:g}" if g.fp8_tflops else f"{g.bf16_tflops:g}/-", f"{g.tdp_watts:g}",
             f"{g.interconnect} ({g.interconnect_gbps:g} GB/s)",
             f"{g.on_demand_usd_per_hour:.2f} ({len(g.prices)} providers)", g.node_label] for g in items]
    _print_fitted(f"{len(items)} GPUs", headers, rows, priority=(0, 1, 6, 3, 2, 5, 4, 7), right=(1, 2, 3, 4))
    if name:
        g = items[0]
        for p in g.prices:
            console.print(f"  {p.provider:10} {p.instance or '':22} ${p.usd_per_gpu_hour:.2f}/GPU-h  as of {p.as_of}"
                          f"  {p.source}", highlight=False)
        console.print(f"  spot -{g.spot_discount:.0%}, 1-year reserved -{g.reserved_1y_discount:.0%}, "
                      f"purchase ${g.purchase_usd:,.0f} ({g.purchase_source}, {g.purchase_as_of})")
        console.print(f"  aliases: {', '.join(g.aliases)}")


@friendly_errors
def usecases(name: str = typer.Argument(None, help="show one use case (its name or value)"),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """Use-case templates: default lengths, SLOs and traffic shape."""
    chosen = use_case_of(name) if name else None  # a name that is no use case is said before anything opens
    cat = _catalog()
    items = [cat.use_case(chosen.value)] if chosen else list(cat.use_cases)
    if as_json:
        print_json(items if not name else items[0])
        return
    headers = ("use case", "value (--use-case)", "experience", "prompt mean/p90", "output mean/p90",
               "p95 TTFT/ITL/E2E ms", "traffic: active, req/min, peak x")
    rows = []
    for u in items:
        t = u.traffic
        rows.append([u.name.label, u.name.value, u.experience_class.value,
                     f"{u.prompt_tokens.mean}/{u.prompt_tokens.p90}", f"{u.output_tokens.mean}/{u.output_tokens.p90}",
                     f"{u.ttft_p95_ms:g}/{u.itl_p95_ms:g}/{u.e2e_p95_ms:g}",
                     f"{t.active_fraction:.0%}, {t.requests_per_active_user_per_min:g}, {t.peak_to_average:g}"])
    _print_fitted("use cases", headers, rows, priority=(0, 5, 2, 3, 4, 6, 1))
    if name:
        console.print(items[0].description)
        console.print(f"[dim]{items[0].rationale}[/]")
