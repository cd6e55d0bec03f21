"""Scalings of a value: "traffic doubles", "3x the users", "10% more traffic", "twice as strict a TTFT", "loosen the
end-to-end target by 50%", "one more zero on the budget" -> (field, factor, span).

One grammar for every numeric field: a factor (a multiplier word, "N x", "N times", "N%" with the direction of the
verb or comparative next to it, "N times as <adjective>", a zero added or dropped) and the field it scales (the
nearest noun of a field; traffic when none). The adjective says which way a factor goes for the measure it is said
of: a latency target "twice as strict" is half the milliseconds, an answer "twice as long" is twice the tokens.

In a what-if the scalings are tried ("what if traffic triples?"); in a statement they change the spec only when
they are an order or a plan about a value it holds (parser.py decides), never a guess about the future.
"""

from __future__ import annotations

import re

from agent.offline.numbers import Numbered
from agent.offline.windows import ITEMS

MULT_WORDS = {"double": 2.0, "doubles": 2.0, "doubled": 2.0, "doubling": 2.0, "twice": 2.0, "triple": 3.0,
              "triples": 3.0, "tripled": 3.0, "tripling": 3.0, "thrice": 3.0, "threefold": 3.0,
              "quadruple": 4.0, "quadruples": 4.0, "quadrupled": 4.0, "half": 0.5, "halve": 0.5, "halves": 0.5,
              "halved": 0.5, "halving": 0.5, "tenfold": 10.0}
# "N times as <adjective>": the adjectives that make the measure smaller when said of a latency (stricter, faster)
# or of a length or count (shorter, fewer); the others make it bigger
_SHRINKS = {"strict", "stricter", "tight", "tighter", "fast", "faster", "quick", "quicker", "snappy", "short",
            "shorter", "small", "smaller", "few", "fewer", "low", "lower", "cheap", "cheaper", "aggressive"}
_OF_TARGETS = {"strict", "tight", "loose", "relaxed", "lenient", "snappy", "aggressive"}
_AS_ADJ = (r"strict|tight|fast|quick|snappy|short|small|few|low|cheap|aggressive|long|big|large|high|many|much|"
           r"loose|relaxed|lenient|slow|generous|busy|heavy|expensive")
# the verbs of a change in percent that lower the value ("tighten the TTFT by 20%", "cut the budget by 10%")
_DOWN_VERB = re.compile(r"\b(?:tighten\w*|cut\w*|reduc\w*|lower\w*|decreas\w*|shrink\w*|trim\w*|drop\w*|shorten\w*|"
                        r"slash\w*|fall\w*|down|less|fewer|smaller|shorter|stricter|lower)\b[^.;!?]{0,40}$")
