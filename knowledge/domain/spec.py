"""The one ``DeploymentSpec``: what the user needs, field by field, with where each value came from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.domain.catalog import LengthDistribution, UseCaseTemplate
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
    "window_requests": ("rps", "peak_rps"),
    "window_hours": ("rps", "peak_rps", "allow_cold_start"),
    "experience_class": ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms", "peak_rps", "allow_cold_start"),
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


# Latency targets (p95 TTFT, ITL in ms) of an experience class stated on its own, as the use-case templates set
# them per class (knowledge/data/usecases.yaml); E2E follows from the output length. Batch: latency does not
# matter, only throughput and, with a window, finishing the window's requests in time.
EXPERIENCE_TARGETS: dict[ExperienceClass, tuple[float, float] | None] = {
    ExperienceClass.INSTANT: (200.0, 20.0),
    ExperienceClass.CONVERSATIONAL: (500.0, 50.0),
    ExperienceClass.INTERACTIVE: (1000.0, 50.0),
    ExperienceClass.DEFERRED: (8000.0, 80.0),
    ExperienceClass.BATCH: None,
}
DEFAULT_NAMESPACE = "compass"  # where deployments go when neither the spec nor the command names a namespace


def p90_of(stated_mean: int, template: LengthDistribution) -> int:
    """The p90 length of requests whose mean the user stated: the template's spread kept (the one rule)."""
    return max(stated_mean, round(stated_mean * template.p90 / template.mean))


# --max-model-len covers the long requests of a workload: about p99 (1.6x the p90 of the lognormal lengths the
# templates use; fixed lengths have no tail) plus this margin, rounded up to 1,024 tokens.
MODEL_LEN_MARGIN = 1.25
P99_OVER_P90 = 1.6
MODEL_LEN_ROUND = 1024


def _long_request(mean: int, p90: int | None) -> float:
    return p90 * P99_OVER_P90 if p90 and p90 > mean else float(p90 or mean)


