"""A backlog due in more than a day: "480,000 documents to screen before the production deadline, which is 10 days
out", "2,600 essays come in by the Friday 23:59 deadline and feedback has to be back by Monday 8am".

The spec's window is at most a day, so work due over several days is a steady rate instead: the count over the hours
until it is due (the job runs around the clock: nobody waits for a single item), said back with its arithmetic. Read
only when the message set no rate and no window of its own.
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline.windows import ITEMS

_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30}
_N = rf"(\d{{1,3}}|{'|'.join(_SMALL)})"
# a count of work items: "480,000 documents", "2,600 essays"
_COUNT = re.compile(rf"(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d{{3,}})\s+(?:[a-z-]+\s+){{0,2}}?(?:{ITEMS}|essays|submissions|"
                    r"applications|cases|images|exams|theses|resumes|cvs|videos|episodes|tests|tasks)\b")
# days until it is due: "10 days out", "within the next 14 days", "over two weeks", "a 10-day deadline"
_DAYS = re.compile(rf"\b{_N}\s+(?:calendar\s+)?days?\s+(?:out|away|from\s+now|to\s+go|left)\b|"
                   rf"\b(?:within|in|over|across|inside)\s+(?:the\s+next\s+|a\s+)?{_N}\s+(?:calendar\s+)?days\b|"
                   rf"\b{_N}[\s-]day\s+(?:deadline|window|turnaround|sla)\b|"
                   rf"\b(?:within|in|over|across)\s+(?:the\s+next\s+|a\s+)?(?P<w>{_N[1:-1]}|a|one)\s+weeks?\b")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"
# from one weekday's hour to another's: "by the Friday 23:59 deadline ... back by Monday 8am"
_FROM_DAY = re.compile(rf"\b(?:by|from|after|on|at)\s+(?:the\s+)?({'|'.join(_DAY_NAMES)})\s+(?:at\s+)?{_CLOCK}")
_TO_DAY = re.compile(rf"\b(?:by|before|until|till|due)\s+(?:the\s+)?({'|'.join(_DAY_NAMES)})\s+(?:at\s+)?{_CLOCK}")


def _hour(h: str, m: str | None, ap: str | None) -> float:
    hour = int(h) % 12 + (12 if ap == "pm" else 0) if ap else int(h)
    return hour + int(m or 0) / 60


def _span_hours(low: str) -> tuple[float, str] | None:
    """Hours until the work is due, with the words they were read from."""
    if (m := _DAYS.search(low)) is not None:
        said = next(g for g in m.groups() if g)
        n = float(_SMALL.get(said, 1 if said in ("a", "one") else said) if not said.isdigit() else said)
        days = n * 7 if m.group("w") else n
        return (days * 24, m.group(0)) if days >= 1.5 else None
    start = _FROM_DAY.search(low)
    end = _TO_DAY.search(low, start.end()) if start is not None else None
    if start is None or end is None:
        return None
    day_a, day_b = _DAY_NAMES.index(start.group(1)), _DAY_NAMES.index(end.group(1))
    hours = ((day_b - day_a) % 7) * 24 + _hour(*end.groups()[1:]) - _hour(*start.groups()[1:])
    return (hours, f"{start.group(0)} ... {end.group(0)}") if hours >= 36 else None


def backlog_rate(own: str, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    """The rate of a count of work due in more than a day, into ``updates`` (with batch: nobody waits on one)."""
    if {"rps", "peak_rps", "window_hours", "window_requests"} & set(updates):
        return
    low = own.lower()
    count, span = _COUNT.search(low), _span_hours(low)
    if count is None or span is None:
        return
    n, (hours, said) = float(count.group(1).replace(",", "")), span
    rps = n / (hours * 3600)
    updates["rps"] = updates["peak_rps"] = float(f"{rps:.4g}")
    updates.setdefault("experience_class", "batch")
    phrases["rps"] = phrases["peak_rps"] = f"{count.group(0)} {said}"
    notes["rps"] = notes["peak_rps"] = (f"{n:,.0f} over {hours:.3g} h until due, around the clock = {rps:.4g} req/s "
                                        "(a window is at most a day, so the work is spread evenly instead)")
    phrases.setdefault("experience_class", said)
