"""Stateless planning endpoints and the catalog."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.compute import ComputePool
from api.deps import get_compute, get_kb
from api.errors import COMMON_ERRORS
from api.security import rate_limited_user
from knowledge.base import KnowledgeBase
from knowledge.errors import CompassError
from knowledge.domain import SPEC_FIELDS, DeploymentSpec, GpuSpec, ModelCard, Prediction, UseCaseTemplate
from knowledge.domain.spec import ignored_rate_sources
from knowledge.health import HealthReport
from tools.planner import PlanOptions, PlanResult, WhyNot
from tools.operations import PredictRequest, WhyNotRequest, run_compare, run_plan, run_predict, run_why_not
from tools.whatif import ALIASES, Comparison, Variant

router = APIRouter(prefix="/v1", tags=["planning"], responses=COMMON_ERRORS)


class PredictBody(PredictRequest):
    # The request's "exactly one of concurrency or rps" rule, stated in the OpenAPI schema too (a branch holds
    # when its field is present and not null).
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": [field], "not": {"properties": {field: {"type": "null"}}}} for field in ("concurrency", "rps")
    ]})


class PlanRequest(BaseModel):
    spec: DeploymentSpec
    options: PlanOptions = Field(default_factory=PlanOptions)


CHANGE_KEYS = sorted({*SPEC_FIELDS, *ALIASES, "traffic"})


class VariantIn(Variant):
    changes: dict[str, Any] = Field(
        description="spec field -> value, or 'Nx' to multiply; 'traffic' scales users/rps/peak_rps together",
        json_schema_extra={"propertyNames": {"enum": CHANGE_KEYS}})

    @field_validator("changes")
    @classmethod
    def _known_fields(cls, changes: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(k for k in changes if k not in CHANGE_KEYS)
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}; use traffic or a spec field")
        return changes


class WhatIfRequest(BaseModel):
    spec: DeploymentSpec
    variants: list[VariantIn] = Field(min_length=1, max_length=10)


def _stated(spec: DeploymentSpec) -> DeploymentSpec:
    """Values sent by an API client are stated by that client unless it marked them."""
    if why := ignored_rate_sources(spec):  # a rate given two ways: one would be silently ignored
        raise CompassError(why)
    values = {k: getattr(spec, k) for k in spec.model_fields_set if k != "sources"}
    return DeploymentSpec(sources=spec.sources).with_values("stated", "API request", **{
        k: v for k, v in values.items() if k not in spec.sources})


# The stateless endpoints compute in worker processes (api/compute.py): each route awaits one of the plain
# functions below, which get the worker's knowledge base; the event loop never runs a simulation itself.


@router.post("/plan", response_model=PlanResult)
async def plan(body: PlanRequest, _user: str = Depends(rate_limited_user),
               compute: ComputePool = Depends(get_compute)):
    return await compute.run(_plan, body)


def _plan(kb: KnowledgeBase, body: PlanRequest) -> PlanResult:
    return run_plan(kb, _stated(body.spec), body.options)


class WhyNotBody(BaseModel):
    spec: DeploymentSpec
    options: PlanOptions = Field(default_factory=PlanOptions)
    question: WhyNotRequest


@router.post("/plan/why-not", response_model=WhyNot)
async def plan_why_not(body: WhyNotBody, _user: str = Depends(rate_limited_user),
                       compute: ComputePool = Depends(get_compute)):
    """Why option 1 rather than a named GPU, model, precision, TP degree or option N: the alternative's best
    configuration (evaluated even if excluded), its cost against option 1 and the SLOs it misses by how much."""
    return await compute.run(_why_not, body)


def _why_not(kb: KnowledgeBase, body: WhyNotBody) -> WhyNot:
    return run_why_not(kb, _stated(body.spec), body.question, body.options)


@router.post("/predict", response_model=Prediction)
async def predict(body: PredictBody, _user: str = Depends(rate_limited_user),
                  compute: ComputePool = Depends(get_compute)):
    return await compute.run(_predict, body)


def _predict(kb: KnowledgeBase, body: PredictBody) -> Prediction:
    prediction = run_predict(kb, body)
    if missing := _unmeasured(prediction):
        # Latency statistics the simulation could not produce (no request completed) are not sent as nulls
        # where the schema promises numbers: the caller is told why, in the engine's own words.
        why = "; ".join(prediction.notes) or "no simulated request completed"
        raise CompassError(f"No {' or '.join(missing)} can be predicted for this load: {why}.")
    return prediction


def _unmeasured(prediction: Prediction) -> list[str]:
    names = {"ttft_ms": "TTFT", "itl_ms": "ITL", "e2e_ms": "E2E latency"}
    return [label for field, label in names.items()
            if (stats := getattr(prediction, field)) is not None
            and not all(math.isfinite(v) for v in (stats.mean, stats.p50, stats.p90, stats.p95, stats.p99))]


@router.post("/whatif", response_model=Comparison)
async def whatif(body: WhatIfRequest, _user: str = Depends(rate_limited_user),
                 compute: ComputePool = Depends(get_compute)):
    return await compute.run(_whatif, body)


def _whatif(kb: KnowledgeBase, body: WhatIfRequest) -> Comparison:
    return run_compare(kb, _stated(body.spec), body.variants)


@router.get("/models", response_model=list[ModelCard])
def models(_user: str = Depends(rate_limited_user), kb: KnowledgeBase = Depends(get_kb)):
    return list(kb.catalog.models)


@router.get("/gpus", response_model=list[GpuSpec])
def gpus(_user: str = Depends(rate_limited_user), kb: KnowledgeBase = Depends(get_kb)):
    return list(kb.catalog.gpus)


@router.get("/usecases", response_model=list[UseCaseTemplate])
def usecases(_user: str = Depends(rate_limited_user), kb: KnowledgeBase = Depends(get_kb)):
    return list(kb.catalog.use_cases)


@router.get("/kb/health", response_model=HealthReport)
def kb_health(_user: str = Depends(rate_limited_user), kb: KnowledgeBase = Depends(get_kb)):
    return kb.health()
