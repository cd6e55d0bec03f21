"""Units of time: how long each word a duration or a period is said in lasts, and what an amount said per a period
is a month. One table for latencies ("200 ms"), rates ("30 a minute") and budgets ("$120k a year")."""

from __future__ import annotations

import re

# the units a duration is said in, in milliseconds
MS_PER_UNIT = {"ms": 1.0, "msec": 1.0, "millis": 1.0, "millisecond": 1.0, "milliseconds": 1.0, "s": 1000.0,
               "sec": 1000.0, "secs": 1000.0, "second": 1000.0, "seconds": 1000.0, "min": 60000.0, "mins": 60000.0,
               "minute": 60000.0, "minutes": 60000.0, "h": 3.6e6, "hr": 3.6e6, "hrs": 3.6e6, "hour": 3.6e6,
               "hours": 3.6e6}
# a duration's unit right after its number ("200ms", "1.5 seconds"), the unit group of every pattern that reads one
DURATION_UNIT = r"(ms|msec|millis|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)(?![a-z/])"
TIME_UNIT = re.compile(rf"\s*{DURATION_UNIT}")

# the periods a count is said per, in seconds: a duration's units and the calendar's (a month is 30 days)
SECONDS_PER = {**{unit: ms / 1000.0 for unit, ms in MS_PER_UNIT.items()}, "day": 86400, "week": 7 * 86400,
               "wk": 7 * 86400, "month": 30 * 86400, "mo": 30 * 86400}
HOURS_PER_MONTH = 730.0  # a month of hours, as the planner prices GPU-hours
_MONTHLY_FACTOR = {"month": 1.0, "quarter": 1 / 3, "year": 1 / 12, "week": 52 / 12, "day": 30.4, "hour": HOURS_PER_MONTH,
                   "semester": 1 / 6, "term": 1 / 6, "trimester": 1 / 3}
TERMS = ("semester", "term", "trimester")  # academic terms: their length may be said ("our semesters are 4 months")


def period_noun(period: str) -> str:
    """'annually' -> 'year', 'quarterly' -> 'quarter', 'hr' -> 'hour'."""
    if re.match(r"jahres|j[äa]hrlich|annuel|anual|jaar", period):  # other languages' yearly words (budgets.py)
        return "year"
    return {"annum": "year", "annual": "year", "annually": "year", "yearly": "year", "yr": "year", "quarterly": "quarter",
            "weekly": "week", "wk": "week", "monthly": "month", "mo": "month", "daily": "day", "hourly": "hour",
            "hr": "hour", "h": "hour", "terms": "term", "semesters": "semester"}.get(period, period)


def monthly_factor(period: str, term_months: float | None = None) -> float:
    """Months' worth of one ``period`` ('year' -> 1/12): what an amount said per that period is a month. An academic
    term lasts ``term_months`` where the message says so, else its word's own length (a semester six months, a
    trimester three)."""
    noun = period_noun(period)
    if noun in TERMS and term_months and 0 < term_months <= 12:
        return 1 / term_months
    return _MONTHLY_FACTOR[noun]
