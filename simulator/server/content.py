"""Canned but plausible response text, one token per piece, deterministic for a seed.

The prompt picks the kind of answer: code for code prompts, a bulleted summary for summarisation prompts, a
conversational answer otherwise; a few salient words of the prompt are woven in. Without ``max_tokens`` the
answer ends where it naturally does (finish_reason "stop"); with it, the answer goes on (further paragraphs,
further functions) to exactly that many tokens unless a stop string comes first.

A token here is one output piece: a word with its leading space, a number of up to three digits, one
punctuation mark, a run of newlines or of indentation. ``usage.completion_tokens`` counts these pieces, so it
always equals the tokens streamed.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Sequence

PIECE = re.compile(r"\n+| {2,}| ?[^\W\d]+| ?\d{1,3}| ?[^\w\s]|\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{3,}")
_CODE_HINTS = re.compile(r"```|\bdef |\bclass |\bfunction\b|\bcode\b|\bimplement|\bpython\b|\bjavascript\b|"
                         r"\btypescript\b|\bjava\b|\bgolang\b|\brust\b|\bsql\b|\bbug\b|\bscript\b|\bregex\b|"
                         r"\bcompile|\bunit test", re.I)
_SUMMARY_HINTS = re.compile(r"summar|tl;dr|\bkey points\b|\bkey takeaways\b|\bcondense\b|\bin brief\b|\babstract\b",
                            re.I)
_STOPWORDS = frozenset(
    "that this with from have were will would there their what when where which while about into your they them "
    "then than been being some such very more most other also only just like could should these those does done "
    "each many much make made over under after before again here please write give tell summarize summary "
    "following text below above code function python javascript typescript golang rust java script "
    "implement explain answer question".split())

CHAT_OPENERS = ["Sure! Here is how I would think about {t0}.", "Good question. Let me walk you through {t0}.",
                "Happy to help with {t0}.", "Here is a short answer first, then the details."]
CHAT_SENTENCES = [
    "The key is to start from what you actually need and work backwards from there.",
    "In practice, {t0} depends on a few factors: the size of the problem, the constraints you have, and how much "
    "time you can spend on it.",
    "A common approach is to try the simplest option first and only add complexity when the numbers justify it.",
    "If you are unsure, measure before and after each change so you know which one made the difference.",
    "Keep in mind that {t1} and {t2} often interact, so changing one can shift the other.",
    "Most teams find that a small, well-understood setup beats a clever one that nobody can maintain.",
    "It also helps to write down the assumptions you are making, because they tend to change over time.",
    "For {t1}, the usual trade-off is between speed and cost, and the right balance depends on your goals.",
    "You can think of it as a series of small steps rather than one big decision.",
    "Once the basics work, revisit the edge cases: that is where most of the surprises come from.",
    "There is no single right answer, but there are a few patterns that work well in most situations.",
    "As a rule of thumb, prefer options that are easy to undo while you are still learning.",
]
CHAT_CLOSERS = ["Let me know if you would like more detail on any of these points.",
                "I hope this helps. Feel free to ask a follow-up question.",
                "If you share more about your situation, I can give a more specific recommendation."]
SUMMARY_BULLETS = [
    "The text is mainly about {t0} and why it matters.", "It explains how {t1} relates to {t2}.",
    "The author argues that {t0} should be handled early rather than late.",
    "Several examples illustrate the practical impact of {t1}.", "Costs and risks are weighed against the benefits.",
    "A clear recommendation is given: focus on {t2} first.", "Open questions remain about long-term effects.",
    "The evidence presented is mostly qualitative, with a few concrete figures.",
    "It closes by outlining next steps and who is responsible for them.",
    "The main trade-off discussed is between speed and thoroughness.",
]
CODE_INTROS = ["Here is a straightforward implementation:", "Below is a clean, tested way to do it:",
               "You can solve this with a small helper function:"]
PY_FUNCTIONS = [
    'def {f}(items):\n    """Return the {t0} entries of items, in their original order."""\n    result = []\n'
    '    for item in items:\n        if item is not None and item not in result:\n            result.append(item)\n'
    '    return result\n',
    'def {f}(values, size=10):\n    """Split values into chunks of at most size elements."""\n    if size <= 0:\n'
    '        raise ValueError("size must be positive")\n    return [values[i:i + size] for i in range(0, len(values), '
    'size)]\n',
    'def {f}(text):\n    """Count how often each word of text occurs."""\n    counts = {{}}\n'
    '    for word in text.lower().split():\n        counts[word] = counts.get(word, 0) + 1\n    return counts\n',
    'class {c}:\n    """A small cache of {t0} results with a size limit."""\n\n    def __init__(self, limit=128):\n'
    '        self.limit = limit\n        self.data = {{}}\n\n    def get(self, key, default=None):\n'
    '        return self.data.get(key, default)\n\n    def put(self, key, value):\n'
    '        if len(self.data) >= self.limit:\n            self.data.pop(next(iter(self.data)))\n'
    '        self.data[key] = value\n',
]
JS_FUNCTIONS = [
    "function {f}(items) {{\n  // keep the first occurrence of each {t0} entry\n  return [...new Set(items)];\n}}\n",
    "async function {f}(url) {{\n  const response = await fetch(url);\n  if (!response.ok) {{\n"
    "    throw new Error(`request failed: ${{response.status}}`);\n  }}\n  return response.json();\n}}\n",
]
CODE_NOTES = ["The function runs in linear time and does not modify its input.",
              "Edge cases such as empty input are handled explicitly.",
              "You may want to add type hints and a couple of unit tests before using it in production.",
              "If performance matters, profile it on realistic data first."]


@dataclass(frozen=True)
class Canned:
    kind: str  # "code" | "summary" | "chat"
    pieces: list[str]
    natural_end: bool  # True when the answer ended by itself (an EOS), not at max_tokens


def classify(prompt: str) -> str:
    head = prompt[-4000:]
    if _SUMMARY_HINTS.search(head):
        return "summary"
    if _CODE_HINTS.search(head):
        return "code"
    return "chat"


def request_rng(seed: int, prompt: str, salt: str = "") -> random.Random:
    digest = hashlib.sha256(f"{seed}\x00{salt}\x00{prompt}".encode("utf-8", "replace")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def topics(prompt: str, n: int = 3) -> list[str]:
    words = [w.lower() for w in _WORD.findall(prompt[-8000:]) if w.lower() not in _STOPWORDS]
    common = [w for w, _ in Counter(words).most_common(n)]
    return (common + ["this topic", "the details", "the overall goal"])[:n]


def generate(prompt: str, rng: random.Random, max_tokens: int | None, cap: int) -> Canned:
    """``max_tokens`` pieces (or the natural length when None), never more than ``cap``."""
    kind = classify(prompt)
    t = topics(prompt)
    blocks = _blocks(kind, t, rng, "javascript" if re.search(r"javascript|\bjs\b|node", prompt, re.I) else "python")
    limit = cap if max_tokens is None else min(max_tokens, cap)
    pieces: list[str] = []
    natural_end = False
    for block, last_natural in blocks:
        pieces.extend(PIECE.findall(block))
        if len(pieces) >= limit:
            break
        if last_natural and max_tokens is None:
            natural_end = True
            break
    return Canned(kind=kind, pieces=pieces[:limit], natural_end=natural_end)


def _fill(template: str, t: Sequence[str], rng: random.Random) -> str:
    name = "_".join(w.replace("-", "_") for w in t[:2] if " " not in w) or "process"
    return template.format(t0=t[0], t1=t[1], t2=t[2], f=f"{rng.choice(['get', 'build', 'clean', 'merge'])}_{name}",
                           c="".join(w.title() for w in name.split("_")) + "Cache")


def _blocks(kind: str, t: Sequence[str], rng: random.Random, lang: str) -> Iterator[tuple[str, bool]]:
    """Text blocks in order; the flag marks the block that ends the natural answer. Endless afterwards."""
    if kind == "code":
        yield _fill(rng.choice(CODE_INTROS), t, rng) + f"\n\n```{lang}\n", False
        bank = JS_FUNCTIONS if lang == "javascript" else PY_FUNCTIONS
        for _ in range(rng.randint(1, 2)):
            yield _fill(rng.choice(bank), t, rng) + "\n", False
        yield "```\n\n" + " ".join(_fill(s, t, rng) for s in rng.sample(CODE_NOTES, 2)), True
        while True:
            yield f"\n\nAnother variant:\n\n```{lang}\n" + _fill(rng.choice(bank), t, rng) + "```", False
    elif kind == "summary":
        yield "Here is a summary of the main points:\n", False
        bullets = rng.sample(SUMMARY_BULLETS, rng.randint(4, 6))
        for i, b in enumerate(bullets):
            yield "\n- " + _fill(b, t, rng), i == len(bullets) - 1
        while True:
            yield "\n- " + _fill(rng.choice(SUMMARY_BULLETS), t, rng), False
    else:
        yield _fill(rng.choice(CHAT_OPENERS), t, rng), False
        for paragraph in range(rng.randint(1, 3)):
            sentences = rng.sample(CHAT_SENTENCES, rng.randint(2, 4))
            yield ("\n\n" if paragraph else " ") + " ".join(_fill(s, t, rng) for s in sentences), False
        yield "\n\n" + rng.choice(CHAT_CLOSERS), True
        while True:
            yield "\n\n" + " ".join(_fill(s, t, rng) for s in rng.sample(CHAT_SENTENCES, 3)), False


def apply_stop(pieces: list[str], stops: Sequence[str]) -> tuple[int, int] | None:
    """(tokens generated up to and including the one completing the earliest stop string, text length kept)."""
    if not stops:
        return None
    text = "".join(pieces)
    hits = [(i, s) for s in stops if s and (i := text.find(s)) >= 0]
    if not hits:
        return None
    cut, stop = min(hits, key=lambda h: (h[0] + len(h[1]), h[0]))
    end = cut + len(stop)
    length = 0
    for n, piece in enumerate(pieces, 1):
        length += len(piece)
        if length >= end:
            return n, cut
    return len(pieces), cut
