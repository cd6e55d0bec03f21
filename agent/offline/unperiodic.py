"""A count of events said without a period ("about 3000 calls, each triggers 10 suggestions"), named back instead of
dropped.

A count of calls, tickets or chats is a rate only with its period: "3000 calls" could be a day's or an hour's, 24x
apart. The reader never guesses the period; it says which count it could not use and how to say it, and the plan
is sized from what else is known (users, or their default). Only counts of events that each make requests: a count
of documents or pages is as often the size of a corpus as a volume of work, and says nothing about a period.
"""

from __future__ import annotations

import re

from agent.offline.numbers import number_text

_NUMBER = r"(?<![\w.,$€£])(?:\d{1,3}(?:[,.\s]\d{3})+|\d+(?:\.\d+)?\s*[kK]?)(?![\d%])"
_EVENTS = (r"(?:phone\s+|support\s+|customer\s+|inbound\s+|incoming\s+)?(?:calls|tickets|requests|queries|questions|emails|"
           r"e-mails|messages|chats|conversations|claims|orders|sessions|suggestions|completions|lookups|searches)")
_COUNT = re.compile(rf"(?:about|around|roughly|some|approx(?:\.|imately)?|~|maybe|like|over|nearly|almost)?\s*"
                    rf"({_NUMBER})\s+(?:[a-z-]+\s+){{0,2}}?{_EVENTS}\b", re.I)
# anything in the sentence that gives the count a period, a window or a concurrency: then it is not this remark's
_PERIOD = re.compile(
    r"\b(?:per|a|an|each|every|one|the|that|this|in\s+a|in\s+an|/)\s*(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|"
    r"nights?|weeks?|months?|quarters?|years?|shifts?|evenings?|mornings?|weekdays?|business\s+days?|working\s+days?)\b|"
    r"/\s*(?:s|m|h|d|day|hr|mo|month|week|yr)\b|"
    r"\b(?:daily|nightly|hourly|weekly|monthly|quarterly|annually|yearly|overnight|today|tonight|per\s+annum|"
    r"in\s+total|all\s+told|concurrent(?:ly)?|simultaneous(?:ly)?|in\s+parallel|at\s+(?:the\s+same\s+time|once|peak)|"
    r"between|until|till|by\s+(?:the\s+)?morning|rpm|rps|qps)\b|"
    r"\b(?:in|over|within|during|across)\s+(?:a|an|the|one|our|\d+)\b[^.;!?]{0,20}?\b(?:hours?|days?|window|shifts?|"
    r"nights?|mornings?|weeks?|months?|years?|season|period)\b", re.I)
_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?\n]|$)")
MIN_COUNT = 100  # fewer is a handful of events ("12 requests from legal"), not a volume to size for


def count_without_period(text: str) -> str | None:
    """The remark for the first count of events in ``text`` said with no period in its sentence, else None."""
    for sentence in _SENTENCE.findall(text):
        m = _COUNT.search(sentence)
        if m is None or _PERIOD.search(sentence) or _value(m.group(1)) < MIN_COUNT:
            continue
        said = " ".join(m.group(0).split())
        example = f"{m.group(1).strip()} {said.split()[-1]}"
        return (f"You said \"{said}\" but not over what time, so I could not use it: a day's and an hour's count are "
                f"24x apart. Say e.g. \"{example} a day\" (or an hour) and I will size the rate from it.")
    return None


def _value(said: str) -> float:
    """'3,000', '40k', '12.500' as the reader reads numbers (numbers.py)."""
    values = number_text(said.lower()).values
    return values[0] if values else 0.0
