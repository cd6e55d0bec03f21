"""Text plumbing for the offline parser: normalisation, sentences, what-if scopes and span masking.

Every helper is linear in the input and never raises on odd unicode.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from agent.offline.time_units import MS_PER_UNIT

# Typographic variants folded to ASCII so one regex covers what phones and word processors produce.
_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u00b4": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": "", "\ufeff": "",
    "\u00d7": "x", "\u2264": "<=", "\u2265": ">=", "\u2026": "...", "\r": "\n",
    "\u0130": "I",  # the one character whose lower case is two characters long
    "\x01": " ", "\x02": " ",  # reserved for number placeholders (see numbers.py)
}
_FOLD_RE = re.compile("[" + re.escape("".join(_FOLD)) + "]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FULLWIDTH = re.compile("[\uff01-\uff5e]")
NFKC_LIMIT = 20_000  # full NFKC costs ~0.1 us/char on exotic text; beyond this only fullwidth ASCII is folded

# A sentence ends at . ! ? ; followed by space, or at a line break. "3.1", "$8.5k" and "e.g.x" stay whole. A line
# that goes on in lower case continues its sentence: pasted documents and e-mails are hard-wrapped ("up to 120\nof
# them use it at the same time" is one sentence); a blank line, a capital, a bullet or a digit starts a new one.
# An abbreviation's period ("1,2 Mio. EUR", "approx. 300", "vs. L40S", "e.g. chat") ends no sentence.
# (case-insensitive for the abbreviations only: a line that starts with a capital still starts a sentence)
_GOES_ON = "and or to of between from about than by with at under within around until till the a an per".split()
_SENTENCE_END = re.compile(r"(?<=[.!?;])(?i:(?<!\bmio\.)(?<!\bmln\.)(?<!\bmrd\.)(?<!\bapprox\.)(?<!\bca\.)(?<!\bvs\.)"
                           # ("max." and "nos." shorten words inside a sentence: "first token in max. 0,3 s", "6 nos. L4")
                           r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bapr\.)(?<!\bmax\.)(?<!\bnos\.)(?<!\bbzw\.)(?<!\busw\.)(?<!\bz\.b\.))\s+|\n\s*\n\s*|"
                           # a line that ends on a word no sentence ends on goes on past a digit ("between 22:00 and\n06:00")
                           r"\n(?![ \t]*[a-z(])" + "".join(rf"(?<!\b{w}\n)" for w in _GOES_ON) + "|"
                           # a question put after an order with a dash or ", and also": "bump to 3k users - and also
                           # why not H200?" is two acts, each read on its own
                           r"(?i:\s+-\s+|,\s+(?=and\s+also\b))(?=(?i:(?:and\s+)?(?:also\s+)?(?:why|what|how|which|would|"
                           r"could|can|is|are|does|do)\b)[^.!]*\?)")
# a blank line between two words is inside a sentence ("and the translation\n\nis about the same length": wrapped)
_WRAPPED = re.compile(r"(?<=[a-z,])[ \t]*\n\s*\n\s*(?=[a-z])")

# Where a hypothetical starts; the what-if scope runs from the cue to the end of its sentence.
WHATIF_CUE = re.compile(
    # "and with fp8?" only opens a sentence ("... and with a budget of $5k" is a fact)
    r"^\W*and\s+(?:with|on|using|if|for)\b|"
    r"\b(?:wh?at\s+if|what\s+about|how\s+about|suppose|supposing|imagine\s+(?:if|we|us|it|that|a)|hypothetically|"
    # a supposition pictured: "picture us with twice the engineers", "envision it on L40S"
    r"(?:picture|envisage|envision)\s+(?:if|we|us|it|that|this|a|the)|"
    # "say we had 10k users", "let's say the budget is 2k", "pretend ...", "in a world where ...": a supposition;
    # "let's see it with int4", "try it on L40S", "show me the plan with fp8": a variant to look at
    r"(?:let'?s\s+)?(?<!i'd\s)(?<!we'd\s)(?<!would\s)(?<!\bi\s)(?<!\bwe\s)(?<!\bto\s)say\s+(?:we|it|the|our|there)\b|pretend|in\s+a\s+(?:world|scenario)\s+where|"
    r"(?:let'?s\s+see|show\s+(?:me|us)|try)\s+(?:it|that|this|the\s+(?:plan|numbers|options?))\s+(?:with|on|using|at|in)|"
    r"what\s+would\s+happen\s+if|what\s+happens\s+if|would\s+it\s+help\s+if|"
    r"what\s+would\s+it\s+(?:cost|look\s+like)\s+(?:with|if|on)|"
    r"if\s+we\s+(?:had|used|went|switched|relaxed|doubled|halved|were|moved|bought|owned|only\s+had|got|"
    r"tripled|dropped|lowered|raised|increased|decreased)|"
    # a condition inside a question: "what's the monthly cost if we go with H200s instead?"
    r"if\s+(?:we|you|i)\s+(?:go\s+(?:with|for)|use|pick|choose|switch\s+to|move\s+to|run\s+(?:it\s+)?on|drop|"
    r"relax|allow|add|cap|limit)\b(?=[^.!]*\?\s*$))\b")
# a change asked for politely is an order, not a what-if: "can we make it 2,000 users instead?", "could you cap it at
# 6.000 € a month?", "would you bump the budget to 9k?" (unless it asks what the change would do)
POLITE_ORDER = (r"(?:can|could|would|will)\s+(?:we|you|u|ya)\s+(?:please\s+|pls\s+|just\s+|maybe\s+|kindly\s+)?"
                r"(?:make|set|change|switch|bump|cap|raise|lower|reduce|increase|update|cut|trim|tighten|relax|loosen|"
                # the plan asked for again with a value: "could you redo it with a budget of $5k instead?"
                r"re-?do|re-?plan|re-?run|re-?size|re-?calculate|re-?quote)\b"
                r"(?![^?]*\b(?:would|will)\s+(?:it|that|this|the\s+\w+)\s+(?:change|cost|do|fit|help|work|matter)\b)")
_POLITE = re.compile(r"^\W*" + POLITE_ORDER)
# A question that proposes a change ("relax TTFT to 500 ms?") is a what-if, not an edit.
_PROPOSAL = re.compile(
    r"^\W*(?:relax|use|switch|try|drop|increase|decrease|lower|raise|double|halve|triple|loosen|tighten|"
    r"with|on|can\s+we|could\s+we|should\s+we|would\s+(?:it|that|we)|will\s+it|does\s+it|is\s+it\s+(?:cheaper|faster))\b")


_LEADERS = re.compile(r"[ \t]*\.{4,}[ \t]*")


# a clause that says how long the academic term just named lasts stays in its sentence, where the amount per term is
_TERM_DEFINED = re.compile(r"\s*[;.]\s+(?=(?:(?:our|the|each|a)\s+)?(?:semesters?|terms?|trimesters?)\s+(?:are|is|lasts?|runs?)\s+"
                           r"(?:about\s+|roughly\s+|~\s*)?\d+(?:\.\d+)?\s+months?\b)", re.I)


_ABBREVIATED = re.compile(r"\b(max|min|approx|ca|appr|env|nos?)\.(?=\s*\d)", re.I)
_TOKEN_METRIC = re.compile(r"\b(prompt|completion|input|output|generat(?:ed|ion))_tokens?\b", re.I)


# the South African rand's sign before an amount, read as the rand only where the message names the rand or its
# country ("R" alone is a letter of many names: DeepSeek-R1, R&D)
_RAND_SAID = re.compile(r"\b(?:rand|zar|south\s+africa\w*|joburg|johannesburg|cape\s+town|durban|pretoria)\b", re.I)
_RAND_SIGN = re.compile(r"(?<![\w$-])R\s?(?=\d)")


def normalize(text: str) -> str:
    """NFKC, ASCII quotes/dashes, no control characters, single spaces (case preserved)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not text.isascii():
        if len(text) <= NFKC_LIMIT:
            text = unicodedata.normalize("NFKC", text)
        else:
            text = _FULLWIDTH.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text)
        text = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], text)
    elif "\r" in text or "\x01" in text or "\x02" in text:
        text = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], text)
    text = _CONTROL.sub(" ", text).replace("\t", " ")
    if "...." in text:  # a table's dot leaders: "Time to first token, p95 ........ <= 1.2 s"
        text = _LEADERS.sub(": ", text)
    if "emester" in text or "term" in text:  # "$36k per semester; our semesters are 4 months": one sentence
        text = _TERM_DEFINED.sub(", ", text)
    if "." in text:  # "first token in max. 0,3 s", "ca. 700 people": the abbreviation's dot is no sentence's end
        text = _ABBREVIATED.sub(r"\1", text)
    if "_tok" in text or "_TOK" in text:  # a metric's name: "avg prompt_tokens 7.1k; completion_tokens avg 900"
        text = _TOKEN_METRIC.sub(r"\1 tokens", text)
    if ("R" in text or "r" in text) and _RAND_SAID.search(text):  # "R180 000 per month (rand)": the rand's sign
        text = _RAND_SIGN.sub("ZAR ", text)
    while "  " in text:  # str.replace halves any run of spaces per pass: log(n) fast passes, no regex
        text = text.replace("  ", " ")
    return text


