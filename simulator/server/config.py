"""Configuration of one simulated vLLM server: flags, the container's environment variables, and what they resolve to.

Every setting has one environment variable (what the Kubernetes manifests set in simulator mode) and one
``compass simulate`` flag; flags win over the environment, the environment over the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field

from knowledge.catalog import Catalog
from knowledge.domain import GpuSpec, ModelCard, Precision, ServingConfig
from simulator.perf.coefficients import EngineCoefficients
from simulator.perf.offline_clock import EngineLimits
from simulator.perf.loadsim import config_parts, engine_limits
from simulator.perf.memory import MemoryPlan
from simulator.perf.steptime import StepTimeModel
from simulator.perf.vllm_versions import NEWEST_KNOWN

# What /version answers: the vLLM release the simulator stands in for, the newest whose defaults the engine knows,
# which is the one deployments pin (k8s/constants.VLLM_VERSION; a test keeps the three in step).
EMULATED_VLLM_VERSION = "{}.{}.0".format(*NEWEST_KNOWN)
DEFAULT_PORT = 8000

# field name -> environment variable (SIMULATOR_ENV_VARS in k8s/constants.py lists the ones the manifests set)
ENV_VARS: dict[str, str] = {
    "model": "MODEL_NAME", "gpu": "GPU_TYPE", "tensor_parallel": "TENSOR_PARALLEL_SIZE", "precision": "PRECISION",
    "max_num_seqs": "MAX_NUM_SEQS", "max_model_len": "MAX_MODEL_LEN", "port": "PORT", "seed": "SEED", "host": "HOST",
    "jitter": "JITTER", "time_scale": "TIME_SCALE", "max_waiting": "MAX_WAITING", "tokenizer": "TOKENIZER",
    "max_num_batched_tokens": "MAX_NUM_BATCHED_TOKENS", "gpu_memory_utilization": "GPU_MEMORY_UTILIZATION",
    "data_parallel": "DATA_PARALLEL_SIZE", "served_model_name": "SERVED_MODEL_NAME",
    "expert_parallel": "ENABLE_EXPERT_PARALLEL", "kv_cache_dtype": "KV_CACHE_DTYPE",
    "async_scheduling": "ASYNC_SCHEDULING",
}
# The engine settings a planned ServingConfig carries: a simulator started from a plan must time exactly the
# configuration the plan predicted (a TP2 plan served as TP1 read twice its ITL in a validation).
SERVING_FIELDS = ("tensor_parallel", "data_parallel", "expert_parallel", "precision", "max_num_seqs",
                  "max_num_batched_tokens", "max_model_len", "gpu_memory_utilization", "kv_cache_dtype",
                  "async_scheduling")


class SimulatorConfig(BaseModel):
    """What one simulator process imitates and how it serves."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="model id, alias or quantized variant id, served under this name")
    gpu: str = Field(description="GPU name or alias")
    tensor_parallel: int = Field(default=1, ge=1, le=64)
    data_parallel: int = Field(default=1, ge=1, le=64, description="engine ranks in the replica")
    precision: Precision | None = Field(default=None, description="None: the variant's or the model's native one")
    expert_parallel: bool = Field(default=False, description="vLLM --enable-expert-parallel")
    kv_cache_dtype: Literal["auto", "fp8"] = Field(default="auto", description="vLLM --kv-cache-dtype")
    async_scheduling: bool = Field(default=True, description="vLLM async scheduling (the default from 0.14)")
    max_num_seqs: int = Field(default=256, ge=1, le=4096)
    max_num_batched_tokens: int = Field(default=8192, ge=64)
    max_model_len: int | None = Field(default=None, gt=0)
    gpu_memory_utilization: float = Field(default=0.90, gt=0.1, le=0.98)
    served_model_name: str | None = Field(default=None, description="answer to this name instead of the model id")
    host: str = "0.0.0.0"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    seed: int = 0
    jitter: float = Field(default=0.0, ge=0.0, le=1.0,
                          description="relative standard deviation of each iteration's duration (lognormal)")
    time_scale: float = Field(default=1.0, gt=0.0, le=1000.0,
                              description="simulated seconds per wall-clock second (>1 runs faster than real time)")
    max_waiting: int = Field(default=4096, ge=0, description="requests queued beyond this are refused with 503")
    tokenizer: str | None = Field(default=None, description="local directory or tokenizer.json to count tokens with")

    @classmethod
    def from_sources(cls, flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
                     ) -> "SimulatorConfig":
        """Flags (None = not given) over environment variables over defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, var in ENV_VARS.items():
            raw = env.get(var)
            if raw not in (None, ""):
                values[name] = raw
        values.update({k: v for k, v in (flags or {}).items() if v is not None})
        return cls.model_validate(values)

    @classmethod
    def from_serving(cls, serving: ServingConfig, **settings: Any) -> "SimulatorConfig":
        """The simulator that times ``serving`` as the planner predicted it (``settings``: how it serves)."""
        return cls(model=serving.model_id, gpu=serving.gpu,
                   **{f: getattr(serving, f) for f in SERVING_FIELDS}, **settings)

    def to_env(self) -> dict[str, str]:
        """The environment a container (or a subprocess) needs to reproduce this configuration."""
        out = {}
        for name, var in ENV_VARS.items():
            value = getattr(self, name)
            if value is not None:
                out[var] = (value.value if isinstance(value, Precision) else
                            str(value).lower() if isinstance(value, bool) else str(value))
        return out


@dataclass(frozen=True)
class ResolvedSetup:
    """The catalog entries, engine model and limits a configuration resolves to."""

    config: SimulatorConfig
    card: ModelCard
    gpu: GpuSpec
    serving: ServingConfig
    step: StepTimeModel
    plan: MemoryPlan
    limits: EngineLimits
    coefficients: EngineCoefficients
    served_names: tuple[str, ...]  # the first one is what responses carry in "model"
    notes: tuple[str, ...] = ()  # what was chosen for the user (e.g. a shorter max_model_len), in words

    @property
    def max_model_len(self) -> int:
        return self.plan.max_model_len

    def summary(self) -> str:
        s = self.serving
        return (f"{self.served_names[0]} ({self.card.id}, {s.precision.value}) on {s.tensor_parallel}x {self.gpu.name}"
                f"{f' x DP{s.data_parallel}' if s.data_parallel > 1 else ''}: max_model_len {self.max_model_len}, "
                f"KV cache {self.plan.breakdown.kv_capacity_tokens} tokens, max_num_seqs {s.max_num_seqs}, "
                f"time scale {self.config.time_scale:g}")


class ConfigurationError(ValueError):
    """The configuration cannot be served (unknown names are reported by the catalog's UnknownNameError)."""


def resolve(config: SimulatorConfig, catalog: Catalog | None = None) -> ResolvedSetup:
    catalog = catalog or Catalog.from_files()
    resolved = catalog.resolve_model(config.model)
    card = resolved.card
    gpu = catalog.gpu(config.gpu)
    precision = config.precision or resolved.precision or card.native_precision
    if precision not in card.precisions:
        raise ConfigurationError(f"{card.id} is not served in {precision.value}; "
                                 f"known precisions: {', '.join(p.value for p in card.precisions)}")
    serving = ServingConfig(model_id=card.id, precision=precision, gpu=gpu.name,
                            tensor_parallel=config.tensor_parallel, data_parallel=config.data_parallel,
                            max_num_seqs=config.max_num_seqs, max_num_batched_tokens=config.max_num_batched_tokens,
                            max_model_len=config.max_model_len,
                            gpu_memory_utilization=config.gpu_memory_utilization,
                            expert_parallel=config.expert_parallel, kv_cache_dtype=config.kv_cache_dtype,
                            async_scheduling=config.async_scheduling)
    step, plan, coefficients = config_parts(serving, catalog, None)
    notes: list[str] = []
    if not plan.fits and config.max_model_len is None and plan.largest_model_len() > 0:
        # No length was asked for: start with the longest that fits, as a user would after vLLM's refusal.
        longest = plan.largest_model_len()
        notes.append(f"the model's full context ({plan.max_model_len} tokens) does not fit the KV cache of "
                     f"{serving.tensor_parallel} x {gpu.name}; started with max_model_len {longest}, the longest "
                     "that fits (--max-model-len to choose)")
        serving = serving.model_copy(update={"max_model_len": longest})
        step, plan, coefficients = config_parts(serving, catalog, None)
    if not plan.fits:
        raise ConfigurationError(f"vLLM would not start: {plan.reason}")
    names = [config.served_model_name or config.model]
    for extra in (config.model, card.id):
        if extra not in names:
            names.append(extra)
    return ResolvedSetup(config=config, card=card, gpu=gpu, serving=serving, step=step, plan=plan,
                         limits=engine_limits(serving, plan), coefficients=coefficients, served_names=tuple(names),
                         notes=tuple(notes))