def max_model_len_for(prompt: int, prompt_p90: int | None, output: int, output_p90: int | None) -> int:
    """The one context-length rule: what every replica must hold for requests of these lengths (tokens)."""
    need = (_long_request(prompt, prompt_p90) + _long_request(output, output_p90)) * MODEL_LEN_MARGIN
    return int(-(-need // MODEL_LEN_ROUND) * MODEL_LEN_ROUND)


def max_model_len_words(prompt: int, prompt_p90: int | None, output: int, output_p90: int | None) -> str:
    """How ``max_model_len_for`` arrived at its figure, in words (for a model skipped as too short)."""
    long_prompt, long_output = _long_request(prompt, prompt_p90), _long_request(output, output_p90)
    tail = (f"about the p99 of the requests ({P99_OVER_P90:g}x their p90)"
            if (prompt_p90 and prompt_p90 > prompt) or (output_p90 and output_p90 > output) else "the requests")
    return (f"{max_model_len_for(prompt, prompt_p90, output, output_p90):,}: a {long_prompt:,.0f}-token prompt and "
            f"{long_output:,.0f}-token output, {tail}, plus {MODEL_LEN_MARGIN - 1:.0%} margin, rounded up to "
            f"{MODEL_LEN_ROUND:,}")


MAX_RPS_PER_USER = 2.0  # sustained requests/s per user beyond which "users" and "rps" disagree


def implausible_rate_per_user(users: int | None, rps: float | None) -> str | None:
    """The one plausibility check of users against a request rate: why they disagree, or None."""
    if not users or not rps or rps / users <= MAX_RPS_PER_USER:
        return None
    return (f"{rps:g} req/s from {users:,} users is {rps / users:.1f} req/s per user, more than people send (at most "
            f"~{MAX_RPS_PER_USER:g}); is the user count or the rate wrong?")


# The fields that each set the average request rate, in the order fill_defaults takes them: the first one given
# decides the rate and every later one would be ignored. (peak_rps is not among them: it sets the peak, and an
# average from any of these goes with it.)
RATE_SOURCES = ("rps", "window_requests", "concurrent_users", "users")


def ignored_rate_sources(spec: DeploymentSpec) -> str | None:
    """Why a request rate given two ways cannot be served as asked (one would be silently ignored), or None: for
    front ends that take a whole spec at once (a spec file, options, an API body). The conversation instead asks
    or replaces, value by value."""
    given = [f for f in RATE_SOURCES if spec.is_set(f) and not _assumed(spec, f)]  # derived values are no claim
    if len(given) < 2:
        return None
    said = " and ".join(f"{f}={getattr(spec, f):g}" for f in given)
    return (f"{said} each set the request rate: {given[0]} would be used and {', '.join(given[1:])} ignored; "
            "give only one of them (peak_rps may go with any)")


def _assumed(spec: DeploymentSpec, field: str) -> bool:
    source = spec.sources.get(field)
    return source is not None and source.origin == "assumed"


def is_batch(spec: DeploymentSpec, template: UseCaseTemplate) -> bool:
    return (spec.experience_class or template.experience_class) is ExperienceClass.BATCH


def fill_defaults(spec: DeploymentSpec, template: UseCaseTemplate) -> DeploymentSpec:
    """Complete a spec from its use-case template, marking every filled value as assumed.

    Stated values are never overwritten. Latency targets come from the stated experience class, else the
    template; request rates from a window's request count, concurrent users or users (in that order); the peak
    from the template's peak-to-average ratio (a batch job is fed at a steady rate: no peak).
    """
    out = _fill_values(spec, template)
    out = _fill_targets(out, template)
    return _fill_rates(out, template)


def derived_from_stated(spec: DeploymentSpec) -> DeploymentSpec:
    """What follows from the spec's own values, with no use-case template: derived (marked assumed) as soon as the
    values are said, whatever else is still unknown, and kept when planning. A window's average rate is its
    requests over its hours; work said to be batch runs at a steady rate (peak = average) and, within a window
    shorter than a day, its replicas start for the window and stop after."""
    out = spec
    if out.rps is None and out.window_requests is not None and out.window_hours is not None:
        out = _window_rate(out, out.window_hours)
    return _steady_batch(out) if out.experience_class is ExperienceClass.BATCH else out


def _fill_values(spec: DeploymentSpec, template: UseCaseTemplate) -> DeploymentSpec:
    uc = template.name.label  # the name a person uses ("chatbot"), not the identifier
    defaults: list[tuple[str, Any, str]] = [
        ("prompt_tokens", template.prompt_tokens.mean, f"typical prompt for {uc} (p90 {template.prompt_tokens.p90})"),
        ("output_tokens", template.output_tokens.mean, f"typical output for {uc} (p90 {template.output_tokens.p90})"),
        ("priority", Priority.BALANCED, "no priority stated"),
        ("cost_model", CostModel.CLOUD, "cloud rental unless you own or buy GPUs"),
        ("price_tier", PriceTier.ON_DEMAND, "on-demand rental unless spot or a 1-year reservation is wanted"),
    ]
    out = spec
    for field, value, note in defaults:
        if not out.is_set(field):
            out = out.with_values("assumed", note, **{field: value})
    return out


def _fill_targets(out: DeploymentSpec, template: UseCaseTemplate) -> DeploymentSpec:
    uc = template.name.label  # the name a person uses ("chatbot"), not the identifier
    stated_class = out.experience_class if out.experience_class not in (None, template.experience_class) else None
    if stated_class is None:
        targets = {"ttft_p95_ms": template.ttft_p95_ms, "itl_p95_ms": template.itl_p95_ms,
                   "e2e_p95_ms": template.e2e_p95_ms}
        note = f"{template.experience_class.value} experience target for {uc}"
    elif (pair := EXPERIENCE_TARGETS[stated_class]) is None:
        return out  # batch: no latency target unless stated
    else:
        output_p90 = p90_of(out.output_tokens or template.output_tokens.mean, template.output_tokens)
        e2e = -(-(pair[0] + output_p90 * pair[1]) // 1000) * 1000  # first token + a long answer, whole seconds
        targets = {"ttft_p95_ms": pair[0], "itl_p95_ms": pair[1], "e2e_p95_ms": float(e2e)}
        note = f"{stated_class.value} experience target (you said so; e2e = ttft + {output_p90} output tokens x itl)"
    for field, value in targets.items():
        if not out.is_set(field):
            out = out.with_values("assumed", note, **{field: value})
    return out


def _fill_rates(out: DeploymentSpec, template: UseCaseTemplate) -> DeploymentSpec:
    uc, t = template.name.label, template.traffic
    if out.rps is None and out.window_requests is not None:
        out = _window_rate(out, out.window_hours or 24.0)
    if out.rps is None and out.concurrent_users is not None:
        out = out.with_values(
            "assumed", f"{out.concurrent_users} users active at once x {t.requests_per_active_user_per_min:g} req/min",
            rps=_rate(out.concurrent_users * t.requests_per_active_user_per_min / 60.0))
    if out.rps is None and out.users is not None:
        out = out.with_values(
            "assumed", f"{out.users:,} users x {t.active_fraction:.0%} active in the busy hour x "
                       f"{t.requests_per_active_user_per_min:g} requests a minute each",
            rps=_rate(average_rps_for_users(out.users, template)))
    if is_batch(out, template):
        return _steady_batch(out)
    return _peak_rule(out, t.peak_to_average, f"{t.peak_to_average:g} peak-to-average for {uc}")


def _window_rate(out: DeploymentSpec, hours: float) -> DeploymentSpec:
    return out.with_values("assumed", f"{out.window_requests:,} requests over {hours:g} h",
                           rps=_rate(out.window_requests / hours / 3600))


def _peak_rule(out: DeploymentSpec, peak_to_average: float, why: str) -> DeploymentSpec:
    if out.rps is None and out.peak_rps is not None:
        out = out.with_values("assumed", f"peak / {peak_to_average:g}: {why}", rps=_rate(out.peak_rps / peak_to_average))
    if out.peak_rps is None and out.rps is not None:
        out = out.with_values("assumed", f"average x {peak_to_average:g}: {why}",
                              peak_rps=_rate(out.rps * peak_to_average))
    return out


def _steady_batch(out: DeploymentSpec) -> DeploymentSpec:
    out = _peak_rule(out, 1.0, "batch work is fed at a steady rate (no peak)")
    if out.allow_cold_start is None and out.window_hours is not None and out.window_hours < 24:
        out = out.with_values("assumed", "a batch job's replicas start for its window and stop after",
                              allow_cold_start=True)
    return out


def _rate(rps: float) -> float:
    """A derived rate: never rounded to 0, never past the bound."""
    return round(min(max(rps, 1e-3), MAX_RPS), 3)
