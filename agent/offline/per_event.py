"""A rate of events, each of which makes several requests: "3000 calls per hour, each call triggers roughly 10
suggestions", "500 tickets a day x 3 LLM calls each", "4 prompts per conversation". The rate of requests is the rate
of events times the requests per event, and the note says the product. The requests per event may have been said in
an earlier turn (the spec's description keeps the first message's words): "no, I meant 3000 calls per hour" after
"about 3000 calls, each call triggers roughly 10 suggestions"."""

from __future__ import annotations

import re
from typing import Any

from agent.offline.fact_sheet import Facts
from agent.offline.numbers import number_text
from agent.offline.vocabulary import LANGUAGE_LIST, LANGUAGE_NAME

_ABOUT = (r"(?:(?:about|around|roughly|approximately|approx\.?|~|some|up\s+to|maybe|on\s+average|exactly|precisely|"
          r"typically|usually|normally|at\s+least|at\s+most)\s*)?")
_MAKES = (r"(?:triggers?|sets?\s+off|makes?|generates?|needs?|produces?|sends?|fires?(?:\s+off)?|creates?|results?\s+in|means|"
          r"involves?|requires?|kicks?\s+off|spawns?|leads?\s+to|gets?|has|calls?|"
          # "each one asks the model for about 5 hints"
          r"asks?\s+(?:the\s+|our\s+)?(?:model|llm|ai|bot|assistant|it)\s+for)")
# "each call triggers roughly 10 suggestions", "each one needs 3 LLM calls", "every ticket makes about 4 requests"
# "every new ticket triggers 3 LLM calls", "for every claim we make 2 LLM calls": the event is the noun before the verb
# (its adjectives before it, who makes the calls after it)
_EACH_MAKES = re.compile(rf"\b(?:each|every|per)\s+(?:one|\x01\d+\x02|of\s+them|(?:[a-z-]+\s+){{0,2}}?(?P<ev>[a-z]+))\s+"
                         rf"(?:(?:we|i|they|it|our\s+\w+)\s+)?(?:(?:also|then|usually|typically|normally|always|currently|"
                         rf"actually)\s+)?{_MAKES}\s+"
                         # ("three separate model calls": a word of how they stand apart may come first)
                         rf"{_ABOUT}\x01(?P<n>\d+)\x02\s*(?:(?:separate|distinct|different|individual|extra|additional|"
                         rf"sequential|chained)\s+)?(?P<req1>[a-z-]+)(?:\s+(?P<req>[a-z]+))?")
# "x 10 suggestions each", "times 3 calls apiece", "10 suggestions per call", "3 llm calls for each ticket"
_TIMES_EACH = re.compile(rf"(?:\bx|×|\btimes)\s*{_ABOUT}\x01(?P<n>\d+)\x02\s*(?:[a-z-]+\s+)?(?P<req>[a-z]+)\s+"
                         r"(?:each|apiece|per\s+(?P<ev>[a-z]+))\b|"
                         rf"\x01(?P<n2>\d+)\x02\s*(?:[a-z-]+\s+)?(?P<req2>[a-z]+)\s+(?:per|for\s+each|for\s+every|in\s+each|"
                         # (the event any noun the rate counted, checked against it below; no unit of time or person)
                         r"each)\s+(?P<ev2>(?!(?:second|sec|minute|min|hour|hr|day|night|week|month|year|user|person|"
                         r"seat|head|agent|employee|shift)s?\b)[a-z]+)\b")
# "the assistant gets called about twice per chat", "it's used 3 times in each call"; "during a call they'd ask our
# assistant roughly 4 questions", "in each session the bot answers about 6 questions"
_CALLED_TIMES = re.compile(rf"\b(?:called|used|asked|invoked|queried|consulted|pinged|hit)\s+{_ABOUT}"
                           rf"(?:(?P<twice>twice)|\x01(?P<n>\d+)\x02\s*times)\s+(?:per|a|an|each|every|in\s+each|"
                           rf"during\s+each|for\s+each|in\s+every)\s+(?P<ev>[a-z]+)")
