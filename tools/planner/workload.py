"""Turn a ``DeploymentSpec`` into the load the planner sizes for (rates, lengths, SLOs, context)."""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from knowledge.catalog import Catalog
from knowledge.domain import DeploymentSpec, Load, LoadKind, UseCaseTemplate, fill_defaults
from simulator.perf import SloTargets
from tools.errors import PlanningError
from tools.planner.options import PlanOptions

MODEL_LEN_MARGIN = 1.25  # --max-model-len covers long requests (about p99) with this margin


class PlanningWorkload(BaseModel):
    spec: DeploymentSpec = Field(description="the spec with every default filled (and marked assumed)")
    template: UseCaseTemplate
    avg_rps: float
    peak_rps: float
    peak_load: Load = Field(description="open-loop load at the peak rate, with length spreads and burstiness")
    slos: SloTargets
    max_model_len: int = Field(description="context every replica must hold (tokens)")

    def load_at(self, rps: float) -> Load:
        return self.peak_load.model_copy(update={"value": max(rps, 1e-6)})

    def sizing_rps(self, options: PlanOptions) -> float:
        """The rate replicas are sized for: the peak plus the headroom kept spare."""
        return self.peak_rps * (1 + options.headroom)


def _p90(stated_mean: int, template_mean: int, template_p90: int) -> int:
    """Keep the template's spread when the user states only a mean."""
    return max(stated_mean, round(stated_mean * template_p90 / template_mean))


def _model_len(prompt_p90: int, output_p90: int) -> int:
    # p99 of a lognormal is ~1.6x its p90 at the spreads templates use; round up to a multiple of 1,024.
    need = (prompt_p90 + output_p90) * 1.6 * MODEL_LEN_MARGIN
    return int(math.ceil(need / 1024) * 1024)


def workload_from_spec(spec: DeploymentSpec, catalog: Catalog) -> PlanningWorkload:
    if spec.use_case is None:
        names = ", ".join(u.name.value for u in catalog.use_cases)
        raise PlanningError(f"Planning needs a use case (one of: {names}).")
    if spec.users is None and spec.concurrent_users is None and spec.rps is None and spec.peak_rps is None:
        raise PlanningError("Planning needs a scale: a number of users (or concurrent users), an average request rate or a peak rate.")
    if spec.rps is not None and spec.peak_rps is not None and spec.peak_rps < spec.rps:
        raise PlanningError(f"The peak rate ({spec.peak_rps:g} req/s) is below the average ({spec.rps:g} req/s).")
    template = catalog.use_case(spec.use_case)
    full = fill_defaults(spec, template)
    assert full.rps is not None and full.peak_rps is not None  # fill_defaults guarantees both given a scale
    prompt, output = full.prompt_tokens or template.prompt_tokens.mean, full.output_tokens or template.output_tokens.mean
    prompt_p90 = _p90(prompt, template.prompt_tokens.mean, template.prompt_tokens.p90)
    output_p90 = _p90(output, template.output_tokens.mean, template.output_tokens.p90)
    cv = template.traffic.burstiness_cv
    load = Load(kind=LoadKind.BURSTY if cv > 1.05 else LoadKind.RPS, value=full.peak_rps, burstiness_cv=max(cv, 1.0),
                prompt_tokens=prompt, output_tokens=output, prompt_tokens_p90=prompt_p90, output_tokens_p90=output_p90)
    return PlanningWorkload(
        spec=full, template=template, avg_rps=full.rps, peak_rps=max(full.peak_rps, full.rps), peak_load=load,
        slos=SloTargets(ttft_p95_ms=full.ttft_p95_ms, itl_p95_ms=full.itl_p95_ms, e2e_p95_ms=full.e2e_p95_ms),
        max_model_len=_model_len(prompt_p90, output_p90),
    )