_MULT = re.compile(
    # "twice as strict", "3 times as long", "three times as many": the adjective gives the direction
    r"\b(?:(?P<asword>twice|thrice|half)|\x01(?P<asn>\d+)\x02\s*(?:x|times))\s+as\s+(?P<adj>" + _AS_ADJ + r")\b|"
    # a zero added or dropped: "one more zero on the budget", "add a zero", "drop a zero from the users"
    r"(?P<zero_up>(?:\x01\d+\x02|\ban?|\bone)\s+(?:more|extra|additional)\s+(?:\x01\d+\x02|zero)|\banother\s+(?:\x01\d+\x02|zero)|"
    r"\badd(?:ed|ing)?\s+(?:a|an(?:other)?|one|\x01\d+\x02)\s+(?:more\s+)?(?:\x01\d+\x02|zero))(?=\s|$|[.,;!?])|"
    r"(?P<zero_down>\b(?:drop|remove|lose|take\s+off|strip)\w*\s+(?:a|an|one|\x01\d+\x02)\s+(?:\x01\d+\x02|zero)|"
    r"(?:\ba|\ban|\bone|\x01\d+\x02)\s+(?:\x01\d+\x02|zero)\s+too\s+many)(?=\s|$|[.,;!?])|"
    # "half of our 1,200 nurses" is a share of a count (read with the users), no scaling
    # ("double-checked", "double click", "half-day" are no scaling)
    r"\b(?P<word>" + "|".join(sorted(MULT_WORDS, key=len, reverse=True)) + r")\b"
    r"(?![\s-]*(?:check(?:s|ed|ing)?|click(?:s|ed|ing)?|tap|quotes?|spac(?:e|ed|ing)|book(?:ed|ing)?|digits?|dip\w*|"
    r"cross(?:ed)?|day|hour|time|width)\b)"
    r"(?!\s+of\s+(?:our|the|all|its|their|those|these)?\s*(?:\w+\s+)?\x01)|"
    # ("2x H100", "2x DGX", "4x servers" count hardware, no scaling)
    r"\x01(?P<n>\d+)\x02\s*(?:x\b(?!\s*(?:§|(?:nvidia\s+)?[dh]gx\b|servers?\b|nodes?\b|boxes\b|machines?\b|gpus?\b|"
    r"cards?\b|instances?\b))|times\b|-?\s*fold\b)|"
    r"(?:\bby\s+|\bgrows?\s+|\bincreases?\s+|\bup\s+|(?P<down>\bdrops?\s+(?:by\s+)?|\bdown\s+|\bfalls?\s+"
    r"(?:by\s+)?|\bless\s+by\s+))\x01(?P<pct>\d+)\x02\s*(?:%|percent\b)|"
    # a fraction of it: "cut the budget by a third", "raise the users by a quarter"
    r"\bby\s+(?:(?:a|one)\s+(?P<fracby>third|quarter|fifth|tenth)|(?P<fracby_half>half))\b|"
    # a share taken off or put on: "25% trimmed from that", "shave 10% off", "20% added to it"
    r"\x01(?P<pct3>\d+)\x02\s*(?:%|percent\b)\s+(?:(?P<off>trimmed|cut|shaved|taken|knocked|chopped|lopped|removed|"
    r"slashed)\s+(?:off\s+|out\s+)?(?:from|of|off)|(?:added|put)\s+(?:on\s+)?(?:to|onto|on))\b|"
    r"\b(?:shave|take|knock|chop|trim|cut|lop)\s+(?:off\s+)?(?:another\s+)?\x01(?P<pct4>\d+)\x02\s*(?:%|percent\b)\s+off\b|"
    r"\x01(?P<pct2>\d+)\x02\s*(?:%|percent\b)\s*(?:(?P<less>less|lower|fewer|smaller|cheaper|shorter|stricter|"
    r"tighter|faster)|more|higher|extra|bigger|larger|longer|looser|slower)\b")
# the field a scaling is said of: the nearest of these nouns (traffic when none)
_SUBJECTS = (
    ("ttft_p95_ms", re.compile(r"\b(?:ttft|time[\s-]to[\s-]first[\s-]token|first[\s-]token)\b")),
    ("itl_p95_ms", re.compile(r"\b(?:itl|tpot|inter[\s-]?token|per[\s-]token|streaming|stream|token\s+gaps?|"
                              r"gaps?\s+between\s+(?:the\s+)?tokens|"
                              r"tokens?\s+per\s+second|token\s+rate|generation\s+speed)\b")),
    ("e2e_p95_ms", re.compile(r"\b(?:e2e|end[\s-]to[\s-]end|total\s+latency|response\s+time)\b")),
    # the latency targets together: "make both latency targets twice as strict", "halve the SLOs"
    ("latency", re.compile(r"\b(?:latency|latencies|slos?|(?:latency\s+)?targets)\b")),
    ("prompt_tokens", re.compile(r"\b(?:prompts?|inputs?|context|documents?|docs|reports|files|transcripts|"
                                 r"articles|contracts|tickets|e-?mails)\b")),
    ("output_tokens", re.compile(r"\b(?:outputs?|answers?|responses?|replies|completions?|summar(?:y|ies)|drafts?|"
                                 r"generations?|translations?)\b")),
    ("budget_monthly_usd", re.compile(r"\b(?:budget|spend|money|cfo|finance|dollars|bucks|cost\s+cap|ceiling|controlling|"
                                      r"procurement|accounting|purchasing|treasury)\b")),
    ("max_gpus", re.compile(r"\b(?:gpus?|cards|nodes?|servers?|machines?|boxes|§+)")),  # a fleet's machines scale its GPUs
    ("traffic", re.compile(r"\b(?:traffic|load|requests?|usage|demand|volume|users?|user\s+base|qps|rps|"
                           r"customers|people|employees|scale)\b")),
)


