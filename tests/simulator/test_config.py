"""Resolving a simulator configuration: a model whose full context does not fit starts with the longest length
that does (and says so); an explicit length that does not fit is refused, naming the longest that would."""

from __future__ import annotations

import pytest

from simulator.server import SimulatorConfig, resolve
from simulator.server.config import ConfigurationError

LLAMA_70B = dict(model="meta-llama/Llama-3.1-70B-Instruct", gpu="H100-SXM", tensor_parallel=2, precision="bf16")


def test_full_context_that_does_not_fit_starts_with_the_longest_that_does():
    setup = resolve(SimulatorConfig(**LLAMA_70B))
    longest = setup.max_model_len
    assert 1024 < longest < 131072 and longest % 16 == 0
    assert setup.plan.fits and setup.plan.sequence_bytes(longest) <= setup.plan.kv_cache_bytes_per_gpu
    assert setup.plan.sequence_bytes(longest + 16) > setup.plan.kv_cache_bytes_per_gpu
    (note,) = setup.notes
    assert f"started with max_model_len {longest}, the longest that fits" in note
    assert "131072 tokens" in note


def test_explicit_length_that_does_not_fit_is_refused_naming_the_longest():
    longest = resolve(SimulatorConfig(**LLAMA_70B)).max_model_len
    with pytest.raises(ConfigurationError, match=f"the longest that fits is --max-model-len {longest}"):
        resolve(SimulatorConfig(**LLAMA_70B, max_model_len=131072))
    assert resolve(SimulatorConfig(**LLAMA_70B, max_model_len=longest)).notes == ()


def test_weights_that_do_not_fit_are_refused_as_before():
    with pytest.raises(ConfigurationError, match="weights need"):
        resolve(SimulatorConfig(**{**LLAMA_70B, "tensor_parallel": 1}))


def test_a_planned_configuration_is_served_with_every_engine_setting_it_was_predicted_with():
    """A simulator started from a plan times the plan's configuration, through its environment too (the container
    path): a TP2 plan once ran as TP1 and read twice its predicted ITL."""
    from knowledge.domain import Precision, ServingConfig

    planned = ServingConfig(model_id="meta-llama/Llama-3.1-70B-Instruct", precision=Precision.FP8, gpu="H100-SXM",
                            tensor_parallel=2, max_num_seqs=128, max_num_batched_tokens=4096, max_model_len=8192,
                            gpu_memory_utilization=0.85, kv_cache_dtype="fp8", async_scheduling=False)
    config = SimulatorConfig.from_serving(planned, time_scale=3.0)
    assert resolve(config).serving == planned
    assert resolve(SimulatorConfig.from_sources(env=config.to_env())).serving == planned
