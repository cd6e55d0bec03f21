"""GPU memory plan of one vLLM replica: weights, activations, runtime overhead and the KV cache left over.

Mirrors vLLM's own accounting: the budget is ``memory x gpu_memory_utilization`` per GPU; from it vLLM takes
the weights, the activation peak of a profiling forward pass over ``max_num_batched_tokens`` tokens and the
non-PyTorch memory (CUDA context, NCCL and CUDA-graph buffers); the rest becomes KV-cache blocks of 16 tokens.
vLLM refuses to start when that cache cannot hold one sequence of ``max_model_len`` tokens.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from knowledge.domain import AttentionKind, GpuSpec, MemoryBreakdown, ModelArchitecture, ModelCard, Precision
from simulator.perf.params import weight_bytes

GIB = 1024**3
BLOCK_TOKENS = 16
# Non-PyTorch memory per GPU: CUDA context and allocator slack, CUDA graphs, and NCCL/custom all-reduce
# buffers when GPUs talk to each other (typical figures from vLLM start-up logs).
CONTEXT_GB = 0.6
CUDA_GRAPHS_GB = 0.4
COLLECTIVES_GB = 0.3


def kv_dtype_bytes(kv_cache_dtype: str) -> float:
    return 1.0 if kv_cache_dtype.startswith("fp8") else 2.0


def kv_bytes_per_token_per_layer(a: ModelArchitecture, kv_cache_dtype: str = "auto") -> float:
    """Whole-model bytes one token adds to one layer's cache (K and V, or MLA's latent)."""
    b = kv_dtype_bytes(kv_cache_dtype)
    if a.attention is AttentionKind.MLA:
        return ((a.kv_lora_rank or 0) + (a.qk_rope_head_dim or 0)) * b
    return 2 * a.num_kv_heads * a.head_dim * b


def kv_bytes_per_token_per_layer_per_gpu(a: ModelArchitecture, tensor_parallel: int,
                                         kv_cache_dtype: str = "auto") -> float:
    """MLA's latent is replicated on every TP rank; GQA KV heads are split, or replicated when TP > heads."""
    whole = kv_bytes_per_token_per_layer(a, kv_cache_dtype)
    if a.attention is AttentionKind.MLA:
        return whole
    heads_here = math.ceil(a.num_kv_heads / tensor_parallel)
    return whole * heads_here / a.num_kv_heads


def layer_split(a: ModelArchitecture) -> tuple[int, int]:
    """(full-attention layers, sliding-window layers)."""
    swa = a.sliding_window_layers if a.sliding_window else 0
    return a.num_layers - swa, swa


def activation_bytes(model: ModelCard, tensor_parallel: int, max_num_batched_tokens: int,
                     max_num_seqs: int, expert_parallel: bool = False) -> float:
    """Peak of vLLM's profiling pass: hidden states, QKV, MLP/MoE intermediates, and the sampler's logits."""
    a = model.architecture
    qkv = (a.num_attention_heads + 2 * a.num_kv_heads) * a.head_dim / tensor_parallel
    if a.is_moe:
        shard = 1 if expert_parallel else tensor_parallel
        mlp = (a.experts_per_token or 1) * 2 * (a.moe_intermediate_size or 0) / shard
        mlp = max(mlp, 2 * a.intermediate_size / tensor_parallel if a.first_dense_layers else 0)
    else:
        mlp = 2 * a.intermediate_size / tensor_parallel
    per_token = 2.0 * (6 * a.hidden_size + qkv + 1.5 * mlp)
    logits = 8.0 * max_num_seqs * a.vocab_size / tensor_parallel
    return max_num_batched_tokens * per_token + logits


def overhead_bytes(gpus: int) -> float:
    return (CONTEXT_GB + CUDA_GRAPHS_GB + (COLLECTIVES_GB if gpus > 1 else 0.0)) * 1e9


