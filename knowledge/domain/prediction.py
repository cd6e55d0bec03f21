"""What a serving configuration is predicted (or measured) to do under a given load."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.domain.enums import LoadKind, Precision, Provenance


class ServingConfig(BaseModel):
    """One replica of a vLLM deployment: which weights, on what, with which engine limits."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    precision: Precision
    gpu: str = Field(description="canonical GPU name")
    tensor_parallel: int = Field(default=1, ge=1, le=64)
    max_num_seqs: int = Field(default=256, ge=1, le=4096, description="vLLM --max-num-seqs")
    max_num_batched_tokens: int = Field(default=8192, ge=64, description="chunked-prefill token budget per step")
    max_model_len: int | None = Field(default=None, gt=0, description="vLLM --max-model-len; None = model max")
    gpu_memory_utilization: float = Field(default=0.90, gt=0.1, le=0.98)
    data_parallel: int = Field(
        default=1, ge=1, le=64,
        description="vLLM --data-parallel-size inside one replica: attention runs in that many independent engine "
                    "ranks (each tensor_parallel GPUs wide) that share the MoE layers; requests are split evenly")
    expert_parallel: bool = Field(
        default=False,
        description="vLLM --enable-expert-parallel: MoE experts are sharded whole across the "
                    "tensor_parallel x data_parallel GPUs instead of being sliced by tensor parallelism")
    kv_cache_dtype: Literal["auto", "fp8"] = Field(
        default="auto", description="vLLM --kv-cache-dtype; auto = 16-bit (the activation dtype)")
    async_scheduling: bool = Field(
        default=True, description="vLLM async scheduling: the CPU schedules the next step while the GPU runs this "
                                  "one (on by default since vLLM 0.14; older releases only with --async-scheduling)")

    @property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.data_parallel


class Load(BaseModel):
    """How requests arrive and how long they are."""

    model_config = ConfigDict(frozen=True)

    kind: LoadKind
    value: float = Field(gt=0, description="concurrent users (concurrency) or requests/s (rps, bursty)")
    burstiness_cv: float = Field(default=1.0, ge=0, le=20, description="inter-arrival CV for bursty loads")
    prompt_tokens: int = Field(gt=0, description="mean prompt tokens")
    output_tokens: int = Field(gt=0, description="mean output tokens")
    prompt_tokens_p90: int | None = Field(default=None, gt=0, description="spread; None = fixed length")
    output_tokens_p90: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _whole_users(self) -> "Load":
        if problem := concurrency_problem(self.kind, self.value):
            raise ValueError(problem)
        return self


def concurrency_problem(kind: LoadKind, value: float) -> str | None:
    """Why a load value cannot be that kind of load, or None. A closed loop runs a number of users, each waiting
    for its answer: half a user is no load a client runs (a measured row or a prediction alike)."""
    if kind is LoadKind.CONCURRENCY and (value < 1 or value != int(value)):
        return f"concurrency is a whole number of concurrent users, at least 1 (not {value:g})"
    return None


class BenchmarkProtocol(BaseModel):
    """How a closed-loop benchmark client runs (vllm bench, GuideLLM concurrency runs, InferenceMAX): every user
    starts at once and sends ``requests_per_user`` requests back to back, prompt and output lengths drawn
    uniformly from [length_spread x L, L]; every request is measured, the warm-up included."""

    model_config = ConfigDict(frozen=True)

    requests_per_user: int = Field(ge=1, le=10_000)
    length_spread: float = Field(default=1.0, gt=0, le=1.0, description="R: lengths uniform in [R x L, L]")


class PredictionProtocol(BaseModel):
    """What a prediction's figures describe: the engine's steady state, or a replay of a benchmark client."""

    kind: Literal["steady_state", "benchmark_replay"]
    benchmark: BenchmarkProtocol | None = None
    description: str


class LatencyStats(BaseModel):
    """Milliseconds. ``band_pct``: +/- relative uncertainty of the p95 (about 80% confidence)."""

    mean: float
    p50: float
    p90: float
    p95: float
    p99: float
    band_pct: float | None = None


class Throughput(BaseModel):
    requests_per_s: float
    output_tokens_per_s: float


class MemoryBreakdown(BaseModel):
    """Per GPU, in GB (10^9 bytes), for one tensor-parallel shard."""

    gpu_capacity_gb: float
    usable_gb: float = Field(description="capacity x gpu_memory_utilization")
    weights_gb: float
    activation_gb: float
    overhead_gb: float = Field(description="CUDA context, graphs, allocator fragmentation")
    kv_cache_gb: float = Field(description="left for the KV cache (0 when nothing is: then the prediction's "
                                           "fits is false and its note says how much is missing)")
    kv_bytes_per_token: float = Field(description="whole model, all layers, summed over shards")
    kv_capacity_tokens: int


class Prediction(BaseModel):
    """The output of ``compass predict`` (its JSON has exactly these top-level keys)."""

    ttft_ms: LatencyStats | None
    itl_ms: LatencyStats | None
    e2e_ms: LatencyStats | None
    throughput: Throughput | None
    fits: bool
    memory: MemoryBreakdown
    max_concurrency: int = Field(description="sequences that fit in the KV cache at this workload's context")
    provenance: Provenance
    notes: list[str] = Field(default_factory=list)
    protocol: PredictionProtocol | None = Field(default=None, description="what the figures describe")
