"""What-if: re-plan a spec under changes and compare the top recommendation side by side with deltas."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from knowledge.catalog import Catalog, UnknownNameError
from knowledge.domain import SPEC_FIELDS, DeploymentSpec, Recommendation
from knowledge.errors import CompassError
from tools.errors import PlanningError
from tools.planner import PlanOptions, PlanResult, plan_detailed, workload_from_spec
from tools.planner.sizing import BenchmarkLookup

# Short names users type for spec fields.
ALIASES = {
    "gpu": "gpus", "model": "models", "ttft": "ttft_p95_ms", "itl": "itl_p95_ms", "e2e": "e2e_p95_ms",
    "budget": "budget_monthly_usd", "prompt": "prompt_tokens", "output": "output_tokens", "peak": "peak_rps",
}
LIST_FIELDS = {"gpus", "exclude_gpus", "models", "exclude_models"}
TRAFFIC_FIELDS = ("users", "concurrent_users", "rps", "peak_rps")
_MULTIPLIER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*[x×]\s*$", re.I)


class Variant(BaseModel):
    label: str
    changes: dict[str, Any] = Field(description="spec field -> value, or 'Nx' to multiply; 'traffic' scales load")


class ComparisonRow(BaseModel):
    label: str
    changes: dict[str, Any]
    notes: list[str] = Field(default_factory=list, description="what the variant kept from the base plan, and why "
                                                                "it could not keep something")
    top: Recommendation | None = None
    meets_slos: bool | None = None
    error: str | None = None
    deltas: dict[str, float] = Field(default_factory=dict, description="vs the base: cost_usd, gpus, ttft/itl/e2e p95 ms, quality")


class Comparison(BaseModel):
    base: ComparisonRow
    variants: list[ComparisonRow]


def parse_assignment(text: str) -> tuple[str, str]:
    """'rps=2x' -> ('rps', '2x'); names are normalised through ALIASES."""
    if "=" not in text:
        raise CompassError(f"'{text}' is not a change; write field=value, e.g. rps=2x, ttft_p95_ms=500, gpu=L4")
    key, value = (part.strip() for part in text.split("=", 1))
    key = ALIASES.get(key.lower(), key.lower())
    if key != "traffic" and key not in SPEC_FIELDS:
        raise CompassError(f"'{key}' is not a spec field; use one of: traffic, {', '.join(SPEC_FIELDS)}")
    return key, value


def apply_changes(spec: DeploymentSpec, changes: dict[str, Any], catalog: Catalog) -> DeploymentSpec:
    """The spec with ``changes`` applied as stated values. 'Nx' multiplies the current (or assumed) value."""
    updates: dict[str, Any] = {}
    for key, value in changes.items():
        key = ALIASES.get(key, key)
        if key == "traffic":
            factor = _factor(value, "traffic")
            updates.update({f: _scaled(spec, f, factor) for f in TRAFFIC_FIELDS if getattr(spec, f) is not None})
        elif isinstance(value, str) and _MULTIPLIER.match(value):
            current = getattr(spec, key, None)
            if not isinstance(current, (int, float)) or isinstance(current, bool):
                raise CompassError(f"'{key}' has no number to multiply yet; give a value instead of {value}")
            updates[key] = _scaled(spec, key, _factor(value, key))
        elif key in LIST_FIELDS:
            names = value if isinstance(value, list) else [v for v in str(value).split(",") if v.strip()]
            updates[key] = [_canonical(catalog, key, str(n).strip()) for n in names]
        else:
            updates[key] = value
    try:
        return spec.with_values("stated", "what-if", **updates).without_stale_assumptions(updates)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise CompassError(f"invalid value for {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    except ValueError as exc:  # an unknown field name (API callers can send any key)
        raise CompassError(f"{exc}; use traffic or one of: {', '.join(SPEC_FIELDS)}") from None


def _factor(value: Any, key: str) -> float:
    m = _MULTIPLIER.match(str(value))
    if not m or float(m.group(1)) <= 0:
        raise CompassError(f"{key}={value}: use a positive multiplier such as 2x or 0.5x")
    return float(m.group(1))


def _scaled(spec: DeploymentSpec, field: str, factor: float) -> int | float:
    value = getattr(spec, field) * factor
    whole = ("users", "concurrent_users", "prompt_tokens", "output_tokens", "max_gpus")
    return max(1, round(value)) if field in whole else round(value, 4)


def _canonical(catalog: Catalog, field: str, name: str) -> str:
    try:
        return catalog.model(name).id if "model" in field else catalog.gpu(name).name
    except UnknownNameError as exc:
        raise CompassError(str(exc)) from None


Planner = Callable[[DeploymentSpec], PlanResult]


def _row(label: str, changes: dict[str, Any], spec: DeploymentSpec, planner: Planner,
         option: int = 1) -> ComparisonRow:
    try:
        result = planner(spec)
    except (PlanningError, UnknownNameError) as exc:
        return ComparisonRow(label=label, changes=changes, error=str(exc))
    top = result.recommendations[min(option, len(result.recommendations)) - 1]
    return ComparisonRow(label=label, changes=changes, top=top, meets_slos=top.meets_slos)


def _deltas(base: Recommendation, other: Recommendation) -> dict[str, float]:
    def p95(r: Recommendation, name: str) -> float:
        stats = getattr(r.prediction, name)
        return stats.p95 if stats else 0.0

    out = {"cost_usd": round(other.monthly_cost_usd - base.monthly_cost_usd, 2),
           "gpus": float(other.total_gpus - base.total_gpus)}
    for name in ("ttft_ms", "itl_ms", "e2e_ms"):
        out[f"{name.removesuffix('_ms')}_p95_ms"] = round(p95(other, name) - p95(base, name), 2)
    if base.quality and other.quality:
        out["quality"] = round(other.quality.score - base.quality.score, 2)
    return out


def compare(spec: DeploymentSpec, variants: list[Variant], catalog: Catalog, *,
            benchmarks: BenchmarkLookup | None = None, options: PlanOptions | None = None,
            planner: Planner | None = None, base_option: int | None = None) -> Comparison:
    """Plan the base and each variant (``planner`` lets callers share a plan cache); the base is option 1 of the
    base plan, or ``base_option`` (the option the user selected).

    A variant changes exactly what it names: the model, precision and GPU of the base's option 1 are kept unless
    the variant names them (or changes only the priority, which chooses them), so a delta is the named change's own (FP8 keeps the model, a GPU change keeps it where
    it fits). What cannot be kept is said, with why, and the nearest alternative is planned instead.
    """
    lookup = benchmarks or (lambda _c: [])
    planner = planner or (lambda s: plan_detailed(s, catalog, benchmarks=lookup, options=options))
    base_spec = workload_from_spec(spec, catalog).spec  # defaults filled once, so 'Nx' has a number to scale
    label = "base" if (base_option or 1) == 1 else f"base (option {base_option}, selected)"
    base = _row(label, {}, base_spec, planner, base_option or 1)
    rows = []
    for v in variants:
        try:
            changed = apply_changes(base_spec, v.changes, catalog)
        except CompassError as exc:
            rows.append(ComparisonRow(label=v.label, changes=v.changes, error=str(exc)))
            continue
        row = _pinned_row(v, changed, base.top, catalog, planner)
        if row.top and base.top:
            row.deltas = _deltas(base.top, row.top)
        rows.append(row)
    return Comparison(base=base, variants=rows)


def variant_errors(spec: DeploymentSpec, variants: list[Variant], catalog: Catalog) -> list[str]:
    """One line per variant whose changes the spec cannot take ('rps=banana', an unknown model), named by its
    label: input errors to say before anything is planned, not rows of a computed table."""
    base_spec = workload_from_spec(spec, catalog).spec
    errors = []
    for v in variants:
        try:
            apply_changes(base_spec, v.changes, catalog)
        except CompassError as exc:
            errors.append(f"{v.label}: {exc}")
    return errors


KEPT = "kept from the base plan by the what-if"
_LATENCY_TARGETS = {"ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"}


def _named(changes: dict[str, Any]) -> set[str]:
    return {ALIASES.get(k, k) for k in changes}


def _pinned_row(v: Variant, changed: DeploymentSpec, top: Recommendation | None, catalog: Catalog,
                planner: Planner) -> ComparisonRow:
    """Plan the variant with the base's model, precision and GPU kept where the variant does not name them;
    release a pin (saying why) only when the variant cannot be planned with it."""
    named = _named(v.changes)
    if top is None or named == {"priority"}:
        # a priority alone is what chooses the model, precision and GPU: kept, it would leave nothing to choose
        # ("cheapest that meets the SLOs" on the base's own GPU was the base again); beside another change (looser
        # targets, cost first) the pins keep the delta that change's own
        row = _row(v.label, v.changes, changed, planner)
        if top is not None and row.top is not None:
            row.notes = ["planned freely: a change of priority chooses the model, precision and GPU anew"]
        return row
    notes: list[str] = []
    substituted = False
    pins: dict[str, Any] = {}
    model = catalog.model(top.model_id)
    if "models" not in named and "exclude_models" not in named:
        wanted = changed.precision if "precision" in named else None
        if wanted is not None and wanted not in model.precisions:
            nearest = _nearest_with(model, wanted, catalog, changed)
            notes.append(f"{model.id} has no {wanted.value} variant"
                         + (f"; planned with the nearest model that has one, {nearest.id}" if nearest else
                            "; no other allowed model has one either"))
            model = nearest or model
        pins["models"] = [model.id]
    substituted = model.id != top.model_id
    if "precision" not in named and "models" not in named:
        pins["precision"] = top.config.precision
    if "gpus" not in named and "exclude_gpus" not in named:
        pins["gpus"] = [top.gpu]
    for release in (None, "gpus", "precision", "models"):
        if release is not None:
            if release not in pins:
                continue
            notes.append(_released(release, pins.pop(release), error))
        attempt = changed.with_values("assumed", KEPT, **pins) if pins else changed
        row = _row(v.label, v.changes, attempt, planner)
        if row.top is not None:
            kept = [_kept_words(k, value) for k, value in pins.items() if not (k == "models" and substituted)]
            row.notes = ([f"kept {', '.join(kept)}"] if kept else []) + notes
            if pins and (substituted or not row.top.meets_slos or not row.top.within_budget
                         or _LATENCY_TARGETS & named):
                # (looser targets may pay off only on another model or GPU: what the change alone is best served by)
                row.notes += _unpinned_note(v, changed, row.top, planner)
            return row
        error = row.error or "cannot be planned"
    row.notes = notes
    return row


def _unpinned_note(v: Variant, changed: DeploymentSpec, pinned: Recommendation, planner: Planner) -> list[str]:
    """What the variant's own plan would take when keeping the base's choices costs more, misses an SLO or the
    budget: the what-if isolates the named change, and this says what the change alone is best served by."""
    free = _row(v.label, v.changes, changed, planner).top
    if free is None or not (free.meets_slos and free.within_budget) or free.config == pinned.config:
        return []
    if pinned.meets_slos and pinned.within_budget and free.monthly_cost_usd >= pinned.monthly_cost_usd:
        return []
    return [f"planned freely, the variant's best option is {free.config.model_id} ({free.config.precision.value}) "
            f"on {free.total_gpus} x {free.gpu}: ${free.monthly_cost_usd:,.0f}/month, every SLO met"
            + (" within the budget" if changed.budget_monthly_usd is not None else "")]


def _kept_words(field: str, value: Any) -> str:
    if field == "models":
        return f"the model ({value[0]})"
    if field == "gpus":
        return f"the GPU ({value[0]})"
    return f"the precision ({value.value})"


def _released(field: str, value: Any, error: str) -> str:
    what = {"models": f"the model {value[0]}", "gpus": f"the GPU {value[0]}",
            "precision": f"the precision {getattr(value, 'value', value)}"}[field]
    return f"could not keep {what}: {error.rstrip('.')}"


def _nearest_with(model, precision, catalog: Catalog, spec: DeploymentSpec):
    """The allowed model closest to ``model`` that is published in ``precision``: same family first, then the
    nearest size (log of total parameters), then the better quality for the use case."""
    def distance(m) -> tuple:
        size = abs(math.log(m.architecture.total_params_b / model.architecture.total_params_b))
        q = m.quality.get(spec.use_case).score if spec.use_case in m.quality else 0.0
        return (m.family != model.family, round(size, 3), -q)

    allowed = [m for m in catalog.models if precision in m.precisions and m.id not in spec.exclude_models
               and m.id != model.id]
    return min(allowed, key=distance, default=None)
