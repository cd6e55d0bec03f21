"""Questions about losing part of the deployment: "what happens if one replica dies during the peak?", "what if we
lose a node?", "is there any redundancy?", "is it N+1?".

They are answered from the plan (agent/why_answers.py ``failure``): whether the replicas left carry the peak.
A statement of a requirement ("we need N+1") is not a question and is left to the parser.
"""

from __future__ import annotations

import re

from agent.offline.commands import option_numbers

_UNIT = r"(?:replicas?|nodes?|gpus?|servers?|pods?|instances?|machines?|cards?|boxes|hosts?)"
FAILURE = re.compile(
    rf"\b{_UNIT}\b[^.?!]{{0,40}}?\b(?:dies|die|died|dying|fails?|failed|failing|crash(?:es|ed)?|goes\s+down|go\s+down|"
    rf"went\s+down|is\s+down|dead|breaks?|broke|unavailable|offline|drops?\s+out)\b|"
    rf"\b(?:lose|lost|losing)\s+(?:a|one|1|an?\s+entire|a\s+whole)\s+{_UNIT}\b|"
    r"\bredundan(?:cy|t)\b|\bn\s*\+\s*1\b|\bfail\s*-?\s*over\b|\bhigh(?:ly)?\s+availab(?:le|ility)\b|"
    r"\bsingle\s+point\s+of\s+failure\b", re.I)
_ASKS = re.compile(r"\?\s*$|^\W*(?:what|how|is|are|does|do|can|will|would|could)\b", re.I)


def failure_question(text: str) -> int | None | bool:
    """False when ``text`` is no question about losing a replica; else the option it names (None: the selected)."""
    if not FAILURE.search(text) or not _ASKS.search(text.strip()):
        return False
    options = option_numbers(text.lower())
    return options[0] if options else None


# whether an option (or the plan) keeps the latency targets: "does the revised plan still meet the latency targets?",
# "will option 2 hit our SLOs?", "is it still within the p95 targets?"
_MEETS = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay|hm+|right)\W+)*(?:does|do|will|would|is|are|can|could)\s+(?:the\s+|that\s+|this\s+)?"
    r"(?:(?:revised|new|updated|current|cheaper|recommended|changed|smaller)\s+)?(?:plan|it|option\s*#?\d+|setup|config\w*|"
    r"one)\s+(?:still\s+)?(?:meet|hit|satisfy|make|keep\s+(?:to|within)|stay\s+(?:within|under)|be\s+within|within|"
    r"fit\s+within)\s+(?:the\s+|our\s+|my\s+|all\s+(?:the\s+)?)?(?:latency\s+|p95\s+|response[\s-]time\s+)?"
    r"(?:targets?|slos?|slas?|requirements?|goals?|latency|numbers)\b", re.I)


def meets_question(text: str) -> int | None | bool:
    """False when ``text`` does not ask whether an option keeps the latency targets; else the option it names (None: the
    selected one)."""
    if not _MEETS.search(text.strip()):
        return False
    options = option_numbers(text.lower())
    return options[0] if options else None
