"""Kernel-level calibration: fit each GPU family's efficiencies to measured vLLM kernel tables.

Input: the aiconfigurator-format kernel tables (``<gpu>/<op>/<engine>/<version>/*.parquet``: GEMM by dtype and
m, n, k; context and generation attention; fused MoE; custom all-reduce and NCCL). Each family is fitted
jointly over its GPUs' tables, with every efficiency a fraction of that GPU's own catalog peak, so the result
carries over to the family's GPUs without tables (L4 from L40S, A10G from A100) through their vendor figures.
The functions fitted are those of ``kernels.py``, which the step-time model uses.

Fitted per family: 16-bit GEMMs (``flops_eff``, ``bw_eff``, ``gemm_lat_us``); native FP8 GEMMs
(``fp8_*``, ``quant_lat_us``, ``quant_act_factor``); native NVFP4 GEMMs (``fp4_*``); fused MoE relative to the
dense GEMMs of the same kind (``moe_flops_eff``, ``moe_bw_eff``, ``moe_layer_us``, and ``moe_ep_lat_us`` for
expert parallelism's extra floor) and weight-only Marlin experts (``wonly_*``), under the tables' own balanced
routing; prefill and decode attention (``attn_*``); all-reduce (``comm_latency_us``, ``comm_eff``); expert-parallel
all-to-all. Coefficients without rows keep their prior and are listed as such.

Reading parquet needs ``pyarrow`` (a development dependency): only calibration reads the tables; the product
ships the fitted numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
from pydantic import BaseModel

from knowledge.catalog import Catalog
from knowledge.domain import GpuSpec
from simulator.perf.coefficients import PRIOR, EngineCoefficients
from simulator.perf.fitting import Parameterization, huber_weights, levenberg_marquardt
from simulator.perf.kernels import (
    a2a_rate, all_to_all_ms, allreduce_ms, attention_floor_ms, attention_rates, balanced_experts, comm_rate,
    decode_attention_ms_per_token, gemm_ms, gemm_rates, moe_ms, moe_rates, prefill_attention_ms,
)

# Kernel-table folder -> catalog GPU (the tables' A100 is the 80 GB SXM board).
TABLE_GPUS = {"a100_sxm": "A100-80GB", "l40s": "L40S", "h100_sxm": "H100-SXM", "h200_sxm": "H200",
              "b200_sxm": "B200", "b300_sxm": "B300"}
HUBER = 0.15  # log-error scale past which a row counts linearly (outliers: noisy small kernels)
MIN_GEMM_DIM = 512  # GEMM shapes of real models' shards; tinier ones measure launch noise
MAX_TOKENS = 16384
MAX_PREFILL_SEQS = 8
# Which table dtype stands for which GEMM kind: per-tensor FP8 (Llama-style checkpoints) for dense GEMMs. Not
# fitted: dense block-FP8 rows (60-260 us per call at any size: host-side overhead a CUDA-graph pass does not pay).
DENSE_DTYPES = {"bf16": ("bfloat16",), "fp8": ("fp8",), "fp4": ("nvfp4",)}
# Fused-MoE rows standing for each GEMM kind: (table dtypes, kernel source it must name or None, one it must not).
# Block FP8 experts (DeepSeek/MiniMax/Qwen-style checkpoints); FlashInfer's CUTLASS FP8 MoE is opt-in on Hopper
# (vLLM runs Triton there by default). Native FP4: NVFP4 W4A4 and MXFP4 x MXFP8 experts on FP4 tensor cores.
# Weight-only: the Marlin kernels (INT4 W4A16, MXFP4 W4A16), what vLLM runs 4-bit experts with on GPUs without
# FP4 tensor cores (the measured gpt-oss prefill on Hopper is Marlin's, not the faster Triton MXFP4 tables').
MOE_ROWS = {"bf16": (("bfloat16",), None, None), "fp8": (("fp8_block",), None, "flashinfer_cutlass"),
            "fp4": (("nvfp4", "w4a8_mxfp4_mxfp8"), None, None),
            "wonly": (("int4_wo", "w4a16_mxfp4"), "marlin", None)}
MAX_MOE_TOKENS = 8192  # a step's tokens at vLLM's default token budget


class OpError(BaseModel):
    """Fit error of one op on one GPU: absolute relative error of predicted vs measured latency."""

    op: str
    gpu: str
    rows: int
    median_ape: float
    p90_ape: float


class FamilyKernelFit(BaseModel):
    family: str
    gpus: list[str]
    source: str
    values: dict[str, float]  # fitted coefficients
    not_fitted: list[str]  # coefficients left at their prior (no rows of that kind)
    errors: list[OpError]


# ---------------------------------------------------------------------------------------------- reading


def read_table(path: Path) -> dict[str, np.ndarray]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - dev dependency
        raise RuntimeError("reading kernel tables needs pyarrow (pip install -e '.[dev]')") from exc
    table = pq.read_table(path).to_pydict()
    return {k: np.asarray(v) for k, v in table.items()}


def _newest(folder: Path, pattern: str) -> Path | None:
    """The table of the newest collection (version folders sort as version tuples)."""
    def key(p: Path):
        return tuple(int(x) if x.isdigit() else 0 for x in p.parent.name.split("."))
    found = sorted(folder.glob(pattern), key=key)
    return found[-1] if found else None


@dataclass
class GpuTables:
    name: str  # catalog GPU
    folder: str
    tables: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, folder: str) -> "GpuTables":
        t = cls(TABLE_GPUS[folder], folder)
        base = root / folder
        for op, pattern in {"gemm": "gemm/vllm/*/gemm_perf.parquet",
                            "context": "attention/vllm/*/context_attention_perf.parquet",
                            "generation": "attention/vllm/*/generation_attention_perf.parquet",
                            "moe": "moe/vllm/*/moe_perf.parquet",
                            "custom_ar": "comm/vllm/*/custom_allreduce_perf.parquet",
                            "nccl": "comm/nccl/*/nccl_perf.parquet",
                            "moe_a2a": "comm/vllm/*/moe_a2a_perf.parquet"}.items():
            path = _newest(base, pattern)
            if path is not None:
                t.tables[op] = read_table(path)
                t.sources[op] = str(path.relative_to(root))
        return t


# ---------------------------------------------------------------------------------------------- fitting


@dataclass
class _Rows:
    """Measured latencies (ms) and a model of them given coefficients, for one op on one GPU."""

    op: str
    gpu: str
    measured: np.ndarray
    model: Callable[[EngineCoefficients], np.ndarray]


def _fit(rows: list[_Rows], names: tuple[str, ...], start: EngineCoefficients) -> EngineCoefficients:
    """Robust (Huber) least squares of log latency over all rows, in ``names``."""
    rows = [r for r in rows if len(r.measured)]
    if not rows or not names:
        return start
    par = Parameterization(names, start)
    measured = np.concatenate([r.measured for r in rows])
    # Each GPU and op weighs the same whatever its row count.
    weight = np.concatenate([np.full(len(r.measured), 1 / np.sqrt(len(r.measured))) for r in rows])

    def raw(x: np.ndarray) -> np.ndarray:
        c = par.to_coefficients(x)
        return np.log(np.concatenate([r.model(c) for r in rows]) / measured)

    x = par.from_coefficients(start)
    for _ in range(3):  # IRLS rounds for the Huber loss
        w = huber_weights(raw(x), HUBER) * weight
        x, _ = levenberg_marquardt(lambda xv: w * raw(xv), x, max_iter=60)
    return par.to_coefficients(x)


def _errors(rows: list[_Rows], c: EngineCoefficients) -> list[OpError]:
    out = []
    for r in rows:
        if not len(r.measured):
            continue
        e = np.abs(r.model(c) / r.measured - 1)
        out.append(OpError(op=r.op, gpu=r.gpu, rows=len(e), median_ape=float(np.median(e)),
                           p90_ape=float(np.percentile(e, 90))))
    return out


def _gemm_rows(t: GpuTables, gpu: GpuSpec, kind: str) -> _Rows:
    g = t.tables.get("gemm")
    if g is None:
        return _Rows(f"gemm {kind}", t.name, np.array([]), lambda c: np.array([]))
    m, n, k = (g[x].astype(float) for x in ("m", "n", "k"))
    sel = np.isin(g["gemm_dtype"], DENSE_DTYPES[kind]) & (n >= MIN_GEMM_DIM) & (k >= MIN_GEMM_DIM) & (m <= MAX_TOKENS)
    m, n, k, lat = m[sel], n[sel], k[sel], g["latency"][sel].astype(float)
    return _Rows(f"gemm {kind}", t.name, lat, lambda c: gemm_ms(gemm_rates(gpu, c, kind), m, n, k))


def _moe_rows(t: GpuTables, gpu: GpuSpec, kind: str) -> _Rows:
    """Fused-MoE rows of one kind, under the tables' balanced routing (each token's experts spread evenly) where
    they have it, else their mildest power-law routing, taken as independent routing."""
    g = t.tables.get("moe")
    empty = _Rows(f"moe {kind}", t.name, np.array([]), lambda c: np.array([]))
    if g is None:
        return empty
    balanced = (g["distribution"] == "balanced").any()
    dtypes, must, must_not = MOE_ROWS[kind]
    source = np.char.lower(g["kernel_source"].astype(str)) if "kernel_source" in g else np.full(len(g["latency"]), "")
    sel = (np.isin(g["moe_dtype"], dtypes) & (g["distribution"] == ("balanced" if balanced else "power_law_1.01"))
           & (g["num_tokens"] <= MAX_MOE_TOKENS))
    if must:
        sel &= np.char.find(source, must) >= 0
    if must_not:
        sel &= np.char.find(source, must_not) < 0
    if not sel.any():
        return empty
    cols = {x: g[x][sel].astype(float) for x in ("num_tokens", "hidden_size", "inter_size", "topk", "num_experts",
                                                  "moe_tp_size", "moe_ep_size")}
    tokens, top_k, experts, ep = cols["num_tokens"], cols["topk"], cols["num_experts"], cols["moe_ep_size"]
    touched = balanced_experts(tokens, top_k, experts) if balanced else None
    lat = g["latency"][sel].astype(float)

    def model(c: EngineCoefficients) -> np.ndarray:
        flat, spread = moe_rates(gpu, c, kind), moe_rates(gpu, c, kind, expert_parallel=True)
        lat_ms = np.where(ep > 1, spread.lat_ms, flat.lat_ms)
        return moe_ms(replace(flat, lat_ms=0.0), tokens, cols["hidden_size"], cols["inter_size"], top_k, experts,
                      shard=cols["moe_tp_size"], spread=ep, touched=touched) + lat_ms

    return _Rows(f"moe {kind}", t.name, lat, model)


def _attention_rows(t: GpuTables, gpu: GpuSpec) -> list[_Rows]:
    """Full-attention rows (no window) of 16-bit attention, per op and KV-cache dtype (16-bit or FP8)."""
    out = []
    for op in ("context", "generation"):
        g = t.tables.get(op)
        if g is None:
            continue
        window = g["window_size"] if "window_size" in g else np.zeros(len(g["latency"]))
        base = (window == 0) & (g["attn_dtype"] == "bfloat16")
        if op == "context":  # a step's prefill carries a few long chunks, not hundreds of tiny prompts
            base &= (g["batch_size"] * g["isl"] <= MAX_TOKENS) & (g["batch_size"] <= MAX_PREFILL_SEQS)
        for fp8 in (False, True):
            sel = base & ((g["kv_cache_dtype"] == "fp8") == fp8)
            if not sel.any():
                continue
            b, isl, step, heads, kvh, hd, lat = (g[x][sel].astype(float) for x in (
                "batch_size", "isl", "step", "num_heads", "num_key_value_heads", "head_dim", "latency"))
            kvb = 2 * kvh * hd * (1.0 if fp8 else 2.0)
            if op == "context":  # a batch of b prompts of isl tokens after ``step`` cached ones
                pairs, kv = b * isl * (step + isl / 2), b * (step + isl)

                def model(c, pairs=pairs, kv=kv, heads=heads, hd=hd, kvb=kvb, b=b, fp8=fp8, isl=isl):
                    r = attention_rates(gpu, c, fp8)
                    return attention_floor_ms(r, b) + prefill_attention_ms(r, pairs, kv, heads, 2 * hd, kvb, b * isl)
            else:  # b sequences of step + 1 context tokens, one new token each
                ctx = b * (step + 1)

                def model(c, ctx=ctx, heads=heads, hd=hd, kvb=kvb, b=b, fp8=fp8):
                    r = attention_rates(gpu, c, fp8)
                    return attention_floor_ms(r, b) + ctx * decode_attention_ms_per_token(r, heads, 2 * hd, kvb)
            out.append(_Rows(f"attention {op}{' fp8-KV' if fp8 else ''}", t.name, lat, model))
    return out


def _element_bytes(dtypes: np.ndarray) -> np.ndarray:
    """Bytes per element of the collectives' dtype names (the tables count message sizes in elements)."""
    names = np.char.lower(dtypes.astype(str))
    return np.where(np.isin(names, ("int8", "fp8", "uint8")), 1,
                    np.where(np.isin(names, ("float", "float32", "fp32")), 4, 2))


