"""A configuration that cannot start: no latencies, no negative memory, one sentence saying by how much it misses
and the smallest tensor-parallel size, or the fewest GPUs, that would hold it."""

from __future__ import annotations

import re

from knowledge.catalog import Catalog
from knowledge.domain import Load, LoadKind, Precision, ServingConfig
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.loadsim import memory_plan
from simulator.perf.parallelism import valid_tensor_parallel
from simulator.perf.predict import predict
from tests.simulator.perf.catalog_fixture import DEEPSEEK_V3, GPUS, MODELS, fixture_catalog

CAT = fixture_catalog()
C = EngineCoefficients()
LOAD = Load(kind=LoadKind.RPS, value=1.0, prompt_tokens=100, output_tokens=100)


def _config(model: str, gpu: str, tp: int = 1, precision: Precision = Precision.BF16) -> ServingConfig:
    return ServingConfig(model_id=model, precision=precision, gpu=gpu, tensor_parallel=tp, max_model_len=1024)


def _refused(config: ServingConfig, catalog: Catalog = CAT) -> str:
    p = predict(config, LOAD, catalog, coefficients=C)
    assert p.fits is False and p.throughput is None and p.ttft_ms is None
    assert all(v >= 0 for v in p.memory.model_dump().values()), p.memory  # nothing negative, KV cache included
    assert p.memory.kv_cache_gb == 0 and p.max_concurrency == 0
    assert len(p.notes) == 1 and "does not fit" not in p.notes[0]  # fits=False says it; the note says why
    return p.notes[0]


def _shortfall_gb(config: ServingConfig) -> float:
    plan = memory_plan(config, CAT)
    b = plan.breakdown
    one_sequence = plan.sequence_bytes(plan.max_model_len) / 1e9
    return b.weights_gb + b.activation_gb + b.overhead_gb + one_sequence - b.usable_gb


def test_weights_too_large_for_one_gpu_say_by_how_much_and_the_smallest_tensor_parallel_size_that_fits():
    config = _config("meta-llama/Llama-3.1-70B-Instruct", "L4")
    note = _refused(config)
    assert f"{_shortfall_gb(config):.1f} GB per GPU short" in note
    smallest = next(tp for tp in valid_tensor_parallel(MODELS[config.model_id], GPUS["L4"])
                    if memory_plan(config.model_copy(update={"tensor_parallel": tp}), CAT).fits)
    assert note.endswith(f"tensor parallel {smallest} ({smallest} x L4) would fit")
    assert smallest > 1


def test_when_no_size_of_the_gpu_holds_it_the_fewest_gpus_of_another_that_do_are_named():
    config = _config(DEEPSEEK_V3.id, "L4")
    note = _refused(config)
    assert f"{_shortfall_gb(config):.1f} GB per GPU short" in note
    found = re.search(r"no tensor-parallel size up to one L4 node \(8 GPUs\) holds it; the fewest GPUs that would: "
                      r"(\d+) x ([\w-]+(?: or [\w-]+)*)$", note)
    assert found, note
    fewest, names = int(found[1]), found[2].split(" or ")
    for name in names:
        assert memory_plan(config.model_copy(update={"gpu": name, "tensor_parallel": fewest}), CAT).fits
    for gpu in GPUS.values():  # none holds it on fewer GPUs
        assert not any(memory_plan(config.model_copy(update={"gpu": gpu.name, "tensor_parallel": tp}), CAT).fits
                       for tp in valid_tensor_parallel(DEEPSEEK_V3, gpu) if tp < fewest)


def test_when_nothing_in_the_catalog_holds_it_it_says_so():
    small = Catalog(models=(DEEPSEEK_V3,), gpus=(GPUS["L4"], GPUS["L40S"]), use_cases=(), version="test")
    note = _refused(_config(DEEPSEEK_V3.id, "L4"), small)
    assert note.endswith("nor does one node of any GPU in the catalog at bf16")


def test_a_kv_cache_too_small_for_one_sequence_says_the_longest_length_and_what_would_fit():
    config = _config("meta-llama/Llama-3.1-8B-Instruct", "L4").model_copy(update={"max_model_len": 131072})
    plan = memory_plan(config, CAT)
    p = predict(config, LOAD, CAT, coefficients=C)
    assert not p.fits and p.memory.kv_cache_gb > 0 and len(p.notes) == 1
    note = p.notes[0]
    assert f"the longest that fits is --max-model-len {plan.largest_model_len()}" in note
    assert f"{_shortfall_gb(config):.1f} GB per GPU short" in note
    assert note.endswith("tensor parallel 2 (2 x L4) would fit")
    assert memory_plan(config.model_copy(update={"tensor_parallel": 2}), CAT).fits
