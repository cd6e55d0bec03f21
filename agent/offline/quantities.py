"""Quantities with units -> DeploymentSpec fields, in spec units (requests/s, ms, tokens, USD per month).

Works on the placeholder text of numbers.py. Each pass consumes (blanks) what it matched, in an order that
keeps units apart: money first ("$8k a month" is not a rate), then rates, latencies, token lengths, users and
GPU counts, then numbers after a keyword without a unit ("budget of 8k", "TTFT 200"). Which latency or token
field a number belongs to comes from the nearest keyword: one right after the unit wins ("200 ms to first
token", "500-token answers"), else the nearest one before it in the same sentence, never reaching back past
another number; with none, the field the agent just asked about.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.offline.budgets import read_budget_keyword, read_gpu_hour_budget, read_gpus, read_money
from agent.offline.latency import (
    percentile_notes, read_corrected_latency, read_latencies, read_latency_keywords, read_streaming_speed,
)
from agent.offline.lengths import read_bare_lengths, read_lengths
from agent.offline.numbers import Numbered
from agent.offline.passes import Pass, Quantity, read_corrected_value
from agent.offline.people import (
    add_up_people, daily_of_monthly, daily_of_period, read_people, prefer_daily_use, read_daily_use_labels, read_people_keywords,
    total_when_alone,
)
from agent.offline.rates import read_bare_rates, read_rates
from agent.offline.shares import shares_of_people


def extract(nt: Numbered, asked: Sequence[str] = (), notes: dict[str, str] | None = None,
            lengths_said: bool = False, rate_default: str = "rps", rate_known: bool = False, rate_scale: float = 1.0
            ) -> tuple[list[Quantity], str]:
    """All quantities in one sentence's number text, and the text with them blanked out. ``lengths_said``: an
    earlier sentence of the message measured prompts or outputs in tokens (a later bare length shares the unit).
    ``rate_scale``: req/s per unit of the rate known from before (1/60 when it was said per minute): a bare peak or
    average is in that unit, or in the unit of a rate of this sentence."""
    p = Pass(nt, tuple(asked), rate_default)
    read_money(p)
    read_streaming_speed(p)
    read_rates(p)
    read_latencies(p)
    read_lengths(p)
    read_daily_use_labels(p)
    read_people(p)
    read_gpus(p)
    read_gpu_hour_budget(p)
    read_budget_keyword(p)
    read_bare_rates(p, rate_known, rate_scale)
    read_latency_keywords(p)
    read_bare_lengths(p, lengths_said)
    read_people_keywords(p)
    total_when_alone(p)
    prefer_daily_use(p)
    read_corrected_latency(p)
    read_corrected_value(p)
    add_up_people(p.found, nt.text)
    daily_of_monthly(p)
    daily_of_period(p)
    percentile_notes(p)
    shares_of_people(p)
    if notes is not None:
        notes.update(p.notes)
    return p.found, p.text
