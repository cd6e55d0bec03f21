"""Latency of the kernels one vLLM forward pass is made of: one formula per kernel kind.

The step-time model (``steptime.py``) adds these up per iteration; the kernel calibration
(``kernel_calibration.py``) fits their efficiencies to measured kernel tables with the very same functions,
so a coefficient means the same thing in both places. Every function accepts floats or numpy arrays.

* GEMM (m tokens x k -> n): a launch/latency floor plus a smooth roofline of tensor-core work and bytes moved
  (weights once, activations in and out), plus, for quantized kinds, the separate kernel that quantizes the
  input (``quant_factor``);
* fused MoE layer: the same roofline over the routed tokens' work and the distinct experts they touch;
* attention: prefill is the causal pairs' work against the KV entries read; decode reads each context token's
  KV once (time linear in context);
* all-reduce: a latency plus a ring's 2 (n - 1) / n bytes over the link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from knowledge.domain import GpuSpec, Precision
from simulator.perf.coefficients import EngineCoefficients

if TYPE_CHECKING:  # annotations only: numpy loads when a function here runs, not on every start
    import numpy as np

# Bytes per weight of the table kernels of each GEMM kind (scales included): FP8, NVFP4 (one FP8 scale per 16),
# weight-only 4-bit with 16-bit scales per group of 128.
WEIGHT_BYTES = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5 + 1 / 16, "wonly": 0.5 + 2 / 128}
SOFTMAX_POWER = 3.0  # blend of compute and memory time: (c^p + m^p)^(1/p), a smooth roofline


def blend(compute, memory, p: float = SOFTMAX_POWER):
    return (compute**p + memory**p) ** (1.0 / p)


@dataclass(frozen=True)
class GemmRates:
    """Achieved rates of one GEMM kind on one GPU (from the peak and the fitted efficiencies)."""

    flops_per_ms: float
    bytes_per_ms: float
    weight_bytes: float  # bytes per weight, scales included
    lat_ms: float  # per call
    quant_factor: float = 0.0  # quantizing kinds: the input-quantization kernel's traffic, in input reads


def scaled_floor(r: GemmRates, factor: float) -> GemmRates:
    """The same kernel with its per-call floor scaled (served passes replay CUDA graphs: fewer launch gaps)."""
    return replace(r, lat_ms=r.lat_ms * factor) if factor != 1.0 else r


def gemm_ms(r: GemmRates, m, n, k):
    """One GEMM: m tokens through an n x k weight."""
    compute = 2.0 * m * n * k / r.flops_per_ms
    memory = (n * k * r.weight_bytes + 2.0 * m * (n + k)) / r.bytes_per_ms
    return r.lat_ms + blend(compute, memory) + r.quant_factor * 2.0 * m * k / r.bytes_per_ms


def touched_experts(tokens, top_k, experts):
    """Distinct experts T tokens choosing k of E touch when they route independently: E (1 - (1 - k/E)^T)."""
    import numpy as np
    return experts * -np.expm1(tokens * np.log1p(-top_k / experts))


def balanced_experts(tokens, top_k, experts):
    """Distinct experts under the kernel benchmarks' balanced routing (token i takes experts i + j ceil(E/k)):
    min(E, T k), more than independent routing touches at a few tokens per expert."""
    import numpy as np
    return np.minimum(experts, tokens * top_k)


def moe_ms(r: GemmRates, tokens, hidden, inter, top_k, experts, shard: float = 1.0, spread: float = 1.0,
           touched=None, imbalance: float = 1.0):
    """One fused MoE layer (gate+up and down GEMMs of every routed token) on one GPU.

    ``tokens``: tokens entering the layer (all data-parallel ranks' with expert parallelism); ``shard``: how
    many ways each expert's intermediate dimension is split (tensor parallelism); ``spread``: how many GPUs the
    experts are spread over (expert parallelism); ``touched``: distinct experts the tokens route to (default:
    independent routing); ``imbalance``: the busiest GPU's routed tokens over the mean when experts are spread
    (real routing is uneven; the tables' balanced routing is not). ``r.lat_ms`` is the layer's floor (routing,
    permutations).
    """
    per_expert = 3.0 * hidden * inter / shard
    compute = 2.0 * tokens * top_k * per_expert * imbalance / spread / r.flops_per_ms
    if touched is None:
        touched = touched_experts(tokens, top_k, experts)
    weights = touched / spread * per_expert * r.weight_bytes
    routes = tokens * top_k / spread
    acts = 2.0 * routes * (2.0 * hidden + 3.0 * inter / shard)
    quant = r.quant_factor * 2.0 * routes * (hidden + inter / shard) / r.bytes_per_ms
    return r.lat_ms + blend(compute, (weights + acts) / r.bytes_per_ms) + quant


@dataclass(frozen=True)
class AttentionRates:
    flops_per_ms: float  # 16-bit tensor rate achieved by attention kernels
    bytes_per_ms: float  # KV-cache read rate
    lat_ms: float  # per attention call (one per layer and step)
    seq_ms: float  # per sequence in the call
    min_keys: float = 0.0  # prefill: keys' worth of work each query token pays whatever its context


def attention_floor_ms(r: AttentionRates, seqs):
    """What one layer's attention call costs beyond its work: the call and each sequence's tiles."""
    return r.lat_ms + seqs * r.seq_ms


def prefill_attention_ms(r: AttentionRates, pairs, kv_tokens, heads, dims, kv_bytes_per_token, q_tokens):
    """Causal attention of prefill chunks in one layer, without the call floor: ``pairs`` query-key pairs (sum of
    chunk x (prefix + chunk / 2)), ``dims`` = qk + v head dims, ``kv_tokens`` KV entries read, ``q_tokens`` query
    tokens (each pays ``min_keys`` of work: short contexts do not fill a tile pipeline)."""
    work = 2.0 * heads * dims * (pairs + r.min_keys * q_tokens)
    return blend(work / r.flops_per_ms, kv_tokens * kv_bytes_per_token / r.bytes_per_ms)


def decode_attention_ms_per_token(r: AttentionRates, heads, dims, kv_bytes_per_token):
    """Decode attention per context token in one layer: work and bytes are both proportional to context."""
    return blend(2.0 * heads * dims / r.flops_per_ms, kv_bytes_per_token / r.bytes_per_ms)


def allreduce_ms(bytes_, gpus, lat_ms: float, bytes_per_ms: float):
    """Ring all-reduce of ``bytes_`` over ``gpus`` GPUs."""
    return lat_ms + 2.0 * (gpus - 1) / gpus * bytes_ / bytes_per_ms


def all_to_all_ms(tokens, top_k, hidden, gpus, lat_ms: float, bytes_per_ms: float, gpus_per_node=None,
                  inter_node_bytes_per_ms: float | None = None):
    """Expert-parallel dispatch (or combine) of one GPU's ``tokens``: each routed copy of a 16-bit hidden state
    that lives on another GPU crosses a link. Spanning nodes, the copies bound for other nodes go over the NIC
    while the others take NVLink, at the same time (DeepEP overlaps the two)."""
    import numpy as np
    payload = tokens * top_k * hidden * 2.0
    if not gpus_per_node or gpus <= gpus_per_node or not inter_node_bytes_per_ms:
        return lat_ms + payload * (gpus - 1) / gpus / bytes_per_ms
    on_node = payload * (gpus_per_node - 1) / gpus / bytes_per_ms
    off_node = payload * (gpus - gpus_per_node) / gpus / inter_node_bytes_per_ms
    return lat_ms + np.maximum(on_node, off_node)


# ---------------------------------------------------------------------------------------------- rates of a GPU


def gemm_kind(gpu: GpuSpec, precision: Precision) -> str:
    """'bf16', 'fp8' (8-bit tensor cores: FP8, or INT8 W8A8), 'fp4' (native 4-bit) or 'wonly' (weights
    dequantized to 16-bit: INT4 W4A16, and FP8/FP4 on GPUs without those tensor cores)."""
    if precision is Precision.BF16:
        return "bf16"
    if precision is Precision.FP8:
        return "fp8" if gpu.fp8_tflops else "wonly"
    if precision is Precision.INT8:
        return "fp8" if gpu.int8_tops else "wonly"
    if precision is Precision.FP4:
        return "fp4" if gpu.fp4_tflops else "wonly"
    return "wonly"


def gemm_rates(gpu: GpuSpec, c: EngineCoefficients, kind: str, weight_bytes: float | None = None) -> GemmRates:
    """Achieved GEMM rates of one kind ('bf16', 'fp8', 'fp4', 'wonly') on ``gpu`` (``weight_bytes``: the
    checkpoint's own bytes per weight, when it differs from the kind's)."""
    r = _gemm_rates(gpu, c, kind)
    return replace(r, weight_bytes=weight_bytes) if weight_bytes else r


def _gemm_rates(gpu: GpuSpec, c: EngineCoefficients, kind: str) -> GemmRates:
    bw = gpu.memory_bandwidth_gbps * 1e9 / 1e3  # bytes per ms
    tflops = 1e9 * c.compute_scale  # flops per ms per TFLOPS as sustained in serving (1 for the kernel tables)
    if kind == "bf16":
        return GemmRates(gpu.bf16_tflops * tflops * c.flops_eff, bw * c.bw_eff, 2.0, c.gemm_lat_us / 1e3)
    if kind == "fp8":
        peak = gpu.fp8_tflops or gpu.int8_tops or gpu.bf16_tflops
        return GemmRates(peak * tflops * c.fp8_flops_eff, bw * c.fp8_bw_eff, WEIGHT_BYTES["fp8"],
                         c.quant_lat_us / 1e3, c.quant_act_factor)
    if kind == "fp4":
        peak = gpu.fp4_tflops or gpu.bf16_tflops
        return GemmRates(peak * tflops * c.fp4_flops_eff, bw * c.fp4_bw_eff, WEIGHT_BYTES["fp4"],
                         c.quant_lat_us / 1e3, c.quant_act_factor)
    return GemmRates(gpu.bf16_tflops * tflops * c.wonly_flops_eff, bw * c.wonly_bw_eff, WEIGHT_BYTES["wonly"],
                     c.quant_lat_us / 1e3)


def moe_rates(gpu: GpuSpec, c: EngineCoefficients, kind: str, weight_bytes: float | None = None,
              expert_parallel: bool = False) -> GemmRates:
    """Fused-MoE rates: the dense kind's, scaled by the family's MoE factors; ``lat_ms`` is the layer's floor
    (routing, top-k, permutations), with expert parallelism's local-expert map and extra permutation on top."""
    d = gemm_rates(gpu, c, kind, weight_bytes)
    lat_us = c.moe_layer_us + (c.moe_ep_lat_us if expert_parallel else 0.0)
    return GemmRates(d.flops_per_ms * c.moe_flops_eff, d.bytes_per_ms * c.moe_bw_eff, d.weight_bytes,
                     lat_us / 1e3, d.quant_factor)


def attention_rates(gpu: GpuSpec, c: EngineCoefficients, fp8_cache: bool = False) -> AttentionRates:
    bw_eff = c.attn_fp8_bw_eff if fp8_cache else c.attn_bw_eff
    return AttentionRates(gpu.bf16_tflops * 1e9 * c.compute_scale * c.attn_flops_eff,
                          gpu.memory_bandwidth_gbps * 1e6 * bw_eff, c.attn_lat_us / 1e3, c.attn_seq_us / 1e3,
                          c.attn_min_keys)


def comm_rate(gpu: GpuSpec, c: EngineCoefficients) -> float:
    """All-reduce link rate, bytes per ms."""
    return gpu.interconnect_gbps * 1e6 * c.comm_eff


def a2a_rate(gpu: GpuSpec, c: EngineCoefficients) -> float:
    """All-to-all payload rate within a node, bytes per ms."""
    return gpu.interconnect_gbps * 1e6 * c.a2a_eff
