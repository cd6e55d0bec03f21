"""What a deployment was predicted to do and what it measurably did."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from knowledge.domain.benchmark import LatencyFigures
from knowledge.domain.prediction import Prediction
from knowledge.domain.recommendation import Recommendation, SloCheck
from knowledge.domain.spec import DeploymentSpec


class MeasuredPerformance(BaseModel):
    ttft_ms: LatencyFigures
    itl_ms: LatencyFigures
    e2e_ms: LatencyFigures
    requests: int = Field(ge=0)
    errors: int = Field(ge=0)
    requests_per_s: float = Field(ge=0)
    duration_s: float = Field(ge=0)
    tool: str = Field(description="what measured it, e.g. compass-loadtest or guidellm")


class DeploymentOutcome(BaseModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    target: str = Field(description="local, kserve or plain")
    spec: DeploymentSpec
    recommendation: Recommendation
    predicted: Prediction
    measured: MeasuredPerformance
    slo_checks: list[SloCheck]
    passed: bool
    notes: list[str] = Field(default_factory=list)


class SimilarDeployment(BaseModel):
    outcome: DeploymentOutcome
    distance: float = Field(description="workload-embedding distance; 0 = identical workload")