def _allreduce_rows(t: GpuTables, gpu: GpuSpec) -> _Rows:
    """The faster of vLLM's custom all-reduce (CUDA-graph mode) and NCCL, per GPU count and message bytes:
    what vLLM picks."""
    best: dict[tuple[int, int], float] = {}
    for table, dtype_col in (("custom_ar", "allreduce_dtype"), ("nccl", "nccl_dtype")):
        g = t.tables.get(table)
        if g is None:
            continue
        sel = g["op_name"] == "all_reduce"
        if "backend" in g:
            sel &= g["backend"] == "vllm_graph"
        nbytes = g["message_size"][sel].astype(float) * _element_bytes(g[dtype_col][sel])
        for n, b, lat in zip(g["num_gpus"][sel], nbytes, g["latency"][sel]):
            key = (int(n), int(b))
            best[key] = min(best.get(key, np.inf), float(lat))
    if not best:
        return _Rows("all-reduce", t.name, np.array([]), lambda c: np.array([]))
    keys = sorted(best)
    n = np.array([k[0] for k in keys], float)
    size = np.array([k[1] for k in keys], float)
    lat = np.array([best[k] for k in keys])
    return _Rows("all-reduce", t.name, lat, lambda c: allreduce_ms(size, n, c.comm_latency_us / 1e3, comm_rate(gpu, c)))


