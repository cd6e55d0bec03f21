"""The GPUs of a pool that are this team's: a pool said whole, then the part others hold ("32 L40S total. 20 are
reserved by the vision team") or the share this team is given ("48 H200s, shared; we're allotted a quarter of it").

The pool's size is the GPU count read from the message; what is left of it is the limit to plan within, and the note
says how it was worked out.
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline.numbers import FRACTIONS

_COUNT = r"(\d{1,3}(?:,\d{3})*|\d+)"
# some of the pool held by someone else: "20 are reserved by the vision team", "8 of them are used for training"
_TAKEN = re.compile(rf"\b{_COUNT}\s+(?:of\s+(?:them|those|these)\s+|(?:gpus?|cards)\s+)?(?:are|is|stay|remain)\s+(?:\w+\s+)?"
                    r"(?:reserved|taken|booked|used|dedicated|allocated|earmarked|locked)\s+(?:by|for|to)\b")
# this team's share of the pool: "we're allotted a quarter of it", "we get half of them", "we have 25% of the cluster"
_SHARE = re.compile(r"\b(?:allotted|allocated|assigned|given|get|getting|have|own)\s+(?:only\s+|just\s+|about\s+|roughly\s+)?"
                    r"(?:(?:a|one)\s+(?P<frac>half|third|quarter|fifth|tenth)|(?P<pct>\d{1,2})\s*%)\s+of\s+"
                    r"(?:it|them|that|those|the\s+(?:cluster|pool|gpus|cards|fleet|capacity))\b")


def gpus_left(low: str, updates: dict[str, Any], notes: dict[str, str]) -> None:
    """The pool's count in ``updates`` becomes what is left for this team, when the message says others hold part."""
    pool = updates.get("max_gpus")
    if not isinstance(pool, (int, float)) or pool <= 0:
        return
    taken = _TAKEN.search(low)
    if taken:
        n = float(taken.group(1).replace(",", ""))
        if 0 < n < pool:
            updates["max_gpus"] = int(pool - n)
            notes["max_gpus"] = f"{pool:g} GPUs less the {n:g} held by others = {pool - n:g}"
        return
    share = _SHARE.search(low)
    if share:
        part = FRACTIONS[share.group("frac")] if share.group("frac") else float(share.group("pct")) / 100
        left = int(pool * part)
        if 0 < left < pool:
            updates["max_gpus"] = left
            said = f"a {share.group('frac')}" if share.group("frac") else f"{share.group('pct')}%"
            notes["max_gpus"] = f"{said} of {pool:g} GPUs = {left}"
