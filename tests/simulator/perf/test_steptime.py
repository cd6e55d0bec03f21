"""Tensor-parallel validity and the shape of the step-time model."""

from __future__ import annotations

import pytest

from knowledge.domain import ModelArchitecture, Precision
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.parallelism import tensor_parallel_ok, valid_tensor_parallel
from simulator.perf.steptime import StepTimeModel, gemm_kind
from tests.simulator.perf.catalog_fixture import DEEPSEEK_V3, GPT_OSS_120B, GPUS, LLAMA_8B, LLAMA_70B, MIXTRAL, _card

C = EngineCoefficients()


def test_valid_tp_divides_heads_and_fits_the_node():
    assert valid_tensor_parallel(LLAMA_8B, GPUS["H100-SXM"]) == [1, 2, 4, 8]
    qwen7b = _card("Qwen/Qwen2.5-7B-Instruct", ModelArchitecture(
        total_params_b=7.62, active_params_b=7.62, num_layers=28, hidden_size=3584, num_attention_heads=28,
        num_kv_heads=4, head_dim=128, intermediate_size=18944, vocab_size=152064, max_context=32768,
        attention="gqa"), [Precision.BF16])
    # 28 heads: 8 does not divide them; 7 divides 28 but neither divides nor is a multiple of the 4 KV heads
    assert valid_tensor_parallel(qwen7b, GPUS["H100-SXM"]) == [1, 2, 4]
    assert not tensor_parallel_ok(qwen7b, 7)
    assert not tensor_parallel_ok(qwen7b, 8)


def test_kv_heads_may_be_replicated_and_mla_only_needs_heads():
    # Llama-70B: 64 heads, 8 KV heads -> TP 16 replicates nothing but is allowed (8 divides... 16 % 8 == 0)
    assert tensor_parallel_ok(LLAMA_70B, 16)
    assert valid_tensor_parallel(DEEPSEEK_V3, GPUS["H200-SXM"]) == [1, 2, 4, 8]


def test_decode_is_memory_bound_at_small_batch_and_compute_grows_at_large():
    m = StepTimeModel(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, C)
    one = m.iteration_ms(decode_contexts=[1000])
    eight = m.iteration_ms(decode_contexts=[1000] * 8)
    big = m.iteration_ms(decode_contexts=[1000] * 512)
    assert eight < 1.25 * one  # reading 16 GB of weights dominates
    assert big > 2.0 * one  # 512 tokens of GEMMs plus 512k tokens of KV reads


def test_weight_reading_sets_the_decode_floor():
    m = StepTimeModel(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, C)
    floor_ms = 16.06e9 / (3350e9 * C.bw_eff) * 1e3
    t = m.iteration_ms(decode_contexts=[10])
    assert floor_ms < t < floor_ms + C.step_ms + C.layer_us * 32 / 1e3 + 1.0


def test_prefill_has_a_quadratic_attention_term():
    m = StepTimeModel(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, C)
    first = m.iteration_ms(prefill=[(4096, 0)])
    later = m.iteration_ms(prefill=[(4096, 28672)])  # same chunk, long prefix: attention over 32k tokens
    assert later > 1.3 * first
    short, long = m.prefill_ms(2048), m.prefill_ms(16384)
    assert long > 8 * short  # superlinear in the prompt


def test_fp8_decodes_faster_than_bf16_and_int4_is_weight_only_on_hopper():
    h100 = GPUS["H100-SXM"]
    bf16 = StepTimeModel(LLAMA_70B, Precision.BF16, h100, 4, C).iteration_ms(decode_contexts=[500] * 4)
    fp8 = StepTimeModel(LLAMA_70B, Precision.FP8, h100, 4, C).iteration_ms(decode_contexts=[500] * 4)
    assert fp8 < 0.8 * bf16
    assert gemm_kind(h100, Precision.INT4) == "wonly"
    assert gemm_kind(h100, Precision.FP4) == "wonly"  # no FP4 tensor cores on Hopper
    assert gemm_kind(GPUS["B200"], Precision.FP4) == "fp4"
    assert gemm_kind(GPUS["A100-80GB"], Precision.FP8) == "wonly"


def test_moe_touches_more_experts_as_the_batch_grows():
    m = StepTimeModel(MIXTRAL, Precision.BF16, GPUS["H100-SXM"], 2, C)
    t1 = m.batch_ms(1, 1)  # 2 of 8 experts per layer
    t64 = m.batch_ms(64, 64)  # all 8 experts
    assert t64 > 2.0 * t1
    # with 8 experts almost all are touched by 64 tokens: another 64 tokens add little weight traffic
    assert m.batch_ms(128, 128) < 1.3 * t64


