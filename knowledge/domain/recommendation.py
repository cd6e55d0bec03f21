"""A ranked answer of the capacity planner."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

from knowledge.domain.catalog import QualityScore
from knowledge.domain.enums import CostModel, PriceTier
from knowledge.domain.prediction import Prediction, ServingConfig

SloMetric = Literal["ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"]


class SloCheck(BaseModel):
    metric: SloMetric
    target_ms: float
    predicted_ms: float
    met: bool
    margin_pct: float = Field(description="(target - predicted) / target x 100; negative = missed by that much")

    @classmethod
    def of(cls, metric: SloMetric, target_ms: float, predicted_ms: float) -> "SloCheck":
        """The one SLO comparison: a p95 (predicted or measured) against its target."""
        return cls(metric=metric, target_ms=target_ms, predicted_ms=round(predicted_ms, 2),
                   met=predicted_ms <= target_ms, margin_pct=round((target_ms - predicted_ms) / target_ms * 100, 1))


class CostEstimate(BaseModel):
    cost_model: CostModel
    tier: PriceTier | None = Field(default=None, description="rental tier (cloud)")
    monthly_usd: float = Field(description="what it costs per month to run, by the cost model")
    usd_per_gpu_hour: float | None = None
    usd_per_million_output_tokens: float | None = Field(default=None, description="at the planned average load")
    capex_usd: float | None = Field(default=None, description="purchase price of the GPUs (purchase model)")
    break_even_month: int | None = Field(default=None, description="month purchase beats renting on-demand")
    breakdown: dict[str, float] = Field(default_factory=dict, description="named parts of monthly_usd")
    assumptions: list[str] = Field(default_factory=list)


class BindingConstraint(BaseModel):
    """The limit that sets an option's size: relax it and the option gets smaller (or cheaper)."""

    kind: Literal["slo", "throughput", "memory", "gpu_limit"] = Field(
        description="slo: a p95 target caps each replica's rate; throughput: the replica's batch is full (KV "
                    "cache or max_num_seqs) before any target binds; memory: one replica (sized by the weights and "
                    "context) already serves the peak; gpu_limit: capped by the GPUs available")
    metric: SloMetric | None = Field(default=None, description="the binding target (kind slo)")
    target_ms: float | None = None
    sizing_rps: float = Field(description="the rate the replicas are sized for: peak x (1 + headroom), req/s")
    per_replica_rps: float = Field(description="what one replica sustains within the binding limit, req/s")
    replicas: int
    text: str = Field(description="one sentence, e.g. 'sized by peak rate 13 req/s at p95 ITL 50 ms: ...'")


class Recommendation(BaseModel):
    rank: int = Field(ge=1)
    config: ServingConfig
    replicas: int = Field(ge=1, description="replicas to serve the peak rate within the SLOs")
    min_replicas: int = Field(ge=0, description="autoscaling floor (average load)")
    max_replicas: int = Field(ge=1, description="autoscaling ceiling (peak + headroom)")
    load_per_replica_rps: float = Field(description="peak requests/s each replica is sized for")
    prediction: Prediction = Field(description="one replica at load_per_replica_rps")
    cost: CostEstimate
    quality: QualityScore | None = None
    slo_checks: list[SloCheck]
    meets_slos: bool
    within_budget: bool
    pareto_optimal: bool = Field(description="no other option is cheaper, faster and at least as good")
    rationale: str
    tradeoffs: list[str] = Field(default_factory=list)
    sized_by: BindingConstraint | None = Field(default=None, description="what sets the replica count")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def model_id(self) -> str:
        return self.config.model_id

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gpu(self) -> str:
        return self.config.gpu

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_gpus(self) -> int:
        return self.replicas * self.config.gpus_per_replica

    @computed_field  # type: ignore[prop-decorator]
    @property
    def monthly_cost_usd(self) -> float:
        return self.cost.monthly_usd
