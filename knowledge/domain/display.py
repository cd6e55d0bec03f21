"""How a number is shown to a person: one rounding rule per unit, used by every front end.

Rounding happens here, once, at the edge: values travel unrounded (API, UI props, stored outcomes) and each place
that prints one calls the same function, so a prediction reads the same in the table, the chart's hover, a
comparison and a validation report. The precision shown is what the figures support: a latency to the
millisecond (a tenth below 100 ms), a request rate to three significant figures.
"""

from __future__ import annotations

import math


def ms(value: float | None) -> str:
    """A latency in milliseconds: '1,234', '101', '37.5'; a whole number as such ('50', a target someone set);
    '-' when unknown."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 99.95 or float(value).is_integer() else f"{value:.1f}"


def rate(value: float | None) -> str:
    """Requests per second to three significant figures: '5.21', '13.0', '78.1', '1,250'; a whole number as such
    ('8', the rate someone stated); '-' when unknown."""
    if value is None or not math.isfinite(value):
        return "-"
    if float(value).is_integer() or abs(value) >= 99.95:
        return f"{value:,.0f}"
    rounded = float(f"{value:.3g}")  # 9.996 -> 10.0, not 10.00
    digits = max(0, 2 - math.floor(math.log10(abs(rounded))))
    return f"{rounded:.{digits}f}"


def usd(value: float | None, cents: bool = False) -> str:
    """Dollars: '$2,519' (cents for per-token prices: '$0.72'); '-' when unknown."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"${value:,.2f}" if cents else f"${value:,.0f}"


def count(n: int, noun: str) -> str:
    """'1 GPU', '4 GPUs': a count with its noun in the number it takes."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def verdict(meets_slos: bool, within_budget: bool) -> str:
    """An option's verdict: the SLOs', and the budget's when the option breaks one ('met, over budget'); a row
    shown as plainly 'met' is within both."""
    return ("met" if meets_slos else "missed") + ("" if within_budget else ", over budget")
