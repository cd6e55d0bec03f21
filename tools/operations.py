"""Compass operations over the knowledge base, with typed requests: used by the CLI, the API and the agent."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.base import KnowledgeBase
from knowledge.domain import (
    AttentionKind, BenchmarkRow, DeploymentSpec, GpuSpec, Load, LoadKind, ModelCard, Precision, Prediction,
    ServingConfig, SimilarDeployment, max_model_len_for,
)
from knowledge.domain.prediction import BenchmarkProtocol
from knowledge.errors import CompassError
from simulator.perf import predict, valid_tensor_parallel
from simulator.perf.vllm_versions import async_scheduling_by_default, check_version, describe_defaults
from tools.planner import PlanOptions, PlanResult, WhyNot, plan_detailed, warm_start, why_not
from tools.planner.sizing import BenchmarkLookup
from tools.whatif import Comparison, Variant, compare


class PredictRequest(BaseModel):
    """One configuration under one load (``compass predict`` / ``POST /v1/predict``)."""

    model_config = ConfigDict(allow_inf_nan=False)  # NaN/inf: "Input should be a finite number"

    model: str = Field(description="model id, alias or quantized variant id")
    gpu: str = Field(description="GPU name or alias")
    tp: int = Field(default=1, ge=1, le=64, description="tensor parallel size")
    precision: Precision | None = Field(default=None, description="default: the variant's or the model's native")
    prompt_tokens: int = Field(gt=0, le=2_000_000)
    output_tokens: int = Field(gt=0, le=2_000_000)
    concurrency: float | None = Field(default=None, gt=0, le=100_000, description="closed loop: concurrent users")
    rps: float | None = Field(default=None, gt=0, le=1_000_000, description="open loop: Poisson requests/s")
    max_num_seqs: int = Field(default=256, ge=1, le=4096, description="vLLM --max-num-seqs")
    gpu_memory_utilization: float = Field(default=0.90, gt=0.1, le=0.98)
    max_num_batched_tokens: int = Field(default=8192, ge=64, le=1_000_000,
                                        description="vLLM --max-num-batched-tokens (chunked-prefill budget per step)")
    max_model_len: int | None = Field(default=None, gt=0, le=10_000_000,
                                      description="vLLM --max-model-len; default: what the request needs, rounded up")
    kv_cache_dtype: Literal["auto", "fp8"] = Field(default="auto", description="vLLM --kv-cache-dtype")
    enable_prefix_caching: bool = Field(default=False, description="vLLM --enable-prefix-caching")
    shared_prefix_tokens: int = Field(default=0, ge=0, le=2_000_000,
                                      description="prompt tokens every request shares (a system prompt)")
    requests_per_user: int | None = Field(
        default=None, ge=1, le=10_000, description="benchmark replay: each user sends this many requests back to "
        "back, all measured, warm-up included (closed loop only); default: the steady state")
    length_spread: float | None = Field(
        default=None, gt=0, le=1.0, description="benchmark replay: lengths uniform in [R x L, L] (vllm bench "
        "--random-range-ratio style); default 1 (fixed lengths)")
    vllm_version: str | None = Field(
        default=None, max_length=64, description="the vLLM release the deployment runs (e.g. 0.18.0, or nightly): "
        "its defaults that change the timeline (async scheduling from 0.14); default: today's release")

    @field_validator("vllm_version")
    @classmethod
    def _known_version(cls, v: str | None) -> str | None:
        return None if v is None else check_version(v)

    @model_validator(mode="after")
    def _one_load(self) -> "PredictRequest":
        if (self.concurrency is None) == (self.rps is None):
            raise ValueError("give exactly one of concurrency (closed loop) or rps (open loop)")
        if self.requests_per_user is not None and self.concurrency is None:
            raise ValueError("requests_per_user replays a closed-loop benchmark: give concurrency, not rps")
        if self.length_spread is not None and self.requests_per_user is None:
            raise ValueError("length_spread describes a benchmark replay: give requests_per_user too")
        if self.shared_prefix_tokens >= self.prompt_tokens:
            raise ValueError(f"shared_prefix_tokens ({self.shared_prefix_tokens}) must be shorter than the prompt "
                             f"({self.prompt_tokens} tokens)")
        if self.max_model_len is not None and self.prompt_tokens + self.output_tokens > self.max_model_len:
            raise ValueError(f"prompt + output tokens ({self.prompt_tokens + self.output_tokens}) exceed "
                             f"max_model_len ({self.max_model_len}): vLLM would reject these requests")
        return self

    @property
    def protocol(self) -> BenchmarkProtocol | None:
        if self.requests_per_user is None:
            return None
        return BenchmarkProtocol(requests_per_user=self.requests_per_user, length_spread=self.length_spread or 1.0)


class ContextTooLongError(CompassError):
    """Prompt + output tokens longer than the model's context window: vLLM rejects every such request."""

    exit_code = 2


