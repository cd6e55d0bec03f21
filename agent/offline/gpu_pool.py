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
                    r"(?:reserved|taken|booked|used|dedicated|allocated|earmarked|locked|pinned|committed|assigned)\s+"
                    r"(?:by|for|to)\b")
# some of the pool held by another team, said with its holder first: "the research org is sitting on 20 of it", "data
# science has 8 of them", "training already took 16 of those" (not "we use 4 of them": that is this team's part)
_HELD = re.compile(rf"\b(?P<who>\w+)\s+(?:(?:is|are)\s+(?:sitting\s+on|hogging|holding|using|occupying|squatting\s+on)|"
                   rf"(?:already\s+)?(?:has|have|holds?|keeps?|kept|took|grabbed|claimed|uses|blocks?|ties\s+up))\s+(?:about\s+|~\s*)?"
                   rf"{_COUNT}\s+of\s+(?:it|them|those|these|that|the\s+(?:quota|pool|cluster|gpus|cards))\b")
_NOT_OTHERS = {"we", "i", "you", "us", "our", "team", "which", "that", "who"}
# the part of the pool that is this team's said as a count of its own: "only 6 are free for this project", "the other
# two are ours for serving"
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "twelve": 12, "sixteen": 16}
_OURS = re.compile(rf"\b(?:(?:but\s+)?(?:only|just)|the\s+other|the\s+remaining)\s+(?P<n>{_COUNT}|{'|'.join(_SMALL)})\s+"
                   r"(?:gpus?\s+|cards\s+)?(?:are|is)\s+(?:currently\s+|actually\s+)?(?:free|available|idle|spare|usable|ours|"
                   r"for\s+(?:us|serving|inference|this))\b|"
                   # "our team only gets 6", "we can use 4 of them", "we just get two"
                   rf"\b(?:we|i|our\s+(?:[\w-]+\s+)?(?:team|group|project|department|squad))\s+(?:only\s+|just\s+)?(?:get|gets|use|will\s+use|'ll\s+use|may\s+use|"
                   rf"can\s+use|are\s+given|were\s+given|have\s+access\s+to)\s+(?:only\s+|just\s+)?(?P<n2>{_COUNT}|"
                   rf"{'|'.join(_SMALL)})\b(?!\s*(?:%|more|extra|gb|tb))|"
                   # "so 5 GPUs are what you get", "4 of them is all we get"
                   rf"\b(?P<n3>{_COUNT}|{'|'.join(_SMALL)})\s+(?:gpus?\s+|cards\s+|of\s+them\s+)?(?:are|is)\s+(?:what|all)\s+"
                   r"(?:you|we)\s+(?:get|have|can\s+use)\b")
# this team's share of the pool: "we're allotted a quarter of it", "we get half of them", "we have 25% of the cluster"
_SHARE = re.compile(r"\b(?:allotted|allocated|assigned|given|get|getting|have|own)\s+(?:only\s+|just\s+|about\s+|roughly\s+)?"
                    r"(?:(?:a|one)\s+(?P<frac>half|third|quarter|fifth|tenth)|(?P<pct>\d{1,2})\s*%)\s+of\s+"
                    r"(?:it|them|that|those|the\s+(?:cluster|pool|gpus|cards|fleet|capacity))\b")

# the part of the pool that is free for this work, said as a share or a count: "only half are free", "a quarter of
# them are idle", "25% is available", "6 of them are free" (the rest running training jobs)
_FREE = re.compile(rf"\b(?:only\s+|just\s+|about\s+|roughly\s+)?(?:(?:a\s+|one\s+)?(?P<frac>half|third|quarter|fifth|tenth)|"
                   rf"(?P<pct>\d{{1,2}})\s*%|(?P<n>{_COUNT})(?=\s+of\s+(?:them|those|these|the\s+\w+)))\s+"
                   r"(?:of\s+(?:them|those|these|it|the\s+\w+)\s+)?(?:(?:are|is)\s+)?(?:currently\s+|actually\s+|really\s+)?"
                   r"(?:(?P<free>free|available|idle|unused|spare|usable|ours\s+to\s+use)|busy|in\s+use|taken|occupied|"
                   r"(?:used|running|reserved|booked)\s+(?:for|by)\s+(?:\w+\s+)?(?:training|other|another|the\s+\w+\s+team))\b")


# some of the machines held by others, the GPUs counted per machine: "4 servers, 8 L40S each. Three of the servers are
# reserved for our fine-tuning runs"
_MACHINES = re.compile(r"^(\d+) machines x (\d+) GPUs$")
_MACHINES_TAKEN = re.compile(rf"\b(?P<n>{_COUNT}|{'|'.join(_SMALL)})\s+of\s+(?:the|our|these|those)\s+(?:servers|nodes|machines|"
                             r"boxes|hosts)\s+(?:are|is)\s+(?:\w+\s+)?(?:reserved|taken|booked|used|dedicated|allocated|"
                             r"earmarked|pinned|committed|assigned)\b|"
                             # "one of them belongs to the data science team", "two of them are the research team's"
                             rf"\b(?P<n2>{_COUNT}|{'|'.join(_SMALL)})\s+of\s+(?:them|those|these)\s+(?:belongs?\s+to|"
                             r"(?:is|are)\s+(?:owned\s+by|the\s+[\w\s-]{1,30}?'s\b|theirs\b|for\s+(?:the\s+)?[\w-]+\s+"
                             r"(?:team|group|department))|(?:is|are)\s+(?:reserved|taken|booked|used|dedicated|allocated)\b)")


