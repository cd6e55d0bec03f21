"""Trading latency for cost: "could we make it cheaper if replies are a bit slower?", "can we save money by
accepting slower answers?", "cheaper if we relax latency?".

Read as one what-if: every latency target loosened 2x with cost first, so the answer shows what slower replies buy
(agent/replies.py says why when they buy nothing: the plan is sized by something other than a latency target).
"""

from __future__ import annotations

import re

from agent.acts import WhatIf

_CHEAPER = re.compile(r"\b(?:cheaper|less\s+expensive|cost\s+less|save\s+(?:some\s+)?money|sav(?:e|ing)s?|lower\s+(?:the\s+)?"
                      r"(?:cost|bill|price)|reduce\s+(?:the\s+)?(?:cost|bill)|cut\s+(?:the\s+)?(?:cost|bill))\b", re.I)
_SLOWER = re.compile(r"\b(?:slower|relax(?:ed|ing)?\s+(?:the\s+)?(?:latency|slos?|targets?)|(?:more|higher|longer|looser)\s+"
                     r"latency|latency\s+(?:can|could|may|is\s+allowed\s+to)\s+(?:be\s+)?(?:higher|worse|longer|looser)|"
                     r"(?:wait|waiting)\s+(?:a\s+(?:bit|little)\s+)?longer|less\s+(?:fast|snappy|responsive)|"
                     r"(?:not|isn'?t)\s+as\s+fast)\b", re.I)
RELAXED = {"ttft_p95_ms": "2x", "itl_p95_ms": "2x", "e2e_p95_ms": "2x", "priority": "cost"}
LABEL = "latency targets x2, cost first"


def latency_for_cost(text: str) -> list[WhatIf] | None:
    """The what-if of a message that offers slower replies for a lower cost; None otherwise."""
    if _CHEAPER.search(text) and _SLOWER.search(text):
        return [WhatIf(label=LABEL, changes=dict(RELAXED))]
    return None
