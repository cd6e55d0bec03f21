"""A request rate's statistics pasted from a dashboard or a query: a Grafana panel ("requests/min ... avg 340, p95 610,
max 910"), a Prometheus query's output ("avg_over_time(sum(rate(...[5m]))[7d:5m]) => 7.3").

The average is the rate and the maximum (or the peak) the peak, in the unit the paste names (a PromQL ``rate()`` is
per second). Read only when the message set no rate itself: a statistic is read with its label, and a paste's
percentile of the rate (its p95) is neither the average nor the peak.
"""

from __future__ import annotations

import re
from typing import Any

# the unit of the pasted figures: "requests/min", "req per minute", "rpm", "QPS", a PromQL rate()
_UNIT = re.compile(r"\b(?:requests?|reqs?|calls?|queries|hits|posts)\s*(?:/\s*|per\s+|an?\s+)(?P<u>s|sec|second|min|minute|"
                   r"h|hr|hour)\b|\b(?P<code>rpm|rps|qps|req/s|req/min)\b|\brate\s*\(")
_PER_SECOND = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0,
               "hour": 3600.0, "rpm": 60.0, "req/min": 60.0, "rps": 1.0, "qps": 1.0, "req/s": 1.0}
# one statistic on a line of its own or in a list: "avg   340", "max: 910", "peak=19.8"
# (or beside others on one line, each labelled: "avg: 3.2 /s max: 11.8 /s min: 0.1 /s")
_LABELLED = r"\s+(?:avg|average|mean|max|maximum|min|minimum|peak|p\d{2})\s*[:=]"
# (or printed after a query's arrow: "`sum(rate(requests_total[5m]))` -> avg 60, peak 140")
# (or in brackets after the unit, a window beside it: "requests/s (avg)   4.1", "requests/s (max 1m)   9.8")
_STAT = re.compile(rf"(?:^|[\n,;|]|->|=>|→|(?={_LABELLED}))\s*[-*•]?\s*(?:[a-z/_ ]{{1,30}}\(\s*)?"
                   rf"(?P<label>avg|average|mean|max|maximum|peak)\b(?:\s+\d+\s*(?:s|m|min|h))?\s*\)?\s*[:=]?\s*~?\s*"
                   rf"(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?:/\s*(?:s|sec|min|m|h|hr)\b|rps\b|qps\b|req/s\b)?"
                   rf"(?=\s*$|\s*[\n,;|]|{_LABELLED})", re.I | re.M)
# a PromQL aggregation over time and the value it printed: "max_over_time(...) => 19.8"
_PROMQL = re.compile(r"\b(?P<label>avg|max)_over_time\s*\((?P<q>[^\n]*?)\)\s*(?:=>|=|:|->|→)\s*(?P<v>\d[\d,]*(?:\.\d+)?)",
                     re.I)
_FIELD = {"avg": "rps", "average": "rps", "mean": "rps", "max": "peak_rps", "maximum": "peak_rps", "peak": "peak_rps"}


def _unit_seconds(text: str) -> float | None:
    m = _UNIT.search(text)
    if m is None:
        return None
    if m.group("u"):
        return _PER_SECOND[m.group("u")]
    return _PER_SECOND[m.group("code")] if m.group("code") else 1.0  # rate(): per second


def panel_rates(own: str, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    """The rates of a pasted statistics panel into ``updates`` (when the message set no rate)."""
    if "\n" not in own and "_over_time" not in own:
        return
    stats = [(m.group("label").lower(), m.group("v"), m.group(0).strip(" \n,;|-*•")) for m in _STAT.finditer(own)]
    stats += [(m.group("label").lower(), m.group("v"), m.group(0)) for m in _PROMQL.finditer(own)]
    seconds = _unit_seconds(own)
    if seconds is None or not stats:
        return
    if len({_FIELD[label] for label, _, _ in stats}) == 2:
        # a panel labelling its average and its peak says which is which better than the figures read without their
        # labels ("min: 0.1 /s" beside them is neither)
        for field in ("rps", "peak_rps"):
            updates.pop(field, None)
    elif "rps" in updates or "peak_rps" in updates:
        return
    for label, value, said in stats:
        field = _FIELD[label]
        if field in updates:
            continue
        per_s = float(value.replace(",", "")) / seconds
        if per_s <= 0:
            continue
        updates[field] = float(f"{per_s:.4g}")
        phrases[field] = said if len(said) <= 60 else f"{label} {value}"
        notes[field] = f"{label} {value} per {'second' if seconds == 1 else 'minute' if seconds == 60 else 'hour'}" \
                       f" from the pasted figures = {per_s:.4g} req/s"
    if "rps" in updates and "peak_rps" in updates and updates["peak_rps"] < updates["rps"]:
        updates.pop("peak_rps")  # a "max" below the average is of something else
