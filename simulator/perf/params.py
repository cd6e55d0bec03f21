"""Where a model's parameters and weight bytes sit (embeddings, attention, dense MLP, experts).

The catalog gives totals and shapes; the performance model needs the split, because the buckets are
sharded, quantized and read differently: embeddings stay 16-bit, routed experts are read only when a token
is routed to them, and 4-bit MoE checkpoints usually quantize the routed experts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from knowledge.domain import AttentionKind, ModelArchitecture, ModelCard, Precision

# DeepSeek-V3-style MLA compresses queries through a rank-1536 bottleneck; the catalog does not carry it.
MLA_Q_LORA_RANK = 1536

# Bytes per weight including the quantization scales of common checkpoint formats.
_LINEAR_BYTES = {
    Precision.BF16: 2.0,
    Precision.FP8: 1.0 + 4 / (128 * 128),  # block-wise (or per-channel) FP8 scales: negligible
    Precision.INT8: 1.0 + 4 / 4096,  # per-channel W8A8
    Precision.INT4: 0.5 + 2 / 128,  # W4A16, group 128, 16-bit scales
    Precision.FP4: 0.5 + 1 / 16,  # NVFP4: one FP8 scale per 16 weights (MXFP4: 1/32)
}


@dataclass(frozen=True)
class ParamSplit:
    """Parameter counts (not billions) of one model, by bucket."""

    embedding: float  # input embedding + lm_head (both vocab x hidden unless tied)
    lm_head: float  # part of `embedding` that is the output projection (read every step)
    attention: float  # all layers' attention projections
    dense_mlp: float  # dense MLP layers (all layers of a dense model, leading layers of an MoE)
    shared_experts: float  # always-active experts of an MoE
    routed_experts: float  # all routed experts of all MoE layers
    per_expert: float  # one routed expert in one layer
    moe_layers: int
    other: float  # what the totals say exists beyond the shapes (vision tower, MTP heads, norms)

    @property
    def total(self) -> float:
        return self.embedding + self.attention + self.dense_mlp + self.shared_experts + self.routed_experts + self.other

    @property
    def always_active_linear(self) -> float:
        """Linear weights every token passes through (excluding embeddings and routed experts)."""
        return self.attention + self.dense_mlp + self.shared_experts


def attention_params_per_layer(a: ModelArchitecture) -> float:
    h = a.hidden_size
    if a.attention is AttentionKind.MLA:
        rope = a.qk_rope_head_dim or 0
        lora = a.kv_lora_rank or 0
        q = h * MLA_Q_LORA_RANK + MLA_Q_LORA_RANK * a.num_attention_heads * (a.head_dim + rope)
        kv = h * (lora + rope) + lora * a.num_attention_heads * 2 * a.head_dim
        return q + kv + a.num_attention_heads * a.head_dim * h
    q_and_o = 2 * h * a.num_attention_heads * a.head_dim
    return q_and_o + 2 * h * a.num_kv_heads * a.head_dim


@lru_cache(maxsize=512)
def split_params(a: ModelArchitecture) -> ParamSplit:
    h = a.hidden_size
    attention = a.num_layers * attention_params_per_layer(a)
    if a.is_moe:
        moe_layers = a.num_layers - a.first_dense_layers
        per_expert = 3 * h * (a.moe_intermediate_size or 0)
        routed = moe_layers * (a.num_experts or 0) * per_expert
        shared = moe_layers * a.num_shared_experts * per_expert
        dense = a.first_dense_layers * 3 * h * a.intermediate_size
        router = moe_layers * h * (a.num_experts or 0)
    else:
        moe_layers, per_expert, routed, shared, router = 0, 0.0, 0.0, 0.0, 0.0
        dense = a.num_layers * 3 * h * a.intermediate_size
    one_embedding = a.vocab_size * h
    body = attention + dense + shared + routed + router
    total = a.total_params_b * 1e9
    # Tied embeddings (small models) show up as a total one embedding short of the untied count.
    tied = abs(body + one_embedding - total) < abs(body + 2 * one_embedding - total)
    embedding = one_embedding * (1 if tied else 2)
    other = max(0.0, total - body - embedding) + router
    return ParamSplit(embedding=embedding, lm_head=one_embedding, attention=attention, dense_mlp=dense,
                      shared_experts=shared, routed_experts=routed, per_expert=per_expert,
                      moe_layers=moe_layers, other=other)


def linear_bytes(precision: Precision) -> float:
    return _LINEAR_BYTES[precision]


# Model families whose attention RMS-normalizes q and k over all heads at once (config.json qk_norm_type
# "per_layer"): with the heads split over tensor-parallel ranks, vLLM all-reduces the squared sums each layer
# (MiniMaxText01RMSNormTP), a collective more than other models pay. The catalog does not record the norm type yet.
_QK_NORM_ACROSS_HEADS = frozenset({"minimax-m2"})


def qk_norm_all_reduces(model: ModelCard) -> int:
    """Extra all-reduces per layer a tensor-parallel attention pays for its q/k normalization."""
    return 1 if model.family in _QK_NORM_ACROSS_HEADS else 0


def quantizes_only_experts(model: ModelCard, precision: Precision) -> bool:
    """4-bit MoE checkpoints (MXFP4, NVFP4, W4A16, Kimi's INT4) keep attention and shared parts in 16-bit."""
    return model.architecture.is_moe and precision in (Precision.INT4, Precision.FP4)


@dataclass(frozen=True)
class WeightBytes:
    """Bytes of the whole model's weights by bucket (before any sharding)."""

    embedding: float
    lm_head: float
    always_active: float  # attention + dense MLP + shared experts + other
    routed_experts: float
    per_expert_layer: float  # one routed expert in one layer
    expert_bytes_per_param: float
    dense_bytes_per_param: float

    @property
    def total(self) -> float:
        return self.embedding + self.always_active + self.routed_experts


def weight_bytes(model: ModelCard, precision: Precision) -> WeightBytes:
    native_gb = getattr(model, "native_checkpoint_gb", None)
    return _weight_bytes(model.architecture, precision, model.native_precision, native_gb)


@lru_cache(maxsize=1024)
def _weight_bytes(a: ModelArchitecture, precision: Precision, native: Precision,
                  native_gb: float | None) -> WeightBytes:
    p = split_params(a)
    quant = linear_bytes(precision)
    dense_b = 2.0 if (a.is_moe and precision in (Precision.INT4, Precision.FP4)) else quant
    wb = WeightBytes(
        embedding=p.embedding * 2.0,
        lm_head=p.lm_head * 2.0,
        always_active=(p.always_active_linear + p.other) * dense_b,
        routed_experts=p.routed_experts * quant,
        per_expert_layer=p.per_expert * quant,
        expert_bytes_per_param=quant,
        dense_bytes_per_param=dense_b,
    )
    if native_gb and precision is native:
        wb = _to_checkpoint_size(wb, native_gb * 1e9, quantized_dense=dense_b != 2.0)
    return wb


def _to_checkpoint_size(wb: WeightBytes, checkpoint_bytes: float, quantized_dense: bool) -> WeightBytes:
    """The published checkpoint size is the ground truth for mixed-precision formats: the difference goes to the
    quantized buckets (their scale layout is what the format tables only approximate: MXFP4's 1/32 vs NVFP4's
    1/16 scales), while 16-bit buckets stay 2 bytes per weight, so a BF16 attention is still read as BF16."""
    fixed = wb.embedding + (0.0 if quantized_dense else wb.always_active)
    quantized = wb.routed_experts + (wb.always_active if quantized_dense else 0.0)
    scale = (checkpoint_bytes - fixed) / quantized if quantized > 0 else 0.0
    if not 0.5 <= scale <= 2.0:  # the split does not explain the size: spread the difference over everything
        scale = checkpoint_bytes / wb.total
        return WeightBytes(wb.embedding * scale, wb.lm_head * scale, wb.always_active * scale,
                           wb.routed_experts * scale, wb.per_expert_layer * scale,
                           wb.expert_bytes_per_param * scale, wb.dense_bytes_per_param * scale)
    dense_scale = scale if quantized_dense else 1.0
    return WeightBytes(wb.embedding, wb.lm_head, wb.always_active * dense_scale, wb.routed_experts * scale,
                       wb.per_expert_layer * scale, wb.expert_bytes_per_param * scale,
                       wb.dense_bytes_per_param * dense_scale)
