"""GuideLLM result files (``guidellm benchmark --output-path x.json`` / ``--output kind=json``).

A report holds ``benchmarks``, each one load point: its scheduling strategy (synchronous, concurrent with
``streams``, constant/poisson with ``rate``, throughput) and ``metrics`` whose entries are status-split
distribution summaries (``successful.mean``, ``successful.percentiles.p95`` ...). GuideLLM does not know the
hardware, so the GPU (and tensor parallelism, precision) come from the import options.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import BenchmarkRow, LatencyFigures, LoadKind
from knowledge.errors import ImportFormatError
from knowledge.importers.common import ImportOptions, ParsedRow, RowContext, number, resolve_gpu, resolve_model


def looks_like(doc: Any) -> bool:
    rows = doc.get("benchmarks") if isinstance(doc, dict) else None
    return isinstance(rows, list) and bool(rows) and isinstance(rows[0], dict) and "metrics" in rows[0]


def _summary(ctx: RowContext, metrics: dict, name: str, scale: float = 1.0) -> LatencyFigures:
    block = metrics.get(name)
    if block is None:
        return LatencyFigures()
    if not isinstance(block, dict):
        raise ctx.fail(f"metrics.{name}", "expected an object")
    dist = block.get("successful", block)
    if not isinstance(dist, dict):
        raise ctx.fail(f"metrics.{name}.successful", "expected an object")
    pct = dist.get("percentiles") or {}
    if not isinstance(pct, dict):
        raise ctx.fail(f"metrics.{name}.successful.percentiles", "expected an object")

    def val(obj: dict, key: str) -> float | None:
        v = number(ctx, obj, key)
        return None if v is None else v * scale

    return LatencyFigures(mean=val(dist, "mean"), p50=val(pct, "p50") or val(dist, "median"),
                          p90=val(pct, "p90"), p95=val(pct, "p95"), p99=val(pct, "p99"))


def _mean(ctx: RowContext, metrics: dict, name: str) -> float | None:
    block = metrics.get(name)
    if not isinstance(block, dict):
        return None
    dist = block.get("successful", block)
    return number(ctx, dist, "mean") if isinstance(dist, dict) else None


def _strategy(ctx: RowContext, bench: dict) -> tuple[LoadKind, float] | None:
    config = bench.get("config") or bench.get("args") or {}
    strategy = config.get("strategy") if isinstance(config, dict) else None
    strategy = strategy or bench.get("strategy")
    if not isinstance(strategy, dict):
        raise ctx.fail("config.strategy", "missing")
    kind = strategy.get("type_") or strategy.get("type")
    if kind == "synchronous":
        return LoadKind.CONCURRENCY, 1.0
    if kind == "concurrent":
        return LoadKind.CONCURRENCY, number(ctx, strategy, "streams", required=True, positive=True)
    if kind in ("poisson", "constant"):
        return LoadKind.RPS, number(ctx, strategy, "rate", required=True, positive=True)
    return None  # throughput / sweep probes have no defined load: skipped


def _model_name(bench: dict, doc: dict) -> str | None:
    for holder in (bench.get("config", {}).get("backend") if isinstance(bench.get("config"), dict) else None,
                   bench.get("worker"), doc.get("config") if isinstance(doc.get("config"), dict) else None):
        if isinstance(holder, dict):
            for key in ("model", "backend_model"):
                if isinstance(holder.get(key), str) and holder[key]:
                    return holder[key]
    return None


def parse(doc: dict, file: str, catalog: Catalog, options: ImportOptions) -> list[ParsedRow]:
    if not options.gpu:
        raise ImportFormatError(f"{file}: GuideLLM results do not name the GPU; pass --gpu (and --tp if > 1).")
    out: list[ParsedRow] = []
    for i, bench in enumerate(doc["benchmarks"]):
        ctx = RowContext(file, i)
        if not isinstance(bench, dict) or not isinstance(bench.get("metrics"), dict):
            raise ctx.fail("metrics", "missing or not an object")
        out.append(_parse_benchmark(ctx, bench, doc, catalog, options, file))
    return out


def _parse_benchmark(ctx: RowContext, bench: dict, doc: dict, catalog: Catalog, options: ImportOptions,
                     file: str) -> ParsedRow:
    metrics = bench["metrics"]
    load = _strategy(ctx, bench)
    if load is None:
        return ParsedRow(ctx.index, skip_reason="no fixed load (throughput/sweep probe)")
    model_name = options.model or _model_name(bench, doc)
    if not model_name:
        raise ctx.fail("config.backend.model", "missing; pass --model")
    resolved = resolve_model(catalog, model_name, options.precision)
    if isinstance(resolved, str):
        return ParsedRow(ctx.index, skip_reason="unknown model")
    try:
        gpu = resolve_gpu(catalog, options.gpu or "")
    except UnknownNameError:
        return ParsedRow(ctx.index, skip_reason="unknown GPU")
    prompt, output = _mean(ctx, metrics, "prompt_token_count"), _mean(ctx, metrics, "output_token_count")
    if not prompt or not output:
        return ParsedRow(ctx.index, skip_reason="no successful requests")
    tp = options.tensor_parallel or 1
    try:
        row = BenchmarkRow(
            model_id=resolved[0], precision=resolved[1], gpu=gpu, gpu_count=tp, tensor_parallel=tp,
            engine="vllm", prompt_tokens=round(prompt), output_tokens=round(output),
            load_kind=load[0], load_value=load[1],
            ttft_ms=_summary(ctx, metrics, "time_to_first_token_ms"),
            itl_ms=_summary(ctx, metrics, "inter_token_latency_ms"),
            e2e_ms=_summary(ctx, metrics, "request_latency", scale=1000.0),  # GuideLLM reports seconds
            requests_per_s=_mean(ctx, metrics, "requests_per_second"),
            output_tokens_per_s=_mean(ctx, metrics, "output_tokens_per_second"),
            data_kind=options.data_kind or "measured", source=f"{file} (GuideLLM)",
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ctx.fail(".".join(str(p) for p in err["loc"]) or "<row>", err["msg"]) from None
    return ParsedRow(ctx.index, row=row)