_DURING_EACH = re.compile(rf"\b(?:during|in|on|for|within)\s+(?:a|an|each|every|one)\s+(?P<ev>[a-z]+)\s*,?\s+"
                          rf"(?:[a-z']+\s+){{1,6}}?{_ABOUT}\x01(?P<n>\d+)\x02\s*(?P<req1>[a-z-]+)(?:\s+(?P<req>[a-z]+))?")
# what each event holds, said after its count: "30,000 conversations a day, each about 6 messages back and forth", "each
# with around 5 user messages", "averaging 8 turns"; messages "back and forth" are both sides', and only the user's
# half are requests to the model
_EACH_HOLDS = re.compile(rf"(?:\beach|\bevery\s+one|\baveraging|\bwith\s+an\s+average\s+of)\s+(?:(?:with|of|has|having|is|runs)\s+)?"
                         rf"{_ABOUT}\x01(?P<n>\d+)\x02\s*(?P<req1>[a-z-]+)(?:\s+(?!(?:back|both|in)\b)(?P<req>[a-z]+))?"
                         rf"(?P<both>\s+back\s+and\s+forth|\s+(?:in\s+)?both\s+ways|\s+(?:in\s+)?both\s+directions)?")
_RATE_FIELDS = ("rps", "peak_rps", "window_requests")
# what an event makes that is a request to the model ("10 suggestions", "3 LLM calls"); "2 GPUs", "5 pages" are not
_REQUESTS = re.compile(r"(?:suggestions?|requests?|calls?|queries|query|prompts?|completions?|messages?|generations?|"
                       r"inferences?|replies|reply|answers?|summaries|summary|lookups?|questions?|turns?|classifications?|"
                       r"translations?|drafts?|responses?|invocations?|hints?|tips?|recommendations?|proposals?|"
                       r"nudges?)$")


def _stem(word: str) -> str:
    """The singular of a plural noun ("cases" -> "case", "boxes" -> "box", "queries" -> "query")."""
    word = word or ""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:[sxz]|ch|sh)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _per_event(text: str, event: str | None) -> tuple[float, str] | None:
    """(requests per event, what the requests are called) said in ``text`` of events named ``event`` (a plural noun;
    None when the rate named none: "orders come in ..., about 2,000 a day", the events then named in the text)."""
    nt = number_text(text.lower())
    for pattern in (_EACH_MAKES, _TIMES_EACH, _CALLED_TIMES, _DURING_EACH, _EACH_HOLDS):
        for m in pattern.finditer(nt.text):
            groups = {k: v for k, v in m.groupdict().items() if v}
            ev, req = groups.get("ev") or groups.get("ev2"), groups.get("req") or groups.get("req2")
            if pattern is _CALLED_TIMES:
                groups.setdefault("n", "twice")
                req = "calls"
            if groups.get("req1") and (_REQUESTS.match(groups["req1"]) or not req):
                req = groups["req1"]  # "3 questions to the bot", "3 LLM calls": the noun after the count or the next
            n = 2.0 if groups.get("n") == "twice" else nt.values[int(groups.get("n") or groups["n2"])]
            if event is None and not (ev and re.search(rf"\b{re.escape(_stem(ev))}e?s\b", nt.text[:m.start()])):
                continue
            if ev and event and _stem(ev) != _stem(event) or _stem(req) == _stem(event or ev) \
                    or not _REQUESTS.match(req) or not 1 < n <= 1000:
                continue
            if groups.get("both"):  # messages both ways: the user's half are the requests
                return n / 2, f"user {req} ({n:g} back and forth, half of them the user's)"
            return n, req
    return None