class MemoryPlan(BaseModel):
    """Per-GPU memory plan of one replica, and what its KV cache can hold."""

    model_config = ConfigDict(frozen=True)

    fits: bool
    reason: str | None = Field(default=None, description="why it does not fit, in words")
    breakdown: MemoryBreakdown
    max_model_len: int
    tensor_parallel: int
    data_parallel: int = 1
    kv_bytes_per_token_per_gpu: float = Field(description="full-attention layers, one GPU")
    swa_bytes_per_token_per_gpu: float = Field(default=0.0, description="sliding-window layers, one GPU")
    sliding_window: int | None = None
    kv_cache_bytes_per_gpu: float
    shortfall_bytes_per_gpu: float = Field(
        default=0.0, description="what each GPU lacks to start: weights, activations, overhead and one "
                                 "max_model_len sequence's KV cache beyond the usable memory (0 when it fits)")

    def sequence_bytes(self, context_tokens: int) -> float:
        """Per-GPU cache bytes one sequence of that length holds (block-rounded, window-capped)."""
        blocks = math.ceil(max(context_tokens, 1) / BLOCK_TOKENS)
        full = blocks * BLOCK_TOKENS * self.kv_bytes_per_token_per_gpu
        if not self.swa_bytes_per_token_per_gpu:
            return full
        window_blocks = math.ceil((self.sliding_window or 0) / BLOCK_TOKENS) + 1
        return full + min(blocks, window_blocks) * BLOCK_TOKENS * self.swa_bytes_per_token_per_gpu

    def largest_model_len(self) -> int:
        """The longest max_model_len whose one sequence fits the KV cache (a multiple of the block size; 0 when
        not even one block does)."""
        if self.kv_cache_bytes_per_gpu <= 0 or self.sequence_bytes(BLOCK_TOKENS) > self.kv_cache_bytes_per_gpu:
            return 0
        lo, hi = 1, max(self.max_model_len // BLOCK_TOKENS, 1)  # in blocks; lo fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sequence_bytes(mid * BLOCK_TOKENS) <= self.kv_cache_bytes_per_gpu:
                lo = mid
            else:
                hi = mid - 1
        return lo * BLOCK_TOKENS

    def max_sequences(self, context_tokens: int) -> int:
        """Sequences of ``context_tokens`` (prompt + output) whose KV fits at once, over all DP ranks."""
        if self.kv_cache_bytes_per_gpu <= 0:
            return 0
        per_rank = int(self.kv_cache_bytes_per_gpu // self.sequence_bytes(context_tokens))
        return per_rank * self.data_parallel

    @property
    def capacity_tokens_per_rank(self) -> int:
        """Tokens of long sequences one engine rank can cache (window layers amortised away)."""
        return self.breakdown.kv_capacity_tokens // self.data_parallel


def plan_memory(model: ModelCard, precision: Precision, gpu: GpuSpec, tensor_parallel: int, *,
                gpu_memory_utilization: float = 0.90, max_model_len: int | None = None,
                max_num_batched_tokens: int = 8192, kv_cache_dtype: str = "auto", max_num_seqs: int = 256,
                data_parallel: int = 1, expert_parallel: bool = False) -> MemoryPlan:
    a = model.architecture
    tp, dp = tensor_parallel, data_parallel
    gpus = tp * dp
    capacity = gpu.memory_gib * GIB
    usable = capacity * gpu_memory_utilization
    wb = weight_bytes(model, precision)
    non_expert = wb.embedding + wb.always_active
    if expert_parallel and a.is_moe:
        weights = non_expert / tp + wb.routed_experts / gpus  # experts spread whole over all GPUs
    else:
        weights = (non_expert + wb.routed_experts) / tp
    activation = activation_bytes(model, tp, max_num_batched_tokens, max_num_seqs, expert_parallel)
    overhead = overhead_bytes(gpus)
    kv_cache = usable - weights - activation - overhead
    full_layers, swa_layers = layer_split(a)
    per_layer = kv_bytes_per_token_per_layer_per_gpu(a, tp, kv_cache_dtype)
    kv_full, kv_swa = per_layer * full_layers, per_layer * swa_layers
    per_token_for_capacity = kv_full if kv_full > 0 else kv_swa
    capacity_tokens = int(max(kv_cache, 0) // per_token_for_capacity) * dp
    model_len = max_model_len or a.max_context
    breakdown = MemoryBreakdown(
        gpu_capacity_gb=round(capacity / 1e9, 3), usable_gb=round(usable / 1e9, 3),
        weights_gb=round(weights / 1e9, 3), activation_gb=round(activation / 1e9, 3),
        overhead_gb=round(overhead / 1e9, 3), kv_cache_gb=round(max(kv_cache, 0.0) / 1e9, 3),
        kv_bytes_per_token=kv_bytes_per_token_per_layer(a, kv_cache_dtype) * a.num_layers,
        kv_capacity_tokens=capacity_tokens,
    )
    plan = MemoryPlan(fits=True, breakdown=breakdown, max_model_len=model_len, tensor_parallel=tp,
                      data_parallel=dp, kv_bytes_per_token_per_gpu=kv_full, swa_bytes_per_token_per_gpu=kv_swa,
                      sliding_window=a.sliding_window if swa_layers else None,
                      kv_cache_bytes_per_gpu=max(kv_cache, 0.0))
    # vLLM starts when one max_model_len sequence fits the cache: what is missing is that sequence less what is left
    short = max(plan.sequence_bytes(model_len) - kv_cache, 0.0)
    reason = _why_not(plan, gpu, weights, usable, kv_cache, short, gpu_memory_utilization) if short > 0 else None
    return plan.model_copy(update={"fits": reason is None, "reason": reason, "shortfall_bytes_per_gpu": short})


def _why_not(plan: MemoryPlan, gpu: GpuSpec, weights: float, usable: float, kv_cache: float, short: float,
             utilization: float) -> str:
    gpus = plan.tensor_parallel * plan.data_parallel
    b = plan.breakdown
    one = f"one {plan.max_model_len}-token sequence's KV cache"
    if weights > usable:
        return (f"weights need {weights / 1e9:.1f} GB per GPU but only {usable / 1e9:.1f} GB of each {gpu.name} is "
                f"usable at gpu_memory_utilization {utilization:g}: {short / 1e9:.1f} GB per GPU short, with "
                f"activations ({b.activation_gb:.1f} GB), runtime overhead ({b.overhead_gb:.1f} GB) and {one}")
    if kv_cache <= 0:
        return (f"after weights ({weights / 1e9:.1f} GB), activations ({b.activation_gb:.1f} GB) and runtime "
                f"overhead ({b.overhead_gb:.1f} GB) nothing is left for the KV cache on {gpus} x {gpu.name}: "
                f"{short / 1e9:.1f} GB per GPU short of {one}")
    holds = plan.capacity_tokens_per_rank
    return (f"the KV cache ({kv_cache / 1e9:.1f} GB per GPU, about {holds} tokens) cannot hold one sequence "
            f"of max_model_len={plan.max_model_len} tokens ({short / 1e9:.1f} GB per GPU short), so vLLM would "
            f"refuse to start; the longest that fits is --max-model-len {plan.largest_model_len()} (or add GPUs)")
