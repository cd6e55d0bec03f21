"""Self-hosting vs hosted per-token APIs: option 1's monthly cost beside what a hosted API for the same (or a
comparable) model would charge for the same volume, and the monthly volume where self-hosting breaks even."""

from __future__ import annotations

import datetime as dt
import functools
import math
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import ApiPrice, ModelCard
from tools.planner.cost import DAYS_PER_MONTH
from tools.planner.sizing import SizedOption
from tools.planner.workload import PlanningWorkload

PRICES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "api_prices.yaml"


class ApiAlternative(BaseModel):
    provider: str
    api_model: str
    model: str = Field(description="catalog model the API serves")
    same_model: bool = Field(description="the plan's own model (else a comparable one, see comparable_because)")
    comparable_because: str | None = None
    usd_per_m_input: float
    usd_per_m_output: float
    source: str
    as_of: dt.date | None
    retrieved: dt.date
    requests_per_month: float = Field(description="the plan's volume")
    api_usd_per_month: float = Field(description="the API's charge for that volume")
    self_hosted_usd_per_month: float
    break_even_requests_per_month: float | None = Field(
        description="volume above which self-hosting costs less (None: it never does at this configuration's "
                    "efficiency, even fully used)")
    fleet_requests_per_month: float = Field(description="average monthly volume the planned fleet serves with its "
                                                        "peaks within the SLOs")
    fleet_flat_requests_per_month: float = Field(description="monthly volume the planned fleet serves at a flat load "
                                                             "at its capacity (no peaks)")
    text: str


@functools.lru_cache(maxsize=1)
def api_prices(path: Path = PRICES_FILE) -> tuple[ApiPrice, ...]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(ApiPrice.model_validate(row) for row in doc.get("api_prices", []))


def _comparable(model: ModelCard, catalog: Catalog, prices: tuple[ApiPrice, ...]) -> tuple[ApiPrice, str | None] | None:
    """The cheapest listing of the model itself, else of its family, else of the nearest size."""
    own = [p for p in prices if p.model == model.id]
    if own:
        return min(own, key=lambda p: p.usd_per_m_output), None
    cards = {m.id: m for m in catalog.models}
    listed = [(p, cards[p.model]) for p in prices if p.model in cards]
    if not listed:
        return None
    family = [(p, m) for p, m in listed if m.family == model.family]
    if family:
        p, m = min(family, key=lambda pm: pm[0].usd_per_m_output)
        return p, f"same family ({model.family}), {model.id} itself has no listing"
    size = model.architecture.total_params_b
    p, m = min(listed, key=lambda pm: abs(math.log(pm[1].architecture.total_params_b / size)))
    return p, (f"the nearest listed model by size ({m.architecture.total_params_b:g}B vs {size:g}B parameters), "
               f"{model.id} itself has no listing")


def compare_with_apis(o: SizedOption, workload: PlanningWorkload, catalog: Catalog) -> list[ApiAlternative]:
    found = _comparable(o.candidate.model, catalog, api_prices())
    if found is None or o.cost is None:
        return []
    price, because = found
    load = workload.peak_load
    hours = workload.schedule.hours_per_day * DAYS_PER_MONTH
    requests = workload.avg_rps * 3600 * hours
    per_request = price.usd_per_request(load.prompt_tokens, load.output_tokens)
    api_monthly = requests * per_request
    own = o.cost.monthly_usd
    # the average volume the fleet serves while its peaks (peak/average above it) stay within the SLOs
    fleet = o.replicas * (o.capacity_rps or 0.0) * workload.avg_rps / workload.peak_rps * 3600 * hours
    break_even = own / per_request if per_request > 0 and fleet > 0 and own / fleet < per_request else None
    return [ApiAlternative(
        provider=price.provider, api_model=price.api_model, model=price.model, same_model=because is None,
        comparable_because=because, usd_per_m_input=price.usd_per_m_input, usd_per_m_output=price.usd_per_m_output,
        source=price.source, as_of=price.as_of, retrieved=price.retrieved, requests_per_month=round(requests),
        api_usd_per_month=round(api_monthly, 2), self_hosted_usd_per_month=own,
        break_even_requests_per_month=round(break_even) if break_even else None,
        fleet_requests_per_month=round(fleet),
        fleet_flat_requests_per_month=round(fleet * workload.peak_rps / workload.avg_rps), text=_text(price, because, requests, api_monthly, own, break_even, fleet,
                                                          per_request, workload.peak_rps / workload.avg_rps))]


def _text(price: ApiPrice, because: str | None, requests: float, api: float, own: float, break_even: float | None,
          fleet: float, per_request: float, peak_to_avg: float) -> str:
    dated = f"as of {price.as_of}" if price.as_of else f"read {price.retrieved}, undated page"
    what = (f"{price.provider}'s {price.api_model} API (${price.usd_per_m_input:.2f} in / ${price.usd_per_m_output:.2f} "
            f"out per million tokens, {dated}" + (f"; a stand-in: {because}" if because else "") + ")")
    text = (f"At this volume ({requests:,.0f} requests/month) {what} would cost ${api:,.0f}/month against "
            f"${own:,.0f}/month self-hosted")
    # the fleet's volume is what it serves with this traffic's peaks at its capacity, not a flat load at capacity
    shape = (f"with this traffic's peaks, {peak_to_avg:.2g}x its average, at the fleet's capacity"
             if peak_to_avg > 1.001 else "at the fleet's capacity")
    if break_even is None:
        return text + (f"; even {shape} (about {fleet:,.0f} requests/month), this configuration costs "
                       f"{_usd(own / fleet * 1000)} per 1,000 requests vs {_usd(per_request * 1000)} on the API, so "
                       f"self-hosting does not break even" + _flat(own, fleet * peak_to_avg, peak_to_avg) if fleet else "")
    where = "within" if break_even <= fleet else "beyond"
    return text + (f"; self-hosting breaks even above {break_even:,.0f} requests/month, {where} the about "
                   f"{fleet:,.0f} this fleet serves {shape}")


def _flat(own: float, flat: float, peak_to_avg: float) -> str:
    """What the fleet's requests would cost with no peaks (a flat load at its capacity), said beside the shaped figure."""
    if peak_to_avg <= 1.001:
        return ""
    return f" at this traffic's shape (a flat load at capacity, about {flat:,.0f} requests/month, would cost {_usd(own / flat * 1000)})"


def _usd(x: float) -> str:
    """Cents where they matter; three significant figures for the fractions of a cent per-request costs come to."""
    return f"${x:,.2f}" if x >= 1 else f"${x:.3g}"