_POOL_WORDS = re.compile(r"\b(?:gpus?|cards|cluster|nodes|servers|machines|boxes|pool|quota)\b")


def gpus_left(low: str, updates: dict[str, Any], notes: dict[str, str], held: float | None = None) -> None:
    """The pool's count in ``updates`` becomes what is left for this team, when the message says others hold part.
    ``held``: the GPUs the spec holds, the pool when the message names the pool without counting it again
    ("correction: 16 is the whole cluster, only 6 are for this project")."""
    pool = updates.get("max_gpus")
    if pool is None and held and _POOL_WORDS.search(low):
        pool = updates["max_gpus"] = held
        left_from_held = True
    else:
        left_from_held = False
    if not isinstance(pool, (int, float)) or pool <= 0:
        return
    _left(low, pool, updates, notes)
    if left_from_held and updates.get("max_gpus") == held:
        updates.pop("max_gpus")  # nothing taken off the pool held: no change said


def _left(low: str, pool: float, updates: dict[str, Any], notes: dict[str, str]) -> None:
    machines = _MACHINES.match(notes.get("max_gpus", ""))
    if machines and (taken := _MACHINES_TAKEN.search(low)):
        n, each = int(machines.group(1)), int(machines.group(2))
        said = taken.group("n") or taken.group("n2")
        k = _SMALL.get(said) or int(said.replace(",", ""))
        if 0 < k < n:
            updates["max_gpus"] = (n - k) * each
            notes["max_gpus"] = f"{n - k} of {n} machines x {each} GPUs (the other {k} held by others)"
            return
    if machines and (ours := _OURS.search(low)) and 0 < (left := _SMALL.get(said := ours.group("n") or ours.group("n2") or ours.group("n3"))
                                                       or int(said.replace(",", ""))) < int(machines.group(1)):
        # "3 servers with 4x L40S each ... the other two are ours": the machines left, counted in their GPUs
        n, each = int(machines.group(1)), int(machines.group(2))
        updates["max_gpus"] = left * each
        notes["max_gpus"] = f"{left} of {n} machines x {each} GPUs (the other {n - left} held by others)"
        return
    taken = _TAKEN.search(low)
    if taken:
        n = float(taken.group(1).replace(",", ""))
        if 0 < n < pool:
            updates["max_gpus"] = int(pool - n)
            notes["max_gpus"] = f"{pool:g} GPUs less the {n:g} held by others = {pool - n:g}"
        return
    held = next((h for h in _HELD.finditer(low) if h.group("who") not in _NOT_OTHERS), None)
    if held and 0 < (n := float(held.group(2).replace(",", ""))) < pool:
        updates["max_gpus"] = int(pool - n)
        notes["max_gpus"] = f"{pool:g} GPUs less the {n:g} held by others = {pool - n:g}"
        return
    if (ours := _OURS.search(low)) and 0 < (left := _SMALL.get(said := ours.group("n") or ours.group("n2") or ours.group("n3"))
                                             or int(said.replace(",", ""))) < pool:
        updates["max_gpus"] = left
        notes["max_gpus"] = f"{left} of {pool:g} GPUs free for this"
        return
    free = _FREE.search(low)
    if free:
        if free.group("n"):
            left = int(float(free.group("n").replace(",", "")))
            said = free.group("n")
        else:
            part = FRACTIONS[free.group("frac")] if free.group("frac") else float(free.group("pct")) / 100
            left = int(pool * part)
            frac = free.group("frac")
            said = ("half" if frac == "half" else f"a {frac}") if frac else f"{free.group('pct')}%"
        busy = not free.group("free")
        if busy:  # "half of them are busy": the rest is free
            left = int(pool - left)
        if 0 < left < pool:
            updates["max_gpus"] = left
            notes["max_gpus"] = (f"{pool:g} GPUs less {said} in use = {left} free" if busy else
                                 f"{said} of {pool:g} GPUs free = {left}")
        return
    share = _SHARE.search(low)
    if share:
        part = FRACTIONS[share.group("frac")] if share.group("frac") else float(share.group("pct")) / 100
        left = int(pool * part)
        if 0 < left < pool:
            updates["max_gpus"] = left
            said = f"a {share.group('frac')}" if share.group("frac") else f"{share.group('pct')}%"
            notes["max_gpus"] = f"{said} of {pool:g} GPUs = {left}"
