"""The NeuralNav/Compass benchmark format: ``{"_metadata": {...}, "benchmarks": [{"model_hf_repo": ...}]}``.

Each row is one (model, hardware, count, prompt/output tokens, request rate) point with TTFT/ITL/E2E mean and
p90/p95/p99 in milliseconds, measured at an open-loop ``requests_per_second``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import BenchmarkRow, LatencyFigures, LoadKind
from knowledge.importers.common import (
    ImportOptions, ParsedRow, RowContext, number, resolve_gpu, resolve_model, text,
)


def looks_like(doc: Any) -> bool:
    rows = doc.get("benchmarks") if isinstance(doc, dict) else None
    return isinstance(rows, list) and (not rows or (isinstance(rows[0], dict) and "model_hf_repo" in rows[0]))


def _data_kind(doc: dict, options: ImportOptions) -> str:
    if options.data_kind:
        return options.data_kind
    meta = doc.get("_metadata") or {}
    described = " ".join(str(v) for v in meta.values()).lower() if isinstance(meta, dict) else ""
    return "simulated" if ("simulat" in described or "synthetic" in described) else "measured"


def _latency(ctx: RowContext, raw: dict, prefix: str) -> LatencyFigures:
    return LatencyFigures(
        mean=number(ctx, raw, f"{prefix}_mean"),
        p50=number(ctx, raw, f"{prefix}_p50"),
        p90=number(ctx, raw, f"{prefix}_p90"),
        p95=number(ctx, raw, f"{prefix}_p95"),
        p99=number(ctx, raw, f"{prefix}_p99"),
    )


def parse(doc: dict, file: str, catalog: Catalog, options: ImportOptions) -> list[ParsedRow]:
    data_kind = _data_kind(doc, options)
    out: list[ParsedRow] = []
    for i, raw in enumerate(doc["benchmarks"]):
        ctx = RowContext(file, i)
        if not isinstance(raw, dict):
            raise ctx.fail("<row>", f"expected an object, got {type(raw).__name__}")
        out.append(_parse_row(ctx, raw, catalog, options, data_kind, file))
    return out


def _parse_row(ctx: RowContext, raw: dict, catalog: Catalog, options: ImportOptions, data_kind: str,
               file: str) -> ParsedRow:
    model_name = options.model or text(ctx, raw, "model_hf_repo", required=True)
    hardware = options.gpu or text(ctx, raw, "hardware", required=True)
    count = int(number(ctx, raw, "hardware_count", required=True, positive=True))
    prompt = number(ctx, raw, "prompt_tokens", required=True, positive=True)
    output = number(ctx, raw, "output_tokens", required=True, positive=True)
    rate = number(ctx, raw, "requests_per_second", required=True, positive=True)
    ttft, itl, e2e = _latency(ctx, raw, "ttft"), _latency(ctx, raw, "itl"), _latency(ctx, raw, "e2e")
    resolved = resolve_model(catalog, model_name, options.precision)
    if isinstance(resolved, str):
        return ParsedRow(ctx.index, skip_reason="unknown model")
    try:
        gpu = resolve_gpu(catalog, hardware)
    except UnknownNameError:
        return ParsedRow(ctx.index, skip_reason="unknown GPU")
    model_id, precision = resolved
    try:
        row = BenchmarkRow(
            model_id=model_id, precision=precision, gpu=gpu, gpu_count=count,
            tensor_parallel=options.tensor_parallel or count,
            engine=(text(ctx, raw, "framework") or "vllm").lower(),
            engine_version=text(ctx, raw, "framework_version"),
            prompt_tokens=int(prompt), output_tokens=int(output),
            load_kind=LoadKind.RPS, load_value=rate, ttft_ms=ttft, itl_ms=itl, e2e_ms=e2e,
            requests_per_s=number(ctx, raw, "responses_per_second"),
            output_tokens_per_s=number(ctx, raw, "tokens_per_second"),
            data_kind=data_kind, source=f"{file} (compass-benchmarks format)",
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ctx.fail(".".join(str(p) for p in err["loc"]) or "<row>", err["msg"]) from None
    return ParsedRow(ctx.index, row=row)
