"""The organisation's size is not the audience when the message says only a part of the organisation will use the
tool: "We're a 12,000-person company ... a chat assistant for one of our departments - not sure which yet" gives no
user count (Compass asks for it), while "We're a 300-person company, a chatbot for everyone" is 300 users.

A part said with its own count ("the 120 clinicians in oncology", "350 of us are developers") is read by people.py
and, said later, is the users already; this module only drops the organisation's size when no count of the part
was given."""

from __future__ import annotations

import re
from typing import Any

# the organisation named by its size: "a 12,000-person company", "a company of 800 people", "we have 5,000 employees",
# "Acme is ~18k employees"
_ORG = (r"(?:company|companies|firm|org|organi[sz]ation|business|startup|start-up|fintech|bank|insurer|retailer|"
        r"studio|agency|enterprise|group|trust|hospital|university|school|manufacturer|publisher|shop|consultancy|"
        r"corporation|corp|employer|conglomerate|scale-?up|nonprofit|non-profit|charity|council|ministry|agency)")
_SIZE = r"(\d[\d,.]*\s*k?)"
_ORG_SIZE = re.compile(
    rf"\b{_SIZE}[\s-]*(?:person|people|employee|staff|strong|seat|head)\s+(?:[a-z-]+\s+)?{_ORG}\b|"
    # named by its trade: "a 600-lawyer firm", "a 2,000-bed hospital"
    rf"\b{_SIZE}-[a-z]+\s+(?:[a-z-]+\s+)?{_ORG}\b|"
    rf"\b{_ORG}\s+(?:of|with)\s+(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|over\s+)?{_SIZE}\s*"
    r"(?:people|employees|staff|persons)?\b|"
    rf"\b(?:we|i|it|[a-z]+)(?:'re|'s|\s+are|\s+is|\s+has|\s+have|\s+employs?|'ve\s+got|(?:'ve|\s+have|\s+has)\s+grown\s+to|"
    rf"\s+grew\s+to)\s+(?:a\s+)?(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|"
    rf"over\s+)?{_SIZE}\s*(?:people|employees|staff|persons|fte)\b")
# the tool said to be for a part of the organisation, without a count of the part
_PART = re.compile(
    r"\b(?:for|in|to|by)\s+(?:just\s+|only\s+)?(?:one|some|a\s+few|a\s+couple|several|two|three|certain)\s+of\s+"
    r"(?:our|the|its|their)\s+(?:departments|teams|divisions|business\s+units|units|offices|groups|sites|functions)\b|"
    r"\b(?:for|in|to|by)\s+(?:just\s+|only\s+)?(?:a|one|a\s+single|a\s+small|a\s+pilot)\s+(?:department|team|division|"
    r"business\s+unit|unit|group|office|function)\b|"
    r"\b(?:for|in|to|by)\s+(?:just\s+|only\s+)?(?:the|our)\s+(?:[a-z&-]+\s+){1,2}(?:department|team|division|unit|"
    r"office|function|cent(?:re|er)|desk|floor|practice|branch)\b|"
    r"\bnot\s+sure\s+which\s+(?:one|team|department|division|group|unit|office)s?\b|"
    r"\b(?:a|the)\s+pilot\s+(?:team|group|department)\b")
# ... unless everyone is said to use it
_EVERYONE = re.compile(r"\b(?:everyone|everybody|all\s+(?:of\s+)?(?:our\s+|the\s+)?(?:staff|employees|people|of\s+us|"
                       r"colleagues)|the\s+whole\s+(?:company|org\w*|staff)|company[\s-]wide|org[\s-]wide)\b")


def _number(said: str) -> float | None:
    said = said.replace(",", "").strip()
    scale = 1000.0 if said.endswith("k") else 1.0
    try:
        return float(said.rstrip("k").strip()) * scale
    except ValueError:
        return None


def org_size_not_users(own: str, updates: dict[str, Any], notes: dict[str, str]) -> None:
    """Drop ``users`` read from the organisation's size when the message gives the tool to a part of it, or counts
    its load as work in a window."""
    users = updates.get("users")
    if users is None:
        return
    low = own.lower()
    # the work counted in a window is the load ("40,000 tickets a night"): the organisation's size beside it is
    # context ("we've grown to 900 staff"), as it is where only a part of the organisation uses the tool
    if not ("window_requests" in updates or _PART.search(low)) or _EVERYONE.search(low):
        return
    if any(_number(next(g for g in m.groups() if g)) == users for m in _ORG_SIZE.finditer(low)):
        updates.pop("users")
        notes.pop("users", None)


# the organisation's size said of it: "the company is 12,000 people now after the merger", "our firm employs 900"
_ORG_IS = re.compile(r"\b(?:the|our|this)\s+(?:whole\s+|entire\s+)?(?:company|firm|org|organi[sz]ation|business|group|enterprise|"
                     r"corporation|bank|insurer|agency|university|hospital|startup|shop)\s+(?:is|has|employs|has\s+grown\s+to|"
                     r"grew\s+to)\s+(?:now\s+|currently\s+)?(?:about\s+|around\s+|roughly\s+|~\s*|over\s+|almost\s+)?"
                     r"(\d{1,3}(?:,\d{3})+|\d+)")


def org_size_said_again(own: str, updates: dict[str, Any], users_held: bool) -> None:
    """Once the users are known, the organisation's size said later ("small correction, the company is 12,000 people
    now") corrects a head count, not the users (said first, it is the head count a share of it is taken from)."""
    if users_held and "users" in updates and any(_number(m.group(1)) == updates["users"] for m in _ORG_IS.finditer(own.lower())):
        updates.pop("users")



def org_size_of(sentence: str, value: float) -> bool:
    """``sentence`` gives the organisation's size as ``value`` ("We're a 600-lawyer firm overall")."""
    return any(_number(next(g for g in m.groups() if g)) == value for m in _ORG_SIZE.finditer(sentence.lower()))
