"""Facts said in words, not numbers: precision, cost model, price tier, cold starts, priority, what is cleared, and
the use case (with the kind of summarisation).

Split from facts.py: each reader finds its phrases in a scope of text and, where a later step could misread them,
blanks them.
"""

from __future__ import annotations

import re

from agent.offline import vocabulary as V
from agent.offline.fact_sheet import Facts
from agent.offline.importance import said_priority
from agent.offline.names_said import LIFTED_AFTER, LIFTED_BEFORE
from agent.offline.text import mask
from knowledge.domain.enums import PriceTier, UseCase

_NEG_BEFORE = re.compile(r"\b(?:not|no|without|rather\s+than|instead\s+of|avoid|never|don'?t\s+(?:use|want))"
                         r"\s+(?:\w+\s+)?$")


def _negated(text: str, start: int) -> bool:
    return bool(_NEG_BEFORE.search(text[max(0, start - 30):start]))


def _precision(text: str, f: Facts) -> str:
    hits, spans = [], []
    for value, pattern in V.PRECISIONS:
        for m in pattern.finditer(mask(text, spans)):
            spans.append(m.span())
            if LIFTED_AFTER.match(text, m.end()) and LIFTED_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
                f.cleared.append("precision")  # "drop the fp8 requirement": the precision named is what is lifted
                continue
            if value.value == "bf16" or not _negated(text, m.start()):
                hits.append((m.start(), value.value, m.group(0)))
    if hits:
        _, value, phrase = max(hits)
        f.put("precision", value, phrase)
    return mask(text, spans)


def _cost_model(text: str, f: Facts) -> str:
    hits, spans = [], []
    for value, pattern in V.COST_MODELS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            if not (V.COST_NEGATION.search(text[max(0, m.start() - 30):m.start()])
                    or V.COST_NEGATION_AFTER.match(text, m.end())):
                hits.append((m.start(), value.value, m.group(0)))
    buying = [h for h in hits if h[1] == "purchase"]
    if hits:  # the last said wins, except that buying hardware means owning it after: purchase
        _, value, phrase = max(buying or hits)
        f.put("cost_model", value, phrase)
    return text  # "own 16 A100s" still carries the GPU count


def _price_tier(text: str, f: Facts) -> str:
    hits, spans, refused = [], [], []
    for value, pattern in V.PRICE_TIERS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            negation = V.COST_NEGATION.search(text[max(0, m.start() - 30):m.start()])
            if not negation:
                hits.append((m.start(), value.value, m.group(0)))
            elif value != PriceTier.ON_DEMAND:
                refused.append(text[max(0, m.start() - 30) + negation.start():m.end()])
    if hits:
        _, value, phrase = max(hits)
        f.put("price_tier", value, phrase)
    elif refused:  # "no spot", "not reserved": a discounted tier refused leaves the plain on-demand rental
        f.put("price_tier", PriceTier.ON_DEMAND.value, refused[0])
    return mask(text, spans)


# a need for an always-on service denied: "doesn't need to be always on", "no need to keep it warm"
_NOT_NEEDED = re.compile(r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not|needn'?t|need\s+not|no\s+need\s+(?:for\s+it\s+)?to|"
                         r"not\s+necessary\s+to|won'?t\s+need\s+to)\s+(?:need\s+to\s+|have\s+to\s+)?(?:be\s+)?$")


def _cold_start(text: str, f: Facts) -> str:
    off = V.COLD_START_OFF.search(text)
    if off:
        denied = bool(_NOT_NEEDED.search(text[max(0, off.start() - 30):off.start()]))
        f.put("allow_cold_start", denied, off.group(0))
        return mask(text, [off.span()])
    on = V.COLD_START_ON.search(text)
    if on:
        f.put("allow_cold_start", True, on.group(0))
        return mask(text, [on.span()])
    return text


