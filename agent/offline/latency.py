"""Latency targets and their units: "TTFT under 300 ms", "answers within 5 seconds", "30 tokens/s per user" (a
streaming speed: the time between tokens), "ttft 200" (a bare number after its keyword). Which of the three p95
targets a number sets comes from the nearest keyword; a network's latency or a start-up time sets none."""

from __future__ import annotations

import re

from agent.offline.lengths import WORDS_TO_TOKENS
from agent.offline.numbers import NUM, sig
from agent.offline.passes import LABELS_NEXT, Pass, Quantity, clause_before, nearest
from agent.offline.time_units import DURATION_UNIT, MS_PER_UNIT

LATENCY_FIELDS = ("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms")

# a streaming speed, per user: "50 tokens per second" (ITL = 1000 / rate)
_TOKEN_RATE = re.compile(rf"{NUM}\s*(?:output\s+)?(?P<unit>tokens?|toks?|words?)\s*(?:/\s*|per\s+|an?\s+|each\s+|every\s+)"
                         rf"(?:s|sec|second)\b|{NUM}\s*tok/s\b")
_AGGREGATE = re.compile(r"\b(?:total|aggregate|overall|cluster|combined|throughput)\b")
_LATENCY_UNIT = re.compile(rf"{NUM}\s*{DURATION_UNIT}")
_LAT_SPECIFIC = re.compile(
    r"(?P<ttft_p95_ms>\bttft\b|time[\s-]+to[\s-]+first[\s-]+(?:token|byte|word)|\bfirst[\s-]+(?:token|word|byte|"
    r"chunk|sentence|line|words|letters?|characters?|text)|\bstart(?:s|ing)?\b|\bbegin(?:s|ning)?\b|\binitial\s+response|\bfirst\s+(?:answer|response)|"
    # "before text starts appearing"
    r"\b(?:text|words?|output|anything|something|it|the\s+(?:answer|reply|response|text))\s+(?:starts?|begins?)\b)|"
    r"(?P<itl_p95_ms>\bitl\b|inter[\s-]?token|between\s+tokens|per[\s-]+(?:output[\s-]+)?token|\btpot\b|\btbt\b|"
    r"\b(?:each|every|a|one)\s+(?:new\s+|output\s+|next\s+|subsequent\s+)?token\b|\btoken\s+every\b|"
    r"token[\s-]+latency|token[\s-]+to[\s-]+token|"
    # tokens streamed at a pace: "stream tokens at 40 ms each"
    r"\b(?:stream(?:s|ed|ing)?|emit(?:s|ted|ting)?|spit(?:s|ting)?\s+out|print(?:s|ed|ing)?)\s+(?:the\s+|its\s+|out\s+)?tokens?\s+at\b)|"
    r"(?P<e2e_p95_ms>\be2e\b|end[\s-]+to[\s-]+end|\btotal\b|\b(?:full|complete|whole|entire)\s+(?:answer|"
    r"response|reply|summary|output|suggestion|completion|result|translation|draft)|\bfinish(?:es|ed)?\b|\boverall\b|turnaround|round[\s-]?trip|\bdone\b|"
    # all of it shown: "the draft should be fully on screen in 15 seconds", "completely there within 4 s"
    r"\b(?:fully|completely|entirely|all)\s+(?:on\s+(?:the\s+)?screen|there|visible|shown|rendered|written|generated)\b)")
_LAT_GENERIC = re.compile(
    r"\blatency\b|response\s+times?|\brespon(?:d|ds|se|ses)\b|\banswers?\b|\brepl(?:y|ies)\b|\btakes?\b|"
    r"\bwait\b|\bsla\b|\bslo\b|\bunder\b|\bbelow\b|\bwithin\b|less\s+than|at\s+most|\bp9[59]\b|<")
_LAT_KW = re.compile(
    rf"\b(ttft|time\s+to\s+first\s+token|itl|tpot|inter[\s-]?token\s+latency|e2e|end[\s-]+to[\s-]+end|latency)\s*"
    rf"(?:p9[59]\s*)?(?:of|is|:|=|under|below|<=?|at\s+most|around|about|~|max(?:imum)?|target|to|\s)*"
    # a few words may stand between the keyword and a bare number that a cue introduces ("ttft can be a bit looser,
    # say 300")
    rf"(?:(?:[a-z',]+\s+){{1,5}}?(?:say|like|maybe|around|about|to|at|be|of|now)\s*,?\s*)?{NUM}"
    r"(?!\s*(?:%|[a-z]))")


