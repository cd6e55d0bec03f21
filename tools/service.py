"""Compass operations over the knowledge base, with typed requests: used by the CLI, the API and the agent."""

from __future__ import annotations

import threading
from collections import OrderedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.base import KnowledgeBase
from knowledge.domain import (
    BenchmarkRow, DeploymentSpec, Load, LoadKind, Precision, Prediction, ServingConfig, SimilarDeployment,
)
from simulator.perf import predict
from tools.planner import PlanOptions, PlanResult, plan_detailed
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
    max_num_seqs: int = Field(default=256, ge=1, le=4096)
    gpu_memory_utilization: float = Field(default=0.90, gt=0.1, le=0.98)

    @model_validator(mode="after")
    def _one_load(self) -> "PredictRequest":
        if (self.concurrency is None) == (self.rps is None):
            raise ValueError("give exactly one of concurrency (closed loop) or rps (open loop)")
        return self


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
    precision = req.precision or resolved.precision or resolved.card.native_precision
    return ServingConfig(model_id=resolved.card.id, precision=precision, gpu=catalog.gpu(req.gpu).name,
                         tensor_parallel=req.tp, max_num_seqs=req.max_num_seqs,
                         max_model_len=min(resolved.card.architecture.max_context,
                                           _round_up(int((req.prompt_tokens + req.output_tokens) * 1.25), 1024)),
                         gpu_memory_utilization=req.gpu_memory_utilization)


def _round_up(n: int, step: int) -> int:
    return -(-n // step) * step


def run_predict(kb: KnowledgeBase, req: PredictRequest) -> Prediction:
    config = resolve_config(kb, req)
    load = Load(kind=LoadKind.CONCURRENCY if req.concurrency else LoadKind.RPS,
                value=req.concurrency or req.rps or 1.0, prompt_tokens=req.prompt_tokens,
                output_tokens=req.output_tokens)
    return predict(config, load, kb.catalog, benchmarks=benchmark_lookup(kb)(config))


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
    result = plan_detailed(spec, catalog, benchmarks=benchmark_lookup(kb), options=options)
    _plans.put(prefix + spec.model_dump_json(), result)
    _plans.put(prefix + result.spec.model_dump_json(), result)  # the filled spec plans identically
    return result


def run_compare(kb: KnowledgeBase, spec: DeploymentSpec, variants: list[Variant],
                options: PlanOptions | None = None) -> Comparison:
    return compare(spec, variants, kb.catalog, planner=lambda s: run_plan(kb, s, options))


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