class PrecisionNotServedError(CompassError):
    """A precision the model has no variant of (its card lists those it is served in)."""

    exit_code = 2


class TensorParallelError(CompassError):
    """A tensor-parallel size vLLM would refuse for the model, or wider than one node of the GPU."""

    exit_code = 2


class BenchmarkQuery(BaseModel):
    model: str
    gpu: str
    precision: Precision | None = None
    tp: int | None = Field(default=None, ge=1, le=64)


def benchmark_lookup(kb: KnowledgeBase) -> BenchmarkLookup:
    """Rows measured for exactly a configuration (model, precision, GPU, tensor parallel)."""
    def lookup(config: ServingConfig) -> list[BenchmarkRow]:
        return kb.benchmarks(config.model_id, config.precision.value, config.gpu, config.tensor_parallel)
    return lookup


def resolve_config(kb: KnowledgeBase, req: PredictRequest) -> ServingConfig:
    catalog = kb.catalog
    resolved = catalog.resolve_model(req.model)
    context = resolved.card.architecture.max_context
    if req.prompt_tokens + req.output_tokens > context:
        # Refused up front: simulated, such requests never finish and read as an overload.
        raise ContextTooLongError(
            f"prompt + output tokens ({req.prompt_tokens:,} + {req.output_tokens:,} = "
            f"{req.prompt_tokens + req.output_tokens:,}) exceed the context window of {resolved.card.id} "
            f"({context:,} tokens): vLLM would reject these requests; shorten the prompt or the output")
    gpu = catalog.gpu(req.gpu)
    check_tensor_parallel(resolved.card, gpu, req.tp)
    precision = req.precision or resolved.precision or resolved.card.native_precision
    if precision not in resolved.card.precisions:
        # the planner and what-ifs never serve a model in a precision it has no variant of; neither does predict
        raise PrecisionNotServedError(
            f"{resolved.card.id} has no {precision.value} variant (it is served in "
            f"{', '.join(p.value for p in resolved.card.precisions)})")
    max_model_len = req.max_model_len or min(resolved.card.architecture.max_context,
                                             max_model_len_for(req.prompt_tokens, None, req.output_tokens, None))
    return ServingConfig(model_id=resolved.card.id, precision=precision, gpu=gpu.name,
                         tensor_parallel=req.tp, max_num_seqs=req.max_num_seqs, max_model_len=max_model_len,
                         max_num_batched_tokens=req.max_num_batched_tokens, kv_cache_dtype=req.kv_cache_dtype,
                         gpu_memory_utilization=req.gpu_memory_utilization,
                         async_scheduling=async_scheduling_by_default(req.vllm_version))


def check_tensor_parallel(model: ModelCard, gpu: GpuSpec, tp: int) -> None:
    """Refuse a size outside the planner's own candidates (``valid_tensor_parallel``: vLLM's head-split rule,
    within one node), naming the sizes that are valid."""
    valid = valid_tensor_parallel(model, gpu)
    if tp in valid:
        return
    a = model.architecture
    sizes = ", ".join(map(str, valid))
    if tp > gpu.max_gpus_per_node:
        why = (f"one {gpu.name} node has {gpu.max_gpus_per_node} GPUs and Compass models tensor parallelism "
               "within a node")
    else:
        rules = [f"divide the model's {a.num_attention_heads} attention heads"]
        if a.attention is not AttentionKind.MLA:  # MLA's latent cache is replicated, not split
            rules.append(f"divide or be a multiple of its {a.num_kv_heads} KV heads")
        if a.is_moe:
            rules.append(f"divide its experts' intermediate size ({a.moe_intermediate_size})")
        why = "vLLM needs the size to " + (" and ".join(rules) if len(rules) < 3 else
                                           ", ".join(rules[:-1]) + " and " + rules[-1])
    raise TensorParallelError(f"tensor parallel size {tp} is not valid for {model.id} on {gpu.name}: {why}; "
                              f"valid sizes: {sizes}")


