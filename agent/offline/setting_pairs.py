"""Two values of one setting set against each other: "tp2 vs tp1", "TP 1 or TP 2?", "fp8 vs bf16".

Such a message compares the plan's configuration at each value, not option 1 with option 2 (the digits of "tp2" and
"tp1" are no option numbers) and not a change to one of the values. Tensor parallel sizes are answered from the
planner (the option at each TP: replicas, GPUs, cost, latency); precisions are two what-if rows.
"""

from __future__ import annotations

import re
from typing import Any

from agent.acts import AskWhy, WhatIf

_VS = r"\s*(?:vs\.?|versus|or|against|compared\s+(?:to|with)|over|and)\s*"
_TP = r"(?:tp|tensor[\s-]parallel(?:ism)?(?:\s+(?:size|degree|of))?)\s*[=:]?\s*(\d{1,2})"
TP_PAIR = re.compile(rf"\b{_TP}{_VS}(?:{_TP}|(\d{{1,2}}))\b", re.I)
_PRECISIONS = r"(fp8|fp16|bf16|fp4|int8|int4|awq|gptq)"
PRECISION_PAIR = re.compile(rf"\b{_PRECISIONS}{_VS}{_PRECISIONS}\b", re.I)
# a pair set against each other is asked, not ordered ("use fp8 and bf16" is no comparison)
_ASKED = re.compile(r"\?|\b(?:vs\.?|versus|compare[ds]?|comparison|difference|which\s+is|better)\b", re.I)


def setting_pair(text: str) -> list[Any] | None:
    """The acts of a message that sets two values of one setting against each other; None otherwise."""
    if not _ASKED.search(text):
        return None
    tp = TP_PAIR.search(text)
    if tp is not None:
        a, b = int(tp.group(1)), int(tp.group(2) or tp.group(3))
        if a != b and a in (1, 2, 4, 8, 16) and b in (1, 2, 4, 8, 16):
            return [AskWhy(about="tp_pair", target=f"{a},{b}")]
    pr = PRECISION_PAIR.search(text)
    if pr is not None and pr.group(1).lower() != pr.group(2).lower():
        return [WhatIf(label=f"precision {p.lower()}", changes={"precision": p.lower()}) for p in pr.groups()]
    return None