def read_streaming_speed(p: Pass) -> None:
    """A speed in tokens a second, read before the rates ("50 tokens/s" is no request rate)."""
    p.run(_TOKEN_RATE, lambda m: _token_rate(p, m))


def read_latencies(p: Pass) -> None:
    """Durations with their unit."""
    p.run(_LATENCY_UNIT, lambda m: _latency(p, m, p.nt.value(m) * MS_PER_UNIT[m.group(2)], unit=m.group(2)))


def read_latency_keywords(p: Pass) -> None:
    """A bare number after a latency keyword ("TTFT 200")."""
    p.run(_LAT_KW, lambda m: _latency_kw(p, m))


def read_corrected_latency(p: Pass) -> None:
    wrong = next((q.field for q in p.negated if q.field in LATENCY_FIELDS), None)
    if wrong:  # "meant 3 seconds, not 300 ms": the bare duration corrects the field of the negated one
        p.run(_LATENCY_UNIT, lambda m: [(wrong, sig(p.nt.value(m) * MS_PER_UNIT[m.group(2)], 6))])


def _token_rate(p: Pass, m: re.Match) -> list[tuple[str, float]] | None:
    # "50 tokens per second" per user is a streaming speed: ITL = 1000 / rate. An aggregate rate is not.
    if _AGGREGATE.search(p.before(m.start()) + p.after(m.end())):
        return []
    value = p.nt.value(m)
    if (m.group("unit") or "").startswith("word") and value > 0:  # "8 words per second": words as tokens
        p.notes["itl_p95_ms"] = f"{value:g} words/s x {WORDS_TO_TOKENS} tokens a word = {value * WORDS_TO_TOKENS:.3g} tokens/s"
        value *= WORDS_TO_TOKENS
    return [("itl_p95_ms", sig(1000.0 / value))] if value > 0 else [("itl_p95_ms", value)]


# the latency of something that is not the model's serving: the network, a link, a lookup before the model is
# called ("our campus-to-cloud latency is about 70 ms, which we can't change", "retrieval adds ~150 ms"): a fact, no SLO
_FOREIGN_LATENCY = re.compile(
    r"\b(?:network|campus[\s-]to[\s-]cloud|office[\s-]to[\s-]cloud|internet|wan|vpn|link|connection|ping|rtt|"
    r"transatlantic|cross[\s-]region|retrieval|vector\s+(?:db|database|search|store)|embeddings?|database|db|"
    r"api\s+gateway|proxy|load\s+balancer|firewall)\b")


def _foreign_latency(p: Pass, at: int) -> bool:
    clause = clause_before(p.text, at)
    foreign = [x.start() for x in _FOREIGN_LATENCY.finditer(clause)]
    own = [x.start() for x in _LAT_SPECIFIC.finditer(clause)]
    return bool(foreign) and (not own or max(own) < max(foreign))


# (the answer starting is the first token, not a start-up: "waiting up to 30 seconds for it to start writing")
_WAKE_AFTER = re.compile(r"^\s*(?:or\s+so\s+|or\s+two\s+)?(?:to|for\s+(?:it|the\s+\w+)\s+to)\s+(?:wake|"
                         r"start(?!\s+(?:to\s+)?(?:writ|answer|typ|stream|respond|repl|produc|generat|talk|print|show|appear|"
                         r"spit|output|say|speak|draft))|spin|warm|boot|load|come\s+up|scale\s+up)")


_MEASURED_BEFORE = re.compile(r"\b(?:median|measured|observed)\b")
# ... or the time said of a start-up before it: "a cold start of a minute or so is fine", "boot time is ~90 s"
_START_UP_BEFORE = re.compile(r"\b(?:cold[\s-]starts?|warm[\s-]?ups?|boot(?:ing|s)?|spin[\s-]?ups?|start[\s-]?ups?|"
                              r"wake[\s-]?ups?|load(?:ing)?\s+time)\s+(?:time\s+)?(?:of|takes?|taking|lasting|is|are|=|:)?\s*"
                              r"(?:about|around|roughly|up\s+to|~|under|below|over|at\s+most|maybe|a)?\s*$")


