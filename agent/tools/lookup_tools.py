"""Read-only lookups an LLM brain may use to ground an answer: predict one configuration, measured benchmark rows,
similar past deployments. Their answers are the JSON of the typed results."""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import tool
from pydantic import Field

from agent.tools.common import Runtime, step
from agent.tools.names import LOOKUP_BENCHMARKS, PREDICT_PERFORMANCE, SIMILAR_DEPLOYMENTS
from tools import operations


def _json(result: Any) -> str:
    if isinstance(result, list):
        return "[" + ",".join(r.model_dump_json() for r in result) + "]"
    return result.model_dump_json()


def _run(runtime: Runtime, name: str, args: dict, fn) -> str:
    result, _run_record, error = step(runtime, runtime.state, name, args, fn)
    return f"error: {error}" if result is None else _json(result)


@tool(PREDICT_PERFORMANCE)
def predict_performance(request: operations.PredictRequest, runtime: Runtime) -> str:
    """Predict TTFT/ITL/E2E percentiles, throughput and memory for one configuration (model, GPU, tensor
    parallel, precision) under a closed-loop concurrency or an open-loop request rate."""
    kb = runtime.context.knowledge_base()
    return _run(runtime, PREDICT_PERFORMANCE, request.model_dump(mode="json"), lambda: operations.run_predict(kb, request))


@tool(LOOKUP_BENCHMARKS)
def lookup_benchmarks(query: operations.BenchmarkQuery, runtime: Runtime) -> str:
    """Measured benchmark rows for a model on a GPU (optionally one precision / tensor parallel size)."""
    kb = runtime.context.knowledge_base()
    return _run(runtime, LOOKUP_BENCHMARKS, query.model_dump(mode="json"), lambda: operations.find_benchmarks(kb, query))


@tool(SIMILAR_DEPLOYMENTS)
def similar_deployments(runtime: Runtime, k: Annotated[int, Field(ge=1, le=20)] = 3) -> str:
    """Past deployments with the most similar workloads to the current spec, and how they did against their SLOs."""
    kb, spec = runtime.context.knowledge_base(), runtime.state.spec
    return _run(runtime, SIMILAR_DEPLOYMENTS, {"k": k}, lambda: operations.similar(kb, spec, k))
