"""Merge what one message says into the spec: stated values win, assumptions that depended on a changed
value are dropped (so they are re-derived), and implausible combinations are reported."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

from agent.offline.contract import ParseResult
from knowledge.domain import SPEC_FIELDS, DeploymentSpec

MAX_RPS_PER_USER = 2.0  # sustained requests/s per user beyond which "users" and "rps" disagree


class MergeOutcome(BaseModel):
    spec: DeploymentSpec
    changed: list[str] = Field(default_factory=list, description="fields whose value changed")
    rejected: list[str] = Field(default_factory=list, description="values that failed validation, in words")
    warnings: list[str] = Field(default_factory=list, description="implausible combinations, in words")


def merge(spec: DeploymentSpec, parsed: ParseResult, *, note: str | None = None) -> MergeOutcome:
    out = MergeOutcome(spec=spec)
    current = spec
    if parsed.cleared:
        cleared = [f for f in parsed.cleared if f in SPEC_FIELDS]  # never 'sources': provenance is not a user field
        current = current.cleared(*cleared)
        out.changed.extend(cleared)
    for field, value in parsed.updates.items():
        if field not in DeploymentSpec.model_fields or field == "sources":
            continue
        if getattr(current, field) == value and current.stated(field):
            continue
        try:
            current = current.with_values("stated", note, **{field: value})
        except (ValidationError, ValueError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            out.rejected.append(f"{field} = {value!r}: {msg}")
            continue
        out.changed.append(field)
    current = current.without_stale_assumptions(out.changed)
    out.spec = current
    out.warnings = plausibility(current)
    return out


def apply_defaults(spec: DeploymentSpec, defaults: dict[str, Any], note: str) -> DeploymentSpec:
    """Fill fields the user said they do not know, marked as assumed."""
    values = {k: v for k, v in defaults.items() if not spec.is_set(k)}
    return spec.with_values("assumed", note, **values) if values else spec


def plausibility(spec: DeploymentSpec) -> list[str]:
    warnings = []
    if spec.users and spec.rps and spec.stated("users") and spec.stated("rps"):
        per_user = spec.rps / spec.users
        if per_user > MAX_RPS_PER_USER:
            warnings.append(f"{spec.rps:g} requests/s from {spec.users:,} users is {per_user:,.0f} requests/s per "
                            f"user, far more than people send; is the user count or the rate wrong?")
    if spec.rps and spec.peak_rps and spec.peak_rps < spec.rps:
        warnings.append(f"the peak ({spec.peak_rps:g} req/s) is below the average ({spec.rps:g} req/s)")
    if spec.ttft_p95_ms and spec.e2e_p95_ms and spec.ttft_p95_ms > spec.e2e_p95_ms:
        warnings.append(f"the TTFT target ({spec.ttft_p95_ms:g} ms) is longer than the end-to-end target "
                        f"({spec.e2e_p95_ms:g} ms)")
    return warnings