def _latency(p: Pass, m: re.Match, ms: float, unit: str) -> list[tuple[str, float]] | None:
    if (_foreign_latency(p, m.start()) or _WAKE_AFTER.match(p.text[m.end():m.end() + 80])
            or _MEASURED_BEFORE.search(clause_before(p.text, m.start())) or _START_UP_BEFORE.search(p.before(m.start()))):
        # read, and set nothing: a network's latency, a start-up time ("a minute to wake up"), a median measured
        # ("median latency 3.4 s end to end" of a pilot) is no p95 target
        return []
    before, after = p.before(m.start()), p.after(m.end())
    label = _LAT_SPECIFIC.match(after.lstrip())
    if label and LABELS_NEXT.match(p.text, m.end() + len(after) - len(after.lstrip()) + label.end()):
        after = ""
    field = nearest(_LAT_SPECIFIC, before, after)
    if field is None:
        asked = p.first_asked(LATENCY_FIELDS)
        if asked:
            field = asked
        elif _LAT_GENERIC.search(before) or _LAT_GENERIC.match(after.lstrip()):
            field = "ttft_p95_ms" if ms < 1000 else "e2e_p95_ms"
        elif MS_PER_UNIT[unit] == 1.0:  # said in milliseconds
            field = "ttft_p95_ms" if ms < 1000 else "e2e_p95_ms"
        else:
            return None  # "within 2 weeks", "5 minutes of setup": a time, but not a latency target
    return [(field, sig(ms, 6))]


def _latency_kw(p: Pass, m: re.Match) -> list[tuple[str, float]]:
    key, value = m.group(1), p.nt.value(m, 2)
    field = ("itl_p95_ms" if key in ("itl", "tpot") or "token" in key and "first" not in key else
             "e2e_p95_ms" if key in ("e2e",) or key.startswith("end") else "ttft_p95_ms")
    if key == "latency":
        field = p.first_asked(LATENCY_FIELDS) or "ttft_p95_ms"
    # Without a unit: ITL is always ms; small TTFT/E2E numbers are seconds ("e2e 5").
    ms = value if field == "itl_p95_ms" or value >= 10 else value * 1000
    if _REPLACED.search(m.group(0)):  # "ITL could be 80 ms instead of 40": the old value, its field known, no value
        p.negated.append(Quantity(field, sig(ms, 6), m.group(0), *p.span_said(m)))
        return []
    return [(field, sig(ms, 6))]


# the words between a latency keyword and a bare number name it the value replaced ("80 ms instead of 40")
_REPLACED = re.compile(r"\b(?:instead\s+of|rather\s+than|not)\s+(?:the\s+)?\x01")


# A target said at another percentile than p95 ("p99 TTFT under 1s, not p95", "90th percentile latency 2 s"): the
# spec holds p95 targets only, so the value is the p95 target and the note says so, and which way it errs: a p99
# under the same figure needs more headroom than the plan keeps; a p90 or p50 one is met with room to spare
_PERCENTILE = re.compile(rf"(?<!not\s)(?<!no\s)(?<!\bnot\sa\s)(?:\b|(?<=_))(?:p|tp)(\d{{2}}(?:\.\d{{1,2}})?)\b|"
                         rf"(?<!not\s)(?<!no\s){NUM}\s*(?:th|st|nd|rd)?[\s-]*percentile\b")
_CLAUSE_END = re.compile(r"[.;,!?]|\bbut\b|\band\b")


def percentile_notes(p: Pass) -> None:
    fields = {q.field for q in p.found if q.field in LATENCY_FIELDS}
    for m in _PERCENTILE.finditer(p.nt.text):
        pct = float(m.group(1)) if m.group(1) else p.nt.value(m, 2)
        if pct == 95 or not 0 < pct < 100:
            continue
        after = p.nt.text[m.end():m.end() + 40]
        after = after[:cut.start()] if (cut := _CLAUSE_END.search(after)) else after
        before = re.split(r"[.;,!?]", p.nt.text[max(0, m.start() - 40):m.start()])[-1]
        before, after = before.replace("_", " "), after.replace("_", " ")  # "first_token_p50" of a pasted config
        field = nearest(_LAT_SPECIFIC, before, after)
        if field is None and len(fields) == 1 and _LAT_GENERIC.search(before + " " + after):
            field = next(iter(fields))
        if field not in fields or field in p.notes:
            continue
        same = [q for q in p.found if q.field == field]
        if len(same) > 1:  # "first token p95: 450ms, p50: 150ms": the p95 is the target, the other is left out
            p.found.remove(min(same, key=lambda q: abs(q.pos - m.end())))
            continue
        said = f"p{pct:g}"
        p.notes[field] = (f"said as {said}; I plan to p95 targets only, so this is the p95 target, "
                          + ("and the p99 will be above it: a p99 limit needs more headroom than this plan keeps"
                             .replace("p99", said) if pct > 95 else f"which is stricter than a {said} one"))