# An inline self-correction: "ttft 300ms... sorry I mean 3s", "500 - no, 600 users", "$8k, make that $10k". The value
# after the cue replaces the one it follows (with that one's unit when it has none), before anything is read, so
# the corrected value is read in the old one's place and context.
# (starts only where a number starts, and a digit run is bounded, so a long run is not retried at every digit; the
# digits of a name are no value: "ttft p95 should be 700ms" corrects nothing)
_NUMBER_TOKEN = r"(?:[$€£]\s?)?(?<![\d.,'A-Za-z_-])\d{1,15}(?:[,.']\d{1,3}){0,4}(?:\s?(?:k|m|grand|bn)\b)?"
_UNIT_WORD = r"(?:\s?(?!(?:sorry|oops|no|nope|wait|i|make|actually|correction|rather|or)\b)[a-z/%$€£]{1,12}\b)?"
_CORRECTION_CUE = (r"(?:\s*(?:\.{2,}|[,;:(\-]|--)\s*|\s+)(?:(?:sorry|oops|whoops|no|nope|wait|err|erm|uh|um|"
                   r"correction|scratch\s+that|i\s+mean[t]?|make\s+(?:it|that)|(?:it\s+)?should\s+(?:be|say)|"
                   r"actually|rather|typo)\b[\s,!:\-.~]*)+")