# one request for each pair of two things: "we send one request per SKU per language", "one call for each document
# and each target language": the events are the first thing, and each makes as many requests as there are of the
# second (counted in the message: "8 languages", or the names listed: "German, French and Spanish")
_PER_PAIR = re.compile(r"(?:\b(?:a|a\s+single|single)|\x01\d+\x02)\s+(?P<req>request|call|prompt|generation|translation|inference|"
                       r"job|completion)\s+(?:per|for\s+each|for\s+every|each)\s+(?:[a-z-]+\s+)?(?P<ev>[a-z-]+)\s*(?:,\s*)?"
                       r"(?:per|for\s+each|for\s+every|and\s+(?:per|each|every)|x|×)\s+(?:target\s+|output\s+)?"
                       r"(?P<other>[a-z-]+)\b")


def _count_of(nt, noun: str) -> float | None:
    """How many of ``noun`` the text counts: "8 languages", or for languages the longest list of names."""
    stem = _stem(noun)
    counted = [nt.values[int(m.group(1))] for m in re.finditer(rf"\x01(\d+)\x02\s*(?:[a-z-]+\s+)?{re.escape(stem)}s?\b",
                                                               nt.text)]
    if counted:
        return counted[0]
    if stem == "language":
        lists = [len(re.findall(LANGUAGE_NAME, m.group(0))) for m in re.finditer(LANGUAGE_LIST, nt.text)]
        return float(max(lists)) if lists and max(lists) > 1 else None
    return None


def _per_pair(text: str, event: str | None, value: float) -> tuple[float, str] | None:
    """(requests per event, what they are per) for "one request per SKU per language", where the events are the
    count read (named ``event``, or counted in the text as ``value`` of them: "180k SKUs")."""
    nt = number_text(text.lower())
    m = _PER_PAIR.search(nt.text)
    if m is None or (_stem(m.group("ev")) != _stem(event) if event else _count_of(nt, m.group("ev")) != value):
        return None
    one = re.match(r"\x01(\d+)\x02", m.group(0))
    if one and nt.values[int(one.group(1))] != 1:
        return None  # "2 requests per document per language" says its own multiple: not one per pair
    n = _count_of(nt, m.group("other"))
    return (n, f"{_stem(m.group('other'))}s", f"{_stem(m.group('ev'))}s") if n and 1 < n <= 1000 else None


def per_event_rate(texts: list[str], phrases: dict[str, str], updates: dict[str, Any], notes: dict[str, str]) -> None:
    """Multiplies a rate of events in ``updates`` (read from ``phrases``) by the requests each makes, said in the first
    of ``texts`` (this message, then earlier ones) that says it. Applied once: a note that says the product stays."""
    for name in _RATE_FIELDS:
        phrase = phrases.get(name, "")
        noun = re.match(r"[\d.,]+\s*(?:[a-z-]+\s+)?([a-z]+s)\b", phrase)
        if name not in updates or noun is not None and noun.group(1) in ("requests", "queries", "reqs") \
                or _APPLIED in notes.get(name, ""):
            continue
        event = noun.group(1) if noun else None
        found = next((x for t in texts if (x := _per_event(t.replace(phrase, " ") if phrase else t, event)) is not None),
                     None) or (_per_pair(texts[0], event, updates[name]) if texts else None)
        if found is None:
            continue
        n, req = found[:2]
        said = f"said as {phrase}" if phrase else notes.get(name) or f"{updates[name]:,g}{' requests' if name == 'window_requests' else ' req/s'}"
        if len(found) == 3 and not phrase:  # "180k SKUs ... one request per SKU per language"
            said = f"{updates[name]:,g} {found[2]}"
        updates[name] = round(updates[name] * n) if name == "window_requests" else round(updates[name] * n, 4)
        unit = " requests" if name == "window_requests" else " req/s"
        notes[name] = f"{said}, x {n:g} {req}{_APPLIED}{updates[name]:,g}{unit}"


_APPLIED = " each = "
