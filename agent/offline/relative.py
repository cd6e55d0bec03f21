"""Rates and lengths said as a multiple of the other one: "3x that at peak", "on average a third of that", "it
doubles at lunchtime", "answers run about half as long as the question"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.offline.numbers import FRACTIONS, NUM, Numbered
from agent.offline.passes import readable
from agent.offline.rates import AVERAGE, OCCASION_BEFORE, PEAK, PEAK_AFTER
from agent.offline.scaling import MULT_WORDS

# "3x that", "three times the average", "a third of that", "half the peak": a rate said relative to the other one
_RELATIVE = re.compile(
    rf"(?:{NUM}\s*(?:x|times)|(?P<word>twice|double|triple|thrice|quadruple)|(?:(?P<num>a|one|{NUM})\s+)?"
    r"(?P<frac>half|halves|thirds?|quarters?|fifths?|tenths?)(?:\s+of)?)\s+(?:of\s+)?(?:what\s+it\s+is\s+)?"
    r"(?P<ref>that|this|it|the\s+(?:average|avg|normal|usual|typical|baseline|steady(?:\s+state)?|sustained|peak|"
    r"max(?:imum)?)(?:\s+(?:rate|load|traffic|volume|level))?|(?:the\s+)?(?:average|normal|usual|peak))\b|"
    # "10 rps normally, 5x at peak": the reference left out, the peak named right after
    rf"{NUM}\s*(?:x|times)(?=\s+(?:at|during|in|on)\s+(?:the\s+)?(?:peaks?|busiest|rush))")


_RELATIVE_CUE = re.compile(r"\x02\s*(?:x|times)\b|twice|double|triple|thrice|quadruple|half|halves|third|quarter|fifth|"
                           r"tenth|fold")
# the rate said to grow by a factor at some time of day or week: "6 rps, but it triples around 9am", "it doubles at
# lunchtime", "which quadruples on Monday mornings", "traffic goes up fivefold when campaigns launch": the peak is
# that multiple of the rate said. Growth over months or years ("will double next year") is no peak.
_VERB_FACTORS = {**MULT_WORDS, "twofold": 2.0, "fourfold": 4.0, "fivefold": 5.0}
_RELATIVE_VERB = re.compile(
    rf"\b(?:it|traffic|load|volume|that|this|which|usage|demand|requests?|the\s+rate)\s+(?:\w+\s+)?"
    rf"(?:(?P<verb>doubles|triples|quadruples)|(?:goes|jumps|shoots|climbs|rises|spikes|grows|increases)\s+"
    rf"(?:up\s+)?(?:by\s+|to\s+)?(?:(?P<fold>twofold|threefold|fourfold|fivefold|tenfold)|{NUM}\s*(?:x|times|-?\s*fold)\b))"
    r"(?!\s+(?:in|by|within|over|for)\s+(?:the\s+)?(?:next|coming|\d|\x01|a\s+year|two|three|six|end)|\s+next\b)")
# ... with the time it comes after it ("it doubles at lunchtime"), or before it ("on Black Friday it triples")
_TIME_AFTER = re.compile(r"\s+(?:at|around|by|during|in|on|when|whenever|every|each|most|mid\w*|before|after|for)\b")


_AVERAGE_RIGHT_AFTER = re.compile(r"\s*(?:on\s+(?:an?\s+)?average|on\s+a\s+normal\s+day|normally|usually|typically|"
                                  r"the\s+rest\s+of\s+the\s+(?:day|time)|otherwise)\b")
# the spell the multiple lasts, said after it: "about 10x that for the hour after the ad", "5x that during the launch"
_SPELL_AFTER = re.compile(r"\s+(?:for|during|in|over)\s+(?:the|that|this)\s+(?:first\s+)?(?:\w+\s+)?(?:hour|hours|minutes?|day|"
                          r"evening|night|weekend|launch|campaign|sale|event|broadcast|ad|match|game)s?\b"
                          r"(?!\s+(?:per|a|each|every)\b)")


@dataclass
class Relative:
    """A rate (or a length) said as a multiple of the other one: ``field`` = ``factor`` x the other rate (the
    average and the peak; the prompt and the output)."""

    field: str
    factor: float
    phrase: str


def relative_rates(nt: Numbered) -> tuple[list[Relative], list[tuple[int, int]]]:
    """'avg 2/s, about 3x that at peak' -> peak_rps = 3 x rps; 'on average about a third of that' -> rps = peak / 3.
    Which rate is meant comes from the reference ('the average' -> the peak is meant) or else from the clause's
    peak or average cue; with neither it is no rate."""
    out, spans = [], []
    if not _RELATIVE_CUE.search(nt.text):
        return out, spans
    for m in _RELATIVE.finditer(nt.text):
        if m.group("frac"):
            count = m.group("num")
            n = 1.0 if count in (None, "a", "one") else nt.values[int(count[1:-1])]
            factor = n * FRACTIONS[m.group("frac")]
        elif m.group("word"):
            factor = MULT_WORDS[m.group("word")]
        else:
            factor = nt.values[int(next(g for g in m.groups() if g and g.isdigit()))]
        ref = m.group("ref") or ""
        clause = nt.text[max(0, m.start() - 60):m.end() + 40]
        # the cue said right before the multiple, in its own clause, names the rate it sets: "~1200 req/min at peak,
        # avg prob half that" (the average is half the peak)
        own = re.split(r"[,;.]", nt.text[max(0, m.start() - 25):m.start()])[-1]
        if AVERAGE.search(ref):
            field = "peak_rps"
        elif PEAK.search(ref):
            field = "rps"
        elif ref and AVERAGE.search(own) and not PEAK.search(own):
            field = "rps"
        elif ref and PEAK.search(own) and not AVERAGE.search(own):
            field = "peak_rps"
        elif _AVERAGE_RIGHT_AFTER.match(nt.text, m.end()):
            field = "rps"  # "3 req/s at the evening peak, maybe a third of that on average"
        elif PEAK.search(clause) or PEAK_AFTER.match(nt.text[m.end():]) or _SPELL_AFTER.match(nt.text, m.end()) or OCCASION_BEFORE.search(
                re.split(r"[,;.]", nt.text[max(0, m.start() - 60):m.start()])[-1]):  # "between 2 and 4 pm it runs at 3x that"
            # "Black Friday is 10x that": the rare busy occasion's rate is the peak
            field = "peak_rps"
        elif AVERAGE.search(clause):
            field = "rps"
        else:
            continue
        if factor > 0:
            out.append(Relative(field, factor, readable(m.group(0), nt)))
            spans.append(m.span())
    for m in _RELATIVE_VERB.finditer(nt.text):
        if not (_TIME_AFTER.match(nt.text, m.end()) or OCCASION_BEFORE.search(re.split(r"[;.!?]", nt.text[:m.start()])[-1])):
            continue
        word = m.group("verb") or m.group("fold")
        factor = _VERB_FACTORS[word] if word else nt.values[int(next(g for g in m.groups()[2:] if g))]
        if factor > 1 and not any(a <= m.start() < b for a, b in spans):
            out.append(Relative("peak_rps", factor, readable(m.group(0), nt)))
            spans.append(m.span())
    return out, spans


# a length said as a multiple of the other ("the translation is about the same length", "answers run about half as
# long as the question", "outputs are twice as long as the input"): which side by its noun
_OUT_SIDE = (r"translations?|outputs?|answers?|responses?|replies|summar(?:y|ies)|results?|rewrites?|drafts?|"
             r"completions?|generations?|target\s+texts?")
_IN_SIDE = r"inputs?|prompts?|messages?|questions?|sources?|source\s+texts?|originals?|requests?|queries"
_LENGTH_FACTOR = (r"(?P<same>(?:the\s+)?same\s+(?:length|size)|(?:just\s+)?as\s+long(?!\s+as\s+(?:it|they|we|you)\b)|"
                  r"similar\s+(?:in\s+length|length)|of\s+(?:a\s+)?similar\s+length|equally\s+long)|"
                  r"(?P<double>twice\s+as\s+long|double\s+the\s+length)|(?P<half>half\s+(?:as\s+long|the\s+length))")
_RELATIVE_LENGTH = re.compile(
    rf"\b(?P<noun>{_OUT_SIDE}|{_IN_SIDE})\b[^.;!?\x01]{{0,40}}?\b(?:is|are|'s|will\s+be|should\s+be|comes?\s+out|"
    rf"runs?|stays?|remains?|keeps?|ends?\s+up)\s+(?:(?!half\b|twice\b|double\b)\w+\s+){{0,2}}?"
    # or said after what it is: "the output is the same chunk translated, about the same length"
    rf"(?:[^.;!?\x01,]{{0,40}},\s*(?:about\s+|roughly\s+|around\s+|approximately\s+|basically\s+|pretty\s+much\s+)?)?"
    rf"(?:{_LENGTH_FACTOR})")


def relative_lengths(text: str) -> list[Relative]:
    """The lengths ``text`` says as a multiple of the other one."""
    out = []
    for m in _RELATIVE_LENGTH.finditer(text) if "long" in text or "length" in text or "size" in text else ():
        if m.group("same") and re.search(r"\b(?:stays?|remains?|keeps?)\b", m.group(0)) and not re.match(
                r"\s+as\b", text[m.end():]):
            continue  # "answers stay the same length": unchanged, not as long as the prompts
        field = "output_tokens" if re.fullmatch(_OUT_SIDE, m.group("noun")) else "prompt_tokens"
        factor = 2.0 if m.group("double") else 0.5 if m.group("half") else 1.0
        out.append(Relative(field, factor, m.group(0)))
    return out
