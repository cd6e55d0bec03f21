"""Turn a ``DeploymentSpec`` into the load the planner sizes for (rates, lengths, SLOs, context, schedule)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from knowledge.catalog import Catalog
from knowledge.domain import (
    DeploymentSpec, Load, LoadKind, UseCaseTemplate, fill_defaults, implausible_rate_per_user, is_batch,
    max_model_len_for, p90_of,
)
from simulator.perf import SloTargets
from tools.errors import PlanningError
from tools.planner.cost import DAYS_PER_MONTH, Schedule
from tools.planner.options import PlanOptions

BURSTY_CV = 1.05  # a template's coefficient of variation above this is bursty traffic (gamma arrivals), else Poisson


class PlanningWorkload(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: DeploymentSpec = Field(description="the spec with every default filled (and marked assumed)")
    template: UseCaseTemplate
    avg_rps: float
    peak_rps: float
    peak_load: Load = Field(description="open-loop load at the peak rate, with length spreads and burstiness")
    slos: SloTargets
    max_model_len: int = Field(description="context every replica must hold (tokens)")
    schedule: Schedule = Field(default_factory=Schedule, description="hours a day the fleet runs, scale to zero")
    batch: bool = Field(default=False, description="throughput work: no peak, latency not targeted unless stated")

    def load_at(self, rps: float) -> Load:
        return self.peak_load.model_copy(update={"value": max(rps, 1e-6)})

    def sizing_rps(self, options: PlanOptions) -> float:
        """The rate replicas are sized for: the peak plus the headroom kept spare."""
        return self.peak_rps * (1 + options.headroom)

    @property
    def output_tokens_per_month(self) -> float:
        """Tokens generated in a month: the average rate over the active hours."""
        return self.avg_rps * self.peak_load.output_tokens * 3600 * self.schedule.hours_per_day * DAYS_PER_MONTH

    def notes(self) -> list[str]:
        """What about the workload's shape changes the plan (said once, before the options)."""
        spec, out = self.spec, []
        if self.batch:
            window = (f"{spec.window_requests:,} requests in {spec.window_hours or 24:g} h"
                      if spec.window_requests else f"{self.avg_rps:.3g} req/s")
            out.append(f"Batch work: {window} ({self.avg_rps:.3g} req/s), sized for throughput"
                       + ("" if any(self.slos.model_dump().values()) else "; latency is not targeted"))
        elif not self.schedule.all_day:
            out.append(f"Traffic runs {self.schedule.hours_per_day:g} h a day: rates are over those hours, and the "
                       f"cost counts the fleet's hours accordingly")
        if spec.stated("users") and spec.stated("rps") and (why := implausible_rate_per_user(spec.users, spec.rps)):
            out.append(f"Planned for the rate you gave: {why}")
        if self.schedule.scale_to_zero and self.schedule.all_day:
            out.append("Scale to zero is allowed, but with traffic around the clock the replicas run all month; "
                       "give the active hours (a window) to cost only those")
        return out


def workload_from_spec(spec: DeploymentSpec, catalog: Catalog) -> PlanningWorkload:
    if spec.use_case is None:
        names = ", ".join(u.name.value for u in catalog.use_cases)
        raise PlanningError(f"Planning needs a use case (one of: {names}).")
    if (spec.users is None and spec.concurrent_users is None and spec.rps is None and spec.peak_rps is None
            and spec.window_requests is None):
        raise PlanningError("Planning needs a scale: a number of users (or concurrent users), an average request "
                            "rate, a peak rate or a number of requests per window.")
    if spec.rps is not None and spec.peak_rps is not None and spec.peak_rps < spec.rps:
        raise PlanningError(f"The peak rate ({spec.peak_rps:g} req/s) is below the average ({spec.rps:g} req/s).")
    template = catalog.use_case(spec.use_case)
    full = fill_defaults(spec, template)
    assert full.rps is not None and full.peak_rps is not None  # fill_defaults guarantees both given a scale
    prompt, output = full.prompt_tokens or template.prompt_tokens.mean, full.output_tokens or template.output_tokens.mean
    prompt_p90, output_p90 = p90_of(prompt, template.prompt_tokens), p90_of(output, template.output_tokens)
    cv = template.traffic.burstiness_cv
    batch = is_batch(full, template)
    # a batch job's requests are submitted at a steady pace (Poisson at most), not in the template's bursts
    kind = LoadKind.BURSTY if cv > BURSTY_CV and not batch else LoadKind.RPS
    load = Load(kind=kind, value=full.peak_rps, burstiness_cv=max(cv, 1.0) if kind is LoadKind.BURSTY else 1.0,
                prompt_tokens=prompt, output_tokens=output, prompt_tokens_p90=prompt_p90, output_tokens_p90=output_p90)
    return PlanningWorkload(
        spec=full, template=template, avg_rps=full.rps, peak_rps=max(full.peak_rps, full.rps), peak_load=load,
        slos=SloTargets(ttft_p95_ms=full.ttft_p95_ms, itl_p95_ms=full.itl_p95_ms, e2e_p95_ms=full.e2e_p95_ms),
        max_model_len=max_model_len_for(prompt, prompt_p90, output, output_p90),
        schedule=Schedule(hours_per_day=full.window_hours or 24.0, scale_to_zero=bool(full.allow_cold_start)),
        batch=batch,
    )
