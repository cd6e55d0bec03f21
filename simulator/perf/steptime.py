"""Time of one vLLM engine iteration (one forward pass over a mixed prefill + decode batch).

A roofline per kernel group, on one GPU of one data-parallel rank:

* linear layers: max-like blend of compute (2 flops per weight per token, at the tensor-core rate of the
  precision) and weight streaming (every weight shard read once per step);
* MoE experts: only the experts some token is routed to are read; with T tokens choosing k of E experts
  a layer touches E * (1 - (1 - k/E)^T) distinct experts on average;
* attention: prefill is compute-bound with the quadratic term; decode reads the KV cache;
* tensor-parallel all-reduces (or expert-parallel exchanges) over the interconnect: latency + bytes;
* fixed overheads per step, per layer and per sequence.

Efficiencies and overheads are calibrated per GPU family (see ``coefficients.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from knowledge.domain import AttentionKind, GpuSpec, ModelCard, Precision
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.memory import kv_bytes_per_token_per_layer_per_gpu, layer_split
from simulator.perf.params import split_params, weight_bytes

SOFTMAX_POWER = 3.0  # blend of compute and memory time: (c^p + m^p)^(1/p), a smooth roofline
INTER_NODE_GBPS = 50.0  # one 400 Gb/s NIC per GPU when a group spans nodes


def _blend(compute: float, memory: float) -> float:
    return (compute**SOFTMAX_POWER + memory**SOFTMAX_POWER) ** (1.0 / SOFTMAX_POWER)


def gemm_kind(gpu: GpuSpec, precision: Precision) -> str:
    """'native' (tensor cores of that format), 'fp4' (native 4-bit) or 'wonly' (dequantized to 16-bit)."""
    if precision is Precision.BF16:
        return "native"
    if precision is Precision.FP8:
        return "native" if gpu.fp8_tflops else "wonly"
    if precision is Precision.INT8:
        return "native" if gpu.int8_tops else "wonly"
    if precision is Precision.FP4:
        return "fp4" if gpu.fp4_tflops else "wonly"
    return "wonly"  # int4 is W4A16


@dataclass(frozen=True)
class StepShape:
    """Aggregates of one iteration's batch (what the time depends on)."""

    prefill_tokens: int = 0
    prefill_pairs: float = 0.0  # sum over chunks of chunk x (prefix + chunk/2): causal attention pairs
    prefill_pairs_window: float = 0.0  # the same, capped at the sliding window
    prefill_kv_tokens: float = 0.0  # KV entries the chunks read (prefix + chunk)
    decode_seqs: int = 0
    decode_context: float = 0.0  # sum of decode sequences' context lengths
    decode_context_window: float = 0.0  # the same, capped at the sliding window
    prefill_seqs: int = 0


