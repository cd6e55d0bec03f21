"""Time of one vLLM engine iteration (one forward pass over a mixed prefill + decode batch).

The sum of the kernels of one forward pass on one GPU of one data-parallel rank, each from ``kernels.py``
with the GPU family's kernel-level coefficients (fitted to measured kernel tables):

* every linear layer is its own GEMM (QKV, output, gate/up, down, shared experts, router, lm_head), each with
  its call floor and a roofline of tensor-core work against weight and activation bytes, at the precision's
  kind (16-bit, native FP8/INT8, native FP4, or weight-only);
* MoE layers: one fused MoE call per layer over the distinct experts the step's tokens touch;
* attention: a call floor per layer and sequence; prefill is the causal pairs' work; decode reads the KV cache;
* tensor-parallel all-reduces (or expert-parallel exchanges) over the interconnect;
* end-to-end overheads the kernels do not show, fitted on measured serving runs: per step (the scheduler's CPU
  work, hidden under the GPU's with async scheduling), per layer (norms, rotary, residual glue) and per sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from knowledge.domain import AttentionKind, GpuSpec, ModelCard, Precision
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.kernels import (
    SOFTMAX_POWER, a2a_rate, all_to_all_ms, attention_rates, blend, comm_rate, decode_attention_ms_per_token, gemm_kind, gemm_ms,
    gemm_rates, moe_ms, moe_rates, scaled_floor,
)
from simulator.perf.memory import kv_bytes_per_token_per_layer_per_gpu, layer_split
from simulator.perf.params import MLA_Q_LORA_RANK, qk_norm_all_reduces, split_params, weight_bytes

INTER_NODE_GBPS = 50.0  # one 400 Gb/s NIC per GPU when a group spans nodes
INTER_NODE_EFF = 0.8  # share of the NIC's line rate an all-to-all reaches (a prior: no inter-node kernel tables)
BATCH_MS_KEPT = 1 << 13  # values kept per model in each of batch_ms' tables (emptied when full): ~2 MB at most
_P, _ROOT = SOFTMAX_POWER, 1.0 / SOFTMAX_POWER  # kernels.blend's power and root, inlined in _token_terms
_PLAIN = frozenset((int, float))  # argument types whose equal values give the same result, float and type alike

__all__ = ["StepShape", "StepTimeModel", "gemm_kind"]


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
                 expert_parallel: bool = False, kv_cache_dtype: str = "auto", async_scheduling: bool = True):
        self.model, self.precision, self.gpu = model, precision, gpu
        self.async_scheduling = async_scheduling
        self.tp, self.dp = tensor_parallel, data_parallel
        self.gpus = tensor_parallel * data_parallel
        self.expert_parallel = expert_parallel
        self.c = coefficients or EngineCoefficients()
        self._prepare(kv_cache_dtype, expert_parallel)
        # batch_ms, computed once per (tokens, seqs): a pure function of them for this model, and the engine's
        # simulation asks the same few thousand batches again and again
        self._batch_ms: dict[tuple[int, int], float] = {}
        self._tokens_ms: dict[float, tuple[float, float | None, float]] = {}  # _token_terms per token count
        self._seqs_ms: dict[float, float] = {}  # the lm_head GEMM per sequence count

    @classmethod
    def for_config(cls, config, catalog, coefficients: EngineCoefficients | None = None) -> "StepTimeModel":
        """The model of one engine rank of a ``ServingConfig`` (coefficients: the GPU family's fit)."""
        from simulator.perf.coefficients import load_coefficients

        model, gpu = catalog.model(config.model_id), catalog.gpu(config.gpu)
        coeffs = coefficients or load_coefficients().for_family(gpu.family, "vllm")
        return cls(model, config.precision, gpu, config.tensor_parallel, coeffs, data_parallel=config.data_parallel,
                   expert_parallel=config.expert_parallel, kv_cache_dtype=config.kv_cache_dtype,
                   async_scheduling=config.async_scheduling)

    # ------------------------------------------------------------------ constants per configuration

    def _prepare(self, kv_cache_dtype: str, expert_parallel: bool) -> None:
        a, c, gpu, tp = self.model.architecture, self.c, self.gpu, self.tp
        p, wb = split_params(a), weight_bytes(self.model, self.precision)
        dense_precision = Precision.BF16 if wb.dense_bytes_per_param >= 2.0 else self.precision
        # Kernel call floors as served (CUDA graphs replay the pass): the isolated kernels' floors, scaled.
        floors = c.floor_scale
        dense = scaled_floor(gemm_rates(gpu, c, gemm_kind(gpu, dense_precision), wb.dense_bytes_per_param), floors)
        half = scaled_floor(gemm_rates(gpu, c, "bf16"), floors)
        # (rates, n, k, calls per step) of every dense GEMM on one GPU; m = the step's tokens.
        self._gemms = [(dense, n, k, calls) for n, k, calls in _dense_shapes(a, tp, p.moe_layers)]
        if p.moe_layers:
            self._gemms.append((half, a.num_experts or 0, a.hidden_size, p.moe_layers))  # router (16-bit)
        # the same GEMMs as kernels.gemm_ms computes them, with its sub-terms that do not depend on m taken out
        # (each the very expression gemm_ms evaluates, so the sums are the same floats): see _token_terms
        self._gemm_terms = [(calls, r.lat_ms, r.flops_per_ms, r.bytes_per_ms, n * k * r.weight_bytes, n + k, n, k,
                             r.quant_factor * 2.0) for r, n, k, calls in self._gemms]
        self._lm_head = (half, a.vocab_size / tp, a.hidden_size)
        # Experts on one GPU: one fused MoE call per MoE layer.
        self.moe_layers = p.moe_layers
        self.num_experts = a.num_experts or 0
        self.top_k = a.experts_per_token or 0
        if p.moe_layers:
            spread = self.gpus if expert_parallel else 1
            self._moe = scaled_floor(moe_rates(gpu, c, gemm_kind(gpu, self.precision), wb.expert_bytes_per_param,
                                               expert_parallel=spread > 1), floors)
            self._moe_shard = 1 if expert_parallel else tp
            self._moe_spread = spread
            self._moe_imbalance = c.ep_imbalance if spread > 1 else 1.0
        # Memory-bound element-wise kernels (norms, residuals, rotary, SiLU-and-mul) over every token's hidden
        # state and MLP intermediate on every TP rank.
        dense_layers = a.num_layers - p.moe_layers
        shared_width = a.num_shared_experts * (a.moe_intermediate_size or 0)
        per_token = 2.0 * (6 * a.hidden_size * a.num_layers + 3 * a.intermediate_size / tp * dense_layers
                           + 3 * shared_width / tp * p.moe_layers)
        self._act_ms_per_token = per_token / half.bytes_per_ms
        # Attention.
        full_layers, swa_layers = layer_split(a)
        self.window = a.sliding_window if swa_layers else None
        heads_here = a.num_attention_heads / tp
        if a.attention is AttentionKind.MLA:
            rope, lora = a.qk_rope_head_dim or 0, a.kv_lora_rank or 0
            pf_dims, dec_dims = (a.head_dim + rope) + a.head_dim, (lora + rope) + lora
        else:
            pf_dims = dec_dims = 2 * a.head_dim
        attn = attention_rates(gpu, c, fp8_cache=kv_cache_dtype.startswith("fp8"))
        kv_layer = kv_bytes_per_token_per_layer_per_gpu(a, tp, kv_cache_dtype)
        self._pf_pair_ms = 2 * heads_here * pf_dims * full_layers / attn.flops_per_ms
        self._pf_pair_window_ms = 2 * heads_here * pf_dims * swa_layers / attn.flops_per_ms
        self._pf_kv_ms = kv_layer * a.num_layers / attn.bytes_per_ms
        self._min_keys = attn.min_keys
        per_token = decode_attention_ms_per_token(attn, heads_here, dec_dims, kv_layer)
        self._dec_ctx_ms = per_token * full_layers
        self._dec_ctx_window_ms = per_token * swa_layers
        self._attn_fixed_ms = attn.lat_ms * floors * a.num_layers
        self._attn_seq_ms = attn.seq_ms * a.num_layers
        # Communication.
        self.hidden = a.hidden_size
        self.layers = a.num_layers
        node = gpu.max_gpus_per_node
        ic_rate = comm_rate(gpu, c)
        self._ar_calls = (2 * a.num_layers if self.dp == 1 else a.num_layers) if tp > 1 else 0
        self._small_ar_calls = a.num_layers * qk_norm_all_reduces(self.model) if tp > 1 else 0  # latency only
        self._ar_ms_per_token = (2 * (tp - 1) / tp * a.hidden_size * 2 / ic_rate) if tp > 1 else 0.0
        moe_exchange = self.dp > 1 and a.is_moe
        # Attention data parallel with expert parallelism: every MoE layer dispatches the rank's routed tokens to
        # the experts' GPUs and combines them back (two all-to-alls), over the inter-node link when the group
        # spans nodes.
        self._x_calls = 2 * p.moe_layers if moe_exchange else 0
        self._x_lat_ms = c.a2a_lat_us / 1e3
        self._x_ms_per_token = float(all_to_all_ms(
            1.0, self.top_k, a.hidden_size, self.gpus, 0.0, a2a_rate(gpu, c), node,
            INTER_NODE_GBPS * 1e6 * INTER_NODE_EFF)) if moe_exchange else 0.0
        self._latency_ms = c.comm_latency_us / 1e3
        self._cpu_ms = c.step_ms
        self._layer_ms = c.layer_us * a.num_layers / 1e3
        self._seq_ms = c.seq_us / 1e3

    # ------------------------------------------------------------------ pieces

    def _linear_ms(self, tokens: float, logits: float) -> float:
        dense, moe, _ = self._token_terms(tokens)
        return self._linear_sum(dense, self._logits_ms(logits), moe)

    def _token_terms(self, tokens: float) -> tuple[float, float | None, float]:
        """What a step's tokens cost whatever its sequences: the dense GEMMs with the element-wise kernels, the MoE
        layers (None without) and the communication."""
        total = tokens * self._act_ms_per_token
        m = tokens
        for calls, lat, flops, bw, weights, n_k, n, k, quant in self._gemm_terms:  # calls * gemm_ms(r, m, n, k)
            compute = 2.0 * m * n * k / flops
            memory = (weights + 2.0 * m * n_k) / bw
            total += calls * (lat + (compute**_P + memory**_P) ** _ROOT + quant * m * k / bw)
        moe = self.moe_layers * self._moe_ms(tokens * self.dp) if self.moe_layers else None
        return total, moe, self._comm_ms(tokens)

    def _logits_ms(self, logits: float) -> float:
        r, n, k = self._lm_head
        return gemm_ms(r, logits, n, k)

    @staticmethod
    def _linear_sum(dense: float, logits: float, moe: float | None) -> float:
        total = dense + logits
        return total if moe is None else total + moe

    def _moe_ms(self, tokens: float) -> float:
        a = self.model.architecture
        return moe_ms(self._moe, tokens, a.hidden_size, a.moe_intermediate_size or 0, self.top_k, self.num_experts,
                      shard=self._moe_shard, spread=self._moe_spread, imbalance=self._moe_imbalance)

    def _comm_ms(self, tokens: float) -> float:
        if not (self._ar_calls or self._x_calls):
            return 0.0
        return (self._ar_calls * (self._latency_ms + tokens * self._ar_ms_per_token)
                + self._small_ar_calls * self._latency_ms
                + self._x_calls * (self._x_lat_ms + tokens * self._x_ms_per_token))

    # ------------------------------------------------------------------ public

    def batch_ms(self, tokens: float, seqs: float) -> float:
        """Everything except attention's work: depends only on how many tokens and sequences the step carries
        (attention's call floor per layer and per sequence included). The engine's per-step CPU work (scheduling,
        input preparation) follows the GPU's work, or runs under it with async scheduling."""
        if type(tokens) not in _PLAIN or type(seqs) not in _PLAIN:  # only plain numbers are kept: the result's
            return self._batch_ms_of(tokens, seqs)                   # type follows numpy arguments' types
        key = (tokens, seqs)
        ms = self._batch_ms.get(key)
        if ms is None:
            if len(self._batch_ms) >= BATCH_MS_KEPT:  # bounded: emptied when full (refilled cheaply from the terms)
                self._batch_ms.clear()
            ms = self._batch_ms[key] = self._batch_ms_of(tokens, seqs, True)
        return ms

    def _batch_ms_of(self, tokens: float, seqs: float, keep: bool = False) -> float:
        """``batch_ms``, from the terms of its tokens and of its sequences (kept per value when ``keep``), added in
        the one order that gives every caller the same float."""
        gpu = self._layer_ms
        if tokens > 0:
            if keep:
                terms = self._tokens_ms.get(tokens)
                if terms is None:
                    if len(self._tokens_ms) >= BATCH_MS_KEPT:
                        self._tokens_ms.clear()
                    terms = self._tokens_ms[tokens] = self._token_terms(tokens)
                logits = self._seqs_ms.get(seqs)
                if logits is None:
                    if len(self._seqs_ms) >= BATCH_MS_KEPT:
                        self._seqs_ms.clear()
                    logits = self._seqs_ms[seqs] = self._logits_ms(seqs)
            else:
                terms, logits = self._token_terms(tokens), self._logits_ms(seqs)
            dense, moe, comm = terms
            gpu += (self._linear_sum(dense, logits, moe) + comm + self._attn_fixed_ms
                    + seqs * (self._seq_ms + self._attn_seq_ms))
        return max(gpu, self._cpu_ms) if self.async_scheduling else gpu + self._cpu_ms

    def decode_context_ms(self) -> tuple[float, float]:
        """Decode attention cost per context token (full layers, window layers): time is linear in context."""
        return self._dec_ctx_ms, self._dec_ctx_window_ms

    def prefill_attention_ms(self, pairs: float, pairs_window: float, kv_tokens: float,
                             q_tokens: float | None = None) -> float:
        """Prefill attention of a step's chunks (``kernels.prefill_attention_ms`` over the model's layers);
        ``q_tokens``: the chunks' tokens (default ``kv_tokens``: chunks without a cached prefix)."""
        ramp = self._min_keys * (kv_tokens if q_tokens is None else q_tokens)
        compute = (pairs + ramp) * self._pf_pair_ms + (pairs_window + ramp) * self._pf_pair_window_ms
        return blend(compute, kv_tokens * self._pf_kv_ms)

    def shape_ms(self, s: StepShape) -> float:
        seqs = s.decode_seqs + s.prefill_seqs
        t = self.batch_ms(s.prefill_tokens + s.decode_seqs, seqs)
        t += s.decode_context * self._dec_ctx_ms + s.decode_context_window * self._dec_ctx_window_ms
        if s.prefill_tokens:
            t += self.prefill_attention_ms(s.prefill_pairs, s.prefill_pairs_window, s.prefill_kv_tokens,
                                           s.prefill_tokens)
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


def _dense_shapes(a, tp: int, moe_layers: int) -> list[tuple[float, float, int]]:
    """(n, k, calls per step) of the always-active linear layers of one TP rank."""
    h, heads, hd = a.hidden_size, a.num_attention_heads / tp, a.head_dim
    layers = a.num_layers
    if a.attention is AttentionKind.MLA:
        rope, lora = a.qk_rope_head_dim or 0, a.kv_lora_rank or 0
        shapes = [(MLA_Q_LORA_RANK + lora + rope, h, layers),  # q_a and kv_a (replicated, fused)
                  (heads * (hd + rope), MLA_Q_LORA_RANK, layers), (heads * 2 * hd, lora, layers)]
    else:
        kv_here = max(a.num_kv_heads / tp, 1.0)
        shapes = [((heads + 2 * kv_here) * hd, h, layers)]
    shapes.append((h, heads * hd, layers))  # output projection
    dense_layers = layers - moe_layers
    if dense_layers:
        shapes += [(2 * a.intermediate_size / tp, h, dense_layers), (h, a.intermediate_size / tp, dense_layers)]
    shared = a.num_shared_experts * (a.moe_intermediate_size or 0)
    if moe_layers and shared:
        shapes += [(2 * shared / tp, h, moe_layers), (h, shared / tp, moe_layers)]
    return shapes