# (a few words may stand between the value and an apology: "1,200 users a day (sorry, 1,800, wrong team)")
_BETWEEN = r"(?P<mid>(?:\s+(?!(?:sorry|oops|no|nope|wait|i|make|actually|correction|rather|or|um|uh|err|and|but)\b)[a-z]+){0,3})"
_APOLOGY = re.compile(r"\b(?:sorry|mean|meant|correction|oops|whoops|typo)\b", re.I)
SELF_CORRECTION = re.compile(rf"(?P<old>{_NUMBER_TOKEN})(?P<old_unit>{_UNIT_WORD}){_BETWEEN}{_CORRECTION_CUE}"
                             rf"(?P<new>{_NUMBER_TOKEN})(?P<new_unit>{_UNIT_WORD})", re.I)


_CUE_WORD = re.compile(r"\b(?:sorry|oops|whoops|no|nope|wait|err|erm|uh|um|correction|scratch|mean|meant|make|should|"
                       r"actually|rather|typo)\b", re.I)


def _unit_kind(unit: str) -> str:
    word = unit.strip().lower()
    word = word[:-1] if len(word) > 2 and word.endswith("s") else word
    return "time" if word in MS_PER_UNIT else word


# a change taken back in the same short message: "make it 10k users... actually no, never mind, keep it at 5k",
# "bump the budget to 12k - scratch that": what came before the cue is withdrawn, what follows it stands
# ("never mind the budget" names what to drop: no withdrawal)
_WITHDRAWN = re.compile(r"(?:\.{2,}|[,;.\-]|\s)\s*(?:(?:actually|wait|hmm+|oh)\W+)?(?:no\W+)?(?:never\s*mind|nevermind|nvm|"
                        r"scratch\s+that|forget\s+(?:that|it)|ignore\s+that|disregard\s+that)\b"
                        r"(?!\s+(?:the|my|our|your|about|budget|gpus?|users?|latency)\b)[\s,.;:!\-]*", re.I)
WITHDRAWN_MAX_CHARS = 300  # a paste's "never mind" belongs to its own thread


_ORDER_FIRST = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|right|hmm+|um+)\W+)*(?:please\s+)?(?:make|set|bump|raise|lower|change|"
                          r"switch|cap|increase|decrease|cut|drop|up|move|put)\b", re.I)


def withdrawn(text: str) -> str:
    """A short message that orders a change and takes it back: only what follows the last take-back stands (a
    description said before a cue keeps its words: "chatbot for 500 users - never mind, 300" is read whole)."""
    if len(text) > WITHDRAWN_MAX_CHARS or not any(ch.isdigit() for ch in text) or not _ORDER_FIRST.match(text):
        return text
    last = None
    for last in _WITHDRAWN.finditer(text):
        pass
    if last is None or not any(ch.isdigit() for ch in text[:last.start()]):
        return text
    return text[last.end():] or "never mind"