def test_tensor_parallel_adds_all_reduce_time():
    one = StepTimeModel(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 1, C)
    two = StepTimeModel(LLAMA_8B, Precision.BF16, GPUS["H100-SXM"], 2, C)
    assert two._comm_ms(4096) > 0 and one._comm_ms(4096) == 0
    # 64 all-reduces x latency at one token
    assert two._comm_ms(1) == pytest.approx(64 * C.comm_latency_us / 1e3, rel=0.05)


def test_sliding_window_caps_decode_attention_cost():
    m = StepTimeModel(GPT_OSS_120B, Precision.FP4, GPUS["H100-SXM"], 1, C)
    full, window = m.decode_context_ms()
    assert full > 0 and window > 0
    shape = m.shape([], [100_000])
    assert shape.decode_context_window == 128  # the window layers read 128 tokens, not 100k


def test_data_parallel_experts_pay_two_all_to_alls_per_moe_layer_and_the_nic_across_nodes():
    """Attention DP with expert parallelism: dispatch + combine per MoE layer, each with the measured call floor;
    a group spanning two nodes sends part of its tokens over the NIC, slower per token than NVLink."""
    b200 = GPUS["B200"]
    one_node = StepTimeModel(DEEPSEEK_V3, Precision.FP8, b200, 4, C, data_parallel=2, expert_parallel=True)
    two_nodes = StepTimeModel(DEEPSEEK_V3, Precision.FP8, b200, 4, C, data_parallel=4, expert_parallel=True)
    no_dp = StepTimeModel(DEEPSEEK_V3, Precision.FP8, b200, 8, C, expert_parallel=True)
    assert no_dp._x_calls == 0
    assert one_node._x_calls == two_nodes._x_calls == 2 * one_node.moe_layers
    floor = one_node._x_calls * C.a2a_lat_us / 1e3
    assert one_node._comm_ms(1) > floor
    assert two_nodes._x_ms_per_token > one_node._x_ms_per_token


def test_attention_that_normalizes_q_and_k_over_all_heads_pays_one_more_collective_per_layer():
    """MiniMax-M2's q/k RMSNorm spans every head: split over TP ranks it needs a variance all-reduce per layer."""
    from knowledge.catalog import Catalog

    catalog = Catalog.from_files()
    minimax, h200 = catalog.model("MiniMaxAI/MiniMax-M2.5"), catalog.gpu("H200")
    layers = minimax.architecture.num_layers
    tp4 = StepTimeModel(minimax, Precision.FP8, h200, 4, C)
    assert tp4._small_ar_calls == layers and tp4._ar_calls == 2 * layers
    as_other_gqa = minimax.model_copy(update={"family": "other"})
    plain = StepTimeModel(as_other_gqa, Precision.FP8, h200, 4, C)
    assert plain._small_ar_calls == 0
    extra = tp4.iteration_ms(decode_contexts=[2000] * 4) - plain.iteration_ms(decode_contexts=[2000] * 4)
    assert extra == pytest.approx(layers * C.comm_latency_us / 1e3)
    assert StepTimeModel(minimax, Precision.FP8, h200, 1, C)._small_ar_calls == 0  # one GPU: nothing to reduce


def test_async_scheduling_hides_the_per_step_cpu_work_under_the_gpu_work():
    c = C.with_values(step_ms=1.0)
    gpu = GPUS["H100-SXM"]
    sync = StepTimeModel(LLAMA_8B, Precision.BF16, gpu, 1, c, async_scheduling=False)
    overlapped = StepTimeModel(LLAMA_8B, Precision.BF16, gpu, 1, c, async_scheduling=True)
    step = overlapped.batch_ms(8, 8)
    assert step > 1.0  # 16 GB of weights take longer than the scheduler
    assert sync.batch_ms(8, 8) == pytest.approx(step + 1.0)
    slow_cpu = StepTimeModel(LLAMA_8B, Precision.BF16, gpu, 1, C.with_values(step_ms=50.0), async_scheduling=True)
    assert slow_cpu.batch_ms(8, 8) == pytest.approx(50.0)  # a GPU that waits for the CPU


def test_vllm_releases_schedule_asynchronously_from_0_14():
    from simulator.perf.vllm_versions import async_scheduling_by_default, release

    assert release("0.19.0-cu130") == (0, 19) and release("v0.11.2") == (0, 11) and release("nightly-5b8c") is None
    assert async_scheduling_by_default("0.14.0") and async_scheduling_by_default("0.18.0")
    assert not async_scheduling_by_default("0.11.2") and not async_scheduling_by_default("v0.13.1")
    assert async_scheduling_by_default("") and async_scheduling_by_default("nightly-5b8c")  # unknown: today's default


