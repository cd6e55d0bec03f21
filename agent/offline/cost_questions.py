"""Questions about how sure the cost is or what it depends on: "how sure are you about that monthly cost?", "how
sure is that $ figure? what could make it go up?", "what drives the price?", "how accurate is the estimate?".

They are answered from the plan (agent/why_answers.py ``cost_confidence``): the price spread of the providers, the
traffic the replica count rests on and whether it was assumed, and the hours counted.
"""

from __future__ import annotations

import re

from agent.offline.commands import option_numbers

_SURE = (r"\bhow\s+(?:sure|confident|certain|accurate|reliable|solid|firm|precise|exact|trustworthy|good)\b|"
         r"\bwhat\s+(?:could|would|might|can|will)\s+(?:make|push|drive|send|change|move)\s+(?:it|that|this|the\s+\w+)\s+"
         r"(?:go\s+)?(?:up|higher|down|lower)\b|\bwhat\s+(?:drives|affects|determines|moves|changes)\b|"
         r"\bmargin\s+of\s+error\b|\berror\s+bars?\b|\buncertain(?:ty)?\b|\bconfidence\b|\bhow\s+much\s+could\s+(?:it|that)\s+"
         r"(?:change|vary|move)\b|\bdepends?\s+on\b")
_COST = r"(?:\bcost|\$|\bprice|\bbill|\bspend|\bfigure\b|\bestimate\b|\bmonthly\b|\bdollars?\b|\bmoney\b)"
SURE = re.compile(_SURE, re.I)
COST = re.compile(_COST, re.I)


def cost_confidence_question(text: str) -> int | None | bool:
    """False when ``text`` asks nothing about how sure the cost is; else the option it names (None: the selected)."""
    if not (SURE.search(text) and COST.search(text)) or "?" not in text and not re.match(r"^\W*(?:how|what)\b", text, re.I):
        return False
    options = option_numbers(text.lower())
    return options[0] if options else None


# "how much it cost in euro?", "what's that in pounds?", "convert the cost to CHF": the plan's dollars in another
# currency of the rate table (agent/offline/currency.py)
_IN_CURRENCY = re.compile(r"\b(?:in|into|to|as)\s+((?:euros?|eur|pounds?(?:\s+sterling)?|gbp|sterling|chf|swiss\s+francs?|"
                          r"francs?|cad|canadian\s+dollars?|aud|australian\s+dollars?|yen|jpy|rupees?|inr|yuan|rmb|cny|sek|"
                          r"swedish\s+kron(?:or|a))|[€£¥₹])(?=\W|$)", re.I)
_MONEY_ASKED = re.compile(r"\bhow\s+much\b|\bcost|\bprice|\bwhat(?:'?s|\s+is|\s+are|\s+would)\b|"
                          r"\bconvert|\bin\s+local\s+currency|\bbill\b|\bspend\b|\bmonthly\b", re.I)


def currency_question(text: str) -> str | None:
    """'ISO code:option' when ``text`` asks for the plan's cost in another currency; None otherwise."""
    from agent.offline.currency import USD_PER, currency_of

    m = _IN_CURRENCY.search(text)
    if m is None or not _MONEY_ASKED.search(text):
        return None
    code = currency_of(m.group(1) if m.group(1) not in ("sterling",) else "gbp")
    if m.group(1).lower().startswith("sterling"):
        code = "GBP"
    if code not in USD_PER:
        return None
    options = option_numbers(text.lower())
    return f"{code}:{options[0] if options else ''}"
