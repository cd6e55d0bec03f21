"""Spec values in words, with their units: "$15,000 a month", "500 ms", "5,000", and the change echo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.spec_update import Change
from knowledge.domain import UseCase, display

FIELD_LABELS = {
    "use_case": "use case", "description": "description", "users": "users",
    "concurrent_users": "concurrent users", "rps": "average rate (req/s)",
    "peak_rps": "peak rate (req/s)", "prompt_tokens": "prompt tokens", "output_tokens": "output tokens",
    "ttft_p95_ms": "p95 TTFT (ms)", "itl_p95_ms": "p95 ITL (ms)", "e2e_p95_ms": "p95 E2E (ms)",
    "priority": "priority", "budget_monthly_usd": "budget ($/month)", "gpus": "allowed GPUs",
    "exclude_gpus": "excluded GPUs", "models": "preferred models", "exclude_models": "excluded models",
    "precision": "precision", "cost_model": "cost model", "max_gpus": "GPUs available", "namespace": "namespace",
    "allow_cold_start": "scale to zero allowed", "price_tier": "price tier", "window_hours": "traffic window (hours)",
    "window_requests": "requests per window", "experience_class": "experience class",
}
# How a field is named in a sentence ("budget $5,000 -> $15,000 a month").
FIELD_NAMES = {
    "use_case": "use case", "description": "description", "users": "users", "concurrent_users": "concurrent users",
    "rps": "average rate", "peak_rps": "peak rate", "prompt_tokens": "prompt length", "output_tokens": "output length",
    "ttft_p95_ms": "p95 time to first token", "itl_p95_ms": "p95 inter-token latency",
    "e2e_p95_ms": "p95 end-to-end latency", "priority": "priority", "budget_monthly_usd": "budget",
    "gpus": "allowed GPUs", "exclude_gpus": "excluded GPUs", "models": "preferred models",
    "exclude_models": "excluded models", "precision": "precision", "cost_model": "cost model",
    "max_gpus": "GPU limit", "namespace": "namespace", "allow_cold_start": "scale to zero",
    "price_tier": "price tier", "window_hours": "traffic window", "window_requests": "requests per window",
    "experience_class": "experience class",
}
_UNITS = {"rps": " req/s", "peak_rps": " req/s", "prompt_tokens": " tokens", "output_tokens": " tokens",
          "ttft_p95_ms": " ms", "itl_p95_ms": " ms", "e2e_p95_ms": " ms", "window_hours": " h a day"}
_RATES = ("rps", "peak_rps")
_LATENCIES = ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms")


def number(value: float) -> str:
    """1234.5 -> '1,234.5'; 5000.0 -> '5,000'; 1.3333 -> '1.333' (counts and hours: rates and latencies are
    rounded by knowledge/domain/display.py)."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v).split("/")[-1] for v in value) or "any"
    if isinstance(value, UseCase):
        return value.label
    if hasattr(value, "value"):
        return str(value.value).replace("_", " ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    return str(value)


def value_text(field: str, value: Any, unit: bool = True) -> str:
    """A value of ``field`` in words, rounded as display.py shows it, with its unit (``unit`` False: the caller
    names the unit, as a table header does); 'not set' for no value."""
    if value in (None, [], ""):
        return "not set"
    if field == "use_case" and isinstance(value, str) and value in UseCase._value2member_map_:
        value = UseCase(value)  # a checkpoint may hand an enum back as its value
    if field == "budget_monthly_usd":
        return display.usd(value) + (" a month" if unit else "")
    if field in _RATES and isinstance(value, (int, float)):
        text = display.rate(value)
    elif field in _LATENCIES and isinstance(value, (int, float)):
        text = display.ms(value)
    elif field == "allow_cold_start":
        return "allowed" if value else "not allowed"
    elif field == "max_gpus":
        return f"{number(value)}" + (" GPUs" if unit else "")
    elif field == "description":
        text = str(value)
        return f'"{text[:60]}..."' if len(text) > 60 else f'"{text}"'
    else:
        text = plain(value)
    return text + (_UNITS.get(field, "") if unit else "")


def change_text(c: Change) -> str:
    name = FIELD_NAMES.get(c.field, c.field)
    if c.before in (None, [], ""):
        return f"{name} {value_text(c.field, c.after)}" + (f" ({c.note})" if c.note else "")
    if c.after in (None, [], ""):
        return f"{name} {value_text(c.field, c.before)} -> not set"
    before = value_text(c.field, c.before)
    after = value_text(c.field, c.after)
    if c.field == "budget_monthly_usd":  # "$5,000 -> $15,000 a month"
        before = before.removesuffix(" a month")
    return f"{name} {before} -> {after}" + (f" ({c.note})" if c.note else "")


def echo_changes(changes: Sequence[Change], verb: str | None = "Changed") -> str:
    """'Noted: users 5,000. Changed: budget $5,000 -> $15,000 a month.' (``verb`` None: one plain list)."""
    shown = [c for c in changes if c.field != "description"] or list(changes)
    if verb is None:
        return "; ".join(change_text(c) for c in shown) + "."
    new = [c for c in shown if c.before in (None, [], "") and verb == "Changed"]
    old = [c for c in shown if c not in new]
    parts = []
    if new:
        parts.append("Noted: " + "; ".join(change_text(c) for c in new) + ".")
    if old:
        parts.append(f"{verb}: " + "; ".join(change_text(c) for c in old) + ".")
    return " ".join(parts)


def echo_unchanged(restated: Sequence[Change]) -> str:
    parts = [f"{FIELD_NAMES.get(c.field, c.field)} is already {value_text(c.field, c.after)}" for c in restated
             if c.field != "description"]
    return ("No change: " + "; ".join(parts) + ".") if parts else ""