def test_a_stated_vllm_version_is_a_release_the_engine_knows_or_a_one_line_refusal():
    from simulator.perf.vllm_versions import NEWEST_KNOWN, UnknownVllmVersionError, check_version, describe_defaults

    assert check_version(" 0.18.0 ") == "0.18.0" and check_version("v0.15.1") == "v0.15.1"
    assert check_version("0.19.0-cu130") == "0.19.0-cu130" and check_version("nightly-5b8c30d") == "nightly-5b8c30d"
    for bad, why in (("banana", "is not a vLLM version"), ("0.18.x!", "is not a vLLM version"),
                     ("0.6.3", "predates the V1 engine"), (f"{NEWEST_KNOWN[0]}.{NEWEST_KNOWN[1] + 1}.0", "newer than")):
        with pytest.raises(UnknownVllmVersionError, match=why) as err:
            check_version(bad)
        assert "\n" not in str(err.value) and "0.8 to 0.24" in str(err.value)
    assert "synchronous scheduling" in describe_defaults("0.11.2")
    assert describe_defaults("0.18.0").startswith("vLLM 0.18.0: async scheduling")


def test_uneven_routing_slows_expert_parallel_prefill_not_decode():
    """With experts spread whole over the GPUs the busiest GPU's routed tokens set the MoE compute (prefill is
    compute-bound); decode reads every local expert's weights either way. Sliced experts (TP) see no imbalance."""
    gpu = GPUS["H100-SXM"]
    even, uneven = C.with_values(ep_imbalance=1.0), C.with_values(ep_imbalance=2.0)

    def steps(c, ep):
        m = StepTimeModel(DEEPSEEK_V3, Precision.FP8, gpu, 8, c, expert_parallel=ep)
        return m.iteration_ms(prefill=[(8192, 0)]), m.iteration_ms(decode_contexts=[2000] * 4)

    (pf_even, dec_even), (pf_uneven, dec_uneven) = steps(even, True), steps(uneven, True)
    assert pf_uneven > 1.15 * pf_even
    assert dec_uneven == pytest.approx(dec_even, rel=0.03)
    assert steps(even, False) == steps(uneven, False)


def _batch_ms_as_summed(m: StepTimeModel, tokens, seqs):
    """batch_ms term by term as kernels.gemm_ms and the model's pieces give it, with nothing kept or inlined."""
    from simulator.perf.kernels import gemm_ms
    total = tokens * m._act_ms_per_token
    for r, n, k, calls in m._gemms:
        total += calls * gemm_ms(r, tokens, n, k)
    r, n, k = m._lm_head
    total += gemm_ms(r, seqs, n, k)
    if m.moe_layers:
        total = total + m.moe_layers * m._moe_ms(tokens * m.dp)
    gpu = m._layer_ms
    if tokens > 0:
        gpu += total + m._comm_ms(tokens) + m._attn_fixed_ms + seqs * (m._seq_ms + m._attn_seq_ms)
    return max(gpu, m._cpu_ms) if m.async_scheduling else gpu + m._cpu_ms


@pytest.mark.parametrize("card, precision, gpu, tp", [
    (LLAMA_8B, Precision.BF16, "H100-SXM", 1), (LLAMA_70B, Precision.FP8, "H100-SXM", 4),
    (MIXTRAL, Precision.BF16, "H100-SXM", 2), (DEEPSEEK_V3, Precision.FP8, "H200-SXM", 8),
    (GPT_OSS_120B, Precision.FP4, "B200", 1)])
def test_kept_and_inlined_step_times_are_the_summed_ones_to_the_last_bit(card, precision, gpu, tp):
    # batch_ms keeps its values and inlines the GEMMs: the same floats (and types) as summing the kernels,
    # whatever the order of the questions and whether a count comes as an int or a float
    m = StepTimeModel(card, precision, GPUS[gpu], tp, C)
    asked = [(1, 1), (64, 64), (2048, 3), (2048, 3), (2048.0, 3.0), (517, 12), (37.25, 37.25), (0, 0), (8192, 256)]
    for tokens, seqs in asked + asked[::-1]:
        got, want = m.batch_ms(tokens, seqs), _batch_ms_as_summed(m, tokens, seqs)
        assert got == want and type(got) is type(want), (tokens, seqs)


def test_kept_step_times_stay_bounded_and_exact(monkeypatch):
    from simulator.perf import steptime
    monkeypatch.setattr(steptime, "BATCH_MS_KEPT", 4)
    m = StepTimeModel(MIXTRAL, Precision.BF16, GPUS["H100-SXM"], 2, C)
    for tokens in list(range(1, 40)) + list(range(39, 0, -3)):
        seqs = tokens % 7 + 1
        assert m.batch_ms(tokens, seqs) == _batch_ms_as_summed(m, tokens, seqs)
        assert max(len(m._batch_ms), len(m._tokens_ms), len(m._seqs_ms)) <= 4