def _priority(text: str, f: Facts) -> None:
    balance = V.PRIORITY_BALANCE.search(text)  # the measures weighed together, before any one of them is ranked
    if balance:
        f.put("priority", "balanced", balance.group(0))
        return
    for m in (V.PRIORITY_RANKING.finditer(text) if V.RANKING_CUE.search(text) else ()):
        # a ranking said outright wins over a word that leans one way
        first = V.ranked_first(m.group(0))
        at = m.start() + first[1] if first else m.start()
        if first and not V.PRIORITY_NEGATION.search(text[max(0, at - 30):at]):
            f.put("priority", first[0], m.group(0))
            return
    said = V.PRIORITY_SET.search(text)
    if said:
        f.put("priority", V.PRIORITY_WORDS[said.group(1)], said.group(0))
        return
    stated = said_priority(text)  # what the clause predicates of a measure, however the measure is named
    if stated:
        f.put("priority", stated[0], stated[1])
        return
    hits = []
    for value, pattern in (*V.PRIORITIES, *V.PRIORITY_SIGNALS):
        for m in pattern.finditer(text):
            before, after = text[max(0, m.start() - 30):m.start()], text[m.end():m.end() + 40]
            if V.PRIORITY_NEGATION.search(before) or V.PRIORITY_NEGATION_AFTER.match(after):
                continue
            hits.append((m.start(), value.value, m.group(0)))
    if hits:
        _, value, phrase = min(hits)
        f.put("priority", value, phrase)


def _clears(text: str, f: Facts) -> str:
    spans = []
    for fields, pattern in V.CLEARS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            f.consume(m.group(0))
            f.cleared.extend(x for x in fields if x not in f.cleared)
    return mask(text, spans)


def _use_case(text: str, f: Facts) -> None:
    for use_case, weight, pattern in V.USE_CASES:
        for m in pattern.finditer(text):
            if V.USE_CASE_NEGATION.search(text[max(0, m.start() - 30):m.start()]):
                continue
            f.consume(m.group(0))
            words = " ".join(m.group(0).split())
            if use_case == UseCase.SUMMARIZATION_SHORT:
                use_case_here = summary_kind(text)
                f.use_cases.append((use_case_here, weight + (1 if use_case_here != use_case else 0), m.start(), words))
            else:
                f.use_cases.append((use_case, weight or 3, m.start(), words))
    if not f.use_cases:
        for pattern, use_case, why in V.NEAREST_USE_CASES:
            if (m := pattern.search(text)) and not V.USE_CASE_NEGATION.search(text[max(0, m.start() - 30):m.start()]):
                f.use_cases.append((use_case, 1, m.start(), " ".join(m.group(0).split())))
                f.notes["use_case"] = why
                return
        f.weak_use_case = next(((u, m.group(0)) for u, p in V.WEAK_USE_CASES if (m := p.search(text))), None)


_NOT_THIS = re.compile(r"\b(?:not|no|rather\s+than|instead\s+of|except|never)\s+(?:the\s+|any\s+|full\s+|raw\s+)?"
                       r"(?:[\w-]+,?\s+(?:or|and|nor)\s+)?$")


def _long_kinds(text: str) -> list[re.Match]:
    """The long kinds of text named, less those said not to be summarised ("the typed notes, not transcripts")."""
    return [h for h in V.LONG_NOUNS.finditer(text) if not _NOT_THIS.search(text[max(0, h.start() - 40):h.start()])]


def long_kind_said(text: str) -> bool:
    """The long kind said outright ("... so long documents", "long document summarization")."""
    return any("long" in h.group(0) for h in _long_kinds(text))


def summary_kind(text: str) -> UseCase:
    """Short or long-document summarisation, by the kind of text summarised."""
    # The head noun of "call transcripts" is the last one: a long kind said last (or said "long") wins.
    if V.FEW_PAGES.search(text):
        return UseCase.SUMMARIZATION_SHORT
    # a kind said not to be summarised ("the typed notes, not transcripts") is not the kind
    long_hits = _long_kinds(text)
    short_hit = V.SHORT_NOUNS.search(text)
    long_hit = long_hits[-1] if long_hits else None
    said_long = long_kind_said(text)
    if V.INTO_A_NOTE.search(text) and not said_long:
        return UseCase.SUMMARIZATION_SHORT
    if long_hit and (not short_hit or long_hit.end() >= short_hit.end() or said_long):
        return UseCase.LONG_DOCUMENT_SUMMARIZATION
    return UseCase.SUMMARIZATION_SHORT