_COUNTED = re.compile(r"\s+(?:the\s+|our\s+|its\s+)?(?:number\s+of\s+|count\s+of\s+|volume\s+of\s+)?"
                      r"(?!pages\b)" + ITEMS + r"(?!\s+(?:length|size|lengths|sizes)\b)")


def _factor(m: re.Match, nt: Numbered, before: str) -> float:
    if m.group("adj"):
        k = MULT_WORDS.get(m.group("asword") or "", 0.0) or (nt.values[int(m.group("asn"))] if m.group("asn") else 0.0)
        return 1 / k if k and m.group("adj") in _SHRINKS else k
    if m.group("zero_up") or m.group("zero_down"):
        digits = re.findall(r"\x01(\d+)\x02", m.group(0))
        if "zero" not in m.group(0) and digits and nt.values[int(digits[-1])] != 0:
            return 1.0  # "another 300 users": a count added, no zero
        return 10.0 if m.group("zero_up") else 0.1
    word = m.group("word")
    if word:
        return MULT_WORDS[word]
    if m.group("n"):
        return nt.values[int(m.group("n"))]
    if m.group("fracby") or m.group("fracby_half"):
        # "raise it by half" is half as much again, "cut it by half" half of it
        part = {"third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "tenth": 0.1, "half": 0.5}[m.group("fracby") or "half"]
        return 1 - part if _DOWN_VERB.search(before + " by") else 1 + part
    pct = nt.values[int(m.group("pct") or m.group("pct2") or m.group("pct3") or m.group("pct4"))] / 100
    down = (m.group("down") or m.group("less") or m.group("off") or m.group("pct4")
            or (m.group("pct") and _DOWN_VERB.search(before)))
    return 1 - pct if down else 1 + pct


# "half of them would use it", "half of ops will use it": after a head count said in the sentence, a share of it
# (shares.py), no scaling; with no count before ("what if only half of our staff would use it?") it scales the one held
_SHARE_OF_SAID = re.compile(r"\s+of\s+(?:them|those|these|us|whom\b|(?:(?:the|our|those|these|that|this)\s+)?[a-z]+(?:\s+[a-z]+)?"
                            r"\s+(?:(?:actually|really|regularly|typically|ever|still)\s+)?(?:would|will|might|may|could|"
                            r"should|use|uses|using|are|is|get|gets|need|needs|want|wants|log|logs|sign|signs)\b)")


def multiplier_text(nt: Numbered) -> list[tuple[str, float, tuple[int, int]]]:
    """The scalings ``nt`` says: (field or 'traffic', factor, span)."""
    out = []
    for m in _MULT.finditer(nt.text):
        if m.group("word") and "\x01" in nt.text[:m.start()] and _SHARE_OF_SAID.match(nt.text, m.end()):
            continue
        factor = _factor(m, nt, nt.text[max(0, m.start() - 60):m.start()])
        if factor <= 0 or factor == 1:
            continue
        window = nt.text[max(0, m.start() - 40): m.end() + 40]
        # "double the documents": the count of what is processed (as many again), not their length
        counted = m.group("word") and _COUNTED.match(nt.text, m.end())
        subject = "traffic" if counted else _subject(window, m.start() - max(0, m.start() - 40))
        if subject == "traffic" and m.group("adj") in _OF_TARGETS:
            subject = "latency"  # "twice as strict" with no noun: a target is what is strict
        out.append((subject, factor, m.span()))
    return out


def _subject(window: str, at: int) -> str:
    best, best_dist = "traffic", 10 ** 6
    for field, pattern in _SUBJECTS:
        for hit in pattern.finditer(window):
            dist = abs(hit.start() - at)
            if dist < best_dist:
                best, best_dist = field, dist
    return best