def run_predict(kb: KnowledgeBase, req: PredictRequest) -> Prediction:
    config = resolve_config(kb, req)
    load = Load(kind=LoadKind.CONCURRENCY if req.concurrency else LoadKind.RPS,
                value=req.concurrency or req.rps or 1.0, prompt_tokens=req.prompt_tokens,
                output_tokens=req.output_tokens)
    prediction = predict(config, load, kb.catalog, benchmarks=benchmark_lookup(kb)(config), protocol=req.protocol,
                         cached_prefix_tokens=req.shared_prefix_tokens if req.enable_prefix_caching else 0)
    if req.vllm_version is None:
        return prediction
    return prediction.model_copy(update={"notes": [*prediction.notes, describe_defaults(req.vllm_version)]})


class _PlanCache:
    """Plans are deterministic in (catalog, benchmark rows, spec, options): repeat questions cost nothing.

    Per process and bounded; the key includes the catalog hash and the benchmark data version, so an import or
    a catalog reload is never served a stale plan.
    """

    def __init__(self, size: int = 128):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[str, PlanResult] = OrderedDict()

    def get(self, key: str) -> PlanResult | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, result: PlanResult) -> None:
        with self._lock:
            self._items[key] = result
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_plans = _PlanCache()


def run_plan(kb: KnowledgeBase, spec: DeploymentSpec, options: PlanOptions | None = None) -> PlanResult:
    options = options or PlanOptions()
    catalog = kb.catalog
    prefix = "|".join((catalog.version, kb.benchmarks_version(), options.model_dump_json()))
    cached = _plans.get(prefix + spec.model_dump_json())
    if cached is not None:
        return cached
    warm_start.restore(catalog)  # a new process starts from the engine results earlier ones kept
    result = plan_detailed(spec, catalog, benchmarks=benchmark_lookup(kb), options=options)
    warm_start.save(catalog)
    _plans.put(prefix + spec.model_dump_json(), result)
    _plans.put(prefix + result.spec.model_dump_json(), result)  # the filled spec plans identically
    return result


_CONFIG_FIELDS = ("gpu", "model", "precision", "tp")


class WhyNotRequest(BaseModel):
    """An alternative to option 1: a GPU, model, precision or tensor-parallel degree (any combination), or an
    option number of the plan."""

    # The same rule in the OpenAPI schema: either an option number alone, or at least one configuration field.
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["option"], "not": {"properties": {"option": {"type": "null"}}},
         "properties": {f: {"type": "null"} for f in _CONFIG_FIELDS}},
        {"anyOf": [{"required": [f], "not": {"properties": {f: {"type": "null"}}}} for f in _CONFIG_FIELDS],
         "properties": {"option": {"type": "null"}}},
    ]})

    gpu: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    precision: Precision | None = None
    tp: int | None = Field(default=None, ge=1, le=64)
    option: int | None = Field(default=None, ge=1, le=50)

    @model_validator(mode="after")
    def _something(self) -> "WhyNotRequest":
        if not any(v is not None for v in (self.gpu, self.model, self.precision, self.tp, self.option)):
            raise ValueError("name an alternative: gpu, model, precision, tp or option")
        if self.option is not None and any(v is not None for v in (self.gpu, self.model, self.precision, self.tp)):
            raise ValueError("ask about an option number or a configuration, not both")
        return self


def run_why_not(kb: KnowledgeBase, spec: DeploymentSpec, question: WhyNotRequest,
                options: PlanOptions | None = None) -> WhyNot:
    """Why the plan's option 1 rather than the alternative (planned on its own, even if excluded)."""
    plan = run_plan(kb, spec, options)
    return why_not(plan, plan.spec, kb.catalog, gpu=question.gpu, model=question.model, precision=question.precision,
                   tp=question.tp, option=question.option, benchmarks=benchmark_lookup(kb), options=options)


def run_compare(kb: KnowledgeBase, spec: DeploymentSpec, variants: list[Variant],
                options: PlanOptions | None = None, base_option: int | None = None) -> Comparison:
    return compare(spec, variants, kb.catalog, planner=lambda s: run_plan(kb, s, options), base_option=base_option)


def find_benchmarks(kb: KnowledgeBase, query: BenchmarkQuery) -> list[BenchmarkRow]:
    catalog = kb.catalog
    resolved = catalog.resolve_model(query.model)
    precision = query.precision or resolved.precision
    gpu = catalog.gpu(query.gpu).name
    if precision is not None:
        return kb.benchmarks(resolved.card.id, precision.value, gpu, query.tp)
    return [r for p in resolved.card.precisions for r in kb.benchmarks(resolved.card.id, p.value, gpu, query.tp)]


def similar(kb: KnowledgeBase, spec: DeploymentSpec, k: int = 5) -> list[SimilarDeployment]:
    return kb.similar_deployments(spec, k)
