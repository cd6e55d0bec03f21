"""What a deployment was predicted to do and what it measurably did."""

from __future__ import annotations

import datetime as dt
import uuid

from typing import Literal

from pydantic import BaseModel, Field, field_validator

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


# Deploy targets that run the GPU-free simulator instead of a model on a GPU.
SIMULATED_TARGETS = frozenset({"local", "simulator"})


class DeploymentOutcome(BaseModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    target: str = Field(description="local, kserve or plain")
    source: Literal["simulator", "hardware"] = Field(
        default=None, validate_default=True,
        description="simulator: measured on the GPU-free simulator (not a GPU measurement); hardware: a real "
                    "deployment. Default: from the target")
    spec: DeploymentSpec
    recommendation: Recommendation
    predicted: Prediction
    measured: MeasuredPerformance
    slo_checks: list[SloCheck]
    passed: bool
    notes: list[str] = Field(default_factory=list)

    @field_validator("source", mode="before")
    @classmethod
    def _source_from_target(cls, value, info):
        if value is None:
            return "simulator" if info.data.get("target") in SIMULATED_TARGETS else "hardware"
        return value

    @property
    def evidence(self) -> str:
        """How much the outcome proves, in words every front end shows beside it."""
        return ("simulated on the GPU-free simulator, not measured on a GPU" if self.source == "simulator"
                else f"measured on real hardware ({self.target})")


class SimilarDeployment(BaseModel):
    outcome: DeploymentOutcome
    distance: float = Field(description="workload-embedding distance; 0 = identical workload")
