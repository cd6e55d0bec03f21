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
_MONTHLY_FACTOR = {"month": 1.0, "quarter": 1 / 3, "year": 1 / 12, "week": 52 / 12, "day": 30.4, "hour": 730.0}


def period_noun(period: str) -> str:
    """'annually' -> 'year', 'quarterly' -> 'quarter', 'hr' -> 'hour'."""
    return {"annum": "year", "annual": "year", "annually": "year", "yearly": "year", "yr": "year", "quarterly": "quarter",
            "weekly": "week", "wk": "week", "monthly": "month", "mo": "month", "daily": "day", "hourly": "hour",
            "hr": "hour", "h": "hour"}.get(period, period)


def monthly_factor(period: str) -> float:
    """Months' worth of one ``period`` ('year' -> 1/12): what an amount said per that period is a month."""
    return _MONTHLY_FACTOR[period_noun(period)]
