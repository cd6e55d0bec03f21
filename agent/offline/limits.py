"""The numeric fields of a DeploymentSpec the offline parser reads, with their bounds and their words in messages,
and the check of read values against them and against each other."""

from __future__ import annotations

import math
from typing import Any

from knowledge.domain.spec import MAX_BUDGET_USD, MAX_LATENCY_MS, MAX_RPS, MAX_TOKENS, MAX_USERS, implausible_rate_per_user

# field -> (integer?, upper limit, words for messages)
LIMITS: dict[str, tuple[bool, float, str]] = {
    "users": (True, MAX_USERS, "users"), "concurrent_users": (True, MAX_USERS, "concurrent users"),
    "rps": (False, MAX_RPS, "requests/s"),
    "peak_rps": (False, MAX_RPS, "peak requests/s"), "prompt_tokens": (True, MAX_TOKENS, "prompt tokens"),
    "output_tokens": (True, MAX_TOKENS, "output tokens"), "ttft_p95_ms": (False, MAX_LATENCY_MS, "ms TTFT"),
    "itl_p95_ms": (False, MAX_LATENCY_MS, "ms ITL"), "e2e_p95_ms": (False, MAX_LATENCY_MS, "ms end-to-end"),
    "budget_monthly_usd": (False, MAX_BUDGET_USD, "USD/month budget"), "max_gpus": (True, 100_000, "GPUs"),
    "window_hours": (False, 24, "hours in the traffic window"),
    "window_requests": (True, 10_000_000_000, "requests per window"),
}


def fields_holding(spec: Any, value: float, rel: float = 0.005) -> set[str]:
    """The numeric fields the user stated whose value ``value`` is (said back: "4k feels tight" of a $4,000 budget)."""
    if spec is None or not value:
        return set()
    return {f for f in LIMITS if spec.stated(f) and isinstance(held := getattr(spec, f, None), (int, float))
            and not isinstance(held, bool) and abs(held - value) <= rel * abs(value)}


def checked(values: dict[str, Any], phrases: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """Values within DeploymentSpec limits, consistent with each other; the rest explained in ``problems``."""
    out: dict[str, Any] = {}
    values = dict(values)
    per_user = values.pop("rps_per_user", None)
    # "1,000 people, each sends 10 messages an hour"; people said to be at it at once send it all together ("300 are
    # on calls at the same time, and the copilot fires ~2 prompts a minute for each")
    people = values.get("concurrent_users") if isinstance(values.get("concurrent_users"), (int, float)) else values.get("users")
    if per_user is not None and "rps" not in values and isinstance(people, (int, float)):
        values["rps"] = round(people * per_user, 4)
    for name, value in values.items():
        if name in LIMITS:
            integer, upper, words = LIMITS[name]
            number = float(value) if isinstance(value, (int, float)) else math.nan
            if integer and math.isfinite(number):
                number = float(round(number))
            if not math.isfinite(number) or number <= 0 or number > upper:
                problems.append(f"'{phrases.get(name) or value}' is not a usable value for {name}: "
                                f"it must be above 0 and at most {upper:,.0f} {words}")
                continue
            value = int(number) if integer else number
        out[name] = value
    if "users" in out and "rps" in out and (why := implausible_rate_per_user(out["users"], out["rps"])):
        problems.append(why)
        del out["users"], out["rps"]
    _drop_conflict(out, problems, "rps", "peak_rps", lambda a, p: p < a,
                   lambda a, p: f"the peak ({p:g} req/s) is below the average ({a:g} req/s)")
    for fast in ("ttft_p95_ms", "itl_p95_ms"):
        _drop_conflict(out, problems, fast, "e2e_p95_ms", lambda t, e: t > e,
                       lambda t, e, fast=fast: f"the {fast.split('_')[0].upper()} target ({t:g} ms) is longer than "
                                               f"the end-to-end target ({e:g} ms)")
    return out


def _drop_conflict(out: dict[str, Any], problems: list[str], a: str, b: str, bad, message) -> None:
    if a in out and b in out and bad(out[a], out[b]):
        problems.append(message(out[a], out[b]))
        del out[a], out[b]
