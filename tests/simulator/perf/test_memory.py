"""Memory plan against hand calculations."""

from __future__ import annotations

import math

import pytest

from knowledge.domain import Precision
from simulator.perf.memory import BLOCK_TOKENS, GIB, plan_memory
from simulator.perf.params import split_params, weight_bytes
from tests.simulator.perf.catalog_fixture import DEEPSEEK_V3, GPT_OSS_120B, GPUS, LLAMA_8B, LLAMA_70B, MIXTRAL


def test_llama_8b_bf16_weights_and_kv_per_token():
    plan = plan_memory(LLAMA_8B, Precision.BF16, GPUS["A100-80GB"], 1, max_model_len=8192)
    # 8.03 B parameters x 2 bytes
    assert plan.breakdown.weights_gb == pytest.approx(16.06, abs=0.01)
    # 32 layers x 8 KV heads x 128 dims x (K and V) x 2 bytes
    assert plan.breakdown.kv_bytes_per_token == 32 * 8 * 128 * 2 * 2 == 131072
    assert plan.kv_bytes_per_token_per_gpu == 131072
    assert plan.fits and plan.reason is None


def test_llama_8b_kv_capacity_is_what_is_left_of_the_budget():
    gpu = GPUS["A100-80GB"]
    plan = plan_memory(LLAMA_8B, Precision.BF16, gpu, 1, gpu_memory_utilization=0.9, max_model_len=8192)
    b = plan.breakdown
    usable = gpu.memory_gib * GIB * 0.9
    assert b.usable_gb == pytest.approx(usable / 1e9, abs=1e-3)
    left = usable / 1e9 - 16.06 - b.activation_gb - b.overhead_gb
    assert b.kv_cache_gb == pytest.approx(left, abs=0.01)
    assert b.kv_capacity_tokens == pytest.approx(left * 1e9 / 131072, rel=1e-3)
    # a 4096-token sequence occupies 256 blocks of 16 tokens
    assert plan.max_sequences(4096) == math.floor(plan.kv_cache_bytes_per_gpu / (256 * BLOCK_TOKENS * 131072))
    # one activation+overhead sanity range: vLLM reports ~1-3 GB for this model at 8192 batched tokens
    assert 0.8 < b.activation_gb < 3.0
    assert 0.5 < b.overhead_gb < 2.0


def test_llama_8b_on_l4_needs_a_shorter_max_model_len():
    l4 = GPUS["L4"]
    default = plan_memory(LLAMA_8B, Precision.BF16, l4, 1)  # max_model_len = 131072 (model max)
    assert not default.fits
    assert "max_model_len" in (default.reason or "") and "131072" in (default.reason or "")
    short = plan_memory(LLAMA_8B, Precision.BF16, l4, 1, max_model_len=8192)
    assert short.fits
    # 24.15 GB x 0.9 - 16.06 GB weights leaves ~3 GB of KV: ~20-30k tokens
    assert 15_000 < short.breakdown.kv_capacity_tokens < 35_000


def test_fp8_halves_the_linear_weights_but_not_the_embeddings():
    wb = weight_bytes(LLAMA_8B, Precision.FP8)
    p = split_params(LLAMA_8B.architecture)
    embeddings = 2 * 128256 * 4096
    assert p.embedding == embeddings
    linear = 8.03e9 - embeddings
    assert wb.total / 1e9 == pytest.approx((linear * 1.0 + embeddings * 2.0) / 1e9, rel=1e-3)


def test_deepseek_v3_mla_cache_is_the_latent_and_is_replicated_across_tp():
    plan = plan_memory(DEEPSEEK_V3, Precision.FP8, GPUS["H200-SXM"], 8, max_model_len=32768)
    # 61 layers x (512 latent + 64 rope) x 2 bytes
    assert plan.breakdown.kv_bytes_per_token == 61 * (512 + 64) * 2 == 70272
    assert plan.kv_bytes_per_token_per_gpu == 70272  # every TP rank holds the whole latent
    assert plan.fits
    # 671 B parameters, FP8 linears + BF16 embeddings, over 8 GPUs: ~84 GB each
    assert plan.breakdown.weights_gb == pytest.approx(84.1, abs=1.0)


def test_mixtral_moe_weights_shard_over_tensor_parallel():
    one = plan_memory(MIXTRAL, Precision.BF16, GPUS["H100-SXM"], 2, max_model_len=32768)
    assert one.breakdown.weights_gb == pytest.approx(46.70 * 2 / 2, abs=0.05)  # 46.7 B x 2 bytes / 2 GPUs
    assert one.breakdown.kv_bytes_per_token == 32 * 8 * 128 * 2 * 2
    assert one.kv_bytes_per_token_per_gpu == 131072 / 2


def test_kv_heads_are_replicated_when_tp_exceeds_them():
    # Llama-70B has 8 KV heads: at TP 8 each GPU holds one head
    plan = plan_memory(LLAMA_70B, Precision.FP8, GPUS["H100-SXM"], 8, max_model_len=8192)
    assert plan.kv_bytes_per_token_per_gpu == 80 * 1 * 128 * 2 * 2


def test_sliding_window_layers_stop_growing_at_the_window():
    plan = plan_memory(GPT_OSS_120B, Precision.FP4, GPUS["H100-SXM"], 1, max_model_len=16384)
    per_layer = 2 * 8 * 64 * 2
    assert plan.kv_bytes_per_token_per_gpu == 18 * per_layer
    assert plan.swa_bytes_per_token_per_gpu == 18 * per_layer
    short, long = plan.sequence_bytes(128), plan.sequence_bytes(8192)
    # the window layers hold at most 128 tokens + one block, so 64x the context costs < 64x the bytes
    window_part = (128 // 16 + 1) * 16 * 18 * per_layer
    assert long == 8192 * 18 * per_layer + window_part
    assert long / short < 40


def test_fp8_kv_cache_doubles_capacity():
    a = plan_memory(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, max_model_len=8192)
    b = plan_memory(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, max_model_len=8192, kv_cache_dtype="fp8")
    assert b.breakdown.kv_capacity_tokens == pytest.approx(2 * a.breakdown.kv_capacity_tokens, rel=1e-3)


def test_too_big_model_does_not_fit_and_says_why():
    plan = plan_memory(LLAMA_70B, Precision.BF16, GPUS["L4"], 1, max_model_len=4096)
    assert not plan.fits
    assert "weights need 141.1 GB per GPU" in (plan.reason or "")
    assert plan.max_sequences(1024) == 0


def test_expert_parallel_spreads_whole_experts_over_all_gpus():
    tp_only = plan_memory(MIXTRAL, Precision.BF16, GPUS["H100-SXM"], 2, max_model_len=8192)
    ep = plan_memory(MIXTRAL, Precision.BF16, GPUS["H100-SXM"], 2, max_model_len=8192, data_parallel=2,
                     expert_parallel=True)
    # experts over 4 GPUs instead of 2: less weight per GPU, and two engine ranks' worth of sequences
    assert ep.breakdown.weights_gb < tp_only.breakdown.weights_gb
    assert ep.max_sequences(4096) > 2 * tp_only.max_sequences(4096)
