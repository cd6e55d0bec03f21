"""Questions about where a value of the spec came from: "why is the TTFT target 500 ms?", "where does the 2.5x peak
come from?", "how did you get 1,536 output tokens?", with or without a change said next to it ("... I'd rather have
300").

The question is answered from the spec's own record (agent/why_answers.py ``value_source``: the words the user said
it in, or the assumption and its reason); a number said in another sentence of the same message, with no field of its
own, is a new value of the field asked about.
"""

from __future__ import annotations

import re

from agent.offline.questions import named_fields

ASKS_SOURCE = re.compile(
    r"\bwhy\s+(?:is|are|was|were|do|did|does)\s+(?:you\s+(?:use|using|pick|picking|assume|assuming|set|setting)\s+)?"
    r"(?:the|my|our|a|an|that|this|your)\b|\bwhy\s+(?:did\s+you\s+(?:assume|pick|choose|use|take)\s+)?(?:a\s+|an\s+|the\s+)?\d|\bwhere\s+(?:does|did|do|is)\b[^?!]*\b(?:come\s+from|from)\b|"
    r"\bhow\s+did\s+you\s+(?:get|arrive\s+at|come\s+up\s+with|pick|choose|decide\s+on|land\s+on)\b|"
    r"\bwhat\s+(?:is|'s)\s+(?:the\s+)?(?:basis|source|reason)\s+for\b|\bwho\s+(?:set|decided|picked)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_DENIED = re.compile(r"\b(?:never|didn'?t|did\s+not|not\s+what\s+(?:i|we))\s+(?:said|say|asked?|told|tell|mention(?:ed)?|"
                     r"wrote|write|want(?:ed)?|gave|give)\b|\bnot\s+mine\b|\bwhere\s+did\s+(?:that|this)\s+come\s+from\b", re.I)
# the words of values the plan prints that named_fields does not take as a field by themselves
_FIELD_WORDS = ((re.compile(r"\boutput(?:\s+(?:tokens?|length))?\b|\btokens?\s+out\b"), "output_tokens"),
                (re.compile(r"\bprompt(?:\s+(?:tokens?|length|size))?\b|\binput\s+tokens?\b"), "prompt_tokens"),
                (re.compile(r"\busers?\b|\bhead\s*count\b"), "users"),
                (re.compile(r"\bpeak\b"), "peak_rps"))


def _fields(low: str, fields: tuple[str, ...]) -> list[str]:
    named = [f for f in named_fields(low) if f in fields]
    return named or [f for pattern, f in _FIELD_WORDS if f in fields and pattern.search(low)][:1]


def source_question(text: str, fields: tuple[str, ...]) -> tuple[str, str] | None:
    """(the field asked about, the rest of the message) when a sentence asks where one spec value came from; None
    otherwise. ``fields`` are the scalar fields a value can be asked about."""
    if _DENIED.search(text):
        return None  # "where did the 4 GPU limit come from? I never said that": a value taken back, read as one
    sentences = _SENTENCE.split(text.strip())
    for i, sentence in enumerate(sentences):
        low = sentence.lower()
        if not ASKS_SOURCE.search(low) or re.search(r"\boption\s*#?\d|\bnot\b", low):
            continue
        named = _fields(low, fields)
        if len(named) == 1:
            return named[0], " ".join(sentences[:i] + sentences[i + 1:])
    return None
