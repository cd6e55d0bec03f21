"""One sentence's number text read pass by pass (quantities.py runs the passes, one module per kind of quantity):
what a pass found (``Quantity``), the sentence with what earlier passes consumed blanked (``Pass``), and the helpers the
readers share to place a number: the nearest keyword, the clause before it, a label for the next number."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.offline.numbers import NUM, Numbered, sig

_NEGATED = re.compile(r"\b(?:not|never|instead\s+of|rather\s+than)\s+(?:even\s+|just\s+|only\s+|the\s+)?[$€£]?\s*$")
_ADJ_PREFIX = re.compile(r"^(?:\s|-|\(|(?:"
                         # what is waited for: "30 seconds for it to start writing" (before "for" alone)
                         r"for\s+(?:it|the\s+(?:answer|reply|response|text|output|model|bot|assistant))\s+to|"
                         r"of|to|for|per|in|on|the|an?|p9[59]|s|average|avg|mean|typical|median|max|"
                         # the event the time runs to: "20 seconds before the first sentence appears", "until the first token"
                         r"before|until|till|to\s+(?:get|see))\b)*")
# words of a correction between a field's keyword and its number: "users are actually 1,100", "traffic is more like 9"
CORRECTING = r"actually|really|now|in\s+fact|more\s+like|closer\s+to|nearer|instead|should\s+be|was|were"
# a keyword right before another number labels that one: "ttft 250ms itl 30ms" (itl is 30's, not 250's)
LABELS_NEXT = re.compile(r"\s*(?:latency\s+|time\s+|gap\s+)?(?:p9[59]\s*)?(?:of|is|at|:|=|<=?|under|below|at\s+most|~|target|max)?\s*\x01")


@dataclass
class Quantity:
    field: str
    value: float
    phrase: str
    pos: int
    end: int = -1


class Pass:
    """One sentence being consumed pass by pass."""

    def __init__(self, nt: Numbered, asked: tuple[str, ...], rate_default: str = "rps"):
        self.nt, self.asked, self.text = nt, asked, nt.text
        # where each character of the blanked text stood in nt.text: quantities keep positions in the sentence as
        # said, so ones found by different passes can be ordered and the words between them read
        self._origin = list(range(len(nt.text) + 1))
        self.rate_default = rate_default  # the field a rate said without 'peak' or 'average' updates
        self.found: list[Quantity] = []
        self.negated: list[Quantity] = []  # "not 300 ms": the field a correction is about
        self.notes: dict[str, str] = {}  # field -> how its value was read (a currency conversion)
        self.money_period: str | None = None  # the period of the last amount of money ("$500k a year")
        self.totals: list[Quantity] = []  # "900 baristas in total": the users only when nothing narrows them
        self.words_per_page: float | None = None  # "~600 words a page": how dense the pages said are

    def run(self, pattern: re.Pattern, handle: Callable[[re.Match], list[tuple[str, float]] | None]) -> None:
        spans = []
        for m in pattern.finditer(self.text):
            got = handle(m)
            if got is None:
                continue
            spans.append(m.span())
            negated = bool(_NEGATED.search(self.text[max(0, m.start() - 20):m.start()]))
            for field, value in got:  # "not 10 dollars": read (so its field is known) but not a value
                (self.negated if negated else self.found).append(
                    Quantity(field, value, readable(m.group(0), self.nt), *self.span_said(m)))
        for start, end in reversed(spans):  # one blank per quantity: no long runs for later patterns
            self.text = self.text[:start] + " " + self.text[end:]
            self._origin[start:end] = [self._origin[start]]

    def said_before(self, pos: int, width: int = 40) -> str:
        """The sentence as said (nothing blanked) before ``pos`` of the blanked text."""
        start = self._origin[pos]
        return self.nt.text[max(0, start - width):start]

    def span_said(self, m: re.Match) -> tuple[int, int]:
        """The span in nt.text of a match in the blanked text."""
        start = self._origin[m.start()]
        return start, (self._origin[m.end() - 1] + 1 if m.end() > m.start() else start)

    def before(self, pos: int, width: int = 60) -> str:
        """Text before ``pos`` in the same sentence, not reaching back past another number."""
        window = self.text[max(0, pos - width):pos]
        cut = max(window.rfind(c) for c in ".;!?\n\x02")
        return window[cut + 1:]

    def after(self, end: int, width: int = 40) -> str:
        window = self.text[end:end + width]
        cut = window.find("\x01")
        return window if cut < 0 else window[:cut]

    def first_asked(self, fields: Sequence[str]) -> str | None:
        return next((f for f in self.asked if f in fields), None)


def readable(phrase: str, nt: Numbered) -> str:
    def show(v: float) -> str:
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:g}"

    return " ".join(re.sub(NUM, lambda m: show(nt.value(m)), phrase).split())


def nearest(kw: re.Pattern, before: str, after: str) -> str | None:
    """Keyword category right after the unit, else the nearest one before."""
    prefix = _ADJ_PREFIX.match(after)
    adj = kw.search(after)
    if adj and adj.start() <= (prefix.end() if prefix else 0) + 1:
        return adj.lastgroup
    last = None
    for hit in kw.finditer(before):
        last = hit
    return last.lastgroup if last else None


def clause_before(text: str, pos: int, width: int = 60) -> str:
    """The clause before ``pos`` (past other numbers, not past a clause break or a number with a unit of tokens)."""
    window = text[max(0, pos - width):pos]
    cut = max(window.rfind(c) for c in ".;!?\n(")
    return window[cut + 1:]


def whole(value: float) -> float:
    """A count as read: rounded, unless too big to be one (out of range, reported later)."""
    return round(value) if abs(value) < 1e18 else value


# a number without a unit, after a value said wrong ("it's not 1000 users, it's 1200")
_BARE = re.compile(rf"{NUM}(?!\s*(?:%|x\b|[a-z$€£/]))")


def _corrects(p: Pass, m: re.Match, negated: Quantity) -> list[tuple[str, float]] | None:
    said = re.match(r"[\d.]+", negated.phrase)
    if not said or not float(said.group(0)) or p.span_said(m)[0] < negated.pos:
        return None
    return [(negated.field, sig(p.nt.value(m) * negated.value / float(said.group(0)), 6))]


def read_corrected_value(p: Pass) -> None:
    """A bare number after a negated value of any field: the value meant, in the negated one's unit."""
    negated = next((q for q in p.negated if not any(f.field == q.field for f in p.found)), None)
    if negated is not None:  # "it's not 1000 users, it's 1200": a bare number corrects the negated one, in its unit
        p.run(_BARE, lambda m: _corrects(p, m, negated))