def _a2a_rows(t: GpuTables, gpu: GpuSpec) -> _Rows:
    """Expert-parallel dispatch and combine (DeepEP low-latency and high-throughput kernels): the faster of the
    two per call shape. This table gives microseconds."""
    g = t.tables.get("moe_a2a")
    if g is None:
        return _Rows("moe all-to-all", t.name, np.array([]), lambda c: np.array([]))
    best: dict[tuple, float] = {}
    for row in zip(g["phase"], g["hidden_size"], g["topk"], g["num_experts"], g["ep_size"], g["num_tokens"],
                   g["node_num"], g["latency"]):
        if int(row[6]) != 1:  # one node: the link is the GPU's own interconnect
            continue
        key = tuple(int(x) if not isinstance(x, str) else x for x in row[:6])
        best[key] = min(best.get(key, np.inf), float(row[7]) / 1e3)
    keys = sorted(best)
    hidden, top_k, ep, tokens = (np.array([k[i] for k in keys], float) for i in (1, 2, 4, 5))
    lat = np.array([best[k] for k in keys])
    return _Rows("moe all-to-all", t.name, lat, lambda c: all_to_all_ms(
        tokens, top_k, hidden, ep, c.a2a_lat_us / 1e3, a2a_rate(gpu, c)))


def fit_family_kernels(family: str, tables: list[GpuTables], catalog: Catalog,
                       start: EngineCoefficients = PRIOR) -> FamilyKernelFit:
    """Fit one family's kernel-level coefficients, op by op, on all of its GPUs' tables."""
    gpus = {t.name: catalog.gpu(t.name) for t in tables}
    c = start
    fitted: list[str] = []
    all_rows: list[_Rows] = []

    def stage(rows: list[_Rows], names: tuple[str, ...]) -> None:
        nonlocal c
        rows = [r for r in rows if len(r.measured)]
        if rows:
            c = _fit(rows, names, c)
            fitted.extend(names)
            all_rows.extend(rows)

    stage([_gemm_rows(t, gpus[t.name], "bf16") for t in tables], ("flops_eff", "bw_eff", "gemm_lat_us"))
    stage([_gemm_rows(t, gpus[t.name], "fp8") for t in tables if gpus[t.name].fp8_tflops],
          ("fp8_flops_eff", "fp8_bw_eff", "quant_lat_us", "quant_act_factor"))
    stage([_gemm_rows(t, gpus[t.name], "fp4") for t in tables if gpus[t.name].fp4_tflops],
          ("fp4_flops_eff", "fp4_bw_eff"))
    native = [k for k in ("bf16", "fp8", "fp4") if k == "bf16" or any(
        (gpus[t.name].fp8_tflops if k == "fp8" else gpus[t.name].fp4_tflops) for t in tables)]
    spread = any("moe" in t.tables and (t.tables["moe"]["moe_ep_size"] > 1).any() for t in tables)
    stage([_moe_rows(t, gpus[t.name], k) for t in tables for k in native],
          ("moe_flops_eff", "moe_bw_eff", "moe_layer_us") + (("moe_ep_lat_us",) if spread else ()))
    stage([_moe_rows(t, gpus[t.name], "wonly") for t in tables], ("wonly_flops_eff", "wonly_bw_eff"))
    attn = [r for t in tables for r in _attention_rows(t, gpus[t.name])]
    stage([r for r in attn if r.op == "attention generation"], ("attn_bw_eff", "attn_lat_us", "attn_seq_us"))
    stage([r for r in attn if r.op == "attention generation fp8-KV"], ("attn_fp8_bw_eff",))
    stage([r for r in attn if r.op.startswith("attention context")], ("attn_flops_eff", "attn_min_keys"))
    stage([_allreduce_rows(t, gpus[t.name]) for t in tables], ("comm_latency_us", "comm_eff"))
    stage([_a2a_rows(t, gpus[t.name]) for t in tables], ("a2a_lat_us", "a2a_eff"))
    kernel_names = ("flops_eff", "bw_eff", "gemm_lat_us", "fp8_flops_eff", "fp8_bw_eff", "quant_lat_us",
                    "quant_act_factor", "fp4_flops_eff", "fp4_bw_eff", "moe_flops_eff", "moe_bw_eff", "moe_layer_us",
                    "moe_ep_lat_us", "wonly_flops_eff", "wonly_bw_eff", "attn_flops_eff", "attn_min_keys", "attn_lat_us", "attn_seq_us",
                    "attn_bw_eff", "attn_fp8_bw_eff", "comm_latency_us", "comm_eff", "a2a_lat_us", "a2a_eff")
    sources = sorted({s for t in tables for s in t.sources.values()})
    return FamilyKernelFit(
        family=family, gpus=sorted(gpus), values={n: round(getattr(c, n), 6) for n in dict.fromkeys(fitted)},
        not_fitted=[n for n in kernel_names if n not in fitted], errors=_errors(all_rows, c),
        source="measured vLLM kernel tables (aiconfigurator-core 0.12.0, Apache-2.0): " + ", ".join(sources))


def fit_all_families(kernels_dir: Path, catalog: Catalog) -> dict[str, FamilyKernelFit]:
    """Every family that has kernel tables under ``kernels_dir``."""
    by_family: dict[str, list[GpuTables]] = {}
    for folder in sorted(TABLE_GPUS):
        if (kernels_dir / folder).is_dir():
            t = GpuTables.load(kernels_dir, folder)
            by_family.setdefault(catalog.gpu(t.name).family, []).append(t)
    return {f: fit_family_kernels(f, ts, catalog) for f, ts in sorted(by_family.items())}


def error_table(fits: dict[str, FamilyKernelFit]) -> str:
    lines = [f"{'family':<10}{'op':<30}{'GPU':<11}{'rows':>7}{'median':>9}{'p90':>9}"]
    for f in fits.values():
        for e in f.errors:
            lines.append(f"{f.family:<10}{e.op:<30}{e.gpu:<11}{e.rows:>7}{e.median_ape:>9.1%}{e.p90_ape:>9.1%}")
    return "\n".join(lines)


def save(fits: dict[str, FamilyKernelFit], path: Path) -> None:
    path.write_text(json.dumps({f: v.model_dump() for f, v in fits.items()}, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
