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
    failures: list[str] = Field(default_factory=list, description="why requests failed: each distinct reason "
                                "with its count, most frequent first ('2 x HTTP 503: ...')")


# Deploy targets that run the GPU-free simulator instead of a model on a GPU.
SIMULATED_TARGETS = frozenset({"local", "simulator"})
MIN_REACHED = 0.95  # a load test below this share of the planned rate did not test the plan
_SLO_NAMES = {"ttft_p95_ms": "TTFT", "itl_p95_ms": "ITL", "e2e_p95_ms": "E2E"}


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
    target_rps: float | None = Field(default=None, gt=0, description="the rate the load test was asked for (the "
                                     "plan's peak); None in outcomes stored before it was recorded")

    @field_validator("source", mode="before")
    @classmethod
    def _source_from_target(cls, value, info):
        if value is None:
            return "simulator" if info.data.get("target") in SIMULATED_TARGETS else "hardware"
        return value

    @property
    def load_reached(self) -> bool:
        return self.target_rps is None or self.measured.requests_per_s >= MIN_REACHED * self.target_rps

    @property
    def verdict(self) -> str:
        """What the test showed, in one line, from the figures: passed; the SLOs missed (by name); requests that
        failed; or the planned load not reached, in which case the SLOs were only tested at the load reached."""
        missed = [f"p95 {_SLO_NAMES.get(c.metric, c.metric)} ({c.predicted_ms:,.0f} ms > {c.target_ms:,.0f} ms)"
                  for c in self.slo_checks if not c.met]
        why = []
        if missed:
            why.append("missed " + ", ".join(missed))
        if self.measured.errors:
            why.append(f"{self.measured.errors} of {self.measured.requests} requests failed")
        if not self.load_reached:
            reached = (f"load not reached ({self.measured.requests_per_s:.3g} of {self.target_rps:.3g} req/s)")
            if not why and self.slo_checks:
                return f"{reached}: the SLOs were met at the load reached"
            why.append(reached)
        if why:
            return "failed: " + "; ".join(why)
        if not self.passed and self.slo_checks:  # stored before target_rps: only a short load test failed these
            return (f"load not reached ({self.measured.requests_per_s:.3g} req/s; the planned rate was not recorded): "
                    "the SLOs were met at the load reached")
        if not self.slo_checks:
            return "not judged: the spec has no latency target to check"
        return "passed: every SLO met"

    @property
    def evidence(self) -> str:
        """How much the outcome proves, in words every front end shows beside it."""
        return ("simulated on the GPU-free simulator, not measured on a GPU" if self.source == "simulator"
                else f"measured on real hardware ({self.target})")


class SimilarDeployment(BaseModel):
    outcome: DeploymentOutcome
    distance: float = Field(description="workload-embedding distance; 0 = identical workload")
    runs: int = Field(default=1, ge=1, description="validations of this same configuration at this same workload "
                                                   "among the nearest; `outcome` is the nearest (then newest) of them")
    runs_passed: int = Field(default=0, ge=0, description="how many of those runs passed")

    @property
    def runs_text(self) -> str:
        """'' for one run; '3 runs of it, 1 passed' when the same test was repeated."""
        return "" if self.runs == 1 else f"{self.runs} runs of it, {self.runs_passed} passed"


def same_test(o: DeploymentOutcome) -> tuple:
    """What makes two validations a repeat of one test: the configuration, the workload and what ran it."""
    r, c = o.recommendation, o.recommendation.config
    return (r.model_id, c.precision, r.gpu, r.total_gpus, c.tensor_parallel, o.spec.use_case, round(o.spec.rps or 0, 3),
            o.target_rps, o.source)