def self_corrections(text: str) -> str:
    """The message with each inline self-correction applied: the corrected value stands where the first one did."""
    text = withdrawn(text)
    if not any(ch.isdigit() for ch in text) or not _CUE_WORD.search(text):
        return text

    def apply(m: re.Match) -> str:
        old, new = _unit_kind(m.group("old_unit")), _unit_kind(m.group("new_unit"))
        if old and new and old != new:
            return m.group(0)  # "1,200 nurses, actually 2 GPUs": another quantity, not a correction
        mid = m.group("mid") or ""
        if mid and not _APOLOGY.search(m.group(0)[m.end("mid") - m.start():]):
            return m.group(0)  # words between the value and a bare "no" or "um": no correction of it
        return m.group("new") + (m.group("new_unit") or m.group("old_unit")) + mid

    return SELF_CORRECTION.sub(apply, text)


def lower_aligned(text: str) -> str:
    """Lower-case with the same length (normalize() removed the one character that grows), so spans found in
    it index the original text too."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# a labelled line of a paste that lists its items with semicolons: one list, not sentences ("Not approved:  AMD
# Instinct (any generation); NVIDIA A10G")
_LABELLED_LIST = re.compile(r"(?m)^[ \t]*(?:[-*•][ \t]*)?[A-Za-z][\w /&()-]{0,30}:[^\n]*;[^\n]*$")


def _one_list(m: re.Match) -> str:
    """The labelled line as one list when its items are names (short, no figures); else as it was: a line of figures
    or clauses ("Context: 2.3M account holders; the chat is used by ...") keeps its sentences."""
    items = m.group(0).split(":", 1)[1].split(";")
    if all(len(i.split()) <= 8 and not _FIGURE.search(i) for i in items):
        return m.group(0).replace(";", ",")
    return m.group(0)


_FIGURE = re.compile(r"(?<![\w.])\d[\d,.]*\s*[kmb]?(?![\w.])", re.I)


def sentences(text: str) -> list[str]:
    text = _WRAPPED.sub(" ", text) if "\n" in text else text
    if ";" in text and "\n" in text:  # (the same length: positions in the text stay where they were)
        text = _LABELLED_LIST.sub(_one_list, text)
    return [s.replace("\n", " ").strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


@dataclass(frozen=True)
class Scoped:
    """One sentence split into its factual part and its hypothetical (what-if) part."""

    orig: str
    low: str
    fact: str          # lower-cased, what-if part blanked out
    whatif: str        # lower-cased what-if part ("" when none)

    @property
    def split(self) -> int:
        return len(self.low) - len(self.whatif)

    @property
    def fact_orig(self) -> str:
        return self.orig[:self.split] + " " * (len(self.orig) - self.split)


def scope(sentence: str) -> Scoped:
    low = lower_aligned(sentence)
    m = WHATIF_CUE.search(low)
    if m:
        return Scoped(sentence, low, low[:m.start()] + " " * (len(low) - m.start()), low[m.start():])
    if low.rstrip().endswith("?") and _PROPOSAL.match(low) and not _POLITE.match(low):
        return Scoped(sentence, low, " " * len(low), low)
    return Scoped(sentence, low, low, "")


def mask(text: str, spans: list[tuple[int, int]], char: str = " ") -> str:
    """Blank out spans (same length, so positions stay valid)."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        parts.append(text[last:start])
        parts.append(char * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)


_BULLET = re.compile(r"^(?:[\s\-*•·>#]+|\d{1,2}[.)]\s+)+")


_BLANKS = re.compile(r"[ \t]{2,}")


def squeeze(text: str) -> str:
    """Runs of blanks (left by masking) as one space."""
    return _BLANKS.sub(" ", text) if "  " in text else text


def trim(text: str, limit: int) -> str:
    """At most ``limit`` characters on one line, without a leading list bullet, cut at a word boundary."""
    text = _BULLET.sub("", " ".join(text.split()))
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-")


def snippet(text: str, start: int, end: int, width: int = 100) -> str:
    """The phrase at [start, end) run on to the end of its sentence, on one line, at most ``width`` characters."""
    stop = end
    while stop < len(text) and stop < start + width and text[stop] not in ".!?\n":
        stop += 1
    return " ".join(text[start:max(stop, end)].split())[:width]
