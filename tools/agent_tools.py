"""The agent's typed tools: LangChain tools with pydantic argument schemas that return structured results.

Each tool's content is the JSON of its pydantic result (what an LLM reads); the artifact is the result object
itself (what the graph stores). Names are stable: evals and transcripts refer to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from knowledge.base import KnowledgeBase
from knowledge.domain import DeploymentSpec
from tools import service
from tools.whatif import Variant

PLAN_CAPACITY = "plan_capacity"
PREDICT_PERFORMANCE = "predict_performance"
COMPARE_WHATIF = "compare_whatif"
LOOKUP_BENCHMARKS = "lookup_benchmarks"
SIMILAR_DEPLOYMENTS = "similar_deployments"


class PlanArgs(BaseModel):
    spec: DeploymentSpec = Field(description="the deployment need; unset fields take use-case defaults")


class WhatIfArgs(BaseModel):
    spec: DeploymentSpec
    variants: list[Variant] = Field(min_length=1, max_length=6,
                                    description="e.g. {label: 'traffic x2', changes: {traffic: '2x'}}")


class SimilarArgs(BaseModel):
    spec: DeploymentSpec
    k: int = Field(default=3, ge=1, le=20)


def _json(result: Any) -> str:
    if isinstance(result, list):
        return "[" + ",".join(r.model_dump_json() for r in result) + "]"
    return result.model_dump_json()


def _tool(name: str, description: str, schema: type[BaseModel], fn: Callable[..., Any]) -> BaseTool:
    def run(**kwargs: Any) -> tuple[str, Any]:
        result = fn(schema.model_validate(kwargs))
        return _json(result), result

    return StructuredTool.from_function(func=run, name=name, description=description, args_schema=schema,
                                        response_format="content_and_artifact")


def build_tools(kb: KnowledgeBase) -> list[BaseTool]:
    return [
        _tool(PLAN_CAPACITY, "Rank model x GPU x tensor-parallel x replica configurations that meet the spec's "
              "p95 SLOs, with predicted latency, monthly cost and rationale.", PlanArgs,
              lambda a: service.run_plan(kb, a.spec)),
        _tool(PREDICT_PERFORMANCE, "Predict TTFT/ITL/E2E percentiles, throughput and memory for one "
              "configuration under a closed-loop concurrency or open-loop request rate.", service.PredictRequest,
              lambda a: service.run_predict(kb, a)),
        _tool(COMPARE_WHATIF, "Re-plan the spec under changes (traffic x2, relaxed TTFT, another GPU, fp8 ...) "
              "and compare the top option side by side with deltas.", WhatIfArgs,
              lambda a: service.run_compare(kb, a.spec, a.variants)),
        _tool(LOOKUP_BENCHMARKS, "Measured benchmark rows for a model on a GPU.", service.BenchmarkQuery,
              lambda a: service.find_benchmarks(kb, a)),
        _tool(SIMILAR_DEPLOYMENTS, "Past deployments with the most similar workloads and how they performed "
              "against their SLOs.", SimilarArgs, lambda a: service.similar(kb, a.spec, a.k)),
    ]
