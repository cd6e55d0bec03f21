"""What a number of GPUs costs per month under each cost model and schedule (the one place these formulas live)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from knowledge.domain import CostEstimate, CostModel, GpuSpec, PriceTier
from tools.planner.options import HOURS_PER_MONTH, PlanOptions

DAYS_PER_MONTH = HOURS_PER_MONTH / 24
# Cold start of a replica scaled from zero: pod scheduling, image start, vLLM engine start-up and CUDA graph capture
# take about a minute and a half on a warm node; the weights then stream from network storage at about 1 GB/s
# (PVC or object-store cache). Both are typical figures, stated wherever they are used.
COLD_START_BASE_S = 90.0
WEIGHT_LOAD_GB_PER_S = 1.0


def cold_start_s(weights_gb: float) -> float:
    """Seconds from zero to a serving replica holding ``weights_gb`` of weights (all its GPUs together)."""
    return COLD_START_BASE_S + weights_gb / WEIGHT_LOAD_GB_PER_S


@dataclass(frozen=True)
class Schedule:
    """When the replicas run: the whole fleet during the active window (hours a day), the autoscaling floor
    outside it (nothing when scaling to zero is allowed: then every window pays one cold start)."""

    hours_per_day: float = 24.0
    scale_to_zero: bool = False

    @property
    def all_day(self) -> bool:
        return self.hours_per_day >= 24

    def gpu_hours(self, gpus: int, gpus_per_replica: int, cold_start: float, tier: PriceTier) -> float:
        """GPU-hours billed per month. A 1-year reservation bills every hour whether used or not."""
        if self.all_day or tier is PriceTier.RESERVED_1Y:
            return gpus * HOURS_PER_MONTH
        warmup_h = cold_start / 3600 if self.scale_to_zero else 0.0
        floor = 0 if self.scale_to_zero else gpus_per_replica  # one replica kept warm off-hours
        return (gpus * (self.hours_per_day + warmup_h) + floor * (24 - self.hours_per_day)) * DAYS_PER_MONTH

    def words(self, cold_start: float, tier: PriceTier) -> str:
        if self.all_day:
            return f"{HOURS_PER_MONTH:g} h/month"
        if tier is PriceTier.RESERVED_1Y:
            return (f"{HOURS_PER_MONTH:g} h/month: a 1-year reservation bills every hour, also outside the "
                    f"{self.hours_per_day:g} h window")
        if self.scale_to_zero:
            return (f"{self.hours_per_day:g} h/day plus a {cold_start / 60:.1f} min cold start per window "
                    f"(scale to zero), {DAYS_PER_MONTH:.1f} days/month")
        return (f"{self.hours_per_day:g} h/day at full size, one replica kept warm the other "
                f"{24 - self.hours_per_day:g} h, {DAYS_PER_MONTH:.1f} days/month")


FULL_TIME = Schedule()


def rental_usd_per_gpu_hour(gpu: GpuSpec, tier: PriceTier) -> float:
    base = gpu.on_demand_usd_per_hour
    if tier is PriceTier.SPOT:
        return base * (1 - gpu.spot_discount)
    if tier is PriceTier.RESERVED_1Y:
        return base * (1 - gpu.reserved_1y_discount)
    return base


def power_usd(gpu: GpuSpec, gpu_hours: float, options: PlanOptions) -> float:
    """TDP x utilisation x hours x $/kWh x PUE (GPU board power; the PUE covers cooling and distribution)."""
    kwh = gpu.tdp_watts / 1000 * options.gpu_utilization * gpu_hours
    return kwh * options.electricity_usd_per_kwh * options.pue


def usd_per_million_output_tokens(monthly_usd: float, output_tokens_per_month: float) -> float | None:
    return monthly_usd / output_tokens_per_month * 1e6 if output_tokens_per_month > 0 else None


def monthly_usd(gpu: GpuSpec, gpus: int, cost_model: CostModel, options: PlanOptions, *,
                gpu_hours: float | None = None) -> float:
    """The monthly figure alone (screening thousands of candidates); estimate_cost explains the same number.
    ``gpu_hours``: billed GPU-hours per month (default: every GPU all month)."""
    hours = gpus * HOURS_PER_MONTH if gpu_hours is None else gpu_hours
    if cost_model is CostModel.CLOUD:
        return rental_usd_per_gpu_hour(gpu, options.price_tier) * hours
    power = power_usd(gpu, hours, options)
    if cost_model is CostModel.OWNED:
        return power
    return gpu.purchase_usd * gpus / options.amortization_months + power


def estimate_cost(gpu: GpuSpec, gpus: int, cost_model: CostModel, options: PlanOptions, *,
                  output_tokens_per_month: float, gpus_per_replica: int = 1, weights_gb: float = 0.0,
                  schedule: Schedule = FULL_TIME) -> CostEstimate:
    cold = cold_start_s(weights_gb)
    hours = schedule.gpu_hours(gpus, gpus_per_replica, cold, options.price_tier)
    if cost_model is CostModel.CLOUD:
        est = _cloud(gpu, hours, options, schedule.words(cold, options.price_tier))
    elif cost_model is CostModel.OWNED:
        est = _owned(gpu, hours, options)
    else:
        est = _purchase(gpu, gpus, hours, options)
    if schedule.scale_to_zero:
        est.assumptions.append(f"scale to zero: the first request of a window waits a cold start of about "
                               f"{cold / 60:.1f} min ({COLD_START_BASE_S:.0f} s engine start + {weights_gb:.0f} GB of "
                               f"weights at {WEIGHT_LOAD_GB_PER_S:g} GB/s)")
    est.usd_per_million_output_tokens = usd_per_million_output_tokens(est.monthly_usd, output_tokens_per_month)
    return est


def _cloud(gpu: GpuSpec, gpu_hours: float, options: PlanOptions, schedule_words: str) -> CostEstimate:
    tier = options.price_tier
    rate = rental_usd_per_gpu_hour(gpu, tier)
    monthly = rate * gpu_hours
    assumptions = [f"{tier.value.replace('_', ' ')} ${rate:.2f}/GPU-h (median of {len(gpu.prices)} providers"
                   f"{_discount_note(gpu, tier)}, {_price_dates(gpu)}), {schedule_words}"]
    if tier is PriceTier.SPOT:
        assumptions.append("spot: the provider can reclaim a GPU at short notice; its replica's in-flight requests "
                           "fail and it comes back only after a cold start, so keep a spare replica or accept "
                           "interruptions (fine for retryable batch work)")
    if tier is PriceTier.RESERVED_1Y:
        assumptions.append("1-year reservation: committed for 12 months, billed whether the GPUs are used or not")
    return CostEstimate(cost_model=CostModel.CLOUD, tier=tier, monthly_usd=round(monthly, 2),
                        usd_per_gpu_hour=round(rate, 4), breakdown={"rental": round(monthly, 2)},
                        assumptions=assumptions)


def _discount_note(gpu: GpuSpec, tier: PriceTier) -> str:
    if tier is PriceTier.SPOT:
        return f", -{gpu.spot_discount:.0%} spot"
    if tier is PriceTier.RESERVED_1Y:
        return f", -{gpu.reserved_1y_discount:.0%} 1-year commitment"
    return ""


def _owned(gpu: GpuSpec, gpu_hours: float, options: PlanOptions) -> CostEstimate:
    power = power_usd(gpu, gpu_hours, options)
    return CostEstimate(
        cost_model=CostModel.OWNED, monthly_usd=round(power, 2), breakdown={"power": round(power, 2)},
        assumptions=[f"hardware already owned: power only, {gpu.tdp_watts:g} W TDP x {options.gpu_utilization:.0%} "
                     f"utilisation x PUE {options.pue:g} at ${options.electricity_usd_per_kwh:g}/kWh, "
                     f"{gpu_hours:,.0f} GPU-h/month"],
    )


def _purchase(gpu: GpuSpec, gpus: int, gpu_hours: float, options: PlanOptions) -> CostEstimate:
    capex = gpu.purchase_usd * gpus
    power = power_usd(gpu, gpu_hours, options)
    amortized = capex / options.amortization_months
    rental = gpu.on_demand_usd_per_hour * gpu_hours
    saving = rental - power
    break_even = math.ceil(capex / saving) if saving > 0 else None
    return CostEstimate(
        cost_model=CostModel.PURCHASE, monthly_usd=round(amortized + power, 2), capex_usd=round(capex, 2),
        break_even_month=break_even, breakdown={"amortization": round(amortized, 2), "power": round(power, 2)},
        assumptions=[f"${gpu.purchase_usd:,.0f} per GPU ({gpu.purchase_source}) over {options.amortization_months} "
                     f"months, plus power; break-even against on-demand rental of the same hours "
                     + (f"in month {break_even}" if break_even else "never (power costs more than renting)")],
    )


def _price_dates(gpu: GpuSpec) -> str:
    """When the prices were read, and how old the oldest is once past the age ``compass kb check`` warns at."""
    import datetime as dt

    from knowledge.settings import get_settings

    dates = sorted(p.as_of for p in gpu.prices)
    words = f"read {dates[0]}" if dates[0] == dates[-1] else f"read {dates[0]} to {dates[-1]}"
    age = (dt.date.today() - dates[0]).days
    if age > get_settings().price_max_age_days:
        words += f"; the oldest is {age} days old"
    return words
