"""A prompt told by its parts rather than its length: retrieved chunks times their size ("we chunk at 1,500
characters and retrieve the top 8"), a resent history of messages times their length ("the last ~40 messages, ~60
words each"), plus parts said with their own lengths ("plus a persona of ~400 words").

The parser reads the size of one part ("1,500 characters") as the prompt; this sums the parts, says the sum back, and
replaces that reading only where the prompt's length was read from one of the parts (a prompt length said as such
stands).
"""

from __future__ import annotations

import re
from typing import Any

from agent.offline.lengths import tokens_per

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?"
_ABOUT = r"(?:~\s*|about\s+|around\s+|roughly\s+|approx\.?\s+|up\s+to\s+|at\s+most\s+)?"
_UNIT = r"\s*-?\s*(tokens?|toks?|words?|characters?|chars?)\b"
_PIECES = r"(?:chunks?|passages?|snippets?|segments?|excerpts?)"
# one piece's size: "chunk at 1,500 characters", "chunk size 512 tokens", "512-token chunks", "chunks of ~300 words"
_PIECE_SIZE = re.compile(
    rf"\bchunk(?:s|ed|ing)?\s+(?:(?:at|of|to|into|in)\s+|size\s*(?:of|is|=|:)?\s*)(?:(?:pieces|blocks)\s+of\s+)?{_ABOUT}{_NUM}{_UNIT}|"
    rf"{_NUM}{_UNIT}\s+{_PIECES}|"
    rf"\b{_PIECES}\s+(?:of\s+|are\s+|average\s+|averaging\s+)?{_ABOUT}{_NUM}{_UNIT}")
# how many pieces go into one prompt: "top 8 chunks", "top-5", "k=6", "retrieve 10 passages"
_PIECE_COUNT = re.compile(
    rf"\btop[\s-]?(?:k\s*=\s*)?(\d{{1,2}})\b|\bk\s*=\s*(\d{{1,2}})\b|"
    rf"\b(?:retriev\w*|pull\w*|fetch\w*|inject\w*|include\w*|stuff\w*|send\w*|add\w*|get\w*|use\w*)\s+(?:the\s+)?"
    rf"(?:top\s+)?(\d{{1,2}})\s+(?:\w+\s+)?{_PIECES}")
# a history resent with each request: "resend the last ~40 messages", "the previous 20 turns go back in"
_HISTORY = re.compile(r"\b(?:last|previous|past|recent)\s+(?:~\s*|about\s+|around\s+)?(\d{1,3})\s+"
                      r"(?:messages|turns|exchanges|chat\s+messages)\b")
# one history message's length, said after the history in the same sentence: "(they average ~60 words each)"
_EACH_LENGTH = re.compile(rf"^[^.!?;]{{0,80}}?\b(?:average|averaging|avg|of|about|around|roughly|~)\s*{_ABOUT}{_NUM}{_UNIT}"
                          rf"\s*(?:each|apiece|a\s+message|per\s+message)?")
# another part added with its own length: "plus a persona of ~400 words", "+ a 300-token system prompt"
_ADDED = re.compile(rf"(?:\bplus|\+|\band\s+also|\balong\s+with)\s+(?:an?\s+|the\s+|our\s+)?(?:[a-z-]+\s+){{0,3}}?"
                    rf"(?:of\s+)?{_ABOUT}{_NUM}{_UNIT}|(?:\bplus|\+)\s+(?:an?\s+|the\s+|our\s+)?{_ABOUT}{_NUM}{_UNIT}")


def _tokens(number: str, k: str | None, unit: str) -> float:
    return float(number.replace(",", "")) * (1000 if k else 1) * tokens_per(unit)


def _length(number: str, k: str | None, unit: str, tokens: float) -> str:
    """'1,500 characters (375 tokens)', or '512 tokens' where it was said in tokens."""
    unit = unit.rstrip("s") + "s"
    said = f"{number}{k or ''} {'tokens' if unit.startswith('tok') else unit}"
    return said if unit.startswith("tok") else f"{said} ({tokens:,.0f} tokens)"


def _said(m: re.Match, start: int) -> tuple[str, str | None, str]:
    """(number, k, unit) of whichever alternative of a size pattern matched, from group ``start`` on."""
    groups = m.groups()[start:]
    for i in range(0, len(groups), 3):
        if groups[i] is not None:
            return groups[i], groups[i + 1], groups[i + 2]
    raise ValueError("no size in the match")


def _pieces(text: str) -> tuple[float, str, list[str]] | None:
    size, count = _PIECE_SIZE.search(text), _PIECE_COUNT.search(text)
    if size is None or count is None:
        return None
    n = int(next(g for g in count.groups() if g))
    number, k, unit = _said(size, 0)
    each = _tokens(number, k, unit)
    if not 1 < n <= 50 or each < 16:
        return None
    return n * each, f"{n} chunks x {_length(number, k, unit, each)}", [size.group(0), count.group(0)]


def _history(text: str) -> tuple[float, str, list[str]] | None:
    m = _HISTORY.search(text)
    if m is None:
        return None
    each = _EACH_LENGTH.match(text[m.end():])
    if each is None:
        return None
    n = int(m.group(1))
    number, k, unit = each.group(1), each.group(2), each.group(3)
    per = _tokens(number, k, unit)
    if not 1 < n <= 500:
        return None
    return n * per, f"{n} messages x {_length(number, k, unit, per)}", [m.group(0), each.group(0)]


def _number_of(phrase: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(k\b)?", phrase.replace(",", ""))
    return float(m.group(1)) * (1000 if m.group(2) else 1) if m else None


def prompt_from_parts(own: str, updates: dict[str, Any], phrases: dict[str, str], notes: dict[str, str]) -> None:
    """The prompt as the sum of its parts, where the message tells them: retrieved pieces or a resent history, plus
    any part added with its own length."""
    text = own.lower()
    found = _pieces(text) or _history(text)
    if found is None:
        return
    tokens, said, spans = found
    added = [(_said(m, 0), m.group(0)) for m in _ADDED.finditer(text)]
    numbers = {_number_of(s) for s in spans + [a[1] for a in added]}
    if "prompt_tokens" in updates and _number_of(phrases.get("prompt_tokens", "")) not in numbers:
        return  # a prompt length said as such ("prompts are ~4k tokens") stands
    parts = [said]
    for (number, k, unit), _ in added:
        extra = _tokens(number, k, unit)
        tokens += extra
        parts.append(_length(number, k, unit, extra))
    if _number_of(phrases.get("output_tokens", "")) in numbers:
        updates.pop("output_tokens", None)  # a part of the prompt ("plus a persona of ~400 words") is no output
    updates["prompt_tokens"] = round(tokens)
    phrases["prompt_tokens"] = spans[0]
    notes["prompt_tokens"] = " + ".join(parts) + f" = {tokens:,.0f} tokens"