class StepTimeModel:
    """Iteration time of one engine rank for a given model, precision, GPU and parallelism."""

    def __init__(self, model: ModelCard, precision: Precision, gpu: GpuSpec, tensor_parallel: int = 1,
                 coefficients: EngineCoefficients | None = None, *, data_parallel: int = 1,
                 expert_parallel: bool = False, kv_cache_dtype: str = "auto"):
        self.model, self.precision, self.gpu = model, precision, gpu
        self.tp, self.dp = tensor_parallel, data_parallel
        self.gpus = tensor_parallel * data_parallel
        self.expert_parallel = expert_parallel
        self.c = coefficients or EngineCoefficients()
        self._prepare(kv_cache_dtype, expert_parallel)

    @classmethod
    def for_config(cls, config, catalog, coefficients: EngineCoefficients | None = None) -> "StepTimeModel":
        """The model of one engine rank of a ``ServingConfig`` (coefficients: the GPU family's fit)."""
        from simulator.perf.coefficients import load_coefficients

        model, gpu = catalog.model(config.model_id), catalog.gpu(config.gpu)
        coeffs = coefficients or load_coefficients().for_family(gpu.family, "vllm")
        return cls(model, config.precision, gpu, config.tensor_parallel, coeffs, data_parallel=config.data_parallel,
                   expert_parallel=config.expert_parallel, kv_cache_dtype=config.kv_cache_dtype)

    # ------------------------------------------------------------------ constants per configuration

    def _prepare(self, kv_cache_dtype: str, expert_parallel: bool) -> None:
        a, c, gpu, tp = self.model.architecture, self.c, self.gpu, self.tp
        p, wb = split_params(a), weight_bytes(self.model, self.precision)
        bw = gpu.memory_bandwidth_gbps * 1e9  # bytes/s
        kind_c = {"native": 1.0, "fp4": c.fp4_flops_eff, "wonly": c.wonly_flops_eff}
        kind_m = {"native": 1.0, "fp4": c.fp4_bw_eff, "wonly": c.wonly_bw_eff}
        expert_kind = gemm_kind(gpu, self.precision)
        dense_precision = Precision.BF16 if wb.dense_bytes_per_param >= 2.0 else self.precision
        dense_kind = gemm_kind(gpu, dense_precision)
        # Peak rates of this GPU for the GEMMs (weight-only formats compute in 16-bit).
        dense_flops = gpu.tflops(dense_precision if dense_kind != "wonly" else Precision.BF16) * 1e12
        expert_flops = gpu.tflops(self.precision if expert_kind != "wonly" else Precision.BF16) * 1e12
        self._dense_rate_c = dense_flops * c.flops_eff * kind_c[dense_kind] / 1e3  # flops per ms
        self._dense_rate_m = bw * c.bw_eff * kind_m[dense_kind] / 1e3  # bytes per ms
        self._expert_rate_c = expert_flops * c.flops_eff * c.moe_flops_eff * kind_c[expert_kind] / 1e3
        self._expert_rate_m = bw * c.bw_eff * c.moe_bw_eff * kind_m[expert_kind] / 1e3
        # Dense part on one GPU (always-active linears + lm_head; embeddings are a lookup).
        self._dense_flops_per_token = 2 * (p.always_active_linear + p.other) / tp
        self._lm_head_flops_per_logit = 2 * p.lm_head / tp
        self._dense_bytes = (wb.always_active + wb.lm_head) / tp
        # Experts on one GPU.
        self.moe_layers = p.moe_layers
        self.num_experts = a.num_experts or 0
        self.top_k = a.experts_per_token or 0
        self._expert_flops_per_token = 2 * self.top_k * p.per_expert * p.moe_layers / self.gpus
        self._expert_layer_bytes = wb.per_expert_layer * p.moe_layers / self.gpus
        # Activation traffic of the memory-bound element-wise kernels (norms, residuals, RoPE, SiLU-and-mul,
        # MoE permute/unpermute): every TP rank processes every token's hidden state; routed experts move each
        # token once per chosen expert.
        dense_layers = a.num_layers - p.moe_layers
        shared_width = a.num_shared_experts * (a.moe_intermediate_size or 0)
        per_token = 2.0 * (6 * a.hidden_size * a.num_layers + 3 * a.intermediate_size / tp * dense_layers
                           + 3 * shared_width / tp * p.moe_layers)
        self._act_ms_per_token = per_token / self._dense_rate_m
        if p.moe_layers:
            shard = 1 if expert_parallel else tp
            per_route = 2.0 * (4 * a.hidden_size + 3 * (a.moe_intermediate_size or 0) / shard) * p.moe_layers
            spread = self.gpus if expert_parallel else 1  # with EP each GPU sees its share of the routes
            self._act_ms_per_route = per_route / spread / self._expert_rate_m
        else:
            self._act_ms_per_route = 0.0
        # Attention.
        full_layers, swa_layers = layer_split(a)
        self.window = a.sliding_window if swa_layers else None
        heads_here = a.num_attention_heads / tp
        if a.attention is AttentionKind.MLA:
            rope, lora = a.qk_rope_head_dim or 0, a.kv_lora_rank or 0
            pf_dims, dec_dims = (a.head_dim + rope) + a.head_dim, (lora + rope) + lora
        else:
            pf_dims = dec_dims = 2 * a.head_dim
        attn_rate_c = gpu.bf16_tflops * 1e12 * c.attn_flops_eff / 1e3
        attn_rate_m = bw * c.attn_bw_eff / 1e3
        kv_layer = kv_bytes_per_token_per_layer_per_gpu(a, tp, kv_cache_dtype)
        self._pf_pair_ms = 2 * heads_here * pf_dims * full_layers / attn_rate_c
        self._pf_pair_window_ms = 2 * heads_here * pf_dims * swa_layers / attn_rate_c
        self._pf_kv_ms = kv_layer * a.num_layers / attn_rate_m
        # Decode attention per context token: flops and bytes are both proportional, so time is linear.
        self._dec_ctx_ms = _blend(2 * heads_here * dec_dims * full_layers / attn_rate_c,
                                  kv_layer * full_layers / attn_rate_m)
        self._dec_ctx_window_ms = _blend(2 * heads_here * dec_dims * swa_layers / attn_rate_c,
                                         kv_layer * swa_layers / attn_rate_m) if swa_layers else 0.0
        # Communication.
        self.hidden = a.hidden_size
        self.layers = a.num_layers
        node = gpu.max_gpus_per_node
        ic_rate = gpu.interconnect_gbps * 1e9 * c.comm_eff / 1e3  # bytes per ms
        group_rate = (INTER_NODE_GBPS * 1e9 * c.comm_eff / 1e3) if self.gpus > node else ic_rate
        self._ar_calls = (2 * a.num_layers if self.dp == 1 else a.num_layers) if tp > 1 else 0
        self._ar_ms_per_token = (2 * (tp - 1) / tp * a.hidden_size * 2 / ic_rate) if tp > 1 else 0.0
        moe_exchange = self.dp > 1 and a.is_moe
        self._x_calls = 2 * p.moe_layers if moe_exchange else 0
        g = self.gpus
        self._x_ms_per_token = ((g - 1) / g * a.hidden_size * 2 * self.dp / group_rate) if moe_exchange else 0.0
        self._latency_ms = c.comm_latency_us / 1e3
        self._fixed_ms = c.step_ms + (c.layer_us * a.num_layers + c.moe_layer_us * p.moe_layers) / 1e3
        self._seq_ms = c.seq_us / 1e3

    # ------------------------------------------------------------------ pieces

    def _linear_ms(self, tokens: float, logits: float) -> float:
        dense = _blend((tokens * self._dense_flops_per_token + logits * self._lm_head_flops_per_logit)
                       / self._dense_rate_c, self._dense_bytes / self._dense_rate_m)
        dense += tokens * self._act_ms_per_token
        if not self.moe_layers:
            return dense
        global_tokens = tokens * self.dp
        dense += global_tokens * self.top_k * self._act_ms_per_route
        touched = self.num_experts * -math.expm1(global_tokens * math.log1p(-self.top_k / self.num_experts))
        experts = _blend(global_tokens * self._expert_flops_per_token / self._expert_rate_c,
                         touched * self._expert_layer_bytes / self._expert_rate_m)
        return dense + experts

    def _comm_ms(self, tokens: float) -> float:
        if not (self._ar_calls or self._x_calls):
            return 0.0
        return (self._ar_calls * (self._latency_ms + tokens * self._ar_ms_per_token)
                + self._x_calls * (self._latency_ms + tokens * self._x_ms_per_token))

    # ------------------------------------------------------------------ public

    def batch_ms(self, tokens: float, seqs: float) -> float:
        """Everything except attention: depends only on how many tokens and sequences the step carries."""
        return self._linear_ms(tokens, seqs) + self._comm_ms(tokens) + self._fixed_ms + seqs * self._seq_ms

    def decode_context_ms(self) -> tuple[float, float]:
        """Decode attention cost per context token (full layers, window layers): time is linear in context."""
        return self._dec_ctx_ms, self._dec_ctx_window_ms

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float) -> float:
        compute = pairs * self._pf_pair_ms + pairs_window * self._pf_pair_window_ms
        return _blend(compute, kv_tokens * self._pf_kv_ms)

    def shape_ms(self, s: StepShape) -> float:
        seqs = s.decode_seqs + s.prefill_seqs
        t = self.batch_ms(s.prefill_tokens + s.decode_seqs, seqs)
        t += s.decode_context * self._dec_ctx_ms + s.decode_context_window * self._dec_ctx_window_ms
        if s.prefill_tokens:
            t += self.prefill_attention_ms(s.prefill_pairs, s.prefill_pairs_window, s.prefill_kv_tokens)
        return t

    def iteration_ms(self, prefill: Sequence[tuple[int, int]] = (), decode_contexts: Sequence[int] = ()) -> float:
        """One iteration: ``prefill`` = (chunk tokens, tokens already cached before the chunk) per sequence,
        ``decode_contexts`` = context length of each decoding sequence."""
        return self.shape_ms(self.shape(prefill, decode_contexts))

    def shape(self, prefill: Sequence[tuple[int, int]], decode_contexts: Sequence[int]) -> StepShape:
        w = self.window or 0
        pairs = sum(c * (p + c / 2) for c, p in prefill)
        pairs_w = sum(c * min(p + c / 2, w) for c, p in prefill) if w else 0.0
        return StepShape(
            prefill_tokens=sum(c for c, _ in prefill), prefill_pairs=pairs, prefill_pairs_window=pairs_w,
            prefill_kv_tokens=sum(c + p for c, p in prefill), decode_seqs=len(decode_contexts),
            decode_context=float(sum(decode_contexts)),
            decode_context_window=float(sum(min(x, w) for x in decode_contexts)) if w else 0.0,
            prefill_seqs=len(prefill))

    def prefill_ms(self, prompt_tokens: int, chunk: int = 8192) -> float:
        """A lone prompt prefilled in chunks on an idle engine (first-token latency without queueing)."""
        total, done = 0.0, 0
        while done < prompt_tokens:
            c = min(chunk, prompt_tokens - done)
            total += self.iteration_ms([(c, done)])
            done += c
        return total
