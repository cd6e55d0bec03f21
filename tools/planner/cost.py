"""What a number of GPUs costs per month under each cost model (the one place these formulas live)."""

from __future__ import annotations

import math

from knowledge.domain import CostEstimate, CostModel, GpuSpec, PriceTier
from tools.planner.options import HOURS_PER_MONTH, PlanOptions


def rental_usd_per_gpu_hour(gpu: GpuSpec, tier: PriceTier) -> float:
    base = gpu.on_demand_usd_per_hour
    if tier is PriceTier.SPOT:
        return base * (1 - gpu.spot_discount)
    if tier is PriceTier.RESERVED_1Y:
        return base * (1 - gpu.reserved_1y_discount)
    return base


def power_usd_per_month(gpu: GpuSpec, gpus: int, options: PlanOptions) -> float:
    """TDP x utilisation x hours x $/kWh x PUE (GPU board power; the PUE covers cooling and distribution)."""
    kwh = gpu.tdp_watts / 1000 * options.gpu_utilization * HOURS_PER_MONTH * gpus
    return kwh * options.electricity_usd_per_kwh * options.pue


def usd_per_million_output_tokens(monthly_usd: float, avg_rps: float, output_tokens: int) -> float | None:
    tokens_per_month = avg_rps * output_tokens * 3600 * HOURS_PER_MONTH
    return monthly_usd / tokens_per_month * 1e6 if tokens_per_month > 0 else None


def monthly_usd(gpu: GpuSpec, gpus: int, cost_model: CostModel, options: PlanOptions) -> float:
    """The monthly figure alone (screening thousands of candidates); estimate_cost explains the same number."""
    if cost_model is CostModel.CLOUD:
        return rental_usd_per_gpu_hour(gpu, options.price_tier) * gpus * HOURS_PER_MONTH
    power = power_usd_per_month(gpu, gpus, options)
    if cost_model is CostModel.OWNED:
        return power
    return gpu.purchase_usd * gpus / options.amortization_months + power


def estimate_cost(gpu: GpuSpec, gpus: int, cost_model: CostModel, options: PlanOptions, *,
                  avg_rps: float, output_tokens: int) -> CostEstimate:
    if cost_model is CostModel.CLOUD:
        est = _cloud(gpu, gpus, options)
    elif cost_model is CostModel.OWNED:
        est = _owned(gpu, gpus, options)
    else:
        est = _purchase(gpu, gpus, options)
    est.usd_per_million_output_tokens = usd_per_million_output_tokens(est.monthly_usd, avg_rps, output_tokens)
    return est


def _cloud(gpu: GpuSpec, gpus: int, options: PlanOptions) -> CostEstimate:
    rate = rental_usd_per_gpu_hour(gpu, options.price_tier)
    monthly = monthly_usd(gpu, gpus, CostModel.CLOUD, options)
    return CostEstimate(
        cost_model=CostModel.CLOUD, tier=options.price_tier, monthly_usd=round(monthly, 2), usd_per_gpu_hour=round(rate, 4),
        breakdown={"rental": round(monthly, 2)},
        assumptions=[f"{options.price_tier.value.replace('_', ' ')} ${rate:.2f}/GPU-h (median of {len(gpu.prices)} "
                     f"providers{_discount_note(gpu, options.price_tier)}), {HOURS_PER_MONTH:g} h/month"],
    )


def _discount_note(gpu: GpuSpec, tier: PriceTier) -> str:
    if tier is PriceTier.SPOT:
        return f", -{gpu.spot_discount:.0%} spot"
    if tier is PriceTier.RESERVED_1Y:
        return f", -{gpu.reserved_1y_discount:.0%} 1-year commitment"
    return ""


def _owned(gpu: GpuSpec, gpus: int, options: PlanOptions) -> CostEstimate:
    power = monthly_usd(gpu, gpus, CostModel.OWNED, options)
    return CostEstimate(
        cost_model=CostModel.OWNED, monthly_usd=round(power, 2), breakdown={"power": round(power, 2)},
        assumptions=[f"hardware already owned: power only, {gpu.tdp_watts:g} W TDP x {options.gpu_utilization:.0%} "
                     f"utilisation x PUE {options.pue:g} at ${options.electricity_usd_per_kwh:g}/kWh"],
    )


def _purchase(gpu: GpuSpec, gpus: int, options: PlanOptions) -> CostEstimate:
    capex = gpu.purchase_usd * gpus
    power = power_usd_per_month(gpu, gpus, options)
    amortized = monthly_usd(gpu, gpus, CostModel.PURCHASE, options) - power
    rental = gpu.on_demand_usd_per_hour * gpus * HOURS_PER_MONTH
    saving = rental - power
    break_even = math.ceil(capex / saving) if saving > 0 else None
    return CostEstimate(
        cost_model=CostModel.PURCHASE, monthly_usd=round(amortized + power, 2), capex_usd=round(capex, 2),
        break_even_month=break_even, breakdown={"amortization": round(amortized, 2), "power": round(power, 2)},
        assumptions=[f"${gpu.purchase_usd:,.0f} per GPU ({gpu.purchase_source}) over {options.amortization_months} "
                     f"months, plus power; break-even against on-demand rental "
                     + (f"in month {break_even}" if break_even else "never (power costs more than renting)")],
    )
