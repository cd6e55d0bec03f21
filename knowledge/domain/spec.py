"""The one ``DeploymentSpec``: what the user needs, field by field, with where each value came from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.domain.catalog import UseCaseTemplate
from knowledge.domain.enums import CostModel, ExperienceClass, Precision, PriceTier, Priority, UseCase

# Fields the user can state; everything else on the model is bookkeeping.
SPEC_FIELDS: tuple[str, ...] = (
    "use_case", "description", "users", "concurrent_users", "rps", "peak_rps", "prompt_tokens", "output_tokens",
    "ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms", "priority", "budget_monthly_usd", "gpus",
    "exclude_gpus", "models", "exclude_models", "precision", "cost_model", "max_gpus",
    "namespace", "allow_cold_start", "price_tier", "window_hours", "window_requests", "experience_class",
)

# A change to the key makes these *assumed* values stale (stated values are never touched).
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "use_case": ("prompt_tokens", "output_tokens", "ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms", "rps", "peak_rps"),
    "users": ("rps", "peak_rps"),
    "concurrent_users": ("rps", "peak_rps"),
    "rps": ("peak_rps", "users"),
    "peak_rps": ("rps",),
}

# Sanity limits: beyond these a number is a typo, not a workload.
MAX_USERS = 100_000_000
MAX_RPS = 1_000_000.0
MAX_TOKENS = 2_000_000
MAX_LATENCY_MS = 24 * 3600 * 1000.0
MAX_BUDGET_USD = 1e9


class FieldSource(BaseModel):
    """Whether a value was stated by the user or assumed by Compass, and from what."""

    model_config = ConfigDict(frozen=True)

    origin: Literal["stated", "assumed"]
    note: str | None = Field(default=None, description="e.g. 'default for chatbot_conversational'")


class DeploymentSpec(BaseModel):
    """A deployment need. Shared by agent, CLI, API, UI and evals (field names are a public contract)."""

    # NaN and infinity are never a workload: "Input should be a finite number" says so (a bound would not)
    model_config = ConfigDict(validate_assignment=True, extra="forbid", allow_inf_nan=False)

    use_case: UseCase | None = None
    description: str | None = Field(default=None, max_length=4000)
    users: int | None = Field(default=None, gt=0, le=MAX_USERS,
                              description="people who use the service on a working day, not monthly actives "
                                          "(the use case says what share of them is active in the busy hour)")
    concurrent_users: int | None = Field(default=None, gt=0, le=MAX_USERS,
                                         description="users active at the same moment (all count as active)")
    rps: float | None = Field(default=None, gt=0, le=MAX_RPS, description="average requests/s")
    peak_rps: float | None = Field(default=None, gt=0, le=MAX_RPS, description="peak requests/s")
    prompt_tokens: int | None = Field(default=None, gt=0, le=MAX_TOKENS, description="mean prompt length")
    output_tokens: int | None = Field(default=None, gt=0, le=MAX_TOKENS, description="mean output length")
    ttft_p95_ms: float | None = Field(default=None, gt=0, le=MAX_LATENCY_MS)
    itl_p95_ms: float | None = Field(default=None, gt=0, le=MAX_LATENCY_MS)
    e2e_p95_ms: float | None = Field(default=None, gt=0, le=MAX_LATENCY_MS)
    priority: Priority | None = None
    budget_monthly_usd: float | None = Field(default=None, gt=0, le=MAX_BUDGET_USD)
    gpus: list[str] = Field(default_factory=list, description="allowed GPU names (canonical); empty = any")
    exclude_gpus: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list, description="preferred model ids; empty = any")
    exclude_models: list[str] = Field(default_factory=list)
    precision: Precision | None = None
    cost_model: CostModel | None = None
    max_gpus: int | None = Field(default=None, gt=0, le=100_000, description="GPUs available (owned fleets)")
    namespace: str | None = Field(default=None, max_length=63)
    allow_cold_start: bool | None = Field(default=None, description="may scale to zero replicas when idle")
    price_tier: PriceTier | None = Field(default=None, description="on_demand (default), spot or reserved_1y rental")
    window_hours: float | None = Field(
        default=None, gt=0, le=24,
        description="the traffic runs within a window of this many hours a day (business hours, a nightly batch "
                    "window, a deadline); unset = spread over the busy hours of a 24x7 service")
    window_requests: int | None = Field(default=None, gt=0, le=10_000_000_000,
                                        description="requests to serve within one window (e.g. 300k tickets overnight)")
    experience_class: ExperienceClass | None = Field(
        default=None, description="overrides the use case's latency class, e.g. batch when latency does not matter")
    sources: dict[str, FieldSource] = Field(default_factory=dict)

    @field_validator("gpus", "exclude_gpus", "models", "exclude_models")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v for v in values if v))

    # ------------------------------------------------------------------ provenance helpers

    def is_set(self, field: str) -> bool:
        value = getattr(self, field)
        return value not in (None, [], "")

    def stated(self, field: str) -> bool:
        src = self.sources.get(field)
        return self.is_set(field) and src is not None and src.origin == "stated"

    def assumed_fields(self) -> dict[str, FieldSource]:
        return {k: v for k, v in self.sources.items() if v.origin == "assumed" and self.is_set(k)}

    def with_values(self, origin: Literal["stated", "assumed"], note: str | None = None,
                    **values: Any) -> "DeploymentSpec":
        """A copy with ``values`` set and their provenance recorded (validation applies)."""
        data = self.model_dump()
        data.update(values)
        sources = dict(self.sources)
        for key in values:
            if key not in SPEC_FIELDS:
                raise ValueError(f"unknown spec field {key!r}")
            sources[key] = FieldSource(origin=origin, note=note)
        data["sources"] = sources
        return DeploymentSpec.model_validate(data)

    def without_stale_assumptions(self, changed: "Iterable[str]") -> "DeploymentSpec":
        """Drop assumed values derived from fields that just changed, so they are derived again."""
        changed = set(changed)
        stale = {dep for key in changed for dep in DERIVED_FROM.get(key, ())}
        stale = [f for f in stale if f not in changed and not self.stated(f) and self.is_set(f)]
        return self.cleared(*stale) if stale else self

    def cleared(self, *fields: str) -> "DeploymentSpec":
        data = self.model_dump()
        for f in fields:
            data[f] = DeploymentSpec.model_fields[f].get_default(call_default_factory=True)
            data["sources"].pop(f, None)
        return DeploymentSpec.model_validate(data)


def average_rps_for_users(users: int, template: UseCaseTemplate) -> float:
    """Busy-hour average request rate of ``users`` users (the one place this formula lives)."""
    t = template.traffic
    return users * t.active_fraction * t.requests_per_active_user_per_min / 60.0


def fill_defaults(spec: DeploymentSpec, template: UseCaseTemplate) -> DeploymentSpec:
    """Complete a spec from its use-case template, marking every filled value as assumed.

    Stated values are never overwritten. Request rates come from users when only users are given;
    the peak comes from the template's peak-to-average ratio.
    """
    uc = template.name.value
    out = spec
    defaults: list[tuple[str, Any, str]] = [
        ("prompt_tokens", template.prompt_tokens.mean, f"typical prompt for {uc} (p90 {template.prompt_tokens.p90})"),
        ("output_tokens", template.output_tokens.mean, f"typical output for {uc} (p90 {template.output_tokens.p90})"),
        ("ttft_p95_ms", template.ttft_p95_ms, f"{template.experience_class.value} experience target for {uc}"),
        ("itl_p95_ms", template.itl_p95_ms, f"{template.experience_class.value} experience target for {uc}"),
        ("e2e_p95_ms", template.e2e_p95_ms, f"{template.experience_class.value} experience target for {uc}"),
        ("priority", Priority.BALANCED, "no priority stated"),
        ("cost_model", CostModel.CLOUD, "cloud rental unless you own or buy GPUs"),
    ]
    for field, value, note in defaults:
        if not out.is_set(field):
            out = out.with_values("assumed", note, **{field: value})
    if out.rps is None and out.concurrent_users is not None:
        t = template.traffic
        out = out.with_values(
            "assumed", f"{out.concurrent_users} users active at once x {t.requests_per_active_user_per_min:g} req/min",
            rps=round(max(out.concurrent_users * t.requests_per_active_user_per_min / 60.0, 1e-3), 3),
        )
    if out.rps is None and out.users is not None:
        rps = max(average_rps_for_users(out.users, template), 1e-3)
        t = template.traffic
        out = out.with_values(
            "assumed",
            f"{out.users} users x {t.active_fraction:.0%} active x "
            f"{t.requests_per_active_user_per_min:g} req/min",
            rps=round(rps, 3),
        )
    if out.rps is None and out.peak_rps is not None:
        out = out.with_values(
            "assumed", f"peak / {template.traffic.peak_to_average:g} peak-to-average for {uc}",
            rps=round(max(out.peak_rps / template.traffic.peak_to_average, 1e-3), 3),
        )
    if out.peak_rps is None and out.rps is not None:
        out = out.with_values(
            "assumed", f"average x {template.traffic.peak_to_average:g} peak-to-average for {uc}",
            # a tiny rate must not round to 0, a huge one not pass the bound
            peak_rps=round(min(max(out.rps * template.traffic.peak_to_average, 1e-3), MAX_RPS), 3),
        )
    return out
