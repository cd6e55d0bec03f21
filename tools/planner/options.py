"""Planner knobs that are not part of the user's need (defaults documented, all overridable)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from knowledge.domain import PriceTier

HOURS_PER_MONTH = 730.0  # 8,760 h / 12: the convention cloud price sheets use


class PlanOptions(BaseModel):
    headroom: float = Field(default=0.2, ge=0, le=2, description="capacity kept spare above the peak rate")
    price_tier: PriceTier = PriceTier.ON_DEMAND
    electricity_usd_per_kwh: float = Field(default=0.12, gt=0, le=5)
    pue: float = Field(default=1.4, ge=1, le=3, description="data-centre power usage effectiveness")
    gpu_utilization: float = Field(default=0.6, gt=0, le=1, description="average power draw as a share of TDP")
    amortization_months: int = Field(default=36, ge=1, le=120, description="purchase cost spread over this")
    top_n: int = Field(default=5, ge=1, le=50, description="recommendations returned")
    verify_top: int = Field(default=5, ge=1, le=50, description="candidates checked by full simulation (the "
                                                                 "cheapest verified one is always among them)")
    min_quality: float | None = Field(default=None, ge=0, le=100, description="quality floor for the use case")
    commercial_only: bool = Field(default=False, description="exclude models whose license forbids commercial use")
