"""Which tensor-parallel degrees vLLM accepts for a model on a GPU's node."""

from __future__ import annotations

from knowledge.domain import AttentionKind, GpuSpec, ModelCard


def tensor_parallel_ok(model: ModelCard, tp: int) -> bool:
    """vLLM shards attention heads evenly; KV heads are split, or replicated when TP exceeds them."""
    a = model.architecture
    if tp < 1 or a.num_attention_heads % tp:
        return False
    if a.attention is not AttentionKind.MLA:  # MLA's latent cache is replicated, not split
        kv = a.num_kv_heads
        if not (kv % tp == 0 or tp % kv == 0):
            return False
    if a.is_moe and (a.moe_intermediate_size or 0) % tp:  # experts are sliced by TP (without EP)
        return False
    return True


def valid_tensor_parallel(model: ModelCard, gpu: GpuSpec) -> list[int]:
    """Degrees up to the GPU count of one node (Compass does not plan multi-node tensor parallelism)."""
    return [tp for tp in range(1, gpu.max_gpus_per_node + 1) if tensor_parallel_ok(model, tp)]
